//! Kept projections: derived data beside the chain, never hashed, always rebuildable from the
//! events, so that a read costs what it returns rather than a fold of the whole history.
//!
//! | tree             | key                          | value                                          |
//! |------------------|------------------------------|------------------------------------------------|
//! | `plan_snapshots` | seq, u64 big-endian          | format u16 BE, chain hash of event seq (32 bytes), its `recorded_at` i64 BE, the plan as it stands after events 0..=seq as zstd-compressed JSON |
//!
//! A snapshot holds the plan as it stands ([`Detail::Current`]): each action's latest changes,
//! not its whole history, so that it grows with the things in the plan rather than with the
//! ledger. Readers of history (the narrative, an action's page) fold it for themselves; a diff
//! starts from the snapshot at its first point and keeps history from there on.
//!
//! A snapshot is kept after every `K` events (at seq `K·m − 1`), `K` being [`SNAPSHOT_EVERY`]
//! until the ledger holds more than [`MAX_SNAPSHOTS`] × `K` events and doubling each time the
//! ledger doubles after that, so the plan at any prefix of the ledger (`seq:N`, `known:DATE`,
//! `visit:N`, now) is the nearest snapshot at or below it plus a fold of fewer than `K` events
//! (1,024 in a ledger of up to 16,384 events, at most a sixteenth of a larger one). The newest
//! snapshot's seq is the projection's position: the appends after it are the tail every reader
//! folds.
//!
//! Snapshots are written after the append that completes them is flushed, never inside it: a
//! crash between the two leaves a missing snapshot (a longer fold, and the snapshot is written by
//! the next append or read that passes it), never a wrong one. A snapshot is used only when its
//! seq is below the head's length, its format is this program's, the chain hash it names is
//! still that of the event it ends with (which commits to every event before it), and its JSON
//! reads back as a plan ending at that seq; anything else is removed and rebuilt. "As of" points
//! (by the events' own dates) start from the plan as known at the end of the day (see `late`).

use sled::Tree;
use wsoa_core::plan::{Detail, Plan};
use wsoa_core::{Digest, Event};

use crate::error::StoreError;
use crate::ledger::{Reader, seq_key};

/// How many events apart the plan snapshots are kept in a ledger of up to 16 × 1,024 events
/// (most local areas' ledgers): the most a read of the plan at a prefix folds beyond one. A
/// snapshot holds the whole plan, which grows with the ledger (about 300 bytes of JSON per
/// event), so a constant spacing would cost space and writes growing with the square of the
/// ledger; beyond that size the spacing grows with the ledger (see [`MAX_SNAPSHOTS`]).
pub const SNAPSHOT_EVERY: u64 = 1024;

/// The most plan snapshots kept: past [`SNAPSHOT_EVERY`] × 16 events, the spacing doubles (and
/// every other snapshot is removed) each time the ledger doubles, so that their space and the
/// work of writing them grow like the plan itself rather than its square.
pub const MAX_SNAPSHOTS: u64 = 16;

/// The layout of a kept snapshot's value. A snapshot of another version is ignored and rebuilt
/// (2: plans started after the WSoA, monitoring reviews, measures' trajectories, packs sent;
/// 3: the plan as it stands, compressed).
const SNAPSHOT_FORMAT: u16 = 3;

/// The zstd level snapshots are compressed at: most of the gain of higher levels at a fraction
/// of their time, since a snapshot is written on the append path's heels.
const SNAPSHOT_LEVEL: i32 = 3;

/// The name of the tree of kept plan snapshots.
pub(crate) const SNAPSHOT_TREE: &str = "plan_snapshots";

/// In the `projections` tree: the newest snapshot written after an append (u64 BE) and the
/// spacing then (u64 BE).
const SNAPSHOT_RECORD: &[u8] = b"plan_snapshots";

/// A plan read back from a kept snapshot, with what it ends at.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    /// The last event folded into it.
    pub seq: u64,
    /// That event's chain hash.
    pub hash: Digest,
    /// That event's `recorded_at`.
    pub recorded_at: i64,
    /// The plan as it stands after events 0..=seq.
    pub plan: Plan,
}

