/*
 * Tiny helpers shared by the C tests of the unicors C ABI (tests/c):
 * a check counter and printable byte strings. Header-only so each test is
 * one translation unit.
 */
#ifndef UNICORS_TEST_CHECK_H
#define UNICORS_TEST_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unicors.h"

static unsigned long check_count;
static unsigned long check_failures;

/* Records one check; prints the failing expression with its line. */
static inline int check_at(int ok, int line, const char *expr)
{
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "FAIL line %d: %s\n", line, expr);
    }
    return ok;
}

/* Records one check of a status against the expected one. */
static inline int check_status_at(uint32_t got, uint32_t want, int line, const char *expr)
{
    check_count++;
    if (got != want) {
        check_failures++;
        fprintf(stderr, "FAIL line %d: %s\n    expected %u (%s), got %u (%s)\n", line, expr,
                (unsigned)want, unicors_status_str(want), (unsigned)got,
                unicors_status_str(got));
        return 0;
    }
    return 1;
}

/* Records one check that a byte string equals a C string. */
static inline int check_bytes_at(const uint8_t *got, size_t got_len, const char *want, int line,
                          const char *expr)
{
    size_t want_len = strlen(want);
    int ok = got_len == want_len && (want_len == 0 || (got && memcmp(got, want, want_len) == 0));
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "FAIL line %d: %s\n    expected \"%s\", got \"%.*s\"\n", line, expr, want,
                got ? (int)(got_len > 200 ? 200 : got_len) : 0, got ? (const char *)got : "");
    }
    return ok;
}

/* Records one check that a C string (maybe NULL) equals another (maybe NULL). */
static inline int check_str_at(const char *got, const char *want, int line, const char *expr)
{
    int ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "FAIL line %d: %s\n    expected %s%s%s, got %s%s%s\n", line, expr,
                want ? "\"" : "", want ? want : "NULL", want ? "\"" : "", got ? "\"" : "",
                got ? got : "NULL", got ? "\"" : "");
    }
    return ok;
}

#define CHECK(cond) check_at(!!(cond), __LINE__, #cond)
#define CHECK_STATUS(expr, want) check_status_at((uint32_t)(expr), (uint32_t)(want), __LINE__, #expr)
#define CHECK_BYTES(ptr, len, want) check_bytes_at((ptr), (len), (want), __LINE__, #ptr " == " #want)
#define CHECK_STR(got, want) check_str_at((got), (want), __LINE__, #got " == " #want)

/* Prints bytes as a C-like string literal (escaping non-printables). */
static inline void print_bytes(FILE *out, const uint8_t *bytes, size_t len)
{
    size_t shown = len > 160 ? 160 : len;
    fputc('"', out);
    for (size_t i = 0; i < shown; i++) {
        uint8_t c = bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            fputc(c, out);
        } else {
            fprintf(out, "\\x%02x", c);
        }
    }
    fputc('"', out);
    if (shown < len) {
        fprintf(out, "...(%zu bytes)", len);
    }
}

/* A header line made of NUL-terminated literals. */
static inline unicors_header hdr(const char *name, const char *value)
{
    unicors_header h;
    h.name = (const uint8_t *)name;
    h.name_len = strlen(name);
    h.value = (const uint8_t *)value;
    h.value_len = strlen(value);
    return h;
}

/* Whether a config error lists a problem with this code and field. */
static inline int has_problem(const unicors_config_error *err, const char *code, const char *field)
{
    for (size_t i = 0; i < unicors_config_error_count(err); i++) {
        unicors_problem p;
        if (unicors_config_error_at(err, i, &p) == UNICORS_STATUS_OK && p.code &&
            strcmp(p.code, code) == 0 && p.field_len == strlen(field) &&
            memcmp(p.field, field, p.field_len) == 0) {
            return 1;
        }
    }
    return 0;
}

#endif /* UNICORS_TEST_CHECK_H */
