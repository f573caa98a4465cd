//! Reading the ledger at a point in time: resolving a point (`visit:last`, `seq:N`) against the
//! events, streaming the events that belong to it, and the folds every reader needs (the plan,
//! the plan at two points with the events between, the impact narrative). The CLI and the
//! server both read through these, so the same question always gets the same answer.

use wsoa_core::narrative::{EventRecord, Narrative, Source};
use wsoa_core::plan::Plan;
use wsoa_core::point::{Inclusion, Point};
use wsoa_core::{Date, Digest, Event};

use crate::error::StoreError;
use crate::ledger::{Reader, StoredEvent};

fn query(message: impl Into<String>) -> StoreError {
    StoreError::Query(message.into())
}

impl Reader {
    /// Resolves `visit:N` and `visit:last` to the sequence number of that visit's event, and
    /// checks that `seq:N` names an event that exists.
    pub fn resolve_point(&self, point: Point) -> Result<Point, StoreError> {
        match point {
            Point::Visit(n) => {
                // The plan lists every monitoring visit in ledger order, each citing its event,
                // so the kept plan now names them without reading the ledger again.
                let (plan, _) = self.plan_now()?;
                let seq = match n {
                    Some(n) => n
                        .checked_sub(1)
                        .and_then(|i| plan.visits.get(i))
                        .map(|visit| visit.cite.seq),
                    None => plan.visits.last().map(|visit| visit.cite.seq),
                };
                match seq {
                    Some(seq) => Ok(Point::Seq(seq)),
                    None if plan.visits.is_empty() => Err(query(format!(
                        "no monitoring visit has been recorded yet, so {point} names no moment"
                    ))),
                    None => Err(query(format!(
                        "{point} names no moment: {} monitoring visits have been recorded",
                        plan.visits.len()
                    ))),
                }
            }
            Point::Seq(seq) => {
                let len = self.len()?;
                if seq >= len {
                    return Err(query(format!(
                        "there is no event {seq}: the ledger has {len} events, numbered from 0 to {}",
                        len.saturating_sub(1)
                    )));
                }
                Ok(point)
            }
            other => Ok(other),
        }
    }

    /// Calls `each` with every event that belongs to `point` (already resolved), in ledger
    /// order, reading the ledger as a stream.
    pub fn for_each_at<E: From<StoreError>>(
        &self,
        point: Point,
        mut each: impl FnMut(&StoredEvent) -> Result<(), E>,
    ) -> Result<(), E> {
        let to = match point {
            Point::Seq(seq) => Some(seq),
            _ => None,
        };
        for stored in self.events(0, to) {
            let stored = stored?;
            match point.includes(&stored.event) {
                Inclusion::Include => each(&stored)?,
                Inclusion::Skip => {}
                Inclusion::Stop => break,
            }
        }
        Ok(())
    }

    /// The plan as it stands at `point` (already resolved; [`wsoa_core::plan::Detail::Current`]:
    /// each thing's latest changes, not its history), and when its last event was recorded.
    ///
    /// The plan now is kept between calls (shared by every clone of this `Reader`) and brought
    /// up to date by folding only the events appended since, so a server answering many reads
    /// of the current plan folds each event once, not once per read. The plan at any other
    /// prefix of the ledger (`seq:N`, `known:DATE`) is the nearest kept snapshot plus the events
    /// after it; "as of" a date is the plan as known at the end of that day plus the events
    /// recorded later that happened by then (see `late`).
    pub fn plan_at(&self, point: Point) -> Result<(Plan, Option<i64>), StoreError> {
        match point {
            Point::Now => return self.plan_now(),
            Point::Seq(seq) if seq < self.len()? => return self.plan_through(seq),
            Point::Known(_) => {
                return match self.last_seq_in(point)? {
                    Some(seq) => self.plan_through(seq),
                    None => Ok((Plan::current(), None)),
                };
            }
            Point::AsOf(day) => {
                if let Some(found) = self.plan_as_of(day)? {
                    return Ok(found);
                }
            }
            _ => {}
        }
        let mut plan = Plan::current();
        let mut last_recorded_at = None;
        self.for_each_at(point, |stored| {
            plan.apply(&stored.event);
            last_recorded_at = Some(stored.event.recorded_at);
            Ok::<(), StoreError>(())
        })?;
        Ok((plan, last_recorded_at))
    }

