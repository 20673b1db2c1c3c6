/*
 * The C ABI against the core called directly (docs/benchmarks.md, "C ABI").
 *
 * The workload of benches/src/workload.rs, kinds (a)-(e): the same policy
 * (3 exact origins, GET/POST/PUT/DELETE/PATCH, content-type, authorization,
 * x-request-id, expose x-request-id, credentials, max-age 600), the same 10
 * browser headers, then the same CORS headers, as unicors_header arrays.
 * One decision = unicors_evaluate(policy, method, "/", headers) into one
 * reused unicors_decision, then (subject "abi_read", the default) reading
 * it as a host does: through unicors_decision_get_view, the kind, status,
 * every header's name and value views, and the Vary names. Subject
 * "abi" stops after unicors_evaluate (and the kind).
 *
 * Usage:
 *   abi_bench time [abi|abi_read] [KINDS] [BATCHES]
 *       ns per decision: BATCHES (default 30) batches of ~50 ms each timed
 *       with clock_gettime(CLOCK_MONOTONIC) after a 0.5 s warm-up; prints
 *       "kind subject median min max" (ns per decision) per kind.
 *   abi_bench count abi|abi_read KIND N
 *       N decisions, for valgrind --tool=callgrind (two N, dIr/dN).
 *   abi_bench show KIND
 *       prints the decision (a check that the workload is the same).
 *
 * Built by benches/abi.sh against the release static library:
 *   cc -std=c11 -Wall -Wextra -Werror -O2 -Iinclude benches/c/abi_bench.c \
 *      target/release/libunicors.a <native-static-libs>
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicors.h>

#define H(n, v) {(const uint8_t *)(n), sizeof(n) - 1, (const uint8_t *)(v), sizeof(v) - 1}
#define NBROWSER 10
#define MAX_LINES (NBROWSER + 3)

static const char POLICY[] =
    "allow_origins = [\"https://app.example.com\", \"https://admin.example.com\", "
    "\"http://localhost:3000\"]\n"
    "allow_methods = [\"GET\", \"POST\", \"PUT\", \"DELETE\", \"PATCH\"]\n"
    "allow_headers = [\"content-type\", \"authorization\", \"x-request-id\"]\n"
    "expose_headers = [\"x-request-id\"]\n"
    "allow_credentials = true\n"
    "max_age = 600\n";

static const unicors_header BROWSER[NBROWSER] = {
    H("Host", "api.example.com"),
    H("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/156.0 Safari/537.36"),
    H("Accept", "*/*"),
    H("Accept-Language", "en-US,en;q=0.9"),
    H("Accept-Encoding", "gzip, deflate, br, zstd"),
    H("Referer", "https://app.example.com/"),
    H("Sec-Fetch-Mode", "cors"),
    H("Sec-Fetch-Site", "same-site"),
    H("Sec-Fetch-Dest", "empty"),
    H("Connection", "keep-alive"),
};

/* (e): 1,024 single-letter names joined by ",,," (4,093 bytes). */
static char hostile[1024 + 3 * 1023 + 1];

typedef struct {
    char letter;
    const char *method;
    unicors_header lines[MAX_LINES];
    size_t count;
    unicors_kind expected;
    size_t expected_headers;
} workload_case;

static void add(workload_case *c, const char *name, const char *value, size_t value_len) {
    c->lines[c->count++] = (unicors_header){(const uint8_t *)name, strlen(name), (const uint8_t *)value,
                                            value_len};
}

static int make_case(char letter, workload_case *c) {
    memset(c, 0, sizeof *c);
    c->letter = letter;
    memcpy(c->lines, BROWSER, sizeof BROWSER);
    c->count = NBROWSER;
    switch (letter) {
    case 'a':
    case 'e': {
        const char *acrh = letter == 'a' ? "content-type,x-request-id" : hostile;
        c->method = "OPTIONS";
        add(c, "Origin", "https://admin.example.com", strlen("https://admin.example.com"));
        add(c, "Access-Control-Request-Method", "PUT", 3);
        add(c, "Access-Control-Request-Headers", acrh, strlen(acrh));
        c->expected = letter == 'a' ? UNICORS_KIND_PREFLIGHT : UNICORS_KIND_REJECTED;
        /* ACAO, ACAC, ACAM, ACAH, ACMA */
        c->expected_headers = letter == 'a' ? 5 : 0;
        return 0;
    }
    case 'b':
        c->method = "GET";
        add(c, "Origin", "https://app.example.com", strlen("https://app.example.com"));
        c->expected = UNICORS_KIND_ACTUAL;
        c->expected_headers = 3; /* ACAO, ACAC, ACEH */
        return 0;
    case 'c':
        c->method = "GET";
        add(c, "Origin", "https://evil.example.net", strlen("https://evil.example.net"));
        c->expected = UNICORS_KIND_REJECTED;
        return 0;
    case 'd':
        c->method = "GET";
        c->expected = UNICORS_KIND_NOT_CORS;
        return 0;
    default:
        return -1;
    }
}

static const unicors_policy *policy;
static unicors_decision *decision;
static volatile uintptr_t sink;

/* What a host reads after unicors_evaluate: the buffer's view (one call;
 * a host may also take the pointer once, it never changes). */
