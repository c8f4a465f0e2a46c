//! The command-line syntax (clap derive). Validation beyond syntax happens
//! when the arguments are turned into a scan configuration.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// datakart finds personal data in files and tells you what you hold,
/// where, and how sure it is. Outputs hold masked values and keyed hashes,
/// never plain personal data unless you ask for it.
#[derive(Debug, Parser)]
#[command(name = "datakart", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders for personal data and write findings, a data
    /// map and scan errors (Parquet + CSV) and scan.json to --out.
    ///
    /// Exit codes: 0 the scan completed (files that could not be read are
    /// listed in scan_errors), 1 the scan could not run (bad profile,
    /// missing root, output not writable), 2 usage error.
    Scan(ScanArgs),
    /// List the built-in detector catalogue: each detector's id (as used
    /// in a profile's [detect] enable/disable), type, shape, validation,
    /// confidence rules, keyword window, keywords and examples.
    Detectors(DetectorsArgs),
}

/// Arguments of `datakart detectors`.
#[derive(Debug, Args)]
pub struct DetectorsArgs {
    /// Also list this profile's custom detectors (and check them).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// `text` for people, `json` for tools.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// Arguments of `datakart scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan. Paths in the outputs start with the root
    /// as written here.
    #[arg(required = true, value_name = "ROOT")]
    pub roots: Vec<PathBuf>,

    /// Scan profile (TOML). Default: the embedded profiles/default.toml.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// Output folder, created if missing.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// Worker threads. Default: the number of CPU cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Also write the plain personal values (a `value` column). For testing
    /// and local use only: the outputs then hold personal data themselves.
    #[arg(long)]
    pub reveal_values: bool,

    /// No progress display and no summary table.
    #[arg(long, short)]
    pub quiet: bool,

    /// File holding the hash key as hex. Default: $DATAKART_KEY, then
    /// $DATAKART_KEY_FILE, then a key in your config folder (created on
    /// first use).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}
