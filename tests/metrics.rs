//! Metrics and record export over records produced by a real `Scheduler`.
//!
//! - a small scenario whose statistics are worked out by hand (waits, nearest-rank p95,
//!   bounded slowdown, utilization overall and per partition, a job cancelled while
//!   pending);
//! - CSV rows read back with an RFC 4180 reader written here (a hostlist with a comma, a
//!   job name with quotes), JSON lines read back through `serde_json::Value`;
//! - empty input;
//! - a property over random workloads played with an event loop, feeding the metrics the
//!   records `purge_finished` hands back as jobs leave: the summary never panics, its
//!   counts add up, the mean/median/p95 waits lie between the smallest and largest wait,
//!   utilization never exceeds 1 on a cluster without oversubscription, and the summary
//!   does not depend on the order the records came in.

use hpcsched::metrics::Metrics;
use hpcsched::record::{CsvWriter, JsonLinesWriter, RecordRow, write_csv, write_json_lines};
use hpcsched::sbatch::parse_args;
use hpcsched::{
    Cluster, Decision, Duration, JobId, JobRecord, JobState, Scheduler, Summary, Timestamp,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn submit(s: &mut Scheduler, args: &[&str], user: &str, at: u64) -> Result<JobId, String> {
    let request = parse_args(args).map_err(|e| e.to_string())?;
    s.submit(&request, user, Timestamp(at))
        .map_err(|e| e.to_string())
}

/// Starts of one `schedule(now)` call, by job.
fn starts(decisions: &[Decision]) -> Vec<JobId> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Start { job, .. } => Some(*job),
            _ => None,
        })
        .collect()
}

/// Two partitions of two 4-CPU nodes each; five jobs:
///
/// | job | user  | part | CPUs | submit | start | end | state     | wait | run | bsld |
/// |-----|-------|------|------|--------|-------|-----|-----------|------|-----|------|
/// | 1   | alice | a    | 8    | 0      | 0     | 100 | COMPLETED | 0    | 100 | 1    |
/// | 2   | bob   | a    | 4    | 10     | 100   | 400 | FAILED    | 90   | 300 | 1.3  |
/// | 3   | bob   | b    | 4    | 20     | 20    | 80  | TIMEOUT   | 0    | 60  | 1    |
/// | 4   | carol | b    | 8    | 30     | 80    | 85  | COMPLETED | 50   | 5   | 5.5  |
/// | 5   | carol | a    | 1    | 50     | -     | 60  | CANCELLED | -    | -   | -    |
fn scenario() -> Result<(Scheduler, Vec<JobRecord>), Box<dyn std::error::Error>> {
    let cluster = Cluster::from_slurm_conf(
        "NodeName=n[1-4] CPUs=4\n\
         PartitionName=a Nodes=n[1-2] Default=YES\n\
         PartitionName=b Nodes=n[3-4]\n",
    )?;
    let mut s = Scheduler::new(cluster);
    let j1 = submit(&mut s, &["-p", "a", "-n8", "-t", "10"], "alice", 0)?;
    assert_eq!(starts(&s.schedule(Timestamp(0))), [j1]);
    let j2 = submit(&mut s, &["-p", "a", "-n4", "-t", "10"], "bob", 10)?;
    assert!(starts(&s.schedule(Timestamp(10))).is_empty());
    let j3 = submit(&mut s, &["-p", "b", "-n4", "-t", "1"], "bob", 20)?;
    assert_eq!(starts(&s.schedule(Timestamp(20))), [j3]);
    let j4 = submit(&mut s, &["-p", "b", "-n8", "-t", "10"], "carol", 30)?;
    assert!(starts(&s.schedule(Timestamp(30))).is_empty());
    let j5 = submit(&mut s, &["-p", "a", "-n1", "-t", "10"], "carol", 50)?;
    assert!(starts(&s.schedule(Timestamp(50))).is_empty());
    s.cancel(j5, Timestamp(60))?;
    // j3 reaches its 1-minute limit; j4 takes partition b.
    let decisions = s.schedule(Timestamp(80));
    assert!(decisions.contains(&Decision::Stop {
        job: j3,
        state: JobState::Timeout
    }));
    assert_eq!(starts(&decisions), [j4]);
    s.job_finished(j4, Timestamp(85), 0)?;
    s.job_finished(j1, Timestamp(100), 0)?;
    assert_eq!(starts(&s.schedule(Timestamp(100))), [j2]);
    s.job_finished(j2, Timestamp(400), 1)?;
    let records = s.records(Timestamp(400));
    Ok((s, records))
}

