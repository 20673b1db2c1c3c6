/*
 * Eight threads evaluate a mix of requests (allowed and rejected
 * preflights, actual requests, not-CORS requests, route-specific answers)
 * against ONE shared unicors_policy, each with its own unicors_decision,
 * and compare every answer with the one computed single-threaded first.
 * Each thread holds its own reference (unicors_policy_clone) and drops it
 * when done, after the main thread has already dropped its own, so the
 * reference count is exercised across threads too.
 *
 * Usage: threads [ITERATIONS]   (default 2000 per thread)
 * Prints `threads: ...` and exits 1 on any mismatch.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"

#define THREADS 8
#define MAX_LINES 5
#define MAX_OUT 8

#define U8(s) ((const uint8_t *)(s))

static const char POLICY[] =
    "{\"allow_origins\":[\"https://app.example\",\"https://*.tenant.example\"],"
    "\"allow_methods\":[\"PUT\",\"DELETE\"],"
    "\"allow_headers\":[\"content-type\",\"x-request-id\"],"
    "\"expose_headers\":[\"x-total\"],"
    "\"allow_credentials\":true,\"max_age\":600,"
    "\"routes\":[{\"path\":\"/public\",\"allow_origins\":[\"*\"],\"allow_credentials\":false}]}";

typedef struct {
    const char *name;
    const char *method;
    const char *path;
    const char *lines[MAX_LINES][2];
    uint32_t verdict;
} request;

static const request REQUESTS[] = {
    {"allowed preflight", "OPTIONS", "/api", {{"Origin", "https://app.example"},
      {"Access-Control-Request-Method", "PUT"},
      {"Access-Control-Request-Headers", "content-type,x-request-id"}}, 0},
    {"allowed preflight, pattern", "OPTIONS", "/api/x?q=1", {{"origin", "https://a.tenant.example"},
      {"access-control-request-method", "DELETE"}}, 0},
    {"preflight, origin refused", "OPTIONS", "/api", {{"Origin", "https://evil.example"},
      {"Access-Control-Request-Method", "PUT"}}, 0},
    {"preflight, method refused", "OPTIONS", "/api", {{"Origin", "https://app.example"},
      {"Access-Control-Request-Method", "PATCH"}}, 0},
    {"preflight, header refused", "OPTIONS", "/api", {{"Origin", "https://app.example"},
      {"Access-Control-Request-Method", "PUT"},
      {"Access-Control-Request-Headers", "x-secret"}}, 0},
    {"actual GET", "GET", "/api", {{"Host", "api.example"}, {"Origin", "https://app.example"}}, 0},
    {"actual POST, pattern", "POST", "/api", {{"Origin", "https://b.tenant.example"},
      {"Content-Type", "application/json"}}, 0},
    {"actual, origin refused", "GET", "/api", {{"Origin", "https://app.example.evil"}}, 0},
    {"actual, two origins", "GET", "/api", {{"Origin", "https://app.example"},
      {"Origin", "https://app.example"}}, 0},
    {"not CORS", "GET", "/api", {{"Host", "api.example"}, {"Accept", "*/*"}}, 0},
    {"null origin", "GET", "/api", {{"Origin", "null"}}, 0},
    {"public route, any origin", "GET", "/public/a", {{"Origin", "https://anyone.example"}}, 0},
    {"public route preflight", "OPTIONS", "/public", {{"Origin", "https://anyone.example"},
      {"Access-Control-Request-Method", "GET"}}, 0},
    {"host says no", "GET", "/api", {{"Origin", "https://app.example"}}, UNICORS_ORIGIN_VERDICT_DENY},
    {"host says yes", "GET", "/api", {{"Origin", "https://other.example"}},
     UNICORS_ORIGIN_VERDICT_ALLOW},
};
#define N_REQUESTS (sizeof REQUESTS / sizeof REQUESTS[0])

/* A request as header views; built once, shared read-only by every thread. */
static unicors_header lines[N_REQUESTS][MAX_LINES];
static size_t line_counts[N_REQUESTS];

/* An answer, copied out of the decision. */
typedef struct {
    unicors_status status;
    unicors_kind kind;
    const char *reason; /* static */
    uint16_t http_status;
    const char *vary; /* static */
    size_t count;
    struct {
        char name[64];
        char value[256];
        size_t value_len;
    } headers[MAX_OUT];
} answer;

static answer expected[N_REQUESTS];

static int evaluate(const unicors_policy *policy, size_t i, unicors_decision *d, answer *out)
{
    const request *r = &REQUESTS[i];
    memset(out, 0, sizeof *out);
    out->status = unicors_evaluate(policy, U8(r->method), strlen(r->method), U8(r->path),
                                   strlen(r->path), lines[i], line_counts[i], r->verdict, d);
    out->kind = unicors_decision_kind(d);
    out->reason = unicors_decision_reason_code(d);
    out->http_status = unicors_decision_status(d);
    out->vary = unicors_decision_vary(d);
    out->count = unicors_decision_header_count(d);
    if (out->count > MAX_OUT) {
        return -1;
    }
    for (size_t k = 0; k < out->count; k++) {
        unicors_header h;
        if (unicors_decision_header_at(d, k, &h) != UNICORS_STATUS_OK || h.name_len >= 64 ||
            h.value_len >= 256) {
            return -1;
        }
        memcpy(out->headers[k].name, h.name, h.name_len);
        memcpy(out->headers[k].value, h.value, h.value_len);
        out->headers[k].value_len = h.value_len;
    }
    return 0;
}

