//! The domain of the WSoA evidence ledger: what an event is, which commands exist and the rules
//! they obey, the canonical bytes of an event and the hashes that chain them.
//!
//! Architecture invariant: nothing in this crate does I/O or reads a clock. Every function is a
//! pure function of its arguments, so every rule can be tested without a disk and every hash can
//! be recomputed by anyone from the bytes alone.

pub mod chain;
pub mod command;
pub mod date;
pub mod deadline;
pub mod decide;
pub mod decimal;
pub mod demo;
pub mod diff;
pub mod encoding;
pub mod event;
pub mod ids;
pub mod memory;
pub mod merkle;
pub mod narrative;
pub mod note;
pub mod plan;
pub mod point;
pub mod show;
pub mod text;
pub mod timeline;

pub use chain::{CHAIN_CONTEXT, chain_hash, content_hash};
pub use command::Command;
pub use date::Date;
pub use deadline::{Deadline, Recurrence};
pub use decide::{Rejection, State, decide};
pub use decimal::Decimal;
pub use encoding::{DecodeError, decode_event, encode_event};
pub use event::{Actor, Event, EventBody, FORMAT_VERSION, Role};
pub use ids::{
    ActionId, Digest, EvidenceId, InspectionId, MeasureId, MilestoneId, ParseError, PlanId, RiskId,
    Subject, SubjectKind, SubjectRef, WeaknessId, WorkstreamId,
};
