//! Slurm hostlists: `node[01-14]`, `tux[0-5,12],login1`, `rack[1-2]-n[01-04]`.
//!
//! [`expand`] turns a hostlist into names; [`compress`] turns names into Slurm's canonical
//! hostlist (deduplicated, sorted by prefix then numeric suffix, ranges merged); [`count`]
//! counts the names of a hostlist without building them; [`node_order`] orders node names
//! as slurmctld orders its node table.
//!
//! Syntax (facts from Slurm's `src/common/hostlist.c` and slurm.conf.5):
//! - Names are separated by `,` or whitespace; empty names (`a,,b`) are skipped.
//! - A bracket group `prefix[ranges]suffix` holds a comma list of `N` or `N-M`. The
//!   zero-padding width of a range is the width of its written low bound (`[0000-1023]`
//!   gives `0000` … `1023`; `[8-10]` gives `8`, `9`, `10`).
//! - Several bracket groups in one name expand as a cartesian product, the leftmost group
//!   varying slowest: `rack[1-2]-n[01-02]` gives `rack1-n01, rack1-n02, rack2-n01, rack2-n02`.
//! - One range may hold at most [`MAX_RANGE`] (64K) numbers, as in Slurm. hpcsched also caps
//!   a whole expansion at [`MAX_HOSTS`] names so that a hostile `a[0-65535]b[0-65535]`
//!   cannot allocate gigabytes.
//!
//! hpcsched is stricter than Slurm on malformed text that Slurm silently accepts
//! (`n[1-]`, a stray `]`, nested brackets, signs or spaces inside brackets): these are
//! errors here.
//!
//! Compression follows Slurm with `dims = 1` (every cluster that is not a Cray/BlueGene
//! torus): a host name splits into a prefix and its *trailing* digits only, so
//! multi-dimension names compress on their last number:
//! `rack1-n01,rack1-n02,rack2-n01,rack2-n02` → `rack1-n[01-02],rack2-n[01-02]` (what
//! `scontrol show hostlist` prints). Prefixes are ordered naturally (`strnatcmp`: `rack2`
//! before `rack10`), a name without trailing digits comes before the numbered names of the
//! same prefix, and numbers merge into a range only when they print with the same
//! zero-padding (`n09,n10` → `n[09-10]`, `n9,n10` → `n[9-10]`, but `n1,n01` stay apart:
//! `n[1,01]`).

use std::cmp::Ordering;
use std::fmt::Write as _;

/// Most numbers one `N-M` range may hold (Slurm's `MAX_RANGE`, 64K hosts).
pub const MAX_RANGE: u64 = 65_536;

/// Most names one hostlist may expand to (an hpcsched safety cap; Slurm's own limit is
/// per range and per bracket prefix).
pub const MAX_HOSTS: usize = 1 << 20;

/// Longest digit run accepted as a number (keeps every value inside `u64`).
const MAX_DIGITS: usize = 18;

/// Why a hostlist was rejected. `text` is the offending name (or the whole list when the
/// list as a whole is too large).
///
/// ```
/// use hpcsched::hostlist::expand;
/// let err = expand("ok1,n[3-1]").unwrap_err();
/// assert_eq!(err.to_string(), "invalid hostlist `n[3-1]`: range `3-1` ends before it starts");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostlistError {
    /// The text is not a hostlist.
    #[error("invalid hostlist `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: String,
    },
}

fn invalid(text: &str, why: impl Into<String>) -> HostlistError {
    HostlistError::Invalid {
        text: text.to_owned(),
        why: why.into(),
    }
}

/// One `N` or `N-M` inside brackets.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u64,
    hi: u64,
    width: usize,
}

impl Range {
    fn len(self) -> u64 {
        self.hi - self.lo + 1
    }
}

/// A piece of one host name pattern.
#[derive(Debug)]
enum Piece<'a> {
    Literal(&'a str),
    Ranges(Vec<Range>),
}

