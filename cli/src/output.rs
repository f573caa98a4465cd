//! Printing: every command's result as plain text for people or JSON for programs (and, for
//! `wsoa show`, CSV for spreadsheets).

use std::io::Write;

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

/// What `--format` asks for: the printer's formats, and CSV, which only `wsoa show` prints.
///
/// Kept apart from `Format` so that every command that prints text or JSON matches on two
/// formats only; `run` refuses `--format csv` for every command but `show` before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Sentences and aligned lines for people.
    Text,
    /// JSON for programs (one object per line where there are many).
    Json,
    /// CSV with a header row, one row per action (`wsoa show` only).
    Csv,
}

/// The message for `--format csv` given to a command that cannot print CSV.
pub const CSV_ONLY_FOR_SHOW: &str =
    "--format csv is only for `wsoa show`; use --format text or --format json with this command";

/// Prints results in the chosen format to standard output.
pub struct Printer {
    pub format: Format,
    /// Whether CSV was asked for (`format` is then `Text`).
    pub csv: bool,
}

impl Printer {
    pub fn new(format: OutputFormat) -> Printer {
        Printer {
            format: match format {
                OutputFormat::Json => Format::Json,
                OutputFormat::Text | OutputFormat::Csv => Format::Text,
            },
            csv: format == OutputFormat::Csv,
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
        let id = recorded_id(&event.body);
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

/// The id of the thing an event created or changed, if it has one.
pub fn recorded_id(body: &EventBody) -> Option<String> {
    Some(match body {
        EventBody::WeaknessRecorded(e) => e.id.to_string(),
        EventBody::WorkstreamCreated(e) => e.id.to_string(),
        EventBody::WorkstreamAmended(e) => e.id.to_string(),
        EventBody::ActionCreated(e) => e.id.to_string(),
        EventBody::ActionAmended(e) => e.id.to_string(),
        EventBody::ActionStatusChanged(e) => e.id.to_string(),
        EventBody::EvidenceAttached(e) => e.id.to_string(),
        EventBody::EvidenceRedacted(e) => e.id.to_string(),
        EventBody::MeasureDefined(e) => e.id.to_string(),
        EventBody::MeasureRecorded(e) => e.id.to_string(),
        EventBody::RiskRaised(e) => e.id.to_string(),
        EventBody::RiskUpdated(e) => e.id.to_string(),
        EventBody::RiskClosed(e) => e.id.to_string(),
        EventBody::NoteAdded(e) => e.about.to_string(),
        EventBody::PlanSubmitted(e) => format!("version {}", e.version),
        EventBody::PlanAccepted(e) => format!("version {}", e.version),
        EventBody::PlanRevised(e) => format!("version {}", e.version),
        EventBody::CorrectionRecorded(e) => format!("event {}", e.seq),
        EventBody::CheckpointRecorded(e) => format!("checkpoint of {} events", e.size),
        _ => return None,
    })
}