    /// The plan at two points (unresolved; `from` must not be later than `to`) and the events
    /// in the later but not the earlier, folded in one pass over the ledger.
    pub fn plans_between(&self, from: Point, to: Point) -> Result<Between, StoreError> {
        let (asked_from, asked_to) = (from, to);
        let from = self.resolve_point(from)?;
        let to = self.resolve_point(to)?;
        if let (Point::AsOf(a), Point::AsOf(b)) = (from, to)
            && a > b
        {
            return Err(query(format!(
                "the first moment, {asked_from}, is after the second, {asked_to}: give the earlier one first"
            )));
        }
        if is_prefix(from) && is_prefix(to) {
            return self.prefixes_between(asked_from, asked_to, from, to);
        }
        let (mut before, mut after) = (Plan::current(), Plan::default());
        let mut between: Vec<Event> = Vec::new();
        let (mut from_open, mut to_open) = (true, true);
        for stored in self.events(0, None) {
            let event = stored?.event;
            let take = |point: Point, open: &mut bool| {
                *open
                    && match point.includes(&event) {
                        Inclusion::Include => true,
                        Inclusion::Skip => false,
                        Inclusion::Stop => {
                            *open = false;
                            false
                        }
                    }
            };
            let in_from = take(from, &mut from_open);
            let in_to = take(to, &mut to_open);
            if in_from {
                before.apply(&event);
            }
            if in_to {
                after.apply(&event);
                if !in_from {
                    between.push(event);
                }
            }
            if !from_open && !to_open {
                break;
            }
        }
        Ok(Between {
            before,
            after,
            events: between,
        })
    }

    /// `plans_between` for two prefixes of the ledger: the earlier plan from the nearest kept
    /// snapshot, the later one by folding only the events between them.
    fn prefixes_between(
        &self,
        asked_from: Point,
        asked_to: Point,
        from: Point,
        to: Point,
    ) -> Result<Between, StoreError> {
        let (before_end, after_end) = (self.last_seq_in(from)?, self.last_seq_in(to)?);
        if before_end > after_end {
            return Err(query(format!(
                "the first moment, {asked_from} (event {}), is after the second, {asked_to} (event {}): give the earlier one first",
                before_end.map_or("none".to_owned(), |s| s.to_string()),
                after_end.map_or("none".to_owned(), |s| s.to_string()),
            )));
        }
        let before = match before_end {
            Some(seq) => self.plan_through(seq)?.0,
            None => Plan::current(),
        };
        // The diff reads only the changes after the first point: the later plan keeps every
        // change from there on.
        let mut after = before.clone().keeping_history();
        let mut events = Vec::new();
        let start = before_end.map_or(0, |seq| seq + 1);
        if let Some(end) = after_end.filter(|end| *end >= start) {
            for stored in self.events(start, Some(end)) {
                let event = stored?.event;
                after.apply(&event);
                events.push(event);
            }
        }
        Ok(Between {
            before,
            after,
            events,
        })
    }

    /// The impact narrative at `point` (unresolved), and the ledger prefix it was built from,
    /// judging deadlines "now" as at the day the last event was recorded, so that the same
    /// events always give the same text.
    pub fn narrative_at(&self, point: Point) -> Result<(Narrative, Source), StoreError> {
        self.narrative_judged(point, None)
    }

    /// The impact narrative at `point` (unresolved), judged as the plan's pages and the
    /// tracker workbook judge it: "now" as at `today` (the clock's day), any other point as at
    /// its own day (`Point::today`).
    pub fn narrative_judged_at(
        &self,
        point: Point,
        today: Date,
    ) -> Result<(Narrative, Source), StoreError> {
        self.narrative_judged(point, Some(today))
    }

    fn narrative_judged(
        &self,
        point: Point,
        clock: Option<Date>,
    ) -> Result<(Narrative, Source), StoreError> {
        let mut point = self.resolve_point(point)?;
        let now = point == Point::Now;
        if now {
            let len = self.len()?;
            if len == 0 {
                return Err(query(
                    "the ledger has no events yet, so there is nothing to narrate",
                ));
            }
            point = Point::Seq(len - 1);
        }
        let mut plan = Plan::default();
        let mut records = Vec::new();
        let mut last: Option<(u64, Digest, i64)> = None;
        self.for_each_at(point, |stored| {
            plan.apply(&stored.event);
            records.push(EventRecord {
                seq: stored.event.seq,
                kind: stored.event.body.kind(),
                hash: stored.hash,
            });
            last = Some((stored.event.seq, stored.hash, stored.event.recorded_at));
            Ok::<(), StoreError>(())
        })?;
        let Some((last_seq, last_hash, last_recorded_at)) = last else {
            return Err(query(format!(
                "no event belongs to {point}, so there is nothing to narrate"
            )));
        };
        let (read, head, as_of) = match point {
            // An "as of" reading skips events that happened later but reads the whole ledger.
            Point::AsOf(day) => {
                let head = self.head()?;
                (head.len, head.hash, Some(day))
            }
            _ => (last_seq + 1, last_hash, None),
        };
        let recorded_day = Date::from_unix_millis(last_recorded_at).ok_or_else(|| {
            query("an event was recorded outside the years this program supports")
        })?;
        let source = Source {
            folded: records.len() as u64,
            read,
            head,
            as_of,
            today: match clock {
                Some(today) if now => today,
                Some(today) => point.today(Some(last_recorded_at), today),
                None => point.today(Some(last_recorded_at), recorded_day),
            },
        };
        Ok((Narrative::build(&plan, &records, &source), source))
    }
}

