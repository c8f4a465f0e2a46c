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
    /// A scan over an output folder that holds an earlier scan reads only
    /// new and changed files and carries the others forward from
    /// OUT/state/.
    ///
    /// Exit codes: 0 the scan completed (files that could not be read are
    /// listed in scan_errors), 1 the scan could not run (bad profile,
    /// missing root, output not writable), 2 usage error, 3 another scan is
    /// writing to the same --out, 4 --fail-on matched (the scan completed).
    Scan(ScanArgs),
    /// List the built-in detector catalogue: each detector's id (as used
    /// in a profile's [detect] enable/disable), type, shape, validation,
    /// confidence rules, keyword window, keywords and examples.
    Detectors(DetectorsArgs),
    /// Find everything held about one person: QUERY is an e-mail address,
    /// phone number, national ID, IBAN, card number, IP address or name.
    /// Looks the keyed hash up in the subject index of --out and follows
    /// links through records (a CRM row with e-mail and fødselsnummer finds
    /// the letter that holds only the fødselsnummer).
    ///
    /// Exit codes: 0 done (also when nothing is found), 1 no index or
    /// another key, 2 a query that is not a recognisable value.
    Search(SearchArgs),
    /// Data-subject requests: export everything held about a person
    /// (access, portability) or list what to erase (erasure).
    #[command(subcommand)]
    Subject(SubjectCommand),
    /// Breach impact: how many people and what data the given files or
    /// folders expose, with a CSV of the affected people's masked
    /// identifiers.
    Impact(ImpactArgs),
    /// Scan profiles: check one before using it.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Write the auditor's report: one self-contained HTML file from a
    /// scan's outputs (totals, charts, violations, undeclared data,
    /// special categories, scan errors).
    Report(ReportArgs),
    /// Print the last scans of an output folder (OUT/history/) as a table.
    History(HistoryArgs),
    /// Record a review decision about findings: false-positive (left out
    /// of later outputs, counted in scan.json), accepted or resolved
    /// (kept, marked in the triage column). Decisions apply from the next
    /// scan of --out on, without re-reading any file.
    ///
    /// Name the findings one way: FINDING_ID (the finding_id column),
    /// --value-hash (one value wherever it is) or --path (a glob over the
    /// path column), optionally narrowed with --type. --list shows the
    /// decisions, --undo N removes one.
    ///
    /// Exit codes: 0 done, 1 no scan state in --out, 2 a selector that
    /// names nothing or is malformed, 3 a scan is writing to --out.
    Triage(TriageArgs),
    /// List the last scan's findings with their finding_id, triage and the
    /// scan each was first seen in; --baseline SCAN_ID shows only those
    /// new since that scan, for reviewing the delta.
    Findings(FindingsArgs),
}

/// Arguments of `datakart triage`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The finding to decide about (16 hex digits, the finding_id column).
    #[arg(value_name = "FINDING_ID")]
    pub finding: Option<String>,

    /// Decide about one value wherever it is found (the value_hash column).
    #[arg(long, value_name = "H")]
    pub value_hash: Option<String>,

    /// Decide about every finding in the files whose path matches this
    /// glob (as in the path column, e.g. '**/testdata/**').
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,

    /// Only findings of this type (the type column), with --value-hash or
    /// --path.
    #[arg(long = "type", value_name = "TYPE")]
    pub type_label: Option<String>,

    /// The decision.
    #[arg(long = "as", value_name = "DECISION", value_parser = ["false-positive", "accepted", "resolved"],
          required_unless_present_any = ["list", "undo"])]
    pub decision: Option<String>,

    /// Why, in words (shown by --list).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// Show the decisions and how many findings each covered in the last
    /// scan.
    #[arg(long, conflicts_with_all = ["finding", "value_hash", "path", "decision", "undo"])]
    pub list: bool,

    /// Remove decision N (its number in --list).
    #[arg(long, value_name = "N", conflicts_with_all = ["finding", "value_hash", "path", "decision"])]
    pub undo: Option<i64>,

    /// The scan output folder.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// Output format of --list.
    #[arg(long, value_parser = ["table", "csv", "json"], default_value = "table")]
    pub format: String,
}

/// Arguments of `datakart findings`.
#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// The scan output folder.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// Only findings first seen after this scan (a scan id from `datakart
    /// history`, or `previous` for the scan before the last).
    #[arg(long, value_name = "SCAN_ID")]
    pub baseline: Option<String>,

    /// Only findings with this triage: open (no decision), accepted,
    /// resolved, or any.
    #[arg(long, value_parser = ["any", "open", "accepted", "resolved"], default_value = "any")]
    pub triage: String,

    /// At most this many findings (0: all).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub limit: usize,

    /// Output format.
    #[arg(long, value_parser = ["table", "csv", "json"], default_value = "table")]
    pub format: String,
}

