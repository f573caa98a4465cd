//! The index of late-recorded events, for reading "as of" a day (by the events' own dates)
//! without reading the whole ledger. Derived data, never hashed, rebuilt from the events.
//!
//! | tree          | key                                            | value |
//! |---------------|------------------------------------------------|-------|
//! | `late_events` | `occurred_on` (year u16 BE, month, day), seq u64 BE | empty |
//! | `projections` | `late_events`: events indexed u64 BE, chain hash of the last one indexed | |
//!
//! An event is late when it happened before the UK day it was recorded. Every event recorded by
//! the end of day D happened by D (an event never happens after the day it is recorded), so the
//! plan as of D is the plan as known at the end of D (a prefix: the nearest kept snapshot plus
//! the events after it) plus the events recorded later that happened by D, which are all late,
//! applied in ledger order. Like the subject index, it is brought up to the head after each
//! append (never by a read: a read finding it behind folds the whole ledger), and thrown away
//! when the event its position names is no longer the ledger's.

use std::collections::BTreeSet;

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{Date, Digest, Event};

use crate::error::StoreError;
use crate::ledger::{Reader, seq_key};

pub(crate) const LATE_TREE: &str = "late_events";
const POSITION_KEY: &[u8] = b"late_events";
/// How many events are indexed per transaction while the index catches up.
const BATCH: usize = 8192;

fn day_key(day: Date) -> [u8; 4] {
    let year = day.year().to_be_bytes();
    [year[0], year[1], day.month(), day.day()]
}

/// The key of a late event, or `None` when the event is not late.
fn late_key(event: &Event) -> Option<Vec<u8>> {
    let recorded = Date::uk_from_unix_millis(event.recorded_at)?;
    (event.occurred_on < recorded).then(|| {
        let mut key = day_key(event.occurred_on).to_vec();
        key.extend_from_slice(&seq_key(event.seq));
        key
    })
}

impl Reader {
    /// How many events the late index covers, after checking that the last of them is still
    /// the ledger's; an index that fails the check is thrown away (0).
    fn late_position(&self, len: u64) -> Result<u64, StoreError> {
        let position = self.projections.get(POSITION_KEY)?;
        let parsed = position.as_deref().and_then(|value| {
            let next = u64::from_be_bytes(value.get(0..8)?.try_into().ok()?);
            let hash = Digest(value.get(8..40)?.try_into().ok()?);
            Some((next, hash))
        });
        let valid = match parsed {
            Some((0, _)) => true,
            Some((next, hash)) => {
                next <= len
                    && self
                        .events
                        .get(seq_key(next - 1))?
                        .is_some_and(|bytes| wsoa_core::chain_hash(&bytes) == hash)
            }
            None => position.is_none() && self.late.is_empty(),
        };
        if valid {
            return Ok(parsed.map_or(0, |(next, _)| next));
        }
        self.late.clear()?;
        self.projections.remove(POSITION_KEY)?;
        Ok(0)
    }

    /// As [`Reader::index_late`], given the events just appended (`fresh`, in order, with their
    /// chain hashes): when the index stops right before them, they are indexed as they are,
    /// without reading them or the position's event back (its hash must be the first's `prev`).
    pub(crate) fn index_late_with(&self, fresh: &[(&Event, Digest)]) -> Result<(), StoreError> {
        if let (Some((first, _)), Some((last, last_hash))) = (fresh.first(), fresh.last()) {
            let position = self.projections.get(POSITION_KEY)?;
            let mut expected = first.seq.to_be_bytes().to_vec();
            expected.extend_from_slice(first.prev.as_bytes());
            let follows = position.as_deref() == Some(expected.as_slice())
                || first.seq == 0 && position.is_none() && self.late.is_empty();
            if follows && self.len()? == last.seq + 1 {
                let keys: Vec<Vec<u8>> = fresh.iter().filter_map(|(e, _)| late_key(e)).collect();
                return self.write_late(&keys, last.seq + 1, last_hash);
            }
        }
        self.index_late()
    }

