//! The pieces of sacctmgr's command language that its QOS, account and user commands
//! share: splitting a line into words, finding the command, matching a key by its
//! shortest accepted prefix, and reading the values (`get_uint()`, `time_str2mins()`, TRES
//! lists). [`crate::qos`] and [`crate::accounts`] build their key tables on these.
//!
//! Facts followed (Slurm 22.05): keys are compared with `xstrncasecmp(arg, NAME,
//! MAX(command_len, MIN))` (`src/sacctmgr/*_functions.c`), so a key must be a
//! case-insensitive prefix of NAME at least MIN long and no longer than NAME; `KEY+=` and
//! `KEY-=` carry the operator (`parse_option_end()`); names in comma lists are
//! lower-cased (`slurm_addto_char_list()`); a negative number clears a limit (`get_uint()`
//! stores INFINITE).
//!
//! Errors are plain sentences: each caller wraps them in its own error type with the line
//! and the key.

use crate::time::{Duration, TimeLimit};
use crate::tres::{TresError, TresKind, TresLimits};

/// sacctmgr's prefix match: `key` is a case-insensitive prefix of `name`, at least `min`
/// characters long.
pub(crate) fn prefix_of(key: &str, name: &str, min: usize) -> bool {
    key.len() >= min
        && key.len() <= name.len()
        && name
            .get(..key.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(key))
}

/// Splits `KEY[+-]=VALUE`; `None` for a bare word.
pub(crate) fn split_arg(word: &str) -> Option<(&str, Option<char>, &str)> {
    let (k, v) = word.split_once('=')?;
    let (k, op) = match k.chars().last() {
        Some(c @ ('+' | '-')) => (&k[..k.len() - 1], Some(c)),
        _ => (k, None),
    };
    Some((k, op, v))
}

/// A comma list of names, lower-cased as sacctmgr stores them.
pub(crate) fn split_names(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A sacctmgr command line cut into its parts: `[sacctmgr] [-options] VERB ENTITY REST...`.
pub(crate) struct CommandLine<'a> {
    /// `add`, `create`, `modify`... as written.
    pub verb: &'a str,
    /// `qos`, `account`, `user`... as written; `None` when the line ends at the verb.
    pub entity: Option<&'a str>,
    /// The words after the entity.
    pub rest: Vec<&'a str>,
}

/// Cuts an already word-split line; `Ok(None)` for an empty line, `Err(why)` when the verb
/// is missing.
pub(crate) fn command_line(words: &[String]) -> Result<Option<CommandLine<'_>>, &'static str> {
    let mut w = words.iter().map(String::as_str).peekable();
    if w.peek().is_none() {
        return Ok(None);
    }
    if w.peek()
        .is_some_and(|x| *x == "sacctmgr" || x.ends_with("/sacctmgr"))
    {
        w.next();
    }
    // sacctmgr options (`-i`, `--immediate`, `-Q`...) before the command.
    while w.peek().is_some_and(|x| x.starts_with('-')) {
        w.next();
    }
    let Some(verb) = w.next() else {
        return Err("missing command");
    };
    let entity = w.next();
    Ok(Some(CommandLine {
        verb,
        entity,
        rest: w.collect(),
    }))
}

/// sacctmgr's `get_uint()`: a decimal number; negative clears (None); empty is 0.
pub(crate) fn count(value: &str) -> Result<Option<u64>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(Some(0));
    }
    let n: i64 = v.parse().map_err(|_| "not a number".to_string())?;
    Ok(u64::try_from(n).ok())
}

/// [`count`] within u32.
pub(crate) fn count32(value: &str) -> Result<Option<u32>, String> {
    count(value)?
        .map(|n| u32::try_from(n).map_err(|_| "greater than 4294967295".to_string()))
        .transpose()
}

/// A `time_str2mins()` wall limit, rounded up to whole minutes; `-1`/`UNLIMITED` clear it.
pub(crate) fn wall(value: &str) -> Result<Option<TimeLimit>, String> {
    let v = value.trim();
    if v.starts_with('-') && v.parse::<i64>().is_ok_and(|n| n < 0) {
        return Ok(None);
    }
    match v.parse::<TimeLimit>().map_err(|e| e.to_string())? {
        TimeLimit::Unlimited => Ok(None),
        TimeLimit::Limited(d) => Ok(Some(TimeLimit::Limited(Duration::from_mins(
            d.as_secs().div_ceil(60),
        )))),
    }
}

/// Applies a TRES list the way sacctmgr combines them (`TRES_STR_FLAG_REPLACE`: replace
/// per TRES, `-1` removes one, the others are kept).
pub(crate) fn apply_tres(value: &str, into: &mut TresLimits) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("empty TRES list".into());
    }
    let mut next = into.clone();
    for entry in v.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((kind, count)) = entry.rsplit_once('=') else {
            return Err(format!("`{entry}` is not TYPE=COUNT"));
        };
        if count.trim().parse::<i64>().is_ok_and(|n| n < 0) {
            let kind: TresKind = kind.trim().parse().map_err(|e: TresError| e.to_string())?;
            next.0.shift_remove(&kind);
            continue;
        }
        let parsed = entry
            .parse::<TresLimits>()
            .map_err(|e: TresError| e.to_string())?;
        for (k, n) in parsed.0 {
            next.0.insert(k, n);
        }
    }
    *into = next;
    Ok(())
}

/// Sets one legacy single-TRES limit (`MaxCPUsPerUser=64` => `cpu=64`); negative removes it.
pub(crate) fn apply_legacy(
    value: &str,
    kind: TresKind,
    into: &mut TresLimits,
) -> Result<(), String> {
    match count(value)? {
        Some(n) => {
            into.0.insert(kind, n);
        }
        None => {
            into.0.shift_remove(&kind);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_args() {
        assert!(prefix_of("maxw", "MaxWallDurationPerJob", 4));
        assert!(!prefix_of("max", "MaxWallDurationPerJob", 4));
        assert!(!prefix_of("MaxJobsX", "MaxJobs", 4));
        assert_eq!(split_arg("QOS+=a"), Some(("QOS", Some('+'), "a")));
        assert_eq!(split_arg("a"), None);
        assert_eq!(split_names("A,,b "), ["a", "b"]);
    }

    #[test]
    fn values() {
        assert_eq!(count("-1"), Ok(None));
        assert_eq!(count(""), Ok(Some(0)));
        assert_eq!(count32("4294967296"), Err("greater than 4294967295".into()));
        assert_eq!(
            wall("90:30"),
            Ok(Some(TimeLimit::Limited(Duration::from_mins(91))))
        );
        let mut l: TresLimits = "cpu=4,node=2".parse().unwrap_or_default();
        assert_eq!(apply_tres("cpu=-1,mem=1G", &mut l), Ok(()));
        assert_eq!(l.to_string(), "node=2,mem=1G");
        assert_eq!(apply_tres("", &mut l), Err("empty TRES list".into()));
    }

    #[test]
    fn command_lines() {
        let words: Vec<String> = ["sacctmgr", "-i", "add", "user", "bob"]
            .map(String::from)
            .to_vec();
        let c = command_line(&words).ok().flatten();
        assert_eq!(
            c.as_ref().map(|c| (c.verb, c.entity)),
            Some(("add", Some("user")))
        );
        assert_eq!(c.map(|c| c.rest), Some(vec!["bob"]));
        assert!(command_line(&[]).is_ok_and(|c| c.is_none()));
        assert!(command_line(&["-i".to_string()]).is_err());
    }
}
