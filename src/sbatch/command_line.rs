//! Splitting an `srun`/`salloc` command line into words, as a POSIX shell would for a
//! simple command ([`crate::shell_words::split_command`]).

use super::options::OptionError;
use crate::shell_words::{self, SplitError};

/// Splits a shell command line into words: blanks separate words; `'...'` is literal;
/// inside `"..."` a backslash escapes only `$`, `` ` ``, `"`, `\` and a newline; elsewhere
/// a backslash makes the next character literal (and joins lines); an unquoted `#` that
/// starts a word starts a comment. No expansion happens: `$HOME` stays `$HOME`. The
/// command ends at the first unquoted `;`, `&`, `|`, `<`, `>`, `(` or `)`: what follows
/// is the shell's (a pipe, a redirection), not the command's, and a descriptor number
/// glued to a redirection (`2>err.log`) goes with it.
///
/// ```
/// use hpcsched::sbatch::{split_words, OptionError};
/// assert_eq!(split_words("srun --pty bash -i")?, ["srun", "--pty", "bash", "-i"]);
/// assert_eq!(split_words(r#"srun -J "my job" echo 'a b' c\ d $HOME"#)?, ["srun", "-J", "my job", "echo", "a b", "c d", "$HOME"]);
/// assert_eq!(split_words("srun -n4 ./a.out 2>err.log | tee out # run")?, ["srun", "-n4", "./a.out"]);
/// assert_eq!(split_words("srun echo 'oops"), Err(OptionError::UnmatchedQuote('\'')));
/// # Ok::<(), OptionError>(())
/// ```
pub fn split_words(line: &str) -> Result<Vec<String>, OptionError> {
    match shell_words::split_command(line) {
        Err(SplitError::UnterminatedQuote(q)) => Err(OptionError::UnmatchedQuote(q)),
        // A backslash that ends the line escapes nothing: the shell drops it.
        Err(_) => split_words(line.strip_suffix('\\').unwrap_or_default()),
        Ok(words) => Ok(words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_as_the_shell_does() {
        let w = |s: &str| split_words(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(w("srun x;y"), ["srun", "x"]);
        assert_eq!(w("srun x 2>out"), ["srun", "x"]);
        assert_eq!(w("srun x \\"), ["srun", "x"]);
        assert_eq!(split_words("a \"b"), Err(OptionError::UnmatchedQuote('"')));
    }
}
