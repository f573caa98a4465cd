//! What auditors need: the full verification walk, the kept signed checkpoints, inclusion and
//! consistency proofs (the same JSON as `wsoa prove --format json`, checkable offline with
//! `wsoa check-proof`), and the whole ledger as a bundle for `wsoa verify FILE`.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use wsoa_core::Digest;
use wsoa_core::merkle::leaf_hash;

use crate::api::read::{ChannelWriter, text, tokio_stream_from};
use crate::auth::{Caller, Permission};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::writer::Job;

/// Walk the whole ledger: re-hash and re-link every event, recompute the Merkle tree, re-check
/// every piece of evidence and every kept checkpoint's root. `200` with `"verified": false`
/// and the first bad event when it does not verify.
#[utoipa::path(get, path = "/api/v1/verify", tag = "audit",
    responses((status = 200, description = "The report"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::Audit)?;
    state
        .fold(|reader| {
            // The walk checks every kept checkpoint (origin, size, root at its size) itself.
            Ok(Json(match reader.verify() {
                Ok(report) => json!({
                    "verified": true,
                    "events": report.events,
                    "head": report.head.to_hex(),
                    "root": report.root.to_hex(),
                    "evidence_checked": report.evidence_checked,
                    "evidence_redacted": report.evidence_redacted,
                    "checkpoints_checked": report.checkpoints,
                    "redactions": report.redactions.iter().map(|r| json!({
                        "id": r.id.to_string(), "reason": r.reason, "on": r.on.to_string(), "by": r.by,
                    })).collect::<Vec<_>>(),
                    "report": report.to_string(),
                }),
                Err(err) => json!({
                    "verified": false,
                    "first_bad_event": err.seq,
                    "report": err.to_string(),
                }),
            }))
        })
        .await
}

/// The latest kept signed checkpoint (a C2SP signed note), as text.
#[utoipa::path(get, path = "/api/v1/checkpoint", tag = "audit",
    responses((status = 200, description = "The signed note", content_type = "text/plain"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn latest_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    state
        .read(|reader| {
            let (_, note) = reader.checkpoints()?.pop().ok_or_else(|| {
                ApiError::not_found(
                    "no checkpoint has been kept yet; sign one with `wsoa checkpoint --key FILE`",
                )
            })?;
            Ok(text(note, "text/plain; charset=utf-8"))
        })
        .await
}

/// Every kept checkpoint, smallest first.
#[utoipa::path(get, path = "/api/v1/checkpoints", tag = "audit",
    responses((status = 200, description = "[{size, note}]"), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn checkpoints(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::Read)?;
    state
        .read(|reader| {
            let kept = reader.checkpoints()?;
            Ok(Json(json!({
                "origin": reader.origin().ok(),
                "size": reader.len()?,
                "checkpoints": kept.into_iter().map(|(size, note)| json!({"size": size, "note": note})).collect::<Vec<_>>(),
            })))
        })
        .await
}

/// Keep a signed checkpoint of this ledger (body: the signed note as text). It must be this
/// ledger's (its origin) with this ledger's root at its size.
#[utoipa::path(post, path = "/api/v1/checkpoints", tag = "audit",
    request_body(content = String, content_type = "text/plain", description = "A signed note from `wsoa checkpoint` or `wsoa cosign`"),
    responses((status = 201, description = "Kept"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn keep_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Permission::Audit)?;
    let note = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::bad_request("the checkpoint is not UTF-8 text"))?;
    let refuse =
        |why: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_checkpoint", why);
    let parsed = wsoa_core::note::Note::parse(&note)
        .map_err(|err| refuse(format!("the body is not a signed note: {err}")))?;
    let checkpoint = wsoa_core::note::Checkpoint::parse(parsed.text())
        .map_err(|err| refuse(format!("the signed note does not hold a checkpoint: {err}")))?;
    let (origin, len, root) = {
        let size = checkpoint.size;
        state
            .read(move |reader| {
                let len = reader.len()?;
                let root = if size >= 1 && size <= len {
                    Some(reader.merkle_root(size)?)
                } else {
                    None
                };
                Ok((reader.origin()?, len, root))
            })
            .await?
    };
    if checkpoint.origin != origin {
        return Err(refuse(format!(
            "the checkpoint is of another ledger ({}), not of this one ({origin})",
            checkpoint.origin
        )));
    }
    match root {
        None => {
            return Err(refuse(format!(
                "the checkpoint is of {} events, but this ledger has {len}",
                checkpoint.size
            )));
        }
        Some(root) if root != checkpoint.root => {
            return Err(refuse(format!(
                "the checkpoint's root is not this ledger's root at {} events ({root})",
                checkpoint.size
            )));
        }
        Some(_) => {}
    }
    let size = checkpoint.size;
    state
        .write(|reply| Job::KeepCheckpoint { size, note, reply })
        .await??;
    Ok((StatusCode::CREATED, Json(json!({ "kept": size }))).into_response())
}

