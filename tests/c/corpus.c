/*
 * Runs the whole shared conformance corpus (every tests/cases/NAME.json) through the
 * C ABI, with the comparison rules of core/tests/conformance.rs:
 *
 * - request cases: kind; reason present exactly when rejected; status
 *   (absent/null: the decision's status must be 0); headers as a multiset,
 *   names compared case-insensitively and values byte for byte; Vary as a
 *   set of names compared case-insensitively (the C API gives one ", "-joined
 *   static string);
 * - validation entries: the exact multiset of (code, field) pairs of the
 *   errors, and of the warnings when "warnings" is present, from
 *   unicors_policy_from_document on the policy re-serialized as JSON.
 *
 * One unicors_decision serves every case, as in an nginx worker. Each
 * request's unicors_header array points into exactly-sized heap copies of
 * the decoded bytes, so valgrind sees any read past a value. Every case
 * also checks unicors_decision_foreach_header and unicors_decision_get_view against
 * header_at.
 *
 * Usage: corpus [DIR]   (DIR defaults to tests/cases)
 * Prints per-file counts and `C corpus: N request cases, M validation
 * cases, F failures`; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "check.h"

/* The corpus must not silently shrink (same floor as the Rust runner). */
#define MIN_REQUEST_CASES 200

/* ---- memory of one case, freed together ------------------------------ */

typedef struct {
    void **items;
    size_t len;
    size_t cap;
} arena;

static void *arena_keep(arena *a, void *p)
{
    if (p == NULL) {
        return NULL;
    }
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void **items = realloc(a->items, cap * sizeof *items);
        if (items == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        a->items = items;
        a->cap = cap;
    }
    a->items[a->len++] = p;
    return p;
}

static void *arena_alloc(arena *a, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return arena_keep(a, p);
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->len; i++) {
        free(a->items[i]);
    }
    free(a->items);
    a->items = NULL;
    a->len = a->cap = 0;
}

/* ---- corpus values ------------------------------------------------------ */

typedef struct {
    const uint8_t *data; /* NULL when len is 0 */
    size_t len;
} bytes;

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * A corpus value: a JSON string (its UTF-8 bytes, NULs included) or
 * {"hex": "..."}. The bytes are copied into an exactly-sized block.
 */
static int decode_value(json_t *value, arena *a, bytes *out, FILE *diff)
{
    if (json_is_string(value)) {
        size_t len = json_string_length(value);
        uint8_t *copy = NULL;
        if (len > 0) {
            copy = arena_alloc(a, len);
            memcpy(copy, json_string_value(value), len);
        }
        out->data = copy;
        out->len = len;
        return 0;
    }
    json_t *hex = json_is_object(value) ? json_object_get(value, "hex") : NULL;
    if (!json_is_string(hex)) {
        fprintf(diff, "expected a string or {\"hex\": ...}\n");
        return -1;
    }
    const char *text = json_string_value(hex);
    size_t text_len = json_string_length(hex);
    if (text_len % 2 != 0) {
        fprintf(diff, "odd hex length: %s\n", text);
        return -1;
    }
    uint8_t *copy = text_len ? arena_alloc(a, text_len / 2) : NULL;
    for (size_t i = 0; i < text_len; i += 2) {
        int hi = hex_digit(text[i]);
        int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(diff, "invalid hex: %s\n", text);
            return -1;
        }
        copy[i / 2] = (uint8_t)(hi * 16 + lo);
    }
    out->data = copy;
    out->len = text_len / 2;
    return 0;
}

/* A list of [name, value] pairs (absent: empty). */
static int decode_pairs(json_t *list, arena *a, bytes **names, bytes **values, size_t *count,
                        FILE *diff)
{
    *names = *values = NULL;
    *count = 0;
    if (list == NULL) {
        return 0;
    }
    if (!json_is_array(list)) {
        fprintf(diff, "headers must be an array\n");
        return -1;
    }
    size_t n = json_array_size(list);
    *names = arena_alloc(a, n * sizeof **names);
    *values = arena_alloc(a, n * sizeof **values);
    for (size_t i = 0; i < n; i++) {
        json_t *pair = json_array_get(list, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2) {
            fprintf(diff, "a header is [name, value]\n");
            return -1;
        }
        if (decode_value(json_array_get(pair, 0), a, &(*names)[i], diff) != 0 ||
            decode_value(json_array_get(pair, 1), a, &(*values)[i], diff) != 0) {
            return -1;
        }
    }
    *count = n;
    return 0;
}

