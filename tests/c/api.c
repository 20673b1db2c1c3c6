/*
 * The edges of the unicors C ABI: versions, status and kind strings,
 * _free(NULL), NULL pointers wherever a pointer is taken, zero and huge
 * lengths, unknown enum values, invalid UTF-8 and NUL bytes, a 1 MiB
 * Access-Control-Request-Headers, a policy with several mistakes, policy
 * files, reference counting, warnings, out-of-range indexes and the
 * decision buffer after an error.
 *
 * Usage: api [TMPDIR]   Prints `api: N checks, F failures`; exits 1 on any
 * failure.
 */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS, mkdtemp */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define U8(s) ((const uint8_t *)(s))
#define LIT(s) U8(s), (sizeof(s) - 1)

static const char POLICY_JSON[] =
    "{\"allow_origins\":[\"https://app.example\"],\"allow_methods\":[\"PUT\"],"
    "\"allow_headers\":[\"x-a\",\"content-type\"],\"expose_headers\":[\"x-total\"],"
    "\"allow_credentials\":true,\"max_age\":600,"
    "\"routes\":[{\"path\":\"/public\",\"allow_origins\":[\"*\"],\"allow_credentials\":false}]}";

static const char POLICY_TOML[] = "allow_origins = [\"https://app.example\"]\n"
                                  "allow_methods = [\"PUT\"]\n"
                                  "allow_headers = [\"x-a\", \"content-type\"]\n"
                                  "expose_headers = [\"x-total\"]\n"
                                  "allow_credentials = true\n"
                                  "max_age = 600\n"
                                  "[[routes]]\n"
                                  "path = \"/public\"\n"
                                  "allow_origins = [\"*\"]\n"
                                  "allow_credentials = false\n";

/* A sentinel for out-parameters that must stay untouched. */
static const unicors_policy *const POLICY_SENTINEL = (const unicors_policy *)(uintptr_t)0x5a5a5a50;
static unicors_config_error *const ERROR_SENTINEL = (unicors_config_error *)(uintptr_t)0x5a5a5a60;

static const unicors_policy *build(const char *doc, size_t len, uint32_t format)
{
    const unicors_policy *policy = NULL;
    unicors_config_error *error = ERROR_SENTINEL;
    unicors_status status = unicors_policy_from_document(U8(doc), len, format, &policy, &error);
    if (!CHECK_STATUS(status, UNICORS_STATUS_OK)) {
        const uint8_t *text;
        size_t text_len;
        if (unicors_config_error_text(error, &text, &text_len) == UNICORS_STATUS_OK) {
            fprintf(stderr, "%.*s\n", (int)text_len, (const char *)text);
        }
        unicors_config_error_free(error);
        exit(2);
    }
    CHECK(error == NULL); /* written NULL on success */
    CHECK(policy != NULL);
    return policy;
}

/* The preflight every happy-path check uses. */
static unicors_header preflight[3];

static void init_requests(void)
{
    preflight[0] = hdr("Origin", "https://app.example");
    preflight[1] = hdr("Access-Control-Request-Method", "PUT");
    preflight[2] = hdr("Access-Control-Request-Headers", "x-a");
}

static unicors_status eval(const unicors_policy *policy, const char *method,
                           const unicors_header *headers, size_t count, unicors_decision *d)
{
    return unicors_evaluate(policy, U8(method), strlen(method), LIT("/"), headers, count,
                            UNICORS_ORIGIN_VERDICT_NONE, d);
}

/* The buffer is empty: what it must be after any error. */
static void check_empty(const unicors_decision *d, int line)
{
    unicors_header h;
    const unicors_decision_view *v = unicors_decision_get_view(d);
    check_at(v != NULL && v->kind == UNICORS_KIND_NOT_CORS && v->status == 0 &&
                 v->vary_bits == 0 && v->vary != NULL && strcmp(v->vary, "") == 0 &&
                 v->reason_code == NULL && v->header_count == 0 && v->headers != NULL,
             line, "decision view is empty");
    if (!check_at(unicors_decision_kind(d) == UNICORS_KIND_NOT_CORS &&
                      unicors_decision_header_count(d) == 0 && unicors_decision_status(d) == 0 &&
                      unicors_decision_reason_code(d) == NULL &&
                      unicors_decision_reason_message(d) == NULL &&
                      strcmp(unicors_decision_vary(d), "") == 0 &&
                      unicors_decision_header_at(d, 0, &h) == UNICORS_STATUS_INVALID_ARGUMENT,
                  line, "decision buffer is empty")) {
        fprintf(stderr, "    kind %s, %zu headers, status %u, vary \"%s\"\n",
                unicors_kind_str(unicors_decision_kind(d)), unicors_decision_header_count(d),
                unicors_decision_status(d), unicors_decision_vary(d));
    }
}
#define CHECK_EMPTY(d) check_empty((d), __LINE__)

