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

    /// A bar counting the bytes of a file being read or written (`total` when known, else a
    /// count with the rate), drawn only when standard error is a terminal and the output is text.
    pub fn bytes(what: &str, total: Option<u64>, out: &Printer) -> Progress {
        if out.format != Format::Text || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        let template = if total.is_some() {
            "{msg} {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left [{wide_bar}]"
        } else {
            "{msg} {bytes}, {bytes_per_sec} {spinner}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_owned());
        Progress(Some(bar))
    }

    /// A reader that advances this bar by the bytes read through it.
    pub fn reader<R: std::io::Read>(&self, inner: R) -> Counted<'_, R> {
        Counted {
            inner,
            progress: self,
            done: 0,
        }
    }

    /// A writer that advances this bar by the bytes written through it.
    pub fn writer<W: std::io::Write>(&self, inner: W) -> Counted<'_, W> {
        Counted {
            inner,
            progress: self,
            done: 0,
        }
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

    /// Whether the bar is drawn.
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    /// `done` so far (the total grows to it if it was passed).
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.0 {
            if bar.length().is_some_and(|total| done > total) {
                bar.set_length(done);
            }
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

/// A reader or writer counting the bytes through it into a [`Progress`].
pub struct Counted<'a, T> {
    inner: T,
    progress: &'a Progress,
    done: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        self.progress.set(self.done);
        Ok(n)
    }
}

impl<W: std::io::Write> std::io::Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.done += n as u64;
        self.progress.set(self.done);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
        // Past the total, the total grows with it.
        shown.set(12);
        assert_eq!(shown.0.as_ref().and_then(ProgressBar::length), Some(12));
    }

    #[test]
    fn counted_readers_and_writers_pass_everything_through_and_count_it() {
        use std::io::{Read as _, Write as _};
        let shown = Progress::when(true, "exporting", 100);
        let mut out = Vec::new();
        {
            let mut writer = shown.writer(&mut out);
            writer.write_all(b"0123456789").expect("writes");
        }
        assert_eq!(out, b"0123456789");
        assert_eq!(shown.0.as_ref().map(ProgressBar::position), Some(10));
        let mut back = String::new();
        shown
            .reader(&b"abc"[..])
            .read_to_string(&mut back)
            .expect("reads");
        assert_eq!(back, "abc");
        assert_eq!(shown.0.as_ref().map(ProgressBar::position), Some(3));
    }
}
