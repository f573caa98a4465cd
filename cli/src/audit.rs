//! The auditor's commands: Ed25519 keys, signed and cosigned checkpoints (C2SP signed notes),
//! inclusion and consistency proofs (RFC 6962), and checking a proof without the ledger.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use wsoa_core::Digest;
use wsoa_core::merkle::{leaf_hash, verify_consistency, verify_inclusion};
use wsoa_core::note::{Checkpoint, Note, Signer, Verifier};
use wsoa_store::Ledger;

use crate::output::{Format, Printer};

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Generate an Ed25519 signing key (written with 0600 permissions) and print its public
    /// verifier key, which others pass to --trust.
    #[command(
        after_help = "Example:\n  wsoa key generate --name northshire-send-board --out board.key"
    )]
    Generate {
        /// The key's name, as it appears on signatures (no spaces or '+').
        #[arg(long)]
        name: String,
        /// Where to write the private key (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckpointArgs {
    #[command(subcommand)]
    record: Option<CheckpointCommand>,
    /// The signing key file (from `wsoa key generate`).
    #[arg(long, required = true)]
    key: Option<PathBuf>,
    /// Sign the tree of the first N events (default: all).
    #[arg(long, value_name = "N")]
    size: Option<u64>,
}

impl CheckpointArgs {
    /// The file and date of `wsoa checkpoint record FILE`, when that is the command.
    pub fn record_file(&self) -> Option<(&PathBuf, Option<wsoa_core::Date>)> {
        match &self.record {
            Some(CheckpointCommand::Record { file, on }) => Some((file, *on)),
            None => None,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum CheckpointCommand {
    /// Record a signed (often cosigned) checkpoint of this ledger in it, so the ledger itself
    /// says that its history up to that point was witnessed.
    #[command(after_help = "Example:\n  wsoa checkpoint record visit-3.cosigned --on 2022-07-13")]
    Record {
        /// The signed checkpoint.
        file: PathBuf,
        /// The date it was signed; today if not given.
        #[arg(long, value_name = "DATE")]
        on: Option<wsoa_core::Date>,
    },
}

#[derive(Args, Debug)]
pub struct CosignArgs {
    /// The checkpoint to cosign (a signed note).
    checkpoint: PathBuf,
    /// The cosigner's key file.
    #[arg(long)]
    key: PathBuf,
    /// The log's verifier key (its signature is checked before cosigning); repeatable.
    #[arg(long = "trust", value_name = "VKEY", required = true)]
    trust: Vec<Verifier>,
    /// The checkpoint this cosigner signed last time: the ledger must prove it still extends it.
    #[arg(long)]
    previous: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ProveArgs {
    /// The event to prove (inclusion proof).
    #[arg(conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    seq: Option<u64>,
    /// The tree size to prove against (default: all events).
    #[arg(long, value_name = "N", conflicts_with_all = ["from", "to"])]
    size: Option<u64>,
    /// Consistency proof: the earlier tree size.
    #[arg(long, value_name = "N", requires = "to")]
    from: Option<u64>,
    /// Consistency proof: the later tree size.
    #[arg(long, value_name = "M", requires = "from")]
    to: Option<u64>,
}

#[derive(Args, Debug)]
pub struct CheckProofArgs {
    /// The proof file (the JSON `wsoa prove --format json` prints).
    proof: PathBuf,
    /// The signed checkpoint the proof is checked against.
    #[arg(long)]
    checkpoint: PathBuf,
    /// A trusted verifier key; repeatable.
    #[arg(long = "trust", value_name = "VKEY", required = true)]
    trust: Vec<Verifier>,
}

/// A checkpoint or proof that contradicts what it is checked against: the command exits 1 (it
/// does not verify), not 2 (an input error).
#[derive(Debug)]
pub struct DoesNotVerify(pub String);

impl std::fmt::Display for DoesNotVerify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DoesNotVerify {}

fn does_not_verify(message: impl Into<String>) -> anyhow::Error {
    DoesNotVerify(message.into()).into()
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn signer(path: &Path) -> anyhow::Result<Signer> {
    Signer::parse_signer(read(path)?.trim()).with_context(|| {
        format!(
            "{} is not a signing key from `wsoa key generate`",
            path.display()
        )
    })
}

/// Reads a signed checkpoint and checks its signatures against the trusted keys.
pub fn trusted_checkpoint(
    path: &Path,
    trust: &[Verifier],
) -> anyhow::Result<(Note, Checkpoint, Vec<String>)> {
    let note = Note::parse(&read(path)?)
        .with_context(|| format!("{} is not a signed note", path.display()))?;
    let signers = note
        .verify(trust)
        .with_context(|| format!("the signatures on {} do not verify", path.display()))?
        .iter()
        .map(|v| v.name().to_owned())
        .collect();
    let checkpoint = Checkpoint::parse(note.text())
        .with_context(|| format!("{} does not hold a checkpoint", path.display()))?;
    Ok((note, checkpoint, signers))
}

pub fn key(command: KeyCommand, out: &Printer) -> anyhow::Result<()> {
    let KeyCommand::Generate { name, out: path } = command;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|err| anyhow::anyhow!("no randomness from the system: {err}"))?;
    let signer = Signer::generate(&name, seed)?;
    let mut file = crate::output::new_file(&path, wsoa_store::Existing::Keep, true)?;
    writeln!(file, "{}", signer.to_signer_string())
        .and_then(|()| file.commit())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let verifier = signer.verifier().to_string();
    match out.format {
        Format::Json => out.json(&json!({ "name": name, "key_file": path.display().to_string(), "verifier_key": verifier })),
        Format::Text => {
            out.line(&format!("Wrote the signing key to {} (readable by you alone).", path.display()))?;
            out.line("Its verifier key, to give to anyone who checks your signatures (--trust):")?;
            out.line(&verifier)
        }
    }
}

pub fn checkpoint(
    ledger: &mut Ledger,
    args: &CheckpointArgs,
    actor: Option<String>,
    out: &Printer,
) -> anyhow::Result<()> {
    if let Some(CheckpointCommand::Record { file, on }) = &args.record {
        let context = crate::context(actor, *on)?;
        let appended = ledger.record_checkpoint(&read(file)?, &context)?;
        return out.recorded(&appended);
    }
    let Some(key) = &args.key else {
        bail!(
            "give --key FILE to sign a checkpoint, or `wsoa checkpoint record FILE` to record one"
        );
    };
    let signer = signer(key)?;
    let len = ledger.len()?;
    let size = args.size.unwrap_or(len);
    if size == 0 || size > len {
        bail!("--size must be between 1 and {len}, the number of events in the ledger");
    }
    let root = ledger.merkle_root(size)?;
    let text = Checkpoint::new(ledger.origin()?, size, root).to_text()?;
    let note = Note::sign(&text, &signer)?;
    let note_text = note.to_string();
    ledger.keep_checkpoint(size, &note_text)?;
    match out.format {
        Format::Json => out.json(&json!({
            "origin": ledger.origin()?,
            "size": size,
            "root": root.to_hex(),
            "note": note_text,
        })),
        Format::Text => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(note_text.as_bytes())?;
            Ok(())
        }
    }
}

pub fn cosign(ledger: Option<&Ledger>, args: &CosignArgs, out: &Printer) -> anyhow::Result<()> {
    let (mut note, checkpoint, _) = trusted_checkpoint(&args.checkpoint, &args.trust)?;
    if let Some(previous) = &args.previous {
        let (_, earlier, _) = trusted_checkpoint(previous, &args.trust)?;
        if earlier.origin != checkpoint.origin {
            bail!(
                "the previous checkpoint is of another ledger ({}, not {})",
                earlier.origin,
                checkpoint.origin
            );
        }
        let Some(ledger) = ledger else {
            bail!("checking against --previous needs the ledger: give --data");
        };
        if earlier.size > checkpoint.size {
            bail!(
                "the previous checkpoint ({} events) is larger than this one ({} events): a ledger only grows",
                earlier.size,
                checkpoint.size
            );
        }
        if earlier.size > 0 && earlier.size < checkpoint.size {
            let proof = ledger.consistency_proof(earlier.size, checkpoint.size)?;
            verify_consistency(
                earlier.size,
                checkpoint.size,
                &proof,
                &earlier.root,
                &checkpoint.root,
            )
            .context(
                "the ledger does not extend the checkpoint you cosigned last time: do not cosign",
            )?;
        } else if earlier.size == checkpoint.size && earlier.root != checkpoint.root {
            bail!(
                "the previous checkpoint has the same size but another root: the history was rewritten; do not cosign"
            );
        }
    }
    if let Some(ledger) = ledger {
        check_against_ledger(ledger, &note, &checkpoint)?;
    }
    let cosigner = signer(&args.key)?;
    note.cosign(&cosigner)?;
    let text = note.to_string();
    if let Some(ledger) = ledger {
        ledger.keep_checkpoint(checkpoint.size, &text)?;
    }
    match out.format {
        Format::Json => out.json(
            &json!({ "size": checkpoint.size, "root": checkpoint.root.to_hex(), "note": text }),
        ),
        Format::Text => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

/// Checks a checkpoint against the open ledger before it is cosigned: the same origin, a size
/// the ledger has reached, the ledger's root at that size, and no different checkpoint already
/// kept for that size. Any contradiction is refused (exit 1), naming what differs.
fn check_against_ledger(
    ledger: &Ledger,
    note: &Note,
    checkpoint: &Checkpoint,
) -> anyhow::Result<()> {
    let origin = ledger.origin()?;
    if checkpoint.origin != origin {
        return Err(does_not_verify(format!(
            "the checkpoint is of the ledger {}, but the ledger open here ({}) is {origin}: do not cosign (give --data for the ledger it describes)",
            checkpoint.origin,
            ledger.dir().display()
        )));
    }
    let len = ledger.len()?;
    if checkpoint.size > len {
        return Err(does_not_verify(format!(
            "the checkpoint says the ledger has {} events, but it has only {len}: do not cosign",
            checkpoint.size
        )));
    }
    let root = ledger.merkle_root(checkpoint.size)?;
    if root != checkpoint.root {
        return Err(does_not_verify(format!(
            "the checkpoint says the first {} events have root {}, but this ledger's are {root}: it does not describe this history; do not cosign",
            checkpoint.size, checkpoint.root
        )));
    }
    let kept = ledger
        .checkpoints()?
        .into_iter()
        .find(|(size, _)| *size == checkpoint.size);
    if let Some((size, kept)) = kept {
        let same = Note::parse(&kept).is_ok_and(|kept| kept.text() == note.text());
        if !same {
            return Err(does_not_verify(format!(
                "the ledger already keeps a different checkpoint of {size} events; it is never replaced by another"
            )));
        }
    }
    Ok(())
}

pub fn prove(ledger: &Ledger, args: &ProveArgs, out: &Printer) -> anyhow::Result<()> {
    let len = ledger.len()?;
    let value = match (args.seq, args.from, args.to) {
        (Some(seq), _, _) => {
            let size = args.size.unwrap_or(len);
            let proof = ledger.inclusion_proof(seq, size)?;
            let stored = ledger
                .event(seq)?
                .with_context(|| format!("there is no event {seq}"))?;
            json!({
                "leaf_index": seq,
                "tree_size": size,
                "leaf_hash": leaf_hash(&stored.bytes).to_hex(),
                "root": ledger.merkle_root(size)?.to_hex(),
                "proof": proof.iter().map(Digest::to_hex).collect::<Vec<_>>(),
                "bytes": hex::encode(&stored.bytes),
            })
        }
        (None, Some(size1), Some(size2)) => {
            let proof = ledger.consistency_proof(size1, size2)?;
            json!({
                "size1": size1,
                "size2": size2,
                "root1": ledger.merkle_root(size1)?.to_hex(),
                "root2": ledger.merkle_root(size2)?.to_hex(),
                "proof": proof.iter().map(Digest::to_hex).collect::<Vec<_>>(),
            })
        }
        _ => bail!(
            "give an event number (wsoa prove 12), or --from N --to M for a consistency proof"
        ),
    };
    match out.format {
        Format::Json => out.json(&value),
        Format::Text => {
            out.line(&serde_json::to_string_pretty(&value)?)?;
            out.line("Save this (with --format json) and check it with `wsoa check-proof FILE --checkpoint FILE --trust VKEY`.")
        }
    }
}

fn digest(value: &Value, field: &str) -> anyhow::Result<Digest> {
    value[field]
        .as_str()
        .with_context(|| format!("the proof has no \"{field}\""))?
        .parse()
        .with_context(|| format!("\"{field}\" is not a hash"))
}

fn number(value: &Value, field: &str) -> anyhow::Result<u64> {
    value[field]
        .as_u64()
        .with_context(|| format!("the proof has no whole number \"{field}\""))
}

fn hashes(value: &Value) -> anyhow::Result<Vec<Digest>> {
    value["proof"]
        .as_array()
        .context("the proof has no \"proof\" list")?
        .iter()
        .map(|hash| {
            hash.as_str()
                .context("a proof hash is not a string")?
                .parse()
                .context("a proof hash is not 64 hexadecimal digits")
        })
        .collect()
}

/// Checks a proof against a signed checkpoint, without the ledger. Returns the sentence to print.
pub fn check_proof(args: &CheckProofArgs, out: &Printer) -> anyhow::Result<()> {
    let (_, checkpoint, signers) = trusted_checkpoint(&args.checkpoint, &args.trust)?;
    let value: Value = serde_json::from_str(&read(&args.proof)?).with_context(|| {
        format!(
            "{} is not JSON from `wsoa prove --format json`",
            args.proof.display()
        )
    })?;
    let message = if value.get("leaf_index").is_some() {
        let index = number(&value, "leaf_index")?;
        let size = number(&value, "tree_size")?;
        let leaf = digest(&value, "leaf_hash")?;
        if let Some(bytes) = value["bytes"].as_str() {
            let bytes = hex::decode(bytes).context("\"bytes\" is not hexadecimal")?;
            if leaf_hash(&bytes) != leaf {
                return Err(does_not_verify(
                    "the event bytes in the proof do not hash to its leaf hash",
                ));
            }
        }
        if size != checkpoint.size {
            bail!(
                "the proof is for a tree of {size} events but the checkpoint is of {}: prove against --size {}",
                checkpoint.size,
                checkpoint.size
            );
        }
        verify_inclusion(&leaf, index, size, &hashes(&value)?, &checkpoint.root).map_err(
            |err| {
                does_not_verify(format!(
                    "the inclusion proof does not verify against the checkpoint: {err}"
                ))
            },
        )?;
        format!(
            "Event {index} is in the ledger {} as of the checkpoint of {size} events signed by {}.",
            checkpoint.origin,
            signers.join(", ")
        )
    } else {
        let size1 = number(&value, "size1")?;
        let size2 = number(&value, "size2")?;
        let root1 = digest(&value, "root1")?;
        if size2 != checkpoint.size {
            bail!(
                "the proof ends at {size2} events but the checkpoint is of {}",
                checkpoint.size
            );
        }
        verify_consistency(size1, size2, &hashes(&value)?, &root1, &checkpoint.root).map_err(
            |err| {
                does_not_verify(format!(
                    "the consistency proof does not verify against the checkpoint: {err}"
                ))
            },
        )?;
        format!(
            "The ledger {} of {size2} events (checkpoint signed by {}) extends its first {size1} events, whose root is {root1}.",
            checkpoint.origin,
            signers.join(", ")
        )
    };
    match out.format {
        Format::Json => out.json(&json!({ "ok": true, "message": message })),
        Format::Text => out.line(&message),
    }
}
