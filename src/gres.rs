//! Generic resources (GRES): `gpu`, `gpu:h100:2`, `nvme:1`, lists of them.
//!
//! The same grammar serves node definitions (`Gres=gpu:h100:2` in slurm.conf) and job
//! requests (`--gres=gpu:2`): `name[:type][:no_consume][:count]`, comma separated, count
//! defaulting to 1 and accepting `k`/`m`/`g`/`t`/`p` multipliers (powers of 1024, as
//! sbatch.1 `--gres` documents). `--gpus`-style values (`[type:]N`) are read by
//! [`GresSpec::parse_gpus`].
//!
//! **Counts of zero** are accepted everywhere: Slurm documents `--gres=gpu:0` (and
//! `--gres=none`) as "no GRES", and a node line with a zero count offers nothing. The
//! resolver treats a zero count as absent.
//!
//! **Names and types.** A name starts with an ASCII letter and continues with letters,
//! digits, `_`, `-` or `.`; a type (`h100`, `1g.10gb`) uses the same characters but may
//! start with a digit. When the last field of an entry is a number (optionally with a
//! multiplier) it is the count, otherwise it is the type and the count is 1 (`gpu:k80`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The identity of a GRES: its name and optional type (`gpu` / `gpu:h100`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GresKey {
    /// GRES name, e.g. `gpu`.
    pub name: String,
    /// GRES type, e.g. `h100`; `None` for an untyped GRES or request.
    pub kind: Option<String>,
}

/// One GRES entry: a key and a count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GresSpec {
    /// Name and type.
    pub key: GresKey,
    /// How many.
    pub count: u64,
    /// `no_consume`: allocations never deplete it (node definitions only).
    pub no_consume: bool,
}

/// Why a GRES string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GresError {
    /// The text is not a GRES specification.
    #[error("invalid GRES specification `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

fn invalid(text: &str, why: &'static str) -> GresError {
    GresError::Invalid {
        text: text.to_owned(),
        why,
    }
}

const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Checks a GRES name: an ASCII letter, then letters, digits, `_`, `-`, `.`.
fn check_name(entry: &str, name: &str) -> Result<(), GresError> {
    match name.as_bytes().first() {
        None => Err(invalid(entry, "missing GRES name")),
        Some(b) if !b.is_ascii_alphabetic() => {
            Err(invalid(entry, "a GRES name must start with a letter"))
        }
        Some(_) if !name.bytes().all(is_word_byte) => Err(invalid(
            entry,
            "a GRES name may only hold letters, digits, `_`, `-` and `.`",
        )),
        Some(_) => Ok(()),
    }
}

/// Checks a GRES type: letters, digits, `_`, `-`, `.`, starting with a letter or digit.
fn check_type(entry: &str, kind: &str) -> Result<(), GresError> {
    match kind.as_bytes().first() {
        None => Err(invalid(entry, "empty GRES type")),
        Some(b) if !b.is_ascii_alphanumeric() => Err(invalid(
            entry,
            "a GRES type must start with a letter or digit",
        )),
        Some(_) if !kind.bytes().all(is_word_byte) => Err(invalid(
            entry,
            "a GRES type may only hold letters, digits, `_`, `-` and `.`",
        )),
        Some(_) => Ok(()),
    }
}

/// Reads a count (`4`, `2k`, `1G`), or `None` if the field is not count-shaped.
/// `Some(Err)` when it is count-shaped but overflows.
fn parse_count(entry: &str, field: &str) -> Option<Result<u64, GresError>> {
    let digits = field.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (num, suffix) = field.split_at(digits);
    let shift = match suffix.as_bytes() {
        [] => 0,
        [b'k' | b'K'] => 10,
        [b'm' | b'M'] => 20,
        [b'g' | b'G'] => 30,
        [b't' | b'T'] => 40,
        [b'p' | b'P'] => 50,
        _ => return None,
    };
    let too_large = || invalid(entry, "count too large");
    Some(
        num.parse::<u64>()
            .map_err(|_| too_large())
            .and_then(|n| n.checked_mul(1u64 << shift).ok_or_else(too_large)),
    )
}

