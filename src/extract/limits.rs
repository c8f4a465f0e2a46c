//! Per-file limits: what a single file may cost before the scan stops
//! reading it and records why. Set in the profile's `[limits]` table; the
//! defaults keep a scan safe on a file share full of surprises (zip bombs,
//! 50 GB logs, archives nested a hundred deep) without skipping ordinary
//! files.

/// Limits on the work one file may cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Text-like files larger than this are read only up to it (`partial`).
    pub max_file_bytes: u64,
    /// Wall-clock seconds one file (with everything inside it) may take.
    pub max_file_seconds: u64,
    /// Formats that must be held whole in memory (PDF, xls, ods) larger
    /// than this are skipped.
    pub max_document_bytes: u64,
    /// Archives and attachments nested deeper than this are not opened.
    pub max_depth: u32,
    /// Unpacked bytes one file on disk may expand to, all levels together.
    pub max_archive_bytes: u64,
    /// Largest unpacked/packed ratio accepted for an archive entry (the
    /// zip-bomb guard); entries beyond it are not unpacked.
    pub max_compression_ratio: u64,
    /// Entries one archive may list before the rest are not checked.
    pub max_archive_entries: u64,
}

/// The defaults, documented in the README and in `profiles/default.toml`.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_file_bytes: 64 << 30,
    max_file_seconds: 900,
    max_document_bytes: 512 << 20,
    max_depth: 5,
    max_archive_bytes: 8 << 30,
    max_compression_ratio: 250,
    max_archive_entries: 100_000,
};

impl Default for Limits {
    fn default() -> Limits {
        DEFAULT_LIMITS
    }
}
