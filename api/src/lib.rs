//! The HTTP contract of the WSoA ledger, shared by the server (`wsoa serve`) and its clients
//! (the command line's `--server` mode): the JSON form of every command and of what a recorded
//! command answers (`wire`), a batch's answer, a log line, and the body of every error. It
//! depends on the core alone, so a client need not build the server to speak to it.

#[cfg(feature = "client")]
pub mod client;
pub mod error;
pub mod log;
pub mod wire;

pub use error::{ErrorBody, ErrorDetail};
pub use log::log_line;
pub use wire::{CommandRequest, RecordedBatch, RecordedEvent};
