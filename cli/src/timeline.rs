//! `wsoa timeline`: the history as people read it, one line per event with both of its dates,
//! who recorded it and a plain-English sentence; late entries are flagged.

use anyhow::Context as _;
use clap::Args;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Filter};
use wsoa_core::{Date, SubjectRef};
use wsoa_store::Ledger;

use crate::output::{Format, Printer};
use crate::point::{At, resolve};

/// What to show of the history.
#[derive(Args, Debug)]
pub struct TimelineArgs {
    /// Only events about this thing or anything under it (a workstream's actions, a weakness's
    /// workstreams, actions and measures): an id such as WS1 or 1.1, or kind:id such as
    /// weakness:W1.
    #[arg(long, value_name = "ID")]
    about: Option<SubjectRef>,
    /// Only events that happened on or after this day.
    #[arg(long, value_name = "DATE")]
    since: Option<Date>,
    /// Only events that happened on or before this day.
    #[arg(long, value_name = "DATE")]
    until: Option<Date>,
    /// Only events recorded by someone whose name contains this (any case). (`--actor` names
    /// who is recording, so the filter is `--by`.)
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// Only events of this kind, such as action_status_changed or measure_recorded.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Flag events recorded this many days or more after they happened.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_LATE_AFTER as u32)]
    late_after: u32,
    #[command(flatten)]
    at: At,
}

/// Prints the timeline at the chosen point, filtered: a line per event for people (then a
/// count), or one JSON object per line.
pub fn run(ledger: &Ledger, args: &TimelineArgs, out: &Printer) -> anyhow::Result<()> {
    let filter = Filter {
        about: args.about.clone(),
        since: args.since,
        until: args.until,
        actor: args.by.clone(),
        kind: args.kind.clone(),
    };
    // Check what needs no ledger first, so a mistyped kind is reported as such.
    if filter.kind.is_some() {
        Filter {
            kind: filter.kind.clone(),
            ..Filter::default()
        }
        .compile(&Plan::default())?;
    }
    let point = resolve(ledger, args.at.point())?;
    // `--about` is resolved in the plan as it stood at the point, so that its children are
    // known; the timeline itself is built in a second pass (through the subject index, reading
    // only the events about them, when the point is a prefix of the ledger).
    let plan = if filter.about.is_some() {
        ledger.plan_at(point)?.0
    } else {
        Plan::default()
    };
    let matcher = filter.compile(&plan).with_context(|| match point {
        Point::Now => "--about".to_owned(),
        other => format!("--about, reading the ledger at {other}"),
    })?;
    let late_after = i64::from(args.late_after);
    let (mut shown, mut late) = (0u64, 0u64);
    ledger.for_each_entry(point, &matcher, |entry| -> anyhow::Result<()> {
        shown += 1;
        if entry.is_late(late_after) {
            late += 1;
        }
        match out.format {
            Format::Json => out.json(&serde_json::to_value(entry.view(late_after))?),
            Format::Text => out.line(&entry.line(late_after)),
        }
    })?;
    if out.format == Format::Text {
        let summary = match (shown, late) {
            (0, _) => "No events match.".to_owned(),
            (shown, 0) => format!("{}; none recorded late.", events(shown)),
            (shown, late) => format!(
                "{}; {} recorded {late_after} or more days after {} happened (LATE).",
                events(shown),
                late,
                if late == 1 { "it" } else { "they" }
            ),
        };
        out.line(&summary)?;
    }
    Ok(())
}

fn events(n: u64) -> String {
    if n == 1 {
        "1 event".to_owned()
    } else {
        format!("{n} events")
    }
}
