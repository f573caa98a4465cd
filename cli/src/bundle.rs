//! `wsoa export`, `wsoa verify BUNDLE` and `wsoa import`: one file with everything an auditor
//! needs (events, evidence content, checkpoints), verified offline exactly as a ledger is, and
//! restored into a new ledger.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;
use wsoa_store::Ledger;

use crate::output::{Format, Printer, new_file};
use crate::read::VerifyArgs;
use wsoa_store::Existing;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The bundle file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Export only the events about this weakness, workstream or action (and what sits under
    /// it), each with an inclusion proof against the latest kept checkpoint: an excerpt.
    #[arg(long, value_name = "ID")]
    about: Option<wsoa_core::SubjectRef>,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    /// The bundle file to restore (from `wsoa export`).
    #[arg(value_name = "FILE", required = true)]
    bundle: Option<PathBuf>,
    /// A verifier key trusted to sign the checkpoints the bundle carries (repeatable): each must
    /// then carry a signature that verifies with one of these keys.
    #[arg(long = "trust", value_name = "VKEY")]
    trust: Vec<wsoa_core::note::Verifier>,
    /// Or import a spreadsheet tracker into the existing ledger.
    #[command(subcommand)]
    pub what: Option<crate::import::ImportCommand>,
}

/// Writes the whole ledger as a bundle (or, with --about, an excerpt); a partly written file is
/// removed on failure.
pub fn export(ledger: &Ledger, args: &ExportArgs, out: &Printer) -> anyhow::Result<()> {
    if let Some(about) = &args.about {
        return excerpt(ledger, about, &args.out, out);
    }
    let mut file = BufWriter::new(new_file(&args.out, Existing::Keep, false)?);
    let bar = crate::progress::Progress::bytes("exporting", None, out);
    let report = ledger.export(bar.writer(&mut file))?;
    bar.finish();
    commit(file, &args.out)?;
    match out.format {
        Format::Json => out.json(&json!({
            "out": args.out.display().to_string(),
            "events": report.events,
            "contents": report.contents,
            "content_bytes": report.content_bytes,
            "checkpoints": report.checkpoints,
            "head": report.head.to_hex(),
            "root": report.root.to_hex(),
            "file_hash": report.file_hash.to_hex(),
        })),
        Format::Text => out.line(&format!(
            "Exported {} events, {} of evidence content ({} bytes) and {} to {}. \
             The head hash is {}. Verify it anywhere with `wsoa verify {}`.",
            report.events,
            counted(report.contents, "piece", "pieces"),
            report.content_bytes,
            counted(report.checkpoints, "checkpoint", "checkpoints"),
            args.out.display(),
            report.head,
            args.out.display()
        )),
    }
}

/// "1 checkpoint", "3 checkpoints".
fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    match n.into() {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// Flushes a bundle or excerpt written through a buffer and moves it into place, durably.
fn commit(file: BufWriter<wsoa_store::NewFile>, path: &Path) -> anyhow::Result<()> {
    file.into_inner()
        .map_err(|err| err.into_error())
        .and_then(wsoa_store::NewFile::commit)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn open(path: &Path) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::new(file))
}

/// Writes the events about `about`, proven against the latest kept checkpoint.
fn excerpt(
    ledger: &Ledger,
    about: &wsoa_core::SubjectRef,
    path: &Path,
    out: &Printer,
) -> anyhow::Result<()> {
    use wsoa_core::plan::Plan;
    use wsoa_core::timeline::{Filter, Timeline};
    let Some((size, note)) = ledger.checkpoints()?.pop() else {
        anyhow::bail!(
            "an excerpt is proven against a signed checkpoint, and none is kept yet: sign one with `wsoa checkpoint --key FILE`"
        );
    };
    let mut plan = Plan::default();
    let mut events = Vec::new();
    for stored in ledger.events(0, Some(size.saturating_sub(1))) {
        let stored = stored?;
        plan.apply(&stored.event);
        events.push(stored);
    }
    let matcher = Filter {
        about: Some(about.clone()),
        ..Filter::default()
    }
    .compile(&plan)
    .context("--about")?;
    let mut timeline = Timeline::new();
    let seqs: Vec<u64> = events
        .iter()
        .filter(|stored| matcher.matches(&timeline.entry(&stored.event, stored.hash)))
        .map(|stored| stored.event.seq)
        .collect();
    let mut file = BufWriter::new(new_file(path, Existing::Keep, false)?);
    let proven = ledger.export_excerpt(&seqs, size, &note, &mut file)?;
    commit(file, path)?;
    match out.format {
        Format::Json => out.json(&json!({ "out": path.display().to_string(), "events": proven, "checkpoint_size": size })),
        Format::Text => out.line(&format!(
            "Exported {proven} events about {} to {}, each with its inclusion proof against the checkpoint of {size} events. Check it anywhere with `wsoa verify {} --trust VKEY`.",
            about.id,
            path.display(),
            path.display()
        )),
    }
}

/// Whether the file at `path` is an excerpt rather than a whole bundle.
pub fn is_excerpt(path: &Path) -> bool {
    let mut start = vec![0u8; wsoa_store::EXCERPT_MAGIC.len()];
    File::open(path)
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut start))
        .is_ok()
        && start == wsoa_store::EXCERPT_MAGIC
}

