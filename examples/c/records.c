/*
 * records.c: accounting records and usage views of the hpcsched scheduler from C.
 *
 * A small cluster (two 8-CPU nodes in partition `cpu`, one node with four A100s in
 * partition `gpu`, a QOS `gpu2` with MaxTRESPerUser=gres/gpu=2,cpu=8) goes through a few
 * events, all jobs submitted at t=0:
 *   1 build  alice  4 CPUs, 10 min        starts on c1, completes at t=300
 *   2 train  bob    2 GPUs under gpu2     starts on g1, fails (exit 3) at t=600
 *   3 big    alice  both cpu nodes        waits for c1, starts at t=300, cancelled at t=900
 *   4 tune   bob    1 GPU, no QOS         starts on g1 next to train; still running
 *   5 report carol  afterok:4             waits on its dependency (never eligible here)
 * Then node c2 is drained.
 * Between events the program prints what sinfo, a "my usage" command and sacct would show,
 * and checks every value. Strings come from the snapshot they were read from and are
 * only used before it is released. Every handle is released.
 *
 * It is also a test: it exits non-zero if any value differs.
 *
 *   cc -std=c11 -Iinclude examples/c/records.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o records && ./records
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

static const char SLURM_CONF[] =
    "GresTypes=gpu\n"
    "NodeName=c[1-2] CPUs=8 RealMemory=16000\n"
    "NodeName=g1 CPUs=16 RealMemory=64000 Gres=gpu:a100:4\n"
    "PartitionName=cpu Nodes=c[1-2] Default=YES\n"
    "PartitionName=gpu Nodes=g1\n";

static const char QOS[] =
    "sacctmgr add qos normal\n"
    "sacctmgr add qos gpu2 MaxTRESPerUser=gres/gpu=2,cpu=8\n";

static uint32_t submit(hpcsched_scheduler *s, const char *const *argv, size_t argc,
                       const char *user) {
    hpcsched_request *request = NULL;
    uint32_t id = 0;
    if (ok(hpcsched_request_from_args(argv, argc, &request), "hpcsched_request_from_args")) {
        ok(hpcsched_scheduler_submit(s, request, user, 0, &id), "hpcsched_scheduler_submit");
    }
    hpcsched_request_free(request);
    return id;
}

/* Runs a pass at `now` and checks how many jobs it starts. */
static void schedule(hpcsched_scheduler *s, uint64_t now, size_t want_starts) {
    hpcsched_decisions *decisions = NULL;
    size_t count = 0, starts = 0;
    if (!ok(hpcsched_scheduler_schedule(s, now, &decisions), "hpcsched_scheduler_schedule")) {
        return;
    }
    hpcsched_decisions_count(decisions, &count);
    for (size_t i = 0; i < count; i++) {
        hpcsched_decision_kind kind = HPCSCHED_DECISION_KIND_OTHER;
        hpcsched_decisions_kind(decisions, i, &kind);
        starts += kind == HPCSCHED_DECISION_KIND_START;
    }
    printf("t=%-4" PRIu64 " schedule: %zu start(s)\n", now, starts);
    EXPECT(starts == want_starts);
    hpcsched_decisions_free(decisions);
}

/* What sinfo summarises for one partition. */
struct expected_partition {
    const char *name;
    uint32_t nodes, idle, mixed, allocated, unavailable, cpus, cpus_allocated;
    uint64_t gpus, gpus_allocated;
};

static void partition(hpcsched_scheduler *s, const struct expected_partition *want) {
    hpcsched_partition_usage u;
    if (!ok(hpcsched_scheduler_partition_usage(s, want->name, &u), "partition_usage")) {
        return;
    }
    /* sinfo -s: NODES(A/I/O/T) counts mixed nodes as allocated. */
    printf("  %-4s nodes(A/I/O/T)=%" PRIu32 "/%" PRIu32 "/%" PRIu32 "/%" PRIu32
           " cpus=%" PRIu32 "/%" PRIu32 " gpus=%" PRIu64 "/%" PRIu64 "\n",
           want->name, u.mixed + u.allocated, u.idle, u.unavailable, u.nodes, u.cpus_allocated,
           u.cpus, u.gpus_allocated, u.gpus);
    EXPECT(u.nodes == want->nodes && u.idle == want->idle && u.mixed == want->mixed);
    EXPECT(u.allocated == want->allocated && u.unavailable == want->unavailable);
    EXPECT(u.cpus == want->cpus && u.cpus_allocated == want->cpus_allocated);
    EXPECT(u.gpus == want->gpus && u.gpus_allocated == want->gpus_allocated);
}

