//! Progress of long work on a terminal: a bar with the count, the rate and the time left, on
//! standard error. Nothing at all is drawn when standard error is not a terminal (a pipe, a file,
//! a test) or when the output is JSON for a program.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{Format, Printer};

/// A progress bar, or nothing when it must stay silent.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar counting `total` events of `what` is being done ("verifying"), drawn only when
    /// standard error is a terminal and the output is text.
    pub fn events(what: &str, total: u64, out: &Printer) -> Progress {
        Progress::when(
            out.format == Format::Text && std::io::stderr().is_terminal(),
            what,
            total,
        )
    }

    /// A bar drawn only if `shown`.
    fn when(shown: bool, what: &str, total: u64) -> Progress {
        if !shown {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{msg} {human_pos}/{human_len} events, {per_sec:0}, {eta} left [{wide_bar}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_owned());
        Progress(Some(bar))
    }

    /// `done` events so far.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(done);
        }
    }

    /// Removes the bar, leaving the terminal as it was before it.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_progress_has_no_bar() {
        let silent = Progress::when(false, "verifying", 10);
        assert!(silent.0.is_none());
        silent.set(5);
        let shown = Progress::when(true, "verifying", 10);
        shown.set(4);
        assert_eq!(shown.0.as_ref().map(ProgressBar::position), Some(4));
    }
}