impl GresKey {
    /// An untyped key (`gpu`).
    ///
    /// ```
    /// use hpcsched::GresKey;
    /// assert_eq!(GresKey::new("gpu").to_string(), "gpu");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: None,
        }
    }
    /// A typed key (`gpu:h100`).
    ///
    /// ```
    /// use hpcsched::GresKey;
    /// assert_eq!(GresKey::typed("gpu", "h100").to_string(), "gpu:h100");
    /// ```
    #[must_use]
    pub fn typed(name: impl Into<String>, kind: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: Some(kind.into()),
        }
    }
    /// Whether a request for `self` can be served by an offer of `offered`: same name, and
    /// either `self` is untyped (Slurm: an untyped request matches any type) or the types
    /// are equal.
    ///
    /// ```
    /// use hpcsched::GresKey;
    /// let h100 = GresKey::typed("gpu", "h100");
    /// assert!(GresKey::new("gpu").matches(&h100));
    /// assert!(h100.matches(&h100));
    /// assert!(!h100.matches(&GresKey::typed("gpu", "a100")));
    /// assert!(!h100.matches(&GresKey::new("gpu")));
    /// ```
    #[must_use]
    pub fn matches(&self, offered: &GresKey) -> bool {
        self.name == offered.name && (self.kind.is_none() || self.kind == offered.kind)
    }
}

/// `name` or `name:type`.
impl fmt::Display for GresKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(kind) = &self.kind {
            write!(f, ":{kind}")?;
        }
        Ok(())
    }
}

/// Parses `name` or `name:type` (as in `gres/gpu:a100` TRES names).
///
/// ```
/// use hpcsched::GresKey;
/// assert_eq!("gpu:a100".parse::<GresKey>()?, GresKey::typed("gpu", "a100"));
/// # Ok::<(), hpcsched::gres::GresError>(())
/// ```
impl FromStr for GresKey {
    type Err = GresError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, kind) = match s.split_once(':') {
            Some((n, k)) => (n, Some(k)),
            None => (s, None),
        };
        check_name(s, name)?;
        if let Some(k) = kind {
            check_type(s, k)?;
        }
        Ok(Self {
            name: name.to_owned(),
            kind: kind.map(str::to_owned),
        })
    }
}

impl GresSpec {
    /// `count` of the untyped GRES `name`.
    ///
    /// ```
    /// use hpcsched::GresSpec;
    /// assert_eq!(GresSpec::new("gpu", 2).to_string(), "gpu:2");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, count: u64) -> Self {
        Self {
            key: GresKey::new(name),
            count,
            no_consume: false,
        }
    }

    /// Parses a `--gpus`/`--gpus-per-node`/`--gpus-per-task` value: a comma-separated list
    /// of `[type:]N` (`2`, `a100:2`, `volta:3,kepler:1`), each a `gpu` entry. The count is
    /// required and takes the same multipliers as `--gres`; a type may appear once.
    ///
    /// ```
    /// use hpcsched::{GresKey, GresSpec};
    /// let g = GresSpec::parse_gpus("a100:2,v100:1")?;
    /// assert_eq!(g[0].key, GresKey::typed("gpu", "a100"));
    /// assert_eq!(g[0].count, 2);
    /// assert_eq!(GresSpec::parse_gpus("4")?, vec![GresSpec::new("gpu", 4)]);
    /// # Ok::<(), hpcsched::gres::GresError>(())
    /// ```
    pub fn parse_gpus(s: &str) -> Result<Vec<GresSpec>, GresError> {
        if s.is_empty() {
            return Err(invalid(s, "empty GPU specification"));
        }
        let mut out: Vec<GresSpec> = Vec::new();
        for entry in s.split(',') {
            let (kind, count) = match entry.split_once(':') {
                Some((k, c)) => (Some(k), c),
                None => (None, entry),
            };
            if let Some(k) = kind {
                check_type(entry, k)?;
            }
            let count = parse_count(entry, count)
                .ok_or_else(|| invalid(entry, "expected `[type:]count`"))??;
            let spec = GresSpec {
                key: GresKey {
                    name: "gpu".to_owned(),
                    kind: kind.map(str::to_owned),
                },
                count,
                no_consume: false,
            };
            if out.iter().any(|o| o.key == spec.key) {
                return Err(invalid(entry, "GPU type given twice"));
            }
            out.push(spec);
        }
        Ok(out)
    }
}

