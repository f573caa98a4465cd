//! The verification walk: re-reads every stored event in order and checks, without trusting any
//! derived record, that the history is whole and unaltered. It streams: memory stays constant
//! whatever the length of the ledger (it keeps only the evidence still to be accounted for).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use wsoa_core::date::format_unix_millis;
use wsoa_core::note::{Checkpoint, Note, Verifier};
use wsoa_core::{Date, DecodeError, Digest, EventBody, EvidenceId, chain_hash, decode_event};

use crate::error::StoreError;
use crate::ledger::{HEAD_KEY, Reader, head_from_bytes, seq_key};

/// What an intact ledger looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many events were checked.
    pub events: u64,
    /// The chain hash of the last event.
    pub head: Digest,
    /// How many pieces of evidence had their content re-hashed.
    pub evidence_checked: u64,
    /// How many pieces of evidence were redacted (their content purged on purpose).
    pub evidence_redacted: u64,
    /// The RFC 6962 Merkle root of all the events.
    pub root: Digest,
    /// Every redaction, in order: what was redacted, why, when and by whom.
    pub redactions: Vec<Redaction>,
    /// How many signed checkpoints kept with the history (in the ledger, or carried by a
    /// bundle) were checked: origin, size and root, and signatures when keys were trusted.
    pub checkpoints: u64,
    /// Whether the kept checkpoints' signatures were checked against trusted keys.
    pub signatures_checked: bool,
    /// The kept projections (derived data, never hashed) checked against the events, and put
    /// right where out of date; none for a bundle.
    pub projections: crate::ProjectionCheck,
    /// The canonical bytes of all the events together: what is hashed, and what a bundle
    /// carries of them.
    pub canonical_bytes: u64,
}

/// A piece of evidence whose content was purged on purpose, as its redaction event says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redaction {
    /// The evidence.
    pub id: EvidenceId,
    /// The reason given (the data-protection request).
    pub reason: String,
    /// When it was decided.
    pub on: wsoa_core::Date,
    /// Who recorded it.
    pub by: String,
    /// The redaction event.
    pub seq: u64,
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.events == 0 {
            return write!(f, "The ledger is empty: there is nothing to verify yet.");
        }
        write!(
            f,
            "The ledger is intact. All {} events were checked: each decodes to exactly its stored \
             bytes, each links to the one before it by its BLAKE3 chain hash, there are no gaps, \
             and the head record agrees with the last event. ",
            self.events
        )?;
        let pieces = |n: u64| match n {
            1 => "one piece".to_owned(),
            n => format!("{n} pieces"),
        };
        match (self.evidence_checked, self.evidence_redacted) {
            (0, 0) => write!(f, "No evidence is attached. ")?,
            (checked, 0) => write!(
                f,
                "The content of every piece of evidence ({}) matches its recorded hash. ",
                pieces(checked)
            )?,
            (0, redacted) => write!(
                f,
                "The only evidence ({}) was redacted on purpose; its hashes remain in the history. ",
                pieces(redacted)
            )?,
            (checked, redacted) => write!(
                f,
                "The content of {} of evidence matches its recorded hash; {} more {} redacted on \
                 purpose, and their hashes remain in the history. ",
                pieces(checked),
                pieces(redacted),
                if redacted == 1 { "was" } else { "were" }
            )?,
        }
        for redaction in &self.redactions {
            write!(
                f,
                "Evidence {} was redacted under \"{}\" on {} by {} (event {}). ",
                redaction.id,
                redaction.reason.trim(),
                redaction.on.long(),
                redaction.by,
                redaction.seq
            )?;
        }
        match (self.checkpoints, self.signatures_checked) {
            (0, _) => write!(
                f,
                "No signed checkpoint is kept, so this shows only that the history is consistent \
                 with itself: a rewrite of the whole chain, re-hashed from the first changed event \
                 on, would verify too, and can only be caught against a checkpoint signed before \
                 it (sign one with `wsoa checkpoint --key FILE`). "
            )?,
            (1, signed) => write!(
                f,
                "The signed checkpoint kept with the history is of this ledger and has its root \
                 at its size; {}. ",
                if signed {
                    "its signature verifies with a key you trust"
                } else {
                    "its signatures were not checked (no key to trust was given)"
                }
            )?,
            (n, signed) => write!(
                f,
                "All {n} signed checkpoints kept with the history are of this ledger and have \
                 their roots at their sizes; {}. ",
                if signed {
                    "each verifies with a key you trust"
                } else {
                    "their signatures were not checked (no key to trust was given)"
                }
            )?,
        }
        write!(f, "The head hash is {}.", self.head)?;
        self.projections.describe(f)
    }
}

/// Where verification failed: the first bad event (when the failure is in one), and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{failure}")]
pub struct VerifyError {
    /// The sequence number of the first event that does not verify, when there is one.
    pub seq: Option<u64>,
    /// What is wrong.
    pub failure: Failure,
}

