/*
 * scheduler.c: driving the hpcsched scheduler from C.
 *
 * The classic backfill picture on four exclusive nodes, all jobs submitted at t=0:
 *   A  3 nodes, 60 min   starts now on n1-n3
 *   B  4 nodes, 60 min   must wait for A: planned at t=3600 on all four nodes
 *   C  1 node,  30 min   backfills now on n4 (it ends before B's planned start)
 *   D  1 node, 120 min   would delay B, so it waits: planned at t=7200, after B
 * The host (this program) owns the clock: it reports jobs finishing and calls
 * hpcsched_scheduler_schedule again, printing decisions and estimates as squeue --start
 * would. Every handle is released.
 *
 * It is also a test: it exits non-zero if any decision or estimate differs.
 *
 *   cc -std=c11 -Iinclude examples/c/scheduler.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o scheduler && ./scheduler
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

static const char SLURM_CONF[] =
    "NodeName=n[1-4] CPUs=16 RealMemory=64000\n"
    "PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE\n";

/* What a START decision should look like. */
struct expected_start {
    uint32_t job;
    const char *nodes; /* node names joined by ',' */
};

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

/* Runs a pass at `now`, prints it, and checks it holds exactly the expected starts. */
static void schedule(hpcsched_scheduler *s, uint64_t now, const struct expected_start *want,
                     size_t want_count) {
    hpcsched_decisions *decisions = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_schedule(s, now, &decisions), "hpcsched_scheduler_schedule")) {
        return;
    }
    ok(hpcsched_decisions_count(decisions, &count), "hpcsched_decisions_count");
    printf("t=%-5" PRIu64 " schedule: %zu decision(s)\n", now, count);
    EXPECT(count == want_count);
    for (size_t i = 0; i < count; i++) {
        hpcsched_decision_kind kind = HPCSCHED_DECISION_KIND_OTHER;
        uint32_t job = 0;
        const char *partition = NULL;
        size_t node_count = 0;
        char nodes[256] = "";
        hpcsched_decisions_kind(decisions, i, &kind);
        hpcsched_decisions_job(decisions, i, &job);
        hpcsched_decisions_partition(decisions, i, &partition);
        hpcsched_decisions_node_count(decisions, i, &node_count);
        for (size_t n = 0; n < node_count; n++) {
            const char *name = NULL;
            uint32_t cpus = 0;
            uint64_t mib = 0;
            size_t gres = 0;
            if (ok(hpcsched_decisions_node(decisions, i, n, &name, &cpus, &mib, &gres),
                   "hpcsched_decisions_node")) {
                /* Exclusive partition: every job gets whole nodes. */
                EXPECT(cpus == 16 && mib == 64000 && gres == 0);
                if (n > 0) {
                    strncat(nodes, ",", sizeof nodes - strlen(nodes) - 1);
                }
                strncat(nodes, name, sizeof nodes - strlen(nodes) - 1);
            }
        }
        if (kind == HPCSCHED_DECISION_KIND_START) {
            printf("  START job %" PRIu32 " in %s on %s\n", job, partition, nodes);
        } else {
            const char *state = NULL;
            hpcsched_decisions_state(decisions, i, &state);
            printf("  %s job %" PRIu32 " (%s)\n",
                   kind == HPCSCHED_DECISION_KIND_STOP ? "STOP" : "END", job,
                   state ? state : "?");
        }
        if (i < want_count) {
            EXPECT(kind == HPCSCHED_DECISION_KIND_START);
            EXPECT(job == want[i].job);
            EXPECT(partition != NULL && strcmp(partition, "batch") == 0);
            EXPECT(strcmp(nodes, want[i].nodes) == 0);
        }
    }
    hpcsched_decisions_free(decisions);
}

/* What an estimate should say. */
struct expected_estimate {
    uint32_t job;
    uint64_t start;
    size_t nodes;
    const char *reason;
};

