//! The HTTP API under `/api/v1`: one file per resource, the router that joins them with the
//! middleware (body limit, timeout, request ids, tracing), and the OpenAPI document generated
//! from the handlers' annotations.

pub mod audit;
pub mod commands;
pub mod evidence;
pub mod read;
pub mod tokens;

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::state::AppState;

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "WSoA evidence ledger API", description = "Record and read a local area's Written Statement of Action as a hash-chained ledger. Every request but /healthz, /readyz and this document needs 'Authorization: Bearer TOKEN'."),
    paths(
        commands::submit, commands::submit_batch,
        evidence::list, evidence::content, evidence::upload,
        read::plan, read::timeline, read::diff, read::narrative, read::log,
        audit::verify, audit::latest_checkpoint, audit::checkpoints, audit::keep_checkpoint, audit::proof, audit::bundle,
        tokens::list, tokens::create, tokens::revoke,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &ServerAnswers),
    tags(
        (name = "record", description = "Recording changes"),
        (name = "read", description = "The plan and its history at any point in time"),
        (name = "evidence", description = "Evidence files"),
        (name = "audit", description = "Verification, checkpoints, proofs, bundles"),
        (name = "tokens", description = "Access tokens (admin)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The answers every route can give from the server's own limits, whatever its handler does:
/// 431 for a request head over the limit, 413 for a declared body over it (refused before it is
/// read), and 507 from every route that writes when the ledger's disk is full or read-only.
struct ServerAnswers;

impl utoipa::Modify for ServerAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        let answer = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let writes = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in writes.into_iter().flatten() {
                operation.responses.responses.entry("507".into()).or_insert_with(|| {
                    answer("Nothing was recorded: the server's disk is full or read-only, or writes stopped after a write failed there (codes disk_full, read_only, writes_stopped); its operator must act, then the request can be sent again")
                });
            }
            let every = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in every.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.entry("413".into()).or_insert_with(|| {
                    answer("The declared body (Content-Length) is over the limit; refused before a byte of it is read")
                });
                responses.entry("431".into()).or_insert_with(|| {
                    answer(
                        "The request line and headers are over the limit; the connection is closed",
                    )
                });
            }
        }
    }
}

/// Request ids: a counter is enough to tie a request's log lines together.
#[derive(Clone, Default)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{id:08x}"))
            .ok()
            .map(RequestId::new)
    }
}

/// The whole application: the API, the health checks, the web pages and the middleware.
pub fn app(state: AppState) -> Router {
    let limits = state.limits().clone();
    let api = Router::new()
        .route("/commands", post(commands::submit))
        .route("/commands/batch", post(commands::submit_batch))
        .route(
            "/evidence",
            get(evidence::list)
                .post(evidence::upload)
                .layer(DefaultBodyLimit::max(
                    usize::try_from(limits.max_upload_bytes)
                        .unwrap_or(usize::MAX)
                        .saturating_add(64 * 1024),
                )),
        )
        .route("/evidence/{id}/content", get(evidence::content))
        .route("/plan", get(read::plan))
        .route("/timeline", get(read::timeline))
        .route("/diff", get(read::diff))
        .route("/narrative", get(read::narrative))
        .route("/log", get(read::log))
        .route("/verify", get(audit::verify))
        .route("/checkpoint", get(audit::latest_checkpoint))
        .route(
            "/checkpoints",
            get(audit::checkpoints).post(audit::keep_checkpoint),
        )
        .route("/proofs", get(audit::proof))
        .route("/bundle", get(audit::bundle))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{name_or_id}", delete(tokens::revoke))
        .route("/openapi.json", get(openapi))
        .fallback(not_found);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // Method, path and id only: never headers (tokens) or bodies (evidence).
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        })
        .on_response(|response: &Response, latency: Duration, _span: &tracing::Span| {
            tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "done");
        });
    // JSON error bodies for the API and the health checks (the API's own fallback answers
    // unknown /api/v1 paths); the web pages answer errors, and unknown paths, with HTML pages.
    let json = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(axum::middleware::map_response(json_errors));
    Router::new()
        .merge(json)
        .merge(crate::web::routes())
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(axum::middleware::map_response(no_sniffing))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_declared_oversize,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(Counter::default()))
        .with_state(state)
}

/// Whether this request is an evidence upload (`POST /api/v1/evidence`, or the web form's
/// `POST /actions/{id}/evidence`), whose body may be as large as the upload limit.
fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && (path == "/api/v1/evidence"
            || path
                .strip_prefix("/actions/")
                .and_then(|rest| rest.strip_suffix("/evidence"))
                .is_some_and(|id| !id.is_empty() && !id.contains('/')))
}

/// The most body bytes this request may declare: the upload limit (with room for the multipart
/// form's other fields) for an evidence upload, the body limit for anything else.
fn body_limit(limits: &crate::state::Limits, method: &axum::http::Method, path: &str) -> u64 {
    if is_upload(method, path) {
        limits.max_upload_bytes.saturating_add(64 * 1024)
    } else {
        u64::try_from(limits.max_body_bytes).unwrap_or(u64::MAX)
    }
}

/// Refuses (413) a request whose `Content-Length` is over the limit for it before a byte of the
/// body is read, so that a client cannot make the server read (or wait for) a body it would
/// refuse anyway. Bodies without a declared length are held to the same limits as they stream.
async fn refuse_declared_oversize(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let path = request.uri().path();
    let limit = body_limit(state.limits(), request.method(), path);
    match declared {
        Some(declared) if declared > limit => {
            let message = if is_upload(request.method(), path) {
                format!(
                    "the upload declares {declared} bytes; this server accepts evidence files of at most {} bytes",
                    state.limits().max_upload_bytes
                )
            } else {
                format!(
                    "the request body declares {declared} bytes; this server accepts at most {limit} bytes here"
                )
            };
            if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" {
                ApiError::too_large(message).into_response()
            } else {
                let mut sentence = format!("{message}.");
                sentence[..1].make_ascii_uppercase();
                crate::web::error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request is too large",
                    &sentence,
                )
            }
        }
        _ => next.run(request).await,
    }
}

/// Every response says that its declared content type is to be taken as it is: a browser must
/// never guess a type from the content (an evidence file, a CSV or a bundle must not be run as
/// a page).
async fn no_sniffing(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

/// Turns the plain-text error responses of extractors and middleware (a bad query string, a
/// body over the limit, a timeout) into the API's JSON error body, so that every error a client
/// sees has the same shape.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (_, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_owned();
    let (code, fallback) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "the request body is larger than this server accepts",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long and was stopped"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the body's content type is not accepted here",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not take that method",
        ),
        StatusCode::INTERNAL_SERVER_ERROR => {
            ("internal", "the server failed to complete the request")
        }
        _ if status.is_client_error() => ("bad_request", "the request is not valid"),
        _ => ("unavailable", "the server cannot answer now"),
    };
    let message = if text.is_empty() || status.is_server_error() {
        fallback.to_owned()
    } else {
        text
    };
    ApiError::new(status, code, message).into_response()
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready while the server takes new work and a write could be made now: not while shutting
/// down, nor while the ledger's disk is full or read-only or writes have stopped after a failed
/// one (ready again as soon as there is room).
async fn readyz(State(state): State<AppState>) -> Response {
    if !state.is_ready() {
        return ApiError::unavailable("shutting down").into_response();
    }
    match state.read(|reader| Ok(reader.writable())).await {
        Ok(Ok(())) => "ready\n".into_response(),
        Ok(Err(err)) => ApiError::not_ready(&err).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; the API is described at /api/v1/openapi.json")
}
