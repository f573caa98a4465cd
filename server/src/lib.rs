//! The WSoA ledger over HTTP: a JSON API under `/api/v1` with bearer tokens and roles, the web
//! pages people sign in to (`web`), and one writer task that owns every append and commits
//! concurrent commands in groups.
//!
//! Architecture invariant: this crate decides nothing and stores nothing itself. Commands are
//! checked by `wsoa-core`'s `decide` and appended by `wsoa-store`'s `Ledger`, owned by the
//! writer; reads go through cloned `wsoa_store::Reader`s and never wait for the writer.

pub mod api;
pub mod auth;
pub mod connections;
pub mod error;
pub mod serve;
pub mod state;
pub mod upload;
pub mod web;
pub use wsoa_api::wire;
pub mod writer;

pub use api::{ApiDoc, app};
pub use serve::{run, serve};
pub use state::{AppState, Limits};
