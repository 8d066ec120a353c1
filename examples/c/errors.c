/*
 * errors.c: the error contract of the hpcsched C API.
 *
 * NULL arguments, invalid UTF-8, parse errors with lines, out-of-range indexes, rejected
 * jobs, and NULL passed to every _free. Prints "N passed, 0 failed" and exits non-zero if
 * any check fails.
 */
#include <stdio.h>
#include <string.h>

#include "hpcsched.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond) {                                                             \
            passed++;                                                           \
        } else {                                                                \
            failed++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s (last error: \"%s\")\n",  \
                    __FILE__, __LINE__, #cond, hpcsched_last_error_message()); \
        }                                                                       \
    } while (0)

static bool message_is(const char *expected) {
    return strcmp(hpcsched_last_error_message(), expected) == 0;
}

static bool message_contains(const char *part) {
    return strstr(hpcsched_last_error_message(), part) != NULL;
}

static const char CONF[] =
    "NodeName=n[1-2] CPUs=8 RealMemory=16000 Gres=gpu:a100:2\n"
    "PartitionName=debug Nodes=n[1-2] Default=YES MaxTime=1:00:00\n";

static const char SCRIPT[] = "#!/bin/bash\n#SBATCH -N 1 --gres=gpu:a100:1\nhostname\n";

