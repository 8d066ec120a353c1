//! Splitting a command line into words, as a POSIX shell would for a simple command.

use super::options::OptionError;

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
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has begun (`''` is an empty word).
    let mut started = false;
    let mut chars = line.chars().peekable();
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
                        None => return Err(OptionError::UnmatchedQuote('\'')),
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
                            None => return Err(OptionError::UnmatchedQuote('"')),
                        },
                        Some(q) => word.push(q),
                        None => return Err(OptionError::UnmatchedQuote('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(e) => {
                    started = true;
                    word.push(e);
                }
            },
            '#' if !started => break,
            ';' | '&' | '|' | '<' | '>' | '(' | ')' => {
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
    fn shell_quoting() {
        let w = |s: &str| split_words(s).unwrap();
        assert_eq!(w(""), Vec::<String>::new());
        assert_eq!(w("  a\tb \n c  "), ["a", "b", "c"]);
        assert_eq!(w("a '' b"), ["a", "", "b"]);
        assert_eq!(w(r#"a"b c"'d e'f"#), ["ab cd ef"]);
        assert_eq!(w(r#""\$x \"q\" \n""#), [r#"$x "q" \n"#]);
        assert_eq!(w(r"a\\b \#c"), [r"a\b", "#c"]);
        assert_eq!(w("a b#c # d"), ["a", "b#c"]);
        assert_eq!(w("srun x \\\n -y"), ["srun", "x", "-y"]);
        assert_eq!(w("srun x;y"), ["srun", "x"]);
        assert_eq!(w("srun x >out"), ["srun", "x"]);
        assert_eq!(w("srun x 2>out"), ["srun", "x"]);
        assert_eq!(w("srun x a2>out"), ["srun", "x", "a2"]);
        assert_eq!(w("srun 'x|y' \"<\""), ["srun", "x|y", "<"]);
        assert_eq!(split_words("a \"b"), Err(OptionError::UnmatchedQuote('"')));
    }
}
