//! `--array` specifications: `1-100`, `1,3,5-7`, `0-15:4`, `1-100%10`.
//!
//! Stored as ranges, never expanded: `0-999999` costs a few words, not a million entries.
//!
//! Syntax (sbatch.1 `--array`; `slurm_parse_array_tok()` in Slurm's
//! `src/common/slurm_protocol_defs.c`): a comma list of `N`, `N-M` or `N-M:S` (a step needs a
//! range), then an optional `%K` throttle on simultaneously running tasks. Indices run from
//! 0 to [`MAX_INDEX`]; the step is at least 1. A range's end is normalised to the last index
//! its step reaches (`0-15:4` is `0-12:4`).
//!
//! ```
//! use hpcsched::ArraySpec;
//! let spec: ArraySpec = "1-7:2,20%3".parse()?;
//! assert_eq!(spec.iter().collect::<Vec<_>>(), [1, 3, 5, 7, 20]);
//! assert_eq!(spec.throttle(), Some(3));
//! assert_eq!(spec.to_string(), "1-7:2,20%3");
//! # Ok::<(), hpcsched::array::ArrayError>(())
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One `start-end:step` range of task indices (a single index has `start == end`).
///
/// ```
/// use hpcsched::array::ArrayRange;
/// let r = ArrayRange::new(1, 7, 2).unwrap();
/// assert_eq!(r.to_string(), "1-7:2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArrayRange {
    /// First index.
    pub start: u32,
    /// Last index (inclusive; normalised so that it is reached by the step).
    pub end: u32,
    /// Step, at least 1.
    pub step: u32,
}

/// A parsed `--array` value: index ranges plus an optional `%K` throttle.
///
/// Two specs are equal when they were written with the same ranges in the same order
/// (after normalising each range), not merely when they hold the same indices.
///
/// ```
/// use hpcsched::ArraySpec;
/// let spec: ArraySpec = "0-15:4%2".parse()?;
/// assert_eq!(spec.len(), 4);
/// assert_eq!(spec.to_string(), "0-12:4%2");
/// # Ok::<(), hpcsched::array::ArrayError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArraySpec {
    ranges: Vec<ArrayRange>,
    throttle: Option<u32>,
}

/// Why an array specification was rejected.
///
/// ```
/// use hpcsched::ArraySpec;
/// let err = "5-1".parse::<ArraySpec>().unwrap_err();
/// assert_eq!(err.to_string(), "invalid array specification `5-1`: `5-1` ends before it starts");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrayError {
    /// The text is not an array specification.
    #[error("invalid array specification `{text}`: {why}")]
    Invalid {
        /// The whole specification.
        text: String,
        /// What is wrong.
        why: String,
    },
}

/// Largest array index Slurm can ever accept: `MaxArraySize - 1` with MaxArraySize at its
/// maximum of 4,000,001 (slurm.conf.5). The cluster's own MaxArraySize is checked elsewhere.
pub const MAX_INDEX: u32 = 4_000_000;

fn invalid(text: &str, why: impl Into<String>) -> ArrayError {
    ArrayError::Invalid {
        text: text.to_owned(),
        why: why.into(),
    }
}

fn parse_index(s: &str, text: &str, what: &str) -> Result<u32, ArrayError> {
    if s.is_empty() {
        return Err(invalid(text, format!("missing {what}")));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(text, format!("{what} `{s}` is not a number")));
    }
    match s.parse::<u32>() {
        Ok(n) if n <= MAX_INDEX => Ok(n),
        _ => Err(invalid(text, format!("{what} `{s}` is above {MAX_INDEX}"))),
    }
}

impl ArrayRange {
    /// Builds a range, normalising `end` to the last index the step reaches (and the step of
    /// a one-index range to 1). `None` if `step` is 0, `end < start` or an index is above
    /// [`MAX_INDEX`].
    ///
    /// ```
    /// use hpcsched::array::ArrayRange;
    /// let r = ArrayRange::new(0, 15, 4).unwrap();
    /// assert_eq!((r.start, r.end, r.step), (0, 12, 4));
    /// assert_eq!(ArrayRange::new(3, 1, 1), None);
    /// ```
    #[must_use]
    pub fn new(start: u32, end: u32, step: u32) -> Option<Self> {
        if step == 0 || end < start || end > MAX_INDEX || step > MAX_INDEX {
            return None;
        }
        let end = end - (end - start) % step;
        let step = if end == start { 1 } else { step };
        Some(Self { start, end, step })
    }

