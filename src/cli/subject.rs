//! The subject commands: `search`, `subject export`, `subject erase-plan`
//! and `impact`. Lookups and tables come from the library
//! (`datakart::index`); this module opens the index with the right key,
//! prints, and writes files.

use super::args::{ErasePlanArgs, ExportArgs, ImpactArgs, LookupArgs, SearchArgs, SubjectCommand};
use super::output::{aligned, at, print_csv, print_json, widths};
use anyhow::{Context, bail};
use datakart::category;
use datakart::index::rows;
use datakart::index::subject::{self, Subject};
use datakart::index::{SubjectIndex, impact};
use datakart::keyed_hash::{self, Hasher};
use datakart::model::DataType;
use datakart::profile::Profile;
use datakart::sink::table::{Cell, Columns, TableWriter, cell_text, json_rows};
use std::path::Path;

/// Opens the index of `--out` and checks it was built with this key.
fn open(out: &Path, key_file: Option<&Path>) -> anyhow::Result<(SubjectIndex, Hasher)> {
    let index = SubjectIndex::open(out)?;
    let (hasher, _) = keyed_hash::load(key_file).context("cannot load the hash key")?;
    if hasher.fingerprint() != index.meta.key_fingerprint {
        bail!(
            "the index in {} was built with another hash key; use the key of scan {} (DATAKART_KEY, --key-file)",
            out.display(),
            index.meta.scan_id
        );
    }
    Ok((index, hasher))
}

/// Recognises the query and finds the subject.
fn lookup(args: &LookupArgs) -> anyhow::Result<(Subject, SubjectIndex, Hasher)> {
    let only = match &args.ty {
        None => None,
        Some(t) => Some(DataType::parse(t).ok_or_else(|| {
            datakart::Error::Query(format!("--type {t}: unknown type (see `datakart detectors`)"))
        })?),
    };
    let (index, hasher) = open(&args.out, args.key_file.as_deref())?;
    let query = subject::recognise(&args.query, &index.meta.phone_country, only)?;
    let mut policy = index.meta.links;
    if let Some(hops) = args.max_hops {
        policy.max_hops = hops;
    }
    let found = subject::find(&index, &hasher, &query, !args.no_links, &policy)?;
    if let Some(note) = &found.stopped {
        eprintln!("datakart: {note}");
    }
    Ok((found, index, hasher))
}

/// Prints `rows` grouped by the text of column `group`, each row's
/// `shown` columns aligned under its group's heading.
fn print_grouped(columns: &Columns, rows: &[Vec<Cell>], group: &str, shown: &[&str]) {
    let g = at(columns, group);
    let idx: Vec<usize> = shown.iter().map(|n| at(columns, n)).collect();
    let widths = widths(rows, &idx, &[]);
    let mut current = None;
    for row in rows {
        let heading = cell_text(&row[g]);
        if current.as_ref() != Some(&heading) {
            println!();
            println!("{heading}");
            current = Some(heading);
        }
        println!("  {}", aligned(idx.iter().map(|&i| cell_text(&row[i])), &widths));
    }
}

/// Writes a table to `to`, in the format its extension names.
fn write_file(to: &Path, columns: Columns, rows: Vec<Vec<Cell>>) -> anyhow::Result<()> {
    let ext = to
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => {
            let text = serde_json::to_vec_pretty(&json_rows(&columns, &rows))?;
            datakart::atomic::write_all(to, &text)?;
        }
        "csv" | "parquet" => {
            let (csv, parquet) = if ext == "csv" {
                (Some(to.to_path_buf()), None)
            } else {
                (None, Some(to.to_path_buf()))
            };
            let mut table = TableWriter::create_files(csv, parquet, columns)?;
            for row in rows {
                table.push(&row)?;
            }
            table.commit()?;
        }
        _ => {
            return Err(datakart::Error::Query(format!(
                "--to {}: the file name must end in .csv, .json or .parquet",
                to.display()
            ))
            .into());
        }
    }
    Ok(())
}

fn headline(query: &str, found: &Subject) -> String {
    let files: std::collections::BTreeSet<&str> = found.hits.iter().map(|h| h.path.as_str()).collect();
    format!(
        "{query}: {} hits in {} files ({} identifiers)",
        found.hits.len(),
        files.len(),
        found.identifiers
    )
}

