//! The options a command accepts (its table's, and on a cluster its SPANK plugins'), and
//! one found by its short name, or by its long name or a prefix of it as `getopt_long`
//! finds it.

use crate::request::Client;
use crate::sbatch::spank::{SpankOption, SpankPlugin};

use super::interactive_options::INTERACTIVE_OPTIONS;
use super::options::{ArgKind, OptionError, SbatchOption};
use super::sbatch_options::SBATCH_OPTIONS;

/// The options `client` accepts (without SPANK plugins'), each once.
///
/// ```
/// use hpcsched::request::Client;
/// use hpcsched::sbatch::options;
/// assert!(options(Client::Srun).any(|o| o.long == "pty"));
/// assert!(!options(Client::Salloc).any(|o| o.long == "output"));
/// assert!(options(Client::Sbatch).all(|o| o.long != "pty"));
/// ```
pub fn options(client: Client) -> impl Iterator<Item = &'static SbatchOption> {
    SBATCH_OPTIONS
        .iter()
        .chain(INTERACTIVE_OPTIONS)
        .filter(move |o| o.accepted_by(client))
}

/// Whether `name` is a long option of sbatch, srun or salloc.
pub(crate) fn is_slurm_option(name: &str) -> bool {
    SBATCH_OPTIONS
        .iter()
        .chain(INTERACTIVE_OPTIONS)
        .any(|o| o.long == name)
}

/// Looks up an sbatch option by its exact long name (without `--`).
///
/// ```
/// use hpcsched::sbatch::{find_option, ArgKind};
/// let time = find_option("time").unwrap();
/// assert_eq!(time.short, Some('t'));
/// assert_eq!(time.arg, ArgKind::Required);
/// assert!(find_option("tim").is_none());
/// assert!(find_option("pty").is_none()); // srun's
/// ```
#[must_use]
pub fn find_option(long: &str) -> Option<&'static SbatchOption> {
    SBATCH_OPTIONS.iter().find(|o| o.long == long)
}

/// An option as the command line names it: one of Slurm's, or one a SPANK plugin adds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spec<'p> {
    Slurm(&'static SbatchOption),
    Plugin(&'p SpankPlugin, &'p SpankOption),
}

impl Spec<'_> {
    /// The long name, without `--`.
    pub(crate) fn long(&self) -> &str {
        match self {
            Spec::Slurm(o) => o.long,
            Spec::Plugin(_, o) => o.name(),
        }
    }
    /// Whether it takes a value.
    pub(crate) fn arg(&self) -> ArgKind {
        match self {
            Spec::Slurm(o) => o.arg,
            Spec::Plugin(_, o) => o.arg(),
        }
    }
}

/// The options one command accepts on one cluster: its own and its SPANK plugins'.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table<'p> {
    pub(crate) client: Client,
    pub(crate) plugins: &'p [SpankPlugin],
}

impl<'p> Table<'p> {
    fn all(self) -> impl Iterator<Item = Spec<'p>> {
        let client = self.client;
        options(client).map(Spec::Slurm).chain(
            self.plugins
                .iter()
                .filter(move |p| p.registers_for(client))
                .flat_map(|p| p.options().iter().map(move |o| Spec::Plugin(p, o))),
        )
    }

    /// The option with this short name (plugins have none).
    pub(crate) fn short(self, c: char) -> Option<&'static SbatchOption> {
        options(self.client).find(|o| o.short == Some(c))
    }

    /// Resolves a long name the way `getopt_long` does: an exact match, else the only
    /// option the name is a prefix of. `written` is the option as written, for errors.
    pub(crate) fn long(self, name: &str, written: &str) -> Result<Spec<'p>, OptionError> {
        if let Some(exact) = self.all().find(|s| s.long() == name) {
            return Ok(exact);
        }
        if name.is_empty() {
            return Err(OptionError::Unknown(written.to_owned()));
        }
        let candidates: Vec<Spec<'p>> = self.all().filter(|s| s.long().starts_with(name)).collect();
        match candidates.as_slice() {
            [] => Err(OptionError::Unknown(written.to_owned())),
            [one] => Ok(*one),
            many => Err(OptionError::Ambiguous {
                option: written.to_owned(),
                candidates: many.iter().map(|s| format!("--{}", s.long())).collect(),
            }),
        }
    }
}
