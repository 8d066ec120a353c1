//! Workload formats end to end: SWF traces (the fixtures under tests/data/workload, cut from
//! the Parallel Workloads Archive logs, and the whole logs in shared/traces when present)
//! and sbatch-syntax job lists.

use hpcsched::dependency::{Combinator, DependencyItem, DependencyKind, DependencyTarget};
use hpcsched::request::{Exclusive, NodeCount};
use hpcsched::sbatch::OptionError;
use hpcsched::swf::{self, SwfError, SwfJob, SwfLineErrorKind, SwfReader};
use hpcsched::workload::{
    JobListReason, SkipReason, SwfClusterError, SwfMapping, WorkloadError, WorkloadJob,
    parse_job_list, read_job_list, render_job_list, swf_cluster_conf,
};
use hpcsched::{Cluster, Duration, JobId, TimeLimit, Timestamp};
use proptest::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/workload")
        .join(name)
}

const RICC: &str = "RICC-2010-2-first10k.swf.gz";
const NASA: &str = "NASA-iPSC-1993-3.1-cln-first20.swf";
const LUBLIN: &str = "lublin_256-first20.swf";
const THETA: &str = "theta_2022-first20.swf";

fn read_all(name: &str) -> (SwfReader<Box<dyn std::io::BufRead + Send>>, Vec<SwfJob>) {
    let mut reader = swf::open(data(name)).unwrap();
    let mut jobs = Vec::new();
    for item in reader.by_ref() {
        jobs.push(item.unwrap_or_else(|e| panic!("{name}: {e}")));
    }
    (reader, jobs)
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The `time_limit` field of a request limited to `s` seconds.
#[allow(clippy::unnecessary_wraps)] // compared with `JobRequest::time_limit`, an Option
fn limit(s: u64) -> Option<TimeLimit> {
    Some(TimeLimit::Limited(secs(s)))
}

// ---------------------------------------------------------------------------------------
// SWF: headers of the real logs.
// ---------------------------------------------------------------------------------------

#[test]
fn ricc_header() {
    let reader = swf::open(data(RICC)).unwrap();
    let h = reader.header();
    let keys: Vec<&str> = h.entries().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "Computer",
            "Installation",
            "Acknowledge",
            "Information",
            "Conversion",
            "MaxJobs",
            "MaxRecords",
            "Preemption",
            "UnixStartTime",
            "TimeZoneString",
            "StartTime",
            "EndTime",
            "MaxNodes",
            "MaxProcs",
            "MaxQueues",
            "Queue",
            "MaxPartitions",
            "Partition",
        ]
    );
    assert_eq!(h.get("Computer"), Some("Fujitsu RX200S5 Cluster"));
    assert_eq!(
        h.values("Acknowledge"),
        ["Motoyoshi Kurokawa (motoyosi@riken.jp), RIKEN, ACCC"]
    );
    assert_eq!(
        h.get("Information"),
        Some("http://accc.riken.jp/ricc_e.html")
    );
    assert_eq!(h.version(), None);
    assert_eq!(
        (h.max_jobs(), h.max_records()),
        (Some(447_794), Some(447_794))
    );
    assert_eq!(h.get("Preemption"), Some("No"));
    assert_eq!(h.unix_start_time(), Some(1_272_639_895));
    assert_eq!(h.time_zone_string(), Some("Asia/Tokyo"));
    assert_eq!(h.get("StartTime"), Some("Sat May 01 00:04:55 JST 2010"));
    assert_eq!(h.get("EndTime"), Some("Thu Sep 30 23:58:08 JST 2010"));
    assert_eq!((h.max_nodes(), h.max_procs()), (Some(1024), Some(8192)));
    assert_eq!((h.max_queues(), h.max_partitions()), (Some(2), Some(1)));
    assert_eq!(h.values("Queue"), ["1", "2 0"]);
    assert_eq!(h.values("Partition"), ["1"]);
    assert_eq!((h.max_runtime(), h.max_memory()), (None, None));
    assert!(h.notes().is_empty());
    assert!(h.comments().is_empty());
    assert_eq!(h.unknown_keys().count(), 0);
    assert_eq!(h.line_count(), 20);
}

#[test]
fn nasa_header_notes_and_continuations() {
    let reader = swf::open(data(NASA)).unwrap();
    let h = reader.header();
    assert_eq!(h.version(), Some("2.2"));
    assert_eq!(
        h.get("Information"),
        Some("http://www.nas.nasa.gov/\nhttp://www.cs.huji.ac.il/labs/parallel/workload/")
    );
    assert_eq!(
        h.notes(),
        [
            "There is no information on wait times - the given submit\ntimes are actually start times",
            "group 1 is normal users\ngroup 2 is system personnel",
            "there is no data about batch queues",
            "THIS IS A CLEANED VERSION OF THE LOG!\nThe filter used to produce it was\nuser=3 and proc=1 and app=1 (24025 jobs removed)",
        ]
    );
    assert_eq!(h.values("Queue"), ["0  interactive", "1  batch"]);
    assert_eq!(h.get("TimeZone"), Some("-28800"));
    assert_eq!(h.time_zone_string(), Some("US/Pacific"));
    // MaxJobs is the raw log's count: the cleaned log has fewer jobs.
    assert_eq!(h.max_jobs(), Some(42_264));
    assert_eq!((h.max_nodes(), h.max_procs()), (Some(128), Some(128)));
    assert_eq!(h.line_count(), 32);
}