/* What one user's jobs hold and wait for. */
struct expected_user {
    const char *name;
    uint32_t running;
    uint64_t pending;
    uint32_t nodes, cpus;
    uint64_t memory_mib, gpus;
};

static void user(hpcsched_scheduler *s, const struct expected_user *want) {
    hpcsched_user_usage u;
    if (!ok(hpcsched_scheduler_user_usage(s, want->name, &u), "user_usage")) {
        return;
    }
    printf("  %-5s running=%" PRIu32 " pending=%" PRIu64 " nodes=%" PRIu32 " cpus=%" PRIu32
           " mem=%" PRIu64 "M gpus=%" PRIu64 "\n",
           want->name, u.running_jobs, u.pending_jobs, u.nodes, u.cpus, u.memory_mib, u.gpus);
    EXPECT(u.running_jobs == want->running && u.pending_jobs == want->pending);
    EXPECT(u.nodes == want->nodes && u.cpus == want->cpus);
    EXPECT(u.memory_mib == want->memory_mib && u.gpus == want->gpus);
}

/* One MaxTRESPerUser limit of a QOS, with what the user holds against it. */
struct expected_limit {
    const char *tres;
    uint64_t used, limit;
};

static void qos_limits(hpcsched_scheduler *s, const char *qos, const char *name,
                       const struct expected_limit *want, size_t want_count) {
    hpcsched_qos_usage *u = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_qos_user_usage(s, qos, name, &u), "qos_user_usage")) {
        return;
    }
    hpcsched_qos_usage_count(u, &count);
    EXPECT(count == want_count);
    printf("  %-5s under %s:", name, qos);
    for (size_t i = 0; i < count; i++) {
        const char *tres = NULL;
        uint64_t used = 0, limit = 0;
        hpcsched_qos_usage_tres(u, i, &tres);
        hpcsched_qos_usage_used(u, i, &used);
        hpcsched_qos_usage_limit(u, i, &limit);
        printf(" %s=%" PRIu64 "/%" PRIu64, tres, used, limit);
        if (i < want_count) {
            EXPECT(same(tres, want[i].tres));
            EXPECT(used == want[i].used && limit == want[i].limit);
        }
    }
    printf("\n");
    hpcsched_qos_usage_free(u);
}

/* One sacct line. A time of UNSET means sacct's "Unknown". */
#define UNSET UINT64_MAX
struct expected_record {
    uint32_t job;
    const char *name, *user, *account, *partition, *state;
    int32_t exit_code;
    uint64_t eligible, start, end, elapsed, time_limit;
    const char *nodes, *alloc_tres;
};

/* An optional time of a record: UNSET when absent (which reads 0). */
static uint64_t time_or_unset(bool has, uint64_t t) {
    EXPECT(has || t == 0);
    return has ? t : UNSET;
}

static void print_time(uint64_t t) {
    if (t == UNSET) {
        printf(" %-8s", "Unknown");
    } else {
        printf(" %-8" PRIu64, t);
    }
}

static void sacct(hpcsched_scheduler *s, uint64_t now, const struct expected_record *want,
                  size_t want_count) {
    hpcsched_records *list = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_records(s, now, &list), "hpcsched_scheduler_records")) {
        return;
    }
    hpcsched_records_count(list, &count);
    EXPECT(count == want_count);
    printf("  %-5s %-6s %-5s %-7s %-4s %-9s %-4s %-6s %-8s %-8s %-8s %-7s %-8s %s\n", "JobID",
           "Name", "User", "Account", "Part", "State", "Exit", "Submit", "Eligible", "Start",
           "End", "Elapsed", "NodeList", "AllocTRES");
    for (size_t i = 0; i < count; i++) {
        hpcsched_record r;
        if (!ok(hpcsched_records_get(list, i, &r), "hpcsched_records_get")) {
            continue;
        }
        uint64_t eligible = time_or_unset(r.has_eligible, r.eligible);
        uint64_t start = time_or_unset(r.has_start, r.start);
        uint64_t end = time_or_unset(r.has_end, r.end);

        printf("  %-5s %-6s %-5s %-7s %-4s %-9s %d:0  %-6" PRIu64, r.display_id, r.name, r.user,
               r.account ? r.account : "", r.partition, r.state, (int)r.exit_code, r.submit);
        print_time(eligible);
        print_time(start);
        print_time(end);
        printf(" %-7" PRIu64 " %-8s %s\n", r.elapsed, r.nodes, r.alloc_tres);

        if (i >= want_count) {
            continue;
        }
        const struct expected_record *w = &want[i];
        char id[16];
        snprintf(id, sizeof id, "%" PRIu32, w->job);
        EXPECT(r.job == w->job && same(r.display_id, id));
        EXPECT(same(r.name, w->name) && same(r.user, w->user));
        EXPECT(w->account ? same(r.account, w->account) : r.account == NULL);
        EXPECT(same(r.partition, w->partition) && same(r.state, w->state));
        EXPECT(r.exit_code == w->exit_code && r.submit == 0);
        EXPECT(eligible == w->eligible && start == w->start && end == w->end);
        EXPECT(time_or_unset(r.has_wait, r.wait) == (start == UNSET ? UNSET : start));
        EXPECT(r.elapsed == w->elapsed);
        EXPECT(r.has_time_limit && r.time_limit == w->time_limit);
        EXPECT(same(r.nodes, w->nodes) && same(r.alloc_tres, w->alloc_tres));
    }
    hpcsched_records_free(list);
}

