//! The body of every error the API answers: `{"error": {"code", "message", "subject", "field"}}`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code. A command the rules refuse (409, 404 or 422) carries the
    /// refusal's own code: `not_opened`, `already_opened`, `duplicate_id`, `unknown_id`,
    /// `ambiguous_reference`, `blank`, `too_long`, `control_character`, `empty_list`,
    /// `too_many`, `empty_file`, `repeated`, `nothing_changed`, `reopen_needs_note`,
    /// `date_order`, `in_future`, `wrong_stage`, `unknown_event`, `inconsistent`,
    /// `event_too_large`. Other failures: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `too_large`, `unsupported_media_type`, `bad_point`,
    /// `bad_proof_request`, `idempotency_key_reused`, `disk_full`, `read_only`,
    /// `writes_stopped`, `clock_wrong`, `unavailable`, `internal`.
    pub code: String,
    /// What was wrong and how to fix it, for a person.
    pub message: String,
    /// The thing a refusal is about, where it names one (`action 1.1`, `event 12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The part of the command a refusal concerns, in the rules' words (`who visited`, `the
    /// strengths`), where it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
