//! The README's Rust example, kept honest.

#[test]
fn readme_rust_example() -> Result<(), hpcsched::Error> {
    use hpcsched::{Cluster, JobRequest};

    let cluster = Cluster::from_slurm_conf(
        "NodeName=cpu[1-4] CPUs=16 RealMemory=128000\n\
         PartitionName=batch Nodes=cpu[1-4] Default=YES MaxTime=1-00:00:00\n",
    )?;
    let request = JobRequest::from_script("#!/bin/bash\n#SBATCH -N 2 -t 2:00:00\nsrun hostname\n")?;
    let job = cluster.resolve(&request)?;
    assert_eq!(job.partition(), "batch");
    assert_eq!(request.to_args(), ["--nodes=2", "--time=02:00:00"]);
    Ok(())
}

#[test]
fn readme_scheduling_example() -> Result<(), Box<dyn std::error::Error>> {
    use hpcsched::{Cluster, Decision, Scheduler, Timestamp};

    let cluster = Cluster::from_slurm_conf(
        "NodeName=n[1-4] CPUs=16 RealMemory=64000\n\
         PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE\n",
    )?;
    let mut sched = Scheduler::new(cluster);
    let a = sched.submit(
        &hpcsched::sbatch::parse_args(&["-N3", "-t", "60"])?,
        "alice",
        Timestamp(0),
    )?;
    let b = sched.submit(
        &hpcsched::sbatch::parse_args(&["-N4", "-t", "60"])?,
        "bob",
        Timestamp(0),
    )?;
    let mut started = Vec::new();
    for decision in sched.schedule(Timestamp(0)) {
        if let Decision::Start { job, nodes, .. } = decision {
            started.push((job, nodes.len()));
        }
    }
    assert_eq!(started, [(a, 3)]);
    assert_eq!(
        (sched.estimates()[0].job, sched.estimates()[0].start),
        (b, Some(Timestamp(3600)))
    );
    sched.job_finished(a, Timestamp(3000), 0)?;
    // Nothing runs now; the next thing due is B's planned start.
    assert_eq!(
        sched.next_event_time(Timestamp(3000)),
        Some(Timestamp(3600))
    );
    Ok(())
}

#[test]
fn every_option_is_named_in_the_compatibility_notes() {
    let doc = include_str!("../docs/slurm-compatibility.md");
    let notes = doc
        .split("## Options and keys")
        .nth(1)
        .expect("docs/slurm-compatibility.md has an \"Options and keys\" section");
    for client in [
        hpcsched::Client::Sbatch,
        hpcsched::Client::Srun,
        hpcsched::Client::Salloc,
    ] {
        for o in hpcsched::sbatch::options(client) {
            assert!(
                notes.contains(&format!("`--{}`", o.long))
                    || notes.contains(&format!("`--{}=", o.long))
                    || notes.contains(&format!("`--{}[", o.long)),
                "{client} --{} is not in the \"Options and keys\" section",
                o.long
            );
        }
    }
}

/// The README's "Layout" table names every folder of the repository.
#[test]
fn readme_layout_lists_every_folder() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let layout = readme
        .split("## Layout\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    // Folders that are the build's, a tool's or a machine's, not the repository's.
    let skipped = |name: &str| {
        name.starts_with('.') && name != ".ci"
            || ["target", "__pycache__", "node_modules", "wheels"].contains(&name)
            || name.ends_with(".egg-info")
    };
    let mut missing = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() || skipped(&name) {
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !layout.contains(&format!("`{rel}/`")) {
                missing.push(rel);
            }
            stack.push(path);
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "folders missing from README's Layout: {missing:?}"
    );
}

#[test]
fn readme_replay_example() -> Result<(), Box<dyn std::error::Error>> {
    use hpcsched::record::RecordRow;
    use hpcsched::replay::{Replay, ReplaySettings, WorkloadInput};

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = WorkloadInput::open(root.join("examples/workloads/RICC-2010-2-first3000.swf.gz"))?;
    let mut settings = ReplaySettings::default();
    settings.first = Some(500);
    let mut replay = Replay::new(None, input, &settings)?;
    let mut rows = Vec::new();
    let outcome = replay.run(&mut |r: &hpcsched::JobRecord| rows.push(RecordRow::from(r)))?;
    assert_eq!(outcome.submitted, 500);
    assert_eq!(rows.len(), 500);
    assert!(outcome.metrics.to_string().starts_with("Jobs "));
    Ok(())
}
