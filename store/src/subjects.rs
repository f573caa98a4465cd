//! The subject index: for every weakness, workstream, action, measure, risk and piece of
//! evidence, the events whose timeline entry is about it, so that `timeline --about` and an
//! action's history read those events (and a kept plan snapshot before each run of them) instead
//! of the whole ledger. Derived data, never hashed, rebuilt from the events.
//!
//! | tree             | key                                        | value                          |
//! |------------------|--------------------------------------------|--------------------------------|
//! | `subject_index`  | subject (`action 1.1`), 0, seq u64 BE      | empty                          |
//! | `event_subjects` | seq u64 BE                                 | what its entry is about, JSON  |
//! | `projections`    | `subject_index`                            | format u16 BE, events indexed u64 BE, chain hash of the last one indexed |
//!
//! What an entry is about depends on the plan before it (a risk update is about what the risk
//! threatens) and, for a correction, on the event corrected, so the index is written by the
//! timeline's own fold, after the appends it covers (never inside them), up to the position it
//! records; the writer keeps that timeline between appends. A read never writes it: when it does
//! not reach the point read, the read folds the whole timeline instead. A position whose last
//! event is no longer the ledger's (a history cut short or rewritten behind the ledger's back)
//! throws the index away; the next append, check or rebuild builds it again.

use std::collections::BTreeSet;

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{Entry, Matcher, Timeline};
use wsoa_core::{Digest, Event, EventBody, Subject};

use crate::error::StoreError;
use crate::ledger::{Ledger, Reader, seq_key};

pub(crate) const SUBJECT_TREE: &str = "subject_index";
pub(crate) const ABOUT_TREE: &str = "event_subjects";
pub(crate) const PROJECTIONS_TREE: &str = "projections";
const POSITION_KEY: &[u8] = b"subject_index";
/// The layout of the subject index. An index of another version is thrown away and rebuilt.
const INDEX_FORMAT: u16 = 1;
/// How many events' subjects are written per transaction while the index catches up.
const BATCH: usize = 4096;

fn subject_prefix(subject: &Subject) -> Vec<u8> {
    let mut key = subject.to_string().into_bytes();
    key.push(0);
    key
}

fn position_bytes(next: u64, hash: &Digest) -> Vec<u8> {
    let mut value = INDEX_FORMAT.to_be_bytes().to_vec();
    value.extend_from_slice(&next.to_be_bytes());
    value.extend_from_slice(hash.as_bytes());
    value
}

fn position_from(value: &[u8]) -> Option<(u64, Digest)> {
    if value.len() != 42 || value[0..2] != INDEX_FORMAT.to_be_bytes() {
        return None;
    }
    let next = u64::from_be_bytes(value[2..10].try_into().ok()?);
    Some((next, Digest(value[10..42].try_into().ok()?)))
}

impl Reader {
    /// How many events the subject index covers, after checking that the last of them is still
    /// the ledger's; an index that fails the check is thrown away (0).
    fn subject_position(&self, len: u64) -> Result<u64, StoreError> {
        let position = self.projections.get(POSITION_KEY)?;
        let valid = match position.as_deref().map(position_from) {
            None => false,
            Some(None) => false,
            Some(Some((0, _))) => true,
            Some(Some((next, hash))) => {
                next <= len
                    && self
                        .events
                        .get(seq_key(next - 1))?
                        .is_some_and(|bytes| wsoa_core::chain_hash(&bytes) == hash)
            }
        };
        match (valid, position) {
            (true, Some(value)) => Ok(position_from(&value).map_or(0, |(next, _)| next)),
            (_, None) if self.subjects.is_empty() && self.about.is_empty() => Ok(0),
            _ => {
                self.subjects.clear()?;
                self.about.clear()?;
                self.projections.remove(POSITION_KEY)?;
                Ok(0)
            }
        }
    }