fn summary_of(metrics: Metrics, records: &[JobRecord]) -> Summary {
    let mut metrics = metrics;
    for r in records {
        metrics.add(r);
    }
    metrics.summary()
}

fn secs(d: Option<Duration>) -> Option<u64> {
    d.map(Duration::as_secs)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn alloc_cpus_is_filled() -> TestResult {
    let (_, records) = scenario()?;
    let cpus: Vec<(u32, u64)> = records.iter().map(|r| (r.job.0, r.alloc_cpus)).collect();
    assert_eq!(cpus, [(1, 8), (2, 4), (3, 4), (4, 8), (5, 0)]);
    Ok(())
}

#[test]
fn statistics_by_hand() -> TestResult {
    let (s, records) = scenario()?;
    let summary = summary_of(Metrics::for_cluster(s.cluster()), &records);
    assert_eq!(summary.total_cpus, 16);
    let o = &summary.overall;
    assert_eq!((o.jobs, o.started, o.never_started, o.ran), (5, 4, 1, 4));
    assert_eq!(
        (o.completed, o.failed, o.timeout, o.cancelled, o.other_state),
        (2, 1, 1, 1, 0)
    );
    // Waits 0, 0, 50, 90.
    assert_eq!(o.mean_wait, Some(35.0));
    assert_eq!(o.median_wait, Some(25.0));
    assert_eq!(secs(o.p95_wait), Some(90)); // rank ⌈0.95 × 4⌉ = 4
    assert_eq!(secs(o.max_wait), Some(90));
    // (1 + 1.3 + 1 + 5.5) / 4
    assert!(close(o.mean_bounded_slowdown, 2.2), "{o:?}");
    // 8×100 + 4×300 + 4×60 + 8×5 CPU-seconds over 16 CPUs × 400 s.
    assert_eq!(o.cpu_seconds, 2280);
    assert_eq!(secs(o.makespan), Some(400));
    assert_eq!(o.utilization, Some(2280.0 / 6400.0));
    assert_eq!(o.throughput, Some(36.0));
    assert_eq!(
        (o.first_submit, o.first_start, o.last_end),
        (Some(Timestamp(0)), Some(Timestamp(0)), Some(Timestamp(400)))
    );

    let a = &summary.per_partition["a"];
    assert_eq!((a.jobs, a.started, a.cancelled), (3, 2, 1));
    assert_eq!((a.mean_wait, a.median_wait), (Some(45.0), Some(45.0)));
    // 2000 CPU-seconds over partition a's 8 CPUs × (400 − 0) s.
    assert_eq!(a.utilization, Some(2000.0 / 3200.0));
    let b = &summary.per_partition["b"];
    assert!(close(b.mean_bounded_slowdown, 3.25));
    // 280 CPU-seconds over b's 8 CPUs × its own window, submit 20 to end 85.
    assert_eq!(secs(b.makespan), Some(65));
    assert_eq!(b.utilization, Some(280.0 / 520.0));

    let users: Vec<&String> = summary.per_user.keys().collect();
    assert_eq!(users, ["alice", "bob", "carol"]);
    let carol = &summary.per_user["carol"];
    assert_eq!(
        (carol.jobs, carol.never_started, carol.mean_wait),
        (2, 1, Some(50.0))
    );
    assert_eq!(carol.utilization, None);
    Ok(())
}

#[test]
fn summary_as_json_and_text() -> TestResult {
    let (s, records) = scenario()?;
    let summary = summary_of(Metrics::for_cluster(s.cluster()), &records);
    let v = serde_json::to_value(&summary)?;
    assert_eq!(v["overall"]["p95_wait"], 90);
    assert_eq!(v["overall"]["never_started"], 1);
    assert_eq!(v["per_partition"]["a"]["utilization"], 0.625);
    assert!(v["per_user"]["alice"]["utilization"].is_null());
    let text = summary.to_string();
    assert!(
        text.contains("\nMedian wait       25s (25.0 s)\n"),
        "{text}"
    );
    assert!(
        text.contains("\nUtilization       35.6 % (2280 CPU-seconds over 16 CPUs x makespan)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\n  a             3        2        45s     45s  1m30s  1m30s  1.15  62.5 %\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\nTop users by job count (3 of 3)\n"),
        "{text}"
    );
    Ok(())
}

/// Reads RFC 4180 CSV (quoted fields may hold commas, doubled quotes and newlines).
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "unterminated last line");
    rows
}

