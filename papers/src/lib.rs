//! The papers a SEND improvement board, an adviser and an inspector read, built from the core's
//! views of the ledger and returned as bytes for the caller to write or serve: the command line
//! (`wsoa show --format xlsx`) and the web pages (`/tracker.xlsx`) make the same file.
//!
//! - [`xlsx`]: the tracker workbook (Tracker, Measures, History and Print sheets).

pub mod xlsx;