    /// Brings the subject index up to the head, folding the timeline from the nearest kept
    /// plan snapshot before the first event it lacks.
    pub(crate) fn index_subjects(&self) -> Result<(), StoreError> {
        self.extend_subjects_from(None).map(|_| ())
    }

    /// Brings the subject index up to the head, going on from `kept` (a timeline fed the events
    /// before its seq) when the index stops there, from the nearest kept plan snapshot
    /// otherwise. Returns the timeline fed every event, to be kept for the next append.
    /// As [`Reader::extend_subjects`], given the events just appended (`fresh`, in order, with
    /// their chain hashes): when the index stops right before them and `kept` is the timeline
    /// up to there, they are indexed as they are, without reading them or the position's event
    /// back from the ledger (the position's hash must be the first one's `prev`).
    pub(crate) fn extend_subjects_with(
        &self,
        kept: Option<(Timeline, u64)>,
        fresh: &[(&Event, Digest)],
    ) -> Result<(Timeline, u64), StoreError> {
        if let (Some((mut timeline, next)), Some((first, _)), Some((last, last_hash))) =
            (kept, fresh.first(), fresh.last())
        {
            let position = self.projections.get(POSITION_KEY)?;
            let follows = first.seq == next
                && (position.as_deref().and_then(position_from) == Some((next, first.prev))
                    || next == 0 && position.is_none() && self.subjects.is_empty());
            if follows && self.len()? == last.seq + 1 {
                let mut batch: Vec<(u64, Vec<Subject>)> = Vec::with_capacity(fresh.len());
                for (event, hash) in fresh {
                    if let EventBody::CorrectionRecorded(correction) = &event.body {
                        self.recall(&mut timeline, correction.seq, event.seq)?;
                    }
                    let entry = timeline.entry(event, *hash);
                    batch.push((event.seq, entry.about));
                }
                self.write_subjects(&batch, last.seq + 1, last_hash)?;
                timeline.forget();
                return Ok((timeline, last.seq + 1));
            }
            return self.extend_subjects_from(Some((timeline, next)));
        }
        self.extend_subjects_from(None)
    }

    fn extend_subjects_from(
        &self,
        kept: Option<(Timeline, u64)>,
    ) -> Result<(Timeline, u64), StoreError> {
        let len = self.len()?;
        let start = self.subject_position(len)?;
        let mut timeline = match kept {
            Some((timeline, next)) if next == start => timeline,
            _ => Timeline::resume(match start.checked_sub(1) {
                Some(last) => self.plan_through(last)?.0,
                None => Plan::current(),
            }),
        };
        if start < len {
            let mut batch: Vec<(u64, Vec<Subject>)> = Vec::with_capacity(BATCH);
            for stored in self.events(start, Some(len - 1)) {
                let stored = stored?;
                if let EventBody::CorrectionRecorded(correction) = &stored.event.body {
                    self.recall(&mut timeline, correction.seq, stored.event.seq)?;
                }
                let entry = timeline.entry(&stored.event, stored.hash);
                batch.push((stored.event.seq, entry.about));
                if batch.len() == BATCH || stored.event.seq == len - 1 {
                    self.write_subjects(&batch, stored.event.seq + 1, &stored.hash)?;
                    batch.clear();
                }
            }
        }
        timeline.forget();
        Ok((timeline, len))
    }

    /// Reminds `timeline` of an earlier event it was not fed (it resumed after it), with what
    /// the index says its entry was about, before a correction of it (event `by`) is described.
    fn recall(&self, timeline: &mut Timeline, seq: u64, by: u64) -> Result<(), StoreError> {
        if seq >= by || timeline.remembers(seq) {
            return Ok(());
        }
        let Some(stored) = self.event(seq)? else {
            return Ok(());
        };
        let about = match self.about.get(seq_key(seq))? {
            Some(json) => serde_json::from_slice(&json).map_err(|err| {
                StoreError::Damaged(format!(
                    "the subject index's entry for event {seq} cannot be read ({err}): rebuild the kept projections from the events"
                ))
            })?,
            None => return Ok(()),
        };
        timeline.recall(&stored.event, about);
        Ok(())
    }

