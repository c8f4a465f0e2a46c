//! Triage and review: decisions by finding id, value hash and path carry
//! forward to later scans (false positives left out and counted, accepted
//! and resolved marked), undo brings a finding back, mistakes are refused
//! with exit 2; `findings --baseline` lists exactly what is new since a
//! scan; `--fail-on new-violations` exits 4 only when a file newly
//! violates its retention period.

use crate::util::{Tree, datakart, read_csv, scan, summary};
use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

fn run(out: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    datakart(home.path())
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Findings by (file name, location, type) → triage column.
fn triage_column(out: &Path) -> HashMap<(String, String, String), String> {
    read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|r| {
            let file = r["path"].rsplit('/').next().unwrap().to_string();
            (
                (file, r["location"].clone(), r["type"].clone()),
                r["triage"].clone(),
            )
        })
        .collect()
}

fn key(file: &str, location: &str, ty: &str) -> (String, String, String) {
    (file.into(), location.into(), ty.into())
}

#[test]
fn triage_decisions_carry_forward_false_positives_are_counted_and_undo_restores() {
    let t = Tree::new();
    let root = t.path().join("share");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("kunder.csv"),
        "navn,epost\nOla,ola@example.no\nKari,kari@example.no\nPer,per@example.no\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("test")).unwrap();
    std::fs::write(root.join("test/fixture.txt"), "kontakt: test@example.no\n").unwrap();
    std::fs::write(root.join("brev.txt"), "Fødselsnummer: 15108695088\n").unwrap();
    let out = t.path().join("out");
    scan(&[&root], &out, &[]);
    let before = read_csv(&out.join("findings.csv"));
    let total = before.len();
    let row = |file: &str, location: &str| {
        before
            .iter()
            .find(|r| r["path"].ends_with(file) && r["location"] == location)
            .unwrap_or_else(|| panic!("no finding at {file} {location}: {before:?}"))
            .clone()
    };
    let kari = row("kunder.csv", "row 2, column epost");
    let fnr = before
        .iter()
        .find(|r| r["type"] == "no_fnr")
        .expect("the letter's fødselsnummer")
        .clone();
    assert!(
        before
            .iter()
            .all(|r| r["finding_id"].len() == 16 && r["triage"].is_empty())
    );

    let said = ok(run(
        &out,
        &[
            "triage",
            &kari["finding_id"],
            "--as",
            "false-positive",
            "--note",
            "test row",
        ],
    ));
    assert!(
        said.contains("decision 1: false-positive") && said.contains("covers 1 finding"),
        "{said}"
    );
    ok(run(&out, &["triage", "--path", "**/test/**", "--as", "accepted"]));
    ok(run(
        &out,
        &[
            "triage",
            "--value-hash",
            &fnr["value_hash"],
            "--type",
            "no_fnr",
            "--as",
            "resolved",
        ],
    ));
    // Mistakes are refused with exit 2 and nothing is stored.
    for bad in [
        vec!["triage", "0123456789abcdef", "--as", "accepted"],
        vec!["triage", "12", "--as", "accepted"],
        vec!["triage", "--value-hash", "abc", "--as", "accepted"],
        vec!["triage", "--path", "a/[", "--as", "accepted"],
        vec!["triage", "--path", "**", "--type", "telefon", "--as", "accepted"],
    ] {
        let o = run(&out, &bad);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = run(&t.path().join("nowhere"), &["triage", "--list"]);
    assert_eq!(o.status.code(), Some(1));

    // The next scan reads nothing (nothing changed) and applies every
    // decision to the carried results.
    scan(&[&root], &out, &[]);
    let s = summary(&out);
    assert_eq!(s["incremental"]["files_read"], 0, "{s}");
    let after = triage_column(&out);
    assert_eq!(after.len(), total - 1);
    assert!(!after.contains_key(&key("kunder.csv", "row 2, column epost", "email")));
    assert_eq!(after[&key("kunder.csv", "row 1, column epost", "email")], "");
    assert_eq!(after[&key("fixture.txt", "line 1", "email")], "accepted");
    assert_eq!(after[&key("brev.txt", "line 1", "no_fnr")], "resolved");
    let triaged = &s["findings"]["triaged"];
    assert_eq!(
        (
            &triaged["false_positive"],
            &triaged["accepted"],
            &triaged["resolved"]
        ),
        (&1.into(), &1.into(), &1.into()),
        "{triaged}"
    );
    assert_eq!(s["findings"]["total"], (total - 1) as u64);
    // The subject index still holds every finding.
    assert_eq!(s["index"]["findings"], total as u64);
    // The data map counts what is left.
    let map = read_csv(&out.join("data_map.csv"));
    let kunder = map
        .iter()
        .find(|r| r["path"].ends_with("kunder.csv") && r["column_name"].is_empty())
        .unwrap();
    let in_kunder = before
        .iter()
        .filter(|r| r["path"].ends_with("kunder.csv"))
        .count();
    assert_eq!(kunder["total_findings"], (in_kunder - 1).to_string());
    // A full re-read gives the same.
    scan(&[&root], &out, &["--full"]);
    assert_eq!(triage_column(&out), after);

    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&ok(run(&out, &["triage", "--list", "--format", "json"]))).unwrap();
    let counts: Vec<(u64, &str, u64)> = listed
        .iter()
        .map(|d| {
            (
                d["id"].as_u64().unwrap(),
                d["decision"].as_str().unwrap(),
                d["findings_last_scan"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [(1, "false-positive", 1), (2, "accepted", 1), (3, "resolved", 1)]
    );
    assert_eq!(listed[0]["note"], "test row");

    ok(run(&out, &["triage", "--undo", "1"]));
    assert_eq!(run(&out, &["triage", "--undo", "1"]).status.code(), Some(2));
    scan(&[&root], &out, &[]);
    let restored = triage_column(&out);
    assert_eq!(restored.len(), total);
    assert_eq!(restored[&key("kunder.csv", "row 2, column epost", "email")], "");
}

#[test]
fn baseline_lists_exactly_what_is_new_and_fail_on_new_violations_exits_4() {
    let t = Tree::new();
    let root = t.path().join("share");
    std::fs::create_dir_all(root.join("regnskap")).unwrap();
    std::fs::write(root.join("regnskap/2019.txt"), "faktura til ola@example.no\n").unwrap();
    let out = t.path().join("out");
    // Judged as of 2040, every accounting record (5 years) is overdue.
    let as_of = ["--as-of", "2040-01-01", "--fail-on", "new-violations"];
    let first = run(
        &out,
        &[&["scan", root.to_str().unwrap(), "--quiet"][..], &as_of].concat(),
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "the first scan has nothing to compare"
    );
    let first_id = summary(&out)["scan_id"].as_str().unwrap().to_string();
    assert_eq!(read_csv(&out.join("retention_violations.csv")).len(), 1);

    std::fs::write(root.join("regnskap/2020.txt"), "faktura til kari@example.no\n").unwrap();
    let second = run(
        &out,
        &[&["scan", root.to_str().unwrap(), "--quiet"][..], &as_of].concat(),
    );
    assert_eq!(
        second.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let changes = read_csv(&out.join("changes.csv"));
    let newly: Vec<&str> = changes
        .iter()
        .filter(|r| r["change"] == "newly in violation")
        .map(|r| r["path"].as_str())
        .collect();
    assert_eq!(newly.len(), 1);
    assert!(newly[0].ends_with("regnskap/2020.txt"));

    let new_since = |baseline: &str| -> Vec<(String, String)> {
        read_rows(&ok(run(
            &out,
            &["findings", "--baseline", baseline, "--format", "csv"],
        )))
    };
    let expected = vec![("2020.txt".to_string(), "k***@example.no".to_string())];
    assert_eq!(new_since(&first_id), expected);
    assert_eq!(new_since("previous"), expected);
    let all = read_rows(&ok(run(&out, &["findings", "--format", "csv"])));
    assert_eq!(all.len(), 2);
    let unknown = run(&out, &["findings", "--baseline", "20990101T000000Z-x"]);
    assert_eq!(unknown.status.code(), Some(2));

    // Nothing new: exit 0, and nothing new since the previous scan.
    let third = run(
        &out,
        &[&["scan", root.to_str().unwrap(), "--quiet"][..], &as_of].concat(),
    );
    assert_eq!(
        third.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    assert!(new_since("previous").is_empty());
    assert_eq!(new_since(&first_id), expected);

    // A value added to a file that already had one: only it is new since
    // the previous scan; the older one keeps its first scan.
    let second_id = summary(&out)["scan_id"].as_str().unwrap().to_string();
    let rescan = || {
        let o = run(&out, &["scan", root.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    std::fs::write(
        root.join("regnskap/2020.txt"),
        "faktura til kari@example.no og per@example.no\n",
    )
    .unwrap();
    rescan();
    let fourth_id = summary(&out)["scan_id"].as_str().unwrap().to_string();
    let both = vec![
        ("2020.txt".to_string(), "k***@example.no".to_string()),
        ("2020.txt".to_string(), "p**@example.no".to_string()),
    ];
    assert_eq!(new_since("previous"), [both[1].clone()]);
    assert_eq!(new_since(&first_id), both);
    assert_eq!(new_since(&second_id), [both[1].clone()]);

    // A renamed file's values are new where they are now; the old path
    // keeps no first-seen row in the state.
    std::fs::rename(root.join("regnskap/2020.txt"), root.join("regnskap/2021.txt")).unwrap();
    rescan();
    let moved: Vec<_> = both
        .iter()
        .map(|(_, v)| ("2021.txt".to_string(), v.clone()))
        .collect();
    assert_eq!(new_since(&fourth_id), moved);
    let state = rusqlite::Connection::open(out.join("state/state.sqlite")).unwrap();
    let rows: Vec<String> = state
        .prepare("SELECT path FROM first_seen")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].ends_with("regnskap/2021.txt"), "{rows:?}");

    // A state written by an earlier version kept one row per finding in
    // `appeared`: those rows still date findings no scan has noted since.
    let kari = ok(run(&out, &["findings", "--format", "csv"]))
        .lines()
        .find(|l| l.contains("k***@example.no"))
        .and_then(|l| l.split(',').next())
        .unwrap()
        .to_string();
    state
        .execute_batch(&format!(
            "DELETE FROM first_seen; CREATE TABLE appeared (finding_id INTEGER PRIMARY KEY, scan_id TEXT NOT NULL);
             INSERT INTO appeared VALUES ({}, '{second_id}');",
            u64::from_str_radix(&kari, 16).unwrap() as i64
        ))
        .unwrap();
    assert_eq!(new_since(&first_id), [moved[0].clone()]);
    assert!(new_since(&second_id).is_empty());
}

/// (file name, masked value) of each row of `findings --format csv`.
fn read_rows(csv_text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (path, masked) = (at("path"), at("value_masked"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[path].rsplit('/').next().unwrap().to_string(),
                rec[masked].to_string(),
            )
        })
        .collect()
}
