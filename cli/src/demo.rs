//! `wsoa demo`: builds the demo ledger of a fictional local area from `wsoa_core::demo::story`,
//! verifies it, and shows how to explore it.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::json;
use wsoa_core::Command;
use wsoa_core::date::format_unix_millis;
use wsoa_core::demo::{AREA, DemoStep, story};
use wsoa_store::{Context, Ledger, StoreError};

use crate::output::{Format, Printer};

/// How many steps without files are appended in one transaction.
const BATCH: usize = 4096;
/// How often, in events, progress is reported on standard error.
const PROGRESS_EVERY: u64 = 100_000;

#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  wsoa --data ./demo demo\n  wsoa --data ./demo-2023 demo --framework 2023\n  wsoa --data ./demo-region demo --events 1000000"
)]
pub struct DemoArgs {
    /// Grow the story to about this many events, as a large area or a region would have (more
    /// workstreams, actions and updates, to October 2023). Without it, the base story of about
    /// 170 events.
    #[arg(long, value_name = "N")]
    events: Option<u64>,
    /// Which story: `2016` (the default) follows one written statement of action to its revisit;
    /// `2023` follows another area from a 2016 inspection, its statement, a revisit with
    /// insufficient progress and an Accelerated Progress Plan, to a 2023-framework inspection
    /// with areas for priority action and for improvement.
    #[arg(long, value_name = "2016|2023", default_value = "2016", value_parser = ["2016", "2023"])]
    framework: String,
}

impl DemoArgs {
    /// The story asked for, and the area it is about.
    fn story(&self) -> anyhow::Result<(Box<dyn Iterator<Item = DemoStep>>, &'static str)> {
        match (self.framework.as_str(), self.events) {
            ("2023", Some(_)) => bail!(
                "--events grows the 2016 story only; leave it out with --framework 2023, or leave out --framework to build a large ledger"
            ),
            ("2023", None) => Ok((
                Box::new(wsoa_core::demo::framework2023::story()),
                wsoa_core::demo::framework2023::AREA,
            )),
            _ => Ok((Box::new(story(self.events)), AREA)),
        }
    }
}

/// What was built, counted as it was appended.
#[derive(Default)]
struct Built {
    events: u64,
    first_recorded_at: Option<i64>,
    last_recorded_at: i64,
    first_evidence: Option<String>,
    /// The evidence packs written, in the order sent.
    packs: Vec<PathBuf>,
}

