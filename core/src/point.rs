//! Points in time: which events a reading folds. `seq:N` (the ledger as it stood after event N),
//! `known:DATE` (what had been recorded by the end of that day), `asof:DATE` or a bare `DATE`
//! (what had happened by that day, by the events' own dates), `visit:last` / `visit:N` (the
//! moment the last / N-th monitoring visit was recorded), and `now`.

use std::fmt;
use std::str::FromStr;

use crate::date::Date;
use crate::event::{Event, EventBody};
use crate::ids::ParseError;

/// A moment to read the ledger at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// Everything recorded so far.
    Now,
    /// The ledger as it stood after this event.
    Seq(u64),
    /// What the ledger had recorded by the end of this day (by `recorded_at`, as a UK date).
    Known(Date),
    /// What had happened by this day (by `occurred_on`), whenever it was recorded.
    AsOf(Date),
    /// The moment a monitoring visit was recorded: the N-th (from 1), or the last when `None`.
    Visit(Option<usize>),
}

/// Whether an event belongs to a point, and whether any later one can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inclusion {
    /// Fold it.
    Include,
    /// Leave it out, but keep reading.
    Skip,
    /// Leave it and every later event out.
    Stop,
}

impl Point {
    /// Whether `event` belongs to this point. `Visit` must be resolved to `Seq` first (see
    /// `visit_seq`); unresolved, it includes everything.
    pub fn includes(&self, event: &Event) -> Inclusion {
        match *self {
            Point::Now | Point::Visit(_) => Inclusion::Include,
            Point::Seq(seq) if event.seq <= seq => Inclusion::Include,
            Point::Seq(_) => Inclusion::Stop,
            // `recorded_at` never decreases along the ledger, so the first event recorded after
            // the day ends the prefix.
            Point::Known(day) => match Date::uk_from_unix_millis(event.recorded_at) {
                Some(recorded) if recorded <= day => Inclusion::Include,
                _ => Inclusion::Stop,
            },
            Point::AsOf(day) if event.occurred_on <= day => Inclusion::Include,
            Point::AsOf(_) => Inclusion::Skip,
        }
    }

    /// The events of `events` (in ledger order) that belong to this point.
    pub fn select<'a>(&self, events: impl IntoIterator<Item = &'a Event>) -> Vec<&'a Event> {
        let mut selected = Vec::new();
        for event in events {
            match self.includes(event) {
                Inclusion::Include => selected.push(event),
                Inclusion::Skip => {}
                Inclusion::Stop => break,
            }
        }
        selected
    }

    /// The date that "today" means at this point, for deciding what is overdue: the day itself
    /// for dates, the day the last folded event was recorded for sequence numbers, and `today`
    /// for now.
    pub fn today(&self, last_recorded_at: Option<i64>, today: Date) -> Date {
        match *self {
            Point::Known(day) | Point::AsOf(day) => day,
            Point::Now => today,
            Point::Seq(_) | Point::Visit(_) => last_recorded_at
                .and_then(Date::uk_from_unix_millis)
                .unwrap_or(today),
        }
    }
}

/// The sequence number of the N-th (from 1) monitoring visit, or of the last when `n` is `None`.
pub fn visit_seq<'a>(n: Option<usize>, events: impl IntoIterator<Item = &'a Event>) -> Option<u64> {
    let mut visits = events
        .into_iter()
        .filter(|event| {
            matches!(
                event.body,
                EventBody::MonitoringVisitRecorded(_) | EventBody::MonitoringVisitFeedback(_)
            )
        })
        .map(|event| event.seq);
    match n {
        Some(n) => visits.nth(n.checked_sub(1)?),
        None => visits.last(),
    }
}

impl FromStr for Point {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Point, ParseError> {
        let bad = || ParseError::Choice {
            what: "point in time",
            input: input.to_owned(),
            allowed: "now, seq:N, known:DATE, asof:DATE, DATE, visit:last or visit:N",
        };
        let text = input.trim();
        let Some((kind, value)) = text.split_once(':') else {
            return if text.eq_ignore_ascii_case("now") {
                Ok(Point::Now)
            } else {
                text.parse().map(Point::AsOf)
            };
        };
        match kind.trim().to_ascii_lowercase().as_str() {
            "seq" => value.trim().parse().map(Point::Seq).map_err(|_| bad()),
            "known" => value.parse().map(Point::Known),
            "asof" => value.parse().map(Point::AsOf),
            "visit" if value.trim().eq_ignore_ascii_case("last") => Ok(Point::Visit(None)),
            "visit" => match value.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Point::Visit(Some(n))),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Now => write!(f, "now"),
            Point::Seq(seq) => write!(f, "seq:{seq}"),
            Point::Known(day) => write!(f, "known:{day}"),
            Point::AsOf(day) => write!(f, "asof:{day}"),
            Point::Visit(None) => write!(f, "visit:last"),
            Point::Visit(Some(n)) => write!(f, "visit:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_prints_it_back() {
        for (text, point) in [
            ("now", Point::Now),
            ("seq:12", Point::Seq(12)),
            (
                "known:2021-07-19",
                Point::Known(Date::new(2021, 7, 19).expect("valid")),
            ),
            (
                "asof:2021-06-30",
                Point::AsOf(Date::new(2021, 6, 30).expect("valid")),
            ),
            ("visit:last", Point::Visit(None)),
            ("visit:2", Point::Visit(Some(2))),
        ] {
            assert_eq!(text.parse::<Point>(), Ok(point));
            assert_eq!(point.to_string(), text);
        }
        assert_eq!(
            "30/06/2021".parse::<Point>(),
            Ok(Point::AsOf(Date::new(2021, 6, 30).expect("valid")))
        );
        for bad in [
            "seq:x",
            "visit:0",
            "when:2021-01-01",
            "2021-02-30",
            "yesterday",
        ] {
            assert!(bad.parse::<Point>().is_err(), "{bad}");
        }
    }
}
