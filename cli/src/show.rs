//! `wsoa show`: the plan now or at any point in time, as a tree for people, JSON for programs,
//! CSV for a spreadsheet tracker, or an Excel workbook (`--format xlsx --out FILE`, see `xlsx`).
//! The rendering is `wsoa_core::show` (and `xlsx`); this only reads the events and writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use wsoa_core::Date;
use wsoa_core::timeline::Timeline;
use wsoa_store::Ledger;

use crate::output::{Format, OutputFormat, Printer, write_file};
use crate::point::{At, for_each, resolve};

/// The options of `wsoa show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Write to this file instead of standard output (needed with --format xlsx).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite the file given with --out if it already exists.
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    at: At,
}

/// Folds the events of the chosen point into the plan and prints it (or writes it to `--out`).
/// Overdue actions are judged against the point's own "today": the day itself for `--as-of`
/// and `--as-known`, the day the last event was recorded for `--at` and `--point visit:N`, and
/// the real date for now.
pub fn run(data: &Path, args: &ShowArgs, out: &Printer) -> anyhow::Result<()> {
    if out.requested.writes_file() && args.out.is_none() {
        bail!(out.requested.needs_out());
    }
    if let (OutputFormat::Xlsx, Some(path)) = (out.requested, &args.out) {
        return workbook(&Ledger::open(data)?, args, path);
    }
    let ledger = Ledger::open(data)?;
    let point = resolve(&ledger, args.at.point())?;
    let (plan, last_recorded_at) = ledger.plan_at(point)?;
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
    match &args.out {
        Some(path) => {
            write_file(path, printed.as_bytes(), args.force)?;
            writeln!(
                std::io::stdout().lock(),
                "Wrote the plan as it stood on {} ({} actions, from {} events) to {}.",
                today.long(),
                plan.actions.len(),
                plan.events,
                path.display()
            )?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(printed.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// Writes the tracker workbook of the chosen point to `path`. One pass over the events gives
/// both the plan and the history sheet: the timeline keeps the plan as it folds.
fn workbook(ledger: &Ledger, args: &ShowArgs, path: &Path) -> anyhow::Result<()> {
    let point = resolve(ledger, args.at.point())?;
    let mut timeline = Timeline::new();
    let mut history = Vec::new();
    for_each(ledger, point, |stored| {
        history.push(timeline.entry(&stored.event, stored.hash));
        Ok(())
    })?;
    let last_recorded_at = history.last().map(|entry| entry.recorded_at);
    let today = point.today(last_recorded_at, clock_today()?);
    let plan = timeline.plan();
    let bytes = wsoa_papers::xlsx::workbook(plan, &history, today)?;
    write_file(path, &bytes, args.force)?;
    writeln!(
        std::io::stdout().lock(),
        "Wrote the tracker as it stood on {} ({} actions, {} measures, {} events of history) to {}.",
        today.long(),
        plan.actions.len(),
        plan.measures.len(),
        history.len(),
        path.display()
    )?;
    Ok(())
}

/// Today's date in the UK by the system clock.
fn clock_today() -> anyhow::Result<Date> {
    crate::uk_day(crate::now_millis()?)
}
