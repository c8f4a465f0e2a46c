//! The library's error type. Per-file problems are not errors here: they
//! become scan-error rows and the scan goes on. These are the failures that
//! stop a scan from running at all, plus the extractor errors that a
//! worker turns into rows.

use std::path::PathBuf;

/// Everything that can stop a scan or a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The profile could not be read or is invalid.
    #[error("profile {path}: {message}")]
    Profile {
        /// Where the profile came from (`<embedded default>` for the default).
        path: String,
        /// What is wrong, with line and column where known.
        message: String,
    },
    /// The hash key could not be read or created.
    #[error("hash key: {0}")]
    Key(String),
    /// An output could not be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A Parquet writer failed.
    #[error("cannot write {path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What polars said.
        message: String,
    },
    /// A scan root does not exist or cannot be read.
    #[error("scan root {path}: {message}")]
    Root {
        /// The root as given.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The subject index is missing, damaged, or cannot be written.
    #[error("subject index: {0}")]
    Index(String),
    /// The state store of incremental scans cannot be read or written.
    #[error("state store: {0}")]
    State(String),
    /// Another scan holds the output folder.
    #[error("{0}")]
    Locked(String),
    /// A search query is not a value datakart can recognise.
    #[error("{0}")]
    Query(String),
    /// The report could not be made from a scan's outputs.
    #[error("report: {0}")]
    Report(String),
    /// Any other I/O failure outside per-file processing.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Result alias used throughout the library.
pub type Result<T> = std::result::Result<T, Error>;
