/*
 * limits.c: a shared cluster's policy from C: accounts and users (a sacctmgr script), a
 * per-user GPU cap, the "my usage" view of every limit, sbatch's refusals, and the
 * fair-share views (sprio -l, sshare -a).
 *
 * 1. Four nodes of two GPUs behind the partition QOS gpu4 (MaxTRESPerUser=gres/gpu=4);
 *    alice and bob are users of account lab (GrpJobs=20). alice submits five one-GPU jobs
 *    and bob one: four of alice's start with bob's, her fifth waits QOSMaxGRESPerUser, and
 *    her limits read "Using 4/4 GPUs". carol has no association: sbatch refuses her job.
 *    The tree is written as `sacctmgr dump` does and read back.
 * 2. One 4-CPU node under priority/multifactor with PriorityWeightFairshare=10000: alice
 *    has used the node for ten minutes, bob never, so bob's job, submitted after
 *    alice's, ranks first (sprio: 10000 against 3333) and starts first; sshare shows
 *    their usage.
 *
 * It is also a test: it exits non-zero if any value differs. Every handle is released.
 *
 *   cc -std=c11 -Iinclude examples/c/limits.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o limits && ./limits
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

/* Counts a failure, with the library's message, on a call that must not fail. */
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

static const char GPU_CONF[] =
    "SelectType=select/cons_tres\n"
    "DefMemPerCPU=100\n"
    "NodeName=g[1-4] CPUs=8 RealMemory=64000 Gres=gpu:2\n"
    "PartitionName=gpu Nodes=g[1-4] Default=YES QOS=gpu4\n";

static const char ACCOUNTS[] =
    "sacctmgr -i add cluster shared\n"
    "sacctmgr -i add qos gpu4 MaxTRESPerUser=gres/gpu=4\n"
    "sacctmgr -i add account lab Fairshare=10 GrpJobs=20\n"
    "sacctmgr -i add user alice,bob Account=lab\n";

static const char FAIR_CONF[] =
    "SelectType=select/cons_tres\n"
    "PriorityType=priority/multifactor\n"
    "PriorityWeightFairshare=10000\n"
    "PriorityWeightAge=0\n"
    "PriorityCalcPeriod=1\n"
    "PriorityDecayHalfLife=1-0\n"
    "NodeName=n1 CPUs=4 RealMemory=4000\n"
    "PartitionName=p Nodes=n1 Default=YES\n";

/* Submits `script` for `user` at `now`; returns the result and stores the id. */
static hpcsched_result submit(hpcsched_scheduler *s, const char *script, const char *user,
                              uint64_t now, uint32_t *id) {
    hpcsched_request *request = NULL;
    hpcsched_result r = hpcsched_request_from_script(script, &request);
    if (r == HPCSCHED_RESULT_OK) {
        r = hpcsched_scheduler_submit(s, request, user, now, id);
    }
    hpcsched_request_free(request);
    return r;
}

/* Runs a pass at `now`; returns how many jobs it starts. */
static size_t schedule(hpcsched_scheduler *s, uint64_t now) {
    hpcsched_decisions *d = NULL;
    size_t n = 0;
    if (ok(hpcsched_scheduler_schedule(s, now, &d), "hpcsched_scheduler_schedule")) {
        ok(hpcsched_decisions_count(d, &n), "hpcsched_decisions_count");
    }
    hpcsched_decisions_free(d);
    return n;
}

/* Prints a user's limits, one line each ("qos gpu4, per user: gres/gpu 4/4"), and
 * returns the used and limit values of the first. */
static void print_limits(const hpcsched_scheduler *s, const char *user, uint64_t *used,
                         uint64_t *limit) {
    hpcsched_limits *list = NULL;
    size_t n = 0;
    *used = *limit = 0;
    if (!ok(hpcsched_scheduler_user_limits(s, user, &list), "hpcsched_scheduler_user_limits")) {
        return;
    }
    hpcsched_limits_count(list, &n);
    printf("limits of %s:\n", user);
    for (size_t i = 0; i < n; i++) {
        hpcsched_limit_row row;
        if (!ok(hpcsched_limits_get(list, i, &row), "hpcsched_limits_get")) {
            break;
        }
        if (same(row.owner, "qos")) {
            printf("  qos %s", row.qos);
        } else {
            printf("  account %s%s%s", row.account, row.user != NULL ? " user " : "",
                   row.user != NULL ? row.user : "");
        }
        printf(", counting %s%s%s: %s %" PRIu64 "/%" PRIu64 "\n", row.counts,
               row.counts_account != NULL ? " " : "",
               row.counts_account != NULL ? row.counts_account : "",
               row.tres != NULL ? row.tres : row.of, row.used, row.limit);
        if (i == 0) {
            *used = row.used;
            *limit = row.limit;
            EXPECT(same(row.owner, "qos") && same(row.qos, "gpu4"));
            EXPECT(same(row.counts, "user") && row.counts_account == NULL);
            EXPECT(same(row.of, "tres") && same(row.tres, "gres/gpu"));
        }
    }
    hpcsched_limits_free(list);
}

