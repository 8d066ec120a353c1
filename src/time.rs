//! Time in Slurm's terms: durations, time limits and `--begin`/`--deadline` instants.
//!
//! The core never reads the wall clock. Instants are [`Timestamp`]s on the host's clock
//! (seconds since the Unix epoch, UTC, or any origin a simulator picks); relative forms
//! such as `now+1hour` are kept as written in [`BeginTime`] and resolved against the `now`
//! the host passes in.
//!
//! Time limits follow `time_str2secs()` in Slurm's `src/common/parse_time.c`:
//! `minutes`, `minutes:seconds`, `hours:minutes:seconds`, `days-hours`,
//! `days-hours:minutes`, `days-hours:minutes:seconds`, and `UNLIMITED`/`INFINITE`/`-1`.
//!
//! **Time zone.** Slurm resolves calendar forms (`noon`, `2026-03-01`, `tomorrow`) in the
//! controller's local time zone. hpcsched has no time zone database and never reads the
//! host's settings, so every calendar form is resolved in **UTC**. A host that wants local
//! time can shift `now` by its UTC offset before calling [`BeginTime::resolve`] and shift
//! the result back.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const SECS_PER_MIN: u64 = 60;
const SECS_PER_HOUR: u64 = 3600;
const SECS_PER_DAY: u64 = 86_400;
const SECS_PER_WEEK: u64 = 7 * SECS_PER_DAY;

/// An instant on the host's clock, in whole seconds.
///
/// ```
/// use hpcsched::{Duration, Timestamp};
/// let t = Timestamp(1_000);
/// assert_eq!(t.saturating_add(Duration::from_mins(1)), Timestamp(1_060));
/// assert_eq!(Timestamp(u64::MAX).saturating_add(Duration::from_secs(1)), Timestamp(u64::MAX));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The instant in seconds.
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0
    }
    /// `self + d`, or `None` on overflow.
    #[must_use]
    pub const fn checked_add(self, d: Duration) -> Option<Self> {
        match self.0.checked_add(d.0) {
            Some(t) => Some(Self(t)),
            None => None,
        }
    }
    /// `self + d`, clamped at the largest instant.
    #[must_use]
    pub const fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d.0))
    }
    /// `self - d`, clamped at zero.
    #[must_use]
    pub const fn saturating_sub(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(d.0))
    }
    /// The time from `earlier` to `self`; zero if `earlier` is later.
    ///
    /// ```
    /// use hpcsched::{Duration, Timestamp};
    /// assert_eq!(Timestamp(100).duration_since(Timestamp(40)), Duration::from_secs(60));
    /// assert_eq!(Timestamp(40).duration_since(Timestamp(100)), Duration::from_secs(0));
    /// ```
    #[must_use]
    pub const fn duration_since(self, earlier: Timestamp) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

/// A length of time in whole seconds.
///
/// Displays the way `scontrol` shows times (`HH:MM:SS`, or `D-HH:MM:SS` from one day on)
/// and parses every `time_str2secs()` form except the unlimited ones.
///
/// ```
/// use hpcsched::Duration;
/// let d: Duration = "1-06:00:00".parse()?;
/// assert_eq!(d, Duration::from_hours(30));
/// assert_eq!(d.to_string(), "1-06:00:00");
/// assert_eq!(Duration::from_secs(61).as_mins_ceil(), 2);
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Duration(u64);

impl Duration {
    /// The empty duration.
    pub const ZERO: Duration = Duration(0);

    /// A duration of `secs` seconds.
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }
    /// A duration of `mins` minutes.
    #[must_use]
    pub const fn from_mins(mins: u64) -> Self {
        Self(mins.saturating_mul(60))
    }
    /// A duration of `hours` hours (saturating).
    #[must_use]
    pub const fn from_hours(hours: u64) -> Self {
        Self(hours.saturating_mul(SECS_PER_HOUR))
    }
    /// A duration of `days` days (saturating).
    #[must_use]
    pub const fn from_days(days: u64) -> Self {
        Self(days.saturating_mul(SECS_PER_DAY))
    }
    /// The duration in seconds.
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0
    }
    /// The duration in whole minutes, rounded up (Slurm's `time_str2mins()` rounding).
    ///
    /// ```
    /// use hpcsched::Duration;
    /// assert_eq!(Duration::from_secs(0).as_mins_ceil(), 0);
    /// assert_eq!(Duration::from_secs(60).as_mins_ceil(), 1);
    /// assert_eq!(Duration::from_secs(61).as_mins_ceil(), 2);
    /// ```
    #[must_use]
    pub const fn as_mins_ceil(self) -> u64 {
        self.0.div_ceil(SECS_PER_MIN)
    }
    /// Whether this is the empty duration.
    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// `self + other`, or `None` on overflow.
    #[must_use]
    pub const fn checked_add(self, other: Duration) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(s) => Some(Self(s)),
            None => None,
        }
    }
    /// `self - other`, or `None` if `other` is longer.
    #[must_use]
    pub const fn checked_sub(self, other: Duration) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(s) => Some(Self(s)),
            None => None,
        }
    }
    /// `self + other`, clamped at the longest duration.
    #[must_use]
    pub const fn saturating_add(self, other: Duration) -> Self {
        Self(self.0.saturating_add(other.0))
    }
    /// `self - other`, clamped at zero.
    #[must_use]
    pub const fn saturating_sub(self, other: Duration) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
    /// `self * n`, or `None` on overflow.
    #[must_use]
    pub const fn checked_mul(self, n: u64) -> Option<Self> {
        match self.0.checked_mul(n) {
            Some(s) => Some(Self(s)),
            None => None,
        }
    }
}

/// A job or partition time limit.
///
/// [`FromStr`] keeps exact seconds (`time_str2secs()`); `0` is `Limited(0)` and callers
/// decide what it means. Use [`parse_job_time`] for `--time`/`--time-min`, where seconds
/// round up to minutes and `0` means unlimited.
///
/// ```
/// use hpcsched::{Duration, TimeLimit};
/// assert_eq!("90".parse::<TimeLimit>()?, TimeLimit::Limited(Duration::from_secs(5400)));
/// assert_eq!("2-12:30:15".parse::<TimeLimit>()?, TimeLimit::Limited(Duration::from_secs(217_815)));
/// assert_eq!("infinite".parse::<TimeLimit>()?, TimeLimit::Unlimited);
/// assert_eq!(TimeLimit::Limited(Duration::from_hours(30)).to_string(), "1-06:00:00");
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TimeLimit {
    /// A finite limit.
    Limited(Duration),
    /// `UNLIMITED`, `INFINITE` or `-1`.
    Unlimited,
}

impl TimeLimit {
    /// Whether the limit is `UNLIMITED`.
    #[must_use]
    pub const fn is_unlimited(self) -> bool {
        matches!(self, TimeLimit::Unlimited)
    }
    /// The finite limit, or `None` when unlimited.
    ///
    /// ```
    /// use hpcsched::{Duration, TimeLimit};
    /// assert_eq!(TimeLimit::Limited(Duration::from_secs(5)).duration(), Some(Duration::from_secs(5)));
    /// assert_eq!(TimeLimit::Unlimited.duration(), None);
    /// ```
    #[must_use]
    pub const fn duration(self) -> Option<Duration> {
        match self {
            TimeLimit::Limited(d) => Some(d),
            TimeLimit::Unlimited => None,
        }
    }
}

