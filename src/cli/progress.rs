//! A one-line progress bar on stderr for long replays.
//!
//! Shown only when stderr is a terminal (never in a pipe or a file, where `\r` redraws
//! would be noise), only once a replay has run for [`SHOW_AFTER`] (short replays show
//! nothing), redrawn at most every [`REDRAW_EVERY`], and erased when done. The binary
//! reads the wall clock for this throttle; the library never does.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long a replay runs before the bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(300);
/// The shortest time between two redraws.
const REDRAW_EVERY: Duration = Duration::from_millis(250);
/// Width of the bar between its brackets.
const BAR_WIDTH: usize = 30;

/// The progress bar of one replay.
pub struct Progress {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
    /// Characters on the line now (0: nothing drawn).
    drawn: usize,
}

impl Progress {
    /// A bar on stderr if stderr is a terminal, else one that never draws.
    pub fn on_stderr() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last_draw: None,
            drawn: 0,
        }
    }

    /// Says how far the replay is: `fraction` (0 to 1) of the workload, `jobs` submitted.
    /// Cheap when nothing is drawn (one clock read).
    pub fn update(&mut self, fraction: f64, jobs: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.started) < SHOW_AFTER
            || self
                .last_draw
                .is_some_and(|t| now.duration_since(t) < REDRAW_EVERY)
        {
            return;
        }
        self.last_draw = Some(now);
        let line = render(fraction, jobs);
        let width = line.chars().count();
        // Pad over a longer previous line; a failed write to stderr is not worth an error.
        let pad = " ".repeat(self.drawn.saturating_sub(width));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}{pad}");
        let _ = err.flush();
        self.drawn = width;
    }

    /// Erases the bar (if drawn), leaving the cursor at the start of an empty line.
    pub fn finish(&mut self) {
        if self.drawn > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(self.drawn));
            let _ = err.flush();
            self.drawn = 0;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The bar's text: `replaying [#######.......]  25%  1200 jobs submitted`.
pub fn render(fraction: f64, jobs: u64) -> String {
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let filled = ((fraction * BAR_WIDTH as f64).floor() as usize).min(BAR_WIDTH);
    format!(
        "replaying [{}{}] {:>3}%  {jobs} jobs submitted",
        "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled),
        (fraction * 100.0).floor() as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_text() {
        assert_eq!(
            render(0.0, 0),
            "replaying [..............................]   0%  0 jobs submitted"
        );
        assert_eq!(
            render(0.5, 1200),
            "replaying [###############...............]  50%  1200 jobs submitted"
        );
        assert_eq!(
            render(1.0, 3000),
            "replaying [##############################] 100%  3000 jobs submitted"
        );
        // Out-of-range fractions (a file that grew while read) stay within the bar.
        assert_eq!(render(1.7, 1), render(1.0, 1));
        assert_eq!(render(f64::NAN, 1), render(0.0, 1));
        assert_eq!(render(-1.0, 1), render(0.0, 1));
    }

    #[test]
    fn a_disabled_bar_never_draws() {
        let mut p = Progress {
            enabled: false,
            started: Instant::now()
                .checked_sub(Duration::from_secs(10))
                .unwrap_or_else(Instant::now),
            last_draw: None,
            drawn: 0,
        };
        p.update(0.5, 10);
        assert_eq!(p.drawn, 0);
    }
}