    /// How many indices the range holds.
    ///
    /// ```
    /// use hpcsched::array::ArrayRange;
    /// assert_eq!(ArrayRange::new(0, 15, 4).unwrap().len(), 4);
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        u64::from((self.end - self.start) / self.step.max(1)) + 1
    }

    /// Always `false`: a range holds at least its start.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `index` is one of the range's indices.
    ///
    /// ```
    /// use hpcsched::array::ArrayRange;
    /// let r = ArrayRange::new(1, 7, 2).unwrap();
    /// assert!(r.contains(5) && !r.contains(6));
    /// ```
    #[must_use]
    pub fn contains(&self, index: u32) -> bool {
        index >= self.start
            && index <= self.end
            && (index - self.start).is_multiple_of(self.step.max(1))
    }
}

impl fmt::Display for ArrayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else if self.step == 1 {
            write!(f, "{}-{}", self.start, self.end)
        } else {
            write!(f, "{}-{}:{}", self.start, self.end, self.step)
        }
    }
}

fn parse_range(item: &str, text: &str) -> Result<ArrayRange, ArrayError> {
    if item.is_empty() {
        return Err(invalid(text, "empty element"));
    }
    let (span, step) = match item.split_once(':') {
        Some((span, step)) => {
            if !span.contains('-') {
                return Err(invalid(
                    text,
                    format!("`{item}`: a step needs a range `N-M:S`"),
                ));
            }
            (span, Some(step))
        }
        None => (item, None),
    };
    let (start, end) = if let Some((a, b)) = span.split_once('-') {
        (
            parse_index(a, text, "range start")?,
            parse_index(b, text, "range end")?,
        )
    } else {
        let n = parse_index(span, text, "index")?;
        (n, n)
    };
    let step = match step {
        Some(s) => {
            let s = parse_index(s, text, "step")?;
            if s == 0 {
                return Err(invalid(text, format!("`{item}`: step must be at least 1")));
            }
            s
        }
        None => 1,
    };
    if end < start {
        return Err(invalid(text, format!("`{item}` ends before it starts")));
    }
    ArrayRange::new(start, end, step).ok_or_else(|| invalid(text, format!("bad range `{item}`")))
}

impl FromStr for ArraySpec {
    type Err = ArrayError;

    /// Parses `--array` text: a comma list of `N`, `N-M` and `N-M:S`, optionally followed
    /// by a `%K` throttle. As in Slurm, the index list may be wrapped in `[...]`, and `%0`
    /// means "no throttle".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(invalid(text, "empty"));
        }
        let (list, throttle) = match text.split_once('%') {
            Some((list, t)) => {
                if t.is_empty() {
                    return Err(invalid(text, "`%` must be followed by a task count"));
                }
                if !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid(text, format!("throttle `{t}` is not a number")));
                }
                let t: u32 = t
                    .parse()
                    .map_err(|_| invalid(text, format!("throttle `{t}` is too large")))?;
                (list, (t > 0).then_some(t))
            }
            None => (text, None),
        };
        let list = list
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .unwrap_or(list);
        if list.is_empty() {
            return Err(invalid(text, "no indices"));
        }
        let ranges = list
            .split(',')
            .map(|item| parse_range(item, text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { ranges, throttle })
    }
}

impl fmt::Display for ArraySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        if let Some(t) = self.throttle {
            write!(f, "%{t}")?;
        }
        Ok(())
    }
}

impl ArraySpec {
    /// Builds a spec from ranges (in the order given) and a throttle (`Some(0)` means none).
    /// `None` if `ranges` is empty.
    ///
    /// ```
    /// use hpcsched::array::{ArrayRange, ArraySpec};
    /// let spec = ArraySpec::new(vec![ArrayRange::new(1, 3, 1).unwrap()], Some(2)).unwrap();
    /// assert_eq!(spec.to_string(), "1-3%2");
    /// ```
    #[must_use]
    pub fn new(ranges: Vec<ArrayRange>, throttle: Option<u32>) -> Option<Self> {
        if ranges.is_empty() {
            return None;
        }
        Some(Self {
            ranges,
            throttle: throttle.filter(|&t| t > 0),
        })
    }