/* Fills the buffer with an allowed preflight (so emptiness is meaningful). */
static void fill(const unicors_policy *policy, unicors_decision *d)
{
    CHECK_STATUS(eval(policy, "OPTIONS", preflight, 3, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);
    CHECK(unicors_decision_header_count(d) > 0);
}

/* ---- versions and strings ---------------------------------------------- */

#if UNICORS_VERSION_NUMBER !=                                                                      \
    (UNICORS_VERSION_MAJOR * 1000000 + UNICORS_VERSION_MINOR * 1000 + UNICORS_VERSION_PATCH)
#error "UNICORS_VERSION_NUMBER does not match MAJOR/MINOR/PATCH"
#endif

static void test_version(void)
{
    const char *version = unicors_version();
    CHECK_STR(version, "unicors/" UNICORS_VERSION_STRING);
    unsigned major = 99, minor = 99, patch = 99;
    char tail = 0;
    CHECK(version && sscanf(version, "unicors/%u.%u.%u%c", &major, &minor, &patch, &tail) == 3);
    CHECK(major == UNICORS_VERSION_MAJOR);
    CHECK(minor == UNICORS_VERSION_MINOR);
    CHECK(patch == UNICORS_VERSION_PATCH);
    CHECK(unicors_version() == version); /* static */
}

static void test_strings(void)
{
    static const uint32_t known[] = {UNICORS_STATUS_OK,           UNICORS_STATUS_NULL_PARAMETER,
                                     UNICORS_STATUS_INVALID_ARGUMENT,
                                     UNICORS_STATUS_INVALID_POLICY, UNICORS_STATUS_IO,
                                     UNICORS_STATUS_PANIC};
    const char *seen[6];
    for (size_t i = 0; i < 6; i++) {
        seen[i] = unicors_status_str(known[i]);
        CHECK(seen[i] != NULL && seen[i][0] != '\0');
        CHECK(seen[i] && strcmp(seen[i], "unknown status") != 0);
        for (size_t k = 0; k < i; k++) {
            CHECK(seen[i] && seen[k] && strcmp(seen[i], seen[k]) != 0); /* distinct */
        }
        CHECK(unicors_status_str(known[i]) == seen[i]); /* static */
    }
    CHECK_STR(unicors_status_str(UNICORS_STATUS_OK), "ok");
    static const uint32_t unknown[] = {1, 2, 999, 1005, 2000, 0x7fffffffu, UINT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_STR(unicors_status_str(unknown[i]), "unknown status");
    }

    CHECK_STR(unicors_kind_str(UNICORS_KIND_NOT_CORS), "not_cors");
    CHECK_STR(unicors_kind_str(UNICORS_KIND_PREFLIGHT), "preflight");
    CHECK_STR(unicors_kind_str(UNICORS_KIND_ACTUAL), "actual");
    CHECK_STR(unicors_kind_str(UNICORS_KIND_REJECTED), "rejected");
    CHECK_STR(unicors_kind_str(4), "unknown");
    CHECK_STR(unicors_kind_str(1000), "unknown");
    CHECK_STR(unicors_kind_str(UINT32_MAX), "unknown");

    /* The ABI's sizes: 32-bit enums, pointer/size_t views. */
    CHECK(sizeof(unicors_status) == 4);
    CHECK(sizeof(unicors_kind) == 4);
    CHECK(sizeof(unicors_header) == 4 * sizeof(void *));
    CHECK(UNICORS_STATUS_OK == 0 && UNICORS_STATUS_NULL_PARAMETER == 1000 &&
          UNICORS_STATUS_PANIC == 1004);
}

/* ---- NULL everywhere ----------------------------------------------------- */

static int never_called(void *userdata, const unicors_header *header)
{
    (void)header;
    ++*(int *)userdata;
    return 0;
}

static void test_free_null(void)
{
    unicors_config_error_free(NULL);
    unicors_decision_free(NULL);
    unicors_policy_free(NULL);
    CHECK(unicors_policy_clone(NULL) == NULL);
    CHECK(1); /* reached: no crash */
}

static void test_null_pointers(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();
    CHECK(d != NULL);
    const unicors_policy *out = POLICY_SENTINEL;
    unicors_config_error *err = ERROR_SENTINEL;

    /* unicors_policy_from_document */
    CHECK_STATUS(unicors_policy_from_document(NULL, 5, UNICORS_FORMAT_JSON, &out, &err),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);
    CHECK_STATUS(unicors_policy_from_document(LIT(POLICY_JSON), UNICORS_FORMAT_JSON, NULL, &err),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(err == ERROR_SENTINEL);
    CHECK_STATUS(unicors_policy_from_document(NULL, 0, UNICORS_FORMAT_JSON, NULL, NULL),
                 UNICORS_STATUS_NULL_PARAMETER);
    /* NULL with length 0 is an empty document: refused as JSON, */
    CHECK_STATUS(unicors_policy_from_document(NULL, 0, UNICORS_FORMAT_JSON, &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(out == POLICY_SENTINEL);
    CHECK(err != ERROR_SENTINEL && unicors_config_error_count(err) >= 1);
    unicors_config_error_free(err);
    /* an empty (warned) policy as TOML. */
    out = NULL;
    err = ERROR_SENTINEL;
    CHECK_STATUS(unicors_policy_from_document(NULL, 0, UNICORS_FORMAT_TOML, &out, &err),
                 UNICORS_STATUS_OK);
    CHECK(out != NULL && err == NULL);
    if (out != NULL) {
        CHECK(unicors_policy_warning_count(out) >= 1); /* no_origins */
        CHECK_STATUS(eval(out, "OPTIONS", preflight, 3, d), UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
    }
    unicors_policy_free(out);
    /* error_out NULL on a bad document: no object, nothing leaked. */
    out = POLICY_SENTINEL;
    CHECK_STATUS(unicors_policy_from_document(LIT("{"), UNICORS_FORMAT_JSON, &out, NULL),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(out == POLICY_SENTINEL);
    /* error_out NULL on a good document. */
    out = NULL;
    CHECK_STATUS(unicors_policy_from_document(LIT(POLICY_JSON), UNICORS_FORMAT_JSON, &out, NULL),
                 UNICORS_STATUS_OK);
    CHECK(out != NULL);
    unicors_policy_free(out);

    /* unicors_policy_from_file */
    out = POLICY_SENTINEL;
    err = ERROR_SENTINEL;
    CHECK_STATUS(unicors_policy_from_file(NULL, 4, &out, &err), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_from_file(LIT("/nonexistent.toml"), NULL, &err),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_from_file(NULL, 0, &out, &err), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);

    /* unicors_evaluate */
    fill(policy, d);
    CHECK_STATUS(eval(NULL, "OPTIONS", preflight, 3, d), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    CHECK_STATUS(eval(policy, "OPTIONS", preflight, 3, NULL), UNICORS_STATUS_NULL_PARAMETER);
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, NULL, 7, LIT("/"), preflight, 3, 0, d),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), NULL, 1, preflight, 3, 0, d),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), NULL, 3, 0, d),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    unicors_header lines[3] = {preflight[0], preflight[1], preflight[2]};
    lines[1].name = NULL;
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 3, 0, d),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    lines[1] = preflight[1];
    lines[2].value = NULL;
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 3, 0, d),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);
    /* Several bad lines: the first one's status, whatever comes after. */
    lines[0].value_len = SIZE_MAX; /* a length no buffer can have */
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 3, 0, d),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_EMPTY(d);
    lines[0] = preflight[0];
    /* NULL with length 0 is fine everywhere. */
    CHECK_STATUS(unicors_evaluate(policy, NULL, 0, NULL, 0, NULL, 0, 0, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_NOT_CORS);
    CHECK_STATUS(unicors_evaluate(policy, NULL, 0, NULL, 0, preflight, 1, 0, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) <= UNICORS_KIND_REJECTED); /* an empty method: classified */
    lines[2].value_len = 0; /* NULL value, length 0: an empty ACRH */
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), NULL, 0, lines, 3, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);
    unicors_header nameless[2] = {preflight[0], {NULL, 0, U8("x"), 1}};
    CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), NULL, 0, nameless, 2, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_ACTUAL);

    /* decision accessors */
    unicors_header h = {U8("x"), 1, U8("y"), 1};
    CHECK(unicors_decision_kind(NULL) == UNICORS_KIND_NOT_CORS);
    CHECK(unicors_decision_reason_code(NULL) == NULL);
    CHECK(unicors_decision_reason_message(NULL) == NULL);
    CHECK(unicors_decision_status(NULL) == 0);
    CHECK(unicors_decision_header_count(NULL) == 0);
    CHECK_STR(unicors_decision_vary(NULL), "");
    CHECK_STATUS(unicors_decision_header_at(NULL, 0, &h), UNICORS_STATUS_NULL_PARAMETER);
    fill(policy, d);
    CHECK_STATUS(unicors_decision_header_at(d, 0, NULL), UNICORS_STATUS_NULL_PARAMETER);
    CHECK(h.name_len == 1 && h.value_len == 1); /* untouched */
    int calls = 0;
    CHECK_STATUS(unicors_decision_foreach_header(NULL, never_called, &calls),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_decision_foreach_header(d, NULL, &calls), UNICORS_STATUS_NULL_PARAMETER);
    CHECK(calls == 0);
    CHECK_STATUS(unicors_decision_foreach_header(d, never_called, &calls),
                 UNICORS_STATUS_OK);
    CHECK(calls == (int)unicors_decision_header_count(d));

    /* config errors */
    unicors_problem problem;
    const uint8_t *text = U8("untouched");
    size_t text_len = 9;
    CHECK(unicors_config_error_count(NULL) == 0);
    CHECK_STATUS(unicors_config_error_at(NULL, 0, &problem), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_config_error_text(NULL, &text, &text_len), UNICORS_STATUS_NULL_PARAMETER);
    err = NULL;
    out = POLICY_SENTINEL;
    CHECK_STATUS(unicors_policy_from_document(LIT("{\"bogus\":1}"), UNICORS_FORMAT_JSON, &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(err != NULL);
    CHECK_STATUS(unicors_config_error_at(err, 0, NULL), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_config_error_text(err, NULL, &text_len), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_config_error_text(err, &text, NULL), UNICORS_STATUS_NULL_PARAMETER);
    CHECK(text_len == 9);
    unicors_config_error_free(err);

    /* policy warnings */
    CHECK(unicors_policy_warning_count(NULL) == 0);
    CHECK_STATUS(unicors_policy_warning_at(NULL, 0, &problem), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_warning_at(policy, 0, NULL), UNICORS_STATUS_NULL_PARAMETER);

    unicors_decision_free(d);
}

/* ---- zero and huge lengths ------------------------------------------------ */

/*
 * Runs `probe` in a child so that a crash is a failed check, not the end of
 * the test; the child reports the status it got through a pipe.
 */
typedef unicors_status (*probe_fn)(const uint8_t *bytes, size_t len, size_t big);

static void check_in_child(probe_fn probe, const char *what, const uint8_t *bytes, size_t len,
                           size_t big, uint32_t want, int line)
{
    int fds[2];
    char label[160];
    snprintf(label, sizeof label, "%s with length %s -> %s", what,
             big == SIZE_MAX ? "SIZE_MAX" : "SIZE_MAX/2", unicors_status_str(want));
    if (pipe(fds) != 0) {
        check_at(0, line, "pipe()");
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        check_at(0, line, "fork()");
        return;
    }
    if (pid == 0) {
        /* A crash report (ASan's, say) would only repeat what the parent says. */
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 2);
        }
        close(fds[0]);
        uint32_t status = (uint32_t)probe(bytes, len, big);
        ssize_t written = write(fds[1], &status, sizeof status);
        _exit(written == (ssize_t)sizeof status ? 0 : 3);
    }
    close(fds[1]);
    uint32_t got = 0;
    ssize_t n = read(fds[0], &got, sizeof got);
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (n != (ssize_t)sizeof got) {
        check_at(0, line, label);
        if (WIFSIGNALED(wstatus)) {
            fprintf(stderr, "    the call crashed with signal %d (%s)\n", WTERMSIG(wstatus),
                    WTERMSIG(wstatus) == SIGSEGV ? "SIGSEGV" : "?");
        } else {
            fprintf(stderr, "    the child exited with %d without an answer (a sanitizer "
                            "exits with 1 after reporting a SEGV)\n",
                    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
        }
        return;
    }
    check_status_at(got, want, line, label);
}

