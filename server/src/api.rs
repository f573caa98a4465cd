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
    modifiers(&BearerAuth),
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
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(Counter::default()))
        .with_state(state)
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