#[test]
fn lublin_and_theta_headers() {
    let reader = swf::open(data(LUBLIN)).unwrap();
    let h = reader.header();
    assert_eq!(
        (h.version(), h.max_nodes(), h.max_procs()),
        (Some("2"), Some(256), None)
    );
    assert_eq!(h.max_runtime(), Some(162_754));
    assert_eq!(h.line_count(), 7);
    let reader = swf::open(data(THETA)).unwrap();
    let h = reader.header();
    assert_eq!(h.unix_start_time(), Some(0));
    assert_eq!((h.max_nodes(), h.max_procs()), (Some(4360), Some(4360)));
    assert_eq!(h.line_count(), 3);
}

// ---------------------------------------------------------------------------------------
// SWF: the jobs of the fixtures, checked against sums computed independently (Python,
// over the same file) when the fixture was made.
// ---------------------------------------------------------------------------------------

#[test]
fn ricc_fixture_jobs_and_their_mapping() {
    let (reader, jobs) = read_all(RICC);
    assert_eq!(jobs.len(), 10_000);
    assert_eq!(
        reader.line(),
        10_021,
        "the trailing provenance comment is skipped"
    );
    assert_eq!((jobs[0].line, jobs[0].job_number), (21, 1));
    assert_eq!(jobs[9_999].job_number, 10_000);
    assert_eq!(jobs[9_999].submit_time, Some(928_249.0));
    let first = &jobs[1];
    assert_eq!(
        first.to_string(),
        "2 1136 0 244682 128 -1 -1 128 259200 1024000 1 2 2 -1 1 -1 -1 -1"
    );
    let procs: i64 = jobs
        .iter()
        .map(|j| j.requested_procs.or(j.allocated_procs).unwrap())
        .sum();
    assert_eq!(procs, 322_221);
    let differs = jobs
        .iter()
        .filter(|j| j.requested_procs.is_some() && j.requested_procs != j.allocated_procs)
        .count();
    assert_eq!(differs, 285);
    assert_eq!(jobs.iter().filter(|j| j.status == Some(5)).count(), 1_057);
    assert_eq!(jobs.iter().filter(|j| j.run_time == Some(0.0)).count(), 8);

    let mapping = SwfMapping::from_header(reader.header());
    assert_eq!(
        mapping,
        SwfMapping {
            whole_nodes: false,
            cpus_per_node: 8,
            max_procs: Some(8192)
        }
    );
    let mapped: Vec<WorkloadJob> = mapping
        .jobs(jobs.iter().copied().map(Ok))
        .map(Result::unwrap)
        .collect();
    assert_eq!(mapped.len(), 10_000);
    assert!(
        mapped
            .iter()
            .enumerate()
            .all(|(i, j)| j.index as usize == i + 1)
    );
    assert!(mapped.windows(2).all(|w| w[0].submit <= w[1].submit));
    assert!(mapped.iter().all(|j| j.exit_code == 0));
    let work: u64 = mapped
        .iter()
        .map(|j| u64::from(j.request.ntasks.unwrap()) * j.runtime.as_secs())
        .sum();
    assert_eq!(work, 5_906_031_298);
    let limits: u64 = mapped
        .iter()
        .map(|j| j.request.time_limit.unwrap().duration().unwrap().as_secs())
        .sum();
    assert_eq!(limits, 1_949_697_360);
    let users: std::collections::BTreeSet<&str> = mapped.iter().map(|j| j.user.as_str()).collect();
    assert_eq!(users.len(), 57);
    assert_eq!(mapped[1].user, "u2");
    assert_eq!(mapped[1].request.ntasks, Some(128));
    assert_eq!(mapped[1].request.nodes, None);
    assert_eq!(mapped[1].line, 22);

    let whole = SwfMapping {
        whole_nodes: true,
        ..mapping
    };
    let nodes: u64 = whole
        .jobs(jobs.iter().copied().map(Ok))
        .map(|j| {
            let j = j.unwrap();
            assert_eq!(j.request.exclusive, Some(Exclusive::Node));
            let n = j.request.nodes.unwrap();
            assert_eq!(n.min, n.max);
            u64::from(n.min)
        })
        .sum();
    assert_eq!(nodes, 46_426);
}

#[test]
fn nasa_lublin_theta_fixtures() {
    // NASA and lublin: no requested processors or time: allocated processors, and the run
    // time as the limit.
    for name in [NASA, LUBLIN] {
        let (reader, jobs) = read_all(name);
        assert_eq!(jobs.len(), 20, "{name}");
        assert!(
            jobs.iter()
                .all(|j| j.requested_procs.is_none() && j.requested_time.is_none())
        );
        let mapping = SwfMapping::from_header(reader.header());
        for (swf_job, job) in jobs.iter().zip(mapping.jobs(jobs.iter().copied().map(Ok))) {
            let job = job.unwrap();
            assert_eq!(
                job.request.ntasks,
                Some(swf_job.allocated_procs.unwrap() as u32)
            );
            assert_eq!(job.request.time_limit, limit(job.runtime.as_secs().max(1)));
        }
    }
    let (_, jobs) = read_all(NASA);
    let job = SwfMapping::default().map(&jobs[0], 1).unwrap();
    assert_eq!(
        (job.submit, job.runtime, job.user.as_str()),
        (Timestamp(0), secs(1451), "u1")
    );
    let (_, jobs) = read_all(LUBLIN);
    assert_eq!(
        SwfMapping::default().map(&jobs[0], 1).unwrap().user,
        "unknown"
    );
    // theta: absolute submit times, status 0 everywhere (replayed, exit code 0).
    let (_, jobs) = read_all(THETA);
    assert_eq!(jobs.len(), 20);
    let job = SwfMapping::default().map(&jobs[0], 1).unwrap();
    assert_eq!(jobs[0].status, Some(0));
    assert_eq!((job.submit, job.exit_code), (Timestamp(1_641_021_254), 0));
    assert_eq!(
        (job.request.ntasks, job.request.time_limit),
        (Some(128), limit(10_800))
    );
    assert_eq!(
        job.runtime,
        secs(10_849),
        "runs past its limit: the simulator decides"
    );
}

