//! `datakart triage` and `datakart findings`: recording review decisions
//! and listing findings for review.

use super::args::{FindingsArgs, TriageArgs};
use super::output::{print_csv, print_json, print_table};
use datakart::lock::OutLock;
use datakart::review::{self, Status};
use datakart::sink::table::{Cell, Kind, columns};
use datakart::triage::{Decision, Decisions, NewRule, Selector, Triage, known_type, parse_id};
use datakart::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// `datakart triage`.
pub fn run_triage(args: TriageArgs) -> anyhow::Result<()> {
    if args.list {
        return list_decisions(&args.out, &args.format);
    }
    if let Some(n) = args.undo {
        let decisions = Decisions::open(&args.out, true)?;
        let _lock = OutLock::acquire(&args.out)?;
        if !decisions.undo(n)? {
            return Err(
                Error::Query(format!("there is no decision {n} (see `datakart triage --list`)")).into(),
            );
        }
        println!(
            "decision {n} removed; it no longer applies from the next scan of {}",
            args.out.display()
        );
        return Ok(());
    }
    let decision = args
        .decision
        .as_deref()
        .and_then(Decision::parse)
        .expect("clap requires --as with a known decision");
    let selector = NewRule::selector(
        args.finding.as_deref(),
        args.value_hash.as_deref(),
        args.path.as_deref(),
    )?;
    if args.type_label.is_some() && matches!(selector, Selector::Finding(_)) {
        return Err(Error::Query(
            "--type narrows --value-hash or --path; a finding has one type already".into(),
        )
        .into());
    }
    let decisions = Decisions::open(&args.out, true)?;
    let rule = NewRule {
        decision,
        selector,
        type_label: args.type_label,
        note: args.note,
    };
    let (covered, types_seen) = covered_now(&args.out, &rule)?;
    if let Some(t) = &rule.type_label
        && !known_type(t)
        && !types_seen.contains(t.as_str())
    {
        return Err(Error::Query(format!(
            "unknown type {t:?}: neither a built-in type nor a type in the last scan's findings"
        ))
        .into());
    }
    let decided_before = decisions.list()?.iter().any(|r| r.selector == rule.selector);
    if covered == 0 && matches!(rule.selector, Selector::Finding(_)) && !decided_before {
        return Err(Error::Query(format!(
            "no finding {} in the last scan of {} (see the finding_id column or `datakart findings`)",
            rule.selector.pattern(),
            args.out.display()
        ))
        .into());
    }
    let _lock = OutLock::acquire(&args.out)?;
    let id = decisions.add(&rule)?;
    println!(
        "decision {id}: {} for {} — covers {covered} finding{} of the last scan; applies from the next scan of {}",
        decision.as_str(),
        rule.rule(id).describe(),
        if covered == 1 { "" } else { "s" },
        args.out.display()
    );
    Ok(())
}

/// How many findings of the last scan a new decision covers, and the
/// types found there.
fn covered_now(out: &Path, rule: &NewRule) -> Result<(u64, HashSet<String>)> {
    let mut matcher = Triage::new(vec![rule.rule(0)])?;
    let mut covered = 0;
    let mut types = HashSet::new();
    review::each_finding(out, |f| {
        if !types.contains(f.type_label) {
            types.insert(f.type_label.to_string());
        }
        let id = parse_id(f.finding_id).unwrap_or(0);
        if matcher.lookup(id, f.path, f.type_label, f.value_hash).is_some() {
            covered += 1;
        }
        true
    })?;
    Ok((covered, types))
}

fn list_decisions(out: &Path, format: &str) -> anyhow::Result<()> {
    let rules = Decisions::open(out, false)?.list()?;
    // What each covered in the last scan, from its scan.json.
    let counted: HashMap<i64, u64> = std::fs::read(out.join("scan.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|s| s["findings"]["triaged"]["by_decision"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|d| Some((d["id"].as_i64()?, d["findings"].as_u64()?)))
        .collect();
    let columns = columns(&[
        ("id", Kind::U64),
        ("decision", Kind::Str),
        ("selects", Kind::Str),
        ("note", Kind::Str),
        ("decided_at", Kind::Str),
        ("findings_last_scan", Kind::U64),
    ]);
    let rows: Vec<Vec<Cell>> = rules
        .iter()
        .map(|r| {
            vec![
                Cell::U64(r.id as u64),
                Cell::from(r.decision.as_str()),
                Cell::from(r.describe()),
                Cell::from(r.note.clone()),
                Cell::from(r.decided_at.as_str()),
                // Decided after the last scan: not applied yet.
                Cell::from(counted.get(&r.id).copied()),
            ]
        })
        .collect();
    match format {
        "csv" => print_csv(&columns, &rows),
        "json" => print_json(&columns, &rows),
        _ if rows.is_empty() => {
            println!("no triage decisions in {}", out.display());
            Ok(())
        }
        _ => {
            print_table(
                &columns,
                &rows,
                &[
                    "id",
                    "decision",
                    "selects",
                    "findings_last_scan",
                    "decided_at",
                    "note",
                ],
            );
            Ok(())
        }
    }
}

/// `datakart findings`.
pub fn run_findings(args: FindingsArgs) -> anyhow::Result<()> {
    let status = match args.triage.as_str() {
        "open" => Status::Open,
        "accepted" => Status::Accepted,
        "resolved" => Status::Resolved,
        _ => Status::Any,
    };
    let rows = review::list(&args.out, status, args.baseline.as_deref(), args.limit)?;
    let columns = review::review_columns();
    match args.format.as_str() {
        "csv" => print_csv(&columns, &rows),
        "json" => print_json(&columns, &rows),
        _ => {
            print_table(
                &columns,
                &rows,
                &[
                    "finding_id",
                    "first_seen",
                    "triage",
                    "path",
                    "location",
                    "type",
                    "value_masked",
                ],
            );
            println!("{} findings", rows.len());
            Ok(())
        }
    }
}
