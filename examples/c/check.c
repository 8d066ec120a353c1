/*
 * check.c: the hpcsched C API end to end.
 *
 * Builds a cluster from slurm.conf text, adds a QOS, parses batch scripts, resolves them,
 * prints what the cluster would give each job, reads a pyxis script and an srun command
 * line with the site's SPANK plugins, then shows how errors are reported (a rejected job,
 * a configuration error with its line). Every handle is released.
 *
 * It is also a test: it exits non-zero if any result differs from what Slurm would do.
 *
 *   cc -std=c11 -Iinclude examples/c/check.c target/debug/libhpcsched_ffi.a \
 *      -lpthread -ldl -lm -o check && ./check
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hpcsched.h"

/* An Inserm-like GPU/CPU cluster (the layout of the project's Slurm oracle). */
static const char SLURM_CONF[] =
    "# Inserm-like cluster\n"
    "ClusterName=inserm\n"
    "SchedulerType=sched/backfill\n"
    "SelectType=select/cons_tres\n"
    "SelectTypeParameters=CR_Core_Memory\n"
    "EnforcePartLimits=ALL\n"
    "GresTypes=gpu\n"
    "\n"
    "NodeName=h100-1 CPUs=32 Boards=1 SocketsPerBoard=2 CoresPerSocket=16 ThreadsPerCore=1 "
    "RealMemory=262144 Gres=gpu:2\n"
    "NodeName=a40-[1-2] CPUs=16 RealMemory=131072 Gres=gpu:1\n"
    "NodeName=a100-[01-14] CPUs=6 RealMemory=49152 Gres=gpu:1\n"
    "NodeName=cpu16-[1-4] CPUs=16 RealMemory=131072\n"
    "NodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n"
    "\n"
    "PartitionName=2xH100-96 Nodes=h100-1 MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192\n"
    "PartitionName=A40-48 Nodes=a40-[1-2] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192\n"
    "PartitionName=A100-10 Nodes=a100-[01-14] MaxTime=30:00:00 DefaultTime=1:00:00 "
    "DefMemPerCPU=8192\n"
    "PartitionName=CPU-16 Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 "
    "DefMemPerCPU=8192 Default=YES\n"
    "PartitionName=CPU-4 Nodes=cpu4-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192\n";

static const char QOS[] = "sacctmgr add qos normal Priority=10 MaxWall=30:00:00\n";

static const char GPU_SCRIPT[] =
    "#!/bin/bash\n"
    "#SBATCH --job-name=train\n"
    "#SBATCH --partition=A100-10\n"
    "#SBATCH --nodes=1 --ntasks=4\n"
    "#SBATCH --gres=gpu:1\n"
    "#SBATCH --mem=16G\n"
    "#SBATCH --time=12:00:00\n"
    "srun python train.py\n";

static const char PLAIN_SCRIPT[] = "#!/bin/bash\nsrun hostname\n";

/* 48 hours on a 30-hour partition with EnforcePartLimits=ALL: sbatch refuses it. */
static const char TOO_LONG_SCRIPT[] = "#!/bin/bash\n#SBATCH -p CPU-16 -t 2-00:00:00\nhostname\n";

/* The site's plugstack.conf: pyxis (built into hpcsched), and a drop-in directory. */
static const char PLUGSTACK[] =
    "required /usr/lib/x86_64-linux-gnu/slurm/spank_pyxis.so\n"
    "include /etc/slurm/plugstack.conf.d/*.conf\n";

/* The pyxis guide's job: its --container-* options change nothing slurmctld decides. */
static const char PYXIS_SCRIPT[] =
    "#!/bin/bash\n"
    "#SBATCH -p A40-48 --gres=gpu:1 --container-name=myimage --container-mounts=.:/workspace\n"
    "#SBATCH --container-workdir=/workspace -o sbatch.log -e sbatch.log\n"
    "python train.py\n";