#[test]
fn gzip_and_plain_give_the_same_jobs_whatever_the_file_name() {
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(data(RICC)).unwrap())
        .read_to_end(&mut plain)
        .unwrap();
    assert!(plain.starts_with(b"; Computer: Fujitsu"));
    // Names that lie about the content: detection is by magic bytes.
    let dir = std::env::temp_dir().join(format!("hpcsched-workload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain_path = dir.join("plain.swf.gz");
    let gz_path = dir.join("compressed.swf");
    std::fs::write(&plain_path, &plain).unwrap();
    std::fs::copy(data(RICC), &gz_path).unwrap();
    let a: Vec<_> = swf::open(&plain_path).unwrap().collect();
    let b: Vec<_> = swf::open(&gz_path).unwrap().collect();
    let c: Vec<_> = SwfReader::new(plain.as_slice()).unwrap().collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(a.len(), 10_000);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(
        swf::open(data(RICC)).unwrap().header(),
        SwfReader::new(plain.as_slice()).unwrap().header()
    );
}

#[test]
fn open_errors_name_the_path() {
    let err = swf::open("/nonexistent/trace.swf").unwrap_err();
    assert!(matches!(&err, SwfError::Open { path, .. } if path == "/nonexistent/trace.swf"));
    assert!(
        err.to_string()
            .starts_with("cannot read `/nonexistent/trace.swf`: ")
    );
}

#[test]
fn a_truncated_gzip_trace_reports_once_and_ends() {
    let bytes = std::fs::read(data(RICC)).unwrap();
    let cut = bytes[..bytes.len() / 2].to_vec();
    let reader = SwfReader::new(swf::decompressed(std::io::Cursor::new(cut)).unwrap()).unwrap();
    let items: Vec<_> = reader.collect();
    let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0].kind, SwfLineErrorKind::Io(_)));
    let message = errors[0].to_string();
    assert!(
        message.starts_with(&format!("line {}: cannot read: ", errors[0].line)),
        "{message}"
    );
    assert!(items.last().unwrap().is_err(), "the error is the last item");
    assert!(items.len() > 1000);
}

// ---------------------------------------------------------------------------------------
// SWF: field mapping.
// ---------------------------------------------------------------------------------------

/// An SWF job line with the given fields set (others -1).
fn swf_line(job: i64, submit: &str, run: &str, alloc: i64, req: i64, req_time: &str) -> String {
    format!("{job} {submit} -1 {run} {alloc} -1 -1 {req} {req_time} -1 1 4 -1 -1 -1 -1 -1 -1")
}

fn map_text(text: &str, mapping: SwfMapping) -> Vec<Result<WorkloadJob, String>> {
    mapping
        .jobs(SwfReader::new(text.as_bytes()).unwrap())
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
}

#[test]
fn processors_requested_else_allocated() {
    let text = [
        swf_line(1, "0", "10", 1, 8, "60"),
        swf_line(2, "0", "10", 4, -1, "60"),
        swf_line(3, "0", "10", -1, 2, "60"),
        swf_line(4, "0", "10", -1, -1, "60"),
        swf_line(5, "0", "10", 3, 0, "60"),
    ]
    .join("\n");
    let items = map_text(&text, SwfMapping::default());
    let tasks = |i: usize| items[i].as_ref().unwrap().request.ntasks;
    assert_eq!(
        (tasks(0), tasks(1), tasks(2), tasks(4)),
        (Some(8), Some(4), Some(2), Some(3))
    );
    assert_eq!(
        items[3].as_ref().unwrap_err(),
        "line 4: SWF job 4 skipped: neither its requested (field 8) nor its allocated (field 5) processor count is known"
    );
    assert_eq!(
        items[4].as_ref().unwrap().index,
        4,
        "skipped jobs take no index"
    );
}

#[test]
fn time_limit_requested_else_run_time_and_rounding() {
    let text = [
        swf_line(1, "0", "100", 1, -1, "3600"),
        swf_line(2, "0", "100", 1, -1, "-1"),
        swf_line(3, "0", "100", 1, -1, "0"),
        swf_line(4, "0.4", "0.4", 1, -1, "-1"),
        swf_line(5, "2.5", "99.5", 1, -1, "99.2"),
    ]
    .join("\n");
    let jobs: Vec<WorkloadJob> = map_text(&text, SwfMapping::default())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let limits: Vec<_> = jobs.iter().map(|j| j.request.time_limit).collect();
    assert_eq!(
        limits,
        [limit(3600), limit(100), limit(100), limit(1), limit(100)]
    );
    assert_eq!((jobs[3].submit, jobs[3].runtime), (Timestamp(0), secs(0)));
    // Rounded to nearest (half away from zero), limits rounded up.
    assert_eq!((jobs[4].submit, jobs[4].runtime), (Timestamp(3), secs(100)));
}

