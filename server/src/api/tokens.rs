//! Token management for admins: create (the secret is in the response, once), list, revoke.
//! The same operations work offline with `wsoa token create|list|revoke`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wsoa_core::Role;
use wsoa_store::TokenRecord;

use crate::api::commands::require_json;
use crate::auth::{Caller, Permission};
use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, now_millis};
use crate::writer::Job;

/// A new token's holder and role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who will use it; events recorded with it carry this name.
    pub name: String,
    /// viewer, auditor, officer or admin.
    #[schema(example = "officer")]
    pub role: String,
}

/// A token as listed (never its secret).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    /// Its public id.
    pub id: String,
    /// Its holder.
    pub name: String,
    /// Its role.
    pub role: String,
    /// When it was created (Unix ms).
    pub created_at: i64,
    /// When it was revoked (Unix ms), if it was.
    pub revoked_at: Option<i64>,
}

impl From<&TokenRecord> for TokenView {
    fn from(record: &TokenRecord) -> TokenView {
        TokenView {
            id: record.id.clone(),
            name: record.name.clone(),
            role: record.role.to_string(),
            created_at: record.created_at,
            revoked_at: record.revoked_at,
        }
    }
}

/// A created token: the secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    /// The bearer secret. Only its hash is stored: keep it now.
    pub token: String,
    /// Its record.
    pub record: TokenView,
}

/// Every token, revoked ones too.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = [TokenView]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    caller.require(Permission::ManageTokens)?;
    state
        .read(|reader| Ok(Json(reader.tokens()?.iter().map(TokenView::from).collect())))
        .await
}

/// Create a token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Permission::ManageTokens)?;
    require_json(&headers)?;
    let request: NewToken = serde_json::from_slice(&body)
        .map_err(|err| ApiError::bad_request(format!("the body is not a token request: {err}")))?;
    let role: Role = request
        .role
        .parse()
        .map_err(|err| ApiError::bad_request(format!("role: {err}")))?;
    let now = now_millis()?;
    let name = request.name;
    let (token, record) = state
        .write(|reply| Job::CreateToken {
            name,
            role,
            now,
            reply,
        })
        .await??;
    tracing::info!(token_id = %record.id, role = %record.role, "token created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token,
            record: TokenView::from(&record),
        }),
    )
        .into_response())
}

/// Revoke a token by its name or id; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{name_or_id}", tag = "tokens",
    params(("name_or_id" = String, Path, description = "The token's name or id")),
    responses((status = 200, body = TokenView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(name_or_id): Path<String>,
) -> Result<Json<TokenView>, ApiError> {
    caller.require(Permission::ManageTokens)?;
    let now = now_millis()?;
    let record = state
        .write(|reply| Job::RevokeToken {
            name_or_id,
            now,
            reply,
        })
        .await??;
    tracing::info!(token_id = %record.id, "token revoked");
    Ok(Json(TokenView::from(&record)))
}
