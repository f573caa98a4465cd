//! End-to-end tests of the real `wsoa` binary, run as a subprocess against a ledger in a
//! temporary directory. Build the binary first: `cargo build -p wsoa-cli` (see `harness`).
//!
//! One test binary (as ripgrep does it): the modules live in `tests/e2e/`, named by `#[path]`
//! because cargo would otherwise compile every file directly under `tests/` as its own binary.

/// Finding the binary, a temporary ledger per test, running commands and checking their output.
#[path = "e2e/harness.rs"]
mod harness;

/// A whole Written Statement of Action, from inspection to revisit, with its hash chain
/// recomputed independently from `wsoa log`.
#[path = "e2e/lifecycle.rs"]
mod lifecycle;

/// Bad input of every kind: exit 2, a message naming the problem, and nothing recorded.
#[path = "e2e/rejections.rs"]
mod rejections;

/// Dates: the ISO and UK day-first forms record the same day.
#[path = "e2e/dates.rs"]
mod dates;

/// A ledger held open by another process is refused as "in use", and usable once released.
#[path = "e2e/locking.rs"]
mod locking;

/// Crashes and power cuts during start-up: what they leave is put right on the next open.
#[path = "e2e/recovery.rs"]
mod recovery;

/// An event altered on disk is caught by `wsoa verify`, which names it.
#[path = "e2e/tamper.rs"]
mod tamper;

/// Plans after the WSoA (an Accelerated Progress Plan) and DfE and NHS England monitoring
/// reviews, through the CLI and through a server.
#[path = "e2e/plans.rs"]
mod plans;

/// Every subcommand's `--help` ends with an example.
#[path = "e2e/help.rs"]
mod help;

/// Redacting evidence purges its content but keeps the ledger verifiable.
#[path = "e2e/redaction.rs"]
mod redaction;

/// The impact narrative: the finding, what was done, what changed, and the verified head.
#[path = "e2e/narrative.rs"]
mod narrative;

/// `wsoa show`: the plan as a tree, a CSV tracker and JSON, now and at earlier points in time.
#[path = "e2e/show.rs"]
mod show;

/// `wsoa timeline` (late entries flagged, filters) and `wsoa diff` (since the last visit).
#[path = "e2e/timeline.rs"]
mod timeline;

/// `wsoa demo`: builds, verifies and narrates a realistic ledger that every command can read.
#[path = "e2e/demo.rs"]
mod demo;

/// The audit story: keys, a signed and cosigned checkpoint, proofs checked without the ledger,
/// and a rewritten or truncated history that the chain alone misses but the checkpoint catches.
#[path = "e2e/audit.rs"]
mod audit;

/// Board papers out: the tracker as an Excel workbook read back with calamine and imported back,
/// the narrative as a Word document opened by LibreOffice, binary formats refused without `--out`.
#[path = "e2e/export.rs"]
mod export;

/// `wsoa import tracker`: a council's spreadsheet (CSV and XLSX) as events: a dry run, the real
/// import, the same file again, next month's changes, and bad rows refused row by row.
#[path = "e2e/import.rs"]
mod import;

/// `wsoa serve` as a real process: SIGKILL mid-append loses nothing acknowledged, SIGTERM exits 0.
#[path = "e2e/serve.rs"]
mod serve;

/// `wsoa --server URL`: every command through a running server, printing what it prints locally.
#[path = "e2e/remote.rs"]
mod remote;

/// A full or read-only disk, and a write failing part-way: exit 2 or 507, never a hang; `/readyz`
/// not ready meanwhile; the next write once there is room is recorded; nothing acknowledged lost.
#[path = "e2e/disk.rs"]
mod disk;

/// `wsoa projections`: the kept plan snapshots checked and rebuilt on demand.
#[path = "e2e/projections.rs"]
mod projections;

/// Measures with a trajectory (on, above or below it; target missed) and evidence packs
/// (written, recorded, verified offline and against the ledger; a tampered one refused).
#[path = "e2e/packs.rs"]
mod packs;

/// Monitoring visits whose points concern findings, with the letter attached in the same step.
#[path = "e2e/visits.rs"]
mod visits;
