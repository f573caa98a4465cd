//! Evidence over HTTP: upload (streamed multipart, bounded by the server's upload limit),
//! the list, and download of the content, checked against its hash as it streams out.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wsoa_core::command::AttachEvidence;
use wsoa_core::event::EvidenceKind;
use wsoa_core::{Date, Digest, EvidenceId, SubjectRef};

use crate::api::commands::recorded_response;
use crate::api::read::{ChannelWriter, tokio_stream_from};
use crate::auth::{Caller, Permission};
use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, context};
use crate::writer::Job;

/// One piece of evidence, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceItem {
    /// Its id (E1).
    pub id: String,
    /// What it is.
    pub title: String,
    /// What kind of document it is.
    pub kind: String,
    /// The file's name when attached.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// BLAKE3 of its content, hex.
    pub content_hash: String,
    /// What it supports (weakness:W1, action:1.1 ...).
    pub supports: Vec<String>,
    /// Whether its content was redacted, and why.
    pub redacted: Option<String>,
    /// The event that attached it.
    pub seq: u64,
}

/// The evidence attached so far.
#[utoipa::path(get, path = "/api/v1/evidence", tag = "evidence",
    responses((status = 200, body = [EvidenceItem]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<EvidenceItem>>, ApiError> {
    caller.require(Permission::Read)?;
    state
        .fold(|reader| {
            let (plan, _) = reader.plan_at(wsoa_core::point::Point::Now)?;
            Ok(Json(
                plan.evidence
                    .iter()
                    .map(|evidence| EvidenceItem {
                        id: evidence.id.clone(),
                        title: evidence.title.clone(),
                        kind: evidence.kind.to_string(),
                        file_name: evidence.file_name.clone(),
                        media_type: evidence.media_type.clone(),
                        size: evidence.size,
                        content_hash: evidence.content_hash.to_hex(),
                        supports: evidence
                            .supports
                            .iter()
                            .map(|subject| format!("{}:{}", subject.kind().word(), subject.id()))
                            .collect(),
                        redacted: evidence.redacted.as_ref().map(|(reason, _)| reason.clone()),
                        seq: evidence.cite.seq,
                    })
                    .collect(),
            ))
        })
        .await
}

/// Download a piece of evidence's content, byte for byte as attached.
#[utoipa::path(get, path = "/api/v1/evidence/{id}/content", tag = "evidence",
    params(("id" = String, Path, description = "The evidence id (E1)")),
    responses((status = 200, description = "The content", content_type = "application/octet-stream"), (status = 404, description = "No such evidence, or its content was never uploaded to this server", body = ErrorBody), (status = 410, description = "Redacted", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    let id: EvidenceId = id
        .parse()
        .map_err(|err| ApiError::bad_request(format!("'{id}' is not an evidence id: {err}")))?;
    let (hash, file_name, media_type, size) = state
        .fold(move |reader| {
            let (plan, _) = reader.plan_at(wsoa_core::point::Point::Now)?;
            let evidence = plan
                .evidence
                .iter()
                .find(|evidence| evidence.id == id.to_string())
                .ok_or_else(|| ApiError::not_found(format!("there is no evidence {id}")))?;
            if let Some((reason, cite)) = &evidence.redacted {
                return Err(ApiError::new(
                    StatusCode::GONE,
                    "redacted",
                    format!(
                        "the content of evidence {id} was redacted (event {}): {reason}; its hash {} stays in the ledger",
                        cite.seq, evidence.content_hash
                    ),
                ));
            }
            Ok((
                evidence.content_hash,
                evidence.file_name.clone(),
                evidence.media_type.clone(),
                evidence.size,
            ))
        })
        .await?;
    download(&state, hash, &media_type, &file_name, size)
}

/// Streams a piece of evidence's content as a download (never shown inline: an uploaded HTML or
/// SVG file must not run as a page of this site), checked against its hash as it is read; the
/// API and the web pages both serve evidence through this.
pub fn download(
    state: &AppState,
    hash: Digest,
    media_type: &str,
    file_name: &str,
    size: u64,
) -> Result<Response, ApiError> {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let reader = state.reader().clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter { sender };
        if let Err(err) = reader.read_blob(&hash, &mut out) {
            // The client sees a truncated body (the length header promised more), never
            // altered bytes passed off as whole.
            tracing::error!(error = %err, "evidence download failed");
            let _ = out
                .sender
                .blocking_send(Err(std::io::Error::other(err.to_string())));
        }
    });
    let mut response = Body::from_stream(tokio_stream_from(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{}\"",
            safe_header_name(file_name)
        ))
        .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        "x-content-hash",
        HeaderValue::from_str(&hash.to_hex()).map_err(ApiError::internal)?,
    );
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // Browsers must take the declared type as it is, never guess one from the content.
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// A file name safe inside a quoted header value: printable ASCII without quotes or
/// backslashes (others become `_`).
fn safe_header_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The last component of an uploaded file's name: a client's path (`C:\\Users\\..\\minutes.pdf`,
/// `../../etc/passwd`) never reaches the ledger, only the name.
pub fn base_name(name: &str) -> Result<String, ApiError> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if base.is_empty() || base == "." || base == ".." || base.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "the uploaded file's name '{}' has no usable file name; name the file, e.g. minutes.pdf",
            name.escape_debug()
        )));
    }
    Ok(base)
}