impl Reader {
    /// The last event a prefix point (`now`, `seq:N`, `known:DATE`) includes, if any, found by
    /// bisection: `recorded_at` never decreases along the ledger, so the events a "known" point
    /// includes are a prefix.
    pub fn last_seq_in(&self, point: Point) -> Result<Option<u64>, StoreError> {
        let len = self.len()?;
        match point {
            Point::Now => return Ok(len.checked_sub(1)),
            Point::Seq(seq) => return Ok(len.checked_sub(1).map(|last| last.min(seq))),
            Point::Known(_) => {}
            other => {
                return Err(StoreError::Internal(format!(
                    "{other} does not select a prefix of the ledger"
                )));
            }
        }
        // Events below `lo` belong to the point; events from `hi` on do not.
        let (mut lo, mut hi) = (0u64, len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let stored = self.event(mid)?.ok_or_else(|| {
                StoreError::Damaged(format!(
                    "the head record counts {len} events, but event {mid} is missing"
                ))
            })?;
            if point.includes(&stored.event) == Inclusion::Include {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo.checked_sub(1))
    }

    pub(crate) fn plan_now(&self) -> Result<(Plan, Option<i64>), StoreError> {
        // Held while folding: a second reader waits for the first's result rather than
        // repeating its work.
        let mut cache = self
            .plan_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = cache.get_or_insert_with(PlanNow::empty);
        // The kept plan is used only if the event it ends with is still the ledger's (a history
        // cut short or rewritten behind the ledger's back is folded again from the start).
        if let Some(last) = now.next.checked_sub(1) {
            let still = self.event(last)?.map(|stored| stored.hash);
            if still != now.last_hash {
                *now = PlanNow::empty();
            }
        }
        // A first read (or one after a cut) starts from the newest kept snapshot, not event 0.
        if now.next == 0
            && let Some(snapshot) = self.snapshot_at_or_below(u64::MAX)?
        {
            *now = PlanNow {
                next: snapshot.seq + 1,
                last_hash: Some(snapshot.hash),
                last_recorded_at: Some(snapshot.recorded_at),
                plan: snapshot.plan,
            };
        }
        // Folded in place: a read that fails half way leaves the plan at the last event it
        // folded, and the next read goes on from there.
        for stored in self.events(now.next, None) {
            let stored = stored?;
            now.plan.apply(&stored.event);
            now.last_recorded_at = Some(stored.event.recorded_at);
            now.last_hash = Some(stored.hash);
            now.next = stored.event.seq + 1;
        }
        Ok((now.plan.clone(), now.last_recorded_at))
    }
}

/// The plan as it stands after the first `next` events, kept by `Reader::plan_at(Point::Now)`.
#[derive(Clone)]
pub(crate) struct PlanNow {
    plan: Plan,
    last_recorded_at: Option<i64>,
    /// The chain hash of event `next - 1`, to tell that it is still there.
    last_hash: Option<Digest>,
    next: u64,
}

impl PlanNow {
    fn empty() -> PlanNow {
        PlanNow {
            plan: Plan::current(),
            last_recorded_at: None,
            last_hash: None,
            next: 0,
        }
    }
}

/// The plan at two points and the events between them.
pub struct Between {
    /// The plan at the earlier point.
    pub before: Plan,
    /// The plan at the later point.
    pub after: Plan,
    /// The events in the later point but not the earlier, in ledger order.
    pub events: Vec<Event>,
}

impl Between {
    /// What changed from the earlier plan to the later, each moment described by the point it
    /// was asked for (`from`, `to`, as given before resolving).
    pub fn changes(&self, from: &Point, to: &Point) -> wsoa_core::diff::Diff {
        let events: Vec<&Event> = self.events.iter().collect();
        let mut changes = wsoa_core::diff::diff(&self.before, &self.after, &events);
        changes.from = wsoa_core::diff::Moment::new(from, &self.before);
        changes.to = wsoa_core::diff::Moment::new(to, &self.after);
        changes
    }
}

/// Whether a point selects a prefix of the ledger (so that two such points can be ordered by
/// their last events).
fn is_prefix(point: Point) -> bool {
    matches!(point, Point::Now | Point::Seq(_) | Point::Known(_))
}
