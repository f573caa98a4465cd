//! Access tokens for `wsoa serve`: bearer secrets shown once, stored only as their BLAKE3 hash,
//! each with the name and role that every event recorded with it carries as its actor.
//!
//! Tokens are access control, not history: they live in their own tree, outside the hash chain,
//! so creating or revoking one never changes an event. Who recorded what is in the events.

use serde::{Deserialize, Serialize};
use wsoa_core::{Digest, Role};

use crate::error::StoreError;
use crate::ledger::{Ledger, Reader};

/// The BLAKE3 derive-key context for hashing token secrets (see docs/FORMAT.md).
pub const TOKEN_HASH_CONTEXT: &str = "wsoa-ledger 2026 api token v1";
/// Every secret starts with this, so that a leaked one is recognisable (and scannable).
pub const TOKEN_PREFIX: &str = "wsoa_";
/// The longest token name: it becomes the actor's name on every event recorded with the token.
pub const MAX_TOKEN_NAME_CHARS: usize = 120;

/// A token as stored: everything but the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A short public id (the first 12 hex digits of the secret's hash), for lists and logs.
    pub id: String,
    /// Who holds it; events recorded with it carry this name as their actor.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was created, Unix milliseconds.
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

impl TokenRecord {
    /// Whether it still grants access.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// The hash a token secret is stored and looked up under.
pub fn token_hash(secret: &str) -> Digest {
    Digest(blake3::derive_key(TOKEN_HASH_CONTEXT, secret.as_bytes()))
}

/// Checks a token name: one to 120 characters, no control characters, no space at either end.
pub fn check_token_name(name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::BadTokenName(
            "a token needs a name: the person or service that will use it, e.g. \"A. Patel (QA)\""
                .into(),
        ));
    }
    if name.trim() != name {
        return Err(StoreError::BadTokenName(format!(
            "the token name '{name}' starts or ends with a space; remove it"
        )));
    }
    if name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(StoreError::BadTokenName(format!(
            "the token name is {} characters long; the limit is {MAX_TOKEN_NAME_CHARS}",
            name.chars().count()
        )));
    }
    if let Some((at, c)) = wsoa_core::text::first_refused(name, false) {
        return Err(StoreError::BadTokenName(format!(
            "the token name holds {} at character {at}, and a name must be plain text on one line; remove it",
            wsoa_core::text::describe(c)
        )));
    }
    Ok(())
}

fn encode(record: &TokenRecord) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(record)
        .map_err(|err| StoreError::Internal(format!("a token record cannot be encoded: {err}")))
}

fn decode(bytes: &[u8]) -> Result<TokenRecord, StoreError> {
    serde_json::from_slice(bytes)
        .map_err(|err| StoreError::Damaged(format!("a token record is unreadable: {err}")))
}

impl Reader {
    /// The token whose secret this is, if it exists and is not revoked.
    pub fn authenticate(&self, secret: &str) -> Result<Option<TokenRecord>, StoreError> {
        match self.tokens.get(token_hash(secret).as_bytes())? {
            Some(bytes) => Ok(Some(decode(&bytes)?).filter(TokenRecord::is_active)),
            None => Ok(None),
        }
    }

    /// Every token ever created (revoked ones too), oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let mut records = self
            .tokens
            .iter()
            .map(|entry| decode(&entry?.1))
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(records)
    }

    /// Whether any token (active or not) exists: a server with none prints how to make one.
    pub fn has_tokens(&self) -> Result<bool, StoreError> {
        Ok(!self.tokens.is_empty())
    }
}

