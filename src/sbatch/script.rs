//! `#SBATCH` scanning, the way `_opt_batch_script()` in sbatch reads a script.
//!
//! Facts this follows (Slurm's `src/sbatch/opt.c` and `src/sbatch/sbatch.c`):
//!
//! - The script must not be empty or only whitespace, must start with `#!`, must not contain
//!   a NUL byte, and must not use DOS line breaks (`\r\n`); sbatch refuses all of these.
//! - A directive is a line starting at column 0 with `#SBATCH` (case-sensitive). The legacy
//!   prefix `#SLURM` is accepted too (sbatch prints an error-level warning but goes on).
//!   Nothing has to separate the prefix from the first option: `#SBATCH--time=5` works.
//! - Lines that are blank, or whose first non-whitespace character is `#`, are skipped.
//!   Scanning stops at the first other line (the first command). `#SBATCH` lines after it
//!   are part of the body and are ignored.
//! - The text after the prefix is split into arguments like a simple command line:
//!   whitespace separates them; `'...'` and `"..."` group (and may be glued to other text,
//!   `--job-name="a b"`); a backslash makes the next character literal, inside quotes too;
//!   an unquoted, unescaped `#` starts a comment that ends the line. No variable or other
//!   shell expansion happens.
//! - Quirks kept: an argument that comes out empty (`''`) ends the line, as does a later
//!   argument spelt `hetjob`/`packjob`; an argument starting with `:` is an error.
//! - The arguments of *all* directive lines form one argument vector that getopt reads in a
//!   single pass, so `#SBATCH --time` followed by `#SBATCH 10` sets the time limit. A word
//!   that is not an option stops that pass and is an "invalid directive".
//! - `#SBATCH hetjob` (or `packjob`) at the start of a directive starts a second
//!   heterogeneous-job component; hpcsched does not support heterogeneous jobs.
//!
//! Not done: sbatch also translates `#PBS`/`#BSUB` directives when a script has no
//! `#SBATCH` ones (`xlate_batch_script()`); hpcsched ignores such lines.

use super::apply::{Applier, Located, Source};
use super::options::OptionError;
use crate::request::{Client, JobRequest};
use crate::sbatch::spank::SpankPlugin;

/// Why a batch script was rejected. Errors inside the script name their 1-based line.
///
/// ```
/// use hpcsched::JobRequest;
/// use hpcsched::sbatch::{OptionError, ScriptError};
/// let err = JobRequest::from_script("#!/bin/sh\n#SBATCH -H\n#SBATCH --bogus\n").unwrap_err();
/// assert_eq!(err, ScriptError::Option { line: 3, source: OptionError::Unknown("--bogus".into()) });
/// assert_eq!(err.to_string(), "line 3: unrecognized option `--bogus`");
/// assert_eq!(JobRequest::from_script("echo hi\n"), Err(ScriptError::NoShebang));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// An `#SBATCH` option that is invalid.
    #[error("line {line}: {source}")]
    Option {
        /// 1-based line number.
        line: usize,
        /// The option problem.
        source: OptionError,
    },
    /// A command-line option (applied after the script) that is invalid.
    #[error("command line: {0}")]
    Args(OptionError),
    /// The script is empty ("Batch script is empty!").
    #[error("batch script is empty")]
    Empty,
    /// The script holds only whitespace.
    #[error("batch script contains only whitespace")]
    WhitespaceOnly,
    /// The first line does not start with `#!`.
    #[error(
        "this does not look like a batch script: the first line must start with #! followed by the path to an interpreter"
    )]
    NoShebang,
    /// The script contains a NUL character, which slurmctld does not accept.
    #[error("line {line}: batch script contains a NUL character")]
    NulCharacter {
        /// 1-based line number.
        line: usize,
    },
    /// The script uses DOS line breaks.
    #[error(
        "line {line}: batch script contains DOS line breaks (\\r\\n) instead of UNIX line breaks (\\n)"
    )]
    DosLineBreak {
        /// 1-based line number.
        line: usize,
    },
    /// A quote was opened and not closed on the same line.
    #[error("line {line}: unmatched `{quote}`")]
    UnbalancedQuote {
        /// 1-based line number.
        line: usize,
        /// The quote character.
        quote: char,
    },
    /// An argument starts with `:` (sbatch: "Unexpected `:`").
    #[error("line {line}: unexpected `:`")]
    UnexpectedColon {
        /// 1-based line number.
        line: usize,
    },
    /// A word in the directives that is not an option.
    #[error("line {line}: invalid directive found in batch script: `{text}`")]
    InvalidDirective {
        /// 1-based line number.
        line: usize,
        /// The word.
        text: String,
    },
    /// `#SBATCH hetjob` / `#SBATCH packjob`: heterogeneous jobs are not supported.
    #[error("line {line}: heterogeneous jobs (`hetjob`) are not supported")]
    HetJobUnsupported {
        /// 1-based line number.
        line: usize,
    },
}

