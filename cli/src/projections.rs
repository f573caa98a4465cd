//! `wsoa projections`: the kept projections (plan snapshots, derived from the events and never
//! hashed), checked against the events or rebuilt from them on demand.

use clap::Subcommand;
use serde_json::json;
use wsoa_store::Ledger;

use crate::output::{Format, Printer};

/// What to do with the kept projections.
#[derive(Subcommand, Debug)]
pub enum ProjectionsCommand {
    /// Throw the kept projections away and build them again from the events.
    #[command(after_help = "Example:\n  wsoa --data ./northshire projections rebuild")]
    Rebuild,
    /// Compare the kept projections with a fresh fold of the events, rebuilding any that
    /// differ (as `wsoa verify` does after checking the chain).
    #[command(after_help = "Example:\n  wsoa --data ./northshire projections check")]
    Check,
}

/// Runs a `wsoa projections` subcommand.
pub fn run(ledger: &Ledger, command: &ProjectionsCommand, out: &Printer) -> anyhow::Result<()> {
    let events = ledger.len()?;
    match command {
        ProjectionsCommand::Rebuild => {
            let bar = crate::progress::Progress::events("rebuilding the projections", events, out);
            let written = ledger.rebuild_projections_with_progress(&mut |done| bar.set(done))?;
            bar.finish();
            let every = ledger.snapshot_spacing()?;
            match out.format {
                Format::Json => out.json(&json!({
                    "events": events,
                    "snapshots": written,
                    "snapshot_spacing": every,
                }))?,
                Format::Text => out.line(&format!(
                    "Rebuilt the kept projections from {events} events: {written} plan {} (one after every {every} events).",
                    if written == 1 { "snapshot" } else { "snapshots" }
                ))?,
            }
        }
        ProjectionsCommand::Check => {
            let check = ledger.check_projections()?;
            match out.format {
                Format::Json => out.json(&json!({
                    "events": events,
                    "matched": check.matched,
                    "rebuilt": check.rebuilt,
                    "removed": check.removed,
                }))?,
                Format::Text if check.is_clean() => out.line(&format!(
                    "The kept projections match the {events} events: {} plan {}.",
                    check.matched,
                    if check.matched == 1 { "snapshot" } else { "snapshots" }
                ))?,
                Format::Text => out.line(&format!(
                    "Derived data was out of date and has been rebuilt from the {events} events (the history itself is not affected; `wsoa verify` checks it): {} plan snapshots matched, {} written again, {} beyond the last event removed.",
                    check.matched,
                    check.rebuilt.len(),
                    check.removed.len()
                ))?,
            }
        }
    }
    Ok(())
}