/// A parsed hostlist: one piece list per name pattern, plus the total expansion size.
struct Parsed<'a> {
    names: Vec<Vec<Piece<'a>>>,
    total: usize,
}

fn is_sep(b: u8) -> bool {
    b == b',' || b.is_ascii_whitespace()
}

fn parse_number<'t>(digits: &'t str, name: &str) -> Result<(u64, &'t str), HostlistError> {
    if digits.is_empty() {
        return Err(invalid(name, "empty number in brackets"));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            name,
            format!("`{digits}` is not a number inside brackets"),
        ));
    }
    if digits.len() > MAX_DIGITS {
        return Err(invalid(name, format!("number `{digits}` is too long")));
    }
    let value = digits
        .parse()
        .map_err(|_| invalid(name, format!("number `{digits}` is too long")))?;
    Ok((value, digits))
}

fn parse_ranges(inner: &str, name: &str) -> Result<Vec<Range>, HostlistError> {
    if inner.is_empty() {
        return Err(invalid(name, "empty brackets"));
    }
    inner
        .split(',')
        .map(|item| {
            if item.is_empty() {
                return Err(invalid(name, "empty range in brackets"));
            }
            let (lo_text, hi_text) = item.split_once('-').unwrap_or((item, item));
            let (lo, lo_digits) = parse_number(lo_text, name)?;
            let (hi, _) = parse_number(hi_text, name)?;
            if hi < lo {
                return Err(invalid(
                    name,
                    format!("range `{item}` ends before it starts"),
                ));
            }
            let range = Range {
                lo,
                hi,
                width: lo_digits.len(),
            };
            if range.len() > MAX_RANGE {
                return Err(invalid(
                    name,
                    format!("range `{item}` holds more than {MAX_RANGE} hosts"),
                ));
            }
            Ok(range)
        })
        .collect()
}

/// Parses one name pattern (no separators outside brackets).
fn parse_name(name: &str) -> Result<(Vec<Piece<'_>>, u64), HostlistError> {
    let mut pieces = Vec::new();
    let mut count: u64 = 1;
    let mut rest = name;
    while !rest.is_empty() {
        let open = rest.find('[');
        let close = rest.find(']');
        match (open, close) {
            (None, None) => {
                pieces.push(Piece::Literal(rest));
                break;
            }
            (_, Some(c)) if open.is_none_or(|o| c < o) => {
                return Err(invalid(name, "`]` without a matching `[`"));
            }
            (Some(_), None) => return Err(invalid(name, "`[` without a matching `]`")),
            (Some(o), Some(c)) => {
                let inner = rest.get(o + 1..c).unwrap_or_default();
                if inner.contains('[') {
                    return Err(invalid(name, "nested `[`"));
                }
                if o > 0 {
                    pieces.push(Piece::Literal(rest.get(..o).unwrap_or_default()));
                }
                let ranges = parse_ranges(inner, name)?;
                let n: u64 = ranges.iter().map(|r| r.len()).sum();
                count = count
                    .checked_mul(n)
                    .filter(|&c| c <= MAX_HOSTS as u64)
                    .ok_or_else(|| {
                        invalid(name, format!("expands to more than {MAX_HOSTS} hosts"))
                    })?;
                pieces.push(Piece::Ranges(ranges));
                rest = rest.get(c + 1..).unwrap_or_default();
            }
            (None, Some(_)) => return Err(invalid(name, "`]` without a matching `[`")),
        }
    }
    Ok((pieces, count))
}