/* The reason job `id` waits, copied to `out`. */
static void reason(const hpcsched_scheduler *s, uint32_t id, char *out, size_t size) {
    hpcsched_job *job = NULL;
    const char *r = NULL;
    out[0] = '\0';
    if (ok(hpcsched_scheduler_job(s, id, &job), "hpcsched_scheduler_job") &&
        ok(hpcsched_job_reason(job, &r), "hpcsched_job_reason") && r != NULL) {
        snprintf(out, size, "%s", r);
    }
    hpcsched_job_free(job);
}

static void gpu_cap(void) {
    puts("== a per-user GPU cap on a shared cluster");
    hpcsched_cluster *cluster = NULL;
    hpcsched_scheduler *s = NULL;
    if (!ok(hpcsched_cluster_from_slurm_conf(GPU_CONF, &cluster), "slurm.conf")) {
        return;
    }
    /* A script that names an unknown account changes nothing, and says where. */
    EXPECT(hpcsched_cluster_add_sacctmgr(cluster, "add cluster shared\nadd user frank Account=nope\n") ==
           HPCSCHED_RESULT_PARSE_ERROR);
    EXPECT(hpcsched_last_error_line() == 2);
    EXPECT(same(hpcsched_last_error_message(), "line 2: This account 'nope' doesn't exist."));
    ok(hpcsched_cluster_add_sacctmgr(cluster, ACCOUNTS), "hpcsched_cluster_add_sacctmgr");

    /* The tree as sacctmgr dump writes it reads back the same. */
    char *dump = NULL, *again = NULL;
    hpcsched_cluster *copy = NULL;
    ok(hpcsched_cluster_dump_accounts(cluster, &dump), "hpcsched_cluster_dump_accounts");
    EXPECT(dump != NULL && strstr(dump, "User - 'alice'") != NULL);
    if (dump != NULL && ok(hpcsched_cluster_from_slurm_conf(GPU_CONF, &copy), "slurm.conf") &&
        ok(hpcsched_cluster_add_qos(copy, "add qos gpu4 MaxTRESPerUser=gres/gpu=4\n"), "qos") &&
        ok(hpcsched_cluster_load_sacctmgr_dump(copy, dump), "hpcsched_cluster_load_sacctmgr_dump")) {
        ok(hpcsched_cluster_dump_accounts(copy, &again), "hpcsched_cluster_dump_accounts");
        EXPECT(same(dump, again));
    }
    hpcsched_string_free(again);
    hpcsched_string_free(dump);
    hpcsched_cluster_free(copy);

    ok(hpcsched_scheduler_new(cluster, NULL, &s), "hpcsched_scheduler_new");
    hpcsched_cluster_free(cluster);
    if (s == NULL) {
        return;
    }
    const char *one_gpu = "#!/bin/sh\n#SBATCH --gres=gpu:1 -t 60\nsrun train\n";
    uint32_t alice[5] = {0}, bob = 0, carol = 7;
    for (int i = 0; i < 5; i++) {
        ok(submit(s, one_gpu, "alice", 0, &alice[i]), "submit alice");
    }
    ok(submit(s, one_gpu, "bob", 0, &bob), "submit bob");
    EXPECT(schedule(s, 0) == 5);

    char why[64];
    reason(s, alice[4], why, sizeof why);
    printf("alice's fifth job waits: %s\n", why);
    EXPECT(same(why, "QOSMaxGRESPerUser"));
    uint64_t used = 0, limit = 0;
    print_limits(s, "alice", &used, &limit);
    printf("alice: Using %" PRIu64 "/%" PRIu64 " GPUs\n", used, limit);
    EXPECT(used == 4 && limit == 4);
    print_limits(s, "bob", &used, &limit);
    EXPECT(used == 1 && limit == 4);

    /* No association for carol: sbatch refuses her job, as it refuses any other. */
    EXPECT(submit(s, one_gpu, "carol", 10, &carol) == HPCSCHED_RESULT_REJECTED);
    EXPECT(carol == 0);
    printf("carol: %s\n", hpcsched_last_error_message());
    EXPECT(same(hpcsched_last_error_message(),
                "Invalid account or account/partition combination specified"));

    /* One of alice's jobs ends: her fifth starts. */
    ok(hpcsched_scheduler_job_finished(s, alice[0], 60, 0), "job_finished");
    EXPECT(schedule(s, 60) == 1);
    print_limits(s, "alice", &used, &limit);
    EXPECT(used == 4 && limit == 4);
    hpcsched_scheduler_free(s);
}