/// Three 1-CPU nodes; the job `say "hi"` runs on n1 and n3 while another holds n2.
fn comma_hostlist() -> Result<Vec<JobRecord>, Box<dyn std::error::Error>> {
    let cluster = Cluster::from_slurm_conf(
        "NodeName=n[1-3] CPUs=1\nPartitionName=p Nodes=n[1-3] Default=YES\n",
    )?;
    let mut s = Scheduler::new(cluster);
    let ids: Vec<JobId> = (0..3)
        .map(|_| submit(&mut s, &["-n1", "-t", "10"], "alice", 0))
        .collect::<Result<_, _>>()?;
    assert_eq!(starts(&s.schedule(Timestamp(0))).len(), 3);
    s.job_finished(ids[0], Timestamp(10), 0)?;
    s.job_finished(ids[2], Timestamp(10), 0)?;
    let wide = submit(
        &mut s,
        &["-n2", "-J", "say \"hi\"", "-A", "phys", "-t", "5"],
        "bob",
        20,
    )?;
    assert_eq!(starts(&s.schedule(Timestamp(25))), [wide]);
    Ok(s.records(Timestamp(30)))
}

#[test]
fn csv_quotes_a_hostlist_with_a_comma() -> TestResult {
    let records = comma_hostlist()?;
    let mut out = Vec::new();
    write_csv(&records, &mut out)?;
    let text = String::from_utf8(out)?;
    let last = text.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "4,4,\"say \"\"hi\"\"\",bob,phys,p,RUNNING,0,20,25,25,,5,5,300,\"n[1,3]\",2,\"cpu=2,mem=2M,node=2\",0"
    );
    let rows = read_csv(&text);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0], RecordRow::COLUMNS);
    assert!(rows.iter().all(|r| r.len() == RecordRow::COLUMNS.len()));
    let col = |name: &str| {
        RecordRow::COLUMNS
            .iter()
            .position(|c| *c == name)
            .unwrap_or(usize::MAX)
    };
    let wide = &rows[4];
    assert_eq!(wide[col("nodes")], "n[1,3]");
    assert_eq!(wide[col("name")], "say \"hi\"");
    assert_eq!(wide[col("alloc_tres")], "cpu=2,mem=2M,node=2");
    assert_eq!(wide[col("end")], "", "still running: no end");
    // A finished 1-CPU job: wait 0, ran 10 s.
    assert_eq!(
        &rows[1][col("state")..=col("wait")],
        ["COMPLETED", "0", "0", "0", "0", "10", "0"]
    );
    Ok(())
}