static const unicors_policy *probe_policy;

static unicors_status probe_document(const uint8_t *bytes, size_t len, size_t big)
{
    const unicors_policy *policy = NULL;
    (void)len;
    unicors_status s = unicors_policy_from_document(bytes, big, UNICORS_FORMAT_JSON, &policy, NULL);
    unicors_policy_free(policy);
    return s;
}

static unicors_status probe_file(const uint8_t *bytes, size_t len, size_t big)
{
    const unicors_policy *policy = NULL;
    (void)len;
    unicors_status s = unicors_policy_from_file(bytes, big, &policy, NULL);
    unicors_policy_free(policy);
    return s;
}

static unicors_status probe_evaluate(int which, const uint8_t *bytes, size_t len, size_t big)
{
    unicors_decision *d = unicors_decision_new();
    unicors_header lines[3] = {preflight[0], preflight[1], preflight[2]};
    const uint8_t *method = U8("OPTIONS");
    size_t method_len = 7;
    const uint8_t *path = U8("/");
    size_t path_len = 1;
    size_t count = 3;
    const unicors_header *headers = lines;
    switch (which) {
    case 0:
        method = bytes, method_len = big;
        break;
    case 1:
        path = bytes, path_len = big;
        break;
    case 2:
        lines[0].value = bytes, lines[0].value_len = big; /* Origin */
        break;
    case 3:
        lines[2].value = bytes, lines[2].value_len = big; /* ACRH */
        break;
    case 4:
        lines[1].name = bytes, lines[1].name_len = big;
        break;
    default:
        headers = (const unicors_header *)(const void *)bytes, count = big;
        break;
    }
    (void)len;
    unicors_status s = unicors_evaluate(probe_policy, method, method_len, path, path_len, headers,
                                        count, UNICORS_ORIGIN_VERDICT_NONE, d);
    unicors_decision_free(d);
    return s;
}

static unicors_status probe_method(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(0, b, l, big);
}
static unicors_status probe_path(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(1, b, l, big);
}
static unicors_status probe_origin(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(2, b, l, big);
}
static unicors_status probe_acrh(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(3, b, l, big);
}
static unicors_status probe_name(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(4, b, l, big);
}
static unicors_status probe_count(const uint8_t *b, size_t l, size_t big)
{
    return probe_evaluate(5, b, l, big);
}