#[test]
fn whole_nodes_round_up() {
    let text = [1, 7, 8, 9, 16, 17]
        .map(|p| swf_line(p, "0", "10", p, p, "60"))
        .join("\n");
    let mapping = SwfMapping {
        whole_nodes: true,
        cpus_per_node: 8,
        max_procs: Some(64),
    };
    let shapes: Vec<_> = map_text(&text, mapping)
        .into_iter()
        .map(|j| {
            let r = j.unwrap().request;
            assert_eq!(r.exclusive, Some(Exclusive::Node));
            (r.nodes.unwrap().min, r.ntasks.unwrap())
        })
        .collect();
    assert_eq!(shapes, [(1, 1), (1, 7), (1, 8), (2, 9), (2, 16), (3, 17)]);
    // cpus_per_node 0 is taken as 1.
    let one = map_text(
        &swf_line(1, "0", "1", 3, 3, "60"),
        SwfMapping {
            whole_nodes: true,
            cpus_per_node: 0,
            max_procs: None,
        },
    );
    assert_eq!(
        one[0].as_ref().unwrap().request.nodes,
        Some(NodeCount { min: 3, max: 3 })
    );
}

#[test]
fn skipped_jobs_are_reported_with_a_reason() {
    let text = [
        swf_line(1, "0", "10", 8, 9000, "60"),
        swf_line(2, "0", "-1", 8, 8, "60"),
        swf_line(3, "-1", "10", 8, 8, "60"),
        "4 0 -1 10 8 -1 -1 8 60 -1 3 1 -1 -1 -1 -1 -1 -1".to_owned(),
        "5 0 -1 10 8 -1 -1 8 60 -1 five 1 -1 -1 -1 -1 -1 -1".to_owned(),
        swf_line(6, "0", "-5", 8, 8, "60"),
        swf_line(7, "1", "10", 8, 8, "60"),
    ]
    .join("\n");
    let mapping = SwfMapping {
        max_procs: Some(8192),
        ..SwfMapping::default()
    };
    let items = map_text(&text, mapping);
    let errors: Vec<&str> = items
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(String::as_str)
        .collect();
    assert_eq!(
        errors,
        [
            "line 1: SWF job 1 skipped: it asks for 9000 processors but the machine has 8192",
            "line 2: SWF job 2 skipped: its run time (field 4) is unknown",
            "line 3: SWF job 3 skipped: its submit time (field 2) is unknown",
            "line 4: SWF job 4 skipped: status 3 marks a partial-execution record (a checkpointed or swapped job), which is not replayed",
            "line 5 skipped: unreadable line `5 0 -1 10 8 -1 -1 8 60 -1 five 1 -1 -1 -1 -1 -1 -1`: field 11 (status) `five` is not a number",
            "line 6: SWF job 6 skipped: its run time (field 4) is negative (-5)",
        ]
    );
    // Reading went on after every bad line.
    let last = items[6].as_ref().unwrap();
    assert_eq!((last.index, last.line, last.submit), (1, 7, Timestamp(1)));
    // The typed reason is there for callers that count.
    let skipped = SwfMapping::default()
        .jobs(SwfReader::new(swf_line(1, "0", "-1", 1, 1, "1").as_bytes()).unwrap())
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (skipped.line, skipped.job_number, skipped.reason),
        (1, Some(1), SkipReason::NoRunTime)
    );
}

#[test]
fn bad_lines_are_reported_with_their_number_and_reading_goes_on() {
    let text = "; MaxNodes: 4\n\
                1 0 -1 10 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n\
                \n\
                2 0 -1 10 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1\n\
                3 0 -1 10 1.5 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n\
                ; a comment after jobs\n\
                4 0 -1 10 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
    let items: Vec<_> = SwfReader::new(text.as_bytes()).unwrap().collect();
    assert_eq!(items.len(), 4);
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 4: `2 0 -1 10 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1`: expected 18 fields, found 16"
    );
    let e = items[2].as_ref().unwrap_err();
    assert_eq!((e.line, e.value.as_deref()), (5, Some("1.5")));
    assert_eq!(e.kind, SwfLineErrorKind::NotAnInteger { field: 5 });
    assert_eq!(items[3].as_ref().unwrap().line, 7);
}

// ---------------------------------------------------------------------------------------
// SWF: the cluster from the header.
// ---------------------------------------------------------------------------------------

fn header_of(text: &str) -> hpcsched::SwfHeader {
    SwfReader::new(text.as_bytes()).unwrap().header().clone()
}

#[test]
fn cluster_conf_from_the_ricc_header_is_accepted() {
    let reader = swf::open(data(RICC)).unwrap();
    let conf = swf_cluster_conf(reader.header()).unwrap();
    assert_eq!(
        conf,
        "# The machine of an SWF trace header (MaxNodes 1024, MaxProcs 8192), written by hpcsched.\n\
         # Cores are the consumable resource; memory never constrains a replayed job.\n\
         # Jobs are taken in submit order, as in the FCFS and EASY of the literature.\n\
         SelectTypeParameters=CR_Core\n\
         PriorityType=priority/basic\n\
         NodeName=n[0001-1024] CPUs=8\n\
         PartitionName=swf Nodes=n[0001-1024] Default=YES MaxTime=UNLIMITED State=UP\n"
    );
    let cluster = Cluster::from_slurm_conf(&conf).unwrap();
    assert!(cluster.warnings().is_empty(), "{:?}", cluster.warnings());
    assert_eq!(cluster.config().select_type_parameters, "CR_Core");
    assert_eq!(cluster.nodes().len(), 1024);
    assert!(cluster.nodes().all(|n| n.cpus == 8));
    assert_eq!(cluster.node_at(0).unwrap().name, "n0001");
    assert_eq!(cluster.node_at(1023).unwrap().name, "n1024");
    let part = cluster.default_partition().unwrap();
    assert_eq!((part.name.as_str(), part.nodes.len()), ("swf", 1024));
    assert_eq!(part.max_time, TimeLimit::Unlimited);
    // A mapped RICC job resolves on it.
    let (_, jobs) = read_all(RICC);
    let job = SwfMapping::from_header(reader.header())
        .map(&jobs[1], 2)
        .unwrap();
    let resolved = cluster.resolve(&job.request).unwrap();
    assert_eq!((resolved.partition(), resolved.ntasks()), ("swf", 128));
}