/* ---- multisets of (lowercased name, value) ------------------------------ */

typedef struct {
    uint8_t *a; /* lowercased name, or a problem code */
    size_t a_len;
    const uint8_t *b; /* value bytes, or a problem field */
    size_t b_len;
} item;

static int compare_bytes(const uint8_t *x, size_t x_len, const uint8_t *y, size_t y_len)
{
    size_t n = x_len < y_len ? x_len : y_len;
    int c = n ? memcmp(x, y, n) : 0;
    if (c != 0) {
        return c;
    }
    return (x_len > y_len) - (x_len < y_len);
}

static int compare_items(const void *x, const void *y)
{
    const item *i = x;
    const item *j = y;
    int c = compare_bytes(i->a, i->a_len, j->a, j->a_len);
    return c ? c : compare_bytes(i->b, i->b_len, j->b, j->b_len);
}

static uint8_t *lowercase_copy(arena *a, const uint8_t *s, size_t len)
{
    uint8_t *copy = arena_alloc(a, len);
    for (size_t i = 0; i < len; i++) {
        copy[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (uint8_t)(s[i] + 32) : s[i];
    }
    return copy;
}

static int same_items(item *want, size_t want_n, item *got, size_t got_n)
{
    if (want_n) {
        qsort(want, want_n, sizeof *want, compare_items);
    }
    if (got_n) {
        qsort(got, got_n, sizeof *got, compare_items);
    }
    if (want_n != got_n) {
        return 0;
    }
    for (size_t i = 0; i < want_n; i++) {
        if (compare_items(&want[i], &got[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

static void show_items(FILE *out, const item *items, size_t n, const char *sep)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s%.*s", i ? " | " : "", (int)items[i].a_len, (const char *)items[i].a);
        if (sep[0] != '\0') {
            fputs(sep, out);
            print_bytes(out, items[i].b, items[i].b_len);
        }
    }
    fputc(']', out);
}

/* ---- request cases ------------------------------------------------------ */

typedef struct {
    unicors_header seen[16];
    size_t count;
    size_t stop_after; /* 0: never stop */
} collected;

static int collect(void *userdata, const unicors_header *header)
{
    collected *c = userdata;
    if (c->count < sizeof c->seen / sizeof c->seen[0]) {
        c->seen[c->count] = *header;
    }
    c->count++;
    return c->stop_after != 0 && c->count >= c->stop_after;
}

static const char *const KIND_NAMES[] = {"not_cors", "preflight", "actual", "rejected"};

/* Checks what every decision must satisfy, whatever the corpus says. */
static void check_decision_shape(const unicors_decision *d, FILE *diff)
{
    size_t count = unicors_decision_header_count(d);
    unicors_kind kind = unicors_decision_kind(d);
    const char *code = unicors_decision_reason_code(d);
    const char *message = unicors_decision_reason_message(d);
    if ((code != NULL) != (kind == UNICORS_KIND_REJECTED) ||
        (message != NULL) != (kind == UNICORS_KIND_REJECTED)) {
        fprintf(diff, "reason code/message must be non-NULL exactly when rejected\n");
    }
    if (message != NULL && message[0] == '\0') {
        fprintf(diff, "empty reason message\n");
    }
    if (count > 16) {
        fprintf(diff, "implausible header count %zu\n", count);
        return;
    }
    unicors_header at[16];
    for (size_t i = 0; i < count; i++) {
        if (unicors_decision_header_at(d, i, &at[i]) != UNICORS_STATUS_OK) {
            fprintf(diff, "header_at(%zu) failed with count %zu\n", i, count);
            return;
        }
        if (at[i].name == NULL || at[i].name_len == 0 || (at[i].value == NULL && at[i].value_len)) {
            fprintf(diff, "header_at(%zu): NULL or empty view\n", i);
            return;
        }
        for (size_t k = 0; k < at[i].value_len; k++) {
            uint8_t c = at[i].value[k];
            if (c < 0x20 || c >= 0x7f) { /* CR, LF, NUL included */
                fprintf(diff, "header %.*s: value byte 0x%02x is not visible ASCII\n",
                        (int)at[i].name_len, (const char *)at[i].name, c);
                break;
            }
        }
    }
    unicors_header extra;
    if (unicors_decision_header_at(d, count, &extra) != UNICORS_STATUS_INVALID_ARGUMENT) {
        fprintf(diff, "header_at(count) must be INVALID_ARGUMENT\n");
    }

    /* foreach visits exactly the header_at views, in order. */
    collected all = {.count = 0, .stop_after = 0};
    if (unicors_decision_foreach_header(d, collect, &all) != UNICORS_STATUS_OK) {
        fprintf(diff, "foreach_header failed\n");
    } else if (all.count != count) {
        fprintf(diff, "foreach_header visited %zu headers, header_count is %zu\n", all.count,
                count);
    } else {
        for (size_t i = 0; i < count; i++) {
            const unicors_header *x = &all.seen[i];
            if (x->name != at[i].name || x->name_len != at[i].name_len ||
                x->value != at[i].value || x->value_len != at[i].value_len) {
                fprintf(diff, "foreach_header view %zu differs from header_at's\n", i);
            }
        }
    }
    /* A non-zero return stops the walk. */
    collected first = {.count = 0, .stop_after = 1};
    if (unicors_decision_foreach_header(d, collect, &first) != UNICORS_STATUS_OK ||
        first.count != (count ? 1u : 0u)) {
        fprintf(diff, "foreach_header did not stop after the callback returned non-zero\n");
    }

    /* The view holds what the getters return, the same header views included. */
    const unicors_decision_view *v = unicors_decision_get_view(d);
    if (v == NULL || v->headers == NULL || v->vary == NULL) {
        fprintf(diff, "view: NULL view, header array or vary\n");
        return;
    }
    if (v->kind != kind || v->status != unicors_decision_status(d) || v->reason_code != code ||
        v->header_count != count || v->vary_bits != unicors_decision_vary_bits(d) ||
        v->vary != unicors_decision_vary(d)) {
        fprintf(diff, "view: kind, status, reason, count or vary differ from the getters'\n");
    }
    for (size_t i = 0; i < count && i < v->header_count; i++) {
        const unicors_header *x = &v->headers[i];
        if (x->name != at[i].name || x->name_len != at[i].name_len ||
            x->value != at[i].value || x->value_len != at[i].value_len) {
            fprintf(diff, "view: header %zu differs from header_at's\n", i);
        }
    }
}

static int run_case(const unicors_policy *policy, json_t *kase, unicors_decision *d, FILE *diff)
{
    arena a = {0};
    int ok = 0;
    json_t *request = json_object_get(kase, "request");
    json_t *expect = json_object_get(kase, "expect");
    if (!json_is_object(request) || !json_is_object(expect)) {
        fprintf(diff, "missing request or expect\n");
        goto done;
    }
    json_t *method_json = json_object_get(request, "method");
    if (method_json == NULL) {
        fprintf(diff, "missing method\n");
        goto done;
    }
    bytes method;
    if (decode_value(method_json, &a, &method, diff) != 0) {
        goto done;
    }
    json_t *path_json = json_object_get(request, "path");
    size_t path_len = json_is_string(path_json) ? json_string_length(path_json) : 1;
    char *path = arena_alloc(&a, path_len); /* exactly sized, no NUL after it */
    memcpy(path, json_is_string(path_json) ? json_string_value(path_json) : "/", path_len);
    bytes *names;
    bytes *values;
    size_t count;
    if (decode_pairs(json_object_get(request, "headers"), &a, &names, &values, &count, diff) != 0) {
        goto done;
    }
    unicors_header *lines = NULL;
    if (count > 0) {
        lines = arena_alloc(&a, count * sizeof *lines);
        for (size_t i = 0; i < count; i++) {
            lines[i].name = names[i].data;
            lines[i].name_len = names[i].len;
            lines[i].value = values[i].data;
            lines[i].value_len = values[i].len;
        }
    }
    json_t *verdict_json = json_object_get(request, "origin_verdict");
    uint32_t verdict = json_is_true(verdict_json)    ? UNICORS_ORIGIN_VERDICT_ALLOW
                       : json_is_false(verdict_json) ? UNICORS_ORIGIN_VERDICT_DENY
                                                     : UNICORS_ORIGIN_VERDICT_NONE;

    unicors_status status = unicors_evaluate(policy, method.data, method.len, (const uint8_t *)path,
                                             path_len, lines, count, verdict, d);
    if (status != UNICORS_STATUS_OK) {
        fprintf(diff, "unicors_evaluate returned %u (%s)\n", (unsigned)status,
                unicors_status_str(status));
        goto done;
    }

    /* kind */
    const char *kind_name = json_string_value(json_object_get(expect, "kind"));
    if (kind_name == NULL) {
        fprintf(diff, "missing expect.kind\n");
        goto done;
    }
    int want_kind = -1;
    for (int k = 0; k < 4; k++) {
        if (strcmp(kind_name, KIND_NAMES[k]) == 0) {
            want_kind = k;
        }
    }
    if (want_kind < 0) {
        fprintf(diff, "unknown kind %s\n", kind_name);
        goto done;
    }
    unicors_kind kind = unicors_decision_kind(d);
    if ((int)kind != want_kind) {
        fprintf(diff, "kind: expected %s, got %s\n", kind_name, unicors_kind_str(kind));
    }

    /* reason */
    const char *want_reason = json_string_value(json_object_get(expect, "reason"));
    if ((want_reason != NULL) != (want_kind == UNICORS_KIND_REJECTED)) {
        fprintf(diff, "expect.reason must be present exactly when kind is rejected\n");
        goto done;
    }
    const char *got_reason = unicors_decision_reason_code(d);
    if (!((want_reason == NULL && got_reason == NULL) ||
          (want_reason && got_reason && strcmp(want_reason, got_reason) == 0))) {
        fprintf(diff, "reason: expected %s, got %s\n", want_reason ? want_reason : "NULL",
                got_reason ? got_reason : "NULL");
    }

    /* status: absent or null means the app answers (0 here) */
    json_t *status_json = json_object_get(expect, "status");
    unsigned want_status = 0;
    if (json_is_integer(status_json) && json_integer_value(status_json) >= 0) {
        want_status = (uint16_t)json_integer_value(status_json);
    }
    unsigned got_status = unicors_decision_status(d);
    if (got_status != want_status) {
        fprintf(diff, "status: expected %u, got %u\n", want_status, got_status);
    }

    /* headers: a multiset, names case-insensitive, values byte for byte */
    bytes *want_names;
    bytes *want_values;
    size_t want_n;
    if (decode_pairs(json_object_get(expect, "headers"), &a, &want_names, &want_values, &want_n,
                     diff) != 0) {
        goto done;
    }
    size_t got_n = unicors_decision_header_count(d);
    item *want = arena_alloc(&a, (want_n + 1) * sizeof *want);
    item *got = arena_alloc(&a, (got_n + 1) * sizeof *got);
    for (size_t i = 0; i < want_n; i++) {
        want[i].a = lowercase_copy(&a, want_names[i].data, want_names[i].len);
        want[i].a_len = want_names[i].len;
        want[i].b = want_values[i].data;
        want[i].b_len = want_values[i].len;
    }
    for (size_t i = 0; i < got_n; i++) {
        unicors_header h = {0};
        if (unicors_decision_header_at(d, i, &h) != UNICORS_STATUS_OK) {
            fprintf(diff, "header_at(%zu) failed\n", i);
        }
        got[i].a = lowercase_copy(&a, h.name, h.name_len);
        got[i].a_len = h.name_len;
        got[i].b = h.value;
        got[i].b_len = h.value_len;
    }
    if (!same_items(want, want_n, got, got_n)) {
        fprintf(diff, "headers:\n      expected ");
        show_items(diff, want, want_n, ": ");
        fprintf(diff, "\n      got      ");
        show_items(diff, got, got_n, ": ");
        fputc('\n', diff);
    }

    /* vary: a set of names, case-insensitive */
    json_t *vary_json = json_object_get(expect, "vary");
    if (!json_is_array(vary_json)) {
        fprintf(diff, "missing expect.vary\n");
        goto done;
    }
    size_t want_vary_n = json_array_size(vary_json);
    item *want_vary = arena_alloc(&a, (want_vary_n + 1) * sizeof *want_vary);
    for (size_t i = 0; i < want_vary_n; i++) {
        json_t *name = json_array_get(vary_json, i);
        const char *text = json_is_string(name) ? json_string_value(name) : "";
        size_t len = json_is_string(name) ? json_string_length(name) : 0;
        want_vary[i] = (item){lowercase_copy(&a, (const uint8_t *)text, len), len, NULL, 0};
    }
    const char *vary = unicors_decision_vary(d);
    if (vary == NULL) {
        fprintf(diff, "unicors_decision_vary returned NULL\n");
        goto done;
    }
    size_t vary_len = strlen(vary);
    item *got_vary = arena_alloc(&a, (vary_len / 2 + 2) * sizeof *got_vary);
    size_t got_vary_n = 0;
    for (const char *p = vary; *p != '\0';) {
        const char *end = strstr(p, ", ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0) {
            fprintf(diff, "vary \"%s\": empty element\n", vary);
        }
        got_vary[got_vary_n++] = (item){lowercase_copy(&a, (const uint8_t *)p, len), len, NULL, 0};
        p = end ? end + 2 : p + len;
    }
    if (!same_items(want_vary, want_vary_n, got_vary, got_vary_n)) {
        fprintf(diff, "vary: expected ");
        show_items(diff, want_vary, want_vary_n, "");
        fprintf(diff, ", got \"%s\"\n", vary);
    }

    check_decision_shape(d, diff);
    ok = 1;
done:
    arena_free(&a);
    return ok;
}

/* ---- validation entries ------------------------------------------------- */

static const char *const SEVERITY_KEYS[] = {"warnings", "errors"}; /* by unicors_severity */

static int run_validation(json_t *kase, FILE *diff)
{
    arena a = {0};
    int ok = 0;
    unicors_config_error *error = NULL;
    const unicors_policy *policy = NULL;
    json_t *policy_json = json_object_get(kase, "policy");
    if (policy_json == NULL) {
        fprintf(diff, "missing policy\n");
        goto done;
    }
    if (json_object_get(kase, "errors") == NULL) {
        fprintf(diff, "missing errors\n");
        goto done;
    }
    char *text = arena_keep(&a, json_dumps(policy_json, JSON_COMPACT | JSON_ENCODE_ANY));
    if (text == NULL) {
        fprintf(diff, "json_dumps failed\n");
        goto done;
    }
    unicors_status status = unicors_policy_from_document((const uint8_t *)text, strlen(text),
                                                         UNICORS_FORMAT_JSON, &policy, &error);
    /* Every problem, errors and warnings. */
    unicors_problem *problems = NULL;
    size_t count = 0;
    if (status == UNICORS_STATUS_OK) {
        if (error != NULL) {
            fprintf(diff, "error_out not set to NULL on success\n");
        }
        count = unicors_policy_warning_count(policy);
        problems = arena_alloc(&a, (count + 1) * sizeof *problems);
        for (size_t i = 0; i < count; i++) {
            if (unicors_policy_warning_at(policy, i, &problems[i]) != UNICORS_STATUS_OK) {
                fprintf(diff, "policy_warning_at(%zu) failed\n", i);
                goto done;
            }
            if (problems[i].severity != UNICORS_SEVERITY_WARNING) {
                fprintf(diff, "policy_warning_at(%zu) is not a warning\n", i);
            }
        }
    } else if (status == UNICORS_STATUS_INVALID_POLICY) {
        if (error == NULL) {
            fprintf(diff, "INVALID_POLICY without an error object\n");
            goto done;
        }
        count = unicors_config_error_count(error);
        problems = arena_alloc(&a, (count + 1) * sizeof *problems);
        for (size_t i = 0; i < count; i++) {
            if (unicors_config_error_at(error, i, &problems[i]) != UNICORS_STATUS_OK) {
                fprintf(diff, "config_error_at(%zu) failed\n", i);
                goto done;
            }
        }
    } else {
        fprintf(diff, "unicors_policy_from_document returned %u (%s)\n", (unsigned)status,
                unicors_status_str(status));
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if (problems[i].code == NULL || problems[i].code[0] == '\0' ||
            (problems[i].field == NULL && problems[i].field_len) ||
            (problems[i].value == NULL && problems[i].value_len) || problems[i].message == NULL ||
            problems[i].message_len == 0 || problems[i].severity > UNICORS_SEVERITY_ERROR) {
            fprintf(diff, "problem %zu has an invalid view\n", i);
            goto done;
        }
    }

    for (uint32_t severity = 0; severity < 2; severity++) {
        json_t *expected = json_object_get(kase, SEVERITY_KEYS[severity]);
        if (expected == NULL) {
            continue; /* "warnings" is optional */
        }
        if (!json_is_array(expected)) {
            fprintf(diff, "%s: expected an array of {code, field}\n", SEVERITY_KEYS[severity]);
            goto done;
        }
        size_t want_n = json_array_size(expected);
        item *want = arena_alloc(&a, (want_n + 1) * sizeof *want);
        for (size_t i = 0; i < want_n; i++) {
            json_t *p = json_array_get(expected, i);
            json_t *code = json_object_get(p, "code");
            json_t *field = json_object_get(p, "field");
            want[i].a = (uint8_t *)(json_is_string(code) ? json_string_value(code) : "");
            want[i].a_len = json_is_string(code) ? json_string_length(code) : 0;
            want[i].b = (const uint8_t *)(json_is_string(field) ? json_string_value(field) : "");
            want[i].b_len = json_is_string(field) ? json_string_length(field) : 0;
        }
        item *got = arena_alloc(&a, (count + 1) * sizeof *got);
        size_t got_n = 0;
        for (size_t i = 0; i < count; i++) {
            if (problems[i].severity != severity) {
                continue;
            }
            got[got_n++] = (item){(uint8_t *)problems[i].code, strlen(problems[i].code),
                                  problems[i].field, problems[i].field_len};
        }
        if (!same_items(want, want_n, got, got_n)) {
            fprintf(diff, "%s: expected ", SEVERITY_KEYS[severity]);
            show_items(diff, want, want_n, " @ ");
            fprintf(diff, ", got ");
            show_items(diff, got, got_n, " @ ");
            fputc('\n', diff);
        }
    }
    ok = 1;
done:
    unicors_policy_free(policy);
    unicors_config_error_free(error);
    arena_free(&a);
    return ok;
}

/* ---- files ---------------------------------------------------------------- */

static unsigned long requests, validations, failures;

/* Reports the diff of one case (if any); returns 1 when it passed. */
static int settle(const char *file, const char *name, const char *suffix, int finished, char *buf,
                  size_t len)
{
    if (finished && len == 0) {
        return 1;
    }
    failures++;
    fprintf(stderr, "FAIL %s / %s%s:\n", file, name, suffix);
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - buf) : len;
        fprintf(stderr, "    %.*s\n", (int)(end - start), buf + start);
        start = end + 1;
    }
    return 0;
}

/* Builds the policy of a request case (JSON re-serialized). */
static const unicors_policy *build_policy(json_t *policy_json, FILE *diff)
{
    char *text = json_dumps(policy_json, JSON_COMPACT | JSON_ENCODE_ANY);
    const unicors_policy *policy = NULL;
    unicors_config_error *error = NULL;
    if (text == NULL) {
        fprintf(diff, "json_dumps failed\n");
        return NULL;
    }
    unicors_status status = unicors_policy_from_document((const uint8_t *)text, strlen(text),
                                                         UNICORS_FORMAT_JSON, &policy, &error);
    if (status != UNICORS_STATUS_OK) {
        const uint8_t *report = NULL;
        size_t report_len = 0;
        fprintf(diff, "policy refused: %s\n", unicors_status_str(status));
        if (unicors_config_error_text(error, &report, &report_len) == UNICORS_STATUS_OK) {
            fprintf(diff, "%.*s\n", (int)report_len, (const char *)report);
        }
        policy = NULL;
    }
    unicors_config_error_free(error);
    free(text);
    return policy;
}

static void run_file(const char *dir, const char *file, unicors_decision *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (doc == NULL) {
        failures++;
        fprintf(stderr, "FAIL %s: invalid JSON: %s (line %d)\n", file, jerr.text, jerr.line);
        return;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *diff;

    const unicors_policy *file_policy = NULL;
    json_t *file_policy_json = json_object_get(doc, "policy");
    char *file_policy_error = NULL;
    size_t file_policy_error_len = 0;
    if (file_policy_json != NULL) {
        diff = open_memstream(&file_policy_error, &file_policy_error_len);
        file_policy = build_policy(file_policy_json, diff);
        fclose(diff);
    }

    json_t *cases = json_object_get(doc, "cases");
    json_t *checks = json_object_get(doc, "validation");
    size_t n_cases = json_is_array(cases) ? json_array_size(cases) : 0;
    size_t n_checks = json_is_array(checks) ? json_array_size(checks) : 0;
    const char **names = calloc(n_cases + n_checks + 1, sizeof *names);
    size_t n_names = 0;
    unsigned long failures_before = failures;

    for (size_t i = 0; i < n_cases + n_checks; i++) {
        int is_case = i < n_cases;
        json_t *kase = is_case ? json_array_get(cases, i) : json_array_get(checks, i - n_cases);
        const char *name = json_string_value(json_object_get(kase, "name"));
        name = name ? name : "(unnamed)";
        const char *suffix = is_case ? "" : " (validation)";
        for (size_t k = 0; k < n_names; k++) {
            if (strcmp(names[k], name) == 0) {
                failures++;
                fprintf(stderr, "FAIL %s / %s: duplicate case name\n", file, name);
            }
        }
        names[n_names++] = name;

        diff = open_memstream(&buf, &len);
        int finished;
        if (is_case) {
            json_t *case_policy_json = json_object_get(kase, "policy");
            const unicors_policy *case_policy = NULL;
            const unicors_policy *policy = file_policy;
            if (case_policy_json != NULL) {
                case_policy = build_policy(case_policy_json, diff);
                policy = case_policy;
            } else if (file_policy_json == NULL) {
                fprintf(diff, "no policy\n");
            } else if (file_policy == NULL) {
                fprintf(diff, "%.*s", (int)file_policy_error_len, file_policy_error);
            }
            if (policy == NULL) {
                fclose(diff);
                settle(file, name, suffix, 0, buf, len);
                free(buf);
                continue; /* not counted, as in the Rust runner */
            }
            requests++;
            finished = run_case(policy, kase, d, diff);
            unicors_policy_free(case_policy);
        } else {
            validations++;
            finished = run_validation(kase, diff);
        }
        fclose(diff);
        settle(file, name, suffix, finished, buf, len);
        free(buf);
    }
    printf("  %4zu  %-26s (%zu request, %zu validation)%s\n", n_cases + n_checks, file, n_cases,
           n_checks, failures > failures_before ? "  FAILED" : "");
    free(names);
    free(file_policy_error);
    unicors_policy_free(file_policy);
    json_decref(doc);
}

static int compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/cases";
    DIR *handle = opendir(dir);
    if (handle == NULL) {
        fprintf(stderr, "corpus: cannot open %s: %s\n", dir, strerror(errno));
        return 2;
    }
    char **files = NULL;
    size_t n_files = 0;
    for (struct dirent *entry; (entry = readdir(handle)) != NULL;) {
        size_t len = strlen(entry->d_name);
        if (len > 5 && strcmp(entry->d_name + len - 5, ".json") == 0) {
            char **more = realloc(files, (n_files + 1) * sizeof *files);
            if (more == NULL) {
                return 2;
            }
            files = more;
            files[n_files++] = strdup(entry->d_name);
        }
    }
    closedir(handle);
    if (n_files) {
        qsort(files, n_files, sizeof *files, compare_names);
    }

    unicors_decision *d = unicors_decision_new(); /* one buffer for every case */
    if (d == NULL) {
        fprintf(stderr, "unicors_decision_new returned NULL\n");
        return 2;
    }
    printf("C corpus (%s), %zu files:\n", dir, n_files);
    for (size_t i = 0; i < n_files; i++) {
        run_file(dir, files[i], d);
        free(files[i]);
    }
    free(files);
    unicors_decision_free(d);

    if (requests < MIN_REQUEST_CASES) {
        failures++;
        fprintf(stderr, "FAIL only %lu request cases; the corpus needs at least %d\n", requests,
                MIN_REQUEST_CASES);
    }
    (void)check_count; /* check.h's counters: this runner counts failing cases */
    (void)check_failures;
    printf("C corpus: %lu request cases, %lu validation cases, %lu failures\n", requests,
           validations, failures);
    return failures == 0 ? 0 : 1;
}
