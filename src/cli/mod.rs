//! The command-line front end: turns arguments into library calls, prints
//! the summary, and owns the exit codes. The only place that touches clap,
//! indicatif or the terminal.

mod args;
mod memory;
mod output;
mod profile;
mod progress;
mod review;
mod subject;

use anyhow::Context;
use args::{Cli, Command, DetectorsArgs, FailOn, HistoryArgs, LogFormat, ReportArgs, ScanArgs};
use clap::Parser;
use datakart::keyed_hash::{self, KeySource};
use datakart::profile::Profile;
use datakart::scan::{self, NoProgress, ScanConfig, ScanSummary};
use std::process::ExitCode;

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command completed (a scan may still have scan errors).
    Success = 0,
    /// The command could not run: bad profile, missing root, unwritable output.
    Failure = 1,
    /// The command line was wrong.
    Usage = 2,
    /// Another scan is writing to the same output folder.
    Locked = 3,
    /// The scan completed and `--fail-on` matched.
    FailOn = 4,
}

/// Parses arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::Usage as u8
            } else {
                Exit::Success as u8
            });
        }
    };
    let result = match cli.command {
        Command::Scan(args) => match run_scan(args) {
            Ok(true) => return ExitCode::from(Exit::FailOn as u8),
            other => other.map(|_| ()),
        },
        Command::History(args) => run_history(args),
        Command::Detectors(args) => run_detectors(args),
        Command::Search(args) => subject::run_search(args),
        Command::Subject(command) => subject::run_subject(command),
        Command::Impact(args) => subject::run_impact(args),
        Command::Profile(command) => profile::run(command),
        Command::Report(args) => run_report(args),
        Command::Triage(args) => review::run_triage(args),
        Command::Findings(args) => review::run_findings(args),
    };
    match result {
        Ok(()) => ExitCode::from(Exit::Success as u8),
        Err(e) if matches!(e.downcast_ref(), Some(datakart::Error::Locked(_))) => {
            datakart::log::warn("scan.locked", &[("message", format!("{e:#}").into())]);
            ExitCode::from(Exit::Locked as u8)
        }
        Err(e) if matches!(e.downcast_ref(), Some(datakart::Error::Query(_))) => {
            eprintln!("datakart: error: {e:#}");
            ExitCode::from(Exit::Usage as u8)
        }
        Err(e) => {
            eprintln!("datakart: error: {e:#}");
            ExitCode::from(Exit::Failure as u8)
        }
    }
}

