/*
 * The policy builder (a file plus keys set one by one, as nginx
 * directives describe a policy) and the response helpers of the C ABI:
 * overlay rules, every problem reported at once with its field, NULL and
 * odd arguments, and what unicors_vary_missing appends.
 *
 *   builder-dyn TMPDIR
 */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"

#define U8(s) ((const uint8_t *)(s))
#define KEY(s) U8(s), strlen(s)

static unicors_bytes text(const char *s)
{
    unicors_bytes b;
    b.data = U8(s);
    b.len = strlen(s);
    return b;
}

/* Evaluates an actual GET from `origin` and returns the ACAO value (or ""). */
static const char *allow_origin(const unicors_policy *policy, const char *origin)
{
    static char value[256];
    unicors_header line = hdr("Origin", origin);
    unicors_decision *d = unicors_decision_new();
    value[0] = '\0';
    if (unicors_evaluate(policy, U8("GET"), 3, NULL, 0, &line, 1, UNICORS_ORIGIN_VERDICT_NONE,
                         d) == UNICORS_STATUS_OK) {
        for (size_t i = 0; i < unicors_decision_header_count(d); i++) {
            unicors_header h;
            if (unicors_decision_header_at(d, i, &h) == UNICORS_STATUS_OK &&
                h.name_len == 27 && memcmp(h.name, "Access-Control-Allow-Origin", 27) == 0 &&
                h.value_len < sizeof value) {
                memcpy(value, h.value, h.value_len);
                value[h.value_len] = '\0';
            }
        }
    }
    unicors_decision_free(d);
    return value;
}

static void test_keys_only(void)
{
    unicors_policy_builder *b = unicors_policy_builder_new();
    unicors_bytes origins[] = {text("https://a.example"), text("https://b.example")};
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), origins, 2),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_bool(b, KEY("allow_credentials"), true),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_integer(b, KEY("max_age"), 600), UNICORS_STATUS_OK);
    const unicors_policy *policy = NULL;
    unicors_config_error *err = NULL;
    CHECK_STATUS(unicors_policy_builder_build(b, &policy, &err), UNICORS_STATUS_OK);
    CHECK(err == NULL);
    CHECK_STR(allow_origin(policy, "https://b.example"), "https://b.example");
    CHECK_STR(allow_origin(policy, "https://c.example"), "");
    unicors_policy_free(policy);
}

static void test_every_problem_at_once(void)
{
    unicors_policy_builder *b = unicors_policy_builder_new();
    unicors_bytes origins[] = {text("https://App.example"), text("*")};
    unicors_bytes bad_utf8 = {U8("x-\xff"), 3};
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), origins, 2),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_bool(b, KEY("allow_credentials"), true),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_integer(b, KEY("max_age"), -1), UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_headers"), &bad_utf8, 1),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_bool(b, KEY("allow_credential"), true),
                 UNICORS_STATUS_OK);
    const unicors_policy *policy = NULL;
    unicors_config_error *err = NULL;
    CHECK_STATUS(unicors_policy_builder_build(b, &policy, &err), UNICORS_STATUS_INVALID_POLICY);
    CHECK(policy == NULL);
    if (CHECK(err != NULL)) {
        CHECK(has_problem(err, "origin_not_canonical", "allow_origins[0]"));
        CHECK(has_problem(err, "origin_wildcard_with_credentials", "allow_origins[1]"));
        CHECK(has_problem(err, "max_age_out_of_range", "max_age"));
        CHECK(has_problem(err, "wrong_type", "allow_headers[0]"));
        CHECK(has_problem(err, "unknown_key", "allow_credential"));
        unicors_config_error_free(err);
    }
}

static int write_file(const char *path, const char *contents)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return 0;
    }
    int ok = fputs(contents, f) >= 0;
    return (fclose(f) == 0) && ok;
}

static void test_file_overlay(const char *tmp)
{
    char path[512];
    snprintf(path, sizeof path, "%s/unicors-builder-test.toml", tmp);
    if (!CHECK(write_file(path, "allow_origins = [\"https://file.example\"]\n"
                                "allow_credentials = true\n"))) {
        return;
    }

    /* A key set before the file is loaded still wins over the file's. */
    unicors_policy_builder *b = unicors_policy_builder_new();
    unicors_bytes origin = text("https://key.example");
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), &origin, 1),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_load_file(b, U8(path), strlen(path)), UNICORS_STATUS_OK);
    const unicors_policy *policy = NULL;
    CHECK_STATUS(unicors_policy_builder_build(b, &policy, NULL), UNICORS_STATUS_OK);
    CHECK_STR(allow_origin(policy, "https://key.example"), "https://key.example");
    CHECK_STR(allow_origin(policy, "https://file.example"), "");
    unicors_policy_free(policy);

    /* The file's other keys stay: `*` now meets its allow_credentials. */
    b = unicors_policy_builder_new();
    origin = text("*");
    CHECK_STATUS(unicors_policy_builder_load_file(b, U8(path), strlen(path)), UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), &origin, 1),
                 UNICORS_STATUS_OK);
    unicors_config_error *err = NULL;
    policy = NULL;
    CHECK_STATUS(unicors_policy_builder_build(b, &policy, &err), UNICORS_STATUS_INVALID_POLICY);
    CHECK(policy == NULL);
    if (CHECK(err != NULL)) {
        CHECK(has_problem(err, "origin_wildcard_with_credentials", "allow_origins[0]"));
        unicors_config_error_free(err);
    }

    /* A missing file is reported by build, together with the keys' problems. */
    snprintf(path, sizeof path, "%s/unicors-builder-missing.toml", tmp);
    b = unicors_policy_builder_new();
    CHECK_STATUS(unicors_policy_builder_load_file(b, U8(path), strlen(path)), UNICORS_STATUS_OK);
    CHECK_STATUS(unicors_policy_builder_set_integer(b, KEY("max_age"), 100000), UNICORS_STATUS_OK);
    err = NULL;
    CHECK_STATUS(unicors_policy_builder_build(b, &policy, &err), UNICORS_STATUS_IO);
    if (CHECK(err != NULL)) {
        CHECK(has_problem(err, "io", ""));
        CHECK(has_problem(err, "max_age_out_of_range", "max_age"));
        unicors_config_error_free(err);
    }
}