int main(void) {
    hpcsched_cluster *cluster = NULL;
    hpcsched_request *request = NULL;
    hpcsched_resolved *job = NULL;
    hpcsched_result r;

    /* Nothing failed yet: empty message, no line. */
    CHECK(hpcsched_last_error_message() != NULL);
    CHECK(message_is(""));
    CHECK(hpcsched_last_error_line() == 0);
    CHECK(hpcsched_version() != NULL && strlen(hpcsched_version()) > 0);

    /* NULL arguments and out-params. */
    cluster = (hpcsched_cluster *)&r; /* garbage that must be overwritten */
    r = hpcsched_cluster_from_slurm_conf(NULL, &cluster);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT);
    CHECK(cluster == NULL);
    CHECK(message_is("argument `text` is NULL"));
    r = hpcsched_cluster_from_slurm_conf(CONF, NULL);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT);
    CHECK(message_is("argument `out` is NULL"));
    r = hpcsched_request_from_script(NULL, &request);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && request == NULL);
    r = hpcsched_request_from_args(NULL, 1, &request);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && message_is("argument `argv` is NULL"));
    const char *const holey[] = {"-N", NULL};
    r = hpcsched_request_from_script_with_args(SCRIPT, holey, 2, &request);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && message_is("argument `argv[1]` is NULL"));
    r = hpcsched_cluster_resolve(NULL, NULL, &job);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && job == NULL);
    size_t count = 42;
    r = hpcsched_cluster_node_count(NULL, &count);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && count == 0);
    uint32_t n = 42;
    r = hpcsched_resolved_ntasks(NULL, &n);
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && n == 0);
    r = hpcsched_cluster_add_qos(NULL, "sacctmgr add qos normal\n");
    CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && message_is("argument `cluster` is NULL"));

    /* A success clears the last error. */
    r = hpcsched_cluster_from_slurm_conf(CONF, &cluster);
    CHECK(r == HPCSCHED_RESULT_OK && cluster != NULL);
    CHECK(message_is("") && hpcsched_last_error_line() == 0);

    /* Invalid UTF-8. */
    hpcsched_cluster *other = NULL;
    r = hpcsched_cluster_from_slurm_conf("NodeName=caf\xe9 CPUs=1\n", &other);
    CHECK(r == HPCSCHED_RESULT_INVALID_UTF8 && other == NULL);
    CHECK(message_contains("UTF-8"));
    r = hpcsched_request_from_script("#!/bin/bash\n#SBATCH -J \xff\n", &request);
    CHECK(r == HPCSCHED_RESULT_INVALID_UTF8 && request == NULL);
    const char *const bad_arg[] = {"--job-name", "\xc3\x28"};
    r = hpcsched_request_from_args(bad_arg, 2, &request);
    CHECK(r == HPCSCHED_RESULT_INVALID_UTF8 && message_contains("argv[1]"));

    /* Parse errors carry the line where the input has lines. */
    r = hpcsched_cluster_from_slurm_conf("NodeName=n1\n\nNodeName=n2 Bogus=1\n", &other);
    CHECK(r == HPCSCHED_RESULT_PARSE_ERROR && other == NULL);
    CHECK(hpcsched_last_error_line() == 3 && message_contains("Bogus"));
    r = hpcsched_request_from_script("#!/bin/bash\n#SBATCH -N 1\n#SBATCH --frobnicate\n", &request);
    CHECK(r == HPCSCHED_RESULT_PARSE_ERROR && request == NULL);
    CHECK(hpcsched_last_error_line() == 3 && message_contains("frobnicate"));
    const char *const bad_opt[] = {"--frobnicate"};
    r = hpcsched_request_from_args(bad_opt, 1, &request);
    CHECK(r == HPCSCHED_RESULT_PARSE_ERROR && hpcsched_last_error_line() == 0);
    r = hpcsched_cluster_add_qos(cluster, "sacctmgr add qos a\nsacctmgr add qos b Bogus=1\n");
    CHECK(r == HPCSCHED_RESULT_PARSE_ERROR && hpcsched_last_error_line() == 2);
    /* All or nothing: `a` was not added, so adding it now succeeds. */
    r = hpcsched_cluster_add_qos(cluster, "sacctmgr add qos a\n");
    CHECK(r == HPCSCHED_RESULT_OK);

    /* Out-of-range indexes. */
    const char *name = "unset";
    r = hpcsched_cluster_partition_name(cluster, 1, &name);
    CHECK(r == HPCSCHED_RESULT_OUT_OF_RANGE && name == NULL);
    r = hpcsched_cluster_partition_name(cluster, 0, &name);
    CHECK(r == HPCSCHED_RESULT_OK && strcmp(name, "debug") == 0);

    /* A resolved job and its GRES. */
    r = hpcsched_request_from_script(SCRIPT, &request);
    CHECK(r == HPCSCHED_RESULT_OK);
    r = hpcsched_cluster_resolve(cluster, request, &job);
    CHECK(r == HPCSCHED_RESULT_OK && job != NULL);
    if (job != NULL) {
        const char *type = NULL;
        uint64_t gres = 0;
        r = hpcsched_resolved_gres(job, 0, &name, &type, &gres);
        CHECK(r == HPCSCHED_RESULT_OK && strcmp(name, "gpu") == 0 && strcmp(type, "a100") == 0 &&
              gres == 1);
        r = hpcsched_resolved_gres(job, 5, &name, &type, &gres);
        CHECK(r == HPCSCHED_RESULT_OUT_OF_RANGE && name == NULL && type == NULL && gres == 0);
        r = hpcsched_resolved_gres(job, 0, NULL, &type, &gres);
        CHECK(r == HPCSCHED_RESULT_NULL_ARGUMENT && message_is("argument `name` is NULL"));
        uint64_t secs = 1;
        bool unlimited = true;
        r = hpcsched_resolved_time_limit_seconds(job, &secs, &unlimited);
        CHECK(r == HPCSCHED_RESULT_OK && secs == 3600 && !unlimited);
    }
    hpcsched_resolved_free(job);
    job = NULL;
    hpcsched_request_free(request);
    request = NULL;

    /* Rejections: every reason in the message, no line. */
    r = hpcsched_request_from_script("#!/bin/bash\n#SBATCH -p nosuch\nhostname\n", &request);
    CHECK(r == HPCSCHED_RESULT_OK);
    r = hpcsched_cluster_resolve(cluster, request, &job);
    CHECK(r == HPCSCHED_RESULT_REJECTED && job == NULL);
    CHECK(message_contains("nosuch") || message_contains("partition"));
    CHECK(hpcsched_last_error_line() == 0);
    hpcsched_request_free(request);

    /* _free(NULL) is a no-op. */
    hpcsched_cluster_free(NULL);
    hpcsched_request_free(NULL);
    hpcsched_resolved_free(NULL);
    hpcsched_string_free(NULL);
    passed++;

    hpcsched_cluster_free(cluster);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
