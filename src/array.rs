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

use crate::job_id::JobId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
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

// ---------------------------------------------------------------------------------------
// Task bookkeeping of a pending array job.
// ---------------------------------------------------------------------------------------

/// Which tasks of an array job are still pending, without expanding the array.
///
/// Tasks start lowest index first, as Slurm splits them off its pending array record
/// (`bit_ffs` of the task bitmap). The state is the spec's ranges, a cursor (every index
/// of the spec below it has left the pending set), the few indices at or above the cursor
/// that were removed out of order, and the few tasks put back by requeue. Memory is
/// O(ranges + removed + requeued): `0-999999` costs a few words until tasks start, and
/// stays that small as tasks start in order.
///
/// ```
/// use hpcsched::array::ArrayTasks;
/// use hpcsched::{ArraySpec, JobId};
/// let mut tasks = ArrayTasks::new("2-5%2".parse::<ArraySpec>()?);
/// assert_eq!(tasks.pending_count(), 4);
/// assert_eq!(tasks.take_next(), Some(2));
/// assert_eq!(tasks.take_next(), Some(3));
/// assert_eq!(tasks.display_pending(), "4-5%2");
/// assert!(tasks.requeue(2));
/// assert_eq!(tasks.squeue_id(JobId(7)).as_deref(), Some("7_[2,4-5%2]"));
/// assert_eq!(tasks.next_pending(), Some(2));
/// # Ok::<(), hpcsched::array::ArrayError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrayTasks {
    spec: ArraySpec,
    /// Number of distinct indices in `spec`.
    total: u64,
    /// Every index of `spec` below this has left the pending set (started or removed).
    cursor: u32,
    /// Indices of `spec` below `cursor`.
    consumed: u64,
    /// Indices of `spec` at or above `cursor` that are no longer pending.
    removed: BTreeSet<u32>,
    /// Indices below `cursor` that are pending again (requeued).
    requeued: BTreeSet<u32>,
}

/// The smallest index of `r` that is `>= at`.
fn range_next(r: &ArrayRange, at: u32) -> Option<u32> {
    if at <= r.start {
        return Some(r.start);
    }
    if at > r.end {
        return None;
    }
    let step = r.step.max(1);
    let k = (at - r.start).div_ceil(step);
    let i = r.start.checked_add(k.checked_mul(step)?)?;
    (i <= r.end).then_some(i)
}

/// Pending indices in ascending order (see [`ArrayTasks::pending`]).
///
/// ```
/// use hpcsched::array::ArrayTasks;
/// let t = ArrayTasks::new("0-999999".parse()?);
/// assert_eq!(t.pending().take(3).collect::<Vec<_>>(), [0, 1, 2]);
/// # Ok::<(), hpcsched::array::ArrayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PendingIter<'a> {
    tasks: &'a ArrayTasks,
    /// Next spec index of each range at or above the walk, `None` once used up.
    cursors: Vec<Option<u32>>,
    requeued: std::collections::btree_set::Iter<'a, u32>,
    next_requeued: Option<u32>,
}

impl PendingIter<'_> {
    fn next_from_spec(&mut self) -> Option<u32> {
        loop {
            let next = self.cursors.iter().flatten().min().copied()?;
            for (cursor, r) in self.cursors.iter_mut().zip(self.tasks.spec.ranges()) {
                if *cursor == Some(next) {
                    *cursor = next.checked_add(1).and_then(|n| range_next(r, n));
                }
            }
            if !self.tasks.removed.contains(&next) {
                return Some(next);
            }
        }
    }

    fn peek_spec(&self) -> Option<u32> {
        self.cursors.iter().flatten().min().copied()
    }
}

impl Iterator for PendingIter<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        // Requeued indices all lie below the cursor, so below every spec index left.
        if let Some(r) = self.next_requeued {
            let spec_first = self.peek_spec();
            if spec_first.is_none_or(|s| r < s) {
                self.next_requeued = self.requeued.next().copied();
                return Some(r);
            }
        }
        self.next_from_spec()
    }
}

