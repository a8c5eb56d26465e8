/* bench.h - helpers shared by the benchmark programs (see WORKLOADS.md):
 * a monotonic clock, peak RSS, the optimisation barrier and the result line
 *
 *     workload=<ID> impl=asyncc n=<ops> ns_per_op=<float> peak_rss_kb=<int> check=<value>
 *
 * Built with -DBENCH_MT, a program runs its workload on the multi-thread runtime
 * (<ac_mt.h>) with BENCH_WORKERS workers (2 unless the environment says otherwise) and
 * its line says impl=asyncc-mt.
 *
 * CLOCK_MONOTONIC needs POSIX.1b, which -std=c11 hides: build with
 * -D_POSIX_C_SOURCE=200809L (bench/CMakeLists.txt does). A macro defined here would
 * come too late when <asyncc.h> or another libc header is included first.
 */
#ifndef BENCH_H
#define BENCH_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef CLOCK_MONOTONIC
#error "bench.h needs CLOCK_MONOTONIC: compile with -D_POSIX_C_SOURCE=200809L"
#endif

#ifdef BENCH_MT
#include <ac_mt.h>

#define BENCH_IMPL "asyncc-mt"

/* Runs fu (whose result is a uint64_t) on the multi-thread runtime with BENCH_WORKERS
 * workers, 2 by default; returns its result. */
static inline uint64_t bench_mt_block_on(ac_future fu) {
    const char *env = getenv("BENCH_WORKERS");
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = env ? (unsigned)strtoul(env, NULL, 10) : 2;
    ac_runtime *rt;
    uint64_t result = 0;
    int rc = ac_runtime_new(&b, &rt);
    if (rc == 0)
        rc = ac_runtime_block_on(rt, fu, &result);
    if (rc != 0) {
        fprintf(stderr, "multi-thread runtime: %s\n", strerror(-rc));
        exit(1);
    }
    ac_runtime_shutdown(rt, 0);
    return result;
}
#elif defined(BENCH_NO_COOP_BUDGET)
#define BENCH_IMPL "asyncc-nobudget" /* linked to a runtime without the cooperative budget */
#else
#define BENCH_IMPL "asyncc"
#endif

static inline uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A "Field:" of /proc/self/status in kB, or -1 if unreadable. */
static inline long bench_status_kb(const char *field) {
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    size_t len = strlen(field);
    long kb = -1;
    if (!status)
        return -1;
    while (fgets(line, sizeof line, status)) {
        if (strncmp(line, field, len) == 0) {
            kb = strtol(line + len, NULL, 10);
            break;
        }
    }
    fclose(status);
    return kb;
}

/* VmHWM (peak resident set) in kB, or -1 if unreadable. */
static inline long bench_peak_rss_kb(void) {
    return bench_status_kb("VmHWM:");
}

/* VmRSS (resident set now) in kB, or -1 if unreadable. */
static inline long bench_rss_kb(void) {
    return bench_status_kb("VmRSS:");
}

/* Optimisation barrier: the empty asm claims to read and rewrite x in a register,
 * so the compiler can neither constant-fold nor hoist work through it, yet no
 * instruction is emitted. */
static inline uint64_t bench_opaque_u64(uint64_t x) {
    __asm__ volatile("" : "+r"(x));
    return x;
}

/* The operation count: argv[1] if given (a positive decimal), else fallback. */
static inline uint64_t bench_arg_n(int argc, char **argv, uint64_t fallback) {
    if (argc < 2)
        return fallback;
    char *end;
    unsigned long long n = strtoull(argv[1], &end, 10);
    if (*end != '\0' || n == 0) {
        fprintf(stderr, "usage: %s [n]  (n: a positive integer, default %" PRIu64 ")\n", argv[0],
                fallback);
        exit(2);
    }
    return (uint64_t)n;
}

/* Prints the result line; returns the exit status: 0, or 1 (with a message on
 * stderr) when check differs from what the work must have produced. The line is
 * printed either way so that a wrong check is visible where results are read. */
static inline int bench_report(const char *workload, uint64_t n, uint64_t elapsed_ns,
                               uint64_t check, uint64_t expected) {
    printf("workload=%s impl=%s n=%" PRIu64 " ns_per_op=%.3f peak_rss_kb=%ld check=%" PRIu64 "\n",
           workload, BENCH_IMPL, n, (double)elapsed_ns / (double)n, bench_peak_rss_kb(), check);
    if (check == expected)
        return 0;
    fprintf(stderr, "%s: check=%" PRIu64 ", expected %" PRIu64 "\n", workload, check, expected);
    return 1;
}

#endif
