//! The WSoA ledger on disk: sled trees holding the canonical event bytes, their chain hashes, the
//! head record and the evidence blobs; the append protocol; and the verification walk.
//!
//! Architecture invariant: this is the only crate that touches sled. Every rule about what may be
//! recorded lives in `wsoa-core`; this crate decides nothing, it only stores what `decide`
//! produced, durably and in order, and proves on request that nothing changed since.

mod blob;
mod bundle;
mod durable;
mod error;
mod excerpt;
mod late;
mod ledger;
mod projection;
mod query;
#[cfg(feature = "tamper")]
pub mod raw;
mod space;
mod subjects;
mod token;
mod tree;
mod verify;

pub use blob::{AttachedThen, BLOB_CHUNK_BYTES, BlobInfo, hash_content};
pub use bundle::{
    BUNDLE_MAGIC, ExportReport, bundle_origin, verify_bundle, verify_bundle_trusting,
};
pub use durable::{Existing, NewFile, Recovery, report_recoveries_with, sync_dir};
pub use error::StoreError;
pub use excerpt::{EXCERPT_MAGIC, ExcerptReport, verify_excerpt};
pub use ledger::{
    Appended, Context, IdempotencyKey, Ledger, Reader, StoredEvent, Submission, WALK_CACHE_BYTES,
};
pub use projection::{MAX_SNAPSHOTS, ProjectionCheck, SNAPSHOT_EVERY};
pub use query::Between;
pub use space::{FLUSH_TIMEOUT, MIN_FREE_BYTES};
pub use token::{TOKEN_HASH_CONTEXT, TOKEN_PREFIX, TokenRecord, check_token_name, token_hash};
pub use verify::{Failure, Redaction, VerifyError, VerifyReport};
pub use wsoa_core::chain::Head;