/// The ways a ledger can fail verification, each naming what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The stored bytes are not a canonical event.
    #[error("event {seq} cannot be decoded: {source}. Its bytes have been altered or damaged")]
    Undecodable {
        /// The position.
        seq: u64,
        /// Why.
        source: DecodeError,
    },
    /// An event is missing from the sequence.
    #[error(
        "event {expected} is missing: the next stored event is {found}. Events have been deleted"
    )]
    Gap {
        /// The sequence number expected.
        expected: u64,
        /// The next one found.
        found: u64,
    },
    /// An event stored at one position says it is another.
    #[error(
        "the event stored at position {position} says it is event {claims}. Events have been moved or reordered"
    )]
    Misplaced {
        /// Where it is stored.
        position: u64,
        /// The `seq` inside it.
        claims: u64,
    },
    /// An event's `prev` is not the chain hash of the event before it.
    #[error("event {seq} does not link to event {previous}: it names {found} as the previous hash, but event {previous} hashes to {expected}. The history has been altered at or before this point", previous = seq.saturating_sub(1))]
    BadLink {
        /// The event.
        seq: u64,
        /// The chain hash of the event before it.
        expected: Digest,
        /// The `prev` it holds.
        found: Digest,
    },
    /// Event 0 names a previous hash, but the first event of a ledger has none (all zeros).
    #[error(
        "event 0 names {found} as the previous hash, but the first event of a ledger names none (64 zeros): the history does not start here, or event 0 has been altered"
    )]
    GenesisLink {
        /// The `prev` it holds.
        found: Digest,
    },
    /// An event was recorded before the event that precedes it.
    #[error(
        "event {seq} says it was recorded at {}, before event {} ({}): recording times never go backwards along a ledger, so the history has been altered or reordered", format_unix_millis(*recorded_at), seq.saturating_sub(1), format_unix_millis(*previous)
    )]
    ClockWentBack {
        /// The event.
        seq: u64,
        /// Its `recorded_at`.
        recorded_at: i64,
        /// The `recorded_at` of the event before it.
        previous: i64,
    },
    /// An event's `recorded_at` is outside the years a date can be given for.
    #[error(
        "event {seq} says it was recorded at {recorded_at} ms since 1970, outside the supported years: its time has been altered"
    )]
    RecordedAtOutOfRange {
        /// The event.
        seq: u64,
        /// Its `recorded_at`.
        recorded_at: i64,
    },
    /// An event says it happened after the UK day it was recorded on.
    #[error(
        "event {seq} says it happened on {occurred_on}, after the day it was recorded ({recorded_on} in the UK): nothing can be recorded before it happens, so the event has been altered"
    )]
    OccurredAfterRecorded {
        /// The event.
        seq: u64,
        /// Its `occurred_on`.
        occurred_on: Date,
        /// The UK day of its `recorded_at`.
        recorded_on: Date,
    },
    /// The chain hash recorded beside an event is not the hash of its bytes.
    #[error(
        "event {seq} has been altered: its bytes hash to {computed}, but {stored} was recorded when it was appended"
    )]
    HashMismatch {
        /// The event.
        seq: u64,
        /// The hash recorded at append time.
        stored: Digest,
        /// The hash of the bytes now.
        computed: Digest,
    },
    /// The chain hash recorded beside an event is missing.
    #[error("the recorded chain hash of event {seq} is missing")]
    ChainRecordMissing {
        /// The event.
        seq: u64,
    },
    /// There are events but no head record.
    #[error("the head record is missing, although the ledger holds {events} events")]
    HeadMissing {
        /// How many events there are.
        events: u64,
    },
    /// The head record does not describe the last event.
    #[error(
        "the head record says the ledger has {head_len} events ending in {head_hash}, but it has {events} events ending in {last_hash}. Events have been added, removed or replaced at the end of the ledger outside it"
    )]
    HeadMismatch {
        /// Length in the head record.
        head_len: u64,
        /// Hash in the head record.
        head_hash: Digest,
        /// Events actually found.
        events: u64,
        /// Chain hash of the last event found.
        last_hash: Digest,
    },
    /// The head record's time is not the last event's `recorded_at`.
    #[error(
        "the head record says the last event was recorded at {}, but event {} says {}: the head record has been altered, and the next event would copy its time", format_unix_millis(*head_time), events.saturating_sub(1), format_unix_millis(*last_time)
    )]
    HeadTimeMismatch {
        /// How many events there are.
        events: u64,
        /// The time in the head record.
        head_time: i64,
        /// The `recorded_at` of the last event.
        last_time: i64,
    },
    /// A signed checkpoint kept with the history (in the ledger, or carried by a bundle) does
    /// not agree with it, or cannot be read, or (with trusted keys) its signatures fail.
    #[error("the signed checkpoint of {size} events kept with the history does not verify: {why}")]
    KeptCheckpoint {
        /// Its tree size (the size it is kept under, when it cannot be read).
        size: u64,
        /// What is wrong, and what it means.
        why: String,
    },
    /// Evidence content that should be stored is not (and was not redacted).
    #[error(
        "the content of evidence {id} (attached in event {seq}, hash {hash}) is missing and was not redacted"
    )]
    EvidenceMissing {
        /// The evidence.
        id: EvidenceId,
        /// The event that attached it.
        seq: u64,
        /// Its content hash.
        hash: Digest,
    },
    /// Evidence content that no longer matches its hash.
    #[error(
        "the content of evidence {id} (attached in event {seq}) has been altered: it should hash to {expected} but hashes to {found}"
    )]
    EvidenceAltered {
        /// The evidence.
        id: EvidenceId,
        /// The event that attached it.
        seq: u64,
        /// The hash in the event.
        expected: Digest,
        /// The hash of what is stored.
        found: Digest,
    },
    /// The Merkle tree kept beside the events does not match the events.
    #[error("the Merkle tree kept beside the events is wrong at level {level}, position {index}: it holds {}, but the events give {computed}. The tree has been altered, so proofs from it cannot be trusted", stored.map_or_else(|| "nothing".to_owned(), |d| d.to_hex()))]
    TreeMismatch {
        /// The height of the subtree.
        level: u32,
        /// Its position at that height.
        index: u64,
        /// What the store holds.
        stored: Option<Digest>,
        /// What the event bytes give.
        computed: Digest,
    },
    /// The ledger is shorter than a pinned checkpoint: events have been cut off the end.
    #[error(
        "a trusted checkpoint says the ledger had {pinned} events, but it now has only {events}: events have been cut off the end"
    )]
    Truncated {
        /// The size the checkpoint pins.
        pinned: u64,
        /// How many events there are.
        events: u64,
    },
    /// The first events do not have the root a pinned checkpoint says they had.
    #[error(
        "a trusted checkpoint says the first {size} events have root {pinned}, but today they give {computed}: the history up to that checkpoint has been rewritten, reordered or replaced"
    )]
    CheckpointMismatch {
        /// The checkpoint's tree size.
        size: u64,
        /// The root it pins.
        pinned: Digest,
        /// The root the events give today.
        computed: Digest,
    },
    /// The database could not be read at all.
    #[error("the ledger could not be read: {0}")]
    Storage(String),
    /// A bundle file is malformed, truncated, or its end hash does not match its bytes.
    #[error("the bundle is damaged: {0}")]
    Bundle(String),
}