fn encode(seq: u64, hash: &Digest, recorded_at: i64, plan: &Plan) -> Result<Vec<u8>, StoreError> {
    let cannot = |err: &dyn std::fmt::Display| {
        StoreError::Internal(format!("cannot write the plan snapshot at {seq}: {err}"))
    };
    let json = serde_json::to_vec(plan).map_err(|err| cannot(&err))?;
    let packed = zstd::bulk::compress(&json, SNAPSHOT_LEVEL).map_err(|err| cannot(&err))?;
    let mut value = Vec::with_capacity(42 + packed.len());
    value.extend_from_slice(&SNAPSHOT_FORMAT.to_be_bytes());
    value.extend_from_slice(hash.as_bytes());
    value.extend_from_slice(&recorded_at.to_be_bytes());
    value.extend_from_slice(&packed);
    Ok(value)
}

/// The snapshot a stored value holds, if it is one this program wrote for `seq`.
fn decode(seq: u64, value: &[u8]) -> Option<Snapshot> {
    if value.len() < 42 || value[0..2] != SNAPSHOT_FORMAT.to_be_bytes() {
        return None;
    }
    let hash = Digest(value[2..34].try_into().ok()?);
    let recorded_at = i64::from_be_bytes(value[34..42].try_into().ok()?);
    let json = zstd::stream::decode_all(&value[42..]).ok()?;
    let plan: Plan = serde_json::from_slice(&json).ok()?;
    if plan.last_seq != Some(seq) || plan.events != seq + 1 || plan.detail() != Detail::Current {
        return None;
    }
    Some(Snapshot {
        seq,
        hash,
        recorded_at,
        plan: plan.reindexed(),
    })
}

/// Whether a stored snapshot value is the one [`encode`] writes for `plan` after the event with
/// chain hash `hash`: compared as JSON text, without building the plan it holds, so that
/// checking a snapshot costs about what writing it did.
fn holds(value: &[u8], hash: &Digest, recorded_at: i64, plan: &Plan) -> bool {
    if value.len() < 42
        || value[0..2] != SNAPSHOT_FORMAT.to_be_bytes()
        || value[2..34] != *hash.as_bytes()
        || value[34..42] != recorded_at.to_be_bytes()
    {
        return false;
    }
    match (
        zstd::stream::decode_all(&value[42..]),
        serde_json::to_vec(plan),
    ) {
        (Ok(kept), Ok(fresh)) => kept == fresh,
        _ => false,
    }
}

/// What checking the kept projections against the events found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectionCheck {
    /// Snapshots that matched a fresh fold.
    pub matched: u64,
    /// Snapshots that were missing, unreadable or did not match, and were written again.
    pub rebuilt: Vec<u64>,
    /// Snapshots kept for events the ledger does not have (beyond its head), removed.
    pub removed: Vec<u64>,
    /// Whether the subject index differed from the timeline's fold and was rebuilt.
    pub subject_index_rebuilt: bool,
    /// Whether the index of late-recorded events differed from the events and was rebuilt.
    pub late_index_rebuilt: bool,
    /// Why the kept projections could not be checked, if they could not (a full disk, say):
    /// derived data, so this is never a failure of verification.
    pub not_checked: Option<String>,
}

impl ProjectionCheck {
    /// Whether every kept projection already matched the events.
    pub fn is_clean(&self) -> bool {
        self.rebuilt.is_empty()
            && self.removed.is_empty()
            && !self.subject_index_rebuilt
            && !self.late_index_rebuilt
            && self.not_checked.is_none()
    }

