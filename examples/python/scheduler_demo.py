"""A host loop around hpcsched.Scheduler: the classic backfill picture on four nodes.

The "host" here is a tiny discrete-event simulation: it runs every job for its full time
limit, reports it finished, and calls schedule() whenever something happens or the
scheduler asks to be called back. Run it after installing the wheel:

    python examples/python/scheduler_demo.py
"""

import hpcsched

SLURM_CONF = """\
NodeName=n[1-4] CPUs=16 RealMemory=64000
PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE
"""

JOBS = [  # name, user, sbatch options
    ("A", "alice", ["-N3", "-t", "60"]),
    ("B", "bob", ["-N4", "-t", "60"]),
    ("C", "carol", ["-N1", "-t", "30"]),
    ("D", "dave", ["-N1", "-t", "120"]),
]


def main() -> None:
    sched = hpcsched.Scheduler(hpcsched.Cluster.from_slurm_conf(SLURM_CONF))
    for name, user, options in JOBS:
        sched.submit(hpcsched.JobRequest.from_args(["-J", name, *options]), user, now=0)

    now = 0
    ends: dict[int, int] = {}  # job id -> when the host will see it finish
    while True:
        decisions = sched.schedule(now)
        for d in decisions:
            print(f"t={now:>5}  {d.kind:<5} job {d.job} {','.join(d.node_names)}")
            if d.kind == "start":
                job = sched.job(d.job)
                assert job is not None and isinstance(job.time_limit, int)
                ends[d.job] = now + job.time_limit
        if decisions:  # Backfill also wakes up every bf_interval; show only changes.
            for e in sched.estimates():
                print(f"         pending {e.display_id}: start {e.start} on {','.join(e.nodes)} ({e.reason})")
        # Next thing that happens: a job ends, or the scheduler wants a pass.
        candidates = list(ends.values())
        wake = sched.next_event_time(now)
        if wake is not None and ends:
            candidates.append(wake)
        if not candidates:
            break
        now = min(candidates)
        for job, end in sorted(ends.items()):
            if end == now:
                # Just before the limit would stop it: report a clean finish.
                sched.job_finished(job, now)
                del ends[job]

    print()
    print(f"{'JOBID':<6}{'NAME':<5}{'USER':<7}{'STATE':<11}{'START':>6}{'END':>7}")
    for j in sched.jobs():
        print(f"{j.id:<6}{j.name:<5}{j.user:<7}{j.state:<11}{j.start_time!s:>6}{j.end_time!s:>7}")


if __name__ == "__main__":
    main()
