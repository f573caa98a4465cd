//! One event of the log as JSON, as `GET /api/v1/log` streams it and `wsoa log --format json`
//! prints it: the event's fields, its chain hash, its Merkle leaf hash, its canonical bytes in
//! hex and its recorded time in ISO 8601.

use serde_json::json;
use wsoa_core::date::format_unix_millis;
use wsoa_core::{Digest, Event};

/// The log line of `event`, whose canonical bytes are `bytes` and chain hash `hash`.
pub fn log_line(event: &Event, hash: &Digest, bytes: &[u8]) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(event)?;
    value["hash"] = json!(hash.to_hex());
    value["leaf_hash"] = json!(wsoa_core::merkle::leaf_hash(bytes).to_hex());
    value["bytes"] = json!(hex::encode(bytes));
    value["recorded_at_iso"] = json!(format_unix_millis(event.recorded_at));
    serde_json::to_string(&value)
}
