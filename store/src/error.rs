//! `StoreError`: everything that can go wrong opening, reading or appending to a ledger.

use std::path::PathBuf;

use wsoa_core::{DecodeError, Digest, Rejection};

/// Why a ledger operation failed. Nothing was appended when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The command broke a rule; show the message to the user, who can fix the command.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// A proof or root was asked for sizes the ledger cannot give (beyond its end, or reversed).
    #[error(transparent)]
    Proof(#[from] wsoa_core::merkle::ProofError),
    /// Another process has the ledger open; wait for it to finish, or stop it. When that
    /// process is a running `wsoa serve`, `server` is its address: work through it instead.
    #[error("{}", in_use_message(dir, server.as_deref()))]
    InUse {
        /// The ledger's directory.
        dir: PathBuf,
        /// The address of the server holding it, when a server does.
        server: Option<String>,
    },
    /// There is no ledger in the directory.
    #[error(
        "there is no ledger at {}: create one there, or open an existing one",
        dir.display()
    )]
    NoLedger {
        /// The directory looked in.
        dir: PathBuf,
    },
    /// The storage format record names a format this program does not read: a ledger written
    /// by a newer program, or a damaged record.
    #[error(
        "the ledger's storage format record says {found}, but this program reads only format {expected}: if a newer version of this program wrote this ledger, use that version; if not, the record has been altered or damaged (every ledger this version writes says {expected})"
    )]
    UnsupportedFormat {
        /// The format recorded on disk.
        found: u16,
        /// The format this program writes.
        expected: u16,
    },
    /// A stored event could not be read back; verifying the ledger locates the damage.
    #[error("event {seq} cannot be read: {source}; verify the ledger for a full report")]
    Corrupt {
        /// Which event.
        seq: u64,
        /// Why.
        source: DecodeError,
    },
    /// The ledger's bookkeeping is inconsistent; verifying the ledger locates the damage. Only
    /// for damage found on disk: a failed write, a wrong clock or bad input have their own variants.
    #[error("the ledger is damaged: {0}; verify the ledger for a full report")]
    Damaged(String),
    /// The database cannot be opened, even after removing what an interrupted start or stop
    /// leaves behind: `file` is damaged.
    #[error(
        "the ledger cannot be opened: {} is damaged ({detail}). Keep a copy of the whole ledger directory before anything else is tried, then restore it from a backup or from an exported bundle",
        file.display()
    )]
    Unopenable {
        /// The damaged file.
        file: PathBuf,
        /// What the database reported.
        detail: String,
    },
    /// The disk holding the ledger has no room for the write (or a file-size or quota limit was
    /// reached). Nothing was recorded; free space and try again.
    #[error(
        "cannot write to the ledger: the disk is full ({0}); nothing was recorded. Free space on the disk that holds the ledger (or move the ledger to a larger one), then try again"
    )]
    DiskFull(String),
    /// The file system holding the ledger is read-only. Nothing was recorded.
    #[error(
        "cannot write to the ledger: its file system is read-only ({0}); nothing was recorded. Make it writable again (remount it read-write, or move the ledger), then try again"
    )]
    ReadOnly(String),
    /// An earlier write failed part-way in this process and the database cannot take another
    /// one until it is opened again; nothing more was recorded, and nothing acknowledged is lost.
    #[error(
        "the ledger takes no more changes in this process: an earlier write failed ({0}) and the database must be opened again before the next one; nothing more was recorded. Free space on the disk (or make it writable), then try again in a new process (or restart the server)"
    )]
    WritesStopped(String),
    /// The clock is outside the years an event can record; set the system clock right.
    #[error(
        "the clock reads {0} ms since 1970, outside the years this program supports; set the system clock right and try again"
    )]
    ClockOutOfRange(i64),
    /// The events being copied into a local ledger (from a server's log or a bundle) cannot be
    /// used; the message says what was wrong with them. The local ledger is not damaged.
    #[error("{0}")]
    BadSource(String),
    /// A new ledger was to be made in a directory that already holds something; the message
    /// names it. Nothing was written there.
    #[error("{0}")]
    NotEmpty(String),
    /// This program failed in a way it never should (a thread that stopped unexpectedly, a value
    /// it could not encode): a fault in the program, not in the ledger or the command.
    #[error(
        "the program failed internally: {0}. The ledger is not damaged by this and nothing acknowledged is lost; please report it with the command that was run"
    )]
    Internal(String),
    /// A change that was to be written with others was not written, because writing them
    /// failed; the message is that failure.
    #[error("the change was not recorded: {0}")]
    NotRecorded(String),
    /// Evidence content is not stored (never attached, or redacted).
    #[error("no content is stored for hash {0}")]
    BlobMissing(Digest),
    /// Evidence content no longer matches its hash.
    #[error("the content stored for hash {expected} now hashes to {found}: it has been altered")]
    BlobAltered {
        /// The hash it was stored under.
        expected: Digest,
        /// What it hashes to now.
        found: Digest,
    },
    /// A file changed while it was being attached; attach it again once it is no longer written to.
    #[error(
        "the file changed while it was being stored (its hash went from {first} to {second}); attach it again once nothing is writing to it"
    )]
    ContentChanged {
        /// The hash when first read.
        first: Digest,
        /// The hash when read again.
        second: Digest,
    },
    /// An excerpt (`wsoa export --about`) does not verify: it was altered, or is not what it says.
    #[error("the excerpt does not verify: {0}")]
    Excerpt(String),
    /// A point in time or a range that names nothing in this ledger (no such event, no visit
    /// yet, points in the wrong order); the message says what to give instead.
    #[error("{0}")]
    Query(String),
    /// A token name is empty, too long or holds control characters.
    #[error("{0}")]
    BadTokenName(String),
    /// An unrevoked token already has this name; names are the actors events are recorded under.
    #[error("a token named '{0}' already exists; choose another name, or revoke that token first")]
    TokenExists(String),
    /// No unrevoked token has this name or id.
    #[error("no active token is named '{0}' or has that id")]
    NoSuchToken(String),
    /// The same idempotency key was used before for a different request.
    #[error(
        "the Idempotency-Key was already used for a different request; use a new key for a new request"
    )]
    IdempotencyKeyReused,
    /// Reading or writing files failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The caller's clock is far behind the last event's time: the clock is wrong, or the last
    /// event's time is impossible. Nothing is appended rather than copy that time.
    #[error(
        "the last event was recorded at {}, more than 31 days after this machine's clock ({}): nothing was recorded, because the new event would have to copy that time. Correct the clock; if it is right, the ledger's last event has an impossible time: verify the ledger", wsoa_core::date::format_unix_millis(*last), wsoa_core::date::format_unix_millis(*clock)
    )]
    ClockBehind {
        /// The last event's `recorded_at`.
        last: i64,
        /// The caller's clock.
        clock: i64,
    },
    /// sled failed.
    #[error("the database failed: {0}")]
    Database(sled::Error),
}

