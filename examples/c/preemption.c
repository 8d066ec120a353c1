/*
 * preemption.c: preemption (PreemptType=preempt/partition_prio) seen from a C host.
 *
 * Four 4-CPU nodes shared by a best-effort partition `low` (PriorityTier=1) and a
 * partition `high` (PriorityTier=10):
 *   1. REQUEUE. A low job takes every node at t=0; a high job submitted at t=100 makes
 *      the pass at t=100 decide PREEMPT (job 1 by job 2, REQUEUE, at=100: done now, the
 *      host kills job 1's processes). Job 2 starts in the pass the second after, on n1-n2;
 *      job 1 pends again (Restarts=1) and sacct shows its preempted run. When job 2 ends
 *      at t=500, job 1 starts again from the beginning.
 *   2. GraceTime. Under CANCEL with GraceTime=20 on `low`, the pass at t=10 decides
 *      PREEMPT with at=30 (signal the job now; it keeps running), and the pass at t=30
 *      repeats it with at=30 (done: the job is PREEMPTED); the high job starts at t=31.
 *   3. A replay of the first scenario's two jobs as a job list: what preemption cost.
 * Every handle is released.
 *
 * It is also a test: it exits non-zero if any decision or figure differs.
 *
 *   cc -std=c11 -Iinclude examples/c/preemption.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o preemption && ./preemption
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, for the replay's job list */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsched.h"

static int failures = 0;

#define EXPECT(cond)                                                            \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "%s:%d: expected %s (last error: \"%s\")\n",       \
                    __FILE__, __LINE__, #cond, hpcsched_last_error_message()); \
        }                                                                       \
    } while (0)

/* Stops the program on a call that must not fail, with the library's message. */
static bool ok(hpcsched_result r, const char *what) {
    if (r != HPCSCHED_RESULT_OK) {
        fprintf(stderr, "%s failed (%u): %s\n", what, (unsigned)r, hpcsched_last_error_message());
        failures++;
        return false;
    }
    return true;
}