static inline uintptr_t read_decision(const unicors_decision *d) {
    const unicors_decision_view *v = unicors_decision_get_view(d);
    uintptr_t acc = (uintptr_t)v->kind ^ v->status;
    for (size_t i = 0; i < v->header_count; i++) {
        const unicors_header *h = &v->headers[i];
        acc += ((uintptr_t)h->name ^ h->name_len) + ((uintptr_t)h->value ^ h->value_len);
    }
    return acc ^ (uintptr_t)v->vary;
}

static inline uintptr_t once(const workload_case *c, size_t method_len, int read) {
    if (unicors_evaluate(policy, (const uint8_t *)c->method, method_len, (const uint8_t *)"/", 1, c->lines,
                         c->count, UNICORS_ORIGIN_VERDICT_NONE, decision) != UNICORS_STATUS_OK)
        abort();
    return read ? read_decision(decision) : (uintptr_t)unicors_decision_kind(decision);
}

static void run(const workload_case *c, uint64_t n, int read) {
    size_t method_len = strlen(c->method);
    uintptr_t acc = 0;
    for (uint64_t i = 0; i < n; i++) acc += once(c, method_len, read);
    sink = acc;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int check(const workload_case *c) {
    run(c, 1, 1);
    unicors_kind kind = unicors_decision_kind(decision);
    size_t n = unicors_decision_header_count(decision);
    if (kind != c->expected || n != c->expected_headers) {
        fprintf(stderr, "(%c): decided %s with %zu headers, expected %s with %zu\n", c->letter,
                unicors_kind_str(kind), n, unicors_kind_str(c->expected), c->expected_headers);
        return -1;
    }
    return 0;
}

static void time_case(const workload_case *c, int read, int batches) {
    /* Warm up for 0.5 s, sizing a batch to ~50 ms. */
    uint64_t n = 1000;
    double start = now(), took;
    for (;;) {
        double t0 = now();
        run(c, n, read);
        took = now() - t0;
        if (now() - start >= 0.5 && took >= 0.02) break;
        if (took < 0.05) n *= 2;
    }
    uint64_t batch = (uint64_t)((double)n * 0.05 / took) + 1;
    double *per = malloc(sizeof(double) * (size_t)batches);
    if (!per) abort();
    for (int i = 0; i < batches; i++) {
        double t0 = now();
        run(c, batch, read);
        per[i] = (now() - t0) * 1e9 / (double)batch;
    }
    qsort(per, (size_t)batches, sizeof(double), cmp_double);
    double median = batches % 2 ? per[batches / 2] : (per[batches / 2 - 1] + per[batches / 2]) / 2;
    printf("%c\t%s\t%.2f\t%.2f\t%.2f\n", c->letter, read ? "abi_read" : "abi", median, per[0],
           per[batches - 1]);
    fflush(stdout);
    free(per);
}

static int usage(void) {
    fprintf(stderr, "usage: abi_bench time [abi|abi_read] [KINDS] [BATCHES]\n"
                    "       abi_bench count abi|abi_read KIND N\n"
                    "       abi_bench show KIND\n");
    return 2;
}

int main(int argc, char **argv) {
    for (size_t i = 0, pos = 0; i < 1024; i++) {
        if (i) {
            memcpy(hostile + pos, ",,,", 3);
            pos += 3;
        }
        hostile[pos++] = (char)('a' + i % 26);
    }
    if (argc < 2) return usage();

    unicors_config_error *error = NULL;
    if (unicors_policy_from_document((const uint8_t *)POLICY, strlen(POLICY), UNICORS_FORMAT_TOML, &policy,
                                     &error) != UNICORS_STATUS_OK) {
        const uint8_t *text;
        size_t len;
        if (unicors_config_error_text(error, &text, &len) == UNICORS_STATUS_OK)
            fprintf(stderr, "%.*s\n", (int)len, (const char *)text);
        return 1;
    }
    decision = unicors_decision_new();
    if (!decision) return 1;

    int status = 0;
    workload_case c;
    if (!strcmp(argv[1], "time")) {
        int read = argc < 3 || strcmp(argv[2], "abi") != 0;
        const char *kinds = argc > 3 ? argv[3] : "abcde";
        int batches = argc > 4 ? atoi(argv[4]) : 30;
        if (batches < 1) return usage();
        for (const char *k = kinds; *k; k++) {
            if (make_case(*k, &c) || check(&c)) return usage() | 1;
            time_case(&c, read, batches);
        }
    } else if (!strcmp(argv[1], "count") && argc == 5) {
        int read = strcmp(argv[2], "abi") != 0;
        if (make_case(argv[3][0], &c) || check(&c)) return usage() | 1;
        run(&c, strtoull(argv[4], NULL, 10), read);
    } else if (!strcmp(argv[1], "show") && argc == 3) {
        if (make_case(argv[2][0], &c) || check(&c)) return usage() | 1;
        printf("(%c) %s %u\n", c.letter, unicors_kind_str(unicors_decision_kind(decision)),
               unicors_decision_status(decision));
        for (size_t i = 0; i < unicors_decision_header_count(decision); i++) {
            unicors_header h;
            if (unicors_decision_header_at(decision, i, &h) != UNICORS_STATUS_OK) return 1;
            printf("%.*s: %.*s\n", (int)h.name_len, (const char *)h.name, (int)h.value_len,
                   (const char *)h.value);
        }
        printf("Vary: %s\n", unicors_decision_vary(decision));
    } else {
        status = usage();
    }
    unicors_decision_free(decision);
    unicors_policy_free(policy);
    return status;
}