    /// A sentence for the verification report (nothing when no projection is kept).
    pub(crate) fn describe(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let snapshots = |n: usize| match n {
            1 => "one kept plan snapshot".to_owned(),
            n => format!("{n} kept plan snapshots"),
        };
        if let Some(reason) = &self.not_checked {
            return write!(
                f,
                " The kept projections (derived data, outside every hash) could not be checked: \
                 {reason}; reads do not depend on them, and the next `wsoa verify` or `wsoa \
                 projections check` checks them."
            );
        }
        if !self.is_clean() {
            let seqs = |list: &[u64]| {
                list.iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            write!(
                f,
                " Derived data was out of date and has been rebuilt from the events (this is not \
                 damage to the history, which is intact as above): "
            )?;
            if !self.rebuilt.is_empty() {
                write!(
                    f,
                    "{} (after events {}) written again",
                    snapshots(self.rebuilt.len()),
                    seqs(&self.rebuilt)
                )?;
            }
            let mut sep = if self.rebuilt.is_empty() { "" } else { "; " };
            if !self.removed.is_empty() {
                write!(
                    f,
                    "{sep}{} for events the ledger does not have (after events {}) removed",
                    snapshots(self.removed.len()),
                    seqs(&self.removed)
                )?;
                sep = "; ";
            }
            if self.subject_index_rebuilt {
                write!(f, "{sep}the subject index built again")?;
                sep = "; ";
            }
            if self.late_index_rebuilt {
                write!(f, "{sep}the index of late-recorded events built again")?;
            }
            write!(f, ".")
        } else {
            match self.matched {
                0 => Ok(()),
                1 => write!(f, " The kept plan snapshot matches the events."),
                n => write!(f, " The {n} kept plan snapshots match the events."),
            }
        }
    }
}

impl Reader {
    fn snapshots(&self) -> &Tree {
        &self.snapshots
    }

    /// How many events apart the kept plan snapshots are in a ledger of `len` events:
    /// [`SNAPSHOT_EVERY`] (or what [`crate::Ledger::set_snapshot_every`] set), doubled until
    /// there are at most [`MAX_SNAPSHOTS`].
    fn spacing_for(&self, len: u64) -> u64 {
        let mut spacing = self.snapshot_every;
        while len / spacing > MAX_SNAPSHOTS {
            spacing = spacing.saturating_mul(2);
        }
        spacing
    }

    /// How many events apart the kept plan snapshots are now: the most a read of the plan at a
    /// prefix of the ledger folds beyond one.
    pub fn snapshot_spacing(&self) -> Result<u64, StoreError> {
        Ok(self.spacing_for(self.len()?))
    }

    /// The newest usable snapshot at or below `seq`, removing any unusable one met on the way
    /// (only if it is still the value read, so that a good snapshot written meanwhile stays).
    pub(crate) fn snapshot_at_or_below(&self, seq: u64) -> Result<Option<Snapshot>, StoreError> {
        let Some(last) = self.len()?.checked_sub(1) else {
            return Ok(None);
        };
        let top = seq.min(last);
        for entry in self.snapshots().range(..=seq_key(top)).rev() {
            let (key, value) = entry?;
            let Some(at) = <[u8; 8]>::try_from(key.as_ref())
                .ok()
                .map(u64::from_be_bytes)
            else {
                self.forget_snapshot(&key, &value);
                continue;
            };
            let usable = decode(at, &value).filter(|snapshot| {
                self.chain_hash_at(at)
                    .is_ok_and(|hash| hash == Some(snapshot.hash))
            });
            match usable {
                Some(snapshot) => return Ok(Some(snapshot)),
                None => self.forget_snapshot(&key, &value),
            }
        }
        Ok(None)
    }

    /// The chain hash of event `seq`, computed from its stored bytes.
    fn chain_hash_at(&self, seq: u64) -> Result<Option<Digest>, StoreError> {
        Ok(self
            .events
            .get(seq_key(seq))?
            .map(|bytes| wsoa_core::chain_hash(&bytes)))
    }

    /// Removes a snapshot that cannot be used, if it is still the value that was read. Derived
    /// data: a failure to remove it is harmless (it is checked again on every use).
    fn forget_snapshot(&self, key: &[u8], value: &[u8]) {
        let _ = self
            .snapshots()
            .compare_and_swap(key, Some(value), None::<&[u8]>);
    }

    /// Keeps a snapshot of `plan`, which must be the fold of events 0..=`event.seq`. Derived
    /// data: a failure to write it costs only a longer fold later, so it is not an error, and
    /// it is not written at all without room to spare (see `space`), so that it can never take
    /// the room an append needs.
    fn keep_snapshot(&self, event: &Event, hash: &Digest, plan: &Plan) {
        if let Ok(value) = encode(event.seq, hash, event.recorded_at, plan)
            && self.check_room(value.len() as u64).is_ok()
        {
            let _ = self.snapshots().insert(seq_key(event.seq), value);
        }
    }