/// Builds the demo ledger in `data` (which must not already hold one), verifies it and prints a
/// summary with commands to explore it.
pub fn run(data: &Path, args: &DemoArgs, out: &Printer) -> anyhow::Result<()> {
    let (steps, area) = args.story()?;
    refuse_unless_empty(data)?;
    let started = Instant::now();
    let mut ledger = Ledger::create(data)?;
    let built = build(&mut ledger, steps, args.events, started, out)?;
    if built.events >= PROGRESS_EVERY {
        progress(&format!(
            "{} events written in {:.1} s; verifying",
            built.events,
            started.elapsed().as_secs_f64()
        ));
    }
    let report = ledger
        .verify()
        .map_err(|err| StoreError::Damaged(format!("the demo ledger does not verify: {err}")))?;
    // The impact narrative, as a self-contained HTML page beside the ledger's database.
    let narrative_path = data.join("narrative.html");
    // Judged at today, as `wsoa narrative`, `wsoa show` and the workbook judge it.
    let today = crate::uk_day(crate::now_millis()?)?;
    let (narrative, _) = ledger.narrative_judged_at(wsoa_core::point::Point::Now, today)?;
    crate::output::write_file(&narrative_path, narrative.to_html().as_bytes(), true)?;
    let seconds = started.elapsed().as_secs_f64();
    let state = ledger.state()?;
    let counts = [
        ("weaknesses", state.weaknesses.len()),
        ("workstreams", state.workstreams.len()),
        ("actions", state.actions.len()),
        ("measures", state.measures.len()),
        ("evidence", state.evidence.len()),
        ("risks", state.risks.len()),
    ];
    let dir = shell_word(&data.display().to_string());
    let period = built
        .first_recorded_at
        .map(|first| (first, built.last_recorded_at));
    match out.format {
        Format::Json => {
            let mut value = json!({
                "data": data.display().to_string(),
                "area": area,
                "events": built.events,
                "head": report.head.to_hex(),
                "narrative": narrative_path.display().to_string(),
                "seconds": (seconds * 10.0).round() / 10.0,
                "verify": {
                    "ok": true,
                    "events": report.events,
                    "head": report.head.to_hex(),
                    "evidence_checked": report.evidence_checked,
                    "evidence_redacted": report.evidence_redacted,
                    "message": report.to_string(),
                },
            });
            for (name, count) in counts {
                value[name] = json!(count);
            }
            value["packs"] = json!(
                built
                    .packs
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect::<Vec<_>>()
            );
            if let Some((first, last)) = period {
                value["first_recorded_at"] = json!(format_unix_millis(first));
                value["last_recorded_at"] = json!(format_unix_millis(last));
            }
            out.json(&value)
        }
        Format::Text => {
            let count = |name: &str| {
                counts
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0, |(_, c)| *c)
            };
            out.line(&format!(
                "Built a demo ledger of {area} (a fictional local area) in {} in {}.",
                data.display(),
                duration(seconds)
            ))?;
            let when = period
                .and_then(|(first, last)| {
                    let first = wsoa_core::Date::from_unix_millis(first)?;
                    let last = wsoa_core::Date::from_unix_millis(last)?;
                    Some(format!(
                        ", recorded from {} to {}",
                        first.long(),
                        last.long()
                    ))
                })
                .unwrap_or_default();
            out.line(&format!("  {} events{when}", built.events))?;
            out.line(&format!(
                "  {} areas of weakness, {} workstreams, {} actions, {} measures, {} pieces of evidence, {} risks",
                count("weaknesses"),
                count("workstreams"),
                count("actions"),
                count("measures"),
                count("evidence"),
                count("risks"),
            ))?;
            out.line(&format!("  Head hash {}", report.head))?;
            out.line(&format!(
                "  Verified: all {} events link up unaltered, and the content of {} pieces of evidence matches its hash.",
                report.events, report.evidence_checked
            ))?;
            out.line(&format!(
                "  The impact narrative for the revisit: {}",
                narrative_path.display()
            ))?;
            if let Some(first) = built.packs.first() {
                out.line(&format!(
                    "  {} evidence packs sent before reviews, in {}",
                    built.packs.len(),
                    first.parent().unwrap_or(data).display()
                ))?;
            }
            out.line("")?;
            out.line("Explore it:")?;
            let file = built
                .first_evidence
                .as_deref()
                .map_or_else(|| "E1.txt".to_owned(), shell_word);
            let latest = built.events.saturating_sub(20);
            let mut commands = vec![
                (
                    format!("wsoa --data {dir} log"),
                    "the whole history, one event a line",
                ),
                (
                    format!("wsoa --data {dir} log --from {latest}"),
                    "the latest events",
                ),
                (
                    format!("wsoa --data {dir} log --format json --to 5"),
                    "events with their canonical bytes and hashes",
                ),
                (
                    format!("wsoa --data {dir} show"),
                    "the plan now, weakness by weakness",
                ),
                (
                    format!("wsoa --data {dir} show --point visit:1"),
                    "the plan as it stood at the first monitoring visit",
                ),
                (
                    format!("wsoa --data {dir} timeline --about W1"),
                    "everything that happened about one weakness",
                ),
                (
                    format!("wsoa --data {dir} diff --from visit:last"),
                    "what changed since the last monitoring visit",
                ),
                (
                    format!("wsoa --data {dir} narrative --format html --out narrative.html"),
                    "the impact narrative, rebuilt from the ledger",
                ),
                (
                    format!("wsoa --data {dir} verify"),
                    "prove nothing was edited, deleted or reordered",
                ),
                (
                    format!("wsoa --data {dir} evidence get E1 --out {file}"),
                    "a file, checked against its hash",
                ),
            ];
            if let Some(pack) = built.packs.first() {
                commands.push((
                    format!(
                        "wsoa --data {dir} verify {}",
                        shell_word(&pack.display().to_string())
                    ),
                    "an evidence pack as sent, and that the ledger records sending it",
                ));
                commands.push((
                    format!("wsoa --data {dir} timeline --kind pack"),
                    "every evidence pack sent",
                ));
            }
            let width = commands
                .iter()
                .map(|(c, _)| c.len())
                .filter(|len| *len <= 48)
                .max()
                .unwrap_or(0);
            for (command, what) in commands {
                out.line(&format!("  {command:<width$}  # {what}"))?;
            }
            Ok(())
        }
    }
}