#[test]
fn cluster_conf_shapes_and_errors() {
    let conf = |h: &str| swf_cluster_conf(&header_of(h));
    // lublin: no MaxProcs: one CPU per node.
    let lublin = conf("; MaxNodes: 256\n").unwrap();
    assert!(lublin.contains("NodeName=n[001-256] CPUs=1\n"), "{lublin}");
    assert!(lublin.contains("(MaxNodes 256, no MaxProcs)"));
    // MaxProcs only: that many one-CPU nodes.
    let procs = conf("; MaxProcs: 12\n").unwrap();
    assert!(procs.contains("NodeName=n[01-12] CPUs=1\n"), "{procs}");
    let single = conf("; MaxNodes: 1\n; MaxProcs: 64\n").unwrap();
    assert!(single.contains("NodeName=n1 CPUs=64\nPartitionName=swf Nodes=n1 "));
    for text in [lublin, procs, single] {
        let cluster = Cluster::from_slurm_conf(&text).unwrap();
        assert!(cluster.warnings().is_empty());
    }
    assert_eq!(conf("; Version: 2\n"), Err(SwfClusterError::NoMachineSize));
    assert_eq!(
        conf("; MaxNodes: 0\n; MaxProcs: -1\n"),
        Err(SwfClusterError::NoMachineSize)
    );
    assert_eq!(
        conf("; MaxNodes: 3\n; MaxProcs: 10\n")
            .unwrap_err()
            .to_string(),
        "the SWF header's MaxProcs (10) is not a multiple of its MaxNodes (3): give the cluster (a slurm.conf) that describes the machine"
    );
    assert_eq!(
        conf("; MaxNodes: 1\n; MaxProcs: 70000\n"),
        Err(SwfClusterError::TooManyCpus { cpus: 70_000 })
    );
    assert_eq!(
        conf("").unwrap_err().to_string(),
        "the SWF header gives neither MaxNodes nor MaxProcs: give the cluster (a slurm.conf) that describes the machine"
    );
}

// ---------------------------------------------------------------------------------------
// The whole logs (shared/traces beside the repository), when present.
// ---------------------------------------------------------------------------------------

fn traces_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    [beside, PathBuf::from("/work/shared/traces")]
        .into_iter()
        .find(|d| d.join("README.md").is_file())
}

/// Every line of the four bundled logs parses and maps, with the counts measured
/// independently (awk/Python) when the traces were collected: jobs, rows without requested
/// processors or time (field 8/9 = -1), zero run times, the widest job. About 2 s in a
/// debug build. Skipped, with a note, where shared/traces is not beside the repository.
#[test]
fn the_bundled_logs_parse_completely() {
    let Some(dir) = traces_dir() else {
        eprintln!("note: shared/traces not found beside the repository; skipped");
        return;
    };
    // (file, jobs, f8 == -1, f9 == -1, run == 0, widest job)
    let expected: [(&str, usize, usize, usize, usize, i64); 4] = [
        ("lublin_256.swf", 10_000, 10_000, 10_000, 0, 256),
        (
            "NASA-iPSC-1993-3.1-cln.swf.gz",
            18_239,
            18_239,
            18_239,
            173,
            128,
        ),
        ("theta_2022.swf.gz", 23_911, 0, 0, 0, 4_048),
        ("RICC-2010-2.swf.gz", 447_794, 2, 2, 10, 8_192),
    ];
    for (name, count, no_req_procs, no_req_time, zero_run, widest) in expected {
        let reader = swf::open(dir.join(name)).unwrap();
        let mapping = SwfMapping::from_header(reader.header());
        let (mut jobs, mut np, mut nt, mut zr, mut wide, mut mapped) = (0, 0, 0, 0, 0, 0);
        let mut previous_submit = f64::MIN;
        for item in reader {
            let job = item.unwrap_or_else(|e| panic!("{name}: {e}"));
            jobs += 1;
            np += usize::from(job.requested_procs.is_none());
            nt += usize::from(job.requested_time.is_none());
            zr += usize::from(job.run_time == Some(0.0));
            wide = wide.max(job.requested_procs.or(job.allocated_procs).unwrap());
            let submit = job.submit_time.unwrap();
            assert!(submit >= previous_submit, "{name}: sorted by submit time");
            previous_submit = submit;
            mapping
                .map(&job, 1)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            mapped += 1;
        }
        assert_eq!(
            (jobs, np, nt, zr, wide, mapped),
            (count, no_req_procs, no_req_time, zero_run, widest, count),
            "{name}"
        );
    }
}

