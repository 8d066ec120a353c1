//! `--output`/`--error` filename patterns: `%j`, `%x`, `%A`, `%a`, `%u`, `%N`, `%%`, and zero
//! padding such as `%4j` (sbatch.1, "FILENAME PATTERN").
//!
//! Expansion follows `expand_stdio_fields()` in Slurm's `src/common/print_fields.c`:
//! - `%%` is `%`; a number between `%` and the letter zero-pads numeric fields (at most 10
//!   wide; ignored for `%N`, `%u`, `%x`);
//! - an unknown letter is kept as written, `%` included (`%q` stays `%q`, `%4q` stays
//!   `%4q`); a `%` at the very end is dropped;
//! - a backslash anywhere turns substitution off for the whole pattern, and the
//!   backslashes themselves are removed (`a\%j` gives `a%j`);
//! - for a job that is not an array, `%A` is the job id and `%a` is 4294967294 (Slurm's
//!   `NO_VAL`), so `%b` is 4.
//!
//! Slurm also prefixes a relative path with the job's working directory; that is left to
//! the caller.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A filename pattern as written by the user.
///
/// ```
/// use hpcsched::output_pattern::{OutputPattern, PatternContext};
/// let ctx = PatternContext { job_id: 128, job_name: "sim".into(), ..Default::default() };
/// assert_eq!(OutputPattern("%x-%4j.out".into()).expand(&ctx), "sim-0128.out");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutputPattern(pub String);

/// The value Slurm prints for `%a` in a job that is not an array (`NO_VAL`).
pub const NO_ARRAY_TASK: u32 = 0xFFFF_FFFE;

/// Widest zero padding Slurm applies.
const MAX_PADDING: usize = 10;

/// What a pattern's `%` fields expand to.
///
/// The defaults describe the batch step of a non-array job with id 0 on node 0, task 0.
///
/// ```
/// use hpcsched::output_pattern::PatternContext;
/// let ctx = PatternContext { job_id: 42, array_job_id: Some(40), array_task_id: Some(2), ..Default::default() };
/// assert_eq!(ctx.step_id, None); // the batch step
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatternContext {
    /// `%j`: the job id (for an array task, its own job id).
    pub job_id: u32,
    /// `%A`: the array's master job id; `None` for a job that is not an array (then `%A`
    /// is the job id).
    pub array_job_id: Option<u32>,
    /// `%a` (and `%b` = index mod 10): the array task index; `None` outside arrays
    /// (printed as 4294967294).
    pub array_task_id: Option<u32>,
    /// `%x`: the job name.
    pub job_name: String,
    /// `%u`: the user name.
    pub user: String,
    /// `%N`: short host name of the first node.
    pub node: String,
    /// `%s` and the `.stepid` of `%J`: the step id; `None` is the batch step (`%s` prints
    /// `batch`, `%J` prints just the job id).
    pub step_id: Option<u32>,
    /// `%r`: how many times the job was requeued/restarted.
    pub restart_count: u32,
    /// `%n`: node index relative to the job (0 for the batch script).
    pub node_id: u32,
    /// `%t`: task rank relative to the job (0 for the batch script).
    pub task_id: u32,
    /// `%S`: the job's SLUID (Slurm 25.x+). `None` keeps `%S` as written, which is what
    /// releases without SLUIDs do.
    pub sluid: Option<String>,
}

/// The default `--output` pattern: `slurm-%j.out`, or `slurm-%A_%a.out` for an array.
///
/// ```
/// use hpcsched::output_pattern::default_output;
/// assert_eq!(default_output(false).0, "slurm-%j.out");
/// assert_eq!(default_output(true).0, "slurm-%A_%a.out");
/// ```
#[must_use]
pub fn default_output(is_array: bool) -> OutputPattern {
    OutputPattern(
        if is_array {
            "slurm-%A_%a.out"
        } else {
            "slurm-%j.out"
        }
        .to_owned(),
    )
}

