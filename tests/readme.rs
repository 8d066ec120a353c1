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