fn parse(list: &str) -> Result<Parsed<'_>, HostlistError> {
    let bytes = list.as_bytes();
    let mut names = Vec::new();
    let mut total: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip separators, then take one name: it runs to the next separator outside
        // brackets. Whitespace inside brackets is an error; a comma there is a range list.
        while bytes.get(i).is_some_and(|&b| is_sep(b)) {
            i += 1;
        }
        let start = i;
        let mut in_bracket = false;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'[' => in_bracket = true,
                b']' => in_bracket = false,
                b',' if !in_bracket => break,
                _ if b.is_ascii_whitespace() => {
                    if in_bracket {
                        let end = list
                            .get(i..)
                            .and_then(|r| r.find(']'))
                            .map_or(list.len(), |e| i + e + 1);
                        return Err(invalid(
                            list.get(start..end).unwrap_or(list),
                            "whitespace inside brackets",
                        ));
                    }
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let name = list.get(start..i).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let (pieces, count) = parse_name(name)?;
        total = total
            .checked_add(count as usize)
            .filter(|&t| t <= MAX_HOSTS)
            .ok_or_else(|| invalid(list, format!("expands to more than {MAX_HOSTS} hosts")))?;
        names.push(pieces);
    }
    Ok(Parsed { names, total })
}

fn push_number(buf: &mut String, value: u64, width: usize) {
    let _ = write!(buf, "{value:0width$}");
}

/// Expands one name pattern: an odometer over its bracket groups, the rightmost group
/// turning fastest. Iterative, so a name with thousands of groups cannot overflow the stack.
fn expand_pieces(pieces: &[Piece<'_>], out: &mut Vec<String>) {
    let groups: Vec<&[Range]> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Ranges(r) => Some(r.as_slice()),
            Piece::Literal(_) => None,
        })
        .collect();
    // Per group: (index of the current range, current value).
    let mut state: Vec<(usize, u64)> = groups
        .iter()
        .map(|g| (0, g.first().map_or(0, |r| r.lo)))
        .collect();
    let mut buf = String::new();
    loop {
        buf.clear();
        let mut group = 0;
        for piece in pieces {
            match piece {
                Piece::Literal(text) => buf.push_str(text),
                Piece::Ranges(ranges) => {
                    if let Some(&(range_index, value)) = state.get(group) {
                        let width = ranges.get(range_index).map_or(0, |r| r.width);
                        push_number(&mut buf, value, width);
                    }
                    group += 1;
                }
            }
        }
        out.push(buf.clone());
        // Advance the odometer; when every group wraps around, the name is done.
        let mut pos = state.len();
        loop {
            let Some(i) = pos.checked_sub(1) else {
                return;
            };
            pos = i;
            let (Some(slot), Some(ranges)) = (state.get_mut(i), groups.get(i)) else {
                return;
            };
            let (range_index, value) = *slot;
            match ranges.get(range_index) {
                Some(r) if value < r.hi => {
                    *slot = (range_index, value + 1);
                    break;
                }
                _ => {}
            }
            if let Some(next) = ranges.get(range_index + 1) {
                *slot = (range_index + 1, next.lo);
                break;
            }
            *slot = (0, ranges.first().map_or(0, |r| r.lo));
        }
    }
}

/// Expands a hostlist into host names, in written order, duplicates kept.
///
/// An empty (or all-separator) list expands to no names.
///
/// ```
/// use hpcsched::hostlist::expand;
/// assert_eq!(expand("tux[0-2,12],login1")?, ["tux0", "tux1", "tux2", "tux12", "login1"]);
/// assert_eq!(expand("linux[0009-0010]")?, ["linux0009", "linux0010"]);
/// assert_eq!(
///     expand("rack[1-2]-n[01-02]")?,
///     ["rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02"]
/// );
/// assert!(expand("n[3-1]").is_err());
/// # Ok::<(), hpcsched::hostlist::HostlistError>(())
/// ```
pub fn expand(list: &str) -> Result<Vec<String>, HostlistError> {
    let parsed = parse(list)?;
    let mut out = Vec::with_capacity(parsed.total);
    for pieces in &parsed.names {
        expand_pieces(pieces, &mut out);
    }
    Ok(out)
}

/// Counts the names [`expand`] would return, without building them.
///
/// ```
/// use hpcsched::hostlist::count;
/// assert_eq!(count("n[0-1023],login[1-2]x")?, 1026);
/// assert_eq!(count("")?, 0);
/// # Ok::<(), hpcsched::hostlist::HostlistError>(())
/// ```
pub fn count(list: &str) -> Result<usize, HostlistError> {
    parse(list).map(|p| p.total)
}