    /// Brings the late index up to the head.
    pub(crate) fn index_late(&self) -> Result<(), StoreError> {
        let len = self.len()?;
        let start = self.late_position(len)?;
        if start >= len {
            return Ok(());
        }
        let mut keys = Vec::new();
        let mut count = 0usize;
        for stored in self.events(start, Some(len - 1)) {
            let stored = stored?;
            keys.extend(late_key(&stored.event));
            count += 1;
            if count == BATCH || stored.event.seq == len - 1 {
                self.write_late(&keys, stored.event.seq + 1, &stored.hash)?;
                keys.clear();
                count = 0;
            }
        }
        Ok(())
    }

    fn write_late(&self, keys: &[Vec<u8>], next: u64, hash: &Digest) -> Result<(), StoreError> {
        // Derived data never takes the room an append needs (see `space`).
        self.check_room(12 * keys.len() as u64 + 40)?;
        let mut position = next.to_be_bytes().to_vec();
        position.extend_from_slice(hash.as_bytes());
        (&self.late, &self.projections)
            .transaction(|(late, projections)| {
                // Another reader may have gone further meanwhile: never move the position back.
                if let Some(current) = projections.get(POSITION_KEY)?
                    && current
                        .get(0..8)
                        .and_then(|b| <[u8; 8]>::try_from(b).ok())
                        .is_some_and(|b| u64::from_be_bytes(b) >= next)
                {
                    return Ok(());
                }
                for key in keys {
                    late.insert(key.as_slice(), &[][..])?;
                }
                projections.insert(POSITION_KEY, position.as_slice())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|err| match err {
                sled::transaction::TransactionError::Storage(err) => StoreError::from(err),
                sled::transaction::TransactionError::Abort(()) => {
                    StoreError::Internal("the late index transaction was aborted".into())
                }
            })
    }

    /// The plan as of `day` (by the events' own dates) and when its last event (in ledger order)
    /// was recorded: the plan as known at the end of the day, then the late events recorded
    /// after it that happened by then. `None` when the index cannot be brought up to the head
    /// (no room to write it, say): the caller then reads the whole ledger.
    pub(crate) fn plan_as_of(&self, day: Date) -> Result<Option<(Plan, Option<i64>)>, StoreError> {
        // Written by appends, never by reads: an index behind the head is not used.
        let len = self.len()?;
        if self.late_position(len)? < len {
            return Ok(None);
        }
        let known = self.last_seq_in(Point::Known(day))?;
        let (mut plan, mut last_recorded_at) = match known {
            Some(seq) => self.plan_through(seq)?,
            None => (Plan::current(), None),
        };
        let after = known.map_or(0, |seq| seq + 1);
        let mut seqs = BTreeSet::new();
        let mut end = day_key(day).to_vec();
        end.extend_from_slice(&[0xff; 8]);
        for key in self.late.range(..=end).keys() {
            let key = key?;
            let seq = key
                .get(4..12)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .ok_or_else(|| StoreError::Damaged("a late index key is not 12 bytes".into()))?;
            if seq >= after && seq < len {
                seqs.insert(seq);
            }
        }
        for seq in seqs {
            let stored = self.event(seq)?.ok_or_else(|| {
                StoreError::Damaged(format!(
                    "the late index names event {seq}, which is missing"
                ))
            })?;
            // Checked again, so that an index out of date can never add an event that does not
            // belong to the day.
            if stored.event.occurred_on <= day {
                plan.apply(&stored.event);
                last_recorded_at = Some(stored.event.recorded_at);
            }
        }
        Ok(Some((plan, last_recorded_at)))
    }

    /// Checks the late index against the events, rebuilding it if anything differs. Returns
    /// whether it was rebuilt.
    /// An index behind the head (appends keep it there) counts as out of date.
    pub(crate) fn check_late_index(&self) -> Result<bool, StoreError> {
        let len = self.len()?;
        if self.late_position(len)? == len {
            let mut expected = 0u64;
            let mut matches = true;
            for stored in self.events(0, None) {
                if let Some(key) = late_key(&stored?.event) {
                    expected += 1;
                    if !self.late.contains_key(key)? {
                        matches = false;
                        break;
                    }
                }
            }
            if matches && self.late.len() as u64 == expected {
                return Ok(false);
            }
        }
        self.rebuild_late_index()?;
        Ok(true)
    }

    /// Throws the late index away and builds it again from the events.
    pub(crate) fn rebuild_late_index(&self) -> Result<(), StoreError> {
        self.late.clear()?;
        self.projections.remove(POSITION_KEY)?;
        self.index_late()
    }
}