static void fair_share(void) {
    puts("== fair-share puts the light user first");
    hpcsched_cluster *cluster = NULL;
    hpcsched_scheduler *s = NULL;
    if (!ok(hpcsched_cluster_from_slurm_conf(FAIR_CONF, &cluster), "slurm.conf")) {
        return;
    }
    ok(hpcsched_scheduler_new(cluster, NULL, &s), "hpcsched_scheduler_new");
    hpcsched_cluster_free(cluster);
    if (s == NULL) {
        return;
    }
    const char *four = "#!/bin/sh\n#SBATCH -n4 -t 60\nsrun work\n";
    uint32_t used = 0, later = 0, blocker = 0, a = 0, b = 0;
    ok(submit(s, four, "alice", 0, &used), "submit");
    /* bob is known: his first job waits for its begin time. */
    ok(submit(s, "#!/bin/sh\n#SBATCH -n4 -t 60 --begin=now+3600\nsrun x\n", "bob", 0, &later),
       "submit");
    EXPECT(schedule(s, 0) == 1);
    ok(hpcsched_scheduler_job_finished(s, used, 600, 0), "job_finished");
    ok(submit(s, four, "carol", 600, &blocker), "submit");
    EXPECT(schedule(s, 600) == 1);
    ok(submit(s, four, "alice", 610, &a), "submit");
    ok(submit(s, four, "bob", 620, &b), "submit");
    schedule(s, 660);

    hpcsched_priorities *prio = NULL;
    size_t n = 0;
    if (ok(hpcsched_scheduler_priorities(s, &prio), "hpcsched_scheduler_priorities")) {
        hpcsched_priorities_count(prio, &n);
        EXPECT(n == 3);
        puts("JOBID USER      PRIORITY FAIRSHARE");
        for (size_t i = 0; i < n; i++) {
            hpcsched_priority_row row;
            if (!ok(hpcsched_priorities_get(prio, i, &row), "hpcsched_priorities_get")) {
                break;
            }
            printf("%5" PRIu32 " %-9s %8" PRIu32 " %9" PRIu64 "\n", row.job, row.user,
                   row.priority, row.fairshare);
            if (row.job == a) {
                EXPECT(row.priority == 3333 && row.fairshare == 3333 && same(row.user, "alice"));
            }
            if (row.job == b) {
                EXPECT(row.priority == 10000 && row.fairshare_factor == 1.0);
            }
        }
    }
    hpcsched_priorities_free(prio);

    ok(hpcsched_scheduler_job_finished(s, blocker, 700, 0), "job_finished");
    hpcsched_decisions *d = NULL;
    uint32_t first = 0;
    if (ok(hpcsched_scheduler_schedule(s, 700, &d), "schedule")) {
        size_t count = 0;
        hpcsched_decisions_count(d, &count);
        EXPECT(count == 1);
        hpcsched_decisions_job(d, 0, &first);
    }
    hpcsched_decisions_free(d);
    printf("the node frees at 700: job %" PRIu32 " (bob's) starts\n", first);
    EXPECT(first == b);

    hpcsched_shares *shares = NULL;
    if (ok(hpcsched_scheduler_shares(s, &shares), "hpcsched_scheduler_shares")) {
        hpcsched_shares_count(shares, &n);
        EXPECT(n == 4);
        uint64_t usage[4] = {0};
        puts("Account    User   RawUsage  FairShare");
        for (size_t i = 0; i < n && i < 4; i++) {
            hpcsched_share_row row;
            if (!ok(hpcsched_shares_get(shares, i, &row), "hpcsched_shares_get")) {
                break;
            }
            usage[i] = row.raw_usage;
            printf("%*s%-*s %-6s %8" PRIu64, (int)row.depth, "", 10 - (int)row.depth,
                   row.account, row.user != NULL ? row.user : "", row.raw_usage);
            if (row.has_fair_share) {
                printf("  %f", row.fair_share);
            }
            putchar('\n');
        }
        EXPECT(usage[1] > usage[3] && usage[2] == 0);
    }
    hpcsched_shares_free(shares);
    hpcsched_scheduler_free(s);
}

int main(void) {
    gpu_cap();
    fair_share();
    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    puts("all checks passed");
    return 0;
}