    /// The ranges as written (each normalised).
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// let spec: ArraySpec = "0-15:4,20".parse()?;
    /// assert_eq!(spec.ranges().len(), 2);
    /// assert_eq!(spec.ranges()[0].end, 12);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn ranges(&self) -> &[ArrayRange] {
        &self.ranges
    }

    /// The `%K` limit on simultaneously running tasks, if any.
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// assert_eq!("1-100%10".parse::<ArraySpec>()?.throttle(), Some(10));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn throttle(&self) -> Option<u32> {
        self.throttle
    }

    /// The same indices with another throttle (`None` or `Some(0)` removes it).
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// let spec: ArraySpec = "1-4".parse()?;
    /// assert_eq!(spec.with_throttle(Some(2)).to_string(), "1-4%2");
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn with_throttle(mut self, throttle: Option<u32>) -> Self {
        self.throttle = throttle.filter(|&t| t > 0);
        self
    }

    /// Number of distinct task indices (an index named twice counts once, as in Slurm's
    /// task bitmap).
    ///
    /// Cost: O(r log r) for r ranges when the ranges' spans do not overlap (the usual
    /// case). Overlapping ranges are counted by walking their indices lazily, which takes
    /// time in the number of indices but no memory beyond one cursor per range.
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// assert_eq!("0-999999".parse::<ArraySpec>()?.len(), 1_000_000);
    /// assert_eq!("1-5,3-7".parse::<ArraySpec>()?.len(), 7);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        let mut spans: Vec<(u32, u32)> = self.ranges.iter().map(|r| (r.start, r.end)).collect();
        spans.sort_unstable();
        let disjoint = spans.windows(2).all(|w| match w {
            [a, b] => a.1 < b.0,
            _ => true,
        });
        if disjoint {
            self.ranges.iter().map(ArrayRange::len).sum()
        } else {
            self.iter().count() as u64
        }
    }

    /// `true` only for a spec without indices, which parsing never produces.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `index` is one of the task indices.
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// let spec: ArraySpec = "0-15:4".parse()?;
    /// assert!(spec.contains(8) && !spec.contains(9) && !spec.contains(16));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn contains(&self, index: u32) -> bool {
        self.ranges.iter().any(|r| r.contains(index))
    }

    /// The lowest task index (`SLURM_ARRAY_TASK_MIN`).
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// assert_eq!("9,3-5".parse::<ArraySpec>()?.min(), 3);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn min(&self) -> u32 {
        self.ranges.iter().map(|r| r.start).min().unwrap_or(0)
    }

    /// The highest task index (`SLURM_ARRAY_TASK_MAX`).
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// assert_eq!("9,0-15:4".parse::<ArraySpec>()?.max(), 12);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn max(&self) -> u32 {
        self.ranges.iter().map(|r| r.end).max().unwrap_or(0)
    }

    /// The task indices, ascending and deduplicated, produced lazily (one cursor per range;
    /// nothing is allocated per index).
    ///
    /// ```
    /// use hpcsched::ArraySpec;
    /// let spec: ArraySpec = "7,1-7:3,2".parse()?;
    /// assert_eq!(spec.iter().collect::<Vec<_>>(), [1, 2, 4, 7]);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn iter(&self) -> ArrayIter<'_> {
        ArrayIter {
            ranges: &self.ranges,
            cursors: self.ranges.iter().map(|r| Some(r.start)).collect(),
        }
    }
}

impl<'a> IntoIterator for &'a ArraySpec {
    type Item = u32;
    type IntoIter = ArrayIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Ascending, deduplicated iterator over an [`ArraySpec`]'s indices (see [`ArraySpec::iter`]).
///
/// ```
/// use hpcsched::ArraySpec;
/// let spec: ArraySpec = "3,1-2".parse()?;
/// let mut it = spec.iter();
/// assert_eq!((it.next(), it.next(), it.next(), it.next()), (Some(1), Some(2), Some(3), None));
/// # Ok::<(), hpcsched::array::ArrayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ArrayIter<'a> {
    ranges: &'a [ArrayRange],
    /// Next index of each range, `None` once the range is used up.
    cursors: Vec<Option<u32>>,
}

