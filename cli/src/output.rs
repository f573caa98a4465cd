//! Printing: every command's result as plain text for people or JSON for programs (and, for
//! `wsoa show`, CSV for spreadsheets); which command takes which `--format`; writing a file
//! given with `--out` without overwriting one by accident.

use std::io::Write;
use std::path::Path;

use clap::ValueEnum;
use serde_json::{Value, json};
use wsoa_core::EventBody;
use wsoa_store::Appended;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Sentences and aligned lines for people.
    Text,
    /// JSON for programs (one object per line where there are many).
    Json,
}

/// What `--format` asks for: the printer's formats, and the documents only one command writes.
///
/// Kept apart from `Format` so that every command that prints text or JSON matches on two
/// formats only; `run` refuses a format meant for another command before it starts
/// (`check_format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Sentences and aligned lines for people.
    Text,
    /// JSON for programs (one object per line where there are many).
    Json,
    /// CSV with a header row, one row per action (`wsoa show` only).
    Csv,
    /// An Excel workbook: the tracker, the measures, the history (`wsoa show --out FILE` only).
    Xlsx,
    /// A Word document (`wsoa narrative --out FILE` only).
    Docx,
    /// A PDF printed from the HTML by headless Chromium (`wsoa narrative --out FILE` only).
    Pdf,
    /// Markdown (`wsoa narrative` only; its default).
    Md,
    /// One self-contained HTML page that prints on A4 (`wsoa narrative` only).
    Html,
}

impl OutputFormat {
    /// The word `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Docx => "docx",
            OutputFormat::Pdf => "pdf",
            OutputFormat::Md => "md",
            OutputFormat::Html => "html",
        }
    }

    /// The one subcommand that writes this format, or `None` when every command takes it.
    pub fn only_for(self) -> Option<&'static str> {
        match self {
            OutputFormat::Text | OutputFormat::Json => None,
            OutputFormat::Csv | OutputFormat::Xlsx => Some("show"),
            OutputFormat::Docx | OutputFormat::Pdf | OutputFormat::Md | OutputFormat::Html => {
                Some("narrative")
            }
        }
    }

    /// Whether the format is a binary file, which is written only to `--out FILE`: it would be
    /// garbage on a terminal.
    pub fn writes_file(self) -> bool {
        matches!(
            self,
            OutputFormat::Xlsx | OutputFormat::Docx | OutputFormat::Pdf
        )
    }

    /// The refusal of a binary format without `--out FILE`.
    pub fn needs_out(self) -> String {
        format!("--format {} writes a file; give --out FILE", self.name())
    }
}

/// Refuses a `--format` that the subcommand `command` (`show`, `narrative`, or any other name)
/// cannot write, with a message naming the command that can and what this one writes instead.
pub fn check_format(format: OutputFormat, command: &str) -> anyhow::Result<()> {
    match format.only_for() {
        Some(only) if only != command => {
            let instead = match command {
                "show" => {
                    "`wsoa show` prints text, JSON or CSV, or writes a workbook with --format xlsx --out FILE"
                }
                "narrative" => {
                    "`wsoa narrative` writes Markdown, HTML with --format html, or Word or PDF with --format docx|pdf --out FILE"
                }
                _ => "use --format text or --format json with this command",
            };
            anyhow::bail!(
                "--format {} is only for `wsoa {only}`; {instead}",
                format.name()
            )
        }
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path`, refusing to replace an existing file unless `force`; the file is
/// synced before this returns, so a reported success is on disk.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let existing = if force {
        wsoa_store::Existing::Replace
    } else {
        wsoa_store::Existing::Keep
    };
    let mut file = wsoa_store::NewFile::create(path, existing, false).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; give --force to overwrite it",
                path.display()
            )
        } else {
            anyhow::Error::new(err).context(format!("cannot write {}", path.display()))
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.commit())
        .map_err(|err| anyhow::Error::new(err).context(format!("cannot write {}", path.display())))
}

/// Starts a file that appears at `path` whole or not at all, even after a power cut (written to
/// a temporary name beside it, synced, moved into place, the folder synced); dropped without
/// `commit`, it leaves nothing. With `Existing::Keep`, an existing file is never overwritten.
pub fn new_file(
    path: &Path,
    existing: wsoa_store::Existing,
    private: bool,
) -> anyhow::Result<wsoa_store::NewFile> {
    wsoa_store::NewFile::create(path, existing, private).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists (an existing file is never overwritten); choose another --out",
                path.display()
            )
        } else {
            anyhow::Error::new(err).context(format!("cannot write {}", path.display()))
        }
    })
}

/// Prints results in the chosen format to standard output.
pub struct Printer {
    pub format: Format,
    /// Whether CSV was asked for (`format` is then `Text`).
    pub csv: bool,
    /// What `--format` asked for, for the commands that write documents (`format` is then
    /// `Text`, for the line that says what was written).
    pub requested: OutputFormat,
}

impl Printer {
    pub fn new(format: OutputFormat) -> Printer {
        Printer {
            format: match format {
                OutputFormat::Json => Format::Json,
                OutputFormat::Text
                | OutputFormat::Csv
                | OutputFormat::Xlsx
                | OutputFormat::Docx
                | OutputFormat::Pdf
                | OutputFormat::Md
                | OutputFormat::Html => Format::Text,
            },
            csv: format == OutputFormat::Csv,
            requested: format,
        }
    }

    /// Prints one line.
    pub fn line(&self, text: &str) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}")?;
        Ok(())
    }

    /// Prints one JSON value on one line.
    pub fn json(&self, value: &Value) -> anyhow::Result<()> {
        self.line(&serde_json::to_string(value)?)
    }

    /// Reports an appended event: its sequence number and hash, and the id it recorded.
    pub fn recorded(&self, appended: &Appended) -> anyhow::Result<()> {
        let event = &appended.event;
        let id = wsoa_api::wire::recorded_id(&event.body);
        match self.format {
            Format::Json => {
                let mut value = json!({
                    "seq": event.seq,
                    "hash": appended.hash.to_hex(),
                    "kind": event.body.kind(),
                    "occurred_on": event.occurred_on.to_string(),
                });
                if let Some(id) = &id {
                    value["id"] = json!(id);
                }
                if let EventBody::EvidenceAttached(evidence) = &event.body {
                    value["content_hash"] = json!(evidence.content_hash.to_hex());
                    value["size"] = json!(evidence.size);
                }
                self.json(&value)
            }
            Format::Text => {
                let what = event.body.kind().replace('_', " ");
                let about = id.map(|id| format!(" ({id})")).unwrap_or_default();
                self.line(&format!(
                    "Recorded event {}: {what}{about}, happened {}.",
                    event.seq, event.occurred_on
                ))?;
                if let EventBody::EvidenceAttached(evidence) = &event.body {
                    self.line(&format!(
                        "Evidence {} stored: {} bytes, content hash {}.",
                        evidence.id, evidence.size, evidence.content_hash
                    ))?;
                }
                self.line(&format!("Hash {}", appended.hash))
            }
        }
    }
}