/// Parse speed on the whole RICC log (447,794 jobs). Prints; asserts nothing about time.
/// `cargo test --release --test workload -- --ignored ricc_parse_speed --nocapture`
#[test]
#[ignore = "a timing, for release builds"]
fn ricc_parse_speed() {
    let Some(dir) = traces_dir() else {
        eprintln!("note: shared/traces not found beside the repository; skipped");
        return;
    };
    let path = dir.join("RICC-2010-2.swf.gz");
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut plain)
        .unwrap();
    let t = std::time::Instant::now();
    let n = SwfReader::new(plain.as_slice()).unwrap().flatten().count();
    let parse = t.elapsed();
    let t = std::time::Instant::now();
    let reader = swf::open(&path).unwrap();
    let mapping = SwfMapping::from_header(reader.header());
    let m = mapping.jobs(reader).flatten().count();
    let total = t.elapsed();
    assert_eq!((n, m), (447_794, 447_794));
    eprintln!(
        "RICC: parse of {} MB of text {parse:?}; gunzip + parse + map {total:?}",
        plain.len() / 1_000_000
    );
}

// ---------------------------------------------------------------------------------------
// Job lists.
// ---------------------------------------------------------------------------------------

fn line_error(text: &str) -> (usize, String, JobListReason, String) {
    match parse_job_list(text).unwrap_err() {
        e @ WorkloadError::Line { .. } => {
            let message = e.to_string();
            let WorkloadError::Line { line, text, reason } = e else {
                unreachable!()
            };
            (line, text, reason, message)
        }
        other => panic!("{other}"),
    }
}

#[test]
fn job_list_syntax() {
    let text = "\
# A scenario: comments and blank lines are ignored.

0 3600 alice -p CPU-16 -N 3 -t 60 -J A
   0\t600:1   bob -n 4 -t 20 -J B   # fails with exit code 1
30 1:00:00 alice -t 2:00:00 -d afterok:A
30 1-00:00:00:2 carol --job-name='two words' --comment \"a \\\"quoted\\\" text\" -t 1-0
45 0 dave
50 10:30 erin
";
    let jobs = parse_job_list(text).unwrap();
    assert_eq!(jobs.len(), 6);
    let summary: Vec<_> = jobs
        .iter()
        .map(|j| {
            (
                j.index,
                j.line,
                j.submit.as_secs(),
                j.runtime.as_secs(),
                j.exit_code,
                j.user.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, 3, 0, 3600, 0, "alice"),
            (2, 4, 0, 600, 1, "bob"),
            (3, 5, 30, 3600, 0, "alice"),
            (4, 6, 30, 86_400, 2, "carol"),
            (5, 7, 45, 0, 0, "dave"),
            // Not MM:SS: one `:` is always SECONDS:EXIT.
            (6, 8, 50, 10, 30, "erin"),
        ]
    );
    let a = &jobs[0].request;
    assert_eq!(a.partitions, ["CPU-16"]);
    assert_eq!(a.nodes, Some(NodeCount { min: 3, max: 3 }));
    assert_eq!(a.time_limit, limit(3600));
    assert_eq!(a.job_name.as_deref(), Some("A"));
    assert_eq!(a.user, None, "the user is the line's USER, not --uid");
    assert_eq!(jobs[1].request.ntasks, Some(4));
    let c = &jobs[3].request;
    assert_eq!(c.job_name.as_deref(), Some("two words"));
    assert_eq!(c.comment.as_deref(), Some("a \"quoted\" text"));
    assert_eq!(c.time_limit, limit(86_400));
    assert_eq!(jobs[4].request, hpcsched::JobRequest::default());
    assert_eq!(parse_job_list("").unwrap(), []);
    assert_eq!(parse_job_list("# only\n\n  # comments\n").unwrap(), []);
    // CRLF line ends.
    assert_eq!(parse_job_list("0 1 a -J x\r\n1 1 b\r\n").unwrap().len(), 2);
}

#[test]
fn dependencies_by_name_and_by_position_become_positions() {
    let text = "\
0 60 u -J A
0 60 u -J B -a 1-4
0 60 u -J A
10 60 u -d afterok:A
10 60 u --dependency=afternotok:1?afterany:B_2
10 60 u -Hdafter:A+5:2
10 60 u --dep afterok:B,singleton,afterany:4
10 60 u -J my_job
10 60 u -d afterany:my_job:B_[1-2]
10 60 u -d 1,A
";
    let jobs = parse_job_list(text).unwrap();
    let dep = |i: usize| jobs[i].request.dependency.as_deref().unwrap().clone();
    // The most recent earlier job named A is the 3rd.
    assert_eq!(dep(3).to_string(), "afterok:3");
    let d = dep(4);
    assert_eq!(d.combinator, Combinator::Any);
    assert_eq!(
        d.targets().collect::<Vec<_>>(),
        [
            DependencyTarget::Job(JobId(1)),
            DependencyTarget::Task(JobId(2), 2)
        ]
    );
    let d = dep(5);
    assert!(jobs[5].request.hold);
    assert_eq!(
        d.items[0],
        DependencyItem::On {
            kind: DependencyKind::After,
            target: DependencyTarget::Job(JobId(3)),
            delay: Some(Duration::from_mins(5)),
        }
    );
    assert_eq!(d.to_string(), "after:3+5:2");
    assert_eq!(dep(6).to_string(), "afterok:2,singleton,afterany:4");
    assert_eq!(
        dep(8).to_string(),
        "afterany:8:2_1:2_2",
        "a whole name wins over NAME_TASK"
    );
    assert_eq!(
        dep(9).to_string(),
        "afterany:1:3",
        "bare references are afterany"
    );
    // Positions only ever point backwards.
    assert!(jobs.iter().all(|j| {
        j.request
            .dependency
            .as_deref()
            .is_none_or(|d| d.targets().all(|t| t.job().0 < j.index))
    }));
}

