//! `ApiError`: every failure a handler can return, as JSON `{ "error": { "code", "message" } }`
//! (with `subject` and `field` where a refusal names them)
//! with the status that tells a client what to do. Rule violations and bad input are 4xx with
//! a message that says what to fix; a failure of the machine is a 500 whose detail goes to the
//! log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use wsoa_core::Rejection;
use wsoa_store::StoreError;

pub use wsoa_api::error::{ErrorBody, ErrorDetail};

/// An error a handler returns.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    subject: Option<String>,
    field: Option<&'static str>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            subject: None,
            field: None,
        }
    }

    /// 400: the request could not be understood (malformed JSON, a bad parameter).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401: no token, or one that is not (or no longer) valid.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: a valid token whose role may not do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404: no such thing.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 413: the body or upload is larger than the server accepts.
    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    /// 503: the server is shutting down.
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// 507: the ledger's disk is full or read-only, or writes stopped after a write failed there;
    /// nothing was recorded. The detail (which names paths) is logged; the client is told what
    /// happened and that the server's operator must act.
    pub fn storage(err: &StoreError) -> ApiError {
        tracing::error!(error = %err, "a write was refused: no room or a read-only disk");
        let (code, message) = storage_words(err);
        ApiError::new(StatusCode::INSUFFICIENT_STORAGE, code, message)
    }

    /// 503 for `/readyz` while writes would be refused with [`ApiError::storage`] (not logged:
    /// probes ask often).
    pub fn not_ready(err: &StoreError) -> ApiError {
        let (code, message) = storage_words(err);
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            code,
            format!("not ready: {message}"),
        )
    }

    /// An I/O error of the server's own files (an upload's temporary file): 507 when the disk is
    /// full or read-only, otherwise 500.
    pub fn io(context: &str, err: std::io::Error) -> ApiError {
        StoreError::io(context)(err).into()
    }

    /// 500: a bug or a failure of the machine. The detail is logged, not shown.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to complete the request; the failure is in its log",
        )
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The code and message for a full or read-only disk, or writes stopped after a failed one.
fn storage_words(err: &StoreError) -> (&'static str, &'static str) {
    match err {
        StoreError::ReadOnly(_) => (
            "read_only",
            "the server's disk is read-only, so nothing was recorded; its operator must make the disk that holds the ledger writable again, then the request can be sent again",
        ),
        StoreError::WritesStopped(_) => (
            "writes_stopped",
            "the server takes no more changes: a write to its disk failed (the disk is full or failing), and nothing more was recorded; its operator must free space on the disk that holds the ledger and restart the server, then the request can be sent again",
        ),
        _ => (
            "disk_full",
            "the server's disk is full, so nothing was recorded; its operator must free space on the disk that holds the ledger, then the request can be sent again",
        ),
    }
}

impl From<Rejection> for ApiError {
    /// 404 for a refusal naming nothing that exists, 409 for a duplicate, 413 for an event too
    /// large, 422 for any other rule; the code is the refusal's own.
    fn from(rejection: Rejection) -> ApiError {
        let status = if rejection.is_not_found() {
            StatusCode::NOT_FOUND
        } else if rejection.is_conflict() {
            StatusCode::CONFLICT
        } else if matches!(rejection, Rejection::EventTooLarge { .. }) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError {
            status,
            code: rejection.code(),
            message: rejection.to_string(),
            subject: rejection.subject(),
            field: rejection.field(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::Rejected(rejection) => rejection.into(),
            StoreError::Proof(err) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_proof_request",
                err.to_string(),
            ),
            StoreError::BlobMissing(_) => ApiError::not_found(format!(
                "{err}: no file with it was uploaded to this server (or its content was redacted); upload the file with POST /api/v1/evidence (multipart/form-data), which stores it and records its attachment in one step"
            )),
            StoreError::Query(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_point",
                err.to_string(),
            ),
            StoreError::BadTokenName(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_token_name",
                err.to_string(),
            ),
            StoreError::TokenExists(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", err.to_string())
            }
            StoreError::NoSuchToken(_) => ApiError::not_found(err.to_string()),
            StoreError::IdempotencyKeyReused => ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                err.to_string(),
            ),
            StoreError::ContentChanged { .. } => ApiError::bad_request(err.to_string()),
            StoreError::ClockBehind { .. } | StoreError::ClockOutOfRange(_) => {
                tracing::error!(error = %err, "refused a write: the server's clock is wrong");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "clock_wrong",
                    "the server's clock disagrees with the time of the ledger's last event, so nothing was recorded; its operator must set the server's clock right (or run a verification if the clock is right), then the request can be sent again",
                )
            }
            err if err.is_storage_fault() => ApiError::storage(&err),
            other => ApiError::internal(other),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> ApiError {
        ApiError::internal(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                subject: self.subject,
                field: self.field.map(str::to_owned),
            },
        };
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_clock_is_503_for_the_operator_not_a_failure() {
        let err: ApiError = StoreError::ClockBehind {
            last: 4_102_444_800_000,
            clock: 1_700_000_000_000,
        }
        .into();
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(err.code(), "clock_wrong");
        assert!(err.message().contains("clock"), "{}", err.message());
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let err = ApiError::internal("sled: the disk is on fire at /var/lib/wsoa");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.message().contains("disk"));
    }

    #[test]
    fn a_full_or_read_only_disk_is_507_naming_the_cause_without_paths() {
        let full: ApiError =
            StoreError::DiskFull("2 MB free where /var/lib/wsoa holds the ledger".into()).into();
        assert_eq!(full.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(full.code(), "disk_full");
        assert!(
            full.message().contains("disk is full"),
            "{}",
            full.message()
        );
        assert!(!full.message().contains("/var/lib"), "{}", full.message());
        let read_only: ApiError = StoreError::ReadOnly("EROFS".into()).into();
        assert_eq!(read_only.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert!(read_only.message().contains("read-only"));
        let stopped: ApiError = StoreError::WritesStopped("ENOSPC".into()).into();
        assert_eq!(stopped.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert!(stopped.message().contains("restart"));
        let upload = ApiError::io(
            "cannot keep the upload",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert_eq!(upload.status(), StatusCode::INSUFFICIENT_STORAGE);
    }

    #[test]
    fn rule_violations_are_unprocessable_and_too_large_events_are_413() {
        let rule: ApiError = Rejection::NothingChanged("nothing".into()).into();
        assert_eq!(rule.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(rule.message(), "nothing");
        assert_eq!(rule.code(), "nothing_changed");
        let large: ApiError = Rejection::EventTooLarge { bytes: 2_000_000 }.into();
        assert_eq!(large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