static void test_arguments(void)
{
    const unicors_policy *policy = NULL;
    unicors_bytes item = text("x");
    unicors_policy_builder_free(NULL);
    CHECK_STATUS(unicors_policy_builder_set_bool(NULL, KEY("max_age"), true),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_builder_build(NULL, &policy, NULL), UNICORS_STATUS_NULL_PARAMETER);

    unicors_policy_builder *b = unicors_policy_builder_new();
    CHECK(b != NULL);
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), NULL, 1),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_builder_set_strings(b, NULL, 3, &item, 1),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), &item, SIZE_MAX),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(unicors_policy_builder_load_file(b, U8("a\0b"), 3),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(unicors_policy_builder_load_file(b, NULL, 0), UNICORS_STATUS_INVALID_ARGUMENT);
    /* An empty list of origins builds (a policy that allows no origin). */
    CHECK_STATUS(unicors_policy_builder_set_strings(b, KEY("allow_origins"), NULL, 0),
                 UNICORS_STATUS_OK);
    /* Consumed even when the out-parameter is missing. */
    CHECK_STATUS(unicors_policy_builder_build(b, NULL, NULL), UNICORS_STATUS_NULL_PARAMETER);
}

static void test_vary_missing(void)
{
    const uint32_t origin = 1, method = 2, headers = 4;
    unicors_bytes lines[3];

    CHECK_STR(unicors_vary_missing(origin, NULL, 0), "Origin");
    CHECK_STR(unicors_vary_missing(0, NULL, 0), "");
    CHECK_STR(unicors_vary_missing(origin | method | headers, NULL, 0),
              "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");

    lines[0] = text("Accept-Encoding, origin");
    CHECK_STR(unicors_vary_missing(origin, lines, 1), "");
    CHECK_STR(unicors_vary_missing(origin | method, lines, 1), "Access-Control-Request-Method");

    lines[0] = text("Accept-Encoding");
    lines[1] = text(" ACCESS-CONTROL-REQUEST-HEADERS ,Origin");
    CHECK_STR(unicors_vary_missing(origin | method | headers, lines, 2),
              "Access-Control-Request-Method");

    /* Vary: * already covers every name. */
    lines[2] = text("*");
    CHECK_STR(unicors_vary_missing(origin | method, lines, 3), "");

    /* "Originals" is not "Origin". */
    lines[0] = text("Originals");
    CHECK_STR(unicors_vary_missing(origin, lines, 1), "Origin");

    /* Bad arguments: append everything rather than forget a name. */
    CHECK_STR(unicors_vary_missing(origin, NULL, 2), "Origin");
    lines[0].data = NULL;
    lines[0].len = 4;
    CHECK_STR(unicors_vary_missing(origin, lines, 1), "Origin");
    /* Unknown bits are ignored. */
    CHECK_STR(unicors_vary_missing(0xff0u | origin, NULL, 0), "Origin");

    /* Which app headers a host drops before applying a decision. */
    CHECK(unicors_is_cors_response_header(U8("Access-Control-Allow-Origin"), 27));
    CHECK(unicors_is_cors_response_header(U8("access-control-x"), 16));
    CHECK(!unicors_is_cors_response_header(U8("Vary"), 4));
    CHECK(!unicors_is_cors_response_header(U8("Access-Control"), 14));
    CHECK(!unicors_is_cors_response_header(NULL, 3));
    CHECK(!unicors_is_cors_response_header(NULL, 0));

    /* A decision's bits match its Vary string. */
    static const char doc[] = "{\"allow_origins\":[\"https://a.example\"]}";
    const unicors_policy *policy = NULL;
    CHECK_STATUS(unicors_policy_from_document(U8(doc), sizeof doc - 1, UNICORS_FORMAT_JSON,
                                              &policy, NULL),
                 UNICORS_STATUS_OK);
    unicors_decision *d = unicors_decision_new();
    unicors_header request[] = {hdr("Origin", "https://a.example"),
                                hdr("Access-Control-Request-Method", "GET")};
    CHECK_STATUS(unicors_evaluate(policy, U8("OPTIONS"), 7, NULL, 0, request, 2,
                                  UNICORS_ORIGIN_VERDICT_NONE, d),
                 UNICORS_STATUS_OK);
    CHECK_STR(unicors_vary_missing(unicors_decision_vary_bits(d), NULL, 0),
              unicors_decision_vary(d));
    CHECK(unicors_decision_vary_bits(NULL) == 0);
    unicors_decision_free(d);
    unicors_policy_free(policy);
}

int main(int argc, char **argv)
{
    const char *tmp = argc > 1 ? argv[1] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    test_keys_only();
    test_every_problem_at_once();
    test_file_overlay(tmp);
    test_arguments();
    test_vary_missing();
    printf("builder: %lu checks, %lu failures\n", check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