/// Arguments of `datakart history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The scan output folder.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// How many of the latest scans to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub last: usize,

    /// Output format.
    #[arg(long, value_parser = ["table", "csv", "json"], default_value = "table")]
    pub format: String,
}

/// What `--fail-on` can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Files in retention violation that were not in the previous scan.
    NewViolations,
    /// Personal data found where the previous scan did not find it.
    NewFindings,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `key=value` text.
    Text,
    /// One JSON object per line.
    Json,
}

/// `datakart profile …`.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Validate a profile; every problem is explained with its line and
    /// column. Exit codes: 0 valid, 1 problems found.
    Check(ProfileCheckArgs),
}

/// Arguments of `datakart profile check`.
#[derive(Debug, Args)]
pub struct ProfileCheckArgs {
    /// The profile (TOML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Arguments of `datakart report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The scan output folder.
    #[arg(value_name = "OUT_DIR")]
    pub out_dir: PathBuf,

    /// The HTML file to write. Default: OUT_DIR/report.html.
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
}

/// `datakart subject …`.
#[derive(Debug, Subcommand)]
pub enum SubjectCommand {
    /// Write every location of the person's data to a CSV, JSON or Parquet
    /// file (GDPR art. 15 access, art. 20 portability).
    Export(ExportArgs),
    /// The erasure worklist (GDPR art. 17): every location grouped by
    /// folder, with the category, legal basis and what to do.
    ErasePlan(ErasePlanArgs),
}

/// What every subject lookup takes.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The value to look for: e-mail, phone, national ID, IBAN, card, IP
    /// address or a name ("Ola Nordmann"; all tokens must match, any order).
    #[arg(value_name = "QUERY")]
    pub query: String,

    /// The scan output folder holding the index.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// Only recognise QUERY as this type (e.g. `phone`, `no_fnr`).
    #[arg(long = "type", value_name = "TYPE")]
    pub ty: Option<String>,

    /// Direct hits only: do not follow links through records.
    #[arg(long)]
    pub no_links: bool,

    /// Records followed away from the query. Default: the scan profile's
    /// [subjects] max_hops.
    #[arg(long, value_name = "N")]
    pub max_hops: Option<u32>,

    /// File holding the hash key as hex (as for scan).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

/// Arguments of `datakart search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub lookup: LookupArgs,

    /// `table` groups hits by file; `csv` and `json` give one row/object
    /// per hit.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
}

/// Arguments of `datakart subject export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub lookup: LookupArgs,

    /// Output file; its extension picks the format: .csv, .json or .parquet.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,

    /// Re-read the source files and include the actual values (the index
    /// never holds them). A file changed or gone since the scan is marked.
    #[arg(long)]
    pub reveal_values: bool,

    /// The profile used to re-read files with --reveal-values (limits and
    /// detectors). Default: the embedded default.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
}

/// Arguments of `datakart subject erase-plan`.
#[derive(Debug, Args)]
pub struct ErasePlanArgs {
    #[command(flatten)]
    pub lookup: LookupArgs,

    /// `table` groups by folder; `csv` and `json` give one row per location.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
}

/// Arguments of `datakart impact`.
#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// Files or folders that leaked, as written when scanning (or absolute).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// The scan output folder holding the index.
    #[arg(long, value_name = "DIR", default_value = "datakart-out")]
    pub out: PathBuf,

    /// Where to write the CSV of affected people (masked identifiers).
    /// Default: OUT/impact_subjects.csv.
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,

    /// `table` for people, `json` for tools.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
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

    /// Count ages up to this date (YYYY-MM-DD, UTC midnight) instead of
    /// now, to reproduce a retention report as of a given day.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<i64>,

    /// Read every file again, ignoring what the previous scan kept in
    /// OUT/state/.
    #[arg(long)]
    pub full: bool,

    /// Also hash files whose size and modified time are unchanged, and read
    /// those whose content changed anyway.
    #[arg(long)]
    pub verify: bool,

    /// Exit with code 4 when the completed scan found new retention
    /// violations or new personal data since the previous scan (comma-
    /// separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,

    /// Log every event (scan started, finished with its counts, …) to
    /// stderr, one line each, as text or JSON. Without it only warnings
    /// are logged.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

/// `--as-of`: an ISO date, in microseconds since the epoch.
fn parse_as_of(text: &str) -> Result<i64, String> {
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date: write YYYY-MM-DD"))?;
    Ok(date
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_micros())
}