impl From<sled::Error> for StoreError {
    fn from(err: sled::Error) -> StoreError {
        match err {
            sled::Error::Io(source) => match storage_fault(&source) {
                Some(fault) => fault(os_words(&source)),
                None => StoreError::Database(sled::Error::Io(source)),
            },
            other => StoreError::Database(other),
        }
    }
}

/// The operating system's words for a storage error, with what `EFBIG` means here.
fn os_words(source: &std::io::Error) -> String {
    if source.kind() == std::io::ErrorKind::FileTooLarge {
        format!("{source}: a file-size limit (`ulimit -f`) was reached")
    } else {
        source.to_string()
    }
}

/// The variant for an operating-system error that means "no room" or "read-only", if it is one.
fn storage_fault(source: &std::io::Error) -> Option<fn(String) -> StoreError> {
    use std::io::ErrorKind;
    match source.kind() {
        ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded => {
            Some(StoreError::DiskFull)
        }
        ErrorKind::ReadOnlyFilesystem => Some(StoreError::ReadOnly),
        _ => None,
    }
}

fn in_use_message(dir: &std::path::Path, server: Option<&str>) -> String {
    match server {
        Some(url) => format!(
            "the ledger at {} is held by the server running at {url}; work through that server, or stop it first",
            dir.display()
        ),
        None => format!(
            "the ledger at {} is in use by another process (a server, or another command); wait for it to finish and try again",
            dir.display()
        ),
    }
}