/* Line 2 has a MaxTime that is not a time. */
static const char BAD_CONF[] =
    "NodeName=n1 CPUs=4\n"
    "PartitionName=p Nodes=n1 MaxTime=forever\n";

static int failures = 0;

#define EXPECT(cond)                                                            \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

/* Stops at the first unexpected failure: the handles it needs do not exist. */
#define TRY(call)                                                                         \
    do {                                                                                  \
        hpcsched_result r_ = (call);                                                      \
        if (r_ != HPCSCHED_RESULT_OK) {                                                   \
            fprintf(stderr, "%s:%d: %s failed (%u): %s\n", __FILE__, __LINE__, #call,     \
                    (unsigned)r_, hpcsched_last_error_message());                         \
            return 1;                                                                     \
        }                                                                                 \
    } while (0)

static const char *memory_kind_name(hpcsched_memory_kind kind) {
    switch (kind) {
    case HPCSCHED_MEMORY_KIND_PER_NODE: return "per node";
    case HPCSCHED_MEMORY_KIND_PER_CPU: return "per CPU";
    case HPCSCHED_MEMORY_KIND_PER_GPU: return "per GPU";
    case HPCSCHED_MEMORY_KIND_WHOLE_NODE: return "whole node";
    default: return "?";
    }
}

struct job_view {
    const char *partition;
    uint32_t min_nodes, max_nodes, ntasks, cpus_per_task, min_cpus;
    hpcsched_memory_kind mem_kind;
    uint64_t mem_mib;
    uint64_t time_seconds;
    bool unlimited;
    size_t gres_count;
    bool whole_nodes, user_exclusive;
    const char *pending_reason;
};

/* Reads every accessor of a resolved job and prints it. Returns non-zero on a failure. */
static int show(const char *title, const hpcsched_resolved *job, struct job_view *v) {
    TRY(hpcsched_resolved_partition(job, &v->partition));
    TRY(hpcsched_resolved_min_nodes(job, &v->min_nodes));
    TRY(hpcsched_resolved_max_nodes(job, &v->max_nodes));
    TRY(hpcsched_resolved_ntasks(job, &v->ntasks));
    TRY(hpcsched_resolved_cpus_per_task(job, &v->cpus_per_task));
    TRY(hpcsched_resolved_min_cpus(job, &v->min_cpus));
    TRY(hpcsched_resolved_memory(job, &v->mem_kind, &v->mem_mib));
    TRY(hpcsched_resolved_time_limit_seconds(job, &v->time_seconds, &v->unlimited));
    TRY(hpcsched_resolved_gres_count(job, &v->gres_count));
    TRY(hpcsched_resolved_whole_nodes(job, &v->whole_nodes));
    TRY(hpcsched_resolved_user_exclusive(job, &v->user_exclusive));
    TRY(hpcsched_resolved_pending_reason(job, &v->pending_reason));

    printf("%s:\n", title);
    printf("  partition      %s\n", v->partition);
    printf("  nodes          %" PRIu32 "-%" PRIu32 "\n", v->min_nodes, v->max_nodes);
    printf("  tasks          %" PRIu32 " x %" PRIu32 " CPUs (at least %" PRIu32 " CPUs)\n",
           v->ntasks, v->cpus_per_task, v->min_cpus);
    printf("  memory         %" PRIu64 " MiB %s\n", v->mem_mib, memory_kind_name(v->mem_kind));
    if (v->unlimited) {
        printf("  time limit     UNLIMITED\n");
    } else {
        printf("  time limit     %" PRIu64 " s\n", v->time_seconds);
    }
    for (size_t i = 0; i < v->gres_count; i++) {
        const char *name = NULL;
        const char *type = NULL;
        uint64_t count = 0;
        TRY(hpcsched_resolved_gres(job, i, &name, &type, &count));
        printf("  gres per node  %s%s%s x %" PRIu64 "\n", name, type ? ":" : "", type ? type : "",
               count);
    }
    printf("  whole nodes    %s\n", v->whole_nodes ? "yes" : "no");
    printf("  user exclusive %s\n", v->user_exclusive ? "yes" : "no");
    printf("  pending reason %s\n", v->pending_reason ? v->pending_reason : "(none)");
    return 0;
}