#[test]
fn job_list_errors() {
    let cases: [(&str, &str); 18] = [
        (
            "0 60",
            "line 1: `0 60`: expected SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]",
        ),
        (
            "x 60 alice",
            "line 1: `x`: the submit time must be a whole number of seconds",
        ),
        (
            "-5 60 alice",
            "line 1: `-5`: the submit time must be a whole number of seconds",
        ),
        (
            "1.5 60 alice",
            "line 1: `1.5`: the submit time must be a whole number of seconds",
        ),
        (
            "10 60 a\n5 60 b",
            "line 2: `5`: the submit time is before the previous job's (10): jobs must be listed in submit order",
        ),
        (
            "0 1:02:03:04:05 alice",
            "line 1: `1:02:03:04:05`: the run time must be seconds (`600`), `HH:MM:SS` or `D-HH:MM:SS`, optionally followed by `:EXIT`",
        ),
        (
            "0 1h alice",
            "line 1: `1h`: the run time must be seconds (`600`), `HH:MM:SS` or `D-HH:MM:SS`, optionally followed by `:EXIT`",
        ),
        (
            "0 60:300 alice",
            "line 1: `60:300`: the exit code must be a number from 0 to 255",
        ),
        (
            "0 60 -N 2",
            "line 1: `-N`: expected a user name before the sbatch options",
        ),
        (
            "0 60 alice -N 2 -J 'x",
            "line 1: `0 60 alice -N 2 -J 'x`: unterminated ' quote",
        ),
        (
            "0 60 alice -J \"x",
            "line 1: `0 60 alice -J \"x`: unterminated \" quote",
        ),
        (
            "0 60 alice -J x\\",
            "line 1: `0 60 alice -J x\\`: a line cannot end with `\\`",
        ),
        (
            "0 60 alice --frob",
            "line 1: `--frob`: unrecognized option `--frob`",
        ),
        (
            "0 60 alice -N 2 run.sh",
            "line 1: `run.sh`: not an sbatch option (a job-list line has no script path or script arguments)",
        ),
        (
            "0 60 a -J A\n0 60 b -d afterok:B",
            "line 2: `B`: no earlier job in the file has this name (`-J`)",
        ),
        (
            "0 60 a -J A\n0 60 b -d afterok:2",
            "line 2: `2`: job 2 is not earlier in the file (this is job 2)",
        ),
        (
            "0 60 a -d afterany:1_3",
            "line 1: `1`: job 1 is not earlier in the file (this is job 1)",
        ),
        (
            "0 60 a\n0 60 b -d afterok:0",
            "line 2: `0`: job 0 is not earlier in the file (this is job 2)",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(
            parse_job_list(text).unwrap_err().to_string(),
            message,
            "{text:?}"
        );
    }
    // A later job's name is unknown at the line that refers to it.
    let (line, text, reason, _) = line_error("0 1 a -d afterok:Later\n0 1 b -J Later\n");
    assert_eq!(
        (line, text.as_str(), reason),
        (1, "Later", JobListReason::UnknownJobName)
    );
    // sbatch's own errors come through typed.
    let (_, text, reason, message) = line_error("# c\n0 1 a -N 2 --mem=1G --mem-per-cpu=1G\n");
    assert_eq!(text, "-N 2 --mem=1G --mem-per-cpu=1G");
    assert!(matches!(
        reason,
        JobListReason::Option(OptionError::Conflict { .. })
    ));
    assert_eq!(
        message,
        "line 2: `-N 2 --mem=1G --mem-per-cpu=1G`: `--mem` and `--mem-per-cpu` are mutually exclusive"
    );
    let (_, _, reason, _) = line_error("0 1 a -d afterok:1,afterok:2?afterok:3");
    assert!(matches!(
        reason,
        JobListReason::NotEarlier { target: 1, this: 1 }
    ));
    let (_, _, reason, message) = line_error("0 1 a -J A\n1 1 b -d afterok:A,afterok:A?afterok:A");
    assert!(matches!(
        reason,
        JobListReason::Option(OptionError::InvalidValue { .. })
    ));
    assert!(message.contains("`,` and `?` cannot be mixed"), "{message}");
    // All or nothing: a good first line does not come back with the error.
    assert!(parse_job_list("0 1 a\nbad").is_err());
}

#[test]
fn job_list_file() {
    let jobs = read_job_list(data("scenario.jobs")).unwrap();
    assert_eq!(jobs.len(), 6);
    assert_eq!(
        jobs[5].request.dependency.as_deref().unwrap().to_string(),
        "afternotok:4"
    );
    let err = read_job_list(data("missing.jobs")).unwrap_err();
    assert!(matches!(err, WorkloadError::Read { .. }));
    assert_eq!(err.line(), None);
    assert!(err.to_string().contains("missing.jobs"), "{err}");
}

#[test]
fn job_list_render_round_trip_on_the_scenario() {
    let jobs = read_job_list(data("scenario.jobs")).unwrap();
    let rendered = render_job_list(&jobs);
    let again = parse_job_list(&rendered).unwrap();
    assert_eq!(again.len(), jobs.len());
    for (a, b) in jobs.iter().zip(&again) {
        assert_eq!(
            (
                a.index,
                a.submit,
                a.runtime,
                a.exit_code,
                &a.user,
                &a.request
            ),
            (
                b.index,
                b.submit,
                b.runtime,
                b.exit_code,
                &b.user,
                &b.request
            )
        );
    }
    assert_eq!(render_job_list(&again), rendered);
}

// ---------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------

/// Words that make job-list lines interesting: options, references, quotes, times.
fn job_list_word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-J".to_owned()),
        Just("-d".to_owned()),
        Just("--dependency=afterok:A".to_owned()),
        Just("afterok:A".to_owned()),
        Just("afterany:1_2+3".to_owned()),
        Just("-N".to_owned()),
        Just("2".to_owned()),
        Just("A".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("#".to_owned()),
        Just("--".to_owned()),
        Just("60:1".to_owned()),
        Just("1-00:00:00".to_owned()),
        Just("\n".to_owned()),
        "[ -~]{0,8}",
    ]
}