    /// The plan as it stands after events 0..=`to` (which must exist), and when event `to` was recorded:
    /// the nearest kept snapshot plus the events after it. Snapshots missing on the way are
    /// written.
    pub(crate) fn plan_through(&self, to: u64) -> Result<(Plan, Option<i64>), StoreError> {
        let (mut plan, mut last_recorded_at, from) = match self.snapshot_at_or_below(to)? {
            Some(snapshot) => (snapshot.plan, Some(snapshot.recorded_at), snapshot.seq + 1),
            None => (Plan::current(), None, 0),
        };
        let spacing = self.spacing_for(self.len()?);
        for stored in self.events(from, Some(to)) {
            let stored = stored?;
            plan.apply(&stored.event);
            last_recorded_at = Some(stored.event.recorded_at);
            if (stored.event.seq + 1).is_multiple_of(spacing) {
                self.keep_snapshot(&stored.event, &stored.hash, &plan);
            }
        }
        Ok((plan, last_recorded_at))
    }

    /// Brings the kept snapshots up to the head: after an append, the snapshot its events
    /// completed, and the older ones no longer at the spacing removed. What was last done is
    /// kept in a small record, so an append that completes none costs one small lookup (a
    /// snapshot's value is large, and reading one is what this avoids).
    pub(crate) fn keep_projections(&self) -> Result<(), StoreError> {
        let len = self.len()?;
        let spacing = self.spacing_for(len);
        let Some(due) = (len / spacing)
            .checked_mul(spacing)
            .and_then(|n| n.checked_sub(1))
        else {
            return Ok(());
        };
        let kept = self.snapshot_record()?;
        if let Some((newest, _)) = kept
            && newest >= len
        {
            // Snapshots beyond the head (a history cut short behind the ledger's back) are
            // never used; remove them.
            let beyond: Vec<_> = self
                .snapshots()
                .range(seq_key(len)..)
                .keys()
                .collect::<Result<_, _>>()?;
            for key in beyond {
                self.snapshots().remove(key)?;
            }
        }
        let done = kept.is_some_and(|(newest, _)| newest >= due && newest < len);
        if kept.is_some_and(|(_, was)| was == spacing) && done {
            return Ok(());
        }
        if !done {
            self.plan_through(due)?;
        }
        if kept.is_none_or(|(_, was)| was != spacing) {
            self.thin_snapshots(spacing)?;
        }
        self.set_snapshot_record(due, spacing)
    }

    /// The record of the newest snapshot written and the spacing then, if any.
    fn snapshot_record(&self) -> Result<Option<(u64, u64)>, StoreError> {
        Ok(self.projections.get(SNAPSHOT_RECORD)?.and_then(|value| {
            let newest = u64::from_be_bytes(value.get(0..8)?.try_into().ok()?);
            let spacing = u64::from_be_bytes(value.get(8..16)?.try_into().ok()?);
            Some((newest, spacing))
        }))
    }

    fn set_snapshot_record(&self, newest: u64, spacing: u64) -> Result<(), StoreError> {
        let mut value = newest.to_be_bytes().to_vec();
        value.extend_from_slice(&spacing.to_be_bytes());
        self.projections.insert(SNAPSHOT_RECORD, value)?;
        Ok(())
    }

