//! Talking to the harness's Slurm: its commands, with the harness's `SLURM_CONF`.

use std::process::{Command, Output};

/// The harness's environment (`harness/env.sh`): state folder and slurm.conf.
pub fn state_dir() -> String {
    std::env::var("FIDELITY_STATE").unwrap_or_else(|_| {
        format!(
            "{}/hpcsched-fidelity",
            std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".into())
        )
    })
}

/// A Slurm command, run against the harness's cluster, as `user` (root: as is).
/// Returns stdout, or an error with the command, its status and stderr.
pub fn run_as(user: &str, program: &str, args: &[&str]) -> Result<String, String> {
    let out = output_as(user, program, args)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {}: {}: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// [`run_as`], returning the command's whole output, whatever its exit status: for
/// callers to whom a refusal is an answer (sbatch rejecting a job). Errs only when the
/// command could not be run at all.
pub fn output_as(user: &str, program: &str, args: &[&str]) -> Result<Output, String> {
    let conf = format!("{}/slurm.conf", state_dir());
    let mut cmd = if user == "root" {
        Command::new(program)
    } else {
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={user}"),
            &format!("--regid={user}"),
            "--init-groups",
            program,
        ]);
        c
    };
    cmd.args(args)
        .env("SLURM_CONF", &conf)
        .env("SLURM_TIME_FORMAT", "%s")
        // Job processes carry the harness's tag so that teardown.sh can find orphans.
        .env("FIDELITY_HARNESS_TAG", state_dir());
    cmd.output()
        .map_err(|e| format!("{program} {}: {e}", args.join(" ")))
}

/// A Slurm command as root.
pub fn run(program: &str, args: &[&str]) -> Result<String, String> {
    run_as("root", program, args)
}

/// Whether the harness's slurmctld answers.
pub fn up() -> bool {
    run("scontrol", &["ping"]).is_ok_and(|s| s.contains("is UP"))
}

/// Whether the harness's Slurm runs in accounting mode (slurmdbd; `FIDELITY_ACCOUNTING=1`).
pub fn accounting() -> bool {
    run("scontrol", &["show", "config"]).is_ok_and(|c| {
        c.lines().any(|l| {
            l.starts_with("AccountingStorageType ") && l.contains("accounting_storage/slurmdbd")
        })
    })
}

/// Whether the harness's Slurm weighs fair-share in its priorities (the fair-share mode,
/// `FIDELITY_ACCOUNTING=fairshare`).
pub fn fairshare() -> bool {
    run("scontrol", &["show", "config"]).is_ok_and(|c| {
        c.lines().any(|l| {
            l.starts_with("PriorityWeightFairShare ")
                && l.split('=').nth(1).is_some_and(|v| v.trim() != "0")
        })
    })
}

/// Whether the harness's Slurm preempts (the preemption mode, `FIDELITY_PREEMPT=1`:
/// `PreemptType` other than `preempt/none`).
pub fn preempt() -> bool {
    run("scontrol", &["show", "config"]).is_ok_and(|c| {
        c.lines().any(|l| {
            l.starts_with("PreemptType ")
                && l.split('=')
                    .nth(1)
                    .is_some_and(|v| v.trim() != "preempt/none")
        })
    })
}