    fn write_subjects(
        &self,
        batch: &[(u64, Vec<Subject>)],
        next: u64,
        hash: &Digest,
    ) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(batch.len());
        for (seq, about) in batch {
            let json = serde_json::to_vec(about).map_err(|err| {
                StoreError::Internal(format!("cannot write the subjects of event {seq}: {err}"))
            })?;
            rows.push((*seq, json, about));
        }
        // Derived data never takes the room an append needs (see `space`).
        let bytes: usize = rows
            .iter()
            .map(|(_, json, list)| json.len() + 40 * list.len())
            .sum();
        self.check_room(bytes as u64)?;
        let position = position_bytes(next, hash);
        (&self.subjects, &self.about, &self.projections)
            .transaction(|(subjects, about, projections)| {
                // Another reader may have gone further meanwhile: never move the position back.
                if let Some(current) = projections.get(POSITION_KEY)?
                    && position_from(&current).is_some_and(|(at, _)| at >= next)
                {
                    return Ok(());
                }
                for (seq, json, list) in &rows {
                    about.insert(&seq_key(*seq), json.as_slice())?;
                    for subject in *list {
                        let mut key = subject_prefix(subject);
                        key.extend_from_slice(&seq_key(*seq));
                        subjects.insert(key, &[][..])?;
                    }
                }
                projections.insert(POSITION_KEY, position.as_slice())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|err| match err {
                sled::transaction::TransactionError::Storage(err) => StoreError::from(err),
                sled::transaction::TransactionError::Abort(()) => {
                    StoreError::Internal("the subject index transaction was aborted".into())
                }
            })
    }

    /// The events (up to and including `end`) whose entries the index says are about any of
    /// `subjects`, in order.
    fn indexed_seqs(
        &self,
        subjects: &BTreeSet<Subject>,
        end: u64,
    ) -> Result<BTreeSet<u64>, StoreError> {
        let mut seqs = BTreeSet::new();
        for subject in subjects {
            for key in self.subjects.scan_prefix(subject_prefix(subject)).keys() {
                let key = key?;
                let seq = key
                    .len()
                    .checked_sub(8)
                    .and_then(|at| <[u8; 8]>::try_from(&key[at..]).ok())
                    .map(u64::from_be_bytes)
                    .ok_or_else(|| {
                        StoreError::Damaged("a subject index key is too short".into())
                    })?;
                if seq <= end {
                    seqs.insert(seq);
                }
            }
        }
        Ok(seqs)
    }

    /// Calls `each` with every timeline entry at `point` (already resolved) that `matcher` keeps,
    /// in ledger order: exactly the entries of the whole timeline that the matcher keeps. With
    /// `--about` and a prefix of the ledger (now, `seq:N`, `known:DATE`), only the events the
    /// subject index names are described, each after the nearest kept plan snapshot before it
    /// (or the events between, when it is close); otherwise the whole ledger is read.
    pub fn for_each_entry<E: From<StoreError>>(
        &self,
        point: Point,
        matcher: &Matcher,
        mut each: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let (Some(subjects), Point::Now | Point::Seq(_) | Point::Known(_)) =
            (matcher.subjects(), point)
        else {
            let mut timeline = Timeline::new();
            return self.for_each_at(point, |stored| {
                let entry = timeline.entry(&stored.event, stored.hash);
                if matcher.matches(&entry) {
                    each(entry)?;
                }
                Ok(())
            });
        };
        let Some(end) = self.last_seq_in(point)? else {
            return Ok(());
        };
        if self.subject_position(self.len()?)? <= end {
            // The index does not reach the point (it is written by appends, never by reads, so
            // that a read leaves the database as it found it): read the whole timeline.
            let mut timeline = Timeline::new();
            return self.for_each_at(point, |stored| {
                let entry = timeline.entry(&stored.event, stored.hash);
                if matcher.matches(&entry) {
                    each(entry)?;
                }
                Ok(())
            });
        }
        let spacing = self.snapshot_spacing()?;
        let mut fold: Option<(Timeline, u64)> = None;
        for seq in self.indexed_seqs(subjects, end)? {
            let mut timeline = match fold.take() {
                // Close enough to fold the events between rather than read a snapshot.
                Some((mut timeline, next)) if seq - next < spacing => {
                    if seq > next {
                        for stored in self.events(next, Some(seq - 1)) {
                            timeline.pass(&stored?.event);
                        }
                    }
                    timeline
                }
                _ => Timeline::resume(match seq.checked_sub(1) {
                    Some(before) => self.plan_through(before)?.0,
                    None => Plan::current(),
                }),
            };
            let Some(stored) = self.event(seq)? else {
                return Err(StoreError::Damaged(format!(
                    "the subject index names event {seq}, which is missing"
                ))
                .into());
            };
            if let EventBody::CorrectionRecorded(correction) = &stored.event.body {
                self.recall(&mut timeline, correction.seq, seq)?;
            }
            let entry = timeline.entry(&stored.event, stored.hash);
            if matcher.matches(&entry) {
                each(entry)?;
            }
            fold = Some((timeline, seq + 1));
        }
        Ok(())
    }