static bool same(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The tiers, under the cluster's PreemptMode `mode`, with `low_extra` on `low`'s line. */
static hpcsched_cluster *tiers(const char *mode, const char *low_extra) {
    char conf[1024];
    snprintf(conf, sizeof conf,
             "SelectType=select/cons_tres\n"
             "SelectTypeParameters=CR_Core_Memory\n"
             "PreemptType=preempt/partition_prio\n"
             "PreemptMode=%s\n"
             "NodeName=n[1-4] CPUs=4 RealMemory=4000\n"
             "PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES %s\n"
             "PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100\n",
             mode, low_extra);
    hpcsched_cluster *cluster = NULL;
    ok(hpcsched_cluster_from_slurm_conf(conf, &cluster), "hpcsched_cluster_from_slurm_conf");
    return cluster;
}

static hpcsched_scheduler *scheduler(const char *mode, const char *low_extra) {
    hpcsched_cluster *cluster = tiers(mode, low_extra);
    hpcsched_scheduler *s = NULL;
    if (cluster != NULL) {
        ok(hpcsched_scheduler_new(cluster, NULL, &s), "hpcsched_scheduler_new");
    }
    hpcsched_cluster_free(cluster);
    return s;
}

static uint32_t submit(hpcsched_scheduler *s, const char *const *argv, size_t argc,
                       const char *user, uint64_t now) {
    hpcsched_request *request = NULL;
    uint32_t id = 0;
    if (ok(hpcsched_request_from_args(argv, argc, &request), "hpcsched_request_from_args")) {
        ok(hpcsched_scheduler_submit(s, request, user, now, &id), "hpcsched_scheduler_submit");
    }
    hpcsched_request_free(request);
    return id;
}

/* What one decision should be. For START: `partition` and `nodes` (joined by ','); for
 * PREEMPT: `by`, `action` and `at`. */
struct expected {
    hpcsched_decision_kind kind;
    uint32_t job;
    const char *partition;
    const char *nodes;
    uint32_t by;
    const char *action;
    uint64_t at;
};

/* Runs a pass at `now`, prints it as a host would act on it, and checks it is `want`. */
static void schedule(hpcsched_scheduler *s, uint64_t now, const struct expected *want,
                     size_t want_count) {
    hpcsched_decisions *decisions = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_schedule(s, now, &decisions), "hpcsched_scheduler_schedule")) {
        return;
    }
    hpcsched_decisions_count(decisions, &count);
    printf("t=%-4" PRIu64 " %zu decision(s)\n", now, count);
    EXPECT(count == want_count);
    for (size_t i = 0; i < count; i++) {
        hpcsched_decision_kind kind = HPCSCHED_DECISION_KIND_OTHER;
        uint32_t job = 0, by = 0;
        const char *partition = NULL, *action = NULL;
        uint64_t at = 0;
        bool has_at = false;
        char nodes[256] = "";
        size_t node_count = 0;
        hpcsched_decisions_kind(decisions, i, &kind);
        hpcsched_decisions_job(decisions, i, &job);
        hpcsched_decisions_partition(decisions, i, &partition);
        hpcsched_decisions_by(decisions, i, &by);
        hpcsched_decisions_action(decisions, i, &action);
        ok(hpcsched_decisions_at(decisions, i, &at, &has_at), "hpcsched_decisions_at");
        hpcsched_decisions_node_count(decisions, i, &node_count);
        for (size_t n = 0; n < node_count; n++) {
            const char *name = NULL;
            uint32_t cpus = 0;
            uint64_t mib = 0;
            size_t gres = 0;
            if (ok(hpcsched_decisions_node(decisions, i, n, &name, &cpus, &mib, &gres),
                   "hpcsched_decisions_node")) {
                if (n > 0) {
                    strncat(nodes, ",", sizeof nodes - strlen(nodes) - 1);
                }
                strncat(nodes, name, sizeof nodes - strlen(nodes) - 1);
            }
        }
        switch (kind) {
        case HPCSCHED_DECISION_KIND_START:
            printf("  START job %" PRIu32 " in %s on %s\n", job, partition, nodes);
            break;
        case HPCSCHED_DECISION_KIND_PREEMPT:
            /* `at` is now: done (kill, or stop, its processes); later: signal it now. */
            printf("  PREEMPT job %" PRIu32 " for job %" PRIu32 ": %s %s t=%" PRIu64 "\n", job,
                   by, action, at == now ? "now," : "at", at);
            EXPECT(has_at && action != NULL && partition == NULL && node_count == 0);
            break;
        case HPCSCHED_DECISION_KIND_RESUME:
            printf("  RESUME job %" PRIu32 "\n", job);
            break;
        default:
            printf("  other decision (%u) for job %" PRIu32 "\n", (unsigned)kind, job);
            break;
        }
        if (i >= want_count) {
            continue;
        }
        const struct expected *w = &want[i];
        EXPECT(kind == w->kind && job == w->job);
        if (w->kind == HPCSCHED_DECISION_KIND_START) {
            EXPECT(same(partition, w->partition) && same(nodes, w->nodes));
            EXPECT(by == 0 && action == NULL && !has_at && at == 0);
        } else if (w->kind == HPCSCHED_DECISION_KIND_PREEMPT) {
            EXPECT(by == w->by && same(action, w->action) && has_at && at == w->at);
        }
    }
    hpcsched_decisions_free(decisions);
}

static void expect_stats(const hpcsched_preemption_stats *p, uint64_t cancelled,
                         uint64_t requeued, uint64_t lost_cpu_seconds) {
    printf("  preempted %" PRIu64 ": %" PRIu64 " requeued, %" PRIu64 " cancelled, %" PRIu64
           " suspended; %" PRIu64 " CPU-seconds lost\n",
           p->preempted, p->requeued, p->cancelled, p->suspended, p->lost_cpu_seconds);
    EXPECT(p->cancelled == cancelled && p->requeued == requeued && p->suspended == 0);
    EXPECT(p->preempted == cancelled + requeued && p->lost_cpu_seconds == lost_cpu_seconds);
}

