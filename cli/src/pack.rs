//! `wsoa pack`: the evidence pack sent before a review or visit. The pack is a bundle of the
//! ledger as known at the end of the cut-off day (its events, the evidence content they attach,
//! the checkpoints kept by then), so the plan, the narrative and the evidence as they stood can be
//! rebuilt from it and it verifies offline with `wsoa verify FILE`. Once written, a `PackSent`
//! event records what it was for, to whom, the events it holds and the file's BLAKE3 hash and
//! size, so anyone can later prove exactly what was sent.

use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use serde_json::json;
use wsoa_core::event::PackSent;
use wsoa_core::plan::PackView;
use wsoa_core::point::{Inclusion, Point};
use wsoa_core::{Command, Date, Digest};
use wsoa_store::{Appended, Existing, Ledger};

use crate::output::{Format, Printer, new_file};

#[derive(Args, Debug)]
pub struct PackArgs {
    /// What the pack is for ("APP six-month review", "Monitoring inspection").
    #[arg(long = "for", value_name = "TEXT")]
    purpose: String,
    /// Who it is sent to ("DfE SEND adviser").
    #[arg(long, value_name = "NAME")]
    to: String,
    /// The cut-off: the pack holds the ledger as known at the end of this day (not in the
    /// future).
    #[arg(long, value_name = "DATE")]
    as_of: Date,
    /// The pack file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The day it is sent (2024-04-02 or 02/04/2024); today if not given.
    #[arg(long, value_name = "DATE")]
    on: Option<Date>,
}

impl PackArgs {
    /// The day it is sent, if given.
    pub fn on(&self) -> Option<Date> {
        self.on
    }

    /// The pack asked for: what it is for, to whom, its cut-off and its file's name; what only
    /// the file can say (the events it holds, their head, the file's hash and size) is left to
    /// [`write`].
    pub fn order(&self) -> PackSent {
        let file_name = self
            .out
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.out.display().to_string());
        PackSent {
            purpose: self.purpose.clone(),
            to: self.to.clone(),
            as_of: self.as_of,
            events: 0,
            head: Digest::ZERO,
            file_name,
            file_hash: Digest::ZERO,
            size: 0,
        }
    }
}

/// The pack written, and the event that records it (not yet recorded).
pub struct Written {
    /// What the pack holds and its file's hash.
    pub sent: PackSent,
    /// How many pieces of evidence content it carries.
    pub contents: u64,
}

/// Checks the pack `order` against the rules (nothing is written if they refuse it), then writes
/// the file `out` from `ledger` (the ledger, or a replica of a server's), hashes it, and fills in
/// what the file holds.
pub fn write(
    ledger: &mut Ledger,
    order: &PackSent,
    out: &Path,
    context: &wsoa_store::Context,
) -> anyhow::Result<Written> {
    let (events, head) = cut(ledger, order.as_of)?;
    let mut sent = PackSent {
        events,
        head,
        // Stands in for the file's size until it is written, so that the rules check the rest.
        size: 1,
        ..order.clone()
    };
    let when = ledger
        .head()?
        .when(context.occurred_on, context.recorded_at)
        .context("the system clock is outside the years this program supports")?;
    wsoa_core::decide(ledger.state()?, &Command::RecordPack(sent.clone()), when)?;
    let mut file = BufWriter::new(new_file(out, Existing::Keep, false)?);
    let report = ledger.export_prefix(&mut file, events)?;
    file.into_inner()
        .map_err(|err| err.into_error())
        .and_then(wsoa_store::NewFile::commit)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let (file_hash, size) = hash_file(out)?;
    sent.file_hash = file_hash;
    sent.size = size;
    Ok(Written {
        sent,
        contents: report.contents,
    })
}