    /// After the snapshots were rebuilt or checked: the record says what is there now. Written
    /// only when it changes, so that a check finding everything in order writes nothing.
    fn reset_snapshot_record(&self, spacing: u64) -> Result<(), StoreError> {
        let len = self.len()?;
        let due = (len / spacing)
            .checked_mul(spacing)
            .and_then(|n| n.checked_sub(1));
        let kept = self.snapshot_record()?;
        match due {
            Some(due) if kept != Some((due, spacing)) => self.set_snapshot_record(due, spacing),
            Some(_) => Ok(()),
            None if kept.is_some() => {
                self.projections.remove(SNAPSHOT_RECORD)?;
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Removes the snapshots that are not at `spacing` (kept when the spacing was smaller).
    fn thin_snapshots(&self, spacing: u64) -> Result<(), StoreError> {
        for key in self.snapshots().iter().keys() {
            let key = key?;
            let off = <[u8; 8]>::try_from(key.as_ref())
                .map(u64::from_be_bytes)
                .map_or(true, |seq| !(seq + 1).is_multiple_of(spacing));
            if off {
                self.snapshots().remove(&key)?;
            }
        }
        Ok(())
    }

    /// Checks every kept snapshot against a fresh fold of the events, writing again any that is
    /// missing, unreadable or different, and removing any beyond the head. Derived data out of
    /// date is put right here; it is never damage to the chain.
    pub fn check_projections(&self) -> Result<ProjectionCheck, StoreError> {
        let len = self.len()?;
        let mut check = ProjectionCheck::default();
        for key in self.snapshots().range(seq_key(len)..).keys() {
            let key = key?;
            if let Ok(seq) = <[u8; 8]>::try_from(key.as_ref()).map(u64::from_be_bytes) {
                check.removed.push(seq);
            }
            self.snapshots().remove(&key)?;
        }
        let spacing = self.spacing_for(len);
        let mut plan = Plan::current();
        for stored in self.events(0, None) {
            let stored = stored?;
            plan.apply(&stored.event);
            let seq = stored.event.seq;
            if !(seq + 1).is_multiple_of(spacing) {
                continue;
            }
            let kept = self.snapshots().get(seq_key(seq))?;
            let good = kept
                .as_deref()
                .is_some_and(|value| holds(value, &stored.hash, stored.event.recorded_at, &plan));
            if good {
                check.matched += 1;
            } else {
                let value = encode(seq, &stored.hash, stored.event.recorded_at, &plan)?;
                self.check_room(value.len() as u64)?;
                self.snapshots().insert(seq_key(seq), value)?;
                check.rebuilt.push(seq);
            }
        }
        // Snapshots off the spacing (kept when it was smaller) are removed: not an error.
        self.thin_snapshots(spacing)?;
        self.reset_snapshot_record(spacing)?;
        check.subject_index_rebuilt = self.check_subject_index()?;
        check.late_index_rebuilt = self.check_late_index()?;
        Ok(check)
    }

    /// Throws every kept projection away (plan snapshots, the subject index and the index of
    /// late-recorded events) and builds them
    /// again from the events. Returns how many snapshots were written.
    pub fn rebuild_projections(&self) -> Result<u64, StoreError> {
        self.rebuild_projections_with_progress(&mut |_| {})
    }

    /// As [`Reader::rebuild_projections`], calling `progress` with the number of events folded
    /// so far for the plan snapshots (every 4,096 events, and at the end of the fold; the
    /// indexes are rebuilt after it).
    pub fn rebuild_projections_with_progress(
        &self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, StoreError> {
        self.snapshots().clear()?;
        let spacing = self.spacing_for(self.len()?);
        let mut plan = Plan::current();
        let mut written = 0;
        for stored in self.events(0, None) {
            let stored = stored?;
            plan.apply(&stored.event);
            if (stored.event.seq + 1).is_multiple_of(spacing) {
                let value = encode(
                    stored.event.seq,
                    &stored.hash,
                    stored.event.recorded_at,
                    &plan,
                )?;
                self.check_room(value.len() as u64)?;
                self.snapshots().insert(seq_key(stored.event.seq), value)?;
                written += 1;
            }
            if (stored.event.seq + 1).is_multiple_of(4096) {
                progress(stored.event.seq + 1);
            }
        }
        progress(self.len()?);
        self.reset_snapshot_record(spacing)?;
        self.rebuild_late_index()?;
        self.rebuild_subject_index()?;
        self.flush()?;
        Ok(written)
    }

    /// The sequence numbers of the kept plan snapshots, in order.
    pub fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        self.snapshots()
            .iter()
            .keys()
            .map(|key| {
                let key = key?;
                <[u8; 8]>::try_from(key.as_ref())
                    .map(u64::from_be_bytes)
                    .map_err(|_| StoreError::Damaged("a plan snapshot key is not 8 bytes".into()))
            })
            .collect()
    }
}