impl StoreError {
    /// Wraps an I/O error with what was being done: `.map_err(StoreError::io("cannot read x"))`.
    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
        let context = context.into();
        move |source| match storage_fault(&source) {
            Some(fault) => fault(format!("{context}: {}", os_words(&source))),
            None => StoreError::Io { context, source },
        }
    }

    /// Whether this is a full or read-only disk, or writes stopped after one: the disk's
    /// fault, not the command's nor the ledger's.
    pub fn is_storage_fault(&self) -> bool {
        matches!(
            self,
            StoreError::DiskFull(_) | StoreError::ReadOnly(_) | StoreError::WritesStopped(_)
        )
    }

    /// The same failure again, for each of several requests that one failed write answers (a
    /// server's group commit): the variants a client acts on are kept; any other failure becomes
    /// `NotRecorded` with its message.
    pub fn again(&self) -> StoreError {
        match self {
            StoreError::Rejected(rejection) => StoreError::Rejected(rejection.clone()),
            StoreError::BlobMissing(hash) => StoreError::BlobMissing(*hash),
            StoreError::DiskFull(detail) => StoreError::DiskFull(detail.clone()),
            StoreError::ReadOnly(detail) => StoreError::ReadOnly(detail.clone()),
            StoreError::WritesStopped(detail) => StoreError::WritesStopped(detail.clone()),
            StoreError::ClockOutOfRange(millis) => StoreError::ClockOutOfRange(*millis),
            StoreError::Damaged(detail) => StoreError::Damaged(detail.clone()),
            StoreError::Internal(detail) => StoreError::Internal(detail.clone()),
            StoreError::Corrupt { seq, source } => StoreError::Corrupt {
                seq: *seq,
                source: source.clone(),
            },
            StoreError::IdempotencyKeyReused => StoreError::IdempotencyKeyReused,
            other => StoreError::NotRecorded(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_room_and_read_only_are_their_own_errors_not_damage() {
        let full =
            StoreError::io("cannot write x")(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(matches!(&full, StoreError::DiskFull(_)), "{full}");
        assert!(full.to_string().contains("the disk is full"), "{full}");
        assert!(!full.to_string().contains("damaged"), "{full}");
        let too_large: StoreError =
            sled::Error::Io(std::io::Error::from(std::io::ErrorKind::FileTooLarge)).into();
        assert!(matches!(too_large, StoreError::DiskFull(_)), "{too_large}");
        let read_only: StoreError =
            sled::Error::Io(std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem)).into();
        assert!(matches!(&read_only, StoreError::ReadOnly(_)), "{read_only}");
        assert!(read_only.to_string().contains("read-only"), "{read_only}");
        let other: StoreError =
            sled::Error::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)).into();
        assert!(matches!(other, StoreError::Database(_)), "{other}");
    }

    #[test]
    fn an_internal_failure_is_not_called_damage() {
        let err = StoreError::Internal("the writer thread panicked".into());
        assert!(!err.to_string().contains("the ledger is damaged"), "{err}");
        assert!(!err.to_string().contains("run `wsoa verify`"), "{err}");
        assert!(matches!(err.again(), StoreError::Internal(detail) if detail.contains("panicked")));
    }

    #[test]
    fn a_group_failure_is_repeated_as_itself() {
        let full = StoreError::DiskFull("No space left on device (os error 28)".into());
        assert!(
            matches!(full.again(), StoreError::DiskFull(detail) if detail.contains("os error 28"))
        );
        let io = StoreError::io("cannot sync")(std::io::Error::other("boom"));
        let again = io.again();
        assert!(matches!(&again, StoreError::NotRecorded(_)), "{again}");
        assert!(again.to_string().contains("cannot sync: boom"), "{again}");
    }
}
