//! `wsoa log` and `wsoa verify`: the raw history, and the proof that it is intact.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use wsoa_core::date::format_unix_millis;
use wsoa_core::text::terminal_line;
use wsoa_store::Ledger;

use crate::output::{Format, Printer};

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The first event to print.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// The last event to print (the last one in the ledger if not given).
    #[arg(long)]
    to: Option<u64>,
}

/// Prints events: a line each for people, or one JSON object per line with the canonical bytes
/// and hashes, from which anyone can recompute every hash.
pub fn log(ledger: &Ledger, args: &LogArgs, out: &Printer) -> anyhow::Result<()> {
    for stored in ledger.events(args.from, args.to) {
        let stored = stored?;
        let event = &stored.event;
        match out.format {
            Format::Json => out.line(&wsoa_api::log_line(
                &stored.event,
                &stored.hash,
                &stored.bytes,
            )?)?,
            Format::Text => {
                let body = serde_json::to_value(&event.body)?;
                let detail = body
                    .as_object()
                    .and_then(|object| object.values().next())
                    .map(|value| value.to_string())
                    .unwrap_or_default();
                // The actor's name and the event's text are shown with control and invisible
                // formatting characters as code points, so that no event can send the terminal
                // a code or forge a line.
                out.line(&format!(
                    "{:>6}  {}  happened {}  recorded {}  by {} ({})  {}  {}",
                    event.seq,
                    stored.hash.short(),
                    event.occurred_on,
                    format_unix_millis(event.recorded_at),
                    terminal_line(&event.actor.name),
                    event.actor.role,
                    event.body.kind(),
                    terminal_line(&detail)
                ))?;
            }
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// A bundle file (`wsoa export`) to verify offline instead of the ledger in --data.
    #[arg(value_name = "BUNDLE")]
    pub bundle: Option<std::path::PathBuf>,
    /// A signed checkpoint the ledger must still extend (repeatable).
    #[arg(long = "checkpoint", value_name = "FILE", requires = "trust")]
    checkpoints: Vec<std::path::PathBuf>,
    /// A verifier key trusted to sign checkpoints (repeatable). With it, every checkpoint the
    /// ledger (or bundle) keeps must also carry a signature that verifies with one of these keys.
    #[arg(long = "trust", value_name = "VKEY")]
    trust: Vec<wsoa_core::note::Verifier>,
}

impl VerifyArgs {
    /// The verifier keys given with --trust.
    pub fn trusted(&self) -> &[wsoa_core::note::Verifier] {
        &self.trust
    }

    /// The keys the kept checkpoints' signatures are checked against: none (not checked) when
    /// no --trust is given.
    pub fn trust_kept(&self) -> Option<&[wsoa_core::note::Verifier]> {
        (!self.trust.is_empty()).then_some(self.trust.as_slice())
    }
}

/// Verifies the whole ledger; exit 0 with a report when intact, 1 naming the first bad event.
pub fn verify(ledger: &Ledger, args: &VerifyArgs, out: &Printer) -> anyhow::Result<ExitCode> {
    let (pins, witnessed) = trusted_pins(args, || Ok(ledger.origin()?))?;
    let bar = crate::progress::Progress::events("verifying", ledger.len()?, out);
    let result = ledger.verify_with_progress(&pins, args.trust_kept(), &mut |done| bar.set(done));
    bar.finish();
    let size = match &result {
        Ok(report) => Some((ledger.size_on_disk()?, report.canonical_bytes)),
        Err(_) => None,
    };
    report_sized(result, pins.len(), &witnessed, size, out)
}

/// `value` with `size_on_disk` and `canonical_bytes` when they are known.
fn sized(size: Option<(u64, u64)>, mut value: serde_json::Value) -> serde_json::Value {
    if let Some((on_disk, canonical)) = size {
        value["size_on_disk"] = on_disk.into();
        value["canonical_bytes"] = canonical.into();
    }
    value
}

/// What the ledger takes on disk beside what its events hold, in words.
fn size_sentence(on_disk: u64, canonical: u64) -> String {
    let ratio = if canonical == 0 {
        String::new()
    } else {
        format!(" ({:.1} times as much)", on_disk as f64 / canonical as f64)
    };
    format!(
        "The ledger takes {} on disk, for {} of canonical event bytes{ratio}.",
        human_bytes(on_disk),
        human_bytes(canonical)
    )
}

/// A size for people: bytes, KB, MB or GB (powers of 1000), with one decimal above bytes.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `(size, root)` pairs from trusted checkpoints.
pub type Pins = Vec<(u64, wsoa_core::Digest)>;

/// The `(size, root)` pins of the checkpoints given, after checking their signatures and that
/// they are checkpoints of the ledger with this origin; and a sentence for each.
pub fn trusted_pins(
    args: &VerifyArgs,
    origin: impl Fn() -> anyhow::Result<String>,
) -> anyhow::Result<(Pins, Vec<String>)> {
    let mut pins = Vec::new();
    let mut witnessed = Vec::new();
    for path in &args.checkpoints {
        let (_, checkpoint, signers) = crate::audit::trusted_checkpoint(path, &args.trust)?;
        let origin = origin()?;
        if checkpoint.origin != origin {
            anyhow::bail!(
                "{} is a checkpoint of another ledger ({}), not of this one ({origin})",
                path.display(),
                checkpoint.origin
            );
        }
        pins.push((checkpoint.size, checkpoint.root));
        witnessed.push(format!(
            "It extends the checkpoint of its first {} events signed by {}.",
            checkpoint.size,
            signers.join(" and ")
        ));
    }
    Ok((pins, witnessed))
}

/// Prints a verification outcome: exit 0 with the report when intact, 1 naming the first bad
/// event when not.
pub fn report(
    result: Result<wsoa_store::VerifyReport, wsoa_store::VerifyError>,
    checkpoints: usize,
    witnessed: &[String],
    out: &Printer,
) -> anyhow::Result<ExitCode> {
    report_sized(result, checkpoints, witnessed, None, out)
}

/// [`report`], with the ledger's size on disk and its canonical bytes when they are known
/// (`size_on_disk` and `canonical_bytes` in JSON).
fn report_sized(
    result: Result<wsoa_store::VerifyReport, wsoa_store::VerifyError>,
    checkpoints: usize,
    witnessed: &[String],
    size: Option<(u64, u64)>,
    out: &Printer,
) -> anyhow::Result<ExitCode> {
    match result {
        Ok(report) => {
            match out.format {
                Format::Json => out.json(&sized(size, json!({
                    "ok": true,
                    "events": report.events,
                    "head": report.head.to_hex(),
                    "evidence_checked": report.evidence_checked,
                    "evidence_redacted": report.evidence_redacted,
                    "root": report.root.to_hex(),
                    "checkpoints": checkpoints,
                    "kept_checkpoints": report.checkpoints,
                    "kept_signatures_checked": report.signatures_checked,
                    "message": format!("{report} {}", witnessed.join(" ")).trim_end().to_owned(),
                })))?,
                Format::Text => {
                    out.line(format!("{report} {}", witnessed.join(" ")).trim_end())?;
                    if let Some((on_disk, canonical)) = size {
                        out.line(&size_sentence(on_disk, canonical))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            match out.format {
                Format::Json => out.json(&json!({
                    "ok": false,
                    "seq": err.seq,
                    "message": err.to_string(),
                }))?,
                Format::Text => out.line(&format!(
                    "The ledger does NOT verify. {}{}",
                    err.seq
                        .map(|seq| format!("The first bad event is {seq}: "))
                        .unwrap_or_default(),
                    err
                ))?,
            }
            Ok(ExitCode::from(crate::EXIT_FAILED))
        }
    }
}
