/*
 * replay.c: replaying a workload through the hpcsched replay engine from C.
 *
 * Without arguments (run from the repository's root, as scripts/test.sh does) it replays
 * the bundled job list examples/workloads/inserm-morning.jobs on
 * examples/clusters/inserm.conf under EASY backfill, then the first 200 jobs of the
 * bundled RICC trace on the machine its SWF header describes, prints each summary and
 * the first records as CSV, shows two errors, and checks what it prints. It exits
 * non-zero if a check fails.
 *
 * With --csv it prints every record of one replay as CSV, exactly as
 * `hpcsched simulate --records out.csv` writes them (the columns of
 * hpcsched_record_column, empty fields for absent values, RFC 4180 quoting), so the two
 * can be compared byte for byte:
 *
 *   replay --csv WORKLOAD [--cluster SLURM_CONF [--accounts FILE]] [--policy P]
 *          [--first N] [--stop-at SECONDS] [--whole-nodes] [--allow-overrun] [--json OUT]
 *
 * and with --json OUT it also writes the replay's outcome (hpcsched_replay_json) to OUT.
 * --accounts adds a sacctmgr script or a `sacctmgr dump` file to the cluster
 * (hpcsched_cluster_add_accounts, which tells them apart as `simulate --accounts` does)
 * before the replay copies it.
 *
 *   cc -std=c11 -Iinclude examples/c/replay.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o replay && ./replay
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The fields of hpcsched_record this program prints, one per record column. */
#define COLUMNS 19

/* Reads a whole file into a NUL-terminated string the caller frees, or NULL. */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *text = (char *)malloc(cap);
    size_t n;
    while (text != NULL && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *bigger = (char *)realloc(text, cap * 2);
            if (bigger == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (text != NULL) {
        text[len] = '\0';
    }
    return text;
}

/* A cluster from a slurm.conf file, or NULL (the error printed). */
static hpcsched_cluster *load_cluster(const char *path) {
    char *conf = read_file(path);
    hpcsched_cluster *cluster = NULL;
    if (conf != NULL && hpcsched_cluster_from_slurm_conf(conf, &cluster) != HPCSCHED_RESULT_OK) {
        fprintf(stderr, "%s:%zu: %s\n", path, hpcsched_last_error_line(),
                hpcsched_last_error_message());
    }
    free(conf);
    return cluster;
}

/* One CSV field as RFC 4180 wants it: quoted when it has a comma, a quote, CR or LF. */
static void csv_text(const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s != '\0'; s++) {
        if (*s == '"') {
            putchar('"');
        }
        putchar(*s);
    }
    putchar('"');
}

/* A number, or the empty field when it does not apply. */
static void csv_opt(bool has, uint64_t v) {
    if (has) {
        printf("%" PRIu64, v);
    }
}

static void csv_header(void) {
    for (size_t i = 0; i < hpcsched_record_column_count(); i++) {
        if (i > 0) {
            putchar(',');
        }
        csv_text(hpcsched_record_column(i));
    }
    putchar('\n');
}

/* One record as a CSV line, its fields in the order of hpcsched_record_column. */
static void csv_record(const hpcsched_record *r) {
    printf("%" PRIu32 ",", r->job);
    csv_text(r->display_id);
    putchar(',');
    csv_text(r->name);
    putchar(',');
    csv_text(r->user);
    putchar(',');
    csv_text(r->account != NULL ? r->account : "");
    putchar(',');
    csv_text(r->partition);
    putchar(',');
    csv_text(r->state);
    printf(",%" PRId32 ",%" PRIu64 ",", r->exit_code, r->submit);
    csv_opt(r->has_eligible, r->eligible);
    putchar(',');
    csv_opt(r->has_start, r->start);
    putchar(',');
    csv_opt(r->has_end, r->end);
    putchar(',');
    csv_opt(r->has_wait, r->wait);
    printf(",%" PRIu64 ",", r->elapsed);
    csv_opt(r->has_time_limit, r->time_limit);
    putchar(',');
    csv_text(r->nodes);
    printf(",%" PRIu64 ",", r->alloc_cpus);
    csv_text(r->alloc_tres);
    printf(",%" PRIu32 "\n", r->restarts);
}

/* Prints the header and the first `limit` records (all with SIZE_MAX) as CSV; returns
 * how many records the replay has. */