impl From<sled::Error> for VerifyError {
    fn from(err: sled::Error) -> VerifyError {
        VerifyError {
            seq: None,
            failure: Failure::Storage(err.to_string()),
        }
    }
}

fn check_pin(
    tree: &wsoa_core::merkle::CompactRange,
    size: u64,
    pinned: Digest,
) -> Result<(), VerifyError> {
    let computed = tree.root();
    if computed == pinned {
        Ok(())
    } else {
        Err(VerifyError {
            seq: size.checked_sub(1),
            failure: Failure::CheckpointMismatch {
                size,
                pinned,
                computed,
            },
        })
    }
}

/// The clock rules every event keeps: its `recorded_at` is not before `previous` (the one of
/// the event before it), and it did not happen after the UK day it was recorded on.
pub(crate) fn clock_rules(event: &wsoa_core::Event, previous: i64) -> Result<(), Failure> {
    let seq = event.seq;
    if event.recorded_at < previous {
        return Err(Failure::ClockWentBack {
            seq,
            recorded_at: event.recorded_at,
            previous,
        });
    }
    let recorded_on =
        Date::uk_from_unix_millis(event.recorded_at).ok_or(Failure::RecordedAtOutOfRange {
            seq,
            recorded_at: event.recorded_at,
        })?;
    if event.occurred_on > recorded_on {
        return Err(Failure::OccurredAfterRecorded {
            seq,
            occurred_on: event.occurred_on,
            recorded_on,
        });
    }
    Ok(())
}

fn fail(seq: u64, failure: Failure) -> VerifyError {
    VerifyError {
        seq: Some(seq),
        failure,
    }
}

/// Evidence content seen so far: the hashes already checked, and the attachments whose content
/// is absent until a redaction accounts for them.
#[derive(Default)]
struct EvidenceWalk {
    checked: BTreeSet<Digest>,
    absent: BTreeMap<EvidenceId, (u64, Digest)>,
    attached: u64,
    redacted: u64,
    redactions: Vec<Redaction>,
}

/// What a source holds for one piece of evidence content.
pub(crate) enum Content {
    /// Present, and it hashes to its hash.
    Intact,
    /// Not there (never stored, or purged).
    Absent,
    /// There, but it hashes to this instead.
    Altered(Digest),
}

/// Where the verification walk reads from: a ledger on disk, or a bundle streamed from a file.
/// Only `next_event` and `content` are required; the other checks exist where the source keeps
/// derived records (chain hashes, a head record, a Merkle tree) that must agree with the events.
pub(crate) trait Source {
    /// The next event, with the position it is stored at, or `None` at the end.
    fn next_event(&mut self) -> Result<Option<(u64, Vec<u8>)>, VerifyError>;
    /// Whether the content with this hash is present and intact.
    fn content(&mut self, hash: &Digest) -> Result<Content, VerifyError>;
    /// Checks the chain hash recorded beside event `seq` against the one computed.
    fn check_chain(&mut self, _seq: u64, _computed: Digest) -> Result<(), VerifyError> {
        Ok(())
    }
    /// The stored Merkle node `id`, when the source keeps a tree (`None` when it does not).
    fn stored_node(
        &mut self,
        _seq: u64,
        _id: wsoa_core::merkle::NodeId,
    ) -> Result<Option<Option<Digest>>, VerifyError> {
        Ok(None)
    }
    /// Checks a head record against the walk's count, last chain hash and last `recorded_at`.
    fn check_head(&mut self, _events: u64, _last: Digest, _time: i64) -> Result<(), VerifyError> {
        Ok(())
    }
    /// The signed checkpoints kept beside the events, known before the walk: `(size it is kept
    /// under, signed-note text)`, smallest first.
    fn kept_checkpoints(&mut self) -> Result<Vec<(u64, String)>, VerifyError> {
        Ok(Vec::new())
    }
    /// Whether the source carries checkpoints that are read only after the events (a bundle):
    /// the walk then keeps every leaf hash to check their roots at the end.
    fn carries_checkpoints(&self) -> bool {
        false
    }
    /// The checkpoints read after the events, in the order they came: `(size, note text)`.
    fn carried_checkpoints(&mut self) -> Vec<(u64, String)> {
        Vec::new()
    }
    /// Called with each event once it has been checked.
    fn accepted(&mut self, _seq: u64, _bytes: &[u8]) -> Result<(), VerifyError> {
        Ok(())
    }
    /// How many events the walk may read before it has checked the ones read so far: 1 (the
    /// default) when reading has effects the checks depend on (a bundle's content records are
    /// read between its events), more when reading is a pure read.
    fn read_ahead(&self) -> usize {
        1
    }
}