static void test_lengths(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();
    const unicors_policy *out = POLICY_SENTINEL;
    unicors_config_error *err = ERROR_SENTINEL;

    /* Zero lengths with real pointers. */
    CHECK_STATUS(unicors_policy_from_document(U8(POLICY_JSON), 0, UNICORS_FORMAT_JSON, &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(out == POLICY_SENTINEL);
    unicors_problem problem = {0};
    CHECK(err != ERROR_SENTINEL &&
          unicors_config_error_at(err, 0, &problem) == UNICORS_STATUS_OK);
    CHECK_STR(problem.code, "syntax");
    unicors_config_error_free(err);
    err = ERROR_SENTINEL;
    CHECK_STATUS(unicors_policy_from_file(U8("/"), 0, &out, &err), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);
    CHECK_STATUS(unicors_evaluate(policy, U8("OPTIONS"), 0, U8("/"), 0, preflight, 0, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_NOT_CORS); /* no header lines at all */
    unicors_header empty[3] = {preflight[0], preflight[1], preflight[2]};
    empty[0].value_len = 0; /* Origin: (empty) */
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), empty, 3, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
    empty[0] = preflight[0];
    empty[1].name_len = 0; /* a nameless line is not ACRM */
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), empty, 3, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) != UNICORS_KIND_PREFLIGHT);

    /* Huge lengths with a NULL pointer: NULL_PARAMETER, buffer empty. */
    const size_t huge[2] = {SIZE_MAX, SIZE_MAX / 2};
    for (int i = 0; i < 2; i++) {
        size_t big = huge[i];
        CHECK_STATUS(unicors_policy_from_document(NULL, big, UNICORS_FORMAT_JSON, &out, &err),
                     UNICORS_STATUS_NULL_PARAMETER);
        CHECK_STATUS(unicors_policy_from_file(NULL, big, &out, &err), UNICORS_STATUS_NULL_PARAMETER);
        CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);
        fill(policy, d);
        CHECK_STATUS(unicors_evaluate(policy, NULL, big, LIT("/"), preflight, 3, 0, d),
                     UNICORS_STATUS_NULL_PARAMETER);
        CHECK_EMPTY(d);
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), NULL, big, preflight, 3, 0, d),
                     UNICORS_STATUS_NULL_PARAMETER);
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), NULL, big, 0, d),
                     UNICORS_STATUS_NULL_PARAMETER);
        unicors_header lines[3] = {preflight[0], preflight[1], preflight[2]};
        lines[2].value = NULL;
        lines[2].value_len = big;
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 3, 0, d),
                     UNICORS_STATUS_NULL_PARAMETER);
        CHECK_EMPTY(d);
    }

    /* A readable page followed by an inaccessible one. */
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *region = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(region != MAP_FAILED)) {
        unicors_decision_free(d);
        return;
    }
    CHECK(mprotect(region + page, (size_t)page, PROT_NONE) == 0);

    /* Exact lengths ending at the inaccessible page: nothing is read past them. */
    {
#define AT_END(s) (memcpy(region + page - (sizeof(s) - 1), s, sizeof(s) - 1), \
                   (const uint8_t *)(region + page - (sizeof(s) - 1)))
        const unicors_policy *edge = NULL;
        CHECK_STATUS(unicors_policy_from_document(AT_END(POLICY_JSON), sizeof POLICY_JSON - 1,
                                                  UNICORS_FORMAT_JSON, &edge, NULL),
                     UNICORS_STATUS_OK);
        unicors_policy_free(edge);
        static const char toml_at_end[] = "allow_origins = [\"https://app.example\"]";
        edge = NULL;
        CHECK_STATUS(unicors_policy_from_document(AT_END(toml_at_end), sizeof toml_at_end - 1,
                                                  UNICORS_FORMAT_TOML, &edge, NULL),
                     UNICORS_STATUS_OK);
        unicors_policy_free(edge);
        struct {
            int which;
            const char *bytes;
            size_t len;
            uint32_t kind;
        } edges[] = {
            {0, "OPTIONS", 7, UNICORS_KIND_PREFLIGHT},
            {1, "/public/x", 9, UNICORS_KIND_PREFLIGHT},
            {2, "https://app.example", 19, UNICORS_KIND_PREFLIGHT},
            {3, "x-a", 3, UNICORS_KIND_PREFLIGHT},
            {4, "Access-Control-Request-Method", 29, UNICORS_KIND_PREFLIGHT},
            {2, "https://app.example.", 20, UNICORS_KIND_REJECTED},
            {3, "x-a,", 4, UNICORS_KIND_PREFLIGHT},
        };
        for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
            uint8_t *at = region + page - edges[i].len;
            memcpy(at, edges[i].bytes, edges[i].len);
            unicors_header lines[3] = {preflight[0], preflight[1], preflight[2]};
            const uint8_t *method = U8("OPTIONS"), *path = U8("/");
            size_t method_len = 7, path_len = 1;
            switch (edges[i].which) {
            case 0:
                method = at, method_len = edges[i].len;
                break;
            case 1:
                path = at, path_len = edges[i].len;
                break;
            case 2:
                lines[0].value = at, lines[0].value_len = edges[i].len; /* Origin */
                break;
            case 3:
                lines[2].value = at, lines[2].value_len = edges[i].len; /* ACRH */
                break;
            default:
                lines[1].name = at, lines[1].name_len = edges[i].len;
                break;
            }
            CHECK_STATUS(unicors_evaluate(policy, method, method_len, path, path_len, lines, 3, 0, d),
                         UNICORS_STATUS_OK);
            if (!CHECK(unicors_decision_kind(d) == edges[i].kind)) {
                fprintf(stderr, "    edge case %zu: %s\n", i,
                        unicors_kind_str(unicors_decision_kind(d)));
            }
        }
        /* The header array itself ends at the page too. */
        unicors_header *array = (unicors_header *)(void *)(region + page - sizeof preflight);
        memcpy(array, preflight, sizeof preflight);
        CHECK_STATUS(eval(policy, "OPTIONS", array, 3, d), UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);
#undef AT_END
    }

    /*
     * Huge lengths with a real pointer: no buffer can be that long, so
     * INVALID_ARGUMENT ("a length no buffer can have"), never a read. The
     * bytes sit at the end of the readable page, so a library that reads
     * past them crashes (in a child process) deterministically.
     */
    memset(region, 'a', (size_t)page); /* valid UTF-8, no NUL, no '?' */
    uint8_t *tail = region + page - 4;
    probe_policy = policy;
    struct {
        probe_fn probe;
        const char *what;
    } probes[] = {
        {probe_document, "unicors_policy_from_document(document)"},
        {probe_file, "unicors_policy_from_file(path)"},
        {probe_method, "unicors_evaluate(method)"},
        {probe_path, "unicors_evaluate(path)"},
        {probe_origin, "unicors_evaluate(Origin value)"},
        {probe_acrh, "unicors_evaluate(ACRH value)"},
        {probe_name, "unicors_evaluate(header name)"},
        {probe_count, "unicors_evaluate(header_count)"},
    };
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        for (int i = 0; i < 2; i++) {
            check_in_child(probes[p].probe, probes[p].what, tail, 4, huge[i],
                           UNICORS_STATUS_INVALID_ARGUMENT, __LINE__);
        }
    }
    munmap(region, (size_t)page * 2);
    unicors_decision_free(d);
}

/* ---- unknown enum values ------------------------------------------------- */

static void test_enums(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();
    const unicors_policy *out = POLICY_SENTINEL;
    unicors_config_error *err = ERROR_SENTINEL;
    static const uint32_t bad_formats[] = {2, 3, 1000, UINT32_MAX};
    for (size_t i = 0; i < 4; i++) {
        CHECK_STATUS(unicors_policy_from_document(LIT(POLICY_JSON), bad_formats[i], &out, &err),
                     UNICORS_STATUS_INVALID_ARGUMENT);
        CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);
    }
    static const uint32_t bad_verdicts[] = {3, 4, 1000, UINT32_MAX};
    for (size_t i = 0; i < 4; i++) {
        fill(policy, d);
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), preflight, 3,
                                      bad_verdicts[i], d),
                     UNICORS_STATUS_INVALID_ARGUMENT);
        CHECK_EMPTY(d);
    }
    /* The three known verdicts. */
    unicors_header actual[1] = {preflight[0]};
    CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), actual, 1,
                                  UNICORS_ORIGIN_VERDICT_NONE, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_ACTUAL);
    CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), actual, 1,
                                  UNICORS_ORIGIN_VERDICT_DENY, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
    CHECK_STR(unicors_decision_reason_code(d), "origin_rejected_by_host");
    unicors_header other[1] = {hdr("Origin", "https://other.example")};
    CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), other, 1,
                                  UNICORS_ORIGIN_VERDICT_ALLOW, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_ACTUAL);
    unicors_decision_free(d);
}

/* ---- bytes that are not text ----------------------------------------------- */