/// Which proof.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProofQuery {
    /// An inclusion proof of this event.
    pub seq: Option<u64>,
    /// The tree size to prove against (default: the whole ledger).
    pub size: Option<u64>,
    /// A consistency proof from this size...
    pub from: Option<u64>,
    /// ...to this size.
    pub to: Option<u64>,
}

/// An inclusion proof (`seq`, optional `size`) or a consistency proof (`from`, `to`): the JSON
/// `wsoa prove --format json` prints, checkable with `wsoa check-proof`.
#[utoipa::path(get, path = "/api/v1/proofs", tag = "audit", params(ProofQuery),
    responses((status = 200, description = "The proof"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn proof(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ProofQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::Audit)?;
    state
        .read(move |reader| {
            let len = reader.len()?;
            let value = match (query.seq, query.from, query.to) {
                (Some(seq), None, None) => {
                    let size = query.size.unwrap_or(len);
                    let proof = reader.inclusion_proof(seq, size)?;
                    let stored = reader
                        .event(seq)?
                        .ok_or_else(|| ApiError::not_found(format!("there is no event {seq}")))?;
                    json!({
                        "leaf_index": seq,
                        "tree_size": size,
                        "leaf_hash": leaf_hash(&stored.bytes).to_hex(),
                        "root": reader.merkle_root(size)?.to_hex(),
                        "proof": proof.iter().map(Digest::to_hex).collect::<Vec<_>>(),
                        "bytes": hex::encode(&stored.bytes),
                    })
                }
                (None, Some(size1), Some(size2)) if query.size.is_none() => {
                    let proof = reader.consistency_proof(size1, size2)?;
                    json!({
                        "size1": size1,
                        "size2": size2,
                        "root1": reader.merkle_root(size1)?.to_hex(),
                        "root2": reader.merkle_root(size2)?.to_hex(),
                        "proof": proof.iter().map(Digest::to_hex).collect::<Vec<_>>(),
                    })
                }
                _ => {
                    return Err(ApiError::bad_request(
                        "give seq (and optionally size) for an inclusion proof, or from and to for a consistency proof",
                    ));
                }
            };
            Ok(Json(value))
        })
        .await
}

/// The whole ledger as one bundle file (events, evidence content, checkpoints), streamed; verify
/// it offline with `wsoa verify FILE`.
#[utoipa::path(get, path = "/api/v1/bundle", tag = "audit",
    responses((status = 200, description = "The bundle", content_type = "application/octet-stream"), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn bundle(
    State(state): State<AppState>,
    caller: Caller,
    _headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller.require(Permission::Audit)?;
    Ok(bundle_download(&state))
}

/// The whole ledger as a bundle file download (`ledger.wsoa`), streamed from the blocking pool;
/// the API's `/bundle` and the verification page's download.
pub fn bundle_download(state: &AppState) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
    let reader = state.reader().clone();
    tokio::task::spawn_blocking(move || {
        let out = std::io::BufWriter::with_capacity(
            256 * 1024,
            ChannelWriter {
                sender: sender.clone(),
            },
        );
        if let Err(err) = reader.export(out) {
            tracing::error!(error = %err, "bundle export failed");
            let _ = sender.blocking_send(Err(std::io::Error::other(err.to_string())));
        }
    });
    let mut response = Body::from_stream(tokio_stream_from(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"ledger.wsoa\""),
    );
    response
}