/// Reads a kept checkpoint: a signed note holding a checkpoint of `size` events (when the size
/// it is kept under is known), with signatures from trusted keys when `trust` is given.
fn read_kept(
    kept_as: Option<u64>,
    note: &str,
    trust: Option<&[Verifier]>,
) -> Result<Checkpoint, VerifyError> {
    let size = kept_as.unwrap_or(0);
    let bad = |size: u64, why: String| VerifyError {
        seq: None,
        failure: Failure::KeptCheckpoint { size, why },
    };
    let parsed = Note::parse(note).map_err(|err| {
        bad(
            size,
            format!("it is not a signed note ({err}): it has been altered or damaged"),
        )
    })?;
    let checkpoint = Checkpoint::parse(parsed.text()).map_err(|err| {
        bad(
            size,
            format!("its note does not hold a checkpoint ({err}): it has been altered or damaged"),
        )
    })?;
    if let Some(kept_as) = kept_as
        && kept_as != checkpoint.size
    {
        return Err(bad(
            kept_as,
            format!(
                "it is kept under size {kept_as} but says it is of {} events: the record has been altered",
                checkpoint.size
            ),
        ));
    }
    if let Some(trust) = trust {
        parsed.verify(trust).map_err(|err| {
            bad(
                checkpoint.size,
                format!(
                    "its signatures do not verify with the keys you trust ({err}): the checkpoint has been altered, or the key that signed it is not among those trusted"
                ),
            )
        })?;
    }
    Ok(checkpoint)
}

fn kept_origin(checkpoint: &Checkpoint, origin: Option<&str>) -> Result<(), VerifyError> {
    match origin {
        Some(origin) if origin != checkpoint.origin => Err(VerifyError {
            seq: None,
            failure: Failure::KeptCheckpoint {
                size: checkpoint.size,
                why: format!(
                    "it is a checkpoint of the ledger {}, but this history is {origin}: it has been altered, or belongs to another ledger",
                    checkpoint.origin
                ),
            },
        }),
        _ => Ok(()),
    }
}

fn kept_root(size: u64, pinned: Digest, computed: Digest) -> Result<(), VerifyError> {
    if computed == pinned {
        return Ok(());
    }
    Err(VerifyError {
        seq: size.checked_sub(1),
        failure: Failure::KeptCheckpoint {
            size,
            why: format!(
                "it says the first {size} events have root {pinned}, but they give {computed}: the history up to it has been rewritten, reordered or replaced, or the checkpoint altered (a signature that verifies with a trusted key tells the history was rewritten)"
            ),
        },
    })
}

fn kept_beyond_end(size: u64, events: u64) -> VerifyError {
    VerifyError {
        seq: Some(events),
        failure: Failure::KeptCheckpoint {
            size,
            why: format!(
                "it says the ledger had {size} events, but it has only {events}: events have been cut off the end"
            ),
        },
    }
}

/// How many events the walk over a ledger reads ahead: while it checks one batch, another core
/// decodes and hashes the next (see [`walk`]).
const WALK_BATCH: usize = 2048;

/// One event read from a source, with the work that needs only its own bytes done: decoded once,
/// its chain hash and its RFC 6962 leaf hash. This work is independent from event to event
/// (event n+1 names event n's hash; it does not need it computed), so a batch can be prepared on
/// another core while the walk checks the batch before it.
struct Prepared {
    position: u64,
    bytes: Vec<u8>,
    event: Result<wsoa_core::Event, DecodeError>,
    chain: Digest,
    leaf: Digest,
}

fn prepare(position: u64, bytes: Vec<u8>) -> Prepared {
    Prepared {
        event: decode_event(&bytes),
        chain: chain_hash(&bytes),
        leaf: wsoa_core::merkle::leaf_hash(&bytes),
        position,
        bytes,
    }
}

/// What the walk carries from one event to the next: a few hashes, the Merkle frontier
/// (O(log n) hashes), the evidence still to be accounted for, and, for a bundle only, the leaves.
struct Walk<'p> {
    pins: &'p [(u64, Digest)],
    kept: Vec<Checkpoint>,
    tree: wsoa_core::merkle::CompactRange,
    tree_fault: Option<VerifyError>,
    keep_leaves: bool,
    leaves: Vec<Digest>,
    origin: Option<String>,
    last_time: i64,
    expected_seq: u64,
    prev: Digest,
    evidence: EvidenceWalk,
    canonical_bytes: u64,
    progress: &'p mut dyn FnMut(u64),
}

/// The verification walk over any source: decodes strictly, checks order, links, chain hashes,
/// the clock rules (`recorded_at` never decreases; `occurred_on` is never after the UK day of
/// `recorded_at`), evidence content, the head record, per pin the RFC 6962 root of the first
/// `size` events, and every checkpoint kept with the history (origin, size, root, and with
/// `trust` its signatures). Memory stays constant apart from the evidence hashes (and, for a
/// bundle, whose checkpoints come after its events, one leaf hash per event).
///
/// A source that allows it ([`Source::read_ahead`]) is read in batches, and each batch is
/// decoded and hashed on a second thread while the one before is checked; the checks still
/// run one event at a time, in order, so the first failure reported is the one a walk of one
/// event at a time reports.
pub(crate) fn walk(
    source: &mut impl Source,
    pins: &[(u64, Digest)],
    trust: Option<&[Verifier]>,
) -> Result<VerifyReport, VerifyError> {
    let batch = source.read_ahead();
    walk_batched(source, pins, trust, batch, &mut |_| {})
}