/// Attach a file as evidence: `multipart/form-data` with a `file` part (its file name is kept)
/// and text parts `title`, `supports` (repeat, or separate with commas), and optionally `kind`
/// (default document), `id`, `media_type` and `on`.
#[utoipa::path(post, path = "/api/v1/evidence", tag = "evidence",
    request_body(content_type = "multipart/form-data", description = "Parts: file (required), title (required), supports (required, repeatable), kind, id, media_type, on"),
    responses((status = 201, body = crate::wire::RecordedEvent), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, description = "Nothing was recorded: the server's clock disagrees with the ledger's last event (code clock_wrong), or the server is shutting down", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    caller.require(Permission::Record)?;
    let limit = state.limits().max_upload_bytes;
    let mut file: Option<(std::fs::File, String, Option<String>)> = None;
    let mut title = None;
    let mut kind = None;
    let mut id = None;
    let mut media_type = None;
    let mut on = None;
    let mut supports: Vec<String> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                let file_name = base_name(field.file_name().unwrap_or(""))?;
                let declared = field.content_type().map(str::to_owned);
                let temp = match crate::upload::spool(&mut field, limit).await {
                    Ok(crate::upload::Spooled::File { file, .. }) => file,
                    Ok(crate::upload::Spooled::TooLarge) => {
                        return Err(ApiError::too_large(format!(
                            "the file is larger than this server's upload limit of {limit} bytes; ask its operator to raise --max-upload-bytes"
                        )));
                    }
                    Err(crate::upload::SpoolError::Read(err)) => return Err(multipart_error(err)),
                    Err(crate::upload::SpoolError::Io(err)) => {
                        return Err(ApiError::io(
                            "cannot keep the upload in a temporary file",
                            err,
                        ));
                    }
                };
                file = Some((temp, file_name, declared));
            }
            "title" | "kind" | "id" | "media_type" | "on" | "supports" => {
                let value = field.text().await.map_err(multipart_error)?;
                match name.as_str() {
                    "title" => title = Some(value),
                    "kind" => kind = Some(value),
                    "id" => id = Some(value),
                    "media_type" => media_type = Some(value),
                    "on" => on = Some(value),
                    _ => supports.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned),
                    ),
                }
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown form field '{other}'; the fields are file, title, supports, kind, id, media_type, on"
                )));
            }
        }
    }
    let (file, file_name, declared) = file.ok_or_else(|| {
        ApiError::bad_request("no 'file' part: send the document as the form field 'file'")
    })?;
    let title =
        title.ok_or_else(|| ApiError::bad_request("no 'title': say what the document is"))?;
    if supports.is_empty() {
        return Err(ApiError::bad_request(
            "no 'supports': name what the evidence supports (W1, WS1, 1.1, measure:M1 ...)",
        ));
    }
    let kind: EvidenceKind = match kind {
        Some(kind) => kind
            .parse()
            .map_err(|err| ApiError::bad_request(format!("kind: {err}")))?,
        None => EvidenceKind::Document,
    };
    let id: Option<EvidenceId> = id
        .map(|id| {
            id.parse()
                .map_err(|err| ApiError::bad_request(format!("id: {err}")))
        })
        .transpose()?;
    let on: Option<Date> = on
        .map(|on| {
            on.parse()
                .map_err(|err| ApiError::bad_request(format!("on: '{on}' is not a date: {err}")))
        })
        .transpose()?;
    let supports = supports
        .iter()
        .map(|s| {
            s.parse::<SubjectRef>()
                .map_err(|err| ApiError::bad_request(format!("supports: {err}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let media_type = media_type
        .or(declared.filter(|t| t != "application/octet-stream"))
        .unwrap_or_else(|| {
            mime_guess::from_path(&file_name)
                .first_or_octet_stream()
                .essence_str()
                .to_owned()
        });
    let command = AttachEvidence {
        id,
        content_hash: Digest([0; 32]),
        file_name,
        media_type,
        size: 0,
        title,
        kind,
        supports,
    };
    let context = context(caller.actor(), on)?;
    let appended = state
        .write(|reply| Job::Attach {
            file,
            command,
            context,
            reply,
        })
        .await??;
    recorded_response(&state, appended.event.seq, false).await
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(format!("the upload is too large: {}", err.body_text()))
    } else {
        ApiError::bad_request(format!(
            "the upload is not valid multipart/form-data: {}",
            err.body_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_plain_ascii() {
        assert_eq!(
            safe_header_name("minutes \"final\".pdf"),
            "minutes _final_.pdf"
        );
        assert_eq!(safe_header_name("café\r\n.txt"), "caf___.txt");
    }

    #[test]
    fn uploaded_names_lose_their_folders() {
        assert_eq!(
            base_name("C:\\Users\\pat\\minutes.pdf").expect("named"),
            "minutes.pdf"
        );
        assert_eq!(base_name("../../etc/passwd").expect("named"), "passwd");
        assert!(base_name("..").is_err());
        assert!(base_name("dir/").is_err());
    }
}