static void estimates(hpcsched_scheduler *s, const struct expected_estimate *want,
                      size_t want_count) {
    hpcsched_estimates *list = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_estimates(s, &list), "hpcsched_scheduler_estimates")) {
        return;
    }
    hpcsched_estimates_count(list, &count);
    EXPECT(count == want_count);
    printf("  %-6s %-9s %-10s %-6s %s\n", "JOBID", "PARTITION", "START_TIME", "NODES",
           "REASON");
    for (size_t i = 0; i < count; i++) {
        uint32_t job = 0;
        const char *display_id = NULL;
        const char *partition = NULL;
        const char *reason = NULL;
        uint64_t start = 0;
        bool has_start = false;
        size_t nodes = 0;
        hpcsched_estimates_job(list, i, &job);
        hpcsched_estimates_display_id(list, i, &display_id);
        hpcsched_estimates_partition(list, i, &partition);
        hpcsched_estimates_start(list, i, &start, &has_start);
        hpcsched_estimates_node_count(list, i, &nodes);
        hpcsched_estimates_reason(list, i, &reason);
        if (has_start) {
            printf("  %-6s %-9s %-10" PRIu64 " %-6zu %s\n", display_id, partition, start, nodes,
                   reason ? reason : "None");
        } else {
            printf("  %-6s %-9s %-10s %-6zu %s\n", display_id, partition, "N/A", nodes,
                   reason ? reason : "None");
        }
        if (i < want_count) {
            EXPECT(job == want[i].job);
            EXPECT(has_start && start == want[i].start);
            EXPECT(nodes == want[i].nodes);
            EXPECT(reason != NULL && strcmp(reason, want[i].reason) == 0);
        }
    }
    hpcsched_estimates_free(list);

    /* The same pending jobs in the queue view (squeue --start), after the running ones. */
    hpcsched_queue *queue = NULL;
    if (!ok(hpcsched_scheduler_queue(s, &queue), "hpcsched_scheduler_queue")) {
        return;
    }
    size_t rows = 0, pending = 0;
    hpcsched_queue_count(queue, &rows);
    for (size_t i = 0; i < rows; i++) {
        hpcsched_queue_row row;
        EXPECT(hpcsched_queue_get(queue, i, &row) == HPCSCHED_RESULT_OK);
        if (strcmp(row.state, "PENDING") != 0) {
            EXPECT(pending == 0 && row.nodelist != NULL && row.reason == NULL);
            continue;
        }
        EXPECT(strcmp(row.state_code, "PD") == 0 && row.nodelist == NULL);
        if (pending < want_count) {
            EXPECT(row.job == want[pending].job);
            EXPECT(row.has_start_time && row.start_time == want[pending].start);
            EXPECT(row.reason != NULL && strcmp(row.reason, want[pending].reason) == 0);
        }
        pending++;
    }
    EXPECT(pending == count);
    hpcsched_queue_row none;
    EXPECT(hpcsched_queue_get(queue, rows, &none) == HPCSCHED_RESULT_OUT_OF_RANGE &&
           none.job_id == NULL);
    hpcsched_queue_free(queue);
}

/* Prints one line per job, sacct-style, and checks every job completed. */
static void accounting(hpcsched_scheduler *s) {
    hpcsched_job_ids *ids = NULL;
    size_t count = 0;
    if (!ok(hpcsched_scheduler_jobs(s, &ids), "hpcsched_scheduler_jobs")) {
        return;
    }
    hpcsched_job_ids_count(ids, &count);
    EXPECT(count == 4);
    printf("  %-6s %-4s %-6s %-10s %-6s %-6s %s\n", "JOBID", "NAME", "USER", "STATE", "START",
           "END", "EXIT");
    for (size_t i = 0; i < count; i++) {
        uint32_t id = 0;
        hpcsched_job *job = NULL;
        hpcsched_job_ids_get(ids, i, &id);
        if (!ok(hpcsched_scheduler_job(s, id, &job), "hpcsched_scheduler_job")) {
            continue;
        }
        const char *name = NULL, *user = NULL, *state = NULL;
        uint64_t start = 0, end = 0;
        bool has_start = false, has_end = false, has_exit = false;
        int32_t exit_code = -1;
        hpcsched_job_name(job, &name);
        hpcsched_job_user(job, &user);
        hpcsched_job_state(job, &state);
        hpcsched_job_start_time(job, &start, &has_start);
        hpcsched_job_end_time(job, &end, &has_end);
        hpcsched_job_exit_code(job, &exit_code, &has_exit);
        printf("  %-6" PRIu32 " %-4s %-6s %-10s %-6" PRIu64 " %-6" PRIu64 " %" PRId32 "\n", id,
               name, user, state, start, end, exit_code);
        EXPECT(strcmp(state, "COMPLETED") == 0);
        EXPECT(has_start && has_end && has_exit && exit_code == 0);
        hpcsched_job_free(job);
    }
    hpcsched_job_ids_free(ids);
}

