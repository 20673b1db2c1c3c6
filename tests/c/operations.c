/*
 * Operating unicors from C: report-only (shadow) evaluation, counters, and
 * swapping the policy of a running server.
 *
 * - shadow: unicors_evaluate_shadowed against the same policy (never a
 *   difference), a narrower candidate (kind, reason, headers), a max-age
 *   change (headers only); argument errors leave both buffers empty.
 * - counters: names, single-threaded counts, then THREADS threads
 *   recording at once: every increment is there; then a set placed in
 *   shared memory (unicors_counters_init) counted into by two processes.
 * - swap: THREADS reader threads load the current policy from a
 *   unicors_policy_cell for every request while the main thread stores
 *   policy A and policy B alternately SWAPS times (building each anew, so
 *   old ones are freed while readers may hold them). Every answer must be
 *   exactly A's or exactly B's — never a failed call, never a mix — and
 *   both must be seen.
 *
 * Usage: operations [SWAPS]   (default 2000). Exits 1 on any failure.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define THREADS 4
#define U8(s) ((const uint8_t *)(s))
#define LIT(s) U8(s), (sizeof(s) - 1)

/* A and B differ in every header of an allowed preflight from app.example. */
/* A buffer's view says: nothing decided (kind NOT_CORS, no header, no status). */
static int view_is_empty(const unicors_decision *d)
{
    const unicors_decision_view *v = unicors_decision_get_view(d);
    return v != NULL && v->kind == UNICORS_KIND_NOT_CORS && v->header_count == 0 && v->status == 0 &&
           v->reason_code == NULL && v->vary_bits == 0 && unicors_decision_header_count(d) == 0;
}

static const char POLICY_A[] = "{\"allow_origins\":[\"https://app.example\",\"https://old.example\"],"
                               "\"allow_methods\":[\"PUT\"],\"allow_headers\":[\"x-a\"],"
                               "\"max_age\":100}";
static const char POLICY_B[] = "{\"allow_origins\":[\"https://app.example\"],"
                               "\"allow_methods\":[\"PUT\",\"PATCH\"],\"allow_headers\":[\"x-a\",\"x-b\"],"
                               "\"max_age\":200}";

static const unicors_policy *build(const char *json)
{
    const unicors_policy *policy = NULL;
    if (unicors_policy_from_document(U8(json), strlen(json), UNICORS_FORMAT_JSON, &policy, NULL) !=
        UNICORS_STATUS_OK) {
        fprintf(stderr, "policy does not build: %s\n", json);
        exit(2);
    }
    return policy;
}

/* One decision's headers as "Name: value\n" lines (for comparing whole answers). */
static void render(const unicors_decision *d, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(out, cap, "%s %u|", unicors_kind_str(unicors_decision_kind(d)),
                                   unicors_decision_status(d));
    for (size_t i = 0; i < unicors_decision_header_count(d) && used < cap; i++) {
        unicors_header h;
        if (unicors_decision_header_at(d, i, &h) != UNICORS_STATUS_OK) {
            used += (size_t)snprintf(out + used, cap - used, "<error>");
            continue;
        }
        used += (size_t)snprintf(out + used, cap - used, "%.*s: %.*s\n", (int)h.name_len,
                                 (const char *)h.name, (int)h.value_len, (const char *)h.value);
    }
    if (used < cap) {
        snprintf(out + used, cap - used, "Vary: %s", unicors_decision_vary(d));
    }
}

static unicors_header preflight[3];

static void init_requests(void)
{
    preflight[0] = hdr("Origin", "https://app.example");
    preflight[1] = hdr("Access-Control-Request-Method", "PUT");
    preflight[2] = hdr("Access-Control-Request-Headers", "x-a");
}

static unicors_status shadowed(const unicors_policy *p, const unicors_policy *s,
                               const unicors_header *lines, size_t count, const char *method,
                               unicors_decision *d, unicors_decision *sd, uint32_t *difference)
{
    return unicors_evaluate_shadowed(p, s, U8(method), strlen(method), LIT("/"), lines, count,
                                     UNICORS_ORIGIN_VERDICT_NONE, d, sd, difference);
}

/* ---- shadow --------------------------------------------------------------- */