/// Slurm's `bit_fmt` over runs of consecutive indices (ascending, possibly adjacent):
/// `1-3,5,7-9`. Stops once the text is longer than `stop_after`.
fn push_ranges(out: &mut String, runs: impl Iterator<Item = (u32, u32)>, stop_after: usize) {
    use std::fmt::Write;
    let flush = |out: &mut String, (a, b): (u32, u32)| {
        if !out.is_empty() {
            out.push(',');
        }
        if a == b {
            let _ = write!(out, "{a}");
        } else {
            let _ = write!(out, "{a}-{b}");
        }
    };
    let mut run: Option<(u32, u32)> = None;
    for (a, b) in runs {
        match run {
            Some((start, end)) if end.checked_add(1) == Some(a) => run = Some((start, b)),
            Some(done) => {
                flush(out, done);
                run = Some((a, b));
                if out.len() > stop_after {
                    return;
                }
            }
            None => run = Some((a, b)),
        }
    }
    if let Some(done) = run {
        flush(out, done);
    }
}

impl ArrayTasks {
    /// All of `spec`'s tasks pending.
    ///
    /// Cost: like [`ArraySpec::len`], which this calls once.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let t = ArrayTasks::new("1-100%10".parse()?);
    /// assert_eq!((t.total(), t.pending_count(), t.throttle()), (100, 100, Some(10)));
    /// assert_eq!(t.spec().to_string(), "1-100%10");
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn new(spec: ArraySpec) -> Self {
        Self {
            total: spec.len(),
            spec,
            cursor: 0,
            consumed: 0,
            removed: BTreeSet::new(),
            requeued: BTreeSet::new(),
        }
    }

    /// The array specification.
    ///
    /// See [`ArrayTasks::new`] for an example.
    #[must_use]
    pub fn spec(&self) -> &ArraySpec {
        &self.spec
    }

    /// The number of tasks in the array.
    ///
    /// See [`ArrayTasks::new`] for an example.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The `%K` limit on simultaneously running tasks.
    ///
    /// See [`ArrayTasks::new`] for an example.
    #[must_use]
    pub fn throttle(&self) -> Option<u32> {
        self.spec.throttle()
    }