/// One entry: `name[:type][:no_consume][:count]`.
///
/// ```
/// use hpcsched::{GresKey, GresSpec};
/// let g: GresSpec = "gpu:kepler:2".parse()?;
/// assert_eq!(g.key, GresKey::typed("gpu", "kepler"));
/// assert_eq!(g.count, 2);
/// let b: GresSpec = "bandwidth:lustre:no_consume:4G".parse()?;
/// assert!(b.no_consume);
/// assert_eq!(b.count, 4 << 30);
/// assert_eq!("gpu".parse::<GresSpec>()?.count, 1);
/// # Ok::<(), hpcsched::gres::GresError>(())
/// ```
impl FromStr for GresSpec {
    type Err = GresError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut fields: Vec<&str> = s.split(':').collect();
        let name = fields.remove(0);
        check_name(s, name)?;
        let count = match fields.last().and_then(|f| parse_count(s, f)) {
            Some(c) => {
                fields.pop();
                c?
            }
            None => 1,
        };
        let no_consume = fields
            .last()
            .is_some_and(|f| f.eq_ignore_ascii_case("no_consume"));
        if no_consume {
            fields.pop();
        }
        let kind = match fields.as_slice() {
            [] => None,
            [k] => {
                if k.eq_ignore_ascii_case("no_consume") {
                    return Err(invalid(s, "`no_consume` given twice"));
                }
                check_type(s, k)?;
                Some((*k).to_owned())
            }
            _ => {
                return Err(invalid(s, "expected `name[:type][:no_consume][:count]`"));
            }
        };
        Ok(GresSpec {
            key: GresKey {
                name: name.to_owned(),
                kind,
            },
            count,
            no_consume,
        })
    }
}

/// `name[:type][:no_consume]:count`, the count always written (`gpu:1`).
impl fmt::Display for GresSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.key)?;
        if self.no_consume {
            f.write_str(":no_consume")?;
        }
        write!(f, ":{}", self.count)
    }
}

/// Parses a comma-separated GRES list (`gpu:h100:2,nvme:1`). An empty string, and `none`
/// (any case; sbatch.1's "no GRES" value), is an empty list. The same key twice is rejected.
///
/// ```
/// use hpcsched::gres::parse_list;
/// let list = parse_list("gpu:h100:2,nvme:1")?;
/// assert_eq!(list.len(), 2);
/// assert!(parse_list("")?.is_empty());
/// assert!(parse_list("gpu:1,gpu:2").is_err());
/// # Ok::<(), hpcsched::gres::GresError>(())
/// ```
pub fn parse_list(s: &str) -> Result<Vec<GresSpec>, GresError> {
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut out: Vec<GresSpec> = Vec::new();
    for entry in s.split(',') {
        if entry.is_empty() {
            return Err(invalid(s, "empty entry in GRES list"));
        }
        let spec: GresSpec = entry.parse()?;
        if out.iter().any(|o| o.key == spec.key) {
            return Err(invalid(entry, "the same GRES is listed twice"));
        }
        out.push(spec);
    }
    Ok(out)
}

