//! API tests: the application in-process (`app(state)` driven with tower's `oneshot`) and a
//! real server on `127.0.0.1:0`. Every endpoint's success path, the authorization matrix, bad
//! input of every kind, idempotent retries and concurrent writers.

#[path = "api/harness.rs"]
mod harness;

/// Every endpoint doing its job for the right role.
#[path = "api/endpoints.rs"]
mod endpoints;

/// Every role against every endpoint.
#[path = "api/matrix.rs"]
mod matrix;

/// Malformed bodies, unknown fields, wrong content types, oversized bodies and uploads,
/// unicode, path-traversal file names, rule violations.
#[path = "api/bad_input.rs"]
mod bad_input;

/// Retried writes with an Idempotency-Key append once.
#[path = "api/idempotency.rs"]
mod idempotency;

/// Many writers over a real socket leave one valid chain with every acknowledged command in it
/// exactly once; shutdown finishes what was acknowledged.
#[path = "api/concurrency.rs"]
mod concurrency;