/// Why a time string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not one of Slurm's time formats.
    #[error("invalid time specification `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

fn invalid(text: &str, why: &'static str) -> TimeError {
    TimeError::Invalid {
        text: text.to_owned(),
        why,
    }
}

/// A `--begin` or `--deadline` value as the user wrote it.
///
/// Parses every form of `parse_time()` that sbatch documents, and resolves it with
/// [`BeginTime::resolve`] against the host's `now` (in UTC, see the module docs).
///
/// ```
/// use hpcsched::time::{BeginTime, CivilDateTime};
/// use hpcsched::{Duration, Timestamp};
/// let b: BeginTime = "now+2hours".parse()?;
/// assert_eq!(b, BeginTime::Now(Duration::from_hours(2)));
/// assert_eq!(b.resolve(Timestamp(1_000)), Timestamp(8_200));
///
/// let noon: BeginTime = "noon".parse()?;
/// // 2026-03-01T13:00:00Z: noon has passed, so it means noon tomorrow.
/// let now = CivilDateTime::new(2026, 3, 1, 13, 0, 0)?.to_timestamp()?;
/// let expect = CivilDateTime::new(2026, 3, 2, 12, 0, 0)?.to_timestamp()?;
/// assert_eq!(noon.resolve(now), expect);
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BeginTime {
    /// `now` or `now+N[units]`: this long after the submit time.
    Now(Duration),
    /// An absolute date-time, interpreted in UTC.
    At(CivilDateTime),
    /// `HH:MM[:SS]`, `midnight`, `noon`, ...: the next time the clock shows this time of day.
    TimeOfDay {
        /// Hour (0-23).
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
    },
    /// A raw instant on the host's clock (`@SECONDS`, used by the simulator, or Slurm's
    /// `utsSECONDS`).
    Epoch(Timestamp),
    /// A date without a year (`MMDD`, `MM/DD`, `MM.DD`, optionally with a time of day):
    /// the next time this date and time comes round, this year or next.
    MonthDay {
        /// Month, 1-12.
        month: u8,
        /// Day of month, 1-31 (29 February is kept; in a non-leap year it means 1 March,
        /// as Slurm's `mktime()` normalisation does).
        day: u8,
        /// Hour (0-23).
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
    },
    /// `today`, optionally with a time of day (default midnight, i.e. already past).
    Today {
        /// Hour (0-23).
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
    },
    /// `tomorrow`, optionally with a time of day (default midnight).
    Tomorrow {
        /// Hour (0-23).
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
    },
}

/// A calendar date and time of day, UTC (proleptic Gregorian calendar).
///
/// ```
/// use hpcsched::time::CivilDateTime;
/// use hpcsched::Timestamp;
/// let c = CivilDateTime::new(2024, 2, 29, 23, 59, 59)?;
/// let t = c.to_timestamp()?;
/// assert_eq!(t, Timestamp(1_709_251_199));
/// assert_eq!(CivilDateTime::from_timestamp(t), Some(c));
/// assert_eq!(c.to_string(), "2024-02-29T23:59:59");
/// assert!(CivilDateTime::new(2026, 2, 30, 0, 0, 0).is_err());
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CivilDateTime {
    /// Year (e.g. 2026).
    pub year: i32,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-59.
    pub second: u8,
}

/// Whether `year` is a Gregorian leap year.
const fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month out of range.
const fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
///
/// Lenient like `mktime()`: a day past the month's end rolls into the next month.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    // d is in 1..=31 and m in 1..=12 by construction.
    (if m <= 2 { y + 1 } else { y }, m as u8, d as u8)
}

/// Seconds since the epoch of a (possibly out-of-range) civil date-time, as `i128`
/// so that no field combination can overflow.
fn secs_from_civil_lenient(year: i64, month: u8, day: u8, h: u8, m: u8, s: u8) -> i128 {
    i128::from(days_from_civil(year, month, day)) * i128::from(SECS_PER_DAY)
        + i128::from(h) * i128::from(SECS_PER_HOUR)
        + i128::from(m) * i128::from(SECS_PER_MIN)
        + i128::from(s)
}

/// Clamps an `i128` second count into the host clock's range.
fn clamp_timestamp(secs: i128) -> Timestamp {
    Timestamp(u64::try_from(secs.max(0)).unwrap_or(u64::MAX))
}

