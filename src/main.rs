//! `hpcsched`: check batch scripts against a cluster the way sbatch would at submit, and
//! replay workloads through the scheduler.
//!
//! ```text
//! hpcsched check --cluster slurm.conf [OPTIONS] [SCRIPT...]
//! hpcsched simulate [--cluster slurm.conf] (--workload TRACE.swf[.gz] | --jobs FILE) [OPTIONS]
//! hpcsched help [COMMAND]
//! ```
//!
//! The command line is defined once, with clap's derive ([`Cli`] here, each command's
//! `Args` under `src/cli/`): the parser, `--help`, the shell completions
//! (`hpcsched completions SHELL`) and the man page (`hpcsched man`) all come from it.
//!
//! Exit status: 0 on success, 1 when `check` rejects a script, 2 on a usage or input error
//! (an unknown option, an unreadable file, a slurm.conf, QOS, script or workload that does
//! not parse).

mod cli;

use clap::{Parser, Subcommand};
use cli::Fatal;
use std::process::ExitCode;

/// Usage first, then what the command does, then its options (the layout of the
/// hand-written help texts before clap, which users of the tool know).
const HELP_TEMPLATE: &str = "\
{before-help}{usage-heading} {usage}

{about-with-newline}
{all-args}{after-help}";

const USAGE: &str = "\
hpcsched check --cluster FILE [OPTIONS] [SCRIPT...]
       hpcsched simulate [--cluster FILE] (--workload FILE | --jobs FILE) [OPTIONS]
       hpcsched help [COMMAND] | --help | --version";

const ABOUT: &str = "Slurm-style scheduling decisions: check batch scripts against a cluster as \
sbatch would at submit, and replay workloads through the scheduler";

const AFTER_HELP: &str = "\
`hpcsched help COMMAND` (or `hpcsched COMMAND --help`) describes a command's options; \
`-h` gives a summary. Shell completions: `hpcsched completions SHELL`; the man pages: \
`hpcsched man [COMMAND]`.

Exit status: 0 success, 1 (check) some job rejected, 2 usage or input error.";

/// The command line of `hpcsched`.
#[derive(Debug, Parser)]
#[command(
    name = "hpcsched",
    version,
    about = ABOUT,
    override_usage = USAGE,
    help_template = HELP_TEMPLATE,
    after_help = AFTER_HELP,
    propagate_version = true,
    subcommand_required = true,
    // A short usage error rather than the whole help when no command is given.
    arg_required_else_help = false,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
enum Command {
    #[command(
        about = cli::check::ABOUT,
        long_about = cli::check::LONG_ABOUT,
        override_usage = cli::check::USAGE,
        help_template = HELP_TEMPLATE,
        after_help = cli::check::AFTER_HELP
    )]
    Check(cli::check::CheckArgs),
    #[command(
        about = cli::simulate::ABOUT,
        long_about = cli::simulate::LONG_ABOUT,
        override_usage = cli::simulate::USAGE,
        help_template = HELP_TEMPLATE,
        after_help = cli::simulate::AFTER_HELP,
        after_long_help = cli::simulate::AFTER_LONG_HELP
    )]
    Simulate(cli::simulate::SimulateArgs),
    /// Print a shell completion script for hpcsched on stdout
    ///
    /// Print a shell completion script for hpcsched on stdout, generated from the same
    /// definitions as the parser. For bash: `hpcsched completions bash >
    /// ~/.local/share/bash-completion/completions/hpcsched`; zsh: into a directory of
    /// $fpath as `_hpcsched`; fish: `~/.config/fish/completions/hpcsched.fish`.
    #[command(hide = true, help_template = HELP_TEMPLATE)]
    Completions(cli::generate::CompletionsArgs),
    /// Print the man page of hpcsched or of one of its commands, or write them all
    ///
    /// Print the man page (roff) of hpcsched, or of COMMAND (`hpcsched-check(1)`,
    /// `hpcsched-simulate(1)`), on stdout: `hpcsched man | man -l -`. With --out-dir,
    /// write every page into that directory instead (hpcsched.1, hpcsched-check.1,
    /// hpcsched-simulate.1).
    #[command(hide = true, help_template = HELP_TEMPLATE)]
    Man(cli::generate::ManArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_failure(&e),
    };
    let result = match cli.command {
        Command::Check(args) => cli::check::main(&args),
        Command::Simulate(args) => cli::simulate::main(&args),
        Command::Completions(args) => cli::generate::completions(&args),
        Command::Man(args) => cli::generate::man(&args),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("hpcsched: {msg}");
            ExitCode::from(2)
        }
    }
}

/// What clap stopped at: the help or the version (stdout, exit 0), or a usage error
/// (stderr, `hpcsched: ` and clap's short message with its suggestion, exit 2).
fn parse_failure(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp => {
            let _ = cli::write_stdout(e.render().to_string().as_bytes());
            ExitCode::SUCCESS
        }
        // The same line after any command (clap would name `hpcsched-check`).
        ErrorKind::DisplayVersion => {
            let version = format!("hpcsched {}\n", env!("CARGO_PKG_VERSION"));
            let _ = cli::write_stdout(version.as_bytes());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("hpcsched: {}", cli::clap_message(e));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