/// Natural string order (`strnatcmp`-like): digit runs compare by numeric value, so
/// `rack2` sorts before `rack10`. Ties fall back to plain byte order, so the order is total
/// and consistent with equality.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(cx), Some(cy)) if cx.is_ascii_digit() && cy.is_ascii_digit() => {
                let lx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ly = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..lx], &y[..ly]);
                let tx = dx
                    .iter()
                    .position(|&c| c != b'0')
                    .map_or(&[][..], |p| &dx[p..]);
                let ty = dy
                    .iter()
                    .position(|&c| c != b'0')
                    .map_or(&[][..], |p| &dy[p..]);
                let ord = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[lx..];
                y = &y[ly..];
            }
            (Some(cx), Some(cy)) => {
                if cx != cy {
                    return cx.cmp(cy);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// A host name split the way Slurm's `hostname_create()` does (with `dims = 1`).
struct Host<'a> {
    name: &'a str,
    prefix: &'a str,
    /// Trailing number: value and its written digits.
    number: Option<(u64, &'a str)>,
}

fn split_host(name: &str) -> Host<'_> {
    let digits = name.bytes().rev().take_while(u8::is_ascii_digit).count();
    let split = name.len() - digits;
    let (prefix, tail) = name.split_at(split);
    // A number too long for u64 is kept as part of an unnumbered name.
    let number = (digits > 0 && digits <= MAX_DIGITS)
        .then(|| tail.parse().ok().map(|v| (v, tail)))
        .flatten();
    match number {
        Some(n) => Host {
            name,
            prefix,
            number: Some(n),
        },
        None => Host {
            name,
            prefix: name,
            number: None,
        },
    }
}

fn is_padded(digits: &str) -> bool {
    digits.len() > 1 && digits.starts_with('0')
}

/// Renders the numbered hosts of one prefix: `n5` or `n[1-3,7,09-10]`.
fn render_group(out: &mut String, prefix: &str, numbers: &[(u64, &str)]) {
    // Zero-padding classes: a padded number ("007") prints only at its own width; an
    // unpadded one prints unchanged at any width up to its digit count, so it joins the
    // widest padded class it fits (so node09,node10 make node[09-10]), else width 1.
    let mut widths: Vec<usize> = numbers
        .iter()
        .filter(|(_, d)| is_padded(d))
        .map(|(_, d)| d.len())
        .collect();
    widths.sort_unstable();
    widths.dedup();
    let mut classed: Vec<(usize, u64)> = numbers
        .iter()
        .map(|&(v, d)| {
            let class = if is_padded(d) {
                d.len()
            } else {
                widths
                    .iter()
                    .rev()
                    .find(|&&w| w <= d.len())
                    .copied()
                    .unwrap_or(1)
            };
            (class, v)
        })
        .collect();
    classed.sort_unstable();
    classed.dedup();
    let mut ranges: Vec<Range> = Vec::new();
    for (width, v) in classed {
        match ranges.last_mut() {
            Some(r) if r.width == width && r.hi.checked_add(1) == Some(v) => r.hi = v,
            _ => ranges.push(Range {
                lo: v,
                hi: v,
                width,
            }),
        }
    }
    out.push_str(prefix);
    let bracket = !(ranges.len() == 1 && ranges.first().is_some_and(|r| r.lo == r.hi));
    if bracket {
        out.push('[');
    }
    for (i, r) in ranges.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_number(out, r.lo, r.width);
        if r.hi != r.lo {
            out.push('-');
            push_number(out, r.hi, r.width);
        }
    }
    if bracket {
        out.push(']');
    }
}