impl CivilDateTime {
    /// A validated date-time: month 1-12, a day that exists in that month (29 February
    /// only in leap years), hour 0-23, minute and second 0-59.
    ///
    /// ```
    /// use hpcsched::time::CivilDateTime;
    /// assert!(CivilDateTime::new(2024, 2, 29, 0, 0, 0).is_ok());
    /// assert!(CivilDateTime::new(2023, 2, 29, 0, 0, 0).is_err());
    /// assert!(CivilDateTime::new(2026, 1, 1, 24, 0, 0).is_err());
    /// ```
    pub fn new(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, TimeError> {
        let c = Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks that every field is in range (see [`CivilDateTime::new`]).
    pub fn validate(&self) -> Result<(), TimeError> {
        let why = if !(1..=12).contains(&self.month) {
            Some("month must be 1-12")
        } else if self.day == 0 || self.day > days_in_month(i64::from(self.year), self.month) {
            Some("no such day in that month")
        } else if self.hour > 23 {
            Some("hour must be 0-23")
        } else if self.minute > 59 {
            Some("minute must be 0-59")
        } else if self.second > 59 {
            Some("second must be 0-59")
        } else {
            None
        };
        match why {
            Some(why) => Err(invalid(&self.to_string(), why)),
            None => Ok(()),
        }
    }

    /// The instant this date-time names, in seconds since 1970-01-01T00:00:00Z.
    ///
    /// Fails if a field is out of range or the instant is before the epoch.
    ///
    /// ```
    /// use hpcsched::time::CivilDateTime;
    /// use hpcsched::Timestamp;
    /// assert_eq!(CivilDateTime::new(1970, 1, 2, 0, 0, 1)?.to_timestamp()?, Timestamp(86_401));
    /// assert!(CivilDateTime::new(1969, 12, 31, 0, 0, 0)?.to_timestamp().is_err());
    /// # Ok::<(), hpcsched::time::TimeError>(())
    /// ```
    pub fn to_timestamp(&self) -> Result<Timestamp, TimeError> {
        self.validate()?;
        let secs = secs_from_civil_lenient(
            i64::from(self.year),
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
        );
        u64::try_from(secs)
            .map(Timestamp)
            .map_err(|_| invalid(&self.to_string(), "before 1970-01-01T00:00:00"))
    }

    /// The UTC date-time of an instant; `None` only past the year 2^31 - 1.
    ///
    /// ```
    /// use hpcsched::time::CivilDateTime;
    /// use hpcsched::Timestamp;
    /// let c = CivilDateTime::from_timestamp(Timestamp(0)).unwrap();
    /// assert_eq!(c.to_string(), "1970-01-01T00:00:00");
    /// ```
    #[must_use]
    pub fn from_timestamp(t: Timestamp) -> Option<Self> {
        let days = i64::try_from(t.0 / SECS_PER_DAY).ok()?;
        let rem = t.0 % SECS_PER_DAY;
        let (y, month, day) = civil_from_days(days);
        Some(Self {
            year: i32::try_from(y).ok()?,
            month,
            day,
            hour: (rem / SECS_PER_HOUR) as u8,
            minute: (rem / SECS_PER_MIN % 60) as u8,
            second: (rem % 60) as u8,
        })
    }
}

/// ISO 8601 without zone (`2026-03-01T12:00:00`), Slurm's `%FT%T`.
impl fmt::Display for CivilDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Parses a `time_str2secs()` form into seconds; `Ok(None)` means unlimited.
fn parse_secs(s: &str) -> Result<Option<u64>, TimeError> {
    if s == "-1" || s.eq_ignore_ascii_case("INFINITE") || s.eq_ignore_ascii_case("UNLIMITED") {
        return Ok(None);
    }
    if s.is_empty() {
        return Err(invalid(s, "empty"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b':')
    {
        return Err(invalid(s, "only digits, `-` and `:` are allowed"));
    }
    let (days, rest) = match s.split_once('-') {
        Some((d, r)) => (Some(d), r),
        None => (None, s),
    };
    if rest.contains('-') {
        return Err(invalid(s, "at most one `-` is allowed"));
    }
    if let Some(d) = days {
        if d.contains(':') {
            return Err(invalid(s, "`-` may not follow `:`"));
        }
        if d.is_empty() {
            return Err(invalid(s, "missing days before `-`"));
        }
    }
    let fields: Vec<&str> = rest.split(':').collect();
    if fields.len() > 3 {
        return Err(invalid(s, "at most two `:` are allowed"));
    }
    if fields.iter().any(|f| f.is_empty()) {
        return Err(invalid(s, "empty field"));
    }
    let num = |f: &str| f.parse::<u64>().map_err(|_| invalid(s, "number too large"));
    let mut nums = Vec::with_capacity(3);
    for f in &fields {
        nums.push(num(f)?);
    }
    // (multiplier of each field) by layout.
    let weights: &[u64] = match (days.is_some(), nums.len()) {
        (true, 1) => &[SECS_PER_HOUR],
        (true, 2) => &[SECS_PER_HOUR, SECS_PER_MIN],
        (false, 1) => &[SECS_PER_MIN],
        (false, 2) => &[SECS_PER_MIN, 1],
        // Three fields: hours:minutes:seconds, with or without days.
        _ => &[SECS_PER_HOUR, SECS_PER_MIN, 1],
    };
    let too_large = || invalid(s, "value too large");
    let mut total = match days {
        Some(d) => num(d)?.checked_mul(SECS_PER_DAY).ok_or_else(too_large)?,
        None => 0,
    };
    for (n, w) in nums.iter().zip(weights) {
        total = n
            .checked_mul(*w)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(too_large)?;
    }
    Ok(Some(total))
}

impl FromStr for TimeLimit {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match parse_secs(s)? {
            Some(secs) => TimeLimit::Limited(Duration(secs)),
            None => TimeLimit::Unlimited,
        })
    }
}

/// Parses a `--time`/`--time-min` value: like [`TimeLimit::from_str`], then seconds
/// round **up** to whole minutes (`time_str2mins()`), and `0` means unlimited (sbatch turns
/// `--time=0` into INFINITE).
///
/// ```
/// use hpcsched::time::parse_job_time;
/// use hpcsched::{Duration, TimeLimit};
/// assert_eq!(parse_job_time("90:30")?, TimeLimit::Limited(Duration::from_mins(91)));
/// assert_eq!(parse_job_time("0")?, TimeLimit::Unlimited);
/// assert_eq!(parse_job_time("UNLIMITED")?, TimeLimit::Unlimited);
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
pub fn parse_job_time(s: &str) -> Result<TimeLimit, TimeError> {
    match parse_secs(s)? {
        None | Some(0) => Ok(TimeLimit::Unlimited),
        Some(secs) => {
            let mins = secs.div_ceil(SECS_PER_MIN);
            mins.checked_mul(SECS_PER_MIN)
                .map(|secs| TimeLimit::Limited(Duration(secs)))
                .ok_or_else(|| invalid(s, "value too large"))
        }
    }
}

impl FromStr for Duration {
    type Err = TimeError;
    /// Any finite `time_str2secs()` form; `UNLIMITED` and friends are rejected.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse_secs(s)? {
            Some(secs) => Ok(Duration(secs)),
            None => Err(invalid(s, "a duration cannot be unlimited")),
        }
    }
}

/// `HH:MM:SS`, or `D-HH:MM:SS` from one day on (Slurm's `secs2time_str()`).
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let (days, h, m, sec) = (
            s / SECS_PER_DAY,
            s / SECS_PER_HOUR % 24,
            s / SECS_PER_MIN % 60,
            s % 60,
        );
        if days > 0 {
            write!(f, "{days}-{h:02}:{m:02}:{sec:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{sec:02}")
        }
    }
}