/// `datakart search`.
pub fn run_search(args: SearchArgs) -> anyhow::Result<()> {
    let (found, _, _) = lookup(&args.lookup)?;
    let rows: Vec<Vec<Cell>> = found.hits.iter().map(rows::hit_cells).collect();
    let columns = rows::hit_columns();
    match args.format.as_str() {
        "csv" => print_csv(&columns, &rows),
        "json" => print_json(&columns, &rows),
        _ => {
            println!("{}", headline(&args.lookup.query, &found));
            print_grouped(
                &columns,
                &rows,
                "path",
                &["location", "type", "value_masked", "confidence", "match"],
            );
            Ok(())
        }
    }
}

/// `datakart subject …`.
pub fn run_subject(command: SubjectCommand) -> anyhow::Result<()> {
    match command {
        SubjectCommand::Export(args) => run_export(args),
        SubjectCommand::ErasePlan(args) => run_erase_plan(args),
    }
}

fn load_profile(path: Option<&Path>) -> anyhow::Result<Profile> {
    Ok(match path {
        Some(p) => Profile::load(p)?,
        None => Profile::embedded_default(),
    })
}

fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let (found, _, hasher) = lookup(&args.lookup)?;
    let profile = load_profile(args.profile.as_deref())?;
    let reveal = args.reveal_values.then_some((&profile, &hasher));
    let (columns, rows) = rows::export_table(&found.hits, reveal);
    let n = rows.len();
    write_file(&args.to, columns, rows)?;
    eprintln!(
        "{}; written to {}{}",
        headline(&args.lookup.query, &found),
        args.to.display(),
        if args.reveal_values {
            " WITH PLAIN VALUES: it holds personal data, handle it as such"
        } else {
            ""
        }
    );
    if n == 0 {
        eprintln!(
            "datakart: nothing is held about {:?} in this index",
            args.lookup.query
        );
    }
    Ok(())
}

fn run_erase_plan(args: ErasePlanArgs) -> anyhow::Result<()> {
    let (found, _, _) = lookup(&args.lookup)?;
    let data_map = args.lookup.out.join("data_map.csv");
    let wanted: std::collections::HashSet<&str> = found.hits.iter().map(|h| h.path.as_str()).collect();
    let recorded = category::recorded(&data_map, &wanted)
        .with_context(|| format!("cannot read the scan's categories from {}", data_map.display()))?;
    let (columns, rows) = rows::erase_plan(&found.hits, &recorded);
    match args.format.as_str() {
        "csv" => print_csv(&columns, &rows),
        "json" => print_json(&columns, &rows),
        _ => {
            println!("{}", headline(&args.lookup.query, &found));
            print_grouped(
                &columns,
                &rows,
                "folder",
                &[
                    "path",
                    "location",
                    "type",
                    "value_masked",
                    "category",
                    "legal_basis",
                    "action",
                ],
            );
            Ok(())
        }
    }
}

/// `datakart impact`.
pub fn run_impact(args: ImpactArgs) -> anyhow::Result<()> {
    let index = SubjectIndex::open(&args.out)?;
    let result = impact::assess(&index, &args.paths, &index.meta.links)?;
    let to = args
        .to
        .clone()
        .unwrap_or_else(|| args.out.join("impact_subjects.csv"));
    let (columns, rows) = rows::impact_table(&result);
    write_file(&to, columns, rows)?;
    if args.format == "json" {
        let mut json = serde_json::to_value(&result)?;
        json["subjects_csv"] = to.display().to_string().into();
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    println!(
        "Breach impact of {} (index of scan {})",
        args.paths.join(", "),
        index.meta.scan_id
    );
    println!("  files with findings  {}", result.files);
    println!("  findings             {}", result.findings);
    println!("  distinct people      {}", result.subjects);
    println!();
    println!("  {:<18} {:>9} {:>9}", "type", "findings", "values");
    for (ty, e) in &result.by_type {
        println!("  {ty:<18} {:>9} {:>9}", e.findings, e.values);
    }
    if !result.special_categories.is_empty() {
        println!();
        println!("  special categories (GDPR art. 9/10):");
        for (sub, n) in &result.special_categories {
            println!("    {sub:<20} {n:>6}");
        }
    }
    println!();
    println!("  affected people (masked identifiers): {}", to.display());
    Ok(())
}