/// Writes a GRES list the way [`parse_list`] reads it (comma separated, `""` when empty).
///
/// ```
/// use hpcsched::gres::{display_list, parse_list};
/// assert_eq!(display_list(&parse_list("gpu:h100:2,nvme")?), "gpu:h100:2,nvme:1");
/// # Ok::<(), hpcsched::gres::GresError>(())
/// ```
#[must_use]
pub fn display_list(list: &[GresSpec]) -> String {
    let mut out = String::new();
    for (i, g) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&g.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec(s: &str) -> GresSpec {
        s.parse()
            .unwrap_or_else(|e| panic!("`{s}` should parse: {e}"))
    }

    fn g(name: &str, kind: Option<&str>, count: u64, no_consume: bool) -> GresSpec {
        GresSpec {
            key: GresKey {
                name: name.to_owned(),
                kind: kind.map(str::to_owned),
            },
            count,
            no_consume,
        }
    }

    #[test]
    fn documented_examples() {
        // sbatch.1 --gres: "--gres=gpu:2", "--gres=gpu:kepler:2", "--gres=gpu:2,mic:1".
        assert_eq!(spec("gpu:2"), g("gpu", None, 2, false));
        assert_eq!(spec("gpu:kepler:2"), g("gpu", Some("kepler"), 2, false));
        assert_eq!(
            parse_list("gpu:2,mic:1"),
            Ok(vec![g("gpu", None, 2, false), g("mic", None, 1, false)])
        );
        // slurm.conf.5 Gres: "Gres=gpu:tesla:1,gpu:kepler:1,bandwidth:lustre:no_consume:4G".
        assert_eq!(
            parse_list("gpu:tesla:1,gpu:kepler:1,bandwidth:lustre:no_consume:4G"),
            Ok(vec![
                g("gpu", Some("tesla"), 1, false),
                g("gpu", Some("kepler"), 1, false),
                g("bandwidth", Some("lustre"), 4 << 30, true),
            ])
        );
        // Defaults and types.
        assert_eq!(spec("gpu"), g("gpu", None, 1, false));
        assert_eq!(spec("gpu:k80"), g("gpu", Some("k80"), 1, false));
        assert_eq!(spec("gpu:1g.10gb:3"), g("gpu", Some("1g.10gb"), 3, false));
        assert_eq!(spec("nic:no_consume"), g("nic", None, 1, true));
        assert_eq!(spec("nic:NO_CONSUME:2"), g("nic", None, 2, true));
        // Zero means none.
        assert_eq!(spec("gpu:0"), g("gpu", None, 0, false));
        assert_eq!(parse_list("none"), Ok(vec![]));
        assert_eq!(parse_list(""), Ok(vec![]));
    }

    #[test]
    fn count_multipliers_are_powers_of_1024() {
        for (text, n) in [
            ("mps:1k", 1u64 << 10),
            ("mps:2K", 2 << 10),
            ("mps:3m", 3 << 20),
            ("mps:1G", 1 << 30),
            ("mps:1t", 1 << 40),
            ("mps:1P", 1 << 50),
        ] {
            assert_eq!(spec(text).count, n, "{text}");
        }
    }

    #[test]
    fn malformed_entries() {
        for (text, why) in [
            ("", "missing GRES name"),
            (":2", "missing GRES name"),
            ("2gpu:1", "a GRES name must start with a letter"),
            (
                "gp u:1",
                "a GRES name may only hold letters, digits, `_`, `-` and `.`",
            ),
            ("gpu::2", "empty GRES type"),
            ("gpu:-x:2", "a GRES type must start with a letter or digit"),
            (
                "gpu:a/b",
                "a GRES type may only hold letters, digits, `_`, `-` and `.`",
            ),
            ("gpu:a:b:c", "expected `name[:type][:no_consume][:count]`"),
            ("gpu:a:b:2", "expected `name[:type][:no_consume][:count]`"),
            ("gpu:no_consume:no_consume", "`no_consume` given twice"),
            ("gpu:99999999999999999999", "count too large"),
            ("gpu:16385P", "count too large"),
        ] {
            let err = text.parse::<GresSpec>().unwrap_err();
            assert_eq!(
                err,
                GresError::Invalid {
                    text: text.to_owned(),
                    why
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn malformed_lists() {
        assert_eq!(
            parse_list("gpu:1,,nvme"),
            Err(invalid("gpu:1,,nvme", "empty entry in GRES list"))
        );
        assert_eq!(
            parse_list("gpu:1,"),
            Err(invalid("gpu:1,", "empty entry in GRES list"))
        );
        assert_eq!(
            parse_list("gpu:a100:1,gpu:a100:2"),
            Err(invalid("gpu:a100:2", "the same GRES is listed twice"))
        );
        // Typed and untyped entries of one name are different keys.
        assert_eq!(parse_list("gpu:1,gpu:a100:1").map(|l| l.len()), Ok(2));
        assert_eq!(
            parse_list("gpu:1,2x"),
            Err(invalid("2x", "a GRES name must start with a letter"))
        );
    }

    #[test]
    fn gpus_option() {
        // sbatch.1 --gpus: "--gpus=volta:3", "--gpus=volta:3,kepler:1".
        assert_eq!(
            GresSpec::parse_gpus("volta:3,kepler:1"),
            Ok(vec![
                g("gpu", Some("volta"), 3, false),
                g("gpu", Some("kepler"), 1, false)
            ])
        );
        assert_eq!(
            GresSpec::parse_gpus("2"),
            Ok(vec![g("gpu", None, 2, false)])
        );
        assert_eq!(
            GresSpec::parse_gpus("0"),
            Ok(vec![g("gpu", None, 0, false)])
        );
        for (text, bad, why) in [
            ("", "", "empty GPU specification"),
            ("volta", "volta", "expected `[type:]count`"),
            ("volta:x", "volta:x", "expected `[type:]count`"),
            ("a:b:2", "a:b:2", "expected `[type:]count`"),
            (":2", ":2", "empty GRES type"),
            ("2,2", "2", "GPU type given twice"),
            (
                "volta:99999999999999999999",
                "volta:99999999999999999999",
                "count too large",
            ),
        ] {
            assert_eq!(GresSpec::parse_gpus(text), Err(invalid(bad, why)), "{text}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(GresKey::new("gpu").to_string(), "gpu");
        assert_eq!(GresKey::typed("gpu", "h100").to_string(), "gpu:h100");
        assert_eq!(spec("gpu:h100:2").to_string(), "gpu:h100:2");
        assert_eq!(spec("gpu:2").to_string(), "gpu:2");
        assert_eq!(spec("gpu").to_string(), "gpu:1");
        assert_eq!(spec("gpu:k80").to_string(), "gpu:k80:1");
        assert_eq!(spec("nic:no_consume:1k").to_string(), "nic:no_consume:1024");
        assert_eq!(display_list(&[]), "");
    }

    #[test]
    fn key_parsing() {
        assert_eq!("gpu".parse::<GresKey>(), Ok(GresKey::new("gpu")));
        assert_eq!(
            "gpu:a100".parse::<GresKey>(),
            Ok(GresKey::typed("gpu", "a100"))
        );
        assert!("gpu:".parse::<GresKey>().is_err());
        assert!("gpu:a:b".parse::<GresKey>().is_err());
        assert!("".parse::<GresKey>().is_err());
    }

    fn arb_word(first: &'static str) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("{first}[a-z0-9_.-]{{0,6}}"))
            .unwrap_or_else(|e| panic!("bad regex: {e}"))
    }

    fn arb_spec() -> impl Strategy<Value = GresSpec> {
        (
            arb_word("[a-z]"),
            proptest::option::of(arb_word("[a-z0-9]")),
            any::<u64>(),
            any::<bool>(),
        )
            .prop_filter("a type must not read as no_consume", |(_, k, _, _)| {
                k.as_deref() != Some("no_consume")
            })
            .prop_map(|(name, kind, count, no_consume)| GresSpec {
                key: GresKey { name, kind },
                count,
                no_consume,
            })
    }

    proptest! {
        #[test]
        fn list_round_trips(list in proptest::collection::vec(arb_spec(), 0..5)) {
            let mut seen = std::collections::BTreeSet::new();
            let list: Vec<GresSpec> = list.into_iter().filter(|g| seen.insert(g.key.clone())).collect();
            let shown = display_list(&list);
            prop_assert_eq!(parse_list(&shown), Ok(list), "{}", shown);
        }

        #[test]
        fn spec_round_trips(g in arb_spec()) {
            prop_assert_eq!(g.to_string().parse::<GresSpec>(), Ok(g));
        }

        #[test]
        fn key_round_trips(g in arb_spec()) {
            prop_assert_eq!(g.key.to_string().parse::<GresKey>(), Ok(g.key));
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,24}") {
            let _ = s.parse::<GresSpec>();
            let _ = s.parse::<GresKey>();
            let _ = parse_list(&s);
            let _ = GresSpec::parse_gpus(&s);
        }

        #[test]
        fn near_misses_never_panic(s in "[a-z0-9:,_kKpP]{0,20}") {
            let _ = parse_list(&s);
            let _ = GresSpec::parse_gpus(&s);
        }
    }
}