/// `HH:MM:SS`, `D-HH:MM:SS` or `UNLIMITED`, as `scontrol` shows limits.
impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeLimit::Limited(d) => d.fmt(f),
            TimeLimit::Unlimited => f.write_str("UNLIMITED"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// --begin / --deadline
// ---------------------------------------------------------------------------------------

/// The smallest `utsSECONDS` value Slurm's `parse_time()` accepts.
const UTS_MIN: u64 = 1_000_000;

/// The date part of a `--begin` value while it is being parsed.
#[derive(Clone, Copy)]
enum DatePart {
    Full(i32, u8, u8),
    MonthDay(u8, u8),
    Today,
    Tomorrow,
}

/// A tiny cursor over the ASCII bytes of a `--begin` value.
struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
    fn peek_at(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos + off).copied()
    }
    fn digit(&self) -> Option<u8> {
        self.peek().filter(u8::is_ascii_digit).map(|b| b - b'0')
    }
    /// Consumes `word` if the input continues with it, ignoring ASCII case.
    fn eat_word(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        match self.bytes.get(self.pos..end) {
            Some(s) if s.eq_ignore_ascii_case(word.as_bytes()) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }
    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }
    fn err(&self, why: &'static str) -> TimeError {
        invalid(self.text, why)
    }
    /// One or two digits.
    fn one_or_two(&mut self, why: &'static str) -> Result<u8, TimeError> {
        let first = self.digit().ok_or_else(|| self.err(why))?;
        self.pos += 1;
        match self.digit() {
            Some(d) => {
                self.pos += 1;
                Ok(first * 10 + d)
            }
            None => Ok(first),
        }
    }
    /// Exactly two digits.
    fn two(&mut self, why: &'static str) -> Result<u8, TimeError> {
        let a = self.digit().ok_or_else(|| self.err(why))?;
        self.pos += 1;
        let b = self.digit().ok_or_else(|| self.err(why))?;
        self.pos += 1;
        Ok(a * 10 + b)
    }

    /// `HH:MM[:SS][ ][AM|PM]` (`_get_time()`).
    fn time(&mut self) -> Result<(u8, u8, u8), TimeError> {
        let mut hour = self.one_or_two("expected an hour")?;
        if hour > 23 {
            return Err(self.err("hour must be 0-23"));
        }
        if self.peek() != Some(b':') {
            return Err(self.err("expected `:` after the hour"));
        }
        self.pos += 1;
        let minute = self.two("minutes must be two digits")?;
        if minute > 59 {
            return Err(self.err("minute must be 0-59"));
        }
        let mut second = 0;
        if self.peek() == Some(b':') {
            self.pos += 1;
            second = self.two("seconds must be two digits")?;
            if second > 59 {
                return Err(self.err("second must be 0-59"));
            }
        }
        self.skip_blanks();
        if self.eat_word("pm") {
            hour = match hour {
                0..=11 => hour + 12,
                12 => 12,
                _ => return Err(self.err("hour must be 1-12 with PM")),
            };
        } else if self.eat_word("am") {
            hour = match hour {
                0..=11 => hour,
                12 => 0,
                _ => return Err(self.err("hour must be 1-12 with AM")),
            };
        }
        Ok((hour, minute, second))
    }

    /// `YYYY-MM-DD`, or `MMDD[YY]`, `MM/DD[/YY]`, `MM.DD[.YY]` (`_get_date()`).
    fn date(&mut self) -> Result<DatePart, TimeError> {
        if self.peek_at(4) == Some(b'-') && self.peek_at(7) == Some(b'-') {
            let mut year: i32 = 0;
            for _ in 0..4 {
                let d = self
                    .digit()
                    .ok_or_else(|| self.err("year must be four digits"))?;
                year = year * 10 + i32::from(d);
                self.pos += 1;
            }
            self.pos += 1; // '-'
            let month = self.two("month must be two digits")?;
            self.pos += 1; // '-'
            let day = self.one_or_two("expected a day")?;
            check_date(self, i64::from(year), month, day)?;
            return Ok(DatePart::Full(year, month, day));
        }
        let month = self.one_or_two("expected a month")?;
        if !(1..=12).contains(&month) {
            return Err(self.err("month must be 1-12"));
        }
        if matches!(self.peek(), Some(b'.' | b'/')) {
            self.pos += 1;
        }
        let day = self.one_or_two("expected a day")?;
        if matches!(self.peek(), Some(b'.' | b'/')) {
            self.pos += 1;
        }
        if self.digit().is_some() {
            let yy = self.two("year must be two digits")?;
            let year = 2000 + i32::from(yy);
            check_date(self, i64::from(year), month, day)?;
            Ok(DatePart::Full(year, month, day))
        } else {
            // Without a year, 29 February is allowed (a leap year may be next).
            check_date(self, 2000, month, day)?;
            Ok(DatePart::MonthDay(month, day))
        }
    }

    /// After `now`: `[+N[ ][unit]]` (`_get_delta()`); the unit defaults to seconds.
    fn now_offset(&mut self) -> Result<Duration, TimeError> {
        self.skip_blanks();
        match self.peek() {
            None => return Ok(Duration::ZERO),
            Some(b'+') => self.pos += 1,
            Some(b'-') => {
                return Err(self.err("`now-N` (a time in the past) is not supported"));
            }
            Some(_) => return Err(self.err("expected `+` after `now`")),
        }
        self.skip_blanks();
        let start = self.pos;
        while self.digit().is_some() {
            self.pos += 1;
        }
        let n: u64 = self
            .text
            .get(start..self.pos)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.err("expected a number after `now+`"))?
            .parse()
            .map_err(|_| self.err("offset too large"))?;
        self.skip_blanks();
        let mult = UNITS
            .iter()
            .find(|(name, _)| self.eat_word(name))
            .map_or(1, |(_, m)| *m);
        let d = n
            .checked_mul(mult)
            .map(Duration)
            .ok_or_else(|| self.err("offset too large"))?;
        self.skip_blanks();
        if self.peek().is_some() {
            return Err(self.err("unexpected text after the `now` offset"));
        }
        Ok(d)
    }
}

/// `now+N` unit names (`_get_delta()`); plural first so `minutes` is not read as
/// `minute` followed by a stray `s`.
const UNITS: [(&str, u64); 10] = [
    ("seconds", 1),
    ("second", 1),
    ("minutes", SECS_PER_MIN),
    ("minute", SECS_PER_MIN),
    ("hours", SECS_PER_HOUR),
    ("hour", SECS_PER_HOUR),
    ("days", SECS_PER_DAY),
    ("day", SECS_PER_DAY),
    ("weeks", SECS_PER_WEEK),
    ("week", SECS_PER_WEEK),
];

/// Named times of day and their hour.
const NAMED_TIMES: [(&str, u8); 5] = [
    ("midnight", 0),
    ("noon", 12),
    ("elevenses", 11),
    ("fika", 15),
    ("teatime", 16),
];

/// Stores `v` in `slot`, refusing a second value.
fn set_once<T>(
    slot: &mut Option<T>,
    v: T,
    c: &Cursor<'_>,
    why: &'static str,
) -> Result<(), TimeError> {
    if slot.is_some() {
        return Err(c.err(why));
    }
    *slot = Some(v);
    Ok(())
}