/// Compresses host names into Slurm's canonical hostlist.
///
/// Names are deduplicated, ordered by prefix (natural order) then by number, and
/// consecutive numbers with the same zero-padding merge into ranges. Each name is split
/// at its trailing digits only (see the module docs). Names must be plain host names:
/// a name holding `[`, `]`, `,` or whitespace does not survive [`expand`] of the result.
///
/// ```
/// use hpcsched::hostlist::compress;
/// assert_eq!(compress(&["n3", "n1", "n2", "n1", "login"]), "login,n[1-3]");
/// assert_eq!(compress(&["node09", "node10", "node11"]), "node[09-11]");
/// assert_eq!(
///     compress(&["rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02"]),
///     "rack1-n[01-02],rack2-n[01-02]"
/// );
/// ```
#[must_use]
pub fn compress<S: AsRef<str>>(hosts: &[S]) -> String {
    let mut split: Vec<Host<'_>> = hosts.iter().map(|h| split_host(h.as_ref())).collect();
    split.retain(|h| !h.name.is_empty());
    split.sort_by(|a, b| {
        natural_cmp(a.prefix, b.prefix)
            .then_with(|| a.number.is_some().cmp(&b.number.is_some()))
            .then_with(|| a.name.cmp(b.name))
    });
    split.dedup_by(|a, b| a.name == b.name);

    let mut out = String::new();
    let mut i = 0;
    while let Some(host) = split.get(i) {
        if !out.is_empty() {
            out.push(',');
        }
        if host.number.is_none() {
            out.push_str(host.name);
            i += 1;
            continue;
        }
        let group: Vec<(u64, &str)> = split[i..]
            .iter()
            .take_while(|h| h.prefix == host.prefix && h.number.is_some())
            .filter_map(|h| h.number)
            .collect();
        i += group.len();
        render_group(&mut out, host.prefix, &group);
    }
    out
}

/// Orders two node names as slurmctld orders its node table: by name, a run of digits
/// compared as a number (`a40` before `a100`, `cpu4-2` before `cpu16-1`). Slurm 22.05
/// sorts the table so whatever the order of the slurm.conf lines
/// (`_sort_node_record_table_ptr()`, `strnatcmp()`), and every "lowest index first" of
/// its node selection follows this order. A run starting with `0` on either side is
/// compared digit by digit from the left, as a fraction would be (`n01` before `n1`);
/// spaces are skipped.
///
/// ```
/// use hpcsched::hostlist::node_order;
/// use std::cmp::Ordering;
/// assert_eq!(node_order("a40-1", "a100-01"), Ordering::Less);
/// assert_eq!(node_order("cpu4-4", "cpu16-1"), Ordering::Less);
/// assert_eq!(node_order("n9", "n10"), Ordering::Less);
/// assert_eq!(node_order("h100-1", "h100-1"), Ordering::Equal);
/// ```
#[must_use]
pub fn node_order(name_a: &str, name_b: &str) -> Ordering {
    // Names equal for strnatcmp (spaces aside) are still told apart, so that the order
    // is total.
    strnatcmp(name_a.as_bytes(), name_b.as_bytes()).then_with(|| name_a.cmp(name_b))
}

