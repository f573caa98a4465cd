//! `POST /api/v1/commands`: every recording command, as one JSON body tagged with its `kind`
//! (see `wire`). The actor is the token's holder; `Idempotency-Key` makes retries safe.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use wsoa_core::Command;
use wsoa_store::{IdempotencyKey, Submission};

use crate::auth::{Caller, Permission};
use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, context};
use crate::wire::{CommandRequest, RecordedEvent};
use crate::writer::{Job, Recorded, SubmitError};

/// The header a retried write carries; a key names one request of one token.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The header on a response answered from an earlier request with the same key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// Record a change.
#[utoipa::path(
    post,
    path = "/api/v1/commands",
    tag = "record",
    request_body(content = CommandRequest, description = "One recording command, tagged by `kind`."),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a request repeated with the same key (from the same token) returns the original result and appends nothing.")),
    responses(
        (status = 201, description = "Recorded", body = RecordedEvent),
        (status = 200, description = "Recorded earlier under the same Idempotency-Key; nothing appended now", body = RecordedEvent),
        (status = 400, description = "Malformed body or field", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "The token's role may not record", body = ErrorBody),
        (status = 404, description = "It names something that does not exist, or evidence content that was never uploaded", body = ErrorBody),
        (status = 409, description = "Duplicate id, or an Idempotency-Key reused for another request", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "A rule of the statement refuses it", body = ErrorBody),
        (status = 503, description = "Nothing was recorded: the server's clock disagrees with the ledger's last event (code clock_wrong), or the server is shutting down", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Permission::Record)?;
    require_json(&headers)?;
    let request = CommandRequest::from_json(&body)
        .map_err(|err| ApiError::bad_request(format!("the body is not a valid command: {err}")))?;
    let (command, on) = request
        .into_command()
        .map_err(|err| ApiError::bad_request(err.to_string()))?;
    let context = context(caller.actor(), on)?;
    let idempotency = idempotency_key(&headers, &caller, &body)?;
    let appended = match command {
        // These do more than append: redaction purges content, a checkpoint is checked
        // against this ledger's own tree first.
        Command::RedactEvidence(redaction) => {
            refuse_key(&idempotency, "redactions")?;
            let appended = state
                .write(|reply| Job::Redact {
                    redaction,
                    context,
                    reply,
                })
                .await??;
            (appended.event.seq, false)
        }
        Command::RecordCheckpoint { note } => {
            refuse_key(&idempotency, "checkpoints")?;
            let appended = state
                .write(|reply| Job::RecordCheckpoint {
                    note,
                    context,
                    reply,
                })
                .await??;
            (appended.event.seq, false)
        }
        command => {
            let submission = Submission {
                command,
                context,
                idempotency,
            };
            match state
                .write(|reply| Job::Record { submission, reply })
                .await?
            {
                // The event as the writer sealed it: its bytes are its canonical encoding, so
                // the response needs no read of the ledger.
                Ok(Recorded::Appended(appended)) => {
                    let bytes = wsoa_core::encoding::encode_event(&appended.event);
                    let body = Json(RecordedEvent::new(&appended.event, &bytes, appended.hash));
                    return Ok((StatusCode::CREATED, body).into_response());
                }
                Ok(Recorded::Replayed(seq)) => (seq, true),
                Err(SubmitError::Rejected(rejection)) => return Err(rejection.into()),
                Err(SubmitError::Store(err)) => return Err(err.into()),
            }
        }
    };
    recorded_response(&state, appended.0, appended.1).await
}

/// Several commands to record together.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandBatch {
    /// The commands, in order; each is decided against the state the earlier ones leave.
    #[schema(value_type = Vec<CommandRequest>)]
    pub commands: Vec<serde_json::Value>,
}

pub use wsoa_api::RecordedBatch;