fn check_date(c: &Cursor<'_>, year: i64, month: u8, day: u8) -> Result<(), TimeError> {
    if !(1..=12).contains(&month) {
        return Err(c.err("month must be 1-12"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(c.err("no such day in that month"));
    }
    Ok(())
}

/// Every `--begin`/`--deadline` form of sbatch (`parse_time()`):
///
/// - `HH:MM[:SS][AM|PM]`, `midnight`, `noon`, `elevenses` (11:00), `fika` (15:00),
///   `teatime` (16:00) → [`BeginTime::TimeOfDay`];
/// - `YYYY-MM-DD[THH:MM[:SS]]`, `MMDDYY`, `MM/DD/YY`, `MM.DD.YY` (`YY` = 20YY), with an
///   optional `-HH:MM[:SS]` → [`BeginTime::At`];
/// - `MMDD`, `MM/DD`, `MM.DD` with an optional time → [`BeginTime::MonthDay`];
/// - `today`, `tomorrow` with an optional time (`tomorrow-10:00`, `noon tomorrow`);
/// - `now[+N[seconds|minutes|hours|days|weeks]]` (singular names too, any case,
///   seconds by default) → [`BeginTime::Now`];
/// - `@SECONDS` (ours) and `utsSECONDS` (Slurm, at least 1000000) → [`BeginTime::Epoch`].
///
/// Keywords are case-insensitive; blanks, `-` and `T` separate the date from the time.
/// As in Slurm, an upper-case `T` is always a separator, so `Tomorrow` and `Teatime`
/// are rejected (write `tomorrow`, `teatime`).
/// Stricter than Slurm on purpose: a date or time given twice, `now` combined with
/// anything else, and `now-N` are rejected instead of silently taking the last one.
///
/// ```
/// use hpcsched::time::BeginTime;
/// use hpcsched::Duration;
/// assert_eq!("now+1week".parse::<BeginTime>()?, BeginTime::Now(Duration::from_days(7)));
/// assert_eq!(
///     "4:30pm".parse::<BeginTime>()?,
///     BeginTime::TimeOfDay { hour: 16, minute: 30, second: 0 }
/// );
/// assert!("Tomorrow".parse::<BeginTime>().is_err());
/// # Ok::<(), hpcsched::time::TimeError>(())
/// ```
impl FromStr for BeginTime {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = s.strip_prefix('@') {
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(s, "expected digits after `@`"));
            }
            let secs = rest.parse().map_err(|_| invalid(s, "number too large"))?;
            return Ok(BeginTime::Epoch(Timestamp(secs)));
        }
        if s.len() >= 3 && s.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("uts")) {
            let rest = s.get(3..).unwrap_or_default();
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(s, "expected digits after `uts`"));
            }
            let secs: u64 = rest.parse().map_err(|_| invalid(s, "number too large"))?;
            if secs < UTS_MIN {
                return Err(invalid(s, "`uts` needs at least 1000000 seconds"));
            }
            return Ok(BeginTime::Epoch(Timestamp(secs)));
        }

        let mut c = Cursor {
            text: s,
            bytes: s.as_bytes(),
            pos: 0,
        };
        let mut date: Option<DatePart> = None;
        let mut time: Option<(u8, u8, u8)> = None;
        let mut now: Option<Duration> = None;

        while let Some(b) = c.peek() {
            if matches!(b, b' ' | b'\t' | b'-' | b'T') {
                c.pos += 1;
                continue;
            }
            if now.is_some() {
                return Err(c.err("`now` cannot be combined with a date or time"));
            }
            if c.eat_word("today") {
                set_once(&mut date, DatePart::Today, &c, "date given twice")?;
            } else if c.eat_word("tomorrow") {
                set_once(&mut date, DatePart::Tomorrow, &c, "date given twice")?;
            } else if let Some(&(_, hour)) = NAMED_TIMES.iter().find(|(w, _)| c.eat_word(w)) {
                set_once(&mut time, (hour, 0, 0), &c, "time of day given twice")?;
            } else if c.eat_word("now") {
                if date.is_some() || time.is_some() {
                    return Err(c.err("`now` cannot be combined with a date or time"));
                }
                now = Some(c.now_offset()?);
            } else if b.is_ascii_digit() {
                if c.peek_at(1) == Some(b':') || c.peek_at(2) == Some(b':') {
                    let t = c.time()?;
                    set_once(&mut time, t, &c, "time of day given twice")?;
                } else {
                    let d = c.date()?;
                    set_once(&mut date, d, &c, "date given twice")?;
                }
            } else {
                return Err(c.err("unexpected text"));
            }
        }

        if let Some(d) = now {
            return Ok(BeginTime::Now(d));
        }
        let (hour, minute, second) = time.unwrap_or((0, 0, 0));
        Ok(match (date, time) {
            (None, None) => return Err(invalid(s, "empty")),
            (None, Some(_)) => BeginTime::TimeOfDay {
                hour,
                minute,
                second,
            },
            (Some(DatePart::Full(year, month, day)), _) => BeginTime::At(CivilDateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
            }),
            (Some(DatePart::MonthDay(month, day)), _) => BeginTime::MonthDay {
                month,
                day,
                hour,
                minute,
                second,
            },
            (Some(DatePart::Today), _) => BeginTime::Today {
                hour,
                minute,
                second,
            },
            (Some(DatePart::Tomorrow), _) => BeginTime::Tomorrow {
                hour,
                minute,
                second,
            },
        })
    }
}

/// A form sbatch accepts that parses back to an equal value: `now+2hours`,
/// `2026-03-01T12:00:00`, `16:00:00`, `03/01-12:00:00`, `tomorrow-10:00:00`, `today`,
/// `uts1700000000` (or `@N` below Slurm's `uts` minimum, for simulators).
impl fmt::Display for BeginTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn hms(f: &mut fmt::Formatter<'_>, h: u8, m: u8, s: u8) -> fmt::Result {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
        match *self {
            BeginTime::Now(d) => {
                let secs = d.as_secs();
                if secs == 0 {
                    return f.write_str("now");
                }
                let (n, unit) = [
                    (SECS_PER_WEEK, "weeks"),
                    (SECS_PER_DAY, "days"),
                    (SECS_PER_HOUR, "hours"),
                    (SECS_PER_MIN, "minutes"),
                ]
                .iter()
                .find(|(u, _)| secs % u == 0)
                .map_or((secs, ""), |(u, name)| (secs / u, name));
                write!(f, "now+{n}{unit}")
            }
            BeginTime::At(c) => c.fmt(f),
            BeginTime::TimeOfDay {
                hour,
                minute,
                second,
            } => hms(f, hour, minute, second),
            BeginTime::Epoch(t) if t.0 >= UTS_MIN => write!(f, "uts{}", t.0),
            BeginTime::Epoch(t) => write!(f, "@{}", t.0),
            BeginTime::MonthDay {
                month,
                day,
                hour,
                minute,
                second,
            } => {
                write!(f, "{month:02}/{day:02}")?;
                if (hour, minute, second) != (0, 0, 0) {
                    f.write_str("-")?;
                    hms(f, hour, minute, second)?;
                }
                Ok(())
            }
            BeginTime::Today {
                hour,
                minute,
                second,
            }
            | BeginTime::Tomorrow {
                hour,
                minute,
                second,
            } => {
                f.write_str(if matches!(self, BeginTime::Today { .. }) {
                    "today"
                } else {
                    "tomorrow"
                })?;
                if (hour, minute, second) != (0, 0, 0) {
                    f.write_str("-")?;
                    hms(f, hour, minute, second)?;
                }
                Ok(())
            }
        }
    }
}

