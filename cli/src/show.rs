//! `wsoa show`: the plan now or at any point in time, as a tree for people, JSON for programs or
//! CSV for a spreadsheet tracker. The rendering is `wsoa_core::show`; this only reads the events.

use std::io::Write;

use anyhow::Context as _;
use clap::Args;
use wsoa_core::Date;
use wsoa_core::plan::Plan;
use wsoa_store::Ledger;

use crate::output::{Format, Printer};
use crate::point::{At, for_each, resolve};

#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    at: At,
}

/// Folds the events of the chosen point into the plan and prints it. Overdue actions are judged
/// against the point's own "today": the day itself for `--as-of` and `--as-known`, the day the
/// last event was recorded for `--at` and `--point visit:N`, and the real date for now.
pub fn run(ledger: &Ledger, args: &ShowArgs, out: &Printer) -> anyhow::Result<()> {
    let point = resolve(ledger, args.at.point())?;
    let mut plan = Plan::default();
    let mut last_recorded_at = None;
    for_each(ledger, point, |stored| {
        plan.apply(&stored.event);
        last_recorded_at = Some(stored.event.recorded_at);
        Ok(())
    })?;
    let today = point.today(last_recorded_at, clock_today()?);
    let printed = if out.csv {
        wsoa_core::show::csv(&plan, today)
    } else {
        match out.format {
            Format::Text => wsoa_core::show::text(&plan, today),
            Format::Json => {
                let mut value = serde_json::to_value(wsoa_core::show::view(&plan, today))?;
                value["point"] = serde_json::json!(point.to_string());
                let mut text = serde_json::to_string_pretty(&value)?;
                text.push('\n');
                text
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(printed.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Today's date in the UK by the system clock.
fn clock_today() -> anyhow::Result<Date> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is set before 1970")?;
    let millis = i64::try_from(now.as_millis()).context("the system clock is out of range")?;
    Date::uk_from_unix_millis(millis)
        .context("the system clock is outside the years this program supports")
}