fn swf_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1.5".to_owned()),
        Just(";".to_owned()),
        Just("MaxProcs:".to_owned()),
        Just("\n".to_owned()),
        (-100i64..100_000).prop_map(|v| v.to_string()),
        "[ -~]{0,6}",
    ]
}

fn opt_i64() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        (-1_000_000i64..1_000_000)
            .prop_filter("not -1", |v| *v != -1)
            .prop_map(Some)
    ]
}

fn opt_f64() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        (-1.0e9f64..1.0e9)
            .prop_filter("not -1", |v| v.to_bits() != (-1.0f64).to_bits())
            .prop_map(Some),
        (0u32..100_000).prop_map(|v| Some(f64::from(v))),
    ]
}

prop_compose! {
    fn swf_job()(
        job_number in -5i64..1_000_000,
        times in proptest::array::uniform8(opt_f64()),
        ints in proptest::array::uniform10(opt_i64()),
    ) -> SwfJob {
        SwfJob {
            line: 1,
            job_number,
            submit_time: times[0],
            wait_time: times[1],
            run_time: times[2],
            allocated_procs: ints[0],
            average_cpu_time: times[3],
            used_memory: times[4],
            requested_procs: ints[1],
            requested_time: times[5],
            requested_memory: times[6],
            status: ints[2],
            user_id: ints[3],
            group_id: ints[4],
            executable: ints[5],
            queue: ints[6],
            partition: ints[7],
            preceding_job: ints[8],
            think_time: times[7],
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn swf_reader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(reader) = SwfReader::new(bytes.as_slice()) {
            let header_lines = reader.header().line_count();
            for item in reader {
                let line = match item { Ok(j) => j.line, Err(e) => e.line };
                prop_assert!(line > header_lines);
            }
        }
        // Through the gzip detector too.
        if let Ok(input) = swf::decompressed(std::io::Cursor::new(bytes))
            && let Ok(reader) = SwfReader::new(input)
        {
            let mapping = SwfMapping { whole_nodes: true, cpus_per_node: 0, max_procs: Some(3) };
            for _ in mapping.jobs(reader) {}
        }
    }

    #[test]
    fn swf_reader_and_mapping_never_panic_on_swf_like_text(
        tokens in proptest::collection::vec(swf_token(), 0..80),
    ) {
        let text = tokens.join(" ");
        if let Ok(reader) = SwfReader::new(text.as_bytes()) {
            let _ = swf_cluster_conf(reader.header());
            let mapping = SwfMapping::from_header(reader.header());
            for job in mapping.jobs(reader).flatten() {
                prop_assert!(job.index >= 1);
                prop_assert!(job.request.time_limit.is_some());
            }
        }
    }

    #[test]
    fn swf_job_line_round_trip(job in swf_job()) {
        let line = job.to_string();
        let parsed = SwfReader::new(line.as_bytes()).unwrap().next().unwrap().unwrap();
        prop_assert_eq!(parsed, job);
    }

    #[test]
    fn job_list_parser_never_panics(text in "[ -~\n\t]{0,200}") {
        let _ = parse_job_list(&text);
    }

    #[test]
    fn job_list_parser_never_panics_on_word_soup(
        lines in proptest::collection::vec(
            (0u64..20, proptest::collection::vec(job_list_word(), 0..8)),
            0..6,
        ),
    ) {
        let mut text = String::new();
        for (t, words) in &lines {
            text.push_str(&t.to_string());
            text.push_str(" 60 u ");
            text.push_str(&words.join(" "));
            text.push('\n');
        }
        if let Ok(jobs) = parse_job_list(&text) {
            for job in &jobs {
                if let Some(dep) = job.request.dependency.as_deref() {
                    prop_assert!(dep.targets().all(|t| t.job().0 < job.index));
                }
            }
        }
    }

    #[test]
    fn job_list_render_parse_round_trip(
        jobs in proptest::collection::vec(
            (0u64..100, 0u64..100_000, 0i32..256, "[a-z][a-z0-9_.' #-]{0,6}",
             proptest::option::of("[A-Za-z0-9 _'\"#$-]{1,8}"), 1u32..5, proptest::option::of(0usize..4)),
            1..6,
        ),
    ) {
        let mut text = String::new();
        let mut submit = 0;
        for (i, (dt, run, exit, user, name, nodes, dep)) in jobs.iter().enumerate() {
            submit += dt;
            let mut job = hpcsched::sbatch::parse_args(&["-N", &nodes.to_string()]).unwrap();
            job.job_name.clone_from(name);
            if let Some(d) = dep.filter(|&d| d < i) {
                job.dependency = Some(Box::new(format!("afterok:{}", d + 1).parse().unwrap()));
            }
            let user = format!("x{user}");
            let w = WorkloadJob::new(i as u32 + 1, Timestamp(submit), secs(*run), *exit, user, job, i + 1);
            text.push_str(&w.to_job_list_line());
            text.push('\n');
        }
        let parsed = parse_job_list(&text).unwrap();
        prop_assert_eq!(parsed.len(), jobs.len());
        prop_assert_eq!(render_job_list(&parsed), text);
    }
}