#[test]
fn json_lines_round_trip_through_values() -> TestResult {
    let (_, mut records) = scenario()?;
    records.extend(comma_hostlist()?);
    let mut jsonl = JsonLinesWriter::new(Vec::new());
    for r in &records {
        jsonl.write_record(r)?;
    }
    let text = String::from_utf8(jsonl.into_inner())?;
    assert_eq!(text.lines().count(), records.len());
    assert!(text.ends_with('\n'));
    for (line, r) in text.lines().zip(&records) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut expected = RecordRow::COLUMNS.to_vec();
        expected.sort_unstable(); // serde_json's Map without preserve_order sorts keys
        assert_eq!(keys, expected);
        assert_eq!(v["job"], r.job.0);
        assert_eq!(v["display_id"], r.display_id.as_str());
        assert_eq!(v["name"], r.name.as_str());
        assert_eq!(v["user"], r.user.as_str());
        assert_eq!(v["account"].as_str(), r.account.as_deref());
        assert_eq!(v["state"], r.state.name());
        assert_eq!(v["exit_code"], r.exit_code);
        assert_eq!(v["submit"], r.submit.as_secs());
        assert_eq!(v["start"].as_u64(), r.start.map(Timestamp::as_secs));
        assert_eq!(v["end"].as_u64(), r.end.map(Timestamp::as_secs));
        assert_eq!(
            v["wait"].as_u64(),
            r.start.map(|s| s.as_secs() - r.submit.as_secs())
        );
        assert_eq!(v["elapsed"], r.elapsed.as_secs());
        assert_eq!(
            v["time_limit"].as_u64(),
            r.time_limit.duration().map(Duration::as_secs)
        );
        assert_eq!(v["nodes"], r.nodes.as_str());
        assert_eq!(v["alloc_cpus"], r.alloc_cpus);
        assert_eq!(v["alloc_tres"], r.alloc_tres.as_str());
    }
    // The failed job: exit code 1, wait 90.
    let failed: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap_or_default())?;
    assert_eq!(
        (failed["state"].as_str(), failed["exit_code"].as_i64()),
        (Some("FAILED"), Some(1))
    );
    assert_eq!(failed["wait"], 90);
    Ok(())
}