/// Record several changes all together or not at all (a spreadsheet import): if any command is
/// refused, nothing is appended and the error names the command by its position (from 0).
#[utoipa::path(
    post,
    path = "/api/v1/commands/batch",
    tag = "record",
    request_body(content = CommandBatch, description = "Commands, each tagged by `kind`."),
    responses(
        (status = 201, description = "All recorded", body = RecordedBatch),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, description = "Nothing was recorded: the server's clock disagrees with the ledger's last event (code clock_wrong), or the server is shutting down", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn submit_batch(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Permission::Record)?;
    require_json(&headers)?;
    if headers.contains_key(IDEMPOTENCY_KEY) {
        return Err(ApiError::bad_request(
            "Idempotency-Key is not taken for batches; send the batch without it (a batch is all or nothing, so a failed one can be sent again)",
        ));
    }
    let batch: CommandBatch = serde_json::from_slice(&body).map_err(|err| {
        ApiError::bad_request(format!("the body is not a batch of commands: {err}"))
    })?;
    let mut items = Vec::with_capacity(batch.commands.len());
    for (index, value) in batch.commands.into_iter().enumerate() {
        let at = |message: String| ApiError::bad_request(format!("command {index}: {message}"));
        let request = CommandRequest::from_json(value.to_string().as_bytes())
            .map_err(|err| at(err.to_string()))?;
        let (command, on) = request.into_command().map_err(|err| at(err.to_string()))?;
        if matches!(
            command,
            Command::RedactEvidence(_) | Command::RecordCheckpoint { .. }
        ) {
            return Err(at(
                "redactions and checkpoints are recorded one at a time, with POST /api/v1/commands"
                    .to_owned(),
            ));
        }
        items.push((command, context(caller.actor(), on)?));
    }
    let appended = match state.write(|reply| Job::SubmitAll { items, reply }).await? {
        Ok(appended) => appended,
        Err((index, err)) => {
            let err = ApiError::from(err);
            return Err(ApiError::new(
                err.status(),
                err.code(),
                format!("command {index}: {}; nothing was recorded", err.message()),
            ));
        }
    };
    let seqs: Vec<u64> = appended.iter().map(|a| a.event.seq).collect();
    let events = state
        .read(move |reader| {
            seqs.iter()
                .map(|seq| {
                    let stored = reader.event(*seq)?.ok_or_else(|| {
                        ApiError::internal(format!("appended event {seq} cannot be read"))
                    })?;
                    Ok(RecordedEvent::new(
                        &stored.event,
                        &stored.bytes,
                        stored.hash,
                    ))
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok((StatusCode::CREATED, Json(RecordedBatch { events })).into_response())
}

/// The response for an appended (or replayed) event: the stored bytes and hash, read back.
pub async fn recorded_response(
    state: &AppState,
    seq: u64,
    replayed: bool,
) -> Result<Response, ApiError> {
    let stored = state
        .read(move |reader| {
            reader
                .event(seq)?
                .ok_or_else(|| ApiError::internal(format!("appended event {seq} cannot be read")))
        })
        .await?;
    let body = Json(RecordedEvent::new(
        &stored.event,
        &stored.bytes,
        stored.hash,
    ));
    let mut response = if replayed {
        (StatusCode::OK, body).into_response()
    } else {
        (StatusCode::CREATED, body).into_response()
    };
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Refuses a body that is not declared as JSON (415).
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "the body must be JSON with 'Content-Type: application/json' (got '{content_type}')"
            ),
        ))
    }
}

/// The scoped idempotency key of a request, if it sent one: the token's id, then the key, so
/// that two tokens never share a key; and a hash of the body, so that reuse is caught.
pub fn idempotency_key(
    headers: &HeaderMap,
    caller: &Caller,
    body: &[u8],
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| !key.is_empty() && key.len() <= MAX_IDEMPOTENCY_KEY)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "the Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters, such as a UUID"
            ))
        })?;
    let mut scoped = caller.token.id.as_bytes().to_vec();
    scoped.push(0);
    scoped.extend_from_slice(key.as_bytes());
    Ok(Some(IdempotencyKey {
        key: scoped,
        request: wsoa_core::Digest(*blake3::hash(body).as_bytes()),
    }))
}

fn refuse_key(key: &Option<IdempotencyKey>, what: &str) -> Result<(), ApiError> {
    match key {
        Some(_) => Err(ApiError::bad_request(format!(
            "Idempotency-Key is not taken for {what}; send the request without it (a repeated one is refused by the rules, not appended twice)"
        ))),
        None => Ok(()),
    }
}

impl From<SubmitError> for ApiError {
    fn from(err: SubmitError) -> ApiError {
        match err {
            SubmitError::Rejected(rejection) => rejection.into(),
            SubmitError::Store(err) => err.into(),
        }
    }
}
