//! The point-in-time options every reading command takes, and streaming the events that belong
//! to a point out of the ledger.

use clap::Args;
use wsoa_core::Date;
use wsoa_core::point::Point;
use wsoa_store::{Reader, StoredEvent};

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
/// that `seq:N` names an event that exists (`Reader::resolve_point`).
pub fn resolve(ledger: &Reader, point: Point) -> anyhow::Result<Point> {
    Ok(ledger.resolve_point(point)?)
}

/// Calls `each` with every event that belongs to `point` (already resolved), in ledger order,
/// reading the ledger as a stream (`Reader::for_each_at`).
pub fn for_each(
    ledger: &Reader,
    point: Point,
    each: impl FnMut(&StoredEvent) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    ledger.for_each_at(point, each)
}