/// [`walk`], reading `batch` events ahead (1: one event at a time, on this thread alone), and
/// telling `progress` how many events have been checked after each batch.
pub(crate) fn walk_batched(
    source: &mut impl Source,
    pins: &[(u64, Digest)],
    trust: Option<&[Verifier]>,
    batch: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<VerifyReport, VerifyError> {
    let mut walk = Walk::start(source, pins, trust, progress)?;
    if batch <= 1 {
        while let Some((position, bytes)) = source.next_event()? {
            walk.check(source, prepare(position, bytes))?;
        }
    } else {
        walk.pipelined(source, batch)?;
    }
    walk.finish(source, trust)
}

impl<'p> Walk<'p> {
    fn start(
        source: &mut impl Source,
        pins: &'p [(u64, Digest)],
        trust: Option<&[Verifier]>,
        progress: &'p mut dyn FnMut(u64),
    ) -> Result<Walk<'p>, VerifyError> {
        let tree = wsoa_core::merkle::CompactRange::new();
        for &(size, pinned) in pins.iter().filter(|(size, _)| *size == 0) {
            check_pin(&tree, size, pinned)?;
        }
        let kept: Vec<Checkpoint> = source
            .kept_checkpoints()?
            .into_iter()
            .map(|(size, note)| read_kept(Some(size), &note, trust))
            .collect::<Result<_, _>>()?;
        for checkpoint in kept.iter().filter(|c| c.size == 0) {
            kept_root(0, checkpoint.root, tree.root())?;
        }
        Ok(Walk {
            pins,
            kept,
            tree,
            tree_fault: None,
            keep_leaves: source.carries_checkpoints(),
            leaves: Vec::new(),
            origin: None,
            last_time: i64::MIN,
            expected_seq: 0,
            prev: Digest::ZERO,
            evidence: EvidenceWalk::default(),
            canonical_bytes: 0,
            progress,
        })
    }

    /// Reads `batch` events at a time; each batch is prepared on a scoped thread while this one
    /// reads the next batch and checks the one before. A read that fails is reported after the
    /// events read before it are checked, as a walk of one event at a time would.
    fn pipelined(&mut self, source: &mut impl Source, batch: usize) -> Result<(), VerifyError> {
        std::thread::scope(|scope| {
            let mut in_flight: Option<std::thread::ScopedJoinHandle<'_, Vec<Prepared>>> = None;
            let mut read_failure: Option<VerifyError> = None;
            let mut ended = false;
            loop {
                let mut raw = Vec::with_capacity(batch);
                while raw.len() < batch && !ended && read_failure.is_none() {
                    match source.next_event() {
                        Ok(Some(entry)) => raw.push(entry),
                        Ok(None) => ended = true,
                        Err(err) => read_failure = Some(err),
                    }
                }
                let ready = match in_flight.take() {
                    Some(handle) => handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    None => Vec::new(),
                };
                let done = raw.is_empty();
                if !done {
                    in_flight = Some(scope.spawn(move || {
                        raw.into_iter()
                            .map(|(position, bytes)| prepare(position, bytes))
                            .collect()
                    }));
                }
                for prepared in ready {
                    self.check(source, prepared)?;
                }
                (self.progress)(self.expected_seq);
                if done {
                    break;
                }
            }
            read_failure.map_or(Ok(()), Err)
        })
    }

    /// Checks the next event, in order.
    fn check(&mut self, source: &mut impl Source, prepared: Prepared) -> Result<(), VerifyError> {
        let Prepared {
            position,
            bytes,
            event,
            chain: computed,
            leaf,
        } = prepared;
        let expected_seq = self.expected_seq;
        if position != expected_seq {
            return Err(fail(
                expected_seq,
                Failure::Gap {
                    expected: expected_seq,
                    found: position,
                },
            ));
        }
        let seq = position;
        let event = event.map_err(|source| fail(seq, Failure::Undecodable { seq, source }))?;
        if event.seq != seq {
            return Err(fail(
                seq,
                Failure::Misplaced {
                    position: seq,
                    claims: event.seq,
                },
            ));
        }
        if event.prev != self.prev {
            return Err(fail(
                seq,
                if seq == 0 {
                    Failure::GenesisLink { found: event.prev }
                } else {
                    Failure::BadLink {
                        seq,
                        expected: self.prev,
                        found: event.prev,
                    }
                },
            ));
        }
        source.check_chain(seq, computed)?;
        clock_rules(&event, self.last_time).map_err(|failure| fail(seq, failure))?;
        self.last_time = event.recorded_at;
        if seq == 0 {
            self.origin = Some(crate::tree::origin_of(&event, &computed));
        }
        let evidence = &mut self.evidence;
        match &event.body {
            EventBody::EvidenceAttached(attached) => {
                evidence.attached += 1;
                let hash = attached.content_hash;
                if !evidence.checked.contains(&hash) {
                    match source.content(&hash)? {
                        Content::Intact => {
                            evidence.checked.insert(hash);
                        }
                        Content::Absent => {
                            evidence.absent.insert(attached.id.clone(), (seq, hash));
                        }
                        Content::Altered(found) => {
                            return Err(fail(
                                seq,
                                Failure::EvidenceAltered {
                                    id: attached.id.clone(),
                                    seq,
                                    expected: hash,
                                    found,
                                },
                            ));
                        }
                    }
                }
            }
            EventBody::EvidenceRedacted(redacted) => {
                evidence.redacted += 1;
                evidence.absent.remove(&redacted.id);
                evidence.redactions.push(Redaction {
                    id: redacted.id.clone(),
                    reason: redacted.reason.clone(),
                    on: event.occurred_on,
                    by: event.actor.name.clone(),
                    seq,
                });
            }
            _ => {}
        }
        self.prev = computed;
        self.expected_seq += 1;
        self.canonical_bytes += bytes.len() as u64;
        let expected_seq = self.expected_seq;
        if self.keep_leaves {
            self.leaves.push(leaf);
        }
        for (id, computed) in self.tree.push(leaf) {
            let Some(stored) = source.stored_node(seq, id)? else {
                continue;
            };
            // A wrong tree is reported after the checks of the events themselves, which
            // say more precisely what happened to the history.
            if stored != Some(computed) && self.tree_fault.is_none() {
                self.tree_fault = Some(fail(
                    seq,
                    Failure::TreeMismatch {
                        level: id.level,
                        index: id.index,
                        stored,
                        computed,
                    },
                ));
            }
        }
        for &(size, pinned) in self.pins.iter().filter(|(size, _)| *size == expected_seq) {
            check_pin(&self.tree, size, pinned)?;
        }
        for checkpoint in self.kept.iter().filter(|c| c.size == expected_seq) {
            kept_root(checkpoint.size, checkpoint.root, self.tree.root())?;
        }
        source.accepted(seq, &bytes)
    }

    /// The checks after the last event: the head record, evidence never accounted for, pins and
    /// checkpoints beyond the end, the tree, and the checkpoints a bundle carries.
    fn finish(
        self,
        source: &mut impl Source,
        trust: Option<&[Verifier]>,
    ) -> Result<VerifyReport, VerifyError> {
        let Walk {
            pins,
            kept,
            tree,
            tree_fault,
            leaves,
            origin,
            last_time,
            expected_seq,
            prev,
            evidence,
            canonical_bytes,
            ..
        } = self;
        source.check_head(expected_seq, prev, last_time)?;
        if let Some((id, (seq, hash))) =
            evidence.absent.into_iter().min_by_key(|(_, (seq, _))| *seq)
        {
            return Err(fail(seq, Failure::EvidenceMissing { id, seq, hash }));
        }
        if let Some(&(pinned, _)) = pins.iter().find(|(size, _)| *size > expected_seq) {
            return Err(VerifyError {
                seq: Some(expected_seq),
                failure: Failure::Truncated {
                    pinned,
                    events: expected_seq,
                },
            });
        }
        if let Some(fault) = tree_fault {
            return Err(fault);
        }
        for checkpoint in &kept {
            kept_origin(checkpoint, origin.as_deref())?;
            if checkpoint.size > expected_seq {
                return Err(kept_beyond_end(checkpoint.size, expected_seq));
            }
        }
        let carried = source.carried_checkpoints();
        let mut prefix = wsoa_core::merkle::CompactRange::new();
        for (size, note) in &carried {
            let checkpoint = read_kept(Some(*size), note, trust)?;
            kept_origin(&checkpoint, origin.as_deref())?;
            if checkpoint.size > expected_seq {
                return Err(kept_beyond_end(checkpoint.size, expected_seq));
            }
            // Carried checkpoints come smallest first (the source refuses any other order), so
            // one pass over the leaves gives every root.
            while prefix.size() < checkpoint.size {
                let next = leaves[usize::try_from(prefix.size()).unwrap_or(usize::MAX)];
                prefix.push(next);
            }
            kept_root(checkpoint.size, checkpoint.root, prefix.root())?;
        }
        Ok(VerifyReport {
            root: tree.root(),
            events: expected_seq,
            head: prev,
            evidence_checked: evidence.attached - evidence.redacted,
            evidence_redacted: evidence.redacted,
            redactions: evidence.redactions,
            checkpoints: (kept.len() + carried.len()) as u64,
            signatures_checked: trust.is_some(),
            projections: crate::ProjectionCheck::default(),
            canonical_bytes,
        })
    }
}

