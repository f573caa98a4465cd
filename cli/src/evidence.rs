//! `wsoa evidence`: attach a file (stored once by its BLAKE3 hash), get it back checked against
//! its hash, or redact it for data protection.

use std::fs::File;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use wsoa_core::command::AttachEvidence;
use wsoa_core::event::{EvidenceKind, EvidenceRedacted};
use wsoa_core::{Date, Digest, EvidenceId, SubjectRef};
use wsoa_store::Ledger;

use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Attach a file as evidence for weaknesses, workstreams, actions or measures.
    #[command(
        after_help = "Example:\n  wsoa evidence attach board-minutes-2021-12.pdf --title \"SEND Improvement Board minutes, December 2021\" --kind minutes --supports WS1 --supports 1.1"
    )]
    Attach {
        /// The file.
        file: PathBuf,
        /// What it is, in a few words.
        #[arg(long)]
        title: String,
        /// document, minutes, audit, survey, training, case-study, dashboard, policy, feedback or other.
        #[arg(long, default_value_t = EvidenceKind::Document)]
        kind: EvidenceKind,
        /// What it supports: an id, or kind:id when the id is ambiguous (repeat for each).
        #[arg(long = "supports", value_name = "ID", required = true)]
        supports: Vec<SubjectRef>,
        /// An id for it; the next free E1, E2, ... when not given.
        #[arg(long)]
        id: Option<EvidenceId>,
        /// The date it was produced (a board met, an audit reported); today if not given.
        #[arg(long, value_name = "DATE")]
        on: Option<Date>,
    },
    /// Write a piece of evidence's content to a file, checked against its recorded hash.
    #[command(after_help = "Example:\n  wsoa evidence get E3 --out minutes.pdf")]
    Get {
        /// Which evidence.
        id: EvidenceId,
        /// Where to write it (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Purge a piece of evidence's content for data-protection reasons; its hash stays in the
    /// history, so verification still passes.
    #[command(
        after_help = "Example:\n  wsoa evidence redact E7 --reason \"Case study names a child; subject access request 2022/114\""
    )]
    Redact {
        /// Which evidence.
        id: EvidenceId,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The date of the decision; today if not given.
        #[arg(long, value_name = "DATE")]
        on: Option<Date>,
    },
}

impl EvidenceCommand {
    pub fn run(
        self,
        ledger: &mut Ledger,
        actor: Option<String>,
        out: &Printer,
    ) -> anyhow::Result<()> {
        match self {
            EvidenceCommand::Attach {
                file,
                title,
                kind,
                supports,
                id,
                on,
            } => {
                let content =
                    File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
                if content.metadata().is_ok_and(|m| m.is_dir()) {
                    bail!("{} is a directory; attach a file", file.display());
                }
                let command = attach_command(&file, title, kind, supports, id);
                let context = crate::context(actor, on)?;
                let appended = ledger.attach_evidence(content, command, &context)?;
                out.recorded(&appended)
            }
            EvidenceCommand::Get { id, out: path } => {
                let state = ledger.state()?;
                let Some(evidence) = state.evidence.get(&id) else {
                    bail!(wsoa_store::StoreError::Rejected(
                        wsoa_core::Rejection::UnknownId {
                            kind: "evidence",
                            id: id.to_string(),
                            known: "see `wsoa log` for what was attached".to_owned(),
                        }
                    ));
                };
                if evidence.redacted {
                    bail!(
                        "evidence {id} was redacted: its content was purged and only its hash ({}) remains",
                        evidence.content_hash
                    );
                }
                let hash = evidence.content_hash;
                if path.exists() {
                    bail!(
                        "{} already exists; choose another --out or remove it first",
                        path.display()
                    );
                }
                // Written to a fresh temporary file beside the target and moved into place only
                // once the content has checked out against its hash, so a failed check never
                // leaves a plausible-looking file, and no existing file is ever overwritten.
                let folder = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                    _ => PathBuf::from("."),
                };
                let mut partial = tempfile::NamedTempFile::new_in(&folder)
                    .with_context(|| format!("cannot write in {}", folder.display()))?;
                let size = ledger.read_blob(&hash, partial.as_file_mut())?;
                partial
                    .as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                partial.persist_noclobber(&path).map_err(|err| {
                    anyhow::Error::new(err.error)
                        .context(format!("cannot write {}", path.display()))
                })?;
                wsoa_store::sync_dir(&folder)?;
                match out.format {
                    crate::output::Format::Json => out.json(&serde_json::json!({
                        "id": id.to_string(),
                        "content_hash": hash.to_hex(),
                        "size": size,
                        "out": path.display().to_string(),
                    })),
                    crate::output::Format::Text => out.line(&format!(
                        "Wrote evidence {id} to {} ({size} bytes); its content matches hash {hash}.",
                        path.display()
                    )),
                }
            }
            EvidenceCommand::Redact { id, reason, on } => {
                let context = crate::context(actor, on)?;
                let appended = ledger.redact_evidence(EvidenceRedacted { id, reason }, &context)?;
                out.recorded(&appended)
            }
        }
    }
}

impl EvidenceCommand {
    /// Runs the command through a server: uploads, downloads (checked against the hash the
    /// ledger holds) and redactions, printing what a local run prints.
    pub fn run_remote(self, remote: &crate::remote::Remote, out: &Printer) -> anyhow::Result<()> {
        match self {
            EvidenceCommand::Attach {
                file,
                title,
                kind,
                supports,
                id,
                on,
            } => {
                let command = attach_command(&file, title, kind, supports, id);
                out.recorded(&remote.attach(&file, &command, on)?)
            }
            EvidenceCommand::Get { id, out: path } => {
                let (hash, size) = remote.download_evidence(&id.to_string(), &path)?;
                match out.format {
                    crate::output::Format::Json => out.json(&serde_json::json!({
                        "id": id.to_string(),
                        "content_hash": hash.to_hex(),
                        "size": size,
                        "out": path.display().to_string(),
                    })),
                    crate::output::Format::Text => out.line(&format!(
                        "Wrote evidence {id} to {} ({size} bytes); its content matches hash {hash}.",
                        path.display()
                    )),
                }
            }
            EvidenceCommand::Redact { id, reason, on } => {
                let command = wsoa_core::Command::RedactEvidence(EvidenceRedacted { id, reason });
                out.recorded(&remote.record(&command, on)?)
            }
        }
    }
}

/// The attachment of `file`: its name and media type from the path; the content hash and size
/// are filled in from the content by whoever stores it (the ledger, or the server).
pub(crate) fn attach_command(
    file: &std::path::Path,
    title: String,
    kind: EvidenceKind,
    supports: Vec<SubjectRef>,
    id: Option<EvidenceId>,
) -> AttachEvidence {
    let (file_name, media_type) = name_and_media_type(file);
    AttachEvidence {
        id,
        content_hash: Digest::ZERO,
        file_name,
        media_type,
        size: 0,
        title,
        kind,
        supports,
    }
}

/// A file's name as it is attached, and its media type guessed from that name.
pub(crate) fn name_and_media_type(file: &std::path::Path) -> (String, String) {
    let file_name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let media_type = mime_guess::from_path(file)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    (file_name, media_type)
}