impl ScriptError {
    /// The 1-based script line the error is on, when it is about one line.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Option { line, .. }
            | Self::NulCharacter { line, .. }
            | Self::DosLineBreak { line, .. }
            | Self::UnbalancedQuote { line, .. }
            | Self::UnexpectedColon { line, .. }
            | Self::InvalidDirective { line, .. }
            | Self::HetJobUnsupported { line, .. } => Some(*line),
            Self::Args(_) | Self::Empty | Self::WhitespaceOnly | Self::NoShebang => None,
        }
    }
}

/// C's `isspace()` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `hetjob`/`packjob` (any case) followed by the end or whitespace.
fn is_het_separator(b: &[u8]) -> bool {
    [&b"hetjob"[..], &b"packjob"[..]].iter().any(|word| {
        b.len() >= word.len()
            && b[..word.len()].eq_ignore_ascii_case(word)
            && b.get(word.len()).is_none_or(|&c| is_space(c))
    })
}

/// Splits the text after `#SBATCH` into arguments, as sbatch's `get_argument()` does.
///
/// ```text
/// --job-name="a b" -N 2   # comment   ->  ["--job-name=a b", "-N", "2"]
/// ```
pub(crate) fn tokenize(text: &str, line: usize) -> Result<Vec<String>, ScriptError> {
    let b = text.as_bytes();
    let mut p = 0;
    let mut out = Vec::new();
    loop {
        while b.get(p).is_some_and(|&c| is_space(c)) {
            p += 1;
        }
        let rest = b.get(p..).unwrap_or_default();
        if is_het_separator(rest) {
            break;
        }
        if rest.first() == Some(&b':') {
            return Err(ScriptError::UnexpectedColon { line });
        }
        let mut arg: Vec<u8> = Vec::new();
        let mut quote: Option<u8> = None;
        let mut escaped = false;
        while let Some(&c) = b.get(p) {
            if quote.is_none() && is_space(c) {
                break;
            }
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                p += 1;
                if b.get(p) == Some(&b' ') {
                    arg.push(b' ');
                    p += 1;
                } else {
                    escaped = true;
                }
                continue;
            } else if let Some(q) = quote {
                if c == q {
                    quote = None;
                    p += 1;
                    continue;
                }
            } else if c == b'"' || c == b'\'' {
                quote = Some(c);
                p += 1;
                continue;
            } else if c == b'#' {
                break;
            }
            arg.push(c);
            p += 1;
        }
        if let Some(q) = quote {
            return Err(ScriptError::UnbalancedQuote {
                line,
                quote: char::from(q),
            });
        }
        if arg.is_empty() {
            // get_argument() returns NULL: the rest of the line is ignored.
            break;
        }
        out.push(String::from_utf8_lossy(&arg).into_owned());
    }
    Ok(out)
}

fn check_text(text: &str) -> Result<(), ScriptError> {
    if text.is_empty() {
        return Err(ScriptError::Empty);
    }
    if text.bytes().all(is_space) {
        return Err(ScriptError::WhitespaceOnly);
    }
    if !text.starts_with("#!") {
        return Err(ScriptError::NoShebang);
    }
    let line_of = |offset: usize| {
        1 + text
            .get(..offset)
            .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count())
    };
    if let Some(at) = text.find('\0') {
        return Err(ScriptError::NulCharacter { line: line_of(at) });
    }
    if let Some(at) = text.find("\r\n") {
        return Err(ScriptError::DosLineBreak { line: line_of(at) });
    }
    Ok(())
}

/// The directive text after the prefix, if `line` is a directive.
fn directive(line: &str) -> Option<&str> {
    line.strip_prefix("#SBATCH")
        .or_else(|| line.strip_prefix("#SLURM"))
}

/// Whether a non-directive line ends the scan: its first non-whitespace byte is not `#`.
fn is_command(line: &str) -> bool {
    line.bytes()
        .find(|&b| !is_space(b))
        .is_some_and(|b| b != b'#')
}

fn located(l: Located) -> ScriptError {
    match l.source {
        Source::Line(line) => ScriptError::Option {
            line,
            source: l.error,
        },
        Source::Cli => ScriptError::Args(l.error),
    }
}