    /// Changes the throttle (`scontrol update ArrayTaskThrottle=`; `None` or 0 removes it).
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("1-10".parse()?);
    /// t.set_throttle(Some(3));
    /// assert_eq!(t.throttle(), Some(3));
    /// assert!(t.may_start(2) && !t.may_start(3));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    pub fn set_throttle(&mut self, throttle: Option<u32>) {
        self.spec = self.spec.clone().with_throttle(throttle);
    }

    /// Whether another task may start while `running` tasks of the array run (the `%K`
    /// throttle; Slurm's reason `JobArrayTaskLimit` otherwise). See
    /// [`ArrayTasks::set_throttle`] for an example.
    #[must_use]
    pub fn may_start(&self, running: u32) -> bool {
        self.throttle().is_none_or(|k| running < k)
    }

    /// The smallest spec index at or above `at` that has not been removed.
    fn next_spec_from(&self, mut at: u32) -> Option<u32> {
        loop {
            let i = self
                .spec
                .ranges()
                .iter()
                .filter_map(|r| range_next(r, at))
                .min()?;
            if !self.removed.contains(&i) {
                return Some(i);
            }
            at = i.checked_add(1)?;
        }
    }

    /// The lowest pending index, the next task to start.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("5,1-3".parse()?);
    /// assert_eq!(t.next_pending(), Some(1));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn next_pending(&self) -> Option<u32> {
        match self.requeued.first() {
            Some(&r) => Some(r),
            None => self.next_spec_from(self.cursor),
        }
    }

    /// Takes the lowest pending index out of the pending set (the task starts).
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("0-15:4".parse()?);
    /// let started: Vec<u32> = std::iter::from_fn(|| t.take_next()).collect();
    /// assert_eq!(started, [0, 4, 8, 12]);
    /// assert_eq!(t.pending_count(), 0);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    pub fn take_next(&mut self) -> Option<u32> {
        if let Some(r) = self.requeued.pop_first() {
            return Some(r);
        }
        let i = self.next_spec_from(self.cursor)?;
        // Indices skipped on the way were removed ones: they leave `removed` and count as
        // consumed, with `i` itself.
        let keep = self.removed.split_off(&i);
        let skipped = std::mem::replace(&mut self.removed, keep);
        self.consumed = self.consumed.saturating_add(skipped.len() as u64 + 1);
        match i.checked_add(1) {
            Some(c) => self.cursor = c,
            None => {
                // Unreachable with indices capped at MAX_INDEX; keep the set consistent.
                self.cursor = u32::MAX;
            }
        }
        Some(i)
    }

    /// Number of pending tasks.
    ///
    /// See [`ArrayTasks::new`] for an example.
    #[must_use]
    pub fn pending_count(&self) -> u64 {
        // Saturating: a deserialized value is not trusted to keep the invariants.
        self.total
            .saturating_sub(self.consumed)
            .saturating_sub(self.removed.len() as u64)
            .saturating_add(self.requeued.len() as u64)
    }

    /// Whether task `index` is pending.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("1-3".parse()?);
    /// t.take_next();
    /// assert!(!t.is_pending(1) && t.is_pending(2) && !t.is_pending(4));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn is_pending(&self, index: u32) -> bool {
        self.requeued.contains(&index)
            || (index >= self.cursor && self.spec.contains(index) && !self.removed.contains(&index))
    }

    /// Puts task `index` back into the pending set (requeue). `false`, changing nothing,
    /// if it is not a task of the array or is already pending.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("1-3".parse()?);
    /// assert_eq!((t.take_next(), t.take_next()), (Some(1), Some(2)));
    /// assert!(t.requeue(1));
    /// assert!(!t.requeue(1) && !t.requeue(3) && !t.requeue(9));
    /// assert_eq!(t.take_next(), Some(1));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    pub fn requeue(&mut self, index: u32) -> bool {
        if !self.spec.contains(index) || self.is_pending(index) {
            return false;
        }
        if index >= self.cursor {
            // Removed out of order earlier: simply pending again.
            self.removed.remove(&index);
        } else {
            self.requeued.insert(index);
        }
        true
    }

    /// Takes task `index` out of the pending set without starting the others before it
    /// (e.g. `scancel 7_5` on a pending task). `false`, changing nothing, if it is not
    /// pending.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("1-5".parse()?);
    /// assert!(t.remove(2) && !t.remove(2));
    /// assert_eq!(t.display_pending(), "1,3-5");
    /// assert_eq!((t.take_next(), t.take_next()), (Some(1), Some(3)));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    pub fn remove(&mut self, index: u32) -> bool {
        if self.requeued.remove(&index) {
            return true;
        }
        if !self.is_pending(index) {
            return false;
        }
        self.removed.insert(index);
        true
    }

    /// The pending indices in ascending order, produced lazily.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// let mut t = ArrayTasks::new("1-4".parse()?);
    /// t.take_next();
    /// t.take_next();
    /// t.requeue(1);
    /// assert_eq!(t.pending().collect::<Vec<_>>(), [1, 3, 4]);
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn pending(&self) -> PendingIter<'_> {
        let mut requeued = self.requeued.iter();
        let next_requeued = requeued.next().copied();
        PendingIter {
            tasks: self,
            cursors: self
                .spec
                .ranges()
                .iter()
                .map(|r| range_next(r, self.cursor))
                .collect(),
            requeued,
            next_requeued,
        }
    }

    /// The pending set as squeue shows it inside `JOBID_[...]` (Slurm's
    /// `xlate_array_task_str()` with the default `SLURM_BITSTR_LEN` of 64), then `%K` if
    /// throttled:
    /// - more than 5 tasks spanning more than 10 indices, with the second index not
    ///   pending and one constant gap: `first-last:step`;
    /// - otherwise ranges `1-3,5,7-9`, cut to their first 60 characters plus `...` when
    ///   longer than 61.
    ///
    /// Empty when nothing is pending. Unlike Slurm, which lists a requeued task as a
    /// record of its own, requeued tasks are shown in the set.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// assert_eq!(ArrayTasks::new("0-100:10%4".parse()?).display_pending(), "0-100:10%4");
    /// assert_eq!(ArrayTasks::new("1,3,5".parse()?).display_pending(), "1,3,5");
    /// let long = ArrayTasks::new("0-999999:2,1".parse()?).display_pending();
    /// assert_eq!(long.len(), 63);
    /// assert!(long.starts_with("0-2,4,6,") && long.ends_with("..."));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn display_pending(&self) -> String {
        const LEN: usize = 64;
        let mut out = String::new();
        if let Some((first, last, step)) = self.uniform_step() {
            out = format!("{first}-{last}:{step}");
        } else {
            match self.live_ranges_if_simple() {
                // A step-1 range is one run: no walk over its indices.
                Some(live) => push_ranges(
                    &mut out,
                    live.into_iter().flat_map(|(from, r)| {
                        let step = r.step.max(1);
                        let whole = (step == 1).then_some((from, r.end));
                        let each = (step > 1)
                            .then(|| (from..=r.end).step_by(step as usize).map(|i| (i, i)));
                        whole.into_iter().chain(each.into_iter().flatten())
                    }),
                    LEN,
                ),
                None => push_ranges(&mut out, self.pending().map(|i| (i, i)), LEN),
            }
            if out.len() > LEN - 3 {
                // ASCII only: any cut is a char boundary.
                out.truncate(LEN - 4);
                out.push_str("...");
            }
        }
        if out.is_empty() {
            return out;
        }
        if let Some(k) = self.throttle() {
            out.push('%');
            out.push_str(&k.to_string());
        }
        out
    }

    /// The ranges that still hold pending indices, each with its first pending index, in
    /// ascending order — when nothing was removed or requeued and their spans do not
    /// overlap, so that they alone describe the pending set.
    fn live_ranges_if_simple(&self) -> Option<Vec<(u32, ArrayRange)>> {
        if !self.removed.is_empty() || !self.requeued.is_empty() {
            return None;
        }
        let mut live: Vec<(u32, ArrayRange)> = self
            .spec
            .ranges()
            .iter()
            .filter_map(|r| range_next(r, self.cursor).map(|from| (from, *r)))
            .collect();
        live.sort_unstable_by_key(|(from, _)| *from);
        let disjoint = live.windows(2).all(|w| match w {
            [(_, a), (b_from, _)] => a.end < *b_from,
            _ => true,
        });
        disjoint.then_some(live)
    }

    /// Slurm's step test of `xlate_array_task_str()`: `(first, last, gap)` if the pending
    /// set has more than 5 members, spans more than 10, misses first+1, and is evenly
    /// spaced.
    fn uniform_step(&self) -> Option<(u32, u32, u32)> {
        if self.pending_count() <= 5 {
            return None;
        }
        let mut it = self.pending();
        let first = it.next()?;
        let second = it.next()?;
        let step = second - first;
        if step < 2 {
            return None;
        }
        let last = if let Some([(_, only)]) = self.live_ranges_if_simple().as_deref() {
            // One range is evenly spaced by construction: no need to walk its indices.
            only.end
        } else {
            let mut last = second;
            for i in it {
                if i - last != step {
                    return None;
                }
                last = i;
            }
            last
        };
        (last - first > 10).then_some((first, last, step))
    }

    /// The job id as squeue prints this pending array record: `7_[2-5%2]`; `7_5` when one
    /// task of several is left (slurmctld then gives the record that task's id, and squeue
    /// shows no brackets and no throttle), but `7_[5]` for an array of one task (both
    /// observed on 22.05; fidelity scenario `array_throttle`); `None` when no task is
    /// pending.
    ///
    /// ```
    /// use hpcsched::array::ArrayTasks;
    /// use hpcsched::JobId;
    /// let mut t = ArrayTasks::new("1-3%2".parse()?);
    /// assert_eq!(t.squeue_id(JobId(42)).as_deref(), Some("42_[1-3%2]"));
    /// t.take_next();
    /// t.take_next();
    /// assert_eq!(t.squeue_id(JobId(42)).as_deref(), Some("42_3"));
    /// let one = ArrayTasks::new("7".parse()?);
    /// assert_eq!(one.squeue_id(JobId(43)).as_deref(), Some("43_[7]"));
    /// # Ok::<(), hpcsched::array::ArrayError>(())
    /// ```
    #[must_use]
    pub fn squeue_id(&self, array_job: JobId) -> Option<String> {
        let mut pending = self.pending();
        match (pending.next(), pending.next()) {
            (None, _) => None,
            (Some(only), None) if self.total > 1 => Some(format!("{array_job}_{only}")),
            (Some(_), _) => Some(format!("{array_job}_[{}]", self.display_pending())),
        }
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
    // ----- ArrayTasks -----

    fn tasks(s: &str) -> ArrayTasks {
        ArrayTasks::new(spec(s))
    }

    #[test]
    fn million_task_array_stays_small() {
        let mut t = tasks("0-999999");
        // A few words: the spec's one range, counters and two empty sets.
        assert!(std::mem::size_of::<ArrayTasks>() <= 128);
        assert_eq!(t.spec().ranges().len(), 1);
        assert_eq!((t.total(), t.pending_count()), (1_000_000, 1_000_000));
        for want in 0..1000 {
            assert_eq!(t.take_next(), Some(want));
        }
        // Starting tasks in order leaves nothing behind per task.
        assert!(t.removed.is_empty() && t.requeued.is_empty());
        assert_eq!(t.pending_count(), 999_000);
        assert_eq!(t.next_pending(), Some(1000));
        assert!(!t.is_pending(999) && t.is_pending(1000) && t.is_pending(999_999));
        assert_eq!(t.display_pending(), "1000-999999");
        assert_eq!(t.squeue_id(JobId(7)).as_deref(), Some("7_[1000-999999]"));
    }

    #[test]
    fn squeue_forms() {
        // xlate_array_task_str(): step form, plain ranges, truncation, throttle.
        assert_eq!(tasks("2-5%2").display_pending(), "2-5%2");
        assert_eq!(tasks("0-15:4").display_pending(), "0,4,8,12"); // span 12 but only 4 tasks
        assert_eq!(tasks("0-20:4").display_pending(), "0-20:4"); // 6 tasks over 20
        assert_eq!(tasks("0-10:2").display_pending(), "0,2,4,6,8,10"); // span not > 10
        assert_eq!(tasks("1,3,5,7,9,11,13").display_pending(), "1-13:2"); // uneven text, even set
        assert_eq!(
            tasks("1,3,5,7,9,11,14").display_pending(),
            "1,3,5,7,9,11,14"
        );
        assert_eq!(tasks("1-3,4-6,9").display_pending(), "1-6,9"); // bit_fmt merges
        assert_eq!(tasks("5,1-3").display_pending(), "1-3,5");
        assert_eq!(tasks("1-10:2,1-10:3").display_pending(), "1,3-5,7,9-10");
        assert_eq!(tasks("0-10:2,12-30:2").display_pending(), "0-30:2");
        let long = tasks("0-999999:3,1").display_pending();
        assert_eq!(&long[..12], "0-1,3,6,9,12");
        assert_eq!(long.len(), 63);
        assert!(long.ends_with("..."));
        let with_throttle = tasks("0-99999:7,1%5").display_pending();
        assert!(with_throttle.ends_with("...%5"), "{with_throttle}");
        let mut t = tasks("1-3");
        while t.take_next().is_some() {}
        assert_eq!(t.display_pending(), "");
        assert_eq!(t.squeue_id(JobId(7)), None);
    }

    #[test]
    fn truncation_boundary() {
        // "100,102,...,128": 15 three-digit indices, 59 characters.
        let base = (100..=128)
            .step_by(2)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(base.len(), 59);
        // 61 characters are shown whole; from 62 on, the first 60 plus "...".
        let whole = format!("9,{base}");
        assert_eq!(tasks(&format!("{base},9")).display_pending(), whole);
        let cut = format!("97,{base}");
        assert_eq!(cut.len(), 62);
        assert_eq!(tasks(&cut).display_pending(), format!("{}...", &cut[..60]));
    }

    #[test]
    fn requeue_and_remove() {
        let mut t = tasks("1-6");
        assert_eq!(
            (t.take_next(), t.take_next(), t.take_next()),
            (Some(1), Some(2), Some(3))
        );
        // Requeue puts a started task back; it runs next (lowest pending index).
        assert!(t.requeue(2));
        assert!(!t.requeue(2), "already pending");
        assert!(!t.requeue(5), "never started");
        assert!(!t.requeue(9), "not a task of the array");
        assert_eq!(t.pending_count(), 4);
        assert!(t.is_pending(2));
        assert_eq!(t.display_pending(), "2,4-6");
        assert_eq!(t.next_pending(), Some(2));
        // Out-of-order removal of a pending task.
        assert!(t.remove(5));
        assert!(!t.remove(5) && !t.remove(1) && !t.remove(77));
        assert_eq!(t.pending().collect::<Vec<_>>(), [2, 4, 6]);
        assert_eq!(t.pending_count(), 3);
        // A removed task can be put back.
        assert!(t.requeue(5));
        assert!(t.remove(5));
        // Removing a requeued task.
        assert!(t.remove(2));
        assert_eq!(t.take_next(), Some(4));
        assert_eq!(t.take_next(), Some(6)); // skips the removed 5
        assert!(t.removed.is_empty(), "passed removals are forgotten");
        assert_eq!(t.take_next(), None);
        assert_eq!(t.pending_count(), 0);
        // Everything is requeueable afterwards.
        for i in 1..=6 {
            assert!(t.requeue(i));
        }
        assert_eq!(t.display_pending(), "1-6");
        assert_eq!(t.pending_count(), 6);
    }

    #[test]
    fn throttle() {
        let mut t = tasks("1-10%2");
        assert_eq!(t.throttle(), Some(2));
        assert!(t.may_start(0) && t.may_start(1) && !t.may_start(2));
        t.set_throttle(None);
        assert!(t.may_start(1000));
        assert_eq!(t.display_pending(), "1-10");
        t.set_throttle(Some(0));
        assert_eq!(t.throttle(), None);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Take,
        Requeue(u32),
        Remove(u32),
    }

    proptest! {
        #[test]
        fn take_next_yields_the_spec_in_order(s in arb_spec()) {
            let mut t = ArrayTasks::new(s.clone());
            let taken: Vec<u32> = std::iter::from_fn(|| t.take_next()).collect();
            prop_assert_eq!(taken, s.iter().collect::<Vec<_>>());
            prop_assert_eq!(t.pending_count(), 0);
        }

        #[test]
        fn matches_a_set_model(
            s in arb_spec(),
            ops in proptest::collection::vec(
                prop_oneof![
                    3 => Just(Op::Take),
                    1 => (0u32..450).prop_map(Op::Requeue),
                    1 => (0u32..450).prop_map(Op::Remove),
                ],
                0..60,
            ),
        ) {
            use std::fmt::Write;
            let mut t = ArrayTasks::new(s.clone());
            let mut model: BTreeSet<u32> = s.iter().collect();
            for op in ops {
                match op {
                    Op::Take => {
                        let want = model.pop_first();
                        prop_assert_eq!(t.take_next(), want);
                    }
                    Op::Requeue(i) => {
                        let ok = s.contains(i) && !model.contains(&i);
                        prop_assert_eq!(t.requeue(i), ok);
                        if ok {
                            model.insert(i);
                        }
                    }
                    Op::Remove(i) => {
                        prop_assert_eq!(t.remove(i), model.remove(&i));
                    }
                }
                prop_assert_eq!(t.pending_count(), model.len() as u64);
                prop_assert_eq!(t.next_pending(), model.first().copied());
                prop_assert_eq!(t.pending().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
            }
            for i in 0..450 {
                prop_assert_eq!(t.is_pending(i), model.contains(&i));
            }
            // The display is Slurm's rendering of the model set.
            let v: Vec<u32> = model.iter().copied().collect();
            let mut expected = String::new();
            let stepped = v.len() > 5
                && v[v.len() - 1] - v[0] > 10
                && v[1] - v[0] >= 2
                && v.windows(2).all(|w| w[1] - w[0] == v[1] - v[0]);
            if stepped {
                expected = format!("{}-{}:{}", v[0], v[v.len() - 1], v[1] - v[0]);
            } else {
                let mut k = 0;
                while k < v.len() {
                    let mut e = k;
                    while e + 1 < v.len() && v[e + 1] == v[e] + 1 {
                        e += 1;
                    }
                    if !expected.is_empty() {
                        expected.push(',');
                    }
                    if e == k {
                        expected.push_str(&v[k].to_string());
                    } else {
                        let _ = write!(expected, "{}-{}", v[k], v[e]);
                    }
                    k = e + 1;
                }
                if expected.len() > 61 {
                    expected.truncate(60);
                    expected.push_str("...");
                }
            }
            if let (false, Some(k)) = (expected.is_empty(), s.throttle()) {
                let _ = write!(expected, "%{k}");
            }
            prop_assert_eq!(t.display_pending(), expected);
        }
    }
}