/* Lookups the scheduler refuses say why and hand back nothing. */
static void refused(hpcsched_scheduler *s) {
    hpcsched_partition_usage p;
    hpcsched_user_usage u;
    hpcsched_qos_usage *q = NULL;
    hpcsched_records *r = NULL;
    hpcsched_records *none = NULL;
    hpcsched_record row;

    p.nodes = 7;
    EXPECT(hpcsched_scheduler_partition_usage(s, "nosuch", &p) ==
               HPCSCHED_RESULT_UNKNOWN_PARTITION &&
           p.nodes == 0);
    printf("partition nosuch: %s\n", hpcsched_last_error_message());
    EXPECT(same(hpcsched_last_error_message(), "invalid partition specified: nosuch"));
    EXPECT(hpcsched_scheduler_qos_user_usage(s, "nosuch", "bob", &q) ==
               HPCSCHED_RESULT_UNKNOWN_QOS &&
           q == NULL);
    printf("qos nosuch: %s\n", hpcsched_last_error_message());
    EXPECT(same(hpcsched_last_error_message(), "Invalid qos specification: nosuch"));
    EXPECT(hpcsched_scheduler_records(NULL, 0, &r) == HPCSCHED_RESULT_NULL_ARGUMENT && r == NULL);
    EXPECT(hpcsched_scheduler_user_usage(s, NULL, &u) == HPCSCHED_RESULT_NULL_ARGUMENT);
    EXPECT(hpcsched_scheduler_user_usage(s, "bob", NULL) == HPCSCHED_RESULT_NULL_ARGUMENT);
    EXPECT(hpcsched_records_count(none, NULL) == HPCSCHED_RESULT_NULL_ARGUMENT);

    if (ok(hpcsched_scheduler_records(s, 0, &r), "records")) {
        row.has_start = true;
        EXPECT(hpcsched_records_get(r, 99, &row) == HPCSCHED_RESULT_OUT_OF_RANGE &&
               row.state == NULL && !row.has_start);
        EXPECT(same(hpcsched_last_error_message(), "record index 99 out of range (list has 5)"));
    }
    hpcsched_records_free(r);
}