fn push_num(out: &mut String, value: u32, pad: usize) {
    use fmt::Write as _;
    let _ = write!(out, "{value:0pad$}");
}

impl OutputPattern {
    /// The pattern text.
    ///
    /// ```
    /// use hpcsched::output_pattern::OutputPattern;
    /// assert_eq!(OutputPattern("out-%j".into()).as_str(), "out-%j");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Expands the pattern for one job (see the module docs for the rules).
    ///
    /// ```
    /// use hpcsched::output_pattern::{OutputPattern, PatternContext};
    /// let ctx = PatternContext { job_id: 128, ..Default::default() };
    /// assert_eq!(OutputPattern("job%J.out".into()).expand(&ctx), "job128.out");
    /// assert_eq!(OutputPattern("%A_%a".into()).expand(&ctx), "128_4294967294");
    /// assert_eq!(OutputPattern("100%%_%q".into()).expand(&ctx), "100%_%q");
    /// assert_eq!(OutputPattern("a\\%j".into()).expand(&ctx), "a%j");
    /// ```
    #[must_use]
    pub fn expand(&self, ctx: &PatternContext) -> String {
        let text = self.0.as_str();
        if text.contains('\\') {
            return text.chars().filter(|&c| c != '\\').collect();
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(at) = rest.find('%') {
            out.push_str(rest.get(..at).unwrap_or_default());
            let after = rest.get(at + 1..).unwrap_or_default();
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let spec = after.get(digits..).unwrap_or_default();
            let Some(letter) = spec.chars().next() else {
                // `%` or `%N` at the very end: Slurm drops a lone `%` and keeps `%N`.
                if digits > 0 {
                    out.push('%');
                    out.push_str(after);
                }
                rest = "";
                break;
            };
            if letter == '%' && digits == 0 {
                out.push('%');
                rest = spec.get(1..).unwrap_or_default();
                continue;
            }
            // Any padding above 10 means 10; the digit run may be too long for an integer.
            let written = after.get(..digits).unwrap_or_default();
            let pad = if written.trim_start_matches('0').len() > 2 {
                MAX_PADDING
            } else {
                written.parse::<usize>().unwrap_or(0).min(MAX_PADDING)
            };
            let job = ctx.job_id;
            match letter {
                'A' => push_num(&mut out, ctx.array_job_id.unwrap_or(job), pad),
                'a' => push_num(&mut out, ctx.array_task_id.unwrap_or(NO_ARRAY_TASK), pad),
                'b' => push_num(
                    &mut out,
                    ctx.array_task_id.unwrap_or(NO_ARRAY_TASK) % 10,
                    pad,
                ),
                'j' => push_num(&mut out, job, pad),
                'J' => {
                    push_num(&mut out, job, pad);
                    // The batch step adds nothing; a regular step adds `.stepid`.
                    if let Some(step) = ctx.step_id {
                        out.push('.');
                        push_num(&mut out, step, 0);
                    }
                }
                'N' => out.push_str(&ctx.node),
                'n' => push_num(&mut out, ctx.node_id, pad),
                'r' => push_num(&mut out, ctx.restart_count, pad),
                's' => match ctx.step_id {
                    Some(step) => push_num(&mut out, step, pad),
                    None => out.push_str("batch"),
                },
                'S' if ctx.sluid.is_some() => out.push_str(ctx.sluid.as_deref().unwrap_or("")),
                't' => push_num(&mut out, ctx.task_id, pad),
                'u' => out.push_str(&ctx.user),
                'x' => out.push_str(&ctx.job_name),
                other => {
                    out.push('%');
                    out.push_str(written);
                    out.push(other);
                }
            }
            rest = spec.get(letter.len_utf8()..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }
}

impl fmt::Display for OutputPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for OutputPattern {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ctx() -> PatternContext {
        PatternContext {
            job_id: 128,
            job_name: "sim".into(),
            user: "alice".into(),
            node: "cpu1".into(),
            ..Default::default()
        }
    }

    fn x(p: &str, c: &PatternContext) -> String {
        OutputPattern(p.into()).expand(c)
    }

    #[test]
    fn sbatch_doc_examples() {
        let step0 = PatternContext {
            step_id: Some(0),
            ..ctx()
        };
        assert_eq!(x("job%J.out", &step0), "job128.0.out");
        assert_eq!(x("job%4j.out", &step0), "job0128.out");
        let task1 = PatternContext {
            task_id: 1,
            ..step0.clone()
        };
        assert_eq!(x("job%2j-%2t.out", &step0), "job128-00.out");
        assert_eq!(x("job%2j-%2t.out", &task1), "job128-01.out");
    }

    #[test]
    fn every_field() {
        let c = PatternContext {
            job_id: 1005,
            array_job_id: Some(1000),
            array_task_id: Some(27),
            restart_count: 2,
            node_id: 3,
            step_id: Some(4),
            ..ctx()
        };
        assert_eq!(
            x("%A_%a_%b_%j_%J_%N_%n_%r_%s_%t_%u_%x_%%", &c),
            "1000_27_7_1005_1005.4_cpu1_3_2_4_0_alice_sim_%"
        );
        assert_eq!(x("%3a|%3N|%3x|%3u", &c), "027|cpu1|sim|alice");
        assert_eq!(x("%J|%s", &ctx()), "128|batch");
        assert_eq!(x("%5s", &ctx()), "batch");
        assert_eq!(x("%S", &ctx()), "%S");
        let with_sluid = PatternContext {
            sluid: Some("s123".into()),
            ..ctx()
        };
        assert_eq!(x("%S", &with_sluid), "s123");
    }

    #[test]
    fn non_array_and_defaults() {
        assert_eq!(default_output(false).expand(&ctx()), "slurm-128.out");
        assert_eq!(
            default_output(true).expand(&ctx()),
            "slurm-128_4294967294.out"
        );
        assert_eq!(x("%b", &ctx()), "4");
        let task = PatternContext {
            job_id: 131,
            array_job_id: Some(128),
            array_task_id: Some(3),
            ..ctx()
        };
        assert_eq!(default_output(true).expand(&task), "slurm-128_3.out");
    }

    #[test]
    fn padding_limits_and_literals() {
        assert_eq!(x("%12j", &ctx()), "0000000128");
        assert_eq!(x("%099999999999999999999j", &ctx()), "0000000128");
        assert_eq!(x("%0j", &ctx()), "128");
        assert_eq!(x("%q", &ctx()), "%q");
        assert_eq!(x("%4q", &ctx()), "%4q");
        assert_eq!(x("%é", &ctx()), "%é");
        assert_eq!(x("end%", &ctx()), "end");
        assert_eq!(x("end%4", &ctx()), "end%4");
        assert_eq!(x("%%j", &ctx()), "%j");
        assert_eq!(x("%%%j", &ctx()), "%128");
        assert_eq!(x("a\\b%j\\", &ctx()), "ab%j");
        assert_eq!(x("", &ctx()), "");
    }

    proptest! {
        #[test]
        fn never_panics(p in "\\PC*", id in any::<u32>(), task in proptest::option::of(any::<u32>())) {
            let c = PatternContext { job_id: id, array_task_id: task, ..ctx() };
            let _ = x(&p, &c);
        }

        #[test]
        fn literal_text_is_unchanged(p in "[a-zA-Z0-9_./-]{0,30}") {
            prop_assert_eq!(x(&p, &ctx()), p);
        }

        #[test]
        fn padding_width(pad in 0usize..15, id in 0u32..100_000) {
            let c = PatternContext { job_id: id, ..ctx() };
            let want = format!("{id:0w$}", w = pad.min(10));
            prop_assert_eq!(x(&format!("%{pad}j"), &c), want);
        }

        #[test]
        fn escape_disables_everything(p in "[a-z%0-9]{0,10}", q in "[a-z%0-9]{0,10}") {
            prop_assert_eq!(x(&format!("{p}\\{q}"), &ctx()), format!("{p}{q}"));
        }
    }
}