int main(void) {
    hpcsched_cluster *cluster = NULL;
    hpcsched_scheduler *s = NULL;

    if (!ok(hpcsched_cluster_from_slurm_conf(SLURM_CONF, &cluster), "cluster")) {
        return 1;
    }
    /* NULL policy: Slurm's main pass + backfill, as this slurm.conf configures it. The
     * scheduler keeps its own copy of the cluster, so the handle can go right away. */
    if (!ok(hpcsched_scheduler_new(cluster, NULL, &s), "hpcsched_scheduler_new")) {
        hpcsched_cluster_free(cluster);
        return 1;
    }
    hpcsched_cluster_free(cluster);

    const char *const a_args[] = {"-J", "A", "-N", "3", "-t", "60"};
    const char *const b_args[] = {"-J", "B", "-N", "4", "-t", "60"};
    const char *const c_args[] = {"-J", "C", "-N", "1", "-t", "30"};
    const char *const d_args[] = {"-J", "D", "-N", "1", "-t", "120"};
    uint32_t a = submit(s, a_args, 6, "alice");
    uint32_t b = submit(s, b_args, 6, "bob");
    uint32_t c = submit(s, c_args, 6, "carol");
    uint32_t d = submit(s, d_args, 6, "dave");
    printf("submitted A=%" PRIu32 " B=%" PRIu32 " C=%" PRIu32 " D=%" PRIu32 "\n", a, b, c, d);
    EXPECT(a == 1 && b == 2 && c == 3 && d == 4);

    /* t=0: A starts, C backfills on the fourth node; B and D are planned. */
    const struct expected_start at0[] = {{a, "n1,n2,n3"}, {c, "n4"}};
    schedule(s, 0, at0, 2);
    const struct expected_estimate est0[] = {{b, 3600, 4, "Resources"},
                                               {d, 7200, 1, "Priority"}};
    estimates(s, est0, 2);

    uint64_t next = 0;
    bool has_next = false;
    ok(hpcsched_scheduler_next_event_time(s, 0, &next, &has_next), "next_event_time");
    printf("call back at the latest at t=%" PRIu64 " (bf_interval)\n", next);
    EXPECT(has_next && next == 30);

    /* Events the scheduler refuses change nothing and say why. */
    EXPECT(hpcsched_scheduler_job_finished(s, 99, 0, 0) == HPCSCHED_RESULT_UNKNOWN_JOB);
    EXPECT(hpcsched_scheduler_job_finished(s, b, 0, 0) == HPCSCHED_RESULT_WRONG_STATE);
    printf("finishing pending B: %s\n", hpcsched_last_error_message());
    EXPECT(hpcsched_scheduler_drain_node(s, "n9", "bad disk") == HPCSCHED_RESULT_UNKNOWN_NODE);

    /* C ends after its 30 minutes; D still does not fit before B's reservation. */
    ok(hpcsched_scheduler_job_finished(s, c, 1800, 0), "finish C");
    schedule(s, 1800, NULL, 0);
    /* A ends: B gets all four nodes. */
    ok(hpcsched_scheduler_job_finished(s, a, 3600, 0), "finish A");
    const struct expected_start at3600[] = {{b, "n1,n2,n3,n4"}};
    schedule(s, 3600, at3600, 1);
    const struct expected_estimate est3600[] = {{d, 7200, 1, "Resources"}};
    estimates(s, est3600, 1);
    /* B ends: D starts, exactly when it was planned. */
    ok(hpcsched_scheduler_job_finished(s, b, 7200, 0), "finish B");
    const struct expected_start at7200[] = {{d, "n1"}};
    schedule(s, 7200, at7200, 1);
    ok(hpcsched_scheduler_job_finished(s, d, 14400, 0), "finish D");
    schedule(s, 14400, NULL, 0);
    estimates(s, NULL, 0);

    /* Every node is available again: nothing allocated on it. */
    const char *const nodes[] = {"n1", "n2", "n3", "n4"};
    for (size_t i = 0; i < 4; i++) {
        uint32_t cpus = 0;
        uint64_t mib = 0;
        ok(hpcsched_scheduler_node_available(s, nodes[i], &cpus, &mib), "node_available");
        EXPECT(cpus == 16 && mib == 64000);
    }
    accounting(s);

    /* An administrator's hold (scontrol hold as root): JobHeldAdmin, no start. */
    const char *const e_args[] = {"-J", "E", "-N", "1", "-t", "10"};
    uint32_t e = submit(s, e_args, 6, "erin");
    ok(hpcsched_scheduler_hold_admin(s, e), "hold_admin E");
    schedule(s, 14400, NULL, 0);
    hpcsched_job *held = NULL;
    if (ok(hpcsched_scheduler_job(s, e, &held), "hpcsched_scheduler_job")) {
        const char *reason = NULL, *hold = NULL;
        hpcsched_job_reason(held, &reason);
        hpcsched_job_hold(held, &hold);
        printf("E held: hold=%s reason=%s\n", hold, reason);
        EXPECT(hold != NULL && strcmp(hold, "admin") == 0);
        EXPECT(reason != NULL && strcmp(reason, "JobHeldAdmin") == 0);
        hpcsched_job_free(held);
    }
    ok(hpcsched_scheduler_release(s, e), "release E");
    const struct expected_start released[] = {{e, "n1"}};
    schedule(s, 14401, released, 1);

    /* scontrol update PartitionName=batch State=DOWN: the queue waits with PartitionDown;
     * an unknown partition or state is refused and changes nothing. */
    ok(hpcsched_scheduler_set_partition_state(s, "batch", "DOWN"), "batch DOWN");
    EXPECT(hpcsched_scheduler_set_partition_state(s, "nope", "DOWN") ==
           HPCSCHED_RESULT_UNKNOWN_PARTITION);
    EXPECT(hpcsched_scheduler_set_partition_state(s, "batch", "closed") ==
           HPCSCHED_RESULT_PARSE_ERROR);
    printf("bad state: %s\n", hpcsched_last_error_message());
    const char *const f_args[] = {"-J", "F", "-N", "1", "-t", "10"};
    uint32_t f = submit(s, f_args, 6, "frank");
    schedule(s, 14402, NULL, 0);
    hpcsched_job *down = NULL;
    if (ok(hpcsched_scheduler_job(s, f, &down), "hpcsched_scheduler_job")) {
        const char *reason = NULL;
        hpcsched_job_reason(down, &reason);
        EXPECT(reason != NULL && strcmp(reason, "PartitionDown") == 0);
        hpcsched_job_free(down);
    }
    ok(hpcsched_scheduler_set_partition_state(s, "batch", "UP"), "batch UP");
    const struct expected_start back_up[] = {{f, "n2"}};
    schedule(s, 14403, back_up, 1);

    /* A job whose --nodelist names a drained node: squeue prints the description. */
    ok(hpcsched_scheduler_drain_node(s, "n3", "disk"), "drain n3");
    const char *const g_args[] = {"-J", "G", "-w", "n3", "-t", "10"};
    uint32_t g = submit(s, g_args, 6, "gina");
    schedule(s, 14404, NULL, 0);
    hpcsched_estimates *est = NULL;
    bool seen = false;
    if (ok(hpcsched_scheduler_estimates(s, &est), "hpcsched_scheduler_estimates")) {
        size_t n = 0;
        hpcsched_estimates_count(est, &n);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = 0;
            const char *reason = NULL, *description = NULL;
            hpcsched_estimates_job(est, i, &id);
            if (id != g) {
                continue;
            }
            seen = true;
            hpcsched_estimates_reason(est, i, &reason);
            hpcsched_estimates_description(est, i, &description);
            printf("G waits: %s (squeue: %s)\n", reason, description);
            EXPECT(reason != NULL && strcmp(reason, "ReqNodeNotAvail") == 0);
            EXPECT(description != NULL &&
                   strcmp(description, "ReqNodeNotAvail, UnavailableNodes:n3") == 0);
        }
        EXPECT(seen);
        hpcsched_estimates_free(est);
    }
    hpcsched_scheduler_free(s);

    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