int main(void) {
    hpcsched_cluster *cluster = NULL;
    hpcsched_request *request = NULL;
    hpcsched_resolved *job = NULL;
    struct job_view v;

    printf("hpcsched %s\n", hpcsched_version());

    /* The cluster. */
    TRY(hpcsched_cluster_from_slurm_conf(SLURM_CONF, &cluster));
    TRY(hpcsched_cluster_add_qos(cluster, QOS));
    size_t nodes = 0, partitions = 0;
    TRY(hpcsched_cluster_node_count(cluster, &nodes));
    TRY(hpcsched_cluster_partition_count(cluster, &partitions));
    printf("%zu nodes, %zu partitions:", nodes, partitions);
    for (size_t i = 0; i < partitions; i++) {
        const char *name = NULL;
        TRY(hpcsched_cluster_partition_name(cluster, i, &name));
        printf(" %s", name);
    }
    printf("\n");
    EXPECT(nodes == 25);
    EXPECT(partitions == 5);
    const char *def = NULL;
    TRY(hpcsched_cluster_default_partition(cluster, &def));
    EXPECT(def != NULL && strcmp(def, "CPU-16") == 0);

    /* A GPU job with explicit options. */
    TRY(hpcsched_request_from_script(GPU_SCRIPT, &request));
    TRY(hpcsched_cluster_resolve(cluster, request, &job));
    hpcsched_request_free(request);
    request = NULL;
    if (show("train (GPU script)", job, &v) != 0) return 1;
    EXPECT(strcmp(v.partition, "A100-10") == 0);
    EXPECT(v.min_nodes == 1 && v.max_nodes == 1);
    EXPECT(v.ntasks == 4 && v.cpus_per_task == 1 && v.min_cpus == 4);
    EXPECT(v.mem_kind == HPCSCHED_MEMORY_KIND_PER_NODE && v.mem_mib == 16384);
    EXPECT(!v.unlimited && v.time_seconds == 12 * 3600);
    EXPECT(v.gres_count == 1);
    if (v.gres_count == 1) {
        const char *name = NULL;
        const char *type = "unset";
        uint64_t count = 0;
        TRY(hpcsched_resolved_gres(job, 0, &name, &type, &count));
        EXPECT(strcmp(name, "gpu") == 0 && type == NULL && count == 1);
    }
    EXPECT(!v.whole_nodes && !v.user_exclusive && v.pending_reason == NULL);
    hpcsched_resolved_free(job);
    job = NULL;

    /* No options: the default partition, its DefaultTime and DefMemPerCPU. */
    TRY(hpcsched_request_from_script(PLAIN_SCRIPT, &request));
    TRY(hpcsched_cluster_resolve(cluster, request, &job));
    hpcsched_request_free(request);
    request = NULL;
    if (show("plain script (defaults)", job, &v) != 0) return 1;
    EXPECT(strcmp(v.partition, "CPU-16") == 0);
    EXPECT(v.min_nodes == 1 && v.ntasks == 1 && v.cpus_per_task == 1);
    EXPECT(v.mem_kind == HPCSCHED_MEMORY_KIND_PER_CPU && v.mem_mib == 8192);
    EXPECT(!v.unlimited && v.time_seconds == 3600);
    EXPECT(v.gres_count == 0);
    hpcsched_resolved_free(job);
    job = NULL;

    /* The command line overrides the script, as with `sbatch -p CPU-4 -c 4 script`. */
    const char *const argv[] = {"-p", "CPU-4", "-c", "4"};
    TRY(hpcsched_request_from_script_with_args(GPU_SCRIPT, argv, 4, &request));
    char *rendered = NULL;
    TRY(hpcsched_request_to_script(request, &rendered));
    printf("rendered request:\n%s", rendered);
    EXPECT(strstr(rendered, "CPU-4") != NULL);
    hpcsched_string_free(rendered);
    hpcsched_request_free(request);
    request = NULL;

    /* SPANK plugins: their options are accepted once the cluster has them. */
    hpcsched_result r = hpcsched_request_from_script(PYXIS_SCRIPT, &request);
    EXPECT(r == HPCSCHED_RESULT_PARSE_ERROR && hpcsched_last_error_line() == 2);
    EXPECT(request == NULL);
    char *includes = NULL;
    TRY(hpcsched_cluster_add_plugstack(cluster, PLUGSTACK, &includes));
    EXPECT(strcmp(includes, "/etc/slurm/plugstack.conf.d/*.conf\n") == 0);
    hpcsched_string_free(includes);
    TRY(hpcsched_cluster_request_from_script(cluster, PYXIS_SCRIPT, NULL, 0, &request));
    TRY(hpcsched_cluster_resolve(cluster, request, &job));
    hpcsched_request_free(request);
    request = NULL;
    if (show("pyxis script", job, &v) != 0) return 1;
    EXPECT(strcmp(v.partition, "A40-48") == 0 && v.gres_count == 1 && v.min_cpus == 1);
    hpcsched_resolved_free(job);
    job = NULL;

    /* An srun line is scheduled like a batch job; srun refuses sbatch's --array. */
    TRY(hpcsched_request_from_command_line(
        cluster, "srun -p A100-10 --gres=gpu:1 --container-image=ubuntu nvidia-smi -L", &request));
    TRY(hpcsched_cluster_resolve(cluster, request, &job));
    char *line = NULL;
    TRY(hpcsched_request_to_command_line(request, &line));
    printf("command line: %s\n", line);
    EXPECT(strcmp(line, "srun --partition=A100-10 --gres=gpu:1 --container-image=ubuntu nvidia-smi -L") == 0);
    hpcsched_string_free(line);
    hpcsched_request_free(request);
    request = NULL;
    if (show("srun nvidia-smi", job, &v) != 0) return 1;
    EXPECT(strcmp(v.partition, "A100-10") == 0 && v.ntasks == 1);
    hpcsched_resolved_free(job);
    job = NULL;
    r = hpcsched_request_from_command_line(NULL, "srun --array=1-4 hostname", &request);
    printf("srun --array: result %u: %s\n", (unsigned)r, hpcsched_last_error_message());
    EXPECT(r == HPCSCHED_RESULT_PARSE_ERROR && request == NULL);

    /* A job sbatch would refuse: REJECTED, with the reasons as the message. */
    TRY(hpcsched_request_from_script(TOO_LONG_SCRIPT, &request));
    r = hpcsched_cluster_resolve(cluster, request, &job);
    printf("48h on CPU-16: result %u: %s\n", (unsigned)r, hpcsched_last_error_message());
    EXPECT(r == HPCSCHED_RESULT_REJECTED);
    EXPECT(job == NULL);
    EXPECT(strlen(hpcsched_last_error_message()) > 0);
    hpcsched_request_free(request);
    request = NULL;

    /* A configuration error names its line. */
    hpcsched_cluster *bad = NULL;
    r = hpcsched_cluster_from_slurm_conf(BAD_CONF, &bad);
    /* The message names the line already; the line is also there as data. */
    printf("bad slurm.conf: result %u: %s\n", (unsigned)r, hpcsched_last_error_message());
    EXPECT(r == HPCSCHED_RESULT_PARSE_ERROR);
    EXPECT(bad == NULL);
    EXPECT(hpcsched_last_error_line() == 2);
    EXPECT(strncmp(hpcsched_last_error_message(), "line 2: ", 8) == 0);
    EXPECT(strstr(hpcsched_last_error_message(), "forever") != NULL);

    hpcsched_cluster_free(cluster);

    if (failures != 0) {
        fprintf(stderr, "check: %d unexpected result(s)\n", failures);
        return 1;
    }
    printf("check: all results as expected\n");
    return 0;
}
