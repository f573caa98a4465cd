//! The papers a SEND improvement board, an adviser and an inspector read, built from the core's
//! views of the ledger and returned as bytes for the caller to write or serve: the command line
//! (`wsoa show --format xlsx`, `wsoa narrative --format docx|pdf`) and the web pages
//! (`/tracker.xlsx`, `/narrative.docx`, `/narrative.pdf`) make the same files.
//!
//! - [`xlsx`]: the tracker workbook (Tracker, Measures, History and Print sheets).
//! - [`docx`]: the impact narrative as a Word document.
//! - [`pdf`]: the impact narrative's HTML printed to PDF by headless Chromium.

pub mod docx;
pub mod pdf;
pub mod xlsx;
