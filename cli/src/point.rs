//! The point-in-time options every reading command takes, and streaming the events that belong
//! to a point out of the ledger.

use anyhow::{Context as _, bail};
use clap::Args;
use wsoa_core::point::{Inclusion, Point, visit_seq};
use wsoa_core::{Date, EventBody};
use wsoa_store::{Ledger, StoredEvent};

/// When to read the ledger at; at most one may be given (default: now).
#[derive(Args, Debug, Clone, Default)]
pub struct At {
    /// The ledger as it stood after this event.
    #[arg(long, value_name = "SEQ", group = "when")]
    pub at: Option<u64>,
    /// What the ledger had recorded by the end of this day.
    #[arg(long, value_name = "DATE", group = "when")]
    pub as_known: Option<Date>,
    /// What had happened by this day, by the events' own dates.
    #[arg(long, value_name = "DATE", group = "when")]
    pub as_of: Option<Date>,
    /// Any point as one value: now, seq:N, known:DATE, asof:DATE, DATE, visit:last or visit:N.
    #[arg(long, value_name = "POINT", group = "when")]
    pub point: Option<Point>,
}

impl At {
    /// The point these options name.
    pub fn point(&self) -> Point {
        if let Some(seq) = self.at {
            Point::Seq(seq)
        } else if let Some(day) = self.as_known {
            Point::Known(day)
        } else if let Some(day) = self.as_of {
            Point::AsOf(day)
        } else {
            self.point.unwrap_or(Point::Now)
        }
    }
}

/// Resolves `visit:N` and `visit:last` to the sequence number of that visit's event, and checks
/// that `seq:N` names an event that exists.
pub fn resolve(ledger: &Ledger, point: Point) -> anyhow::Result<Point> {
    match point {
        Point::Visit(n) => {
            let mut visits = Vec::new();
            for stored in ledger.events(0, None) {
                let stored = stored?;
                if matches!(stored.event.body, EventBody::MonitoringVisitRecorded(_)) {
                    visits.push(stored.event);
                }
            }
            match visit_seq(n, &visits) {
                Some(seq) => Ok(Point::Seq(seq)),
                None if visits.is_empty() => {
                    bail!("no monitoring visit has been recorded yet, so {point} names no moment")
                }
                None => bail!(
                    "{point} names no moment: {} monitoring visits have been recorded",
                    visits.len()
                ),
            }
        }
        Point::Seq(seq) => {
            let len = ledger.len()?;
            if seq >= len {
                bail!(
                    "there is no event {seq}: the ledger has {len} events; give --at a number from 0 to {}",
                    len.saturating_sub(1)
                );
            }
            Ok(point)
        }
        other => Ok(other),
    }
}

/// Calls `each` with every event that belongs to `point` (already resolved), in ledger order,
/// reading the ledger as a stream.
pub fn for_each(
    ledger: &Ledger,
    point: Point,
    mut each: impl FnMut(&StoredEvent) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let to = match point {
        Point::Seq(seq) => Some(seq),
        _ => None,
    };
    for stored in ledger.events(0, to) {
        let stored = stored.context("reading the ledger")?;
        match point.includes(&stored.event) {
            Inclusion::Include => each(&stored)?,
            Inclusion::Skip => {}
            Inclusion::Stop => break,
        }
    }
    Ok(())
}