static void test_bytes(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();

    /* Invalid UTF-8 in a policy document: INVALID_POLICY with a syntax problem. */
    static const char bad_json[] = "{\"allow_origins\":[\"https://app.example\xff\"]}";
    static const char bad_toml[] = "allow_origins = [\"https://app.\xc3\x28xample\"]\n";
    static const char nul_json[] = "{\"allow_origins\":[\"https://app.example\"]}\0";
    struct {
        const char *doc;
        size_t len;
        uint32_t format;
    } docs[] = {{bad_json, sizeof bad_json - 1, UNICORS_FORMAT_JSON},
                {bad_toml, sizeof bad_toml - 1, UNICORS_FORMAT_TOML},
                {"\xef\xbb", 2, UNICORS_FORMAT_JSON},
                {nul_json, sizeof nul_json - 1, UNICORS_FORMAT_JSON}};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        const unicors_policy *out = POLICY_SENTINEL;
        unicors_config_error *err = NULL;
        CHECK_STATUS(unicors_policy_from_document(U8(docs[i].doc), docs[i].len, docs[i].format,
                                                  &out, &err),
                     UNICORS_STATUS_INVALID_POLICY);
        CHECK(out == POLICY_SENTINEL);
        CHECK(unicors_config_error_count(err) >= 1);
        unicors_problem problem = {0};
        CHECK_STATUS(unicors_config_error_at(err, 0, &problem), UNICORS_STATUS_OK);
        CHECK_STR(problem.code, "syntax");
        CHECK(problem.severity == UNICORS_SEVERITY_ERROR);
        unicors_config_error_free(err);
    }

    /* Invalid UTF-8 and NUL bytes in header values: classified, no crash. */
    struct {
        const char *name;
        const char *value;
        size_t value_len;
        const char *method;
        uint32_t kind;
        const char *reason; /* NULL: any (or none) */
    } lines[] = {
        {"Origin", "https://app.example\xff", 20, "GET", UNICORS_KIND_REJECTED, NULL},
        {"Origin", "https://app.ex\0ample", 20, "GET", UNICORS_KIND_REJECTED, NULL},
        {"Origin", "\0", 1, "GET", UNICORS_KIND_REJECTED, NULL},
        {"Origin", "https://\xc3\xa9t\xc3\xa9.example", 21, "GET", UNICORS_KIND_REJECTED, NULL},
        {"Access-Control-Request-Method", "PU\0T", 4, "OPTIONS", UNICORS_KIND_REJECTED, NULL},
        {"Access-Control-Request-Method", "PUT\xff", 4, "OPTIONS", UNICORS_KIND_REJECTED, NULL},
        {"Access-Control-Request-Headers", "x-a,\xff", 5, "OPTIONS", UNICORS_KIND_REJECTED,
         "request_headers_invalid"},
        {"Access-Control-Request-Headers", "x-a\0", 4, "OPTIONS", UNICORS_KIND_REJECTED,
         "request_headers_invalid"},
        {"X-Junk", "\xff\0\xfe\r\n", 5, "GET", UNICORS_KIND_ACTUAL, NULL},
        {"X-\xff\0", "1", 1, "GET", UNICORS_KIND_ACTUAL, NULL},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        unicors_header request[3] = {preflight[0], preflight[1], preflight[2]};
        size_t count = strcmp(lines[i].method, "GET") == 0 ? 1 : 3;
        unicors_header line = {U8(lines[i].name), strlen(lines[i].name), U8(lines[i].value),
                               lines[i].value_len};
        size_t slot = count;
        for (size_t k = 0; k < count; k++) {
            if (strcmp(lines[i].name, (const char *)request[k].name) == 0) {
                slot = k;
            }
        }
        if (strncmp(lines[i].name, "X-", 2) == 0) {
            slot = count++;
        } else if (slot == count) {
            slot = 0;
        }
        request[slot] = line;
        if (!CHECK_STATUS(unicors_evaluate(policy, U8(lines[i].method), strlen(lines[i].method),
                                           LIT("/"), request, count, 0, d),
                          UNICORS_STATUS_OK)) {
            continue;
        }
        if (!CHECK(unicors_decision_kind(d) == lines[i].kind)) {
            fprintf(stderr, "    case %zu (%s): got %s (%s)\n", i, lines[i].name,
                    unicors_kind_str(unicors_decision_kind(d)),
                    unicors_decision_reason_code(d) ? unicors_decision_reason_code(d) : "-");
        }
        if (lines[i].reason != NULL) {
            CHECK_STR(unicors_decision_reason_code(d), lines[i].reason);
        }
        if (unicors_decision_kind(d) == UNICORS_KIND_REJECTED) {
            CHECK(unicors_decision_reason_message(d) != NULL);
        }
    }

    /* Every byte value after a valid origin, and alone: classified. */
    for (unsigned b = 0; b < 256; b++) {
        uint8_t value[21];
        memcpy(value, "https://app.example", 19);
        value[19] = (uint8_t)b;
        unicors_header request[2] = {{LIT("Origin"), value, 20}, {LIT("Origin"), value + 19, 1}};
        int ok = 1;
        for (int k = 0; k < 2; k++) {
            ok &= unicors_evaluate(policy, LIT("GET"), LIT("/"), &request[k], 1, 0, d) ==
                  UNICORS_STATUS_OK;
            ok &= unicors_decision_kind(d) <= UNICORS_KIND_REJECTED;
            ok &= unicors_decision_kind(d) != UNICORS_KIND_PREFLIGHT;
        }
        ok &= unicors_evaluate(policy, &value[19], 1, LIT("/"), preflight, 3, 0, d) ==
              UNICORS_STATUS_OK;
        if (!CHECK(ok)) {
            fprintf(stderr, "    byte 0x%02x\n", b);
        }
    }

    /* A 1 MiB Access-Control-Request-Headers: rejected, acrh_too_large. */
    size_t big_len = (size_t)1 << 20;
    char *big = malloc(big_len);
    CHECK(big != NULL);
    if (big != NULL) {
        for (size_t i = 0; i < big_len; i++) {
            big[i] = "x-a,"[i % 4];
        }
        unicors_header request[3] = {preflight[0], preflight[1],
                                     {LIT("Access-Control-Request-Headers"), U8(big), big_len}};
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), request, 3, 0, d),
                     UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
        CHECK_STR(unicors_decision_reason_code(d), "acrh_too_large");
        /* The same as a 1 MiB Origin. */
        request[0].value = U8(big);
        request[0].value_len = big_len;
        CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), request, 1, 0, d),
                     UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
        CHECK_STR(unicors_decision_reason_code(d), "origin_too_large");
        /* A 1 MiB path and method: classified. */
        CHECK_STATUS(unicors_evaluate(policy, U8(big), big_len, U8(big), big_len, preflight, 3, 0,
                                      d),
                     UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) <= UNICORS_KIND_REJECTED);
        free(big);
    }
    unicors_decision_free(d);
}

/* ---- hostile requests (docs/security.md), under valgrind and ASan too ------- */

static void test_hostile(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();
    const size_t mib = (size_t)1 << 20;
    char *fill = malloc(mib);
    /* 4,096 ACRH lines + 2, and 10,000 padding lines + Origin. */
    unicors_header *lines = malloc(10001 * sizeof *lines);
    CHECK(fill != NULL && lines != NULL);
    if (fill == NULL || lines == NULL) {
        free(fill);
        free(lines);
        unicors_decision_free(d);
        return;
    }

    /* 1 MiB of commas, then of spaces: refused before any parsing. */
    const char units[] = ", ";
    for (size_t u = 0; u < 2; u++) {
        memset(fill, units[u], mib);
        unicors_header request[3] = {preflight[0], preflight[1],
                                     {LIT("Access-Control-Request-Headers"), U8(fill), mib}};
        CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), request, 3, 0, d),
                     UNICORS_STATUS_OK);
        CHECK_STR(unicors_decision_reason_code(d), "acrh_too_large");
        CHECK(unicors_decision_header_count(d) == 0);
    }

    /* 4,096 ACRH lines of an allowed name: 12 KiB in all, over the 8 KiB cap. */
    lines[0] = preflight[0];
    lines[1] = preflight[1];
    for (size_t i = 0; i < 4096; i++) {
        lines[2 + i] = (unicors_header){LIT("access-control-request-headers"), LIT("x-a")};
    }
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 4098, 0, d),
                 UNICORS_STATUS_OK);
    CHECK_STR(unicors_decision_reason_code(d), "acrh_too_large");
    /* 2,048 of them (6 KiB): allowed, the echo normalised into the buffer's scratch. */
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), lines, 2 + 2048, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);

    /* 10,000 header lines before the Origin: scanned, decided, nothing kept. */
    for (size_t i = 0; i < 10000; i++) {
        lines[i] = (unicors_header){LIT("X-Padding"), LIT("0123456789")};
    }
    lines[10000] = (unicors_header){LIT("Origin"), LIT("https://app.example")};
    CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), lines, 10001, 0, d),
                 UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_ACTUAL);

    /* CR, LF and NUL in the Origin: malformed, never echoed. */
    static const char *const smuggled[] = {"https://app.example\r\nSet-Cookie: a=b",
                                           "https://app.example\n", "https://app.example\0x"};
    static const size_t smuggled_len[] = {36, 20, 21};
    for (size_t i = 0; i < 3; i++) {
        unicors_header origin = {LIT("Origin"), U8(smuggled[i]), smuggled_len[i]};
        CHECK_STATUS(unicors_evaluate(policy, LIT("GET"), LIT("/"), &origin, 1, 0, d),
                     UNICORS_STATUS_OK);
        CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
        CHECK(unicors_decision_header_count(d) == 0);
    }

    free(lines);
    free(fill);
    unicors_decision_free(d);
}