#[test]
fn empty_input() -> TestResult {
    let summary = Metrics::new(16).summary();
    let o = &summary.overall;
    assert_eq!((o.jobs, o.started, o.ran, o.cpu_seconds), (0, 0, 0, 0));
    assert_eq!(
        (o.mean_wait, o.median_wait, o.p95_wait, o.max_wait),
        (None, None, None, None)
    );
    assert_eq!(
        (o.mean_bounded_slowdown, o.utilization, o.throughput),
        (None, None, None)
    );
    assert_eq!((o.makespan, o.first_submit, o.last_end), (None, None, None));
    let text = summary.to_string();
    assert!(text.contains("\nMean wait         -\n"), "{text}");
    assert!(
        !text.contains("Per partition") && !text.contains("Top users"),
        "{text}"
    );
    let v = serde_json::to_value(&summary)?;
    assert!(v["overall"]["mean_wait"].is_null());
    let mut csv = Vec::new();
    write_csv(&[], &mut csv)?;
    assert_eq!(
        String::from_utf8(csv)?,
        format!("{}\n", RecordRow::COLUMNS.join(","))
    );
    let mut jsonl = Vec::new();
    write_json_lines(&[], &mut jsonl)?;
    assert!(jsonl.is_empty());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Random workloads

#[derive(Debug, Clone)]
struct JobSpec {
    gap: u64,
    user: usize,
    part: usize,
    ntasks: u32,
    limit_min: u64,
    run: u64,
    cancel_after: Option<u64>,
}

fn job_strategy() -> impl Strategy<Value = JobSpec> {
    (
        0u64..60,
        0usize..4,
        0usize..2,
        1u32..=8,
        1u64..=3,
        0u64..=240,
        prop::option::weighted(0.2, 0u64..120),
    )
        .prop_map(
            |(gap, user, part, ntasks, limit_min, run, cancel_after)| JobSpec {
                gap,
                user,
                part,
                ntasks,
                limit_min,
                run,
                cancel_after,
            },
        )
}

/// Plays `jobs` on nodes of `cpus` CPUs (partition p1: all nodes; p2: the first), and
/// returns the cluster's metrics fed as jobs are purged, every record in the order it
/// came, and the number of jobs accepted.
fn play(cpus: &[u32], jobs: &[JobSpec]) -> (Metrics, Vec<JobRecord>, usize) {
    let mut conf = String::from("MinJobAge=30\n");
    for (i, c) in cpus.iter().enumerate() {
        let _ = writeln!(conf, "NodeName=n{} CPUs={c}", i + 1);
    }
    let _ = writeln!(
        conf,
        "PartitionName=p1 Nodes=n[1-{}] Default=YES",
        cpus.len()
    );
    conf.push_str("PartitionName=p2 Nodes=n1\n");
    let cluster = Cluster::from_slurm_conf(&conf).expect("generated slurm.conf");
    let part_cpus = [cpus.iter().sum::<u32>(), cpus[0]];
    let mut s = Scheduler::new(cluster);
    let mut metrics = Metrics::for_cluster(s.cluster());
    let mut records = Vec::new();

    let mut arrivals = Vec::new();
    let mut t = 0;
    for spec in jobs {
        t += spec.gap;
        arrivals.push(t);
    }
    let mut next = 0;
    let mut spec_of: BTreeMap<JobId, usize> = BTreeMap::new();
    // Running jobs: (time the host ends it, or None when the time limit will).
    let mut running: BTreeMap<JobId, (u64, bool)> = BTreeMap::new();
    let mut cancels: Vec<(u64, JobId)> = Vec::new();
    let mut accepted = 0;
    let mut now = 0;
    let mut drained = false;
    for _ in 0..10_000 {
        let due: Vec<JobId> = running
            .iter()
            .filter(|(_, (at, by_host))| *by_host && *at == now)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            running.remove(&id);
            s.job_finished(id, Timestamp(now), i32::from(id.0 % 3 == 0))
                .expect("running job ends");
        }
        for &(_, id) in cancels.iter().filter(|(at, _)| *at == now) {
            // Pending or running: either way it ends now; already ended: refused.
            if s.cancel(id, Timestamp(now)).is_ok() {
                running.remove(&id);
            }
        }
        cancels.retain(|(at, _)| *at != now);
        while next < jobs.len() && arrivals[next] == now {
            let spec = &jobs[next];
            let ntasks = spec.ntasks.min(part_cpus[spec.part]).to_string();
            let limit = spec.limit_min.to_string();
            let part = ["p1", "p2"][spec.part];
            let user = ["ann", "ben", "cat", "dan"][spec.user];
            if let Ok(id) = submit(
                &mut s,
                &["-p", part, "-n", &ntasks, "-t", &limit],
                user,
                now,
            ) {
                accepted += 1;
                spec_of.insert(id, next);
                if let Some(after) = spec.cancel_after {
                    cancels.push((now + after, id));
                }
            }
            next += 1;
        }
        for d in s.schedule(Timestamp(now)) {
            match d {
                Decision::Start { job, .. } => {
                    let spec = &jobs[spec_of[&job]];
                    let limit = spec.limit_min * 60;
                    let entry = if spec.run < limit {
                        (now + spec.run, true)
                    } else {
                        (now + limit, false)
                    };
                    running.insert(job, entry);
                }
                Decision::Stop { job, .. } => {
                    running.remove(&job);
                }
                _ => {}
            }
        }
        for r in s.purge_finished(Timestamp(now)) {
            metrics.add(&r);
            records.push(r);
        }
        let candidates = [
            arrivals.get(next).copied(),
            running.values().map(|(at, _)| *at).min(),
            cancels.iter().map(|(at, _)| *at).min(),
        ];
        match candidates.into_iter().flatten().min() {
            Some(t) => now = t,
            None => {
                drained = true;
                break;
            }
        }
    }
    assert!(drained, "the event loop did not run out of events");
    for r in s.purge_finished(Timestamp(u64::MAX)) {
        metrics.add(&r);
        records.push(r);
    }
    // Jobs still in the system (none expected, but counted either way).
    for r in s.records(Timestamp(now)) {
        metrics.add(&r);
        records.push(r);
    }
    (metrics, records, accepted)
}

