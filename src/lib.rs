//! datakart finds personal data across an organisation's files and says
//! what it holds, where, and how sure it is.
//!
//! # Architecture, in pipeline order
//!
//! A scan is a one-way pipeline; each stage is a module with a small typed
//! interface and knows nothing of the stages after it:
//!
//! 1. [`walk`] traverses the roots in parallel and yields [`walk::Source`]s
//!    (path, size, modified time) or walk errors. It never reads contents.
//! 2. [`extract`] sniffs a file's format and turns its bytes into text
//!    units, each with an origin (line, cell, key path, table row), streaming
//!    in bounded memory.
//! 3. [`detect`] finds and validates identifiers in a unit's text and rates
//!    each finding's confidence from keywords and column headers.
//! 4. [`sink`] owns every output file. One writer thread receives findings
//!    and file outcomes over a channel and writes Parquet and CSV atomically.
//!
//! [`scan`] wires the stages together on a rayon pool whose workers run a
//! few nice steps below the later stages ([`priority`]); besides it, only
//! the sink's Parquet writers and the index's feed start threads of their
//! own, each through a [`handoff::Handoff`]. Raw values never leave the
//! worker that found them: the sink receives the keyed hash
//! ([`keyed_hash`]) and the masked form, and the plain value only when the
//! user asked for `--reveal-values`.

#![warn(missing_docs)]

pub mod atomic;
pub mod blocklist;
pub mod category;
pub mod columns;
pub mod detect;
pub mod digest;
pub mod error;
pub mod extract;
pub mod handoff;
pub mod history;
pub mod index;
pub mod keyed_hash;
pub mod lock;
pub mod log;
pub mod model;
pub mod priority;
pub mod profile;
pub mod records;
pub mod region;
pub mod report;
pub mod retention;
pub mod review;
pub mod rotation;
pub mod scan;
pub mod sink;
pub mod state;
pub mod suppress;
pub mod triage;
pub mod walk;
pub mod wire;

/// The document writers the integration tests and benchmarks build
/// workbooks and PDFs with, for unit tests that need a real file.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../tests/gen_docs.rs"]
mod gen_docs;

pub use error::{Error, Result};