/* ---- a policy with several mistakes ---------------------------------------- */

static void test_malformed_policy(void)
{
    static const char doc[] = "{\"allow_origins\":[\"https://App.Example/\",\"*\"],"
                              "\"allow_credentials\":true,\"max_age\":-5,\"bogus\":1,"
                              "\"allow_methods\":[\"TRACE\"]}";
    static const char toml[] = "allow_origins = [\"https://app.example\"]\n"
                               "bogus = 1\n"
                               "max_age = \"ten\"\n";
    struct {
        const char *doc;
        size_t len;
        uint32_t format;
    } docs[] = {{doc, sizeof doc - 1, UNICORS_FORMAT_JSON},
                {toml, sizeof toml - 1, UNICORS_FORMAT_TOML}};
    for (size_t k = 0; k < 2; k++) {
        const unicors_policy *out = POLICY_SENTINEL;
        unicors_config_error *err = ERROR_SENTINEL;
        CHECK_STATUS(unicors_policy_from_document(U8(docs[k].doc), docs[k].len, docs[k].format,
                                                  &out, &err),
                     UNICORS_STATUS_INVALID_POLICY);
        CHECK(out == POLICY_SENTINEL);
        if (!CHECK(err != ERROR_SENTINEL && err != NULL)) {
            continue;
        }
        size_t count = unicors_config_error_count(err);
        CHECK(count > 1);
        int errors = 0;
        for (size_t i = 0; i < count; i++) {
            unicors_problem p;
            memset(&p, 0, sizeof p);
            if (!CHECK_STATUS(unicors_config_error_at(err, i, &p), UNICORS_STATUS_OK)) {
                continue;
            }
            CHECK(p.severity == UNICORS_SEVERITY_ERROR || p.severity == UNICORS_SEVERITY_WARNING);
            errors += p.severity == UNICORS_SEVERITY_ERROR;
            CHECK(p.code != NULL && strlen(p.code) > 0 &&
                  strspn(p.code, "abcdefghijklmnopqrstuvwxyz_") == strlen(p.code));
            CHECK(p.field != NULL && p.field_len > 0);
            CHECK(p.message != NULL && p.message_len > 0);
            CHECK(p.value != NULL || p.value_len == 0);
        }
        CHECK(errors > 1);
        unicors_problem past;
        CHECK_STATUS(unicors_config_error_at(err, count, &past), UNICORS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(unicors_config_error_at(err, SIZE_MAX, &past), UNICORS_STATUS_INVALID_ARGUMENT);
        if (k == 0) {
            CHECK(has_problem(err, "origin_not_canonical", "allow_origins[0]"));
            CHECK(has_problem(err, "origin_wildcard_with_credentials", "allow_origins[1]"));
            CHECK(has_problem(err, "max_age_out_of_range", "max_age"));
            CHECK(has_problem(err, "unknown_key", "bogus"));
            CHECK(has_problem(err, "method_forbidden", "allow_methods[0]"));
        } else {
            CHECK(has_problem(err, "unknown_key", "bogus"));
            CHECK(has_problem(err, "wrong_type", "max_age"));
        }
        /* The whole report: a summary line, then one line per problem. */
        const uint8_t *text = NULL;
        size_t text_len = 0;
        CHECK_STATUS(unicors_config_error_text(err, &text, &text_len), UNICORS_STATUS_OK);
        CHECK(text != NULL && text_len > 0);
        size_t lines = 1;
        for (size_t i = 0; text && i < text_len; i++) {
            lines += text[i] == '\n';
            CHECK(text[i] != '\0' || !"NUL in the report");
        }
        CHECK(lines == count + 1);
        unicors_config_error_free(err);
    }
}

/* ---- policy files ---------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    size_t len = strlen(text);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fwrite(text, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

static void same_answers(const unicors_policy *a, const unicors_policy *b)
{
    unicors_decision *x = unicors_decision_new();
    unicors_decision *y = unicors_decision_new();
    CHECK_STATUS(eval(a, "OPTIONS", preflight, 3, x), UNICORS_STATUS_OK);
    CHECK_STATUS(eval(b, "OPTIONS", preflight, 3, y), UNICORS_STATUS_OK);
    size_t n = unicors_decision_header_count(x);
    CHECK(unicors_decision_kind(x) == UNICORS_KIND_PREFLIGHT);
    CHECK(unicors_decision_kind(y) == unicors_decision_kind(x));
    CHECK(unicors_decision_header_count(y) == n);
    CHECK(unicors_decision_status(y) == unicors_decision_status(x));
    CHECK_STR(unicors_decision_vary(y), unicors_decision_vary(x));
    for (size_t i = 0; i < n; i++) {
        unicors_header hx, hy;
        if (unicors_decision_header_at(x, i, &hx) == UNICORS_STATUS_OK &&
            unicors_decision_header_at(y, i, &hy) == UNICORS_STATUS_OK) {
            CHECK(hx.name_len == hy.name_len && memcmp(hx.name, hy.name, hx.name_len) == 0);
            CHECK(hx.value_len == hy.value_len && memcmp(hx.value, hy.value, hx.value_len) == 0);
        } else {
            CHECK(!"header_at failed");
        }
    }
    unicors_decision_free(x);
    unicors_decision_free(y);
}

static void test_files(const unicors_policy *reference, const char *tmp_root)
{
    char dir[512], toml[600], json[600], bad[600], missing[600];
    snprintf(dir, sizeof dir, "%s/unicors-api-XXXXXX", tmp_root);
    if (!CHECK(mkdtemp(dir) != NULL)) {
        fprintf(stderr, "    mkdtemp(%s): %s\n", dir, strerror(errno));
        return;
    }
    snprintf(toml, sizeof toml, "%s/policy.toml", dir);
    snprintf(json, sizeof json, "%s/policy.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    snprintf(missing, sizeof missing, "%s/missing.toml", dir);
    CHECK(write_file(toml, POLICY_TOML) == 0);
    CHECK(write_file(json, POLICY_JSON) == 0);
    CHECK(write_file(bad, "{\"allow_origins\": 1, \"x\": 2}") == 0);

    const char *good[2] = {toml, json};
    for (int i = 0; i < 2; i++) {
        const unicors_policy *out = NULL;
        unicors_config_error *err = ERROR_SENTINEL;
        CHECK_STATUS(unicors_policy_from_file(U8(good[i]), strlen(good[i]), &out, &err),
                     UNICORS_STATUS_OK);
        CHECK(err == NULL);
        if (out != NULL) {
            same_answers(reference, out);
        }
        unicors_policy_free(out);
    }
    /* A TOML document in a .json file is read as JSON: a syntax error. */
    char swapped[600];
    snprintf(swapped, sizeof swapped, "%s/toml-inside.json", dir);
    CHECK(write_file(swapped, POLICY_TOML) == 0);
    const unicors_policy *out = POLICY_SENTINEL;
    unicors_config_error *err = NULL;
    CHECK_STATUS(unicors_policy_from_file(U8(swapped), strlen(swapped), &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(has_problem(err, "syntax", ""));
    unicors_config_error_free(err);

    /* Errors in the file: INVALID_POLICY with every problem. */
    err = NULL;
    CHECK_STATUS(unicors_policy_from_file(U8(bad), strlen(bad), &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    CHECK(out == POLICY_SENTINEL);
    CHECK(unicors_config_error_count(err) >= 2);
    unicors_config_error_free(err);

    /* A missing file, a directory: IO with the reason. */
    const char *unreadable[2] = {missing, dir};
    for (int i = 0; i < 2; i++) {
        err = NULL;
        CHECK_STATUS(unicors_policy_from_file(U8(unreadable[i]), strlen(unreadable[i]), &out, &err),
                     UNICORS_STATUS_IO);
        CHECK(out == POLICY_SENTINEL);
        CHECK(unicors_config_error_count(err) == 1);
        unicors_problem p = {0};
        CHECK_STATUS(unicors_config_error_at(err, 0, &p), UNICORS_STATUS_OK);
        CHECK_STR(p.code, "io");
        CHECK(p.severity == UNICORS_SEVERITY_ERROR);
        CHECK_BYTES(p.value, p.value_len, unreadable[i]);
        CHECK(p.message_len > 0);
        const uint8_t *text = NULL;
        size_t text_len = 0;
        CHECK_STATUS(unicors_config_error_text(err, &text, &text_len), UNICORS_STATUS_OK);
        CHECK(text_len > 0);
        unicors_config_error_free(err);
    }
    /* Without error_out. */
    CHECK_STATUS(unicors_policy_from_file(U8(missing), strlen(missing), &out, NULL),
                 UNICORS_STATUS_IO);
    /* The path is a byte string, not NUL-terminated: only path_len bytes count. */
    char padded[700];
    snprintf(padded, sizeof padded, "%sGARBAGE", json);
    out = NULL;
    CHECK_STATUS(unicors_policy_from_file(U8(padded), strlen(json), &out, NULL), UNICORS_STATUS_OK);
    unicors_policy_free(out);
    /* A NUL inside the path. */
    out = POLICY_SENTINEL;
    err = ERROR_SENTINEL;
    char with_nul[600];
    memcpy(with_nul, json, strlen(json) + 1);
    with_nul[strlen(dir)] = '\0';
    CHECK_STATUS(unicors_policy_from_file(U8(with_nul), strlen(json), &out, &err),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(out == POLICY_SENTINEL && err == ERROR_SENTINEL);

    unlink(toml);
    unlink(json);
    unlink(bad);
    unlink(swapped);
    CHECK(rmdir(dir) == 0);
}

/* ---- references, warnings, indexes, the buffer -------------------------------- */

static void test_clone(void)
{
    const unicors_policy *first = build(POLICY_JSON, sizeof POLICY_JSON - 1, UNICORS_FORMAT_JSON);
    const unicors_policy *second = unicors_policy_clone(first);
    CHECK(second == first);
    const unicors_policy *many[100];
    for (int i = 0; i < 100; i++) {
        many[i] = unicors_policy_clone(first);
        CHECK(many[i] == first);
    }
    unicors_policy_free(first); /* the others keep it alive */
    for (int i = 0; i < 100; i++) {
        unicors_policy_free(many[i]);
    }
    unicors_decision *d = unicors_decision_new();
    CHECK_STATUS(eval(second, "OPTIONS", preflight, 3, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);
    /* A decision's views into the policy live while the policy does. */
    unicors_header h;
    CHECK_STATUS(unicors_decision_header_at(d, 0, &h), UNICORS_STATUS_OK);
    unicors_policy_free(second); /* the last reference: freed (valgrind checks) */
    unicors_decision_free(d);
}

static void test_warnings(void)
{
    static const char doc[] = "{\"allow_origins\":[\"https://app.example\"],"
                              "\"allow_null_origin\":true}";
    const unicors_policy *policy = build(doc, sizeof doc - 1, UNICORS_FORMAT_JSON);
    CHECK(unicors_policy_warning_count(policy) == 1);
    unicors_problem p;
    memset(&p, 0, sizeof p);
    CHECK_STATUS(unicors_policy_warning_at(policy, 0, &p), UNICORS_STATUS_OK);
    CHECK(p.severity == UNICORS_SEVERITY_WARNING);
    CHECK_STR(p.code, "null_origin_allowed");
    CHECK_BYTES(p.field, p.field_len, "allow_null_origin");
    CHECK(p.message != NULL && p.message_len > 0);
    unicors_problem untouched = p;
    CHECK_STATUS(unicors_policy_warning_at(policy, 1, &p), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(unicors_policy_warning_at(policy, SIZE_MAX, &p), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(p.code == untouched.code && p.field == untouched.field && p.value == untouched.value &&
          p.message == untouched.message && p.field_len == untouched.field_len); /* not written */
    unicors_policy_free(policy);

    /* A clean policy has none. */
    const unicors_policy *clean = build(POLICY_JSON, sizeof POLICY_JSON - 1, UNICORS_FORMAT_JSON);
    CHECK(unicors_policy_warning_count(clean) == 0);
    CHECK_STATUS(unicors_policy_warning_at(clean, 0, &p), UNICORS_STATUS_INVALID_ARGUMENT);
    unicors_policy_free(clean);

    /* Warnings also ride along in a refused policy's report. */
    static const char both[] = "{\"allow_origins\":[\"https://app.example\"],"
                               "\"allow_null_origin\":true,\"max_age\":-1}";
    const unicors_policy *out = POLICY_SENTINEL;
    unicors_config_error *err = NULL;
    CHECK_STATUS(unicors_policy_from_document(LIT(both), UNICORS_FORMAT_JSON, &out, &err),
                 UNICORS_STATUS_INVALID_POLICY);
    int warnings = 0, errors = 0;
    for (size_t i = 0; i < unicors_config_error_count(err); i++) {
        if (unicors_config_error_at(err, i, &p) == UNICORS_STATUS_OK) {
            warnings += p.severity == UNICORS_SEVERITY_WARNING;
            errors += p.severity == UNICORS_SEVERITY_ERROR;
        }
    }
    CHECK(warnings == 1 && errors == 1);
    unicors_config_error_free(err);
}

static void test_decision(const unicors_policy *policy)
{
    unicors_decision *d = unicors_decision_new();
    CHECK(d != NULL);
    CHECK_EMPTY(d); /* a new buffer */
    fill(policy, d);
    size_t count = unicors_decision_header_count(d);
    unicors_header h = {U8("keep"), 4, U8("keep"), 4};
    CHECK_STATUS(unicors_decision_header_at(d, count, &h), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(unicors_decision_header_at(d, count + 1, &h), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(unicors_decision_header_at(d, SIZE_MAX, &h), UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(h.name_len == 4 && h.value_len == 4); /* not written */
    CHECK(count <= 7);
    CHECK(unicors_decision_status(d) >= 200 && unicors_decision_status(d) < 300);
    CHECK(strstr(unicors_decision_vary(d), "Origin") != NULL);

    /* The echoed Origin is a view of the request's bytes (or a copy of them). */
    int found = 0;
    for (size_t i = 0; i < count; i++) {
        CHECK_STATUS(unicors_decision_header_at(d, i, &h), UNICORS_STATUS_OK);
        if (h.name_len == 27 && memcmp(h.name, "Access-Control-Allow-Origin", 27) == 0) {
            found = 1;
            CHECK_BYTES(h.value, h.value_len, "https://app.example");
        }
    }
    CHECK(found);

    /* The view: one address for the buffer's life, the getters' values. */
    const unicors_decision_view *view = unicors_decision_get_view(d);
    CHECK(view != NULL && unicors_decision_get_view(NULL) == NULL);
    CHECK(view->kind == UNICORS_KIND_PREFLIGHT && view->header_count == count &&
          view->status == unicors_decision_status(d) && view->reason_code == NULL &&
          view->vary_bits == unicors_decision_vary_bits(d) &&
          view->vary == unicors_decision_vary(d));
    for (size_t i = 0; i < count; i++) {
        CHECK_STATUS(unicors_decision_header_at(d, i, &h), UNICORS_STATUS_OK);
        CHECK(view->headers[i].name == h.name && view->headers[i].name_len == h.name_len &&
              view->headers[i].value == h.value && view->headers[i].value_len == h.value_len);
    }

    /* Rejected: a reason, a message, no status to answer with by default. */
    unicors_header other[3] = {hdr("Origin", "https://evil.example"), preflight[1], preflight[2]};
    CHECK_STATUS(eval(policy, "OPTIONS", other, 3, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_REJECTED);
    CHECK_STR(unicors_decision_reason_code(d), "origin_not_allowed");
    CHECK(view->kind == UNICORS_KIND_REJECTED && view->reason_code == unicors_decision_reason_code(d));
    CHECK(unicors_decision_reason_message(d) != NULL);
    /* then a not-CORS request resets the rest (Vary: Origin may stay) */
    CHECK_STATUS(eval(policy, "GET", NULL, 0, d), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_NOT_CORS);
    CHECK(unicors_decision_header_count(d) == 0 && unicors_decision_status(d) == 0);
    CHECK(unicors_decision_reason_code(d) == NULL && unicors_decision_reason_message(d) == NULL);
    CHECK(unicors_decision_get_view(d) == view); /* the same address, updated in place */
    CHECK(view->kind == UNICORS_KIND_NOT_CORS && view->header_count == 0 && view->status == 0 &&
          view->reason_code == NULL);

    /* After each kind of error the buffer is empty. */
    fill(policy, d);
    CHECK_STATUS(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), preflight, 3, 7, d),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK_EMPTY(d);
    fill(policy, d);
    CHECK(unicors_evaluate(policy, LIT("OPTIONS"), LIT("/"), preflight, SIZE_MAX, 0, d) !=
          UNICORS_STATUS_OK); /* the exact code: test_lengths */
    CHECK_EMPTY(d);
    fill(policy, d);
    CHECK_STATUS(eval(NULL, "OPTIONS", preflight, 3, d), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_EMPTY(d);

    /* A long echoed list, lowercased into the buffer's own memory: a fresh
       buffer grows for it (valgrind sees any view left dangling). */
    {
        static const char doc[] = "{\"allow_origins\":[\"https://app.example\"],"
                                  "\"allow_credentials\":true,\"allow_methods\":[\"PUT\"],"
                                  "\"allow_headers\":[\"*\",\"authorization\"]}";
        const unicors_policy *star = build(doc, sizeof doc - 1, UNICORS_FORMAT_JSON);
        enum { NAMES = 1000, LEN = NAMES * 8 - 1 };
        static char list[NAMES * 8 + 1], lower[NAMES * 8 + 1]; /* room for the last NUL */
        for (int i = 0; i < NAMES; i++) {
            snprintf(list + i * 8, 9, "X-H%04d,", i);
            snprintf(lower + i * 8, 9, "x-h%04d,", i);
        }
        unicors_decision *fresh = unicors_decision_new();
        for (int round = 0; round < 3; round++) {
            size_t len = round == 1 ? 15 : LEN; /* long, short, long again */
            unicors_header request[3] = {preflight[0], preflight[1],
                                         {LIT("Access-Control-Request-Headers"), U8(list), len}};
            CHECK_STATUS(eval(star, "OPTIONS", request, 3, fresh), UNICORS_STATUS_OK);
            CHECK(unicors_decision_kind(fresh) == UNICORS_KIND_PREFLIGHT);
            int echoed = 0;
            for (size_t i = 0; i < unicors_decision_header_count(fresh); i++) {
                unicors_header out;
                if (unicors_decision_header_at(fresh, i, &out) == UNICORS_STATUS_OK &&
                    out.name_len == 28 && memcmp(out.name, "Access-Control-Allow-Headers", 28) == 0) {
                    echoed = out.value_len == len && memcmp(out.value, lower, len) == 0;
                }
            }
            CHECK(echoed);
        }
        unicors_decision_free(fresh);
        unicors_policy_free(star);
    }

    /* Many evaluations into one buffer, alternating kinds. */
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        unicors_status s = (i % 3 == 0)   ? eval(policy, "OPTIONS", preflight, 3, d)
                           : (i % 3 == 1) ? eval(policy, "OPTIONS", other, 3, d)
                                          : eval(policy, "GET", preflight, 1, d);
        unicors_kind want = (i % 3 == 0)   ? UNICORS_KIND_PREFLIGHT
                            : (i % 3 == 1) ? UNICORS_KIND_REJECTED
                                           : UNICORS_KIND_ACTUAL;
        ok &= s == UNICORS_STATUS_OK && unicors_decision_kind(d) == want;
    }
    CHECK(ok);
    unicors_decision_free(d);

    /* Many buffers at once. */
    unicors_decision *many[64];
    for (int i = 0; i < 64; i++) {
        many[i] = unicors_decision_new();
        CHECK_STATUS(eval(policy, "OPTIONS", preflight, 3, many[i]), UNICORS_STATUS_OK);
    }
    for (int i = 0; i < 64; i++) {
        CHECK(unicors_decision_kind(many[i]) == UNICORS_KIND_PREFLIGHT);
        unicors_decision_free(many[i]);
    }
}

int main(int argc, char **argv)
{
    const char *tmp = argc > 1 ? argv[1] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    init_requests();
    const unicors_policy *policy = build(POLICY_JSON, sizeof POLICY_JSON - 1, UNICORS_FORMAT_JSON);

    test_version();
    test_strings();
    test_free_null();
    test_null_pointers(policy);
    test_enums(policy);
    test_bytes(policy);
    test_hostile(policy);
    test_malformed_policy();
    test_files(policy, tmp);
    test_clone();
    test_warnings();
    test_decision(policy);
    test_lengths(policy); /* last: it forks */

    unicors_policy_free(policy);
    printf("api: %lu checks, %lu failures\n", check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