fn check_wait_bounds(
    name: &str,
    stats: &hpcsched::Stats,
    waits: &[u64],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(stats.started, waits.len() as u64, "{}", name);
    let (Some(&min), Some(&max)) = (waits.iter().min(), waits.iter().max()) else {
        prop_assert_eq!(stats.mean_wait, None);
        prop_assert_eq!(stats.median_wait, None);
        return Ok(());
    };
    let (min, max) = (min as f64, max as f64);
    let mean = stats.mean_wait.unwrap_or(f64::NAN);
    prop_assert!(
        min <= mean && mean <= max,
        "{}: mean {} not in [{}, {}]",
        name,
        mean,
        min,
        max
    );
    let median = stats.median_wait.unwrap_or(f64::NAN);
    prop_assert!(
        min <= median && median <= max,
        "{}: median {}",
        name,
        median
    );
    let p95 = stats.p95_wait.map_or(f64::NAN, |d| d.as_secs() as f64);
    prop_assert!(median <= p95 && p95 <= max, "{}: p95 {}", name, p95);
    prop_assert_eq!(stats.max_wait.map(|d| d.as_secs() as f64), Some(max));
    if let Some(b) = stats.mean_bounded_slowdown {
        prop_assert!(b >= 1.0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn summary_of_a_replay_is_consistent(
        cpus in prop::collection::vec(1u32..=8, 1..=4),
        jobs in prop::collection::vec(job_strategy(), 0..=25),
    ) {
        let (metrics, records, accepted) = play(&cpus, &jobs);
        let summary = metrics.summary();
        let _ = summary.to_string();
        let o = &summary.overall;
        prop_assert_eq!(o.jobs as usize, records.len());
        prop_assert_eq!(records.len(), accepted);
        prop_assert_eq!(o.started + o.never_started, o.jobs);
        prop_assert_eq!(
            o.completed + o.failed + o.timeout + o.cancelled + o.other_state,
            o.jobs
        );
        prop_assert_eq!(summary.per_partition.values().map(|s| s.jobs).sum::<u64>(), o.jobs);
        prop_assert_eq!(summary.per_user.values().map(|s| s.jobs).sum::<u64>(), o.jobs);
        prop_assert_eq!(summary.per_user.values().map(|s| s.cpu_seconds).sum::<u64>(), o.cpu_seconds);

        let waits = |keep: &dyn Fn(&JobRecord) -> bool| -> Vec<u64> {
            records
                .iter()
                .filter(|r| keep(r))
                .filter_map(|r| r.start.map(|s| s.as_secs() - r.submit.as_secs()))
                .collect()
        };
        check_wait_bounds("overall", o, &waits(&|_| true))?;
        for (name, stats) in &summary.per_partition {
            check_wait_bounds(name, stats, &waits(&|r| &r.partition == name))?;
        }
        for (name, stats) in &summary.per_user {
            check_wait_bounds(name, stats, &waits(&|r| &r.user == name))?;
        }

        // No oversubscription: the CPUs held never exceed the CPUs there are.
        if records.iter().all(|r| r.end.is_some()) {
            for stats in std::iter::once(o).chain(summary.per_partition.values()) {
                if let Some(u) = stats.utilization {
                    prop_assert!((0.0..=1.0 + 1e-9).contains(&u), "utilization {}", u);
                }
            }
        }

        // The order records come in changes nothing but float rounding.
        let mut sorted = records.clone();
        sorted.sort_by_key(|r| r.job);
        let mut again = Metrics::new(summary.total_cpus);
        for r in &sorted {
            again.add(r);
        }
        let again = again.summary();
        prop_assert_eq!(again.overall.mean_wait, o.mean_wait);
        prop_assert_eq!(again.overall.median_wait, o.median_wait);
        prop_assert_eq!(again.overall.p95_wait, o.p95_wait);
        prop_assert_eq!(again.overall.utilization, o.utilization);
        prop_assert_eq!(again.per_user.keys().collect::<Vec<_>>(), summary.per_user.keys().collect::<Vec<_>>());
        let (a, b) = (again.overall.mean_bounded_slowdown, o.mean_bounded_slowdown);
        prop_assert_eq!(a.is_some(), b.is_some());
        prop_assert!((a.unwrap_or(0.0) - b.unwrap_or(0.0)).abs() <= 1e-9 * b.unwrap_or(1.0));

        // Export: a header and one row per record, every row the same width.
        let mut csv = CsvWriter::new(Vec::new()).expect("in memory");
        for r in &records {
            csv.write_record(r).expect("in memory");
        }
        let rows = read_csv(&String::from_utf8(csv.into_inner()).expect("utf-8"));
        prop_assert_eq!(rows.len(), records.len() + 1);
        prop_assert!(rows.iter().all(|r| r.len() == RecordRow::COLUMNS.len()));
    }
}