static void test_shadow(void)
{
    const unicors_policy *a = build(POLICY_A), *b = build(POLICY_B);
    unicors_decision *d = unicors_decision_new(), *sd = unicors_decision_new();
    uint32_t difference = 99;
    char one[512], two[512];

    /* The same policy never differs, and both buffers hold the same answer. */
    CHECK_STATUS(shadowed(a, a, preflight, 3, "OPTIONS", d, sd, &difference), UNICORS_STATUS_OK);
    CHECK(difference == 0);
    CHECK_STR(unicors_difference_names(difference), "none");
    render(d, one, sizeof one);
    render(sd, two, sizeof two);
    CHECK_STR(one, two);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_PREFLIGHT);

    /* The enforced buffer holds exactly what unicors_evaluate gives. */
    unicors_decision *plain = unicors_decision_new();
    CHECK_STATUS(unicors_evaluate(a, LIT("OPTIONS"), LIT("/"), preflight, 3,
                                  UNICORS_ORIGIN_VERDICT_NONE, plain),
                 UNICORS_STATUS_OK);
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, sd, &difference), UNICORS_STATUS_OK);
    render(plain, one, sizeof one);
    render(d, two, sizeof two);
    CHECK_STR(one, two);
    /* Every preflight header differs between A and B, the kind does not. */
    CHECK(difference == 8);
    CHECK_STR(unicors_difference_names(difference), "headers");

    /* A narrower candidate: old.example would be refused. */
    unicors_header old[1] = {hdr("Origin", "https://old.example")};
    CHECK_STATUS(shadowed(a, b, old, 1, "GET", d, sd, &difference), UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(d) == UNICORS_KIND_ACTUAL);
    CHECK(unicors_decision_kind(sd) == UNICORS_KIND_REJECTED);
    CHECK_STR(unicors_decision_reason_code(sd), "origin_not_allowed");
    CHECK(difference == (1 | 2 | 8));
    CHECK_STR(unicors_difference_names(difference), "kind, reason, headers");
    CHECK_STR(unicors_difference_names(1 | 4 | 16), "kind, status, vary");
    CHECK_STR(unicors_difference_names(0xffffffe0u), "none"); /* unknown bits */

    /* Errors: both buffers empty, difference 0. */
    CHECK_STATUS(shadowed(a, NULL, preflight, 3, "OPTIONS", d, sd, &difference),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(difference == 0 && unicors_decision_header_count(d) == 0 &&
          unicors_decision_header_count(sd) == 0);
    /* The same buffer twice, or one NULL: each buffer given is emptied too. */
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, sd, &difference), UNICORS_STATUS_OK);
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, d, &difference),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    CHECK(view_is_empty(d));
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", NULL, NULL, &difference),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, sd, &difference), UNICORS_STATUS_OK);
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, NULL, &difference),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(view_is_empty(d));
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", NULL, sd, &difference),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(view_is_empty(sd));
    unicors_header bad[3] = {preflight[0], preflight[1], {NULL, 4, U8("x"), 1}};
    CHECK_STATUS(shadowed(a, b, preflight, 3, "OPTIONS", d, sd, &difference), UNICORS_STATUS_OK);
    CHECK_STATUS(shadowed(a, b, bad, 3, "OPTIONS", d, sd, &difference),
                 UNICORS_STATUS_NULL_PARAMETER);
    CHECK(difference == 0 && unicors_decision_kind(d) == UNICORS_KIND_NOT_CORS &&
          unicors_decision_header_count(d) == 0 && unicors_decision_header_count(sd) == 0);
    CHECK_STATUS(unicors_evaluate_shadowed(a, b, LIT("GET"), LIT("/"), old, 1, 7, d, sd, NULL),
                 UNICORS_STATUS_INVALID_ARGUMENT);
    /* A NULL difference pointer is allowed. */
    CHECK_STATUS(shadowed(a, b, old, 1, "GET", d, sd, NULL), UNICORS_STATUS_OK);

    unicors_decision_free(plain);
    unicors_decision_free(d);
    unicors_decision_free(sd);
    unicors_policy_free(a);
    unicors_policy_free(b);
}

/* ---- counters ------------------------------------------------------------- */

static size_t counter_index(const char *name)
{
    for (size_t i = 0; i < unicors_counter_count(); i++) {
        if (strcmp(unicors_counter_name(i), name) == 0) {
            return i;
        }
    }
    fprintf(stderr, "no counter named %s\n", name);
    exit(2);
}

typedef struct {
    unicors_counters *counters;
    const unicors_policy *a, *b;
    int rounds;
} count_job;

static void *count_worker(void *arg)
{
    count_job *job = arg;
    unicors_decision *d = unicors_decision_new(), *sd = unicors_decision_new();
    unicors_header old[1] = {hdr("Origin", "https://old.example")};
    for (int i = 0; i < job->rounds; i++) {
        uint32_t difference = 0;
        if (shadowed(job->a, job->b, old, 1, "GET", d, sd, &difference) != UNICORS_STATUS_OK) {
            return (void *)1;
        }
        unicors_counters_record_shadowed(job->counters, d, sd, difference);
        if (unicors_evaluate(job->a, LIT("GET"), LIT("/"), NULL, 0, UNICORS_ORIGIN_VERDICT_NONE,
                             d) != UNICORS_STATUS_OK) {
            return (void *)1;
        }
        unicors_counters_record(job->counters, d);
    }
    unicors_decision_free(d);
    unicors_decision_free(sd);
    return NULL;
}