impl Iterator for ArrayIter<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let next = self.cursors.iter().flatten().min().copied()?;
        for (cursor, r) in self.cursors.iter_mut().zip(self.ranges) {
            if *cursor == Some(next) {
                *cursor = next.checked_add(r.step.max(1)).filter(|&n| n <= r.end);
            }
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec(s: &str) -> ArraySpec {
        s.parse().unwrap()
    }

    fn indices(s: &str) -> Vec<u32> {
        spec(s).iter().collect()
    }

    #[test]
    fn sbatch_doc_examples() {
        // sbatch.1 --array: "--array=0-15", "--array=0,6,16-32", "--array=0-15:4",
        // "--array=0-15%4".
        assert_eq!(indices("0-15"), (0..=15).collect::<Vec<_>>());
        assert_eq!(
            indices("0,6,16-32"),
            [0, 6].into_iter().chain(16..=32).collect::<Vec<_>>()
        );
        assert_eq!(indices("0-15:4"), [0, 4, 8, 12]);
        let t = spec("0-15%4");
        assert_eq!((t.len(), t.throttle()), (16, Some(4)));
        assert_eq!(indices("1-7:2,20%3"), [1, 3, 5, 7, 20]);
        assert_eq!(spec("1-7:2,20%3").throttle(), Some(3));
    }

    #[test]
    fn normalisation_and_display() {
        assert_eq!(spec("0-15:4").to_string(), "0-12:4");
        assert_eq!(spec("5-6:4").to_string(), "5");
        assert_eq!(spec("5-5").to_string(), "5");
        assert_eq!(spec("1-3,5%0").to_string(), "1-3,5");
        assert_eq!(spec("[1-3,5]%2").to_string(), "1-3,5%2");
        assert_eq!(spec("0-15:4"), spec("0-12:4"));
        assert_eq!(spec("4000000").max(), MAX_INDEX);
    }

    #[test]
    fn million_tasks_cost_ranges_not_indices() {
        let s = spec("0-999999");
        assert_eq!(s.ranges().len(), 1);
        assert_eq!(s.len(), 1_000_000);
        assert!(s.contains(999_999) && !s.contains(1_000_000));
        assert_eq!((s.min(), s.max()), (0, 999_999));
        // Lazy: taking a few items does not walk the rest.
        assert_eq!(s.iter().skip(5).take(2).collect::<Vec<_>>(), [5, 6]);
    }

    #[test]
    fn duplicates_count_once() {
        assert_eq!(spec("1-10:2,1-10:3").len(), 7); // 1,3,4,5,7,9,10
        assert_eq!(indices("1-10:2,1-10:3"), [1, 3, 4, 5, 7, 9, 10]);
        assert_eq!(spec("3,3,3").len(), 1);
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "%",
            "%4",
            "1-5%",
            "1-5%x",
            "1-5%4%2",
            "1-5%-1",
            ",",
            "1,",
            ",1",
            "1,,2",
            "a",
            "1-",
            "-5",
            "5-1",
            "1-10:0",
            "1-10:",
            "1-10:x",
            "5:2",
            "1-10:2:3",
            "1 - 3",
            "4000001",
            "0-4000001",
            "1-10:4000001",
            "99999999999",
            "1-5%99999999999",
            "[1-3",
            "[]",
            "1--3",
        ] {
            match bad.parse::<ArraySpec>() {
                Err(e @ ArrayError::Invalid { .. }) => {
                    assert!(e.to_string().contains(&format!("`{bad}`")), "{e}");
                }
                Ok(s) => panic!("`{bad}` parsed as {s:?}"),
            }
        }
        assert_eq!(
            "1-10:0".parse::<ArraySpec>().unwrap_err().to_string(),
            "invalid array specification `1-10:0`: `1-10:0`: step must be at least 1"
        );
    }

    fn arb_range() -> impl Strategy<Value = ArrayRange> {
        (0u32..200, 0u32..200, 1u32..20)
            .prop_filter_map("valid", |(a, len, s)| ArrayRange::new(a, a + len, s))
    }

    fn arb_spec() -> impl Strategy<Value = ArraySpec> {
        (
            proptest::collection::vec(arb_range(), 1..6),
            proptest::option::of(1u32..50),
        )
            .prop_filter_map("non-empty", |(r, t)| ArraySpec::new(r, t))
    }

    proptest! {
        #[test]
        fn round_trip(s in arb_spec()) {
            prop_assert_eq!(s.to_string().parse::<ArraySpec>(), Ok(s));
        }

        #[test]
        fn len_matches_iter_and_contains(s in arb_spec()) {
            let all: Vec<u32> = s.iter().collect();
            prop_assert_eq!(s.len(), all.len() as u64);
            prop_assert!(all.windows(2).all(|w| w[0] < w[1]));
            for i in 0..450 {
                prop_assert_eq!(s.contains(i), all.binary_search(&i).is_ok());
            }
            prop_assert_eq!(all.first().copied(), Some(s.min()));
            prop_assert_eq!(all.last().copied(), Some(s.max()));
        }

        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = text.parse::<ArraySpec>();
        }

        #[test]
        fn never_panics_targeted(text in "[0-9,:%\\-\\[\\]]{0,20}") {
            if let Ok(s) = text.parse::<ArraySpec>() {
                prop_assert_eq!(s.to_string().parse::<ArraySpec>(), Ok(s));
            }
        }
    }
}