static size_t print_records(const hpcsched_replay *replay, size_t limit) {
    const hpcsched_records *records = NULL;
    size_t count = 0;
    if (hpcsched_replay_records(replay, &records) != HPCSCHED_RESULT_OK ||
        hpcsched_records_count(records, &count) != HPCSCHED_RESULT_OK) {
        fprintf(stderr, "records: %s\n", hpcsched_last_error_message());
        failures++;
        return 0;
    }
    csv_header();
    for (size_t i = 0; i < count && i < limit; i++) {
        hpcsched_record r;
        if (hpcsched_records_get(records, i, &r) != HPCSCHED_RESULT_OK) {
            fprintf(stderr, "record %zu: %s\n", i, hpcsched_last_error_message());
            failures++;
            break;
        }
        csv_record(&r);
    }
    return count;
}

static void print_summary(const hpcsched_replay_summary *s) {
    printf("submitted=%" PRIu64 " refused=%" PRIu64 " skipped=%" PRIu64 " left_pending=%" PRIu64
           " passes=%" PRIu64 " end=%" PRIu64 " stopped=%s\n",
           s->submitted, s->refused, s->skipped, s->left_pending, s->passes, s->end,
           s->stopped ? "yes" : "no");
    printf("jobs=%" PRIu64 " started=%" PRIu64, s->jobs, s->started);
    if (s->has_wait) {
        printf(" wait: mean=%.1fs median=%.1fs p95=%" PRIu64 "s max=%" PRIu64 "s", s->mean_wait,
               s->median_wait, s->p95_wait, s->max_wait);
    }
    if (s->has_mean_bounded_slowdown) {
        printf(" bsld=%.2f", s->mean_bounded_slowdown);
    }
    if (s->has_utilization) {
        printf(" utilization=%.3f", s->utilization);
    }
    if (s->has_makespan) {
        printf(" makespan=%" PRIu64 "s", s->makespan);
    }
    printf("\n");
}

/* What preemption did over the replay, when it did anything (PreemptType); returns how
 * many runs it preempted. */
static uint64_t print_preemption(const hpcsched_replay *replay) {
    hpcsched_preemption_stats p;
    EXPECT(hpcsched_replay_get_preemption(replay, &p) == HPCSCHED_RESULT_OK);
    if (p.preempted > 0) {
        printf("preempted=%" PRIu64 " (requeued=%" PRIu64 " cancelled=%" PRIu64
               " suspended=%" PRIu64 ") lost_cpu_seconds=%" PRIu64 "\n",
               p.preempted, p.requeued, p.cancelled, p.suspended, p.lost_cpu_seconds);
    }
    return p.preempted;
}

/* Replays one workload, prints its summary and first records, and checks them. */
static void demo(const char *title, const char *workload, const hpcsched_cluster *cluster,
                 const char *policy, const hpcsched_replay_options *options,
                 uint64_t want_submitted, uint64_t want_jobs) {
    hpcsched_replay *replay = NULL;
    printf("== %s\n", title);
    if (hpcsched_replay_run(workload, cluster, policy, options, &replay) != HPCSCHED_RESULT_OK) {
        fprintf(stderr, "%s: replay failed: %s\n", workload, hpcsched_last_error_message());
        failures++;
        return;
    }
    hpcsched_replay_summary s;
    EXPECT(hpcsched_replay_get_summary(replay, &s) == HPCSCHED_RESULT_OK);
    print_summary(&s);
    /* Neither bundled cluster configures preemption (examples/c/preemption.c does). */
    EXPECT(print_preemption(replay) == 0);
    EXPECT(s.submitted == want_submitted && s.jobs == want_jobs && !s.stopped);
    EXPECT(s.has_wait && s.started == s.jobs && s.p95_wait <= s.max_wait);
    EXPECT(print_records(replay, 5) == want_jobs);
    const char *json = NULL;
    EXPECT(hpcsched_replay_json(replay, &json) == HPCSCHED_RESULT_OK && json != NULL &&
           json[0] == '{' && strstr(json, "\"metrics\"") != NULL);
    hpcsched_replay_free(replay);
}

/* Errors say which file and why; nothing is handed out. */
static void errors(void) {
    hpcsched_replay *replay = NULL;
    printf("== errors\n");
    EXPECT(hpcsched_replay_run("examples/workloads/no-such.swf", NULL, NULL, NULL, &replay) ==
               HPCSCHED_RESULT_IO_ERROR &&
           replay == NULL);
    printf("%s\n", hpcsched_last_error_message());
    EXPECT(strncmp(hpcsched_last_error_message(), "examples/workloads/no-such.swf: ", 32) == 0);
    EXPECT(hpcsched_replay_run("examples/workloads/inserm-morning.jobs", NULL, NULL, NULL,
                               &replay) == HPCSCHED_RESULT_INVALID_ARGUMENT &&
           replay == NULL);
    printf("%s\n", hpcsched_last_error_message());
    EXPECT(hpcsched_last_error_line() == 0);
    EXPECT(hpcsched_replay_run(NULL, NULL, NULL, NULL, &replay) == HPCSCHED_RESULT_NULL_ARGUMENT);
    hpcsched_replay_free(NULL);
}

