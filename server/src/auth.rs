//! Who is calling, and what their role lets them do. Every request but the health checks and
//! the OpenAPI document carries `Authorization: Bearer <token>`; the token's record (looked up
//! by the secret's hash) gives the name and role that events are recorded under. Nothing in a
//! request body can choose the actor.
//!
//! | permission | viewer | auditor | officer | admin |
//! |---|---|---|---|---|
//! | read (plan, timeline, narrative, diff, log, evidence, checkpoints) | yes | yes | yes | yes |
//! | audit (verify, proofs, bundle export, keep a checkpoint) | | yes | | yes |
//! | record (commands, evidence upload, redaction) | | | yes | yes |
//! | manage tokens | | | | yes |

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use wsoa_core::{Actor, Role};
use wsoa_store::TokenRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// What a request wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read the plan and its history.
    Read,
    /// Verify, prove, export.
    Audit,
    /// Record changes.
    Record,
    /// Manage access tokens.
    ManageTokens,
}

impl Permission {
    /// Whether `role` has this permission.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Permission::Read => true,
            Permission::Audit => matches!(role, Role::Auditor | Role::Admin),
            Permission::Record => matches!(role, Role::Officer | Role::Admin),
            Permission::ManageTokens => role == Role::Admin,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Permission::Read => "read the ledger",
            Permission::Audit => "verify, prove or export (auditor or admin)",
            Permission::Record => "record changes (officer or admin)",
            Permission::ManageTokens => "manage tokens (admin)",
        }
    }
}

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Their token's record.
    pub token: TokenRecord,
}

impl Caller {
    /// The actor events recorded by this caller carry.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.token.name.clone(),
            role: self.token.role,
        }
    }

    /// Refuses with 403 unless the caller's role has `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if permission.allows(self.token.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the token '{}' has the role {}, which may not {}; ask an admin for a token with that role",
                self.token.name,
                self.token.role,
                permission.describe()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized(
                "no token: send the header 'Authorization: Bearer TOKEN' (an admin makes tokens with `wsoa token create`)",
            )
        })?;
        let secret = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the Authorization header is not 'Bearer TOKEN'; send the token after the word Bearer",
                )
            })?
            .to_owned();
        let token = state
            .read(move |reader| Ok(reader.authenticate(&secret)?))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the token is not valid (mistyped, or revoked); ask an admin for a new one",
                )
            })?;
        Ok(Caller { token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table() {
        use Permission::*;
        let table = [
            (Role::Viewer, [true, false, false, false]),
            (Role::Auditor, [true, true, false, false]),
            (Role::Officer, [true, false, true, false]),
            (Role::Admin, [true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [Read, Audit, Record, ManageTokens].map(|p| p.allows(role));
            assert_eq!(got, expected, "{role}");
        }
    }
}