/// Verifies an excerpt offline: its checkpoint's signatures (with --trust) and every event's
/// inclusion proof. Exit 0, or 1 with what failed.
pub fn verify_excerpt(path: &Path, args: &VerifyArgs, out: &Printer) -> anyhow::Result<ExitCode> {
    match wsoa_store::verify_excerpt(open(path)?, args.trusted()) {
        Ok(report) => {
            let signed = if report.signers.is_empty() {
                "whose signatures were not checked (give --trust VKEY to check them)".to_owned()
            } else {
                format!("signed by {}", report.signers.join(" and "))
            };
            let message = format!(
                "The excerpt is intact: each of its {} events ({}) is in the ledger {} as of the checkpoint of {} events {signed}, by its inclusion proof; {} pieces of evidence content match their hashes.",
                report.events.len(),
                report
                    .events
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                report.origin,
                report.size,
                report.contents
            );
            match out.format {
                Format::Json => out.json(&json!({ "ok": true, "events": report.events, "size": report.size, "root": report.root.to_hex(), "message": message }))?,
                Format::Text => out.line(&message)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            match out.format {
                Format::Json => out.json(&json!({ "ok": false, "message": err.to_string() }))?,
                Format::Text => out.line(&format!("The excerpt does NOT verify: {err}"))?,
            }
            Ok(ExitCode::from(crate::EXIT_FAILED))
        }
    }
}

/// The packs a ledger records having sent, when there is a ledger in `data` (none otherwise),
/// for `verify FILE` to say whether the file is one of them.
pub fn packs_sent(
    data: &Path,
) -> anyhow::Result<Option<(PathBuf, Vec<wsoa_core::plan::PackView>)>> {
    if !data.exists() {
        return Ok(None);
    }
    let ledger = match Ledger::open(data) {
        Ok(ledger) => ledger,
        Err(wsoa_store::StoreError::NoLedger { .. }) => return Ok(None),
        Err(err) => {
            eprintln!(
                "wsoa: note: cannot read the ledger in {} to say whether it records this file as a pack sent: {err}",
                data.display()
            );
            return Ok(None);
        }
    };
    let (plan, _) = ledger.plan_at(wsoa_core::point::Point::Now)?;
    Ok(Some((data.to_path_buf(), plan.packs)))
}

/// Verifies a bundle offline, with the same report and exit codes as a ledger. With the packs a
/// ledger records having sent, it also says whether this file is one of them (a file that
/// verifies but that the ledger does not record exits 0: it is intact, and the sentence says
/// it was not sent from that ledger).
pub fn verify(
    path: &Path,
    args: &VerifyArgs,
    packs: Option<&(PathBuf, Vec<wsoa_core::plan::PackView>)>,
    out: &Printer,
) -> anyhow::Result<ExitCode> {
    if is_excerpt(path) {
        return verify_excerpt(path, args, out);
    }
    let origin = || match wsoa_store::bundle_origin(open(path)?) {
        Ok(origin) => Ok(origin),
        Err(err) => anyhow::bail!("{} has no readable first event: {err}", path.display()),
    };
    let (pins, witnessed) = crate::read::trusted_pins(args, origin)?;
    let result = wsoa_store::verify_bundle_trusting(open(path)?, &pins, args.trust_kept());
    let verified = result.as_ref().ok().cloned();
    let code = crate::read::report(result, pins.len(), &witnessed, out)?;
    if let (Some(verified), Some((data, packs))) = (verified, packs) {
        let (file_hash, size) = crate::pack::hash_file(path)?;
        let (recorded, sentence) =
            crate::pack::recorded_sentence(packs, &file_hash, size, &verified, data);
        match out.format {
            Format::Json => out.json(&json!({
                "pack_recorded": recorded,
                "file_hash": file_hash.to_hex(),
                "size": size,
                "message": sentence,
            }))?,
            Format::Text => out.line(&sentence)?,
        }
    }
    Ok(code)
}

/// Restores a bundle into a new ledger in `dir`, verifying it on the way.
pub fn import(dir: &Path, args: &ImportArgs, out: &Printer) -> anyhow::Result<()> {
    let Some(bundle) = &args.bundle else {
        anyhow::bail!(
            "give the bundle to restore (wsoa import FILE), or use `wsoa import tracker FILE`"
        );
    };
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        anyhow::bail!(
            "{} is not empty: import a bundle only into a new directory",
            dir.display()
        );
    }
    let trust = (!args.trust.is_empty()).then_some(args.trust.as_slice());
    let total = std::fs::metadata(bundle).ok().map(|meta| meta.len());
    let bar = crate::progress::Progress::bytes("importing", total, out);
    let ledger = Ledger::import_trusting(dir, bar.reader(open(bundle)?), trust)
        .with_context(|| format!("{} was not imported", bundle.display()))?;
    bar.finish();
    let report = ledger.verify()?;
    match out.format {
        Format::Json => out.json(&json!({
            "data": dir.display().to_string(),
            "events": report.events,
            "head": report.head.to_hex(),
            "root": report.root.to_hex(),
            "checkpoints": ledger.checkpoints()?.len(),
        })),
        Format::Text => out.line(&format!(
            "Imported {} events into {}; the copy verifies. The head hash is {}.",
            report.events,
            dir.display(),
            report.head
        )),
    }
}
