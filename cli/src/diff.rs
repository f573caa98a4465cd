//! `wsoa diff`: what changed between two points in time, such as since the last monitoring
//! visit, in headed sections with every item citing its events.

use clap::Args;
use wsoa_core::Event;
use wsoa_core::diff::{Moment, diff};
use wsoa_core::plan::Plan;
use wsoa_core::point::{Inclusion, Point};
use wsoa_store::Ledger;

use crate::output::{Format, Printer};
use crate::point::resolve;

/// The two points to compare.
#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier point: seq:N, known:DATE, asof:DATE, DATE, visit:last or visit:N.
    #[arg(long, value_name = "POINT")]
    from: Point,
    /// The later point (default: now).
    #[arg(long, value_name = "POINT", default_value = "now")]
    to: Point,
}

/// Whether a point reads a prefix of the ledger (so that its last event bounds it).
fn is_prefix(point: Point) -> bool {
    matches!(point, Point::Now | Point::Seq(_) | Point::Known(_))
}

/// Folds the plan at each point in one pass over the ledger, collects the events in the later
/// but not the earlier, and prints what changed.
pub fn run(ledger: &Ledger, args: &DiffArgs, out: &Printer) -> anyhow::Result<()> {
    let from = resolve(ledger, args.from)?;
    let to = resolve(ledger, args.to)?;
    if let (Point::AsOf(a), Point::AsOf(b)) = (from, to)
        && a > b
    {
        anyhow::bail!(
            "--from {} is after --to {}: give the earlier point first",
            args.from,
            args.to
        );
    }
    let (mut before, mut after) = (Plan::default(), Plan::default());
    let mut between: Vec<Event> = Vec::new();
    let (mut from_open, mut to_open) = (true, true);
    for stored in ledger.events(0, None) {
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
    if is_prefix(from) && is_prefix(to) && before.last_seq > after.last_seq {
        anyhow::bail!(
            "--from {} (event {}) is after --to {} (event {}): give the earlier point first",
            args.from,
            before.last_seq.map_or("none".to_owned(), |s| s.to_string()),
            args.to,
            after.last_seq.map_or("none".to_owned(), |s| s.to_string()),
        );
    }
    let events: Vec<&Event> = between.iter().collect();
    let mut changes = diff(&before, &after, &events);
    changes.from = Moment::new(&args.from, &before);
    changes.to = Moment::new(&args.to, &after);
    match out.format {
        Format::Json => out.json(&serde_json::to_value(&changes)?),
        Format::Text => {
            for line in changes.text().lines() {
                out.line(line)?;
            }
            Ok(())
        }
    }
}