/// `strnatcmp()`'s order on bytes (see [`node_order`]).
fn strnatcmp(a: &[u8], b: &[u8]) -> Ordering {
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    loop {
        while at(a, i).is_ascii_whitespace() {
            i += 1;
        }
        while at(b, j).is_ascii_whitespace() {
            j += 1;
        }
        let (ca, cb) = (at(a, i), at(b, j));
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let digits = |s: &[u8], from: usize| {
                s.get(from..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count()
            };
            let (da, db) = (digits(a, i), digits(b, j));
            let (ra, rb) = (&a[i..i + da], &b[j..j + db]);
            let order = if ca == b'0' || cb == b'0' {
                // Left-aligned: the first difference wins, a shorter run first.
                ra.iter()
                    .zip(rb)
                    .map(|(x, y)| x.cmp(y))
                    .find(|o| o.is_ne())
                    .unwrap_or_else(|| da.cmp(&db))
            } else {
                // The longer run is the larger number; else the first difference.
                da.cmp(&db).then_with(|| ra.cmp(rb))
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        if ca == 0 && cb == 0 {
            return Ordering::Equal;
        }
        match ca.cmp(&cb) {
            Ordering::Equal => {
                i += 1;
                j += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn err_text(list: &str) -> String {
        match expand(list) {
            Err(HostlistError::Invalid { text, .. }) => text,
            Ok(v) => panic!("`{list}` should fail, got {v:?}"),
        }
    }

    #[test]
    fn slurm_doc_examples() {
        assert_eq!(
            expand("tux[0-5,12,20-22]").unwrap(),
            [
                "tux0", "tux1", "tux2", "tux3", "tux4", "tux5", "tux12", "tux20", "tux21", "tux22"
            ]
        );
        let linux = expand("linux[0000-1023]").unwrap();
        assert_eq!(linux.len(), 1024);
        assert_eq!(linux.first().map(String::as_str), Some("linux0000"));
        assert_eq!(linux.last().map(String::as_str), Some("linux1023"));
        assert_eq!(count("rack[0-63]_blade[0-41]").unwrap(), 64 * 42);
        let blades = expand("rack[0-63]_blade[0-41]").unwrap();
        assert_eq!(blades.get(..2).unwrap(), ["rack0_blade0", "rack0_blade1"]);
        assert_eq!(blades.get(42).map(String::as_str), Some("rack1_blade0"));
    }

    #[test]
    fn separators_order_and_duplicates() {
        assert_eq!(
            expand(" b1, a1\tb1\n,,c ").unwrap(),
            ["b1", "a1", "b1", "c"]
        );
        assert_eq!(expand("").unwrap(), Vec::<String>::new());
        assert_eq!(expand(" ,, ").unwrap(), Vec::<String>::new());
        assert_eq!(expand("[1-2]").unwrap(), ["1", "2"]);
        assert_eq!(expand("n[1-2]a").unwrap(), ["n1a", "n2a"]);
        assert_eq!(expand("n[8-10]").unwrap(), ["n8", "n9", "n10"]);
        assert_eq!(expand("n[08-10]").unwrap(), ["n08", "n09", "n10"]);
        assert_eq!(expand("n[3,1,3]").unwrap(), ["n3", "n1", "n3"]);
    }

    #[test]
    fn many_groups_do_not_overflow_the_stack() {
        let name = "[1]".repeat(50_000);
        let hosts = expand(&name).unwrap();
        assert_eq!(hosts, ["1".repeat(50_000)]);
        assert_eq!(count(&format!("{name}x[1-2]")).unwrap(), 2);
    }

    #[test]
    fn multi_bracket_order() {
        assert_eq!(
            expand("a[1-2]b[3-4]c").unwrap(),
            ["a1b3c", "a1b4c", "a2b3c", "a2b4c"]
        );
        assert_eq!(
            expand("x[1,5-6]y[7,02-03]").unwrap(),
            [
                "x1y7", "x1y02", "x1y03", "x5y7", "x5y02", "x5y03", "x6y7", "x6y02", "x6y03"
            ]
        );
    }

    #[test]
    fn malformed() {
        for (bad, text) in [
            ("n[1-3", "n[1-3"),
            ("ok,n1-3]", "n1-3]"),
            ("n[[1-2]]", "n[[1-2]]"),
            ("n[]", "n[]"),
            ("n[1,,2]", "n[1,,2]"),
            ("n[3-1]", "n[3-1]"),
            ("n[1-]", "n[1-]"),
            ("n[-1]", "n[-1]"),
            ("n[a-b]", "n[a-b]"),
            ("n[1-2-3]", "n[1-2-3]"),
            ("n[+1]", "n[+1]"),
            ("n[1 -2]", "n[1 -2]"),
            ("n[0-65536]", "n[0-65536]"),
            ("n[0-99999999]", "n[0-99999999]"),
            ("n[1234567890123456789]", "n[1234567890123456789]"),
        ] {
            assert_eq!(err_text(bad), text, "{bad}");
            assert!(count(bad).is_err());
        }
        assert!(expand("n[0-65535]").is_ok());
        // 64K × 64K names: refused before allocating.
        let err = expand("a[0-65535]b[0-65535]").unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
        // The total cap also applies across names.
        let many = vec!["x[0-65535]"; 17].join(",");
        assert!(expand(&many).is_err());
        let err = expand("n[1-2-3]").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid hostlist `n[1-2-3]`: `2-3` is not a number inside brackets"
        );
    }

    #[test]
    fn compress_examples() {
        assert_eq!(compress::<&str>(&[]), "");
        assert_eq!(compress(&["n5"]), "n5");
        assert_eq!(compress(&["n5", "n5"]), "n5");
        assert_eq!(compress(&["n1", "n3"]), "n[1,3]");
        assert_eq!(compress(&["n9", "n10", "n11"]), "n[9-11]");
        assert_eq!(compress(&["n1", "n01", "n2"]), "n[1-2,01]");
        assert_eq!(compress(&["n", "n1", "m"]), "m,n,n1");
        assert_eq!(compress(&["rack10-n1", "rack2-n1"]), "rack2-n1,rack10-n1");
        assert_eq!(
            compress(&expand("linux[0000-1023],login").unwrap()),
            "linux[0000-1023],login"
        );
        assert_eq!(compress(&expand("tux[12,0-5]").unwrap()), "tux[0-5,12]");
        assert_eq!(
            compress(&["x001", "x002", "x100", "x1000"]),
            "x[001-002,100,1000]"
        );
    }

    #[test]
    fn natural_order() {
        assert_eq!(natural_cmp("a2", "a10"), Ordering::Less);
        assert_eq!(natural_cmp("a02", "a2"), Ordering::Less);
        assert_eq!(natural_cmp("b", "a10"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
    }

    fn host_name() -> impl Strategy<Value = String> {
        "[a-c]{0,2}(-?[a-c]?[0-9]{0,3}){0,2}"
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let e = expand(&s);
            let c = count(&s);
            prop_assert_eq!(e.map(|v| v.len()), c);
        }

        #[test]
        fn never_panics_targeted(s in "[\\[\\]0-9a-z,\\- ]{0,30}") {
            let e = expand(&s);
            let c = count(&s);
            prop_assert_eq!(e.map(|v| v.len()), c);
        }

        #[test]
        fn compress_round_trip(names in proptest::collection::vec(host_name(), 0..20)) {
            let compressed = compress(&names);
            let back = expand(&compressed).unwrap();
            let mut want: Vec<&str> =
                names.iter().map(String::as_str).filter(|n| !n.is_empty()).collect();
            want.sort_unstable();
            want.dedup();
            let mut got: Vec<&str> = back.iter().map(String::as_str).collect();
            let len = got.len();
            got.sort_unstable();
            got.dedup();
            prop_assert_eq!(len, got.len(), "duplicates in {}", compressed);
            prop_assert_eq!(got, want);
            prop_assert_eq!(compress(&back), compressed);
        }

        #[test]
        fn compress_order_for_unpadded(names in proptest::collection::vec("[ab][1-9][0-9]{0,2}", 0..20)) {
            // Without zero padding the canonical order is prefix, then numeric value.
            let back = expand(&compress(&names)).unwrap();
            let mut want = names.clone();
            want.sort_by_key(|n| (n[..1].to_owned(), n[1..].parse::<u32>().unwrap()));
            want.dedup();
            prop_assert_eq!(back, want);
        }

        #[test]
        fn canonical_fixpoint(s in "[a-b]{1,2}\\[[0-9]{1,2}(-[0-9]{1,3})?(,[0-9]{1,3})?\\][a-b]?(\\[[0-9]-[0-9]\\])?") {
            if let Ok(names) = expand(&s) {
                let once = compress(&names);
                let twice = compress(&expand(&once).unwrap());
                prop_assert_eq!(twice, once);
            }
        }
    }
}
