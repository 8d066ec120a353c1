//! Splitting a line into words as a POSIX shell does for a simple command, without any
//! expansion: the one word splitter behind job lists, `sacctmgr` lines and `srun`/`salloc`
//! command lines.
//!
//! The rules (POSIX.1-2017, Shell Command Language, 2.2 Quoting and 2.3 Token
//! Recognition): blanks (space, tab, newline, carriage return) separate words; `'...'` is
//! literal; inside `"..."` a backslash escapes only `$`, `` ` ``, `"`, `\` and a newline
//! (and stays otherwise); elsewhere a backslash makes the next character literal, and a
//! backslash-newline joins lines; an unquoted `#` that starts a word starts a comment;
//! `''` is an empty word. No expansion happens: `$HOME` stays `$HOME`.

/// Why a line does not split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A quote is never closed.
    #[error("unterminated {0} quote")]
    UnterminatedQuote(char),
    /// The line ends with a backslash (outside quotes), which escapes nothing.
    #[error("a line cannot end with `\\`")]
    TrailingBackslash,
}

/// Splits `line` into words (see the module docs).
///
/// ```
/// use hpcsched::shell_words::{split, SplitError};
/// assert_eq!(split(r#"-J "my job" 'a b' c\ d $HOME # comment"#)?, ["-J", "my job", "a b", "c d", "$HOME"]);
/// assert_eq!(split("a 'b"), Err(SplitError::UnterminatedQuote('\'')));
/// # Ok::<(), SplitError>(())
/// ```
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    split_with(line, false)
}

/// Splits a command line: [`split`], ending at the first unquoted `;`, `&`, `|`, `<`, `>`,
/// `(` or `)`: what follows is the shell's (a pipe, a redirection), not the command's, and
/// a descriptor number glued to a redirection (`2>err.log`) goes with it.
///
/// ```
/// use hpcsched::shell_words::split_command;
/// assert_eq!(split_command("srun -n4 ./a.out 2>err.log | tee out")?, ["srun", "-n4", "./a.out"]);
/// # Ok::<(), hpcsched::shell_words::SplitError>(())
/// ```
pub fn split_command(line: &str) -> Result<Vec<String>, SplitError> {
    split_with(line, true)
}

fn split_with(line: &str, operators: bool) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has begun (`''` is an empty word).
    let mut started = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\'' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => word.push(q),
                        None => return Err(SplitError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('\n') => {}
                            Some(e @ ('$' | '`' | '"' | '\\')) => word.push(e),
                            Some(e) => {
                                word.push('\\');
                                word.push(e);
                            }
                            None => return Err(SplitError::UnterminatedQuote('"')),
                        },
                        Some(q) => word.push(q),
                        None => return Err(SplitError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(e) => {
                    started = true;
                    word.push(e);
                }
                None => return Err(SplitError::TrailingBackslash),
            },
            '#' if !started => break,
            ';' | '&' | '|' | '<' | '>' | '(' | ')' if operators => {
                // `2>err`: the digits belong to the redirection.
                let redirect_fd = matches!(c, '<' | '>')
                    && started
                    && !word.is_empty()
                    && word.bytes().all(|b| b.is_ascii_digit());
                if started && !redirect_fd {
                    words.push(std::mem::take(&mut word));
                }
                return Ok(words);
            }
            _ => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quoting() {
        let w = |s: &str| split(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(w(""), Vec::<String>::new());
        assert_eq!(w("  a\tb \n c  "), ["a", "b", "c"]);
        assert_eq!(w("a '' b"), ["a", "", "b"]);
        assert_eq!(w(r#"a"b c"'d e'f"#), ["ab cd ef"]);
        assert_eq!(w(r#""\$x \"q\" \n""#), [r#"$x "q" \n"#]);
        assert_eq!(w(r"a\\b \#c"), [r"a\b", "#c"]);
        assert_eq!(w("a b#c # d"), ["a", "b#c"]);
        assert_eq!(w("x \\\n -y"), ["x", "-y"]);
        // Operators are plain characters outside a command line.
        assert_eq!(w("a|b c;d"), ["a|b", "c;d"]);
        assert_eq!(split("a \"b"), Err(SplitError::UnterminatedQuote('"')));
        assert_eq!(split("a \"b\\"), Err(SplitError::UnterminatedQuote('"')));
        assert_eq!(split("a \\"), Err(SplitError::TrailingBackslash));
    }

    #[test]
    fn command_lines_end_at_operators() {
        let w = |s: &str| split_command(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(w("srun x;y"), ["srun", "x"]);
        assert_eq!(w("srun x >out"), ["srun", "x"]);
        assert_eq!(w("srun x 2>out"), ["srun", "x"]);
        assert_eq!(w("srun x a2>out"), ["srun", "x", "a2"]);
        assert_eq!(w("srun 'x|y' \"<\""), ["srun", "x|y", "<"]);
    }
}