static void test_counters(void)
{
    size_t count = unicors_counter_count();
    CHECK(count > 10);
    CHECK_STR(unicors_counter_name(0), "not_cors");
    CHECK_STR(unicors_counter_name(count - 1), "shadow.differences");
    CHECK(unicors_counter_name(count) == NULL);
    CHECK(unicors_counters_get(NULL, 0) == 0);
    unicors_counters_record(NULL, NULL);
    unicors_counters_free(NULL);

    unicors_counters *counters = unicors_counters_new();
    const unicors_policy *a = build(POLICY_A), *b = build(POLICY_B);
    CHECK(unicors_counters_get(counters, count) == 0);
    unicors_counters_record(counters, NULL);

    enum { ROUNDS = 500 };
    pthread_t threads[THREADS];
    count_job job = {counters, a, b, ROUNDS};
    for (int t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, count_worker, &job) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        void *failed = NULL;
        pthread_join(threads[t], &failed);
        CHECK(failed == NULL);
    }
    uint64_t n = (uint64_t)THREADS * ROUNDS;
    CHECK(unicors_counters_get(counters, counter_index("actual")) == n);
    CHECK(unicors_counters_get(counters, counter_index("not_cors")) == n);
    CHECK(unicors_counters_get(counters, counter_index("rejected")) == 0);
    CHECK(unicors_counters_get(counters, counter_index("shadow.rejected")) == n);
    CHECK(unicors_counters_get(counters, counter_index("shadow.rejected.origin_not_allowed")) == n);
    CHECK(unicors_counters_get(counters, counter_index("shadow.differences")) == n);
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        total += unicors_counters_get(counters, i);
    }
    CHECK(total == 5 * n); /* actual, not_cors, shadow.rejected(+reason), differences */

    unicors_counters_free(counters);
    unicors_policy_free(a);
    unicors_policy_free(b);
}

/* Counters placed in shared memory, counted into by two processes (as
 * nginx workers do), and kept across a second placement without reset
 * (a configuration reload). */
