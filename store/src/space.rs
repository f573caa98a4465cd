//! Room to write: a full or read-only disk is refused before anything is written, every flush
//! has a bounded wait, and a write that fails part-way stops writes in this process.
//!
//! Why all three: sled 0.34 does not recover from a failed write. A value too large for its log
//! buffer (every 1 MiB evidence chunk) is written to a file of its own while the value's slot in
//! the log buffer is held (`Log::reserve_inner`); when that write fails (`ENOSPC`, `EFBIG`),
//! `reserve_inner` returns the error without releasing the slot, so the buffer is never written,
//! and every later flush waits for it for ever: the one after the failed write, and the one sled
//! runs when the last handle on a tree is dropped (so even a command that reported the error
//! hung on exit). A failure in sled's background writer sets an error that only opening the
//! database again clears, and its exit path does not wake the flushes waiting for it.
//!
//! So: a write first checks that the file system is writable and has room for it with a
//! margin ([`MIN_FREE_BYTES`]), which turns the ordinary full disk into a clear error with
//! nothing written; a flush runs on its own thread and is waited for at most
//! [`FLUSH_TIMEOUT`]; and after any failed write the handle is marked stopped (every later write
//! in this process is refused with [`StoreError::WritesStopped`]) and one reference to the
//! database is kept for the life of the process, so that sled never runs its flush-on-drop
//! against the lost buffer. Opening the ledger again (the next command, or restarting the
//! server) recovers everything that was acknowledged; sled discards the unfinished write.

use std::sync::Mutex;
use std::time::Duration;

use crate::error::StoreError;

/// The free space a write leaves untouched: room for sled to start a new log segment and
/// write a snapshot, so that it never meets a full disk part-way through a write.
pub const MIN_FREE_BYTES: u64 = 8 << 20;

/// The longest a write waits for the disk to confirm it before the ledger stops taking writes.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether writes have stopped in this process, and why.
#[derive(Default)]
pub(crate) struct Health {
    stopped: Mutex<Option<String>>,
}

impl Health {
    /// `WritesStopped` once a write has failed part-way.
    pub(crate) fn check(&self) -> Result<(), StoreError> {
        match self.stopped.lock() {
            Ok(stopped) => match stopped.as_ref() {
                Some(cause) => Err(StoreError::WritesStopped(cause.clone())),
                None => Ok(()),
            },
            Err(_) => Err(StoreError::WritesStopped(
                "a thread failed while writing".into(),
            )),
        }
    }

    /// Records that a write failed; true the first time.
    pub(crate) fn stop(&self, cause: &StoreError) -> bool {
        match self.stopped.lock() {
            Ok(mut stopped) if stopped.is_none() => {
                *stopped = Some(storage_cause(cause));
                true
            }
            _ => false,
        }
    }
}

/// The short cause kept for `WritesStopped`: the operating system's words where there are some.
fn storage_cause(err: &StoreError) -> String {
    match err {
        StoreError::DiskFull(detail) => format!("the disk is full: {detail}"),
        StoreError::ReadOnly(detail) => format!("the file system is read-only: {detail}"),
        StoreError::WritesStopped(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// Checks that the file system holding `dir` is writable and has `needed` bytes free beyond
/// [`MIN_FREE_BYTES`]. A file system that cannot say (no `statvfs`) is not refused here: the
/// write's own error is then the check.
pub(crate) fn check_room(dir: &std::path::Path, needed: u64) -> Result<(), StoreError> {
    let Ok(stats) = rustix::fs::statvfs(dir) else {
        return Ok(());
    };
    if stats.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY) {
        return Err(StoreError::ReadOnly(format!(
            "{} is on a read-only mount",
            dir.display()
        )));
    }
    let free = stats.f_bavail.saturating_mul(stats.f_frsize);
    let wanted = needed.saturating_add(MIN_FREE_BYTES);
    if free < wanted {
        let wants = if needed == 0 {
            format!(
                "a change is written only while at least {} would stay free",
                bytes(MIN_FREE_BYTES)
            )
        } else {
            format!(
                "this file needs {}, and at least {} must stay free",
                bytes(needed),
                bytes(MIN_FREE_BYTES)
            )
        };
        return Err(StoreError::DiskFull(format!(
            "{} free on the file system that holds {}; {wants}",
            bytes(free),
            dir.display(),
        )));
    }
    Ok(())
}

/// A size in bytes for a person: "3.2 MB".
fn bytes(n: u64) -> String {
    if n < 1_000_000 {
        format!("{} kB", n.div_ceil(1000))
    } else {
        // Two decimals are plenty; the conversion is for display only.
        #[allow(clippy::cast_precision_loss)]
        let mb = n as f64 / 1_000_000.0;
        format!("{mb:.1} MB")
    }
}

/// Runs `flush` on its own thread and waits at most `timeout` for it.
pub(crate) fn bounded(
    timeout: Duration,
    flush: impl FnOnce() -> Result<(), StoreError> + Send + 'static,
) -> Result<(), StoreError> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wsoa-flush".into())
        .spawn(move || {
            let _ = sender.send(flush());
        })
        .map_err(StoreError::io("cannot start a thread to flush the ledger"))?;
    match receiver.recv_timeout(timeout) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(StoreError::WritesStopped(format!(
            "the disk did not confirm a write within {} seconds",
            timeout.as_secs()
        ))),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(StoreError::WritesStopped(
            "the flush failed without an answer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flush_that_never_returns_is_an_error_after_the_bound() {
        let (_keep, waits) = std::sync::mpsc::channel::<()>();
        let err = bounded(Duration::from_millis(50), move || {
            // Never answered: stands for sled waiting on a buffer that is never written.
            let _ = waits.recv();
            Ok(())
        })
        .expect_err("times out");
        assert!(matches!(err, StoreError::WritesStopped(_)), "{err}");
    }

    #[test]
    fn a_flush_error_is_passed_through() {
        let err =
            bounded(FLUSH_TIMEOUT, || Err(StoreError::DiskFull("test".into()))).expect_err("fails");
        assert!(matches!(err, StoreError::DiskFull(_)), "{err}");
    }

    #[test]
    fn a_stopped_handle_refuses_with_the_first_cause() {
        let health = Health::default();
        assert!(health.check().is_ok());
        assert!(health.stop(&StoreError::DiskFull("No space left on device".into())));
        assert!(!health.stop(&StoreError::ReadOnly("later".into())));
        let err = health.check().expect_err("stopped");
        assert!(err.to_string().contains("No space left on device"), "{err}");
    }

    #[test]
    fn room_is_checked_against_the_margin() {
        let dir = tempfile::tempdir().expect("temporary directory");
        check_room(dir.path(), 0).expect("a test machine has 8 MB free");
        let err = check_room(dir.path(), u64::MAX / 2).expect_err("no disk is that large");
        assert!(matches!(&err, StoreError::DiskFull(_)), "{err}");
        assert!(err.to_string().contains("the disk is full"), "{err}");
    }
}
