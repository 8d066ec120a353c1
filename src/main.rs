//! `hpcsched`: check batch scripts against a cluster the way sbatch would at submit, and
//! replay workloads through the scheduler.
//!
//! ```text
//! hpcsched check --cluster slurm.conf [--qos qos.txt] [--format text|json] [--verbose] SCRIPT...
//! hpcsched simulate [--cluster slurm.conf] (--workload TRACE.swf[.gz] | --jobs FILE) [OPTIONS]
//! ```
//!
//! Each command lives in its own module under `src/cli/`. Exit status: 0 on success, 1
//! when `check` rejects a script, 2 on a usage or input error (an unreadable file, a
//! slurm.conf, QOS, script or workload that does not parse).

mod cli;

use cli::Fatal;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: hpcsched check --cluster FILE [--qos FILE] [--format text|json] [--verbose] SCRIPT...
       hpcsched simulate [--cluster FILE] (--workload TRACE.swf[.gz] | --jobs FILE) [OPTIONS]
       hpcsched --help | --version

Commands:
  check      resolve batch scripts against a cluster as sbatch/slurmctld would at submit
  simulate   replay a workload (an SWF trace or a job list) through the scheduler in
             virtual time: wait, slowdown and utilization, or the queue at a given time

`hpcsched COMMAND --help` describes a command's options.

Exit status: 0 success, 1 (check) some script rejected, 2 usage or input error.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("hpcsched: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, Fatal> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        None => Err(Fatal(format!("missing command\n\n{USAGE}"))),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some("-V" | "--version") => {
            println!("hpcsched {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Some("check") => cli::check::main(rest),
        Some("simulate") => cli::simulate::main(rest),
        Some(other) => Err(Fatal(format!("unknown command `{other}`\n\n{USAGE}"))),
    }
}