static void test_shared_counters(void)
{
    size_t size = unicors_counters_size();
    CHECK(size >= unicors_counter_count() * sizeof(uint64_t));
    CHECK(unicors_counters_align() >= 1 && unicors_counters_align() <= 64);
    uint8_t *memory = mmap(NULL, size + 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    CHECK(unicors_counters_init(NULL, size, true) == NULL);
    CHECK(unicors_counters_init(memory, size - 1, true) == NULL);
    if (unicors_counters_align() > 1) {
        CHECK(unicors_counters_init(memory + 1, size, true) == NULL);
    }
    unicors_counters *counters = unicors_counters_init(memory, size, true);
    CHECK(counters != NULL);
    const unicors_policy *a = build(POLICY_A);
    size_t preflights = counter_index("preflight");
    enum { EACH = 5000 };
    pid_t child = fork();
    if (child == 0) {
        unicors_decision *d = unicors_decision_new();
        for (int i = 0; i < EACH; i++) {
            if (unicors_evaluate(a, LIT("OPTIONS"), LIT("/"), preflight, 3, UNICORS_ORIGIN_VERDICT_NONE, d) !=
                UNICORS_STATUS_OK) {
                _exit(1);
            }
            unicors_counters_record(counters, d);
        }
        _exit(0);
    }
    unicors_decision *d = unicors_decision_new();
    for (int i = 0; i < EACH; i++) {
        CHECK_STATUS(unicors_evaluate(a, LIT("OPTIONS"), LIT("/"), preflight, 3, UNICORS_ORIGIN_VERDICT_NONE, d),
                     UNICORS_STATUS_OK);
        unicors_counters_record(counters, d);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(unicors_counters_get(counters, preflights) == 2 * EACH);
    /* Placed again without reset: the counts go on; with reset: zero. */
    unicors_counters *again = unicors_counters_init(memory, size, false);
    CHECK(again == counters && unicors_counters_get(again, preflights) == 2 * EACH);
    again = unicors_counters_init(memory, size, true);
    CHECK(unicors_counters_get(again, preflights) == 0);
    unicors_decision_free(d);
    unicors_policy_free(a);
    munmap(memory, size + 64);
}

/* ---- swap under load ------------------------------------------------------ */

static char answer_a[512], answer_b[512];
static atomic_int stop;
/* Answers given so far by all readers: the writer waits for at least one
 * between two swaps, so each policy is read, even where threads run one at
 * a time (valgrind). */
static atomic_ulong answers;

typedef struct {
    const unicors_policy_cell *cell;
    unsigned long seen_a, seen_b, other, failed;
    char bad[512];
} reader;

static void *read_worker(void *arg)
{
    reader *r = arg;
    unicors_decision *d = unicors_decision_new();
    char got[512];
    while (!atomic_load(&stop)) {
        const unicors_policy *current = unicors_policy_cell_load(r->cell);
        if (current == NULL ||
            unicors_evaluate(current, LIT("OPTIONS"), LIT("/"), preflight, 3,
                             UNICORS_ORIGIN_VERDICT_NONE, d) != UNICORS_STATUS_OK) {
            r->failed++;
        } else {
            render(d, got, sizeof got);
            if (strcmp(got, answer_a) == 0) {
                r->seen_a++;
            } else if (strcmp(got, answer_b) == 0) {
                r->seen_b++;
            } else {
                r->other++;
                memcpy(r->bad, got, sizeof got);
            }
        }
        unicors_policy_free(current);
        atomic_fetch_add(&answers, 1);
    }
    unicors_decision_free(d);
    return NULL;
}

static void test_swap(int swaps)
{
    const unicors_policy *a = build(POLICY_A), *b = build(POLICY_B);
    unicors_decision *d = unicors_decision_new();
    CHECK_STATUS(unicors_evaluate(a, LIT("OPTIONS"), LIT("/"), preflight, 3,
                                  UNICORS_ORIGIN_VERDICT_NONE, d),
                 UNICORS_STATUS_OK);
    render(d, answer_a, sizeof answer_a);
    CHECK_STATUS(unicors_evaluate(b, LIT("OPTIONS"), LIT("/"), preflight, 3,
                                  UNICORS_ORIGIN_VERDICT_NONE, d),
                 UNICORS_STATUS_OK);
    render(d, answer_b, sizeof answer_b);
    CHECK(strcmp(answer_a, answer_b) != 0);
    unicors_decision_free(d);

    unicors_policy_cell *cell = NULL;
    CHECK_STATUS(unicors_policy_cell_new(NULL, &cell), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_cell_new(a, NULL), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_cell_new(a, &cell), UNICORS_STATUS_OK);
    unicors_policy_free(a); /* the cell holds its own reference */
    unicors_policy_free(b);
    CHECK(unicors_policy_cell_load(NULL) == NULL);
    CHECK_STATUS(unicors_policy_cell_store(NULL, NULL), UNICORS_STATUS_NULL_PARAMETER);
    CHECK_STATUS(unicors_policy_cell_store(cell, NULL), UNICORS_STATUS_NULL_PARAMETER);

    reader readers[THREADS];
    pthread_t threads[THREADS];
    atomic_store(&stop, 0);
    for (int t = 0; t < THREADS; t++) {
        memset(&readers[t], 0, sizeof readers[t]);
        readers[t].cell = cell;
        CHECK(pthread_create(&threads[t], NULL, read_worker, &readers[t]) == 0);
    }
    for (int i = 0; i < swaps; i++) {
        unsigned long before = atomic_load(&answers);
        while (atomic_load(&answers) == before) {
            sched_yield();
        }
        /* Built anew each time, and our reference dropped at once: the
         * cell's and the readers' references are all that keep it. */
        const unicors_policy *next = build(i % 2 == 0 ? POLICY_B : POLICY_A);
        CHECK_STATUS(unicors_policy_cell_store(cell, next), UNICORS_STATUS_OK);
        unicors_policy_free(next);
    }
    atomic_store(&stop, 1);
    unsigned long seen_a = 0, seen_b = 0, other = 0, failed = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        seen_a += readers[t].seen_a;
        seen_b += readers[t].seen_b;
        other += readers[t].other;
        failed += readers[t].failed;
        if (readers[t].other) {
            fprintf(stderr, "    mixed answer: %s\n", readers[t].bad);
        }
    }
    printf("swap: %d swaps, %lu answers as A, %lu as B, %lu mixed, %lu failed\n", swaps, seen_a,
           seen_b, other, failed);
    CHECK(other == 0);
    CHECK(failed == 0);
    CHECK(seen_a > 0 && seen_b > 0);
    unicors_policy_cell_free(cell);
    unicors_policy_cell_free(NULL);
}

int main(int argc, char **argv)
{
    int swaps = argc > 1 ? atoi(argv[1]) : 2000;
    init_requests();
    test_shadow();
    test_counters();
    test_shared_counters();
    test_swap(swaps);
    printf("operations: %lu checks, %lu failures\n", check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