fn run_detectors(args: DetectorsArgs) -> anyhow::Result<()> {
    let catalogue = datakart::detect::catalogue::Catalogue::builtin();
    let custom = match &args.profile {
        Some(path) => Profile::load(path)?.custom,
        None => Vec::new(),
    };
    if args.format == "json" {
        let mut json = serde_json::to_value(catalogue)?;
        json["custom"] = custom
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "name": c.name,
                    "pattern": c.regex.as_str(),
                    "keywords": c.keywords,
                    "requires_keyword": c.requires_keyword,
                    "confidence": c.base.as_str(),
                    "window": c.window,
                    "examples": c.examples,
                    "negative_examples": c.negative_examples,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    for d in &catalogue.detectors {
        println!("{}  {} ({})", d.id, d.name, d.type_id);
        println!("    shape       {}", d.shape);
        println!("    validation  {}", d.validator);
        println!("    confidence  {}", d.confidence);
        print_context_and_examples(d.window, &d.keywords, &d.examples, &d.negative_examples);
    }
    for c in &custom {
        println!("{}  {} (custom, from the profile)", c.id, c.name);
        println!("    pattern     {}", c.regex.as_str());
        println!(
            "    confidence  {}{}; one level up with a keyword or column header",
            c.base.as_str(),
            if c.requires_keyword {
                ", only with a keyword"
            } else {
                ""
            }
        );
        print_context_and_examples(c.window, &c.keywords, &c.examples, &c.negative_examples);
    }
    println!(
        "anti-keywords (within {} bytes before a value): {}",
        catalogue.anti.window,
        catalogue.anti.keywords.join(", ")
    );
    Ok(())
}

/// The lines every detector listing ends with.
fn print_context_and_examples(window: usize, keywords: &[String], examples: &[String], negatives: &[String]) {
    println!(
        "    keywords    within {window} characters: {}",
        keywords.join(", ")
    );
    println!("    examples    {}", examples.join(" | "));
    println!("    not found   {}", negatives.join(" | "));
    println!();
}

/// Runs a scan; `Ok(true)` when it completed and `--fail-on` matched.
fn run_scan(args: ScanArgs) -> anyhow::Result<bool> {
    match args.log_format {
        Some(LogFormat::Text) => datakart::log::set_format(datakart::log::Format::Text),
        Some(LogFormat::Json) => datakart::log::set_format(datakart::log::Format::Json),
        None => {}
    }
    let profile = match &args.profile {
        Some(path) => Profile::load(path)?,
        None => Profile::embedded_default(),
    };
    let (hasher, key_source) =
        keyed_hash::load(args.key_file.as_deref()).context("cannot load the hash key")?;
    if let KeySource::Created(path) = &key_source {
        eprintln!(
            "datakart: created a new hash key in {} (mode 0600). Keep it: later scans and searches need the same key to match people.",
            path.display()
        );
    }
    let threads = args
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    memory::bound_heap(threads);
    let config = ScanConfig {
        roots: args.roots,
        out_dir: args.out,
        threads,
        reveal_values: args.reveal_values,
        profile,
        hasher,
        key_source,
        as_of: args.as_of,
        subject_index: true,
        full: args.full,
        verify: args.verify,
    };
    let progress = (!args.quiet).then(progress::Progress::new_if_terminal).flatten();
    let summary = match &progress {
        Some(p) => {
            let s = scan::run(&config, p);
            p.finish();
            s
        }
        None => scan::run(&config, &NoProgress),
    }?;
    if !args.quiet {
        print_summary(&summary, &config);
    }
    let c = &summary.changes;
    let matched: Vec<&str> = args
        .fail_on
        .iter()
        .filter_map(|f| match f {
            FailOn::NewViolations if c.newly_violating > 0 => Some("new-violations"),
            FailOn::NewFindings if c.appeared + c.moved > 0 => Some("new-findings"),
            _ => None,
        })
        .collect();
    if !matched.is_empty() {
        datakart::log::warn(
            "scan.fail_on",
            &[
                ("matched", matched.join(",").into()),
                ("newly_violating", c.newly_violating.into()),
                ("appeared", c.appeared.into()),
                ("moved", c.moved.into()),
                (
                    "changes",
                    config.out_dir.join("changes.csv").display().to_string().into(),
                ),
            ],
        );
    }
    Ok(!matched.is_empty())
}

fn run_history(args: HistoryArgs) -> anyhow::Result<()> {
    let columns = datakart::history::read_columns();
    let mut rows = datakart::history::read(&args.out)?;
    rows.drain(..rows.len().saturating_sub(args.last));
    match args.format.as_str() {
        "json" => output::print_json(&columns, &rows),
        "csv" => output::print_csv(&columns, &rows),
        _ if rows.is_empty() => {
            let dir = args.out.join(datakart::history::HISTORY_DIR);
            println!("no scans recorded in {}", dir.display());
            Ok(())
        }
        _ => {
            output::print_table(
                &columns,
                &rows,
                &[
                    "scan_id",
                    "started_at",
                    "mode",
                    "duration_seconds",
                    "files_read",
                    "files_carried",
                    "findings",
                    "violations",
                    "appeared",
                    "disappeared",
                ],
            );
            Ok(())
        }
    }
}

fn run_report(args: ReportArgs) -> anyhow::Result<()> {
    let to = args.to.unwrap_or_else(|| args.out_dir.join("report.html"));
    datakart::report::write(&args.out_dir, &to)?;
    println!("report written to {}", to.display());
    Ok(())
}

fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn print_summary(s: &ScanSummary, config: &ScanConfig) {
    println!(
        "datakart scan {} finished in {:.2} s",
        s.scan_id, s.duration_seconds
    );
    println!();
    println!("  {:<14} {:>9}", "type", "findings");
    for (ty, n) in &s.findings.by_type {
        if *n > 0 {
            println!("  {ty:<14} {n:>9}");
        }
    }
    println!("  {:<14} {:>9}", "total", s.findings.total);
    println!();
    let f = &s.files;
    println!(
        "  files   {} seen, {} scanned, {} partial, {} skipped, {} failed, {} excluded",
        f.seen, f.scanned, f.partial, f.skipped, f.failed, f.excluded
    );
    println!(
        "  bytes   {} read at {}/s; coverage {:.1}% of files, {:.1}% of bytes",
        human_bytes(s.bytes.read as f64),
        human_bytes(s.throughput.bytes_per_second),
        s.coverage.files * 100.0,
        s.coverage.bytes * 100.0
    );
    let r = &s.retention;
    if r.violations + r.undeclared_files + r.files_outside_eea > 0 {
        println!(
            "  policy  {} retention violations in {} files ({} blocked contacts); {} files of undeclared personal data; {} outside the EU/EEA",
            r.violations, r.files_in_violation, r.blocked_contacts, r.undeclared_files, r.files_outside_eea
        );
    }
    if f.skipped + f.failed + f.partial > 0 {
        println!(
            "  errors  {} files not fully checked: see scan_errors.csv",
            f.skipped + f.failed + f.partial
        );
    }
    println!("  outputs {}", config.out_dir.display());
}
