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
    /// There is no ledger in the directory; create one with `wsoa init`.
    #[error(
        "there is no ledger at {}: create one with `wsoa init --area NAME`, or point --data (or WSOA_DATA) at an existing one",
        dir.display()
    )]
    NoLedger {
        /// The directory looked in.
        dir: PathBuf,
    },
    /// The storage format record names a format this program does not read: a ledger written
    /// by a newer program (upgrade `wsoa`), or a damaged record.
    #[error(
        "the ledger's storage format record says {found}, but this program reads only format {expected}: if a newer wsoa wrote this ledger, use that version; if not, the record has been altered or damaged (every ledger this version writes says {expected})"
    )]
    UnsupportedFormat {
        /// The format recorded on disk.
        found: u16,
        /// The format this program writes.
        expected: u16,
    },
    /// A stored event could not be read back; run `wsoa verify` to locate the damage.
    #[error("event {seq} cannot be read: {source}; run `wsoa verify` for a full report")]
    Corrupt {
        /// Which event.
        seq: u64,
        /// Why.
        source: DecodeError,
    },
    /// The ledger's bookkeeping is inconsistent; run `wsoa verify` to locate the damage.
    #[error("the ledger is damaged: {0}; run `wsoa verify` for a full report")]
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
    #[error(
        "a token named '{0}' already exists; choose another name, or revoke it first with `wsoa token revoke '{0}'`"
    )]
    TokenExists(String),
    /// No unrevoked token has this name or id.
    #[error("no active token is named '{0}' or has that id; `wsoa token list` shows them")]
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
        "the last event was recorded at {}, more than 31 days after this machine's clock ({}): nothing was recorded, because the new event would have to copy that time. Correct the clock; if it is right, the ledger's last event has an impossible time: run `wsoa verify`", wsoa_core::date::format_unix_millis(*last), wsoa_core::date::format_unix_millis(*clock)
    )]
    ClockBehind {
        /// The last event's `recorded_at`.
        last: i64,
        /// The caller's clock.
        clock: i64,
    },
    /// sled failed.
    #[error("the database failed: {0}")]
    Database(#[from] sled::Error),
}

fn in_use_message(dir: &std::path::Path, server: Option<&str>) -> String {
    match server {
        Some(url) => format!(
            "the ledger at {} is held by a running `wsoa serve` at {url}; work through it with --server {url} --token TOKEN (or set WSOA_SERVER and WSOA_TOKEN), or stop the server first",
            dir.display()
        ),
        None => format!(
            "the ledger at {} is in use by another process (a running `wsoa serve`, or another command); wait for it to finish and try again",
            dir.display()
        ),
    }
}

impl StoreError {
    /// Wraps an I/O error with what was being done: `.map_err(StoreError::io("cannot read x"))`.
    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Io { context, source }
    }
}