/// Refuses a directory that already holds a ledger with events, or other files.
fn refuse_unless_empty(data: &Path) -> anyhow::Result<()> {
    match Ledger::open(data) {
        Ok(ledger) => {
            if !ledger.is_empty()? {
                bail!(
                    "{} already holds a ledger with {} events; the demo builds a new one: choose an empty --data directory",
                    data.display(),
                    ledger.len()?
                );
            }
            Ok(())
        }
        Err(StoreError::NoLedger { .. }) => {
            let has_files = std::fs::read_dir(data)
                .map(|mut entries| entries.next().is_some())
                .unwrap_or(false);
            if has_files {
                bail!(
                    "{} is not empty; the demo builds a new ledger: choose an empty --data directory",
                    data.display()
                );
            }
            Ok(())
        }
        Err(err) => Err(err.into()),
    }
}

/// Appends every step of the story: steps without files in batches, each file on its own after
/// the batch before it, so that the order of the story is kept.
fn build(
    ledger: &mut Ledger,
    steps: impl Iterator<Item = DemoStep>,
    target: Option<u64>,
    started: Instant,
    out: &Printer,
) -> anyhow::Result<Built> {
    let bar = crate::progress::Progress::events("building the demo", target.unwrap_or(0), out);
    let mut built = Built::default();
    let mut pending: Vec<(Command, Context)> = Vec::with_capacity(BATCH);
    let mut reported = 0;
    for step in steps {
        let DemoStep {
            command,
            actor,
            occurred_on,
            recorded_at,
            file,
        } = step;
        built.first_recorded_at.get_or_insert(recorded_at);
        built.last_recorded_at = recorded_at;
        let context = Context {
            actor,
            occurred_on,
            recorded_at,
        };
        match (command, file) {
            (Command::RecordPack(order), _) => {
                flush(ledger, &mut pending, built.events)?;
                built.events += 1;
                built.packs.push(send_pack(ledger, &order, &context)?);
            }
            (Command::AttachEvidence(attach), Some(file)) => {
                flush(ledger, &mut pending, built.events)?;
                built.events += 1;
                built.first_evidence.get_or_insert(file.file_name.clone());
                ledger
                    .attach_evidence(Cursor::new(file.content), attach, &context)
                    .with_context(|| {
                        format!(
                            "demo event {} (evidence {}) was refused",
                            built.events - 1,
                            file.file_name
                        )
                    })?;
            }
            (command, _) => {
                pending.push((command, context));
                built.events += 1;
                if pending.len() >= BATCH {
                    flush(ledger, &mut pending, built.events)?;
                }
            }
        }
        if built.events.is_multiple_of(1024) {
            bar.set(built.events);
        }
        if built.events / PROGRESS_EVERY > reported && !bar.is_shown() {
            reported = built.events / PROGRESS_EVERY;
            progress(&format!(
                "{} events written ({:.1} s)",
                reported * PROGRESS_EVERY,
                started.elapsed().as_secs_f64()
            ));
        }
    }
    flush(ledger, &mut pending, built.events)?;
    bar.finish();
    Ok(built)
}

/// The folder of a demo's `--data` directory that holds the evidence packs its story sent.
pub const PACKS_DIR: &str = "packs";

/// Cuts the pack a step of the story orders into the `packs` folder beside the ledger's own files
/// (as `wsoa pack` would), and records that it was sent.
fn send_pack(
    ledger: &mut Ledger,
    order: &wsoa_core::event::PackSent,
    context: &Context,
) -> anyhow::Result<PathBuf> {
    let folder = ledger.dir().join(PACKS_DIR);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let path = folder.join(&order.file_name);
    let written = crate::pack::write(ledger, order, &path, context)
        .with_context(|| format!("the demo's pack {} was refused", order.file_name))?;
    ledger
        .execute(&Command::RecordPack(written.sent), context)
        .with_context(|| format!("the demo's pack {} was not recorded", order.file_name))?;
    Ok(path)
}

/// Appends the pending steps in one transaction; `end` is the sequence number after the last.
fn flush(
    ledger: &mut Ledger,
    pending: &mut Vec<(Command, Context)>,
    end: u64,
) -> anyhow::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let first = end - pending.len() as u64;
    ledger
        .execute_all(pending.drain(..))
        .map_err(|(index, err)| {
            anyhow::Error::new(err).context(format!(
                "demo event {} was refused (the demo story is wrong; please report it)",
                first + index as u64
            ))
        })?;
    Ok(())
}

/// A duration for people: milliseconds under a second, else seconds.
fn duration(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.1} s")
    }
}

fn progress(message: &str) {
    let _ = writeln!(std::io::stderr(), "wsoa demo: {message}");
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@,".contains(c));
    if plain && !text.is_empty() {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