pub(crate) fn parse<S: AsRef<str>>(
    text: &str,
    args: &[S],
    plugins: &[SpankPlugin],
) -> Result<JobRequest, ScriptError> {
    check_text(text)?;
    let mut tokens: Vec<(String, usize)> = Vec::new();
    let mut body = String::with_capacity(text.len());
    let mut scanning = true;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = index + 1;
        if !scanning {
            body.push_str(raw);
            continue;
        }
        let content = raw.strip_suffix('\n').unwrap_or(raw);
        let Some(rest) = directive(content) else {
            scanning = !is_command(content);
            body.push_str(raw);
            continue;
        };
        let start = rest
            .bytes()
            .position(|b| !is_space(b))
            .unwrap_or(rest.len());
        if is_het_separator(rest.as_bytes().get(start..).unwrap_or_default()) {
            return Err(ScriptError::HetJobUnsupported { line });
        }
        tokens.extend(tokenize(rest, line)?.into_iter().map(|t| (t, line)));
    }

    let mut req = JobRequest::default();
    let mut applier = Applier::new(Client::Sbatch, plugins);
    let words: Vec<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
    let line_of = |i: usize| tokens.get(i).map_or(0, |(_, l)| *l);
    let end = applier
        .pass(&mut req, &words, &|i| Source::Line(line_of(i)))
        .map_err(located)?;
    if let Some(word) = words.get(end.stop) {
        return Err(ScriptError::InvalidDirective {
            line: line_of(end.stop),
            text: (*word).to_owned(),
        });
    }
    applier.cli_pass(&mut req, args).map_err(located)?;
    applier.finish(&req).map_err(located)?;
    req.script = Some(body);
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> ScriptError {
        match JobRequest::from_script(text) {
            Ok(r) => panic!("expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn tokenizer_follows_get_argument() {
        let t = |s: &str| tokenize(s, 1).unwrap();
        assert_eq!(t(" -N 2\t-J x"), ["-N", "2", "-J", "x"]);
        assert_eq!(
            t(r#" --job-name="a b" -A 'c d'"#),
            ["--job-name=a b", "-A", "c d"]
        );
        assert_eq!(t(r#" "--comment=x""y"'z'"#), ["--comment=xyz"]);
        assert_eq!(t(r" -J a\ b"), ["-J", "a b"]);
        assert_eq!(t(r#" -J a\"b\#c\\d"#), ["-J", r#"a"b#c\d"#]);
        assert_eq!(t(r#" -J "a\"b""#), ["-J", "a\"b"]);
        assert_eq!(t(r#" -J "a#b" # comment -N 3"#), ["-J", "a#b"]);
        assert_eq!(t(" -J x#comment"), ["-J", "x"]);
        assert_eq!(t(" # only a comment"), Vec::<String>::new());
        // An empty argument ends the line (get_argument returns NULL).
        assert_eq!(t(" -J '' -N 3"), ["-J"]);
        // A later `hetjob` word ends the line too.
        assert_eq!(t(" -N 2 hetjob -J x"), ["-N", "2"]);
        // A trailing backslash is dropped.
        assert_eq!(t(r" -J x\"), ["-J", "x"]);
        assert_eq!(
            tokenize(" -J 'abc", 7),
            Err(ScriptError::UnbalancedQuote {
                line: 7,
                quote: '\''
            })
        );
        assert_eq!(
            tokenize(" -N 2 :", 3),
            Err(ScriptError::UnexpectedColon { line: 3 })
        );
    }

    #[test]
    fn sbatch_man_page_example() {
        // sbatch.1 EXAMPLES: `#SBATCH --time=1` in myscript, `sbatch -N4 myscript`.
        let script = "#!/bin/sh\n#SBATCH --job-name=myscript\nsrun hostname |sort\n";
        let r = JobRequest::from_script_with_args(script, &["-H", "myscript"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("myscript"));
        assert!(r.hold);
        assert_eq!(
            r.script.as_deref(),
            Some("#!/bin/sh\nsrun hostname |sort\n")
        );
    }

    #[test]
    fn command_line_overrides_script() {
        let script = "#!/bin/bash\n#SBATCH -J s -A acct\n#SBATCH -p a,b\ntrue\n";
        let r = JobRequest::from_script_with_args(script, &["-p", "c", "-J", "cli"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("cli"));
        assert_eq!(r.account.as_deref(), Some("acct"));
        assert_eq!(r.partitions, ["c"]);
    }

    #[test]
    fn scanning_stops_at_first_command() {
        let script = "#!/bin/bash\n\n   \n# plain comment\n  # indented comment\n#SBATCH -J a\necho hi\n#SBATCH -J b\n#SBATCH --bogus\n";
        let r = JobRequest::from_script(script).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("a"));
        assert_eq!(
            r.script.as_deref(),
            Some(
                "#!/bin/bash\n\n   \n# plain comment\n  # indented comment\necho hi\n#SBATCH -J b\n#SBATCH --bogus\n"
            )
        );
    }

    #[test]
    fn directive_prefix_rules() {
        // Case-sensitive, column 0, nothing needed after the prefix.
        let r = JobRequest::from_script(
            "#!/bin/sh\n#SBATCH--comment=x\n #SBATCH -J no\n#sbatch -J no\n",
        )
        .unwrap();
        assert_eq!(r.comment.as_deref(), Some("x"));
        assert_eq!(r.job_name, None);
        // Legacy #SLURM.
        let r = JobRequest::from_script("#!/bin/sh\n#SLURM -J legacy\n").unwrap();
        assert_eq!(r.job_name.as_deref(), Some("legacy"));
        // `#SBATCHED` is the prefix followed by the word `ED`, which is not an option.
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -H\n#SBATCHED\n"),
            ScriptError::InvalidDirective {
                line: 3,
                text: "ED".into()
            }
        );
    }

    #[test]
    fn one_argument_vector_across_lines() {
        let r =
            JobRequest::from_script("#!/bin/sh\n#SBATCH --job-name\n#SBATCH next-line\n").unwrap();
        assert_eq!(r.job_name.as_deref(), Some("next-line"));
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -H\n#SBATCH -J\n"),
            ScriptError::Option {
                line: 3,
                source: OptionError::MissingValue("-J".into())
            }
        );
        // `--` ends the options; anything after it is an invalid directive.
        assert!(JobRequest::from_script("#!/bin/sh\n#SBATCH -H --\n").is_ok());
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -H --\n#SBATCH -J x\n"),
            ScriptError::InvalidDirective {
                line: 3,
                text: "-J".into()
            }
        );
    }

    #[test]
    fn errors_name_their_line() {
        assert_eq!(
            parse_err("#!/bin/sh\n# c\n#SBATCH -H\n#SBATCH --frobnicate=3\n"),
            ScriptError::Option {
                line: 4,
                source: OptionError::Unknown("--frobnicate".into())
            }
        );
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -J \"oops\n"),
            ScriptError::UnbalancedQuote {
                line: 2,
                quote: '"'
            }
        );
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -N 2\n#SBATCH hetjob\n#SBATCH -N 1\n"),
            ScriptError::HetJobUnsupported { line: 3 }
        );
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH   PACKJOB\n"),
            ScriptError::HetJobUnsupported { line: 2 }
        );
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH --mem=1G\n\n#SBATCH --mem-per-cpu=1G\n"),
            ScriptError::Option {
                line: 4,
                source: OptionError::Conflict {
                    first: "--mem".into(),
                    second: "--mem-per-cpu".into()
                }
            }
        );
        assert_eq!(
            parse_err("#!/bin/sh\n#SBATCH -w ./hosts\n").to_string(),
            "line 2: `--nodelist` names a file (`./hosts`); pass the node names instead"
        );
    }

    #[test]
    fn conflicts_span_script_and_command_line() {
        // sbatch fills one option set from both: two memory options are fatal, and of
        // --exclusive and -s the command line's wins.
        let e = JobRequest::from_script_with_args(
            "#!/bin/sh\n#SBATCH --mem=1G\n",
            &["--mem-per-cpu=1G"],
        );
        assert!(matches!(
            e,
            Err(ScriptError::Args(OptionError::Conflict { .. }))
        ));
        let r = JobRequest::from_script_with_args("#!/bin/sh\n#SBATCH --exclusive\n", &["-s"]);
        assert!(r.is_ok_and(|r| r.oversubscribe && r.exclusive.is_none()));
        let e = JobRequest::from_script_with_args("#!/bin/sh\n", &["--bogus"]);
        assert_eq!(
            e,
            Err(ScriptError::Args(OptionError::Unknown("--bogus".into())))
        );
    }

    #[test]
    fn whole_script_checks() {
        assert_eq!(parse_err(""), ScriptError::Empty);
        assert_eq!(parse_err(" \n\t\n"), ScriptError::WhitespaceOnly);
        assert_eq!(parse_err("#SBATCH -N 1\necho\n"), ScriptError::NoShebang);
        assert_eq!(parse_err("\n#!/bin/sh\n"), ScriptError::NoShebang);
        assert_eq!(
            parse_err("#!/bin/sh\necho\n\0\n"),
            ScriptError::NulCharacter { line: 3 }
        );
        assert_eq!(
            parse_err("#!/bin/sh\r\n#SBATCH -N 1\r\n"),
            ScriptError::DosLineBreak { line: 1 }
        );
        assert!(ScriptError::NoShebang.to_string().contains("#!"));
    }

    #[test]
    fn script_without_trailing_newline() {
        let r = JobRequest::from_script("#!/bin/sh\n#SBATCH -H").unwrap();
        assert!(r.hold);
        assert_eq!(r.script.as_deref(), Some("#!/bin/sh\n"));
        let r = JobRequest::from_script("#!/bin/sh").unwrap();
        assert_eq!(r.script.as_deref(), Some("#!/bin/sh"));
    }
}