static int same(const answer *a, const answer *b)
{
    if (a->status != b->status || a->kind != b->kind || a->http_status != b->http_status ||
        a->count != b->count || a->reason != b->reason || a->vary != b->vary) {
        return 0;
    }
    for (size_t k = 0; k < a->count; k++) {
        if (strcmp(a->headers[k].name, b->headers[k].name) != 0 ||
            a->headers[k].value_len != b->headers[k].value_len ||
            memcmp(a->headers[k].value, b->headers[k].value, a->headers[k].value_len) != 0) {
            return 0;
        }
    }
    return 1;
}

static atomic_ulong mismatches;
static atomic_ulong evaluations;
static unsigned long iterations = 2000;
static pthread_barrier_t start;

typedef struct {
    const unicors_policy *policy; /* this thread's own reference */
    unsigned index;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    unicors_decision *d = unicors_decision_new();
    unsigned long done = 0, bad = 0;
    pthread_barrier_wait(&start);
    for (unsigned long it = 0; it < iterations && d != NULL; it++) {
        for (size_t step = 0; step < N_REQUESTS; step++) {
            /* a different order in each thread and iteration */
            size_t i = (step * 7 + w->index * 3 + it) % N_REQUESTS;
            answer got;
            if (evaluate(w->policy, i, d, &got) != 0 || !same(&got, &expected[i])) {
                if (bad++ < 5) {
                    fprintf(stderr, "thread %u, iteration %lu: \"%s\" differs (kind %s, %zu headers)\n",
                            w->index, it, REQUESTS[i].name, unicors_kind_str(got.kind), got.count);
                }
            }
            done++;
        }
    }
    if (d == NULL) {
        bad++;
    }
    unicors_decision_free(d);
    unicors_policy_free(w->policy);
    atomic_fetch_add(&mismatches, bad);
    atomic_fetch_add(&evaluations, done);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        iterations = strtoul(argv[1], NULL, 10);
    }
    for (size_t i = 0; i < N_REQUESTS; i++) {
        for (size_t k = 0; k < MAX_LINES && REQUESTS[i].lines[k][0] != NULL; k++) {
            lines[i][k] = hdr(REQUESTS[i].lines[k][0], REQUESTS[i].lines[k][1]);
            line_counts[i] = k + 1;
        }
    }
    const unicors_policy *policy = NULL;
    unicors_config_error *error = NULL;
    if (!CHECK_STATUS(unicors_policy_from_document(U8(POLICY), strlen(POLICY), UNICORS_FORMAT_JSON,
                                                   &policy, &error),
                      UNICORS_STATUS_OK)) {
        unicors_config_error_free(error);
        return 1;
    }

    /* Expected answers, single-threaded; the mix must cover every kind. */
    unicors_decision *d = unicors_decision_new();
    int kinds[4] = {0};
    for (size_t i = 0; i < N_REQUESTS; i++) {
        CHECK(evaluate(policy, i, d, &expected[i]) == 0);
        CHECK_STATUS(expected[i].status, UNICORS_STATUS_OK);
        kinds[expected[i].kind & 3]++;
        printf("  %-28s %-9s %s\n", REQUESTS[i].name, unicors_kind_str(expected[i].kind),
               expected[i].reason ? expected[i].reason : "");
    }
    unicors_decision_free(d);
    CHECK(kinds[UNICORS_KIND_NOT_CORS] > 0 && kinds[UNICORS_KIND_PREFLIGHT] > 1 &&
          kinds[UNICORS_KIND_ACTUAL] > 1 && kinds[UNICORS_KIND_REJECTED] > 1);

    pthread_t threads[THREADS];
    worker workers[THREADS];
    CHECK(pthread_barrier_init(&start, NULL, THREADS + 1) == 0);
    for (unsigned t = 0; t < THREADS; t++) {
        workers[t].policy = unicors_policy_clone(policy);
        workers[t].index = t;
        CHECK(pthread_create(&threads[t], NULL, run, &workers[t]) == 0);
    }
    unicors_policy_free(policy); /* the threads' references keep it alive */
    pthread_barrier_wait(&start);
    for (unsigned t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
    }
    pthread_barrier_destroy(&start);

    unsigned long total = atomic_load(&evaluations);
    unsigned long bad = atomic_load(&mismatches);
    CHECK(total == THREADS * iterations * N_REQUESTS);
    CHECK(bad == 0);
    printf("threads: %d threads x %lu iterations x %zu requests = %lu evaluations, %lu mismatches; "
           "%lu checks, %lu failures\n",
           THREADS, iterations, (size_t)N_REQUESTS, total, bad, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