/// How many events were recorded by the end of `as_of` (UK time), and the chain hash of the
/// last of them.
fn cut(ledger: &Ledger, as_of: Date) -> anyhow::Result<(u64, Digest)> {
    let point = Point::Known(as_of);
    let mut last = None;
    for stored in ledger.events(0, None) {
        let stored = stored?;
        match point.includes(&stored.event) {
            Inclusion::Include => last = Some((stored.event.seq + 1, stored.hash)),
            _ => break,
        }
    }
    last.with_context(|| {
        format!(
            "no event had been recorded by the end of {}, so a pack as of then would be empty: give a later --as-of",
            as_of.long()
        )
    })
}

/// BLAKE3 of a whole file, and its size.
pub fn hash_file(path: &Path) -> anyhow::Result<(Digest, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((Digest(*hasher.finalize().as_bytes()), size))
}

/// Writes the pack and records it in the local ledger; the file is removed if the event cannot
/// be recorded, so a pack on disk is always one the ledger records.
pub fn run(
    data: &Path,
    args: &PackArgs,
    context: &wsoa_store::Context,
    out: &Printer,
) -> anyhow::Result<()> {
    let mut ledger = Ledger::open(data)?;
    let written = write(&mut ledger, &args.order(), &args.out, context)?;
    let recorded = ledger.execute(&Command::RecordPack(written.sent.clone()), context);
    let appended = match recorded {
        Ok(appended) => appended,
        Err(err) => {
            let _ = std::fs::remove_file(&args.out);
            return Err(err.into());
        }
    };
    report(&written, &appended, &args.out, out)
}

/// Says what was written and recorded.
pub fn report(
    written: &Written,
    appended: &Appended,
    path: &Path,
    out: &Printer,
) -> anyhow::Result<()> {
    let sent = &written.sent;
    match out.format {
        Format::Json => out.json(&json!({
            "out": path.display().to_string(),
            "seq": appended.event.seq,
            "hash": appended.hash.to_hex(),
            "for": sent.purpose,
            "to": sent.to,
            "as_of": sent.as_of.to_string(),
            "events": sent.events,
            "head": sent.head.to_hex(),
            "contents": written.contents,
            "file_hash": sent.file_hash.to_hex(),
            "size": sent.size,
        })),
        Format::Text => out.line(&format!(
            "Wrote the evidence pack for {} to {} in {}: the ledger as known at the end of {} ({} events, head {}, with {} pieces of evidence content), {} bytes, BLAKE3 {}. Recorded as event {}. Check it anywhere with `wsoa verify {}`; with --data, verify also says whether the ledger records sending it.",
            sent.purpose,
            sent.to,
            path.display(),
            sent.as_of.long(),
            sent.events,
            sent.head,
            written.contents,
            sent.size,
            sent.file_hash,
            appended.event.seq,
            path.display()
        )),
    }
}

/// What `wsoa verify FILE` adds when a ledger is at hand: whether the ledger records having
/// sent this very file (the same BLAKE3 hash and size), and whether the pack is the ledger's
/// own prefix (the same head after the same number of events).
pub fn recorded_sentence(
    packs: &[PackView],
    file_hash: &Digest,
    size: u64,
    verified: &wsoa_store::VerifyReport,
    ledger: &Path,
) -> (bool, String) {
    match packs
        .iter()
        .find(|p| p.file_hash == *file_hash && p.size == size)
    {
        Some(pack) if pack.head == verified.head && pack.events == verified.events => (
            true,
            format!(
                "The ledger in {} records sending this pack: event {}, for {}, to {} on {}, as known at the end of {} ({} events).",
                ledger.display(),
                pack.cite.seq,
                pack.purpose,
                pack.to,
                pack.cite.on.long(),
                pack.as_of.long(),
                pack.events
            ),
        ),
        Some(pack) => (
            false,
            format!(
                "The ledger in {} records a pack with this file's hash (event {}), but with a different head or number of events: the record does not match the file.",
                ledger.display(),
                pack.cite.seq
            ),
        ),
        None => (
            false,
            format!(
                "The ledger in {} records no pack with this file's hash (BLAKE3 {}, {size} bytes): it was not sent from this ledger, or it was changed after it was sent.",
                ledger.display(),
                file_hash
            ),
        ),
    }
}