/// A ledger on disk as a source for the walk.
struct LedgerSource<'a> {
    ledger: &'a Reader,
    events: sled::Iter,
    next: u64,
    /// Whether the derived records (chain hashes, tree nodes) are read in key order, one pass
    /// over each tree (and over each level of the tree's nodes), rather than each by its key.
    /// The walk asks for them in increasing key order, so both give the same answers.
    ordered: bool,
    chain: Option<Ordered>,
    levels: Vec<Option<Ordered>>,
    batch: usize,
}

impl<'a> LedgerSource<'a> {
    fn new(ledger: &'a Reader, ordered: bool, batch: usize) -> LedgerSource<'a> {
        LedgerSource {
            ledger,
            events: ledger.events.iter(),
            next: 0,
            ordered,
            chain: None,
            levels: Vec::new(),
            batch,
        }
    }
}

/// A pass over a tree in key order that answers lookups of increasing keys, as `get` would.
struct Ordered {
    iter: sled::Iter,
    held: Option<(sled::IVec, sled::IVec)>,
}

impl Ordered {
    fn new(iter: sled::Iter) -> Ordered {
        Ordered { iter, held: None }
    }

    /// The value under `key`, which must not be less than the key of the previous lookup.
    fn get(&mut self, key: &[u8]) -> Result<Option<sled::IVec>, sled::Error> {
        loop {
            let (found, value) = match self.held.take() {
                Some(entry) => entry,
                None => match self.iter.next() {
                    None => return Ok(None),
                    Some(entry) => entry?,
                },
            };
            match found.as_ref().cmp(key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok(Some(value)),
                std::cmp::Ordering::Greater => {
                    self.held = Some((found, value));
                    return Ok(None);
                }
            }
        }
    }
}

fn storage(seq: u64, err: impl fmt::Display) -> VerifyError {
    VerifyError {
        seq: Some(seq),
        failure: Failure::Storage(err.to_string()),
    }
}

impl Source for LedgerSource<'_> {
    fn next_event(&mut self) -> Result<Option<(u64, Vec<u8>)>, VerifyError> {
        let Some(entry) = self.events.next() else {
            return Ok(None);
        };
        let (key, bytes) = entry?;
        let position = <[u8; 8]>::try_from(key.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| storage(self.next, "an event key is not 8 bytes long"))?;
        self.next = position.saturating_add(1);
        Ok(Some((position, bytes.to_vec())))
    }