int main(void) {
    hpcsched_cluster *cluster = NULL;
    hpcsched_scheduler *s = NULL;

    if (!ok(hpcsched_cluster_from_slurm_conf(SLURM_CONF, &cluster), "cluster") ||
        !ok(hpcsched_cluster_add_qos(cluster, QOS), "add_qos") ||
        !ok(hpcsched_scheduler_new(cluster, NULL, &s), "hpcsched_scheduler_new")) {
        hpcsched_cluster_free(cluster);
        return 1;
    }
    hpcsched_cluster_free(cluster);

    const char *const build[] = {"-J", "build", "-n", "4", "--mem=4G", "-t", "10"};
    const char *const train[] = {"-J",      "train",    "-p", "gpu",     "-q", "gpu2",
                                 "-A",      "physics",  "-c", "4",       "--mem=8G",
                                 "--gres=gpu:a100:2", "-t", "60"};
    const char *const big[] = {"-J", "big", "-N", "2", "--exclusive", "-t", "30"};
    const char *const tune[] = {"-J",      "tune",         "-p",       "gpu", "-A",
                                "physics", "--gres=gpu:1", "--mem=1G", "-t",  "20"};
    const char *const report[] = {"-J", "report", "-d", "afterok:4", "--mem=100M", "-t", "5"};
    uint32_t j1 = submit(s, build, sizeof build / sizeof *build, "alice");
    uint32_t j2 = submit(s, train, sizeof train / sizeof *train, "bob");
    uint32_t j3 = submit(s, big, sizeof big / sizeof *big, "alice");
    uint32_t j4 = submit(s, tune, sizeof tune / sizeof *tune, "bob");
    uint32_t j5 = submit(s, report, sizeof report / sizeof *report, "carol");
    EXPECT(j1 == 1 && j2 == 2 && j3 == 3 && j4 == 4 && j5 == 5);

    /* t=0: build, train and tune start; big waits for c1, report for tune. */
    schedule(s, 0, 3);
    const struct expected_partition cpu0 = {"cpu", 2, 1, 1, 0, 0, 16, 4, 0, 0};
    const struct expected_partition gpu0 = {"gpu", 1, 0, 1, 0, 0, 16, 5, 4, 3};
    partition(s, &cpu0);
    partition(s, &gpu0);
    const struct expected_user alice0 = {"alice", 1, 1, 1, 4, 4096, 0};
    /* Both of bob's jobs run on g1: TRES node counts it once per job. */
    const struct expected_user bob0 = {"bob", 2, 0, 2, 5, 9216, 3};
    const struct expected_user nobody = {"dave", 0, 0, 0, 0, 0, 0};
    user(s, &alice0);
    user(s, &bob0);
    user(s, &nobody);
    /* Only train runs under gpu2; the limits come in the order they were written. */
    const struct expected_limit bob_gpu2_0[] = {{"gres/gpu", 2, 2}, {"cpu", 4, 8}};
    qos_limits(s, "gpu2", "bob", bob_gpu2_0, 2);
    qos_limits(s, "normal", "bob", NULL, 0);
    refused(s);

    /* build completes: big gets both cpu nodes. */
    ok(hpcsched_scheduler_job_finished(s, j1, 300, 0), "finish build");
    schedule(s, 300, 1);
    const struct expected_partition cpu300 = {"cpu", 2, 0, 0, 2, 0, 16, 16, 0, 0};
    partition(s, &cpu300);

    /* train fails: bob holds nothing under gpu2 any more. */
    ok(hpcsched_scheduler_job_finished(s, j2, 600, 3), "finish train");
    schedule(s, 600, 0);
    const struct expected_limit bob_gpu2_600[] = {{"gres/gpu", 0, 2}, {"cpu", 0, 8}};
    qos_limits(s, "gpu2", "bob", bob_gpu2_600, 2);

    /* big is cancelled; c2 is drained. */
    ok(hpcsched_scheduler_cancel(s, j3, 900), "cancel big");
    ok(hpcsched_scheduler_drain_node(s, "c2", "bad disk"), "drain c2");
    const struct expected_partition cpu900 = {"cpu", 2, 1, 0, 0, 1, 16, 0, 0, 0};
    partition(s, &cpu900);
    const struct expected_user alice900 = {"alice", 0, 0, 0, 0, 0, 0};
    const struct expected_user carol900 = {"carol", 0, 1, 0, 0, 0, 0};
    user(s, &alice900);
    user(s, &carol900);

    const struct expected_record at1000[] = {
        {j1, "build", "alice", NULL, "cpu", "COMPLETED", 0, 0, 0, 300, 300, 600, "c1",
         "cpu=4,mem=4096M,node=1"},
        {j2, "train", "bob", "physics", "gpu", "FAILED", 3, 0, 0, 600, 600, 3600, "g1",
         "cpu=4,mem=8192M,node=1,gres/gpu=2"},
        {j3, "big", "alice", NULL, "cpu", "CANCELLED", 0, 0, 300, 900, 600, 1800, "c[1-2]",
         "cpu=16,mem=32000M,node=2"},
        {j4, "tune", "bob", "physics", "gpu", "RUNNING", 0, 0, 0, UNSET, 1000, 1200, "g1",
         "cpu=1,mem=1024M,node=1,gres/gpu=1"},
        {j5, "report", "carol", NULL, "cpu", "PENDING", 0, UNSET, UNSET, UNSET, 0, 300, "", ""},
    };
    sacct(s, 1000, at1000, 5);

    hpcsched_scheduler_free(s);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
