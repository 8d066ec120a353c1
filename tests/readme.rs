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