    fn content(&mut self, hash: &Digest) -> Result<Content, VerifyError> {
        let streamed = self
            .ledger
            .stream_blob(hash, None)
            .map_err(|err| storage(self.next.saturating_sub(1), err))?;
        Ok(match streamed {
            None => Content::Absent,
            Some((_, _, true)) => Content::Intact,
            Some((found, _, false)) => Content::Altered(found),
        })
    }

    fn check_chain(&mut self, seq: u64, computed: Digest) -> Result<(), VerifyError> {
        let stored = if self.ordered {
            let ledger = self.ledger;
            self.chain
                .get_or_insert_with(|| Ordered::new(ledger.chain.iter()))
                .get(&seq_key(seq))?
        } else {
            self.ledger.chain.get(seq_key(seq))?
        };
        match stored {
            Some(stored) if stored.as_ref() == computed.as_bytes() => Ok(()),
            Some(stored) => {
                let stored = Digest(stored.as_ref().try_into().unwrap_or([0; 32]));
                Err(fail(
                    seq,
                    Failure::HashMismatch {
                        seq,
                        stored,
                        computed,
                    },
                ))
            }
            None => Err(fail(seq, Failure::ChainRecordMissing { seq })),
        }
    }

    fn stored_node(
        &mut self,
        seq: u64,
        id: wsoa_core::merkle::NodeId,
    ) -> Result<Option<Option<Digest>>, VerifyError> {
        if !self.ordered {
            return self
                .ledger
                .stored_node(id)
                .map(Some)
                .map_err(|err| storage(seq, err));
        }
        let key = crate::tree::node_key(id);
        let level = usize::from(key[0]);
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, || None);
        }
        let ledger = self.ledger;
        let stored = self.levels[level]
            .get_or_insert_with(|| Ordered::new(ledger.nodes.scan_prefix([key[0]])))
            .get(&key)
            .map_err(|err| storage(seq, StoreError::from(err)))?;
        match stored {
            None => Ok(Some(None)),
            Some(bytes) => <[u8; 32]>::try_from(bytes.as_ref())
                .map(|hash| Some(Some(Digest(hash))))
                .map_err(|_| {
                    storage(
                        seq,
                        StoreError::Damaged("a Merkle tree hash is not 32 bytes".into()),
                    )
                }),
        }
    }

    fn read_ahead(&self) -> usize {
        self.batch
    }

    fn kept_checkpoints(&mut self) -> Result<Vec<(u64, String)>, VerifyError> {
        let mut kept = Vec::new();
        for entry in self.ledger.checkpoints.iter() {
            let (key, value) = entry?;
            let size = <[u8; 8]>::try_from(key.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| VerifyError {
                    seq: None,
                    failure: Failure::KeptCheckpoint {
                        size: 0,
                        why: format!(
                            "it is kept under a key of {} bytes, not 8: the record has been altered",
                            key.len()
                        ),
                    },
                })?;
            let text = String::from_utf8(value.to_vec()).map_err(|_| VerifyError {
                seq: None,
                failure: Failure::KeptCheckpoint {
                    size,
                    why: "it is not UTF-8 text: it has been altered or damaged".into(),
                },
            })?;
            kept.push((size, text));
        }
        Ok(kept)
    }

    fn check_head(&mut self, events: u64, last: Digest, time: i64) -> Result<(), VerifyError> {
        let head = match self.ledger.meta.get(HEAD_KEY)? {
            Some(bytes) => head_from_bytes(&bytes),
            None => None,
        };
        match head {
            None if events == 0 => Ok(()),
            None => Err(VerifyError {
                seq: None,
                failure: Failure::HeadMissing { events },
            }),
            Some(head) if head.len == events && head.hash == last => {
                if events > 0 && head.recorded_at != time {
                    return Err(VerifyError {
                        seq: Some(events - 1),
                        failure: Failure::HeadTimeMismatch {
                            events,
                            head_time: head.recorded_at,
                            last_time: time,
                        },
                    });
                }
                Ok(())
            }
            Some(head) => {
                // Same length, different hash: the last event was replaced. Otherwise the first
                // event that is missing (tail cut off) or extra (events slipped in).
                let first_bad = if head.len == events {
                    events.saturating_sub(1)
                } else {
                    head.len.min(events)
                };
                Err(VerifyError {
                    seq: Some(first_bad),
                    failure: Failure::HeadMismatch {
                        head_len: head.len,
                        head_hash: head.hash,
                        events,
                        last_hash: last,
                    },
                })
            }
        }
    }
}

