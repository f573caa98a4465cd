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

use crate::output::{Format, Printer};
use crate::read::VerifyArgs;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The bundle file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The bundle file to restore (from `wsoa export`).
    #[arg(value_name = "FILE")]
    bundle: PathBuf,
}

/// Writes the whole ledger as a bundle; a partly written file is removed on failure.
pub fn export(ledger: &Ledger, args: &ExportArgs, out: &Printer) -> anyhow::Result<()> {
    let file = File::create_new(&args.out).with_context(|| {
        format!(
            "cannot create {} (an existing file is never overwritten)",
            args.out.display()
        )
    })?;
    let report = match ledger.export(BufWriter::new(file)) {
        Ok(report) => report,
        Err(err) => {
            let _ = std::fs::remove_file(&args.out);
            return Err(err.into());
        }
    };
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

fn open(path: &Path) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::new(file))
}

/// Verifies a bundle offline, with the same report and exit codes as a ledger.
pub fn verify(path: &Path, args: &VerifyArgs, out: &Printer) -> anyhow::Result<ExitCode> {
    let origin = || match wsoa_store::bundle_origin(open(path)?) {
        Ok(origin) => Ok(origin),
        Err(err) => anyhow::bail!("{} has no readable first event: {err}", path.display()),
    };
    let (pins, witnessed) = crate::read::trusted_pins(args, origin)?;
    let result = wsoa_store::verify_bundle(open(path)?, &pins);
    crate::read::report(result, pins.len(), &witnessed, out)
}

/// Restores a bundle into a new ledger in `dir`, verifying it on the way.
pub fn import(dir: &Path, args: &ImportArgs, out: &Printer) -> anyhow::Result<()> {
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
    let ledger = Ledger::import(dir, open(&args.bundle)?)
        .with_context(|| format!("{} was not imported", args.bundle.display()))?;
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
