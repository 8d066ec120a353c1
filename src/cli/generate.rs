//! `hpcsched completions SHELL` and `hpcsched man`: shell completions and man pages
//! generated from the command line's own definition ([`crate::Cli`]), so they never
//! disagree with the parser.

use super::{Fatal, write_stdout};
use clap::CommandFactory as _;
use std::process::ExitCode;

/// The command line of `hpcsched completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// The command line of `hpcsched man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The command whose page to print (default: hpcsched's own)
    #[arg(value_enum)]
    command: Option<Page>,
    /// Write every page (hpcsched.1, hpcsched-check.1, hpcsched-simulate.1) into DIR
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath, conflicts_with = "command")]
    out_dir: Option<std::path::PathBuf>,
}

/// A command that has a man page of its own.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Page {
    /// hpcsched-check(1)
    Check,
    /// hpcsched-simulate(1)
    Simulate,
}

/// `hpcsched completions SHELL`: the completion script on stdout.
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, Fatal> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::Cli::command(), "hpcsched", &mut out);
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// `hpcsched man [COMMAND]`: a page on stdout; `--out-dir DIR`: every page into DIR.
pub fn man(args: &ManArgs) -> Result<ExitCode, Fatal> {
    // No page for `help`, which is not a command of its own.
    let mut cli = crate::Cli::command().disable_help_subcommand(true);
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cli, dir))
            .map_err(|e| Fatal(format!("{}: cannot write: {e}", dir.display())))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Built, the commands know their full names (`hpcsched-check`, `hpcsched check`).
    cli.build();
    let cmd = match args.command {
        None => cli,
        Some(page) => {
            let name = match page {
                Page::Check => "check",
                Page::Simulate => "simulate",
            };
            cli.find_subcommand(name)
                .cloned()
                .ok_or_else(|| Fatal(format!("no command `{name}`")))?
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .source(format!("hpcsched {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)
        .map_err(|e| Fatal(format!("cannot render the man page: {e}")))?;
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