/* A job's state by its snapshot. */
static bool job_state_is(hpcsched_scheduler *s, uint32_t id, const char *want) {
    hpcsched_job *job = NULL;
    const char *state = NULL;
    bool is = false;
    if (ok(hpcsched_scheduler_job(s, id, &job), "hpcsched_scheduler_job")) {
        hpcsched_job_state(job, &state);
        is = same(state, want);
        if (!is) {
            fprintf(stderr, "job %" PRIu32 " is %s, not %s\n", id, state, want);
        }
    }
    hpcsched_job_free(job);
    return is;
}

static const char *const LOW[] = {"-p", "low", "-N", "4", "-n", "16", "-t", "60"};
static const char *const HIGH[] = {"-p", "high", "-N", "2", "-n", "8", "-t", "30"};

static void requeue(void) {
    printf("== PreemptMode=REQUEUE\n");
    hpcsched_scheduler *s = scheduler("REQUEUE", "");
    if (s == NULL) {
        return;
    }
    uint32_t low = submit(s, LOW, 8, "alice", 0);
    const struct expected at0[] = {
        {HPCSCHED_DECISION_KIND_START, low, "low", "n1,n2,n3,n4", 0, NULL, 0}};
    schedule(s, 0, at0, 1);
    uint32_t high = submit(s, HIGH, 8, "bob", 100);
    const struct expected at100[] = {
        {HPCSCHED_DECISION_KIND_PREEMPT, low, NULL, NULL, high, "REQUEUE", 100}};
    schedule(s, 100, at100, 1);
    EXPECT(job_state_is(s, low, "PENDING"));
    /* The scheduler wants a pass the second after, when the preemptee's nodes are free. */
    uint64_t next = 0;
    bool has_next = false;
    ok(hpcsched_scheduler_next_event_time(s, 100, &next, &has_next), "next_event_time");
    EXPECT(has_next && next == 101);
    const struct expected at101[] = {
        {HPCSCHED_DECISION_KIND_START, high, "high", "n1,n2", 0, NULL, 0}};
    schedule(s, 101, at101, 1);

    hpcsched_preemption_stats p;
    ok(hpcsched_scheduler_preemption_stats(s, &p), "hpcsched_scheduler_preemption_stats");
    /* 16 CPUs for 100 s of work lost. */
    expect_stats(&p, 0, 1, 1600);

    /* sacct --duplicates: the preempted run, then the job pending again with Restarts=1. */
    hpcsched_records *records = NULL;
    if (ok(hpcsched_scheduler_records(s, 150, &records), "hpcsched_scheduler_records")) {
        size_t n = 0, runs = 0;
        hpcsched_records_count(records, &n);
        for (size_t i = 0; i < n; i++) {
            hpcsched_record r;
            if (!ok(hpcsched_records_get(records, i, &r), "hpcsched_records_get") ||
                r.job != low) {
                continue;
            }
            printf("  record job %" PRIu32 " %-9s restarts=%" PRIu32, r.job, r.state, r.restarts);
            if (r.has_start) {
                printf(" start=%" PRIu64, r.start);
            }
            printf("\n");
            if (runs == 0) {
                EXPECT(same(r.state, "PREEMPTED") && r.restarts == 0);
                EXPECT(r.has_start && r.start == 0 && r.has_end && r.end == 100);
            } else {
                EXPECT(same(r.state, "PENDING") && r.restarts == 1 && !r.has_start);
            }
            runs++;
        }
        EXPECT(runs == 2);
    }
    hpcsched_records_free(records);

    /* The high job ends: the low one starts again, from the beginning. */
    ok(hpcsched_scheduler_job_finished(s, high, 500, 0), "finish high");
    const struct expected at500[] = {
        {HPCSCHED_DECISION_KIND_START, low, "low", "n1,n2,n3,n4", 0, NULL, 0}};
    schedule(s, 500, at500, 1);
    hpcsched_scheduler_free(s);
}

