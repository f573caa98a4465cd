//! `wsoa diff`: what changed between two points in time, such as since the last monitoring
//! visit, in headed sections with every item citing its events.

use clap::Args;
use wsoa_core::point::Point;
use wsoa_store::Ledger;

use crate::output::{Format, Printer};

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

/// Folds the plan at each point in one pass over the ledger (`Reader::plans_between`) and
/// prints what changed.
pub fn run(ledger: &Ledger, args: &DiffArgs, out: &Printer) -> anyhow::Result<()> {
    let changes = ledger
        .plans_between(args.from, args.to)?
        .changes(&args.from, &args.to);
    match out.format {
        Format::Json => out.json(&serde_json::to_value(&changes)?),
        Format::Text => {
            // Text from events is printed with control and invisible characters as code points.
            for line in changes.text().lines() {
                out.line(&wsoa_core::text::terminal_line(line))?;
            }
            Ok(())
        }
    }
}