    /// Throws the subject index away and builds it again from the events.
    pub fn rebuild_subject_index(&self) -> Result<(), StoreError> {
        self.subjects.clear()?;
        self.about.clear()?;
        self.projections.remove(POSITION_KEY)?;
        self.index_subjects()
    }
}

impl Reader {
    /// Checks the subject index against a fresh fold of the timeline, rebuilding it if anything
    /// differs (a missing, extra or altered entry). Returns whether it was rebuilt.
    /// An index behind the head (appends keep it there, so one that is not missed a write)
    /// counts as out of date.
    pub(crate) fn check_subject_index(&self) -> Result<bool, StoreError> {
        let len = self.len()?;
        if self.subject_position(len)? == len && self.subject_index_matches()? {
            return Ok(false);
        }
        self.rebuild_subject_index()?;
        Ok(true)
    }

    fn subject_index_matches(&self) -> Result<bool, StoreError> {
        let mut timeline = Timeline::new();
        let (mut rows, mut keys) = (0u64, 0u64);
        for stored in self.events(0, None) {
            let stored = stored?;
            let seq = stored.event.seq;
            let entry = timeline.entry(&stored.event, stored.hash);
            let kept: Option<Vec<Subject>> = self
                .about
                .get(seq_key(seq))?
                .and_then(|json| serde_json::from_slice(&json).ok());
            if kept.as_ref() != Some(&entry.about) {
                return Ok(false);
            }
            rows += 1;
            let distinct: BTreeSet<&Subject> = entry.about.iter().collect();
            for subject in distinct {
                let mut key = subject_prefix(subject);
                key.extend_from_slice(&seq_key(seq));
                if !self.subjects.contains_key(key)? {
                    return Ok(false);
                }
                keys += 1;
            }
        }
        Ok(self.about.len() as u64 == rows && self.subjects.len() as u64 == keys)
    }
}

impl Ledger {
    /// After an append is durable: the index of late-recorded events and the subject index
    /// brought up to the head, going on from the timeline kept since the last append. Derived
    /// data: a failure leaves them behind (reads then fold the events), never the append lost.
    /// A replica (which keeps no projections) skips them.
    ///
    /// `fresh` are the events just appended with their chain hashes: when the indexes stop right
    /// before them, they are indexed from memory instead of being read back.
    pub(crate) fn keep_indexes(&mut self, fresh: &[(&Event, Digest)]) {
        if self.snapshot_every == u64::MAX {
            return;
        }
        let _ = self.index_late_with(fresh);
        let kept = self.timeline.take();
        self.timeline = self.extend_subjects_with(kept, fresh).ok();
    }
}