impl Reader {
    /// The space the ledger's directory takes on disk: the blocks allocated to every file in it
    /// (what `du` counts), or their lengths where the platform does not say.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        fn walk_dir(dir: &std::path::Path) -> std::io::Result<u64> {
            let mut total = 0;
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                // A file sled removes while it is counted (an old snapshot) takes no room.
                let metadata = match entry.metadata() {
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                    other => other?,
                };
                if metadata.is_dir() {
                    total += walk_dir(&entry.path())?;
                } else {
                    #[cfg(unix)]
                    {
                        total += std::os::unix::fs::MetadataExt::blocks(&metadata) * 512;
                    }
                    #[cfg(not(unix))]
                    {
                        total += metadata.len();
                    }
                }
            }
            Ok(total)
        }
        walk_dir(self.dir()).map_err(StoreError::io(format!(
            "cannot measure {}",
            self.dir().display()
        )))
    }

    /// Walks the whole ledger and reports the first thing that does not verify. Every checkpoint
    /// the ledger keeps is checked too (that it is a checkpoint of this ledger, and that its
    /// root is the root of the events at its size), but not its signatures: see
    /// [`Reader::verify_trusting`].
    pub fn verify(&self) -> Result<VerifyReport, VerifyError> {
        self.verify_pinned(&[])
    }

    /// Walks the whole ledger, and also checks that for each `(size, root)` pin (from trusted
    /// checkpoints) the first `size` events still have that RFC 6962 root: the ledger today
    /// extends what the checkpoint described.
    pub fn verify_pinned(&self, pins: &[(u64, Digest)]) -> Result<VerifyReport, VerifyError> {
        self.verify_with(pins, None)
    }

    /// As [`Reader::verify_pinned`], and every kept checkpoint must also carry a signature that
    /// verifies with one of the `trusted` keys.
    pub fn verify_trusting(
        &self,
        pins: &[(u64, Digest)],
        trusted: &[Verifier],
    ) -> Result<VerifyReport, VerifyError> {
        self.verify_with(pins, Some(trusted))
    }

    fn verify_with(
        &self,
        pins: &[(u64, Digest)],
        trust: Option<&[Verifier]>,
    ) -> Result<VerifyReport, VerifyError> {
        let mut report = walk(&mut LedgerSource::new(self, true, WALK_BATCH), pins, trust)?;
        report.projections = self.verify_projections()?;
        Ok(report)
    }

    /// As [`Reader::verify_trusting`] with `trust`, or [`Reader::verify_pinned`] without it (the
    /// kept checkpoints' signatures then unchecked), telling `progress` how many events have
    /// been checked as the walk goes (after each batch of a few thousand).
    pub fn verify_with_progress(
        &self,
        pins: &[(u64, Digest)],
        trust: Option<&[Verifier]>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<VerifyReport, VerifyError> {
        let mut report = walk_batched(
            &mut LedgerSource::new(self, true, WALK_BATCH),
            pins,
            trust,
            WALK_BATCH,
            progress,
        )?;
        report.projections = self.verify_projections()?;
        Ok(report)
    }

    /// For tests: the walk one event at a time on one thread, reading each chain hash and tree
    /// node by its key, as the walk was first written; what [`Reader::verify_in_batches`] must
    /// always agree with.
    #[doc(hidden)]
    pub fn verify_reference(
        &self,
        pins: &[(u64, Digest)],
        trust: Option<&[Verifier]>,
    ) -> Result<VerifyReport, VerifyError> {
        walk_batched(
            &mut LedgerSource::new(self, false, 1),
            pins,
            trust,
            1,
            &mut |_| {},
        )
    }

    /// For tests: the walk as `verify` runs it (derived records read in key order, batches
    /// decoded and hashed on a second thread), with batches of `batch` events.
    #[doc(hidden)]
    pub fn verify_in_batches(
        &self,
        pins: &[(u64, Digest)],
        trust: Option<&[Verifier]>,
        batch: usize,
    ) -> Result<VerifyReport, VerifyError> {
        walk_batched(
            &mut LedgerSource::new(self, true, batch),
            pins,
            trust,
            batch,
            &mut |_| {},
        )
    }

    /// After the walk: the kept projections checked against a fresh fold of the (now verified)
    /// events, and rebuilt where they differ. Derived data out of date is reported, never
    /// counted as damage to the chain.
    fn verify_projections(&self) -> Result<crate::ProjectionCheck, VerifyError> {
        Ok(self
            .check_projections()
            .unwrap_or_else(|err| crate::ProjectionCheck {
                not_checked: Some(err.to_string()),
                ..crate::ProjectionCheck::default()
            }))
    }
}

impl From<VerifyError> for StoreError {
    fn from(err: VerifyError) -> StoreError {
        StoreError::Damaged(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(evidence_checked: u64, evidence_redacted: u64) -> String {
        VerifyReport {
            events: 12,
            head: Digest([7; 32]),
            evidence_checked,
            evidence_redacted,
            root: Digest([9; 32]),
            redactions: Vec::new(),
            checkpoints: 0,
            signatures_checked: false,
            projections: crate::ProjectionCheck::default(),
            canonical_bytes: 2400,
        }
        .to_string()
    }

    #[test]
    fn the_report_counts_evidence_in_plain_english() {
        assert!(report(0, 0).contains("No evidence is attached."));
        assert!(report(1, 0).contains("every piece of evidence (one piece) matches"));
        assert!(report(3, 0).contains("every piece of evidence (3 pieces) matches"));
        assert!(report(0, 1).contains("The only evidence (one piece) was redacted on purpose"));
        assert!(report(2, 1).contains(
            "2 pieces of evidence matches its recorded hash; one piece more was redacted"
        ));
        assert!(report(1, 2).contains(
            "one piece of evidence matches its recorded hash; 2 pieces more were redacted"
        ));
        assert!(report(0, 0).contains("All 12 events were checked"));
        assert!(report(0, 0).contains(&Digest([7; 32]).to_hex()));
    }
}
