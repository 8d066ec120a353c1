//! Lines and tokens: slurm.conf text cut into logical lines (comments, `\` continuations
//! and escapes handled), and a logical line cut into `Key=Value` tokens.

use super::ConfError;

/// One logical line: physical lines joined by `\` continuations, comments and escapes
/// removed. `line` is the 1-based number of its first physical line.
#[derive(Debug)]
pub(super) struct LogicalLine {
    pub(super) line: usize,
    pub(super) text: String,
}

/// Cuts a physical line at its comment: a `#` preceded by an even number of backslashes
/// and not inside double quotes.
fn strip_comment(line: &str) -> &str {
    let mut backslashes = 0usize;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '#' if backslashes.is_multiple_of(2) && !quoted => return &line[..i],
            '\\' => {
                backslashes += 1;
                continue;
            }
            '"' if backslashes.is_multiple_of(2) => quoted = !quoted,
            _ => {}
        }
        backslashes = 0;
    }
    line
}

/// If the line ends with an odd number of backslashes (blanks after them allowed), returns
/// the line without the last backslash and the trailing blanks.
fn strip_continuation(line: &str) -> Option<&str> {
    let trimmed = line.trim_end();
    let backslashes = trimmed.len() - trimmed.trim_end_matches('\\').len();
    (backslashes % 2 == 1).then(|| &trimmed[..trimmed.len() - 1])
}

/// Replaces `\x` by `x` (`\\` by `\`), as Slurm's `_strip_escapes()`.
fn strip_escapes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut out = Vec::new();
    let mut pending: Option<LogicalLine> = None;
    for (idx, raw) in text.lines().enumerate() {
        let stripped = strip_comment(raw);
        let (piece, continues) = match strip_continuation(stripped) {
            Some(p) => (p, true),
            None => (stripped, false),
        };
        let current = pending.get_or_insert_with(|| LogicalLine {
            line: idx + 1,
            text: String::new(),
        });
        current.text.push_str(piece);
        if !continues && let Some(mut done) = pending.take() {
            done.text = strip_escapes(&done.text);
            out.push(done);
        }
    }
    if let Some(mut done) = pending.take() {
        done.text = strip_escapes(&done.text);
        out.push(done);
    }
    out
}

/// A `Key=Value` pair as written.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) key: String,
    pub(super) value: String,
    /// Byte offset of the key in the line (for "unexpected text" errors).
    pub(super) start: usize,
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Splits a logical line into `Key=Value` tokens the way Slurm's key/value regex does.
pub(super) fn tokenize(line: &LogicalLine) -> Result<Vec<Token>, ConfError> {
    let text = line.text.as_str();
    let mut tokens = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            return Ok(tokens);
        }
        let start = pos + (rest.len() - trimmed.len());
        let syntax = |why: &str| ConfError::Syntax {
            line: line.line,
            text: text[start..].trim_end().to_string(),
            why: why.to_string(),
        };
        let key_len = trimmed.len() - trimmed.trim_start_matches(is_key_char).len();
        if key_len == 0 {
            return Err(syntax("expected Key=Value"));
        }
        let key = &trimmed[..key_len];
        let after_key = trimmed[key_len..].trim_start();
        let Some(after_eq) = after_key.strip_prefix('=') else {
            let op = after_key
                .chars()
                .next()
                .filter(|c| matches!(c, '+' | '-' | '*' | '/'));
            if let Some(op) = op
                && after_key[1..].starts_with('=')
            {
                return Err(syntax(&format!(
                    "the `{op}=` operator is not supported in slurm.conf by hpcsched"
                )));
            }
            return Err(syntax("expected Key=Value"));
        };
        let value_text = after_eq.trim_start();
        // A quoted value must be followed by a blank or the end of the line; otherwise
        // Slurm's regex falls back to the unquoted form (quotes kept).
        let quoted = value_text.strip_prefix('"').and_then(|q| {
            let close = q.find('"')?;
            let tail = &q[close + 1..];
            (tail.is_empty() || tail.starts_with(char::is_whitespace))
                .then(|| (q[..close].to_string(), tail))
        });
        let (value, tail) = if let Some(v) = quoted {
            v
        } else {
            let end = value_text
                .find(char::is_whitespace)
                .unwrap_or(value_text.len());
            if end == 0 {
                return Err(syntax("missing value"));
            }
            (value_text[..end].to_string(), &value_text[end..])
        };
        tokens.push(Token {
            key: key.to_string(),
            value,
            start,
        });
        pos = text.len() - tail.len();
    }
}
