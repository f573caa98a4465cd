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
    /// Another process has the ledger open; wait for it to finish, or stop it.
    #[error(
        "the ledger at {} is in use by another process (a running `wsoa serve`, or another command); wait for it to finish and try again",
        dir.display()
    )]
    InUse {
        /// The ledger's directory.
        dir: PathBuf,
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
    /// The ledger was written by a newer program; upgrade `wsoa`.
    #[error(
        "the ledger's storage format is {found}, but this program reads only format {expected}; use a newer wsoa"
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
    /// Reading or writing files failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// sled failed.
    #[error("the database failed: {0}")]
    Database(#[from] sled::Error),
}

impl StoreError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Io { context, source }
    }
}