static void grace_time(void) {
    printf("== PreemptMode=CANCEL, GraceTime=20\n");
    hpcsched_scheduler *s = scheduler("CANCEL", "GraceTime=20");
    if (s == NULL) {
        return;
    }
    uint32_t low = submit(s, LOW, 8, "alice", 0);
    const struct expected at0[] = {
        {HPCSCHED_DECISION_KIND_START, low, "low", "n1,n2,n3,n4", 0, NULL, 0}};
    schedule(s, 0, at0, 1);
    const char *const high_args[] = {"-p", "high", "-n", "4", "-t", "30"};
    uint32_t high = submit(s, high_args, 6, "bob", 10);
    /* Signalled now, stopped at 30: it keeps running meanwhile. */
    const struct expected at10[] = {
        {HPCSCHED_DECISION_KIND_PREEMPT, low, NULL, NULL, high, "CANCEL", 30}};
    schedule(s, 10, at10, 1);
    EXPECT(job_state_is(s, low, "RUNNING"));
    schedule(s, 20, NULL, 0);
    const struct expected at30[] = {
        {HPCSCHED_DECISION_KIND_PREEMPT, low, NULL, NULL, high, "CANCEL", 30}};
    schedule(s, 30, at30, 1);
    EXPECT(job_state_is(s, low, "PREEMPTED"));
    const struct expected at31[] = {{HPCSCHED_DECISION_KIND_START, high, "high", "n1", 0, NULL, 0}};
    schedule(s, 31, at31, 1);
    hpcsched_preemption_stats p;
    ok(hpcsched_scheduler_preemption_stats(s, &p), "hpcsched_scheduler_preemption_stats");
    expect_stats(&p, 1, 0, 16 * 30);
    hpcsched_scheduler_free(s);
}

static void replay(void) {
    printf("== a replay of scenario 1\n");
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/hpcsched-preemption-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        fprintf(stderr, "%s: cannot create\n", path);
        failures++;
        return;
    }
    /* SUBMIT_TIME RUNTIME USER sbatch options */
    fputs("0 3600 alice -p low -N4 -n16 -t 60\n"
          "100 600 bob -p high -N2 -n8 -t 30\n",
          f);
    fclose(f);
    hpcsched_cluster *cluster = tiers("REQUEUE", "");
    hpcsched_replay *r = NULL;
    bool ran = cluster != NULL && ok(hpcsched_replay_run(path, cluster, NULL, NULL, &r),
                                     "hpcsched_replay_run");
    hpcsched_cluster_free(cluster);
    remove(path);
    if (!ran) {
        return;
    }
    hpcsched_preemption_stats p;
    ok(hpcsched_replay_get_preemption(r, &p), "hpcsched_replay_get_preemption");
    expect_stats(&p, 0, 1, 1600);
    /* Job 1 ran twice: preempted at 100, then from 701 (job 2 ran 101 to 701) to 4301. */
    const hpcsched_records *records = NULL;
    size_t n = 0, runs = 0;
    ok(hpcsched_replay_records(r, &records), "hpcsched_replay_records");
    hpcsched_records_count(records, &n);
    for (size_t i = 0; i < n; i++) {
        hpcsched_record rec;
        if (ok(hpcsched_records_get(records, i, &rec), "hpcsched_records_get") && rec.job == 1) {
            EXPECT(runs > 0 || (same(rec.state, "PREEMPTED") && rec.end == 100));
            EXPECT(runs == 0 || (same(rec.state, "COMPLETED") && rec.start == 701 &&
                                 rec.end == 4301 && rec.restarts == 1));
            runs++;
        }
    }
    EXPECT(runs == 2);
    hpcsched_replay_free(r);
}

int main(void) {
    requeue();
    grace_time();
    replay();
    hpcsched_preemption_stats none;
    EXPECT(hpcsched_scheduler_preemption_stats(NULL, &none) == HPCSCHED_RESULT_NULL_ARGUMENT &&
           none.preempted == 0);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