static int usage(void) {
    fprintf(stderr, "usage: replay [--csv WORKLOAD [--cluster SLURM_CONF [--accounts FILE]] "
                    "[--policy P] "
                    "[--first N] [--stop-at SECONDS] [--whole-nodes] [--allow-overrun] "
                    "[--json OUT]]\n");
    return 2;
}

/* replay --csv ...: every record as CSV on stdout. */
static int csv_main(int argc, char **argv) {
    const char *workload = NULL, *cluster_path = NULL, *policy = NULL, *json_path = NULL;
    const char *accounts_path = NULL;
    hpcsched_replay_options options;
    memset(&options, 0, sizeof options); /* all zero: the defaults */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--csv") == 0 && value != NULL) {
            workload = value;
            i++;
        } else if (strcmp(a, "--cluster") == 0 && value != NULL) {
            cluster_path = value;
            i++;
        } else if (strcmp(a, "--accounts") == 0 && value != NULL) {
            accounts_path = value;
            i++;
        } else if (strcmp(a, "--policy") == 0 && value != NULL) {
            policy = value;
            i++;
        } else if (strcmp(a, "--first") == 0 && value != NULL) {
            options.has_first = true;
            options.first = strtoull(value, NULL, 10);
            i++;
        } else if (strcmp(a, "--stop-at") == 0 && value != NULL) {
            options.has_stop_at = true;
            options.stop_at = strtoull(value, NULL, 10);
            i++;
        } else if (strcmp(a, "--json") == 0 && value != NULL) {
            json_path = value;
            i++;
        } else if (strcmp(a, "--whole-nodes") == 0) {
            options.whole_nodes = true;
        } else if (strcmp(a, "--allow-overrun") == 0) {
            options.allow_overrun = true;
        } else {
            return usage();
        }
    }
    if (workload == NULL || (accounts_path != NULL && cluster_path == NULL)) {
        return usage();
    }
    hpcsched_cluster *cluster = NULL;
    if (cluster_path != NULL && (cluster = load_cluster(cluster_path)) == NULL) {
        return 2;
    }
    if (accounts_path != NULL) {
        /* read_file prints why a file cannot be read. */
        char *accounts = read_file(accounts_path);
        bool added = accounts != NULL && hpcsched_cluster_add_accounts(cluster, accounts) ==
                                             HPCSCHED_RESULT_OK;
        if (accounts != NULL && !added) {
            fprintf(stderr, "%s: %s\n", accounts_path, hpcsched_last_error_message());
        }
        free(accounts);
        if (!added) {
            hpcsched_cluster_free(cluster);
            return 2;
        }
    }
    hpcsched_replay *replay = NULL;
    hpcsched_result r = hpcsched_replay_run(workload, cluster, policy, &options, &replay);
    hpcsched_cluster_free(cluster);
    if (r != HPCSCHED_RESULT_OK) {
        fprintf(stderr, "%s\n", hpcsched_last_error_message());
        return 2;
    }
    print_records(replay, SIZE_MAX);
    int status = failures > 0 ? 1 : 0;
    if (json_path != NULL) {
        const char *json = NULL;
        FILE *out = fopen(json_path, "w");
        if (out == NULL || hpcsched_replay_json(replay, &json) != HPCSCHED_RESULT_OK ||
            fputs(json, out) == EOF) {
            fprintf(stderr, "%s: cannot write the outcome\n", json_path);
            status = 2;
        }
        if (out != NULL) {
            fclose(out);
        }
    }
    hpcsched_replay_free(replay);
    return status;
}

int main(int argc, char **argv) {
    if (hpcsched_record_column_count() != COLUMNS) {
        fprintf(stderr, "the library's records have %zu columns, this program prints %d\n",
                hpcsched_record_column_count(), COLUMNS);
        return 1;
    }
    if (argc > 1) {
        return csv_main(argc, argv);
    }

    hpcsched_cluster *inserm = load_cluster("examples/clusters/inserm.conf");
    if (inserm == NULL) {
        return 1;
    }
    /* Nine lines, one an array of 20 tasks: 28 records. */
    demo("inserm-morning.jobs on inserm.conf, EASY", "examples/workloads/inserm-morning.jobs",
         inserm, "easy", NULL, 9, 28);
    hpcsched_cluster_free(inserm);

    hpcsched_replay_options first200;
    memset(&first200, 0, sizeof first200);
    first200.has_first = true;
    first200.first = 200;
    demo("RICC trace, first 200 jobs, on its header machine",
         "examples/workloads/RICC-2010-2-first3000.swf.gz", NULL, NULL, &first200, 200, 200);
    errors();

    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