impl BeginTime {
    /// The instant this value names when the job is submitted at `now`.
    ///
    /// Calendar forms are read in **UTC** (Slurm uses the controller's local time zone).
    /// As in Slurm's `parse_time()`:
    /// - a bare time of day means today if its hour:minute is still ahead of `now`'s
    ///   hour:minute, else tomorrow (seconds are not compared, so a time within the
    ///   current minute means tomorrow);
    /// - a date without a year means this year if its month, day, hour and minute are
    ///   still ahead of `now`, else next year; 29 February in a non-leap year is 1 March;
    /// - `today`/`tomorrow` and full dates are taken as written, even when in the past
    ///   (a past begin time means "eligible now");
    /// - a full date before 1970 resolves to `Timestamp(0)`.
    ///
    /// ```
    /// use hpcsched::time::{BeginTime, CivilDateTime};
    /// let now = CivilDateTime::new(2026, 12, 31, 18, 0, 0)?.to_timestamp()?;
    /// let at = |s: &str| -> Result<_, hpcsched::time::TimeError> {
    ///     Ok(CivilDateTime::from_timestamp(s.parse::<BeginTime>()?.resolve(now)).unwrap().to_string())
    /// };
    /// assert_eq!(at("teatime")?, "2027-01-01T16:00:00");
    /// assert_eq!(at("20:30")?, "2026-12-31T20:30:00");
    /// assert_eq!(at("01/15")?, "2027-01-15T00:00:00");
    /// assert_eq!(at("tomorrow-09:00")?, "2027-01-01T09:00:00");
    /// # Ok::<(), hpcsched::time::TimeError>(())
    /// ```
    #[must_use]
    pub fn resolve(&self, now: Timestamp) -> Timestamp {
        let today = i64::try_from(now.0 / SECS_PER_DAY).unwrap_or(i64::MAX);
        let day_start = |day: i64| i128::from(day) * i128::from(SECS_PER_DAY);
        let tod = |h: u8, m: u8, s: u8| {
            i128::from(h) * i128::from(SECS_PER_HOUR)
                + i128::from(m) * i128::from(SECS_PER_MIN)
                + i128::from(s)
        };
        let clock = (
            now.0 % SECS_PER_DAY / SECS_PER_HOUR,
            now.0 % SECS_PER_HOUR / 60,
        );
        match *self {
            BeginTime::Now(d) => now.saturating_add(d),
            BeginTime::Epoch(t) => t,
            BeginTime::At(c) => clamp_timestamp(secs_from_civil_lenient(
                i64::from(c.year),
                c.month,
                c.day,
                c.hour,
                c.minute,
                c.second,
            )),
            BeginTime::TimeOfDay {
                hour,
                minute,
                second,
            } => {
                let ahead = (u64::from(hour), u64::from(minute)) > clock;
                let day = if ahead {
                    today
                } else {
                    today.saturating_add(1)
                };
                clamp_timestamp(day_start(day) + tod(hour, minute, second))
            }
            BeginTime::Today {
                hour,
                minute,
                second,
            } => clamp_timestamp(day_start(today) + tod(hour, minute, second)),
            BeginTime::Tomorrow {
                hour,
                minute,
                second,
            } => clamp_timestamp(day_start(today.saturating_add(1)) + tod(hour, minute, second)),
            BeginTime::MonthDay {
                month,
                day,
                hour,
                minute,
                second,
            } => {
                let (year, now_m, now_d) = civil_from_days(today);
                let ahead = (month, day, u64::from(hour), u64::from(minute))
                    > (now_m, now_d, clock.0, clock.1);
                let year = if ahead { year } else { year.saturating_add(1) };
                clamp_timestamp(secs_from_civil_lenient(
                    year, month, day, hour, minute, second,
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lim(secs: u64) -> TimeLimit {
        TimeLimit::Limited(Duration::from_secs(secs))
    }

    fn ts(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Timestamp {
        CivilDateTime::new(y, mo, d, h, mi, s)
            .and_then(|c| c.to_timestamp())
            .unwrap_or_else(|e| panic!("bad test date: {e}"))
    }

    #[test]
    fn slurm_notes_time_table() {
        // SLURM_NOTES.md §8 (time_str2secs).
        for (text, secs) in [
            ("90", 5400),
            ("90:30", 5430),
            ("1:30:00", 5400),
            ("2-12", 216_000),
            ("2-12:30", 217_800),
            ("2-12:30:15", 217_815),
            ("0", 0),
            ("0:0:0", 0),
            ("1-0", 86_400),
            ("90:75", 5475),
        ] {
            assert_eq!(text.parse::<TimeLimit>(), Ok(lim(secs)), "{text}");
        }
    }

    #[test]
    fn unlimited_words() {
        for text in ["UNLIMITED", "unlimited", "Infinite", "INFINITE", "-1"] {
            assert_eq!(
                text.parse::<TimeLimit>(),
                Ok(TimeLimit::Unlimited),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_time_limits() {
        for (text, why) in [
            ("", "empty"),
            ("1h", "only digits, `-` and `:` are allowed"),
            (" 10", "only digits, `-` and `:` are allowed"),
            ("1-2-3", "at most one `-` is allowed"),
            ("1:2:3:4", "at most two `:` are allowed"),
            ("1:2-3", "`-` may not follow `:`"),
            ("-5", "missing days before `-`"),
            ("5-", "empty field"),
            ("1:", "empty field"),
            ("1::2", "empty field"),
            ("99999999999999999999", "number too large"),
            ("999999999999999999", "value too large"),
        ] {
            let err = text.parse::<TimeLimit>().unwrap_err();
            assert_eq!(
                err,
                TimeError::Invalid {
                    text: text.to_owned(),
                    why
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn job_time_rounds_up_and_zero_is_unlimited() {
        assert_eq!(parse_job_time("90"), Ok(lim(5400)));
        assert_eq!(parse_job_time("90:30"), Ok(lim(91 * 60)));
        assert_eq!(parse_job_time("0:1"), Ok(lim(60)));
        assert_eq!(parse_job_time("0"), Ok(TimeLimit::Unlimited));
        assert_eq!(parse_job_time("0:00:00"), Ok(TimeLimit::Unlimited));
        assert_eq!(parse_job_time("-1"), Ok(TimeLimit::Unlimited));
        assert!(parse_job_time("abc").is_err());
    }

    #[test]
    fn display_like_scontrol() {
        assert_eq!(lim(0).to_string(), "00:00:00");
        assert_eq!(lim(5430).to_string(), "01:30:30");
        assert_eq!(lim(30 * 3600).to_string(), "1-06:00:00");
        assert_eq!(lim(217_815).to_string(), "2-12:30:15");
        assert_eq!(TimeLimit::Unlimited.to_string(), "UNLIMITED");
        assert_eq!(Duration::from_days(365).to_string(), "365-00:00:00");
    }

    #[test]
    fn duration_rejects_unlimited() {
        assert_eq!(
            "UNLIMITED".parse::<Duration>(),
            Err(invalid("UNLIMITED", "a duration cannot be unlimited"))
        );
        assert_eq!("1:00".parse::<Duration>(), Ok(Duration::from_secs(60)));
    }

    #[test]
    fn duration_arithmetic() {
        let d = Duration::from_secs(10);
        assert_eq!(
            d.checked_add(Duration::from_secs(5)),
            Some(Duration::from_secs(15))
        );
        assert_eq!(Duration::from_secs(u64::MAX).checked_add(d), None);
        assert_eq!(d.checked_sub(Duration::from_secs(11)), None);
        assert_eq!(d.saturating_sub(Duration::from_secs(11)), Duration::ZERO);
        assert_eq!(d.checked_mul(3), Some(Duration::from_secs(30)));
        assert_eq!(
            Timestamp(5).checked_add(Duration::from_secs(u64::MAX)),
            None
        );
        assert_eq!(Timestamp(5).saturating_sub(d), Timestamp(0));
    }

    #[test]
    fn civil_conversions() {
        assert_eq!(ts(1970, 1, 1, 0, 0, 0), Timestamp(0));
        assert_eq!(ts(2000, 3, 1, 0, 0, 0), Timestamp(951_868_800));
        assert_eq!(ts(2038, 1, 19, 3, 14, 8), Timestamp(2_147_483_648));
        for bad in [
            (2026, 2, 29),
            (2026, 2, 30),
            (2026, 4, 31),
            (2026, 13, 1),
            (2026, 0, 1),
        ] {
            assert!(
                CivilDateTime::new(bad.0, bad.1, bad.2, 0, 0, 0).is_err(),
                "{bad:?}"
            );
        }
        assert!(CivilDateTime::new(2000, 2, 29, 0, 0, 0).is_ok());
        assert!(CivilDateTime::new(1900, 2, 29, 0, 0, 0).is_err());
        assert!(CivilDateTime::new(2026, 1, 1, 0, 60, 0).is_err());
        assert!(CivilDateTime::new(2026, 1, 1, 0, 0, 60).is_err());
        let e = CivilDateTime::new(2026, 2, 30, 0, 0, 0).unwrap_err();
        assert!(e.to_string().contains("2026-02-30T00:00:00"), "{e}");
        assert!(CivilDateTime::from_timestamp(Timestamp(u64::MAX)).is_none());
    }

    fn begin(s: &str) -> BeginTime {
        s.parse()
            .unwrap_or_else(|e| panic!("`{s}` should parse: {e}"))
    }

    fn tod(hour: u8, minute: u8, second: u8) -> BeginTime {
        BeginTime::TimeOfDay {
            hour,
            minute,
            second,
        }
    }

    fn at(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> BeginTime {
        BeginTime::At(CivilDateTime {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
        })
    }

    #[test]
    fn begin_forms_from_sbatch_man_page() {
        // sbatch.1 --begin examples.
        assert_eq!(begin("16:00"), tod(16, 0, 0));
        assert_eq!(begin("now+60"), BeginTime::Now(Duration::from_secs(60)));
        assert_eq!(begin("now+1hour"), BeginTime::Now(Duration::from_hours(1)));
        assert_eq!(begin("2010-01-20T12:34:00"), at(2010, 1, 20, 12, 34, 0));
        assert_eq!(begin("now"), BeginTime::Now(Duration::ZERO));
        // Named times.
        assert_eq!(begin("midnight"), tod(0, 0, 0));
        assert_eq!(begin("noon"), tod(12, 0, 0));
        assert_eq!(begin("elevenses"), tod(11, 0, 0));
        assert_eq!(begin("fika"), tod(15, 0, 0));
        assert_eq!(begin("teaTIME"), tod(16, 0, 0));
        // Clock forms.
        assert_eq!(begin("4:05:06"), tod(4, 5, 6));
        assert_eq!(begin("4:05pm"), tod(16, 5, 0));
        assert_eq!(begin("12:00 AM"), tod(0, 0, 0));
        assert_eq!(begin("12:30PM"), tod(12, 30, 0));
        assert_eq!(begin("11:59:59am"), tod(11, 59, 59));
        // Dates.
        assert_eq!(begin("123126"), at(2026, 12, 31, 0, 0, 0));
        assert_eq!(begin("12/31/26"), at(2026, 12, 31, 0, 0, 0));
        assert_eq!(begin("12.31.26"), at(2026, 12, 31, 0, 0, 0));
        assert_eq!(begin("2026-03-01"), at(2026, 3, 1, 0, 0, 0));
        assert_eq!(begin("2026-03-01T10:00"), at(2026, 3, 1, 10, 0, 0));
        assert_eq!(begin("12/31/26-10:30"), at(2026, 12, 31, 10, 30, 0));
        let md = |month, day, hour| BeginTime::MonthDay {
            month,
            day,
            hour,
            minute: 0,
            second: 0,
        };
        assert_eq!(begin("1231"), md(12, 31, 0));
        assert_eq!(begin("12/31"), md(12, 31, 0));
        assert_eq!(begin("1/5"), md(1, 5, 0));
        assert_eq!(begin("02/29"), md(2, 29, 0));
        assert_eq!(begin("12/31-10:00"), md(12, 31, 10));
        // today / tomorrow.
        let zero = (0, 0, 0);
        assert_eq!(
            begin("today"),
            BeginTime::Today {
                hour: zero.0,
                minute: zero.1,
                second: zero.2
            }
        );
        assert_eq!(
            begin("tomorrow"),
            BeginTime::Tomorrow {
                hour: 0,
                minute: 0,
                second: 0
            }
        );
        assert_eq!(
            begin("noon tomorrow"),
            BeginTime::Tomorrow {
                hour: 12,
                minute: 0,
                second: 0
            }
        );
        assert_eq!(
            begin("today-10:00:05"),
            BeginTime::Today {
                hour: 10,
                minute: 0,
                second: 5
            }
        );
        // now+N units, singular and plural, any case, blanks.
        for (text, secs) in [
            ("now+30seconds", 30),
            ("now+1second", 1),
            ("now+5minutes", 300),
            ("now+1minute", 60),
            ("now+2hours", 7200),
            ("NOW+1DAY", 86_400),
            ("now+3days", 259_200),
            ("now+1week", 604_800),
            ("now+2weeks", 1_209_600),
            ("now + 10 minutes", 600),
        ] {
            assert_eq!(
                begin(text),
                BeginTime::Now(Duration::from_secs(secs)),
                "{text}"
            );
        }
        // Epochs.
        assert_eq!(begin("@0"), BeginTime::Epoch(Timestamp(0)));
        assert_eq!(
            begin("uts1700000000"),
            BeginTime::Epoch(Timestamp(1_700_000_000))
        );
    }

    #[test]
    fn malformed_begin_times() {
        for (text, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("soon", "unexpected text"),
            ("24:00", "hour must be 0-23"),
            ("10:60", "minute must be 0-59"),
            ("10:5", "minutes must be two digits"),
            ("10:00:61", "second must be 0-59"),
            ("13:00pm", "hour must be 1-12 with PM"),
            ("13:00am", "hour must be 1-12 with AM"),
            ("2026-02-30", "no such day in that month"),
            ("2025-02-29", "no such day in that month"),
            ("2026-13-01", "month must be 1-12"),
            ("13/01", "month must be 1-12"),
            ("04/31", "no such day in that month"),
            ("02/30", "no such day in that month"),
            ("12/31/2", "year must be two digits"),
            ("now+", "expected a number after `now+`"),
            ("now+hour", "expected a number after `now+`"),
            ("now-5", "`now-N` (a time in the past) is not supported"),
            ("now+1fortnight", "unexpected text after the `now` offset"),
            ("now tomorrow", "expected `+` after `now`"),
            ("noon now", "`now` cannot be combined with a date or time"),
            ("now+1hour 10:00", "unexpected text after the `now` offset"),
            ("noon midnight", "time of day given twice"),
            ("today tomorrow", "date given twice"),
            ("Tomorrow", "unexpected text"),
            ("now+99999999999999999999", "offset too large"),
            ("now+9999999999999999weeks", "offset too large"),
            ("@", "expected digits after `@`"),
            ("@-5", "expected digits after `@`"),
            ("uts12", "`uts` needs at least 1000000 seconds"),
            ("utsx", "expected digits after `uts`"),
        ] {
            let err = text.parse::<BeginTime>().unwrap_err();
            assert_eq!(
                err,
                TimeError::Invalid {
                    text: text.to_owned(),
                    why
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn resolve_follows_parse_time() {
        let now = ts(2026, 3, 1, 10, 30, 15);
        let r = |s: &str| begin(s).resolve(now);
        assert_eq!(r("now"), now);
        assert_eq!(r("now+1hour"), Timestamp(now.0 + 3600));
        // Time of day still ahead (by hour:minute) → today, else tomorrow.
        assert_eq!(r("10:31"), ts(2026, 3, 1, 10, 31, 0));
        assert_eq!(r("10:30:59"), ts(2026, 3, 2, 10, 30, 59));
        assert_eq!(r("10:29"), ts(2026, 3, 2, 10, 29, 0));
        assert_eq!(r("midnight"), ts(2026, 3, 2, 0, 0, 0));
        assert_eq!(r("noon"), ts(2026, 3, 1, 12, 0, 0));
        // today/tomorrow taken as written.
        assert_eq!(r("today"), ts(2026, 3, 1, 0, 0, 0));
        assert_eq!(r("tomorrow"), ts(2026, 3, 2, 0, 0, 0));
        assert_eq!(r("fika tomorrow"), ts(2026, 3, 2, 15, 0, 0));
        // Dates without a year: this year if still ahead, else next year.
        assert_eq!(r("03/01-11:00"), ts(2026, 3, 1, 11, 0, 0));
        assert_eq!(r("03/01"), ts(2027, 3, 1, 0, 0, 0));
        assert_eq!(r("0215"), ts(2027, 2, 15, 0, 0, 0));
        assert_eq!(r("12/25"), ts(2026, 12, 25, 0, 0, 0));
        // 29 February in a non-leap year normalises to 1 March, as mktime() does.
        assert_eq!(r("02/29"), ts(2027, 3, 1, 0, 0, 0));
        // Full dates, even past ones.
        assert_eq!(r("2026-01-01"), ts(2026, 1, 1, 0, 0, 0));
        assert_eq!(r("1969-12-31"), Timestamp(0));
        assert_eq!(r("@42"), Timestamp(42));
        // Month and year rollover.
        let eoy = ts(2026, 12, 31, 23, 59, 0);
        assert_eq!(begin("tomorrow").resolve(eoy), ts(2027, 1, 1, 0, 0, 0));
        assert_eq!(begin("23:59").resolve(eoy), ts(2027, 1, 1, 23, 59, 0));
        // Huge clocks saturate instead of panicking.
        assert_eq!(
            begin("now+1hour").resolve(Timestamp(u64::MAX)),
            Timestamp(u64::MAX)
        );
        let _ = begin("tomorrow").resolve(Timestamp(u64::MAX));
        let _ = begin("12/25").resolve(Timestamp(u64::MAX));
    }

    #[test]
    fn begin_display_examples() {
        for (text, shown) in [
            ("now", "now"),
            ("now+60", "now+1minutes"),
            ("now+61", "now+61"),
            ("now+7200", "now+2hours"),
            ("now+2weeks", "now+2weeks"),
            ("16:00", "16:00:00"),
            ("2026-03-01", "2026-03-01T00:00:00"),
            ("1/5", "01/05"),
            ("12/31-10:30", "12/31-10:30:00"),
            ("tomorrow", "tomorrow"),
            ("teatime today", "today-16:00:00"),
            ("@5", "@5"),
            ("@1700000000", "uts1700000000"),
        ] {
            assert_eq!(begin(text).to_string(), shown, "{text}");
            assert_eq!(begin(shown), begin(text), "{shown}");
        }
    }

    fn arb_civil() -> impl Strategy<Value = CivilDateTime> {
        (0i32..=9999, 1u8..=12, 1u8..=31, 0u8..24, 0u8..60, 0u8..60).prop_map(
            |(year, month, day, hour, minute, second)| CivilDateTime {
                year,
                month,
                day: day.min(days_in_month(i64::from(year), month)),
                hour,
                minute,
                second,
            },
        )
    }

    fn arb_begin() -> impl Strategy<Value = BeginTime> {
        let hms = (0u8..24, 0u8..60, 0u8..60);
        prop_oneof![
            (0u64..10_000_000_000).prop_map(|s| BeginTime::Now(Duration::from_secs(s))),
            arb_civil().prop_map(BeginTime::At),
            hms.clone()
                .prop_map(|(hour, minute, second)| BeginTime::TimeOfDay {
                    hour,
                    minute,
                    second
                }),
            any::<u64>().prop_map(|t| BeginTime::Epoch(Timestamp(t))),
            (1u8..=12, 1u8..=31, hms.clone()).prop_map(|(month, day, (hour, minute, second))| {
                BeginTime::MonthDay {
                    month,
                    day: day.min(days_in_month(2000, month)),
                    hour,
                    minute,
                    second,
                }
            }),
            hms.clone()
                .prop_map(|(hour, minute, second)| BeginTime::Today {
                    hour,
                    minute,
                    second
                }),
            hms.prop_map(|(hour, minute, second)| BeginTime::Tomorrow {
                hour,
                minute,
                second
            }),
        ]
    }

    proptest! {
        #[test]
        fn time_limit_round_trips(secs in any::<u64>(), unlimited in any::<bool>()) {
            let t = if unlimited { TimeLimit::Unlimited } else { lim(secs) };
            prop_assert_eq!(t.to_string().parse::<TimeLimit>(), Ok(t));
        }

        #[test]
        fn duration_round_trips(secs in any::<u64>()) {
            let d = Duration::from_secs(secs);
            prop_assert_eq!(d.to_string().parse::<Duration>(), Ok(d));
        }

        #[test]
        fn job_time_is_whole_minutes(secs in 1u64..1_000_000_000) {
            let t = parse_job_time(&Duration::from_secs(secs).to_string());
            prop_assert_eq!(t, Ok(lim(secs.div_ceil(60) * 60)));
        }

        #[test]
        fn civil_round_trips(c in arb_civil().prop_filter("after epoch", |c| c.year >= 1970)) {
            let t = c.to_timestamp();
            prop_assert!(t.is_ok());
            let t = t.unwrap_or_default();
            prop_assert_eq!(CivilDateTime::from_timestamp(t), Some(c));
        }

        #[test]
        fn timestamp_civil_round_trips(t in 0u64..253_402_300_800) {
            let c = CivilDateTime::from_timestamp(Timestamp(t));
            prop_assert!(c.is_some());
            prop_assert_eq!(c.map(|c| c.to_timestamp()), Some(Ok(Timestamp(t))));
        }

        #[test]
        fn begin_round_trips(b in arb_begin()) {
            let shown = b.to_string();
            prop_assert_eq!(shown.parse::<BeginTime>(), Ok(b), "{}", shown);
        }

        #[test]
        fn resolve_never_panics(b in arb_begin(), now in any::<u64>()) {
            let _ = b.resolve(Timestamp(now));
        }

        #[test]
        fn time_of_day_resolves_within_a_day(h in 0u8..24, m in 0u8..60, s in 0u8..60, now in 0u64..4_000_000_000) {
            let t = tod(h, m, s).resolve(Timestamp(now));
            prop_assert!(t.0 + 60 > now, "{} not after {}", t.0, now);
            prop_assert!(t.0 <= now + SECS_PER_DAY + 60);
            prop_assert_eq!(t.0 % SECS_PER_DAY, u64::from(h) * 3600 + u64::from(m) * 60 + u64::from(s));
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,24}") {
            let _ = s.parse::<TimeLimit>();
            let _ = s.parse::<Duration>();
            let _ = parse_job_time(&s);
            let _ = s.parse::<BeginTime>();
        }

        #[test]
        fn begin_parser_never_panics_on_near_misses(s in "[0-9:/.\\-T +apmnowAPM]{0,20}") {
            let _ = s.parse::<BeginTime>();
        }
    }
}
