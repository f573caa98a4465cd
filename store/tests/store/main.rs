//! The one integration-test binary of `wsoa-store`; each concern lives in its own module below.
//!
//! - `fixture`: a ledger in a temporary directory holding a realistic WSoA history.
//! - `tamper`: raw edits to the database, and the exact failure `Ledger::verify` reports.
//! - `evidence`: evidence content: chunked round trips, deduplication, rejected attachments,
//!   redaction.
//! - `protocol`: the append protocol: clamped clocks, batches, the directory lock, reopening.
//! - `model`: a property test running random command sequences against the store and a model.
//! - `excerpt`: the events about one thing, each proven against a signed checkpoint, checked
//!   offline; any alteration caught.
//! - `merkle`: the stored RFC 6962 tree: roots and proofs at every size, the backfill of older
//!   ledgers, and checkpoints catching rewrites and truncation that the hash chain alone misses.
//! - `projection`: kept plan snapshots: used by reads, and whatever happens to them (deleted,
//!   garbled, out of date, written for events a crash lost) the answer stays the fold.
//! - `query`: the kept plan "now" is the fold of every event, after appends and after a cut.
//! - `recovery`: opening after a crash or power cut: unfinished snapshots, torn settings and a
//!   dead server's address file put right; damage named, never removed.
//! - `bundle`: offline bundles: export, offline verification and import round trips, redacted
//!   and multi-chunk evidence, and damage to the file caught.
//! - `vectors`: the language-neutral vectors in `testdata/` for origins, a bundle and an
//!   excerpt, written from and checked against the real code.
//! - `storage`: a full file system refused before anything is written, writes resuming once
//!   there is room; a clock outside the supported years as its own error, not damage.

mod bundle;
mod evidence;
mod excerpt;
mod fixture;
mod merkle;
mod model;
mod projection;
mod protocol;
mod query;
mod recovery;
mod storage;
mod tamper;
mod vectors;