impl Ledger {
    /// Creates a token: a new random secret (returned once, never stored) and its record. Names
    /// are unique among active tokens, because a name is the actor events are recorded under.
    pub fn create_token(
        &self,
        name: &str,
        role: Role,
        now: i64,
    ) -> Result<(String, TokenRecord), StoreError> {
        check_token_name(name)?;
        if self
            .tokens()?
            .iter()
            .any(|token| token.is_active() && token.name == name)
        {
            return Err(StoreError::TokenExists(name.to_owned()));
        }
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).map_err(|err| {
            StoreError::io("the operating system gave no randomness for the token")(
                std::io::Error::other(err.to_string()),
            )
        })?;
        let secret = format!("{TOKEN_PREFIX}{}", hex::encode(random));
        let hash = token_hash(&secret);
        let record = TokenRecord {
            id: hash.to_hex()[..12].to_owned(),
            name: name.to_owned(),
            role,
            created_at: now,
            revoked_at: None,
        };
        self.tokens.insert(hash.as_bytes(), encode(&record)?)?;
        self.flush()?;
        Ok((secret, record))
    }

    /// Revokes the active token with this name or id; it stops working at once.
    pub fn revoke_token(&self, name_or_id: &str, now: i64) -> Result<TokenRecord, StoreError> {
        for entry in self.tokens.iter() {
            let (key, bytes) = entry?;
            let mut record = decode(&bytes)?;
            if record.is_active() && (record.name == name_or_id || record.id == name_or_id) {
                record.revoked_at = Some(now);
                self.tokens.insert(key, encode(&record)?)?;
                self.flush()?;
                return Ok(record);
            }
        }
        Err(StoreError::NoSuchToken(name_or_id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_accepted_until_revoked_and_only_its_hash_is_stored() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let ledger = Ledger::create(dir.path()).expect("creates");
        let (secret, record) = ledger
            .create_token("A. Patel", Role::Officer, 1_000)
            .expect("created");
        assert!(secret.starts_with(TOKEN_PREFIX));
        assert_eq!(
            ledger.authenticate(&secret).expect("reads"),
            Some(record.clone())
        );
        assert_eq!(ledger.authenticate("wsoa_guess").expect("reads"), None);
        // The secret is nowhere in the tree: keys are hashes, values are the records.
        for entry in ledger.tokens.iter() {
            let (key, value) = entry.expect("reads");
            assert_eq!(key.as_ref(), token_hash(&secret).as_bytes());
            assert!(!String::from_utf8_lossy(&value).contains(&secret[5..]));
        }
        assert!(matches!(
            ledger.create_token("A. Patel", Role::Viewer, 2_000),
            Err(StoreError::TokenExists(_))
        ));
        let revoked = ledger.revoke_token(&record.id, 3_000).expect("revoked");
        assert_eq!(revoked.revoked_at, Some(3_000));
        assert_eq!(ledger.authenticate(&secret).expect("reads"), None);
        assert!(matches!(
            ledger.revoke_token("A. Patel", 4_000),
            Err(StoreError::NoSuchToken(_))
        ));
        // A revoked name can be given again.
        ledger
            .create_token("A. Patel", Role::Viewer, 5_000)
            .expect("created again");
        assert_eq!(ledger.tokens().expect("lists").len(), 2);
    }

    #[test]
    fn the_token_hash_is_the_documented_derivation() {
        // docs/FORMAT.md section 17, computed independently with Python's blake3 package:
        // blake3(secret, derive_key_context="wsoa-ledger 2026 api token v1").
        let secret = format!("{TOKEN_PREFIX}{}", "00".repeat(32));
        assert_eq!(
            token_hash(&secret).to_hex(),
            "e6239158eb2b2a869f4115ca6ca3e23f28862326b75893b7077141c8d14340ee"
        );
    }

    #[test]
    fn bad_names_are_refused_with_the_reason() {
        for (name, says) in [
            ("", "needs a name"),
            (" A. Patel", "starts or ends with a space"),
            ("A.\nPatel", "a line break (U+000A) at character 3"),
            (
                "A. Patel\u{202e}",
                "a right-to-left override (U+202E) at character 9",
            ),
            ("A. \u{1b}[31mPatel", "an escape character"),
        ] {
            let err = check_token_name(name).expect_err("refused");
            assert!(err.to_string().contains(says), "{name:?}: {err}");
        }
        let long = "x".repeat(MAX_TOKEN_NAME_CHARS + 1);
        assert!(check_token_name(&long).is_err());
        assert!(check_token_name(&"x".repeat(MAX_TOKEN_NAME_CHARS)).is_ok());
    }
}
