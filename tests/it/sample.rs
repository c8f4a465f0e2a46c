//! The bundled `sample-data/` tree: every planted value found at its exact
//! location with its exact type, no decoy found, the non-text files listed
//! as skipped, and no personal value in any output without
//! `--reveal-values`.

use crate::util::{read_csv, scan, summary};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

type Key = (String, String, String, String);

/// The generator's manifest: (path below sample-data, location, type, value).
fn manifest() -> Vec<Key> {
    let mut rows: Vec<Key> = read_csv(Path::new("tests/data/sample-expected.csv"))
        .into_iter()
        .map(|r| {
            (
                r["path"].clone(),
                r["location"].clone(),
                r["type"].clone(),
                r["value"].clone(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn every_planted_value_is_found_exactly_where_it_was_planted() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data")], out.path(), &["--reveal-values"]);
    let mut found: Vec<Key> = read_csv(&out.path().join("findings.csv"))
        .into_iter()
        .map(|r| {
            let path = r["path"].strip_prefix("sample-data/").unwrap().to_string();
            (path, r["location"].clone(), r["type"].clone(), r["value"].clone())
        })
        .collect();
    found.sort();
    let expected = manifest();
    assert_eq!(expected.len(), 1164);
    let missing: Vec<_> = expected.iter().filter(|k| !found.contains(k)).collect();
    let extra: Vec<_> = found.iter().filter(|k| !expected.contains(k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(found, expected);

    // Per-type totals in scan.json match the manifest.
    let mut per_type: BTreeMap<String, u64> = BTreeMap::new();
    for (_, _, ty, _) in &expected {
        *per_type.entry(ty.clone()).or_default() += 1;
    }
    let s = summary(out.path());
    for (ty, n) in &per_type {
        assert_eq!(s["findings"]["by_type"][ty].as_u64(), Some(*n), "{ty}");
    }
    assert_eq!(s["findings"]["total"].as_u64(), Some(1164));
    assert_eq!(s["findings"]["personal"].as_u64(), Some(1158));
    assert_eq!(s["files"]["seen"].as_u64(), Some(44));
    assert_eq!(s["files"]["scanned"].as_u64(), Some(41));
    assert_eq!(s["files"]["skipped"].as_u64(), Some(3));
    // Inner files: two mail attachments, three archive entries (one a zip
    // holding the third), one log in the tar.gz.
    assert_eq!(s["files"]["inner"].as_u64(), Some(6));
    assert_eq!(s["files"]["inner_not_checked"].as_u64(), Some(0));
}

#[test]
fn selected_findings_have_exact_locations_and_columns() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data")], out.path(), &[]);
    let rows = read_csv(&out.path().join("findings.csv"));
    let find = |path: &str, location: &str| {
        rows.iter()
            .find(|r| r["path"] == format!("sample-data/{path}") && r["location"] == location)
            .unwrap_or_else(|| panic!("no finding at {path} {location}"))
    };
    let r = find("crm/kunder.csv", "row 42, column fødselsnummer");
    assert_eq!(
        (r["type"].as_str(), r["column_name"].as_str(), r["line"].as_str()),
        ("no_fnr", "fødselsnummer", "43")
    );
    assert_eq!(r["confidence"], "high");
    assert_eq!(r["file_type"], "csv");
    let r = find("db/crm-mysql.sql", "table kunder.personnummer row 25");
    assert_eq!(
        (r["type"].as_str(), r["column_name"].as_str()),
        ("se_pnr", "personnummer")
    );
    let r = find("db/kunder-postgres.sql", "table asiakkaat.hetu row 20");
    assert_eq!(r["type"], "fi_hetu");
    let r = find("exports/kunde-44871.json", "$.customer.payment.card");
    assert_eq!(
        (r["type"].as_str(), r["column_name"].as_str()),
        ("payment_card", "$.customer.payment.card")
    );
    assert!(
        r["value_masked"].starts_with("************"),
        "{}",
        r["value_masked"]
    );
    let r = find("notes/telefonnotat-utf16.txt", "line 4");
    assert_eq!(r["file_type"], "text");
    // Each format names its type, and structured ones their column.
    for (path, location, file_type, column) in [
        ("hr/ansatte.xlsx", "sheet Ansatte!B3", "xlsx", "Fødselsnummer"),
        ("hr/ansatte.xlsx", "sheet Danmark!B2", "xlsx", "CPR"),
        ("hr/personal.ods", "sheet Personal!B2", "ods", "Personnummer"),
        ("hr/lonn-makro.xlsm", "sheet Lønn!B2", "xlsm", "Kontonummer"),
        ("hr/timeliste.xlsb", "sheet Timer!B2", "xlsb", "Personnummer"),
        ("hr/lonn-1998.xls", "sheet Danmark!B2", "xls", "CPR-nummer"),
        ("hr/arbeidsavtale.docx", "paragraph 3", "docx", ""),
        ("salg/kundemote.pptx", "slide 2 notes", "pptx", ""),
        ("salg/lansering.odp", "slide 2", "odp", ""),
        ("hr/motereferat.odt", "paragraph 3", "odt", ""),
        ("hr/lonnsslipp-2024-10.pdf", "page 2", "pdf", ""),
        (
            "support/innboks.mbox",
            "message 3, body part 1 line 1",
            "mbox",
            "",
        ),
        (
            "support/innboks.mbox!message 2!kunder.csv",
            "row 1, column cpr",
            "csv",
            "cpr",
        ),
        (
            "support/innboks.mbox!message 2!lonnsslipp.pdf",
            "page 2",
            "pdf",
            "",
        ),
        (
            "exports/arkiv-2023.zip!2023/gammelt.zip!notat.txt",
            "line 1",
            "text",
            "",
        ),
        ("exports/logger-2024.tar.gz!var/log/app.log", "line 1", "text", ""),
        ("db/crm.sqlite", "table kunder.fnr row 2", "sqlite", "fnr"),
        (
            "exports/kunder.parquet",
            "table kunder.personnummer row 3",
            "parquet",
            "personnummer",
        ),
        ("web/kontakt.html", "line 6", "html", ""),
        ("exports/medlemmer.xml", "line 3", "xml", ""),
    ] {
        let r = find(path, location);
        assert_eq!(
            (r["file_type"].as_str(), r["column_name"].as_str()),
            (file_type, column),
            "{path} {location}"
        );
    }
    // Special categories name their subtype; other types leave it empty.
    let r = find("hr/personalsaker.txt", "line 3");
    assert_eq!(r["type"], "person_name");
    assert_eq!(r["subtype"], "");
    assert_eq!(r["value_masked"], "I***** S******");
    let special: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["path"] == "sample-data/hr/personalsaker.txt" && r["type"] == "special_category")
        .map(|r| (r["location"].as_str(), r["subtype"].as_str()))
        .collect();
    assert_eq!(
        special,
        [
            ("line 3", "health"),
            ("line 4", "trade_union"),
            ("line 4", "trade_union"),
            ("line 7", "health"),
            ("line 10", "health"),
            ("line 13", "health"),
            ("line 16", "criminal_offence"),
        ]
    );
    let map = read_csv(&out.path().join("data_map.csv"));
    let file_row = |path: &str| {
        map.iter()
            .find(|r| r["path"] == format!("sample-data/{path}") && r["column_name"].is_empty())
            .unwrap_or_else(|| panic!("no data map row for {path}"))
    };
    assert_eq!(
        file_row("hr/personalsaker.txt")["special_categories"],
        "criminal_offence,health,trade_union"
    );
    assert_eq!(file_row("hr/personalsaker.txt")["postal_address"], "5");
    assert_eq!(file_row("crm/kunder.csv")["special_categories"], "");
    let navn = map
        .iter()
        .find(|r| r["path"] == "sample-data/crm/kunder.csv" && r["column_name"] == "navn")
        .unwrap();
    assert_eq!(
        (
            navn["column_type"].as_str(),
            navn["column_values"].as_str(),
            navn["column_share"].as_str()
        ),
        ("person_name", "120", "1")
    );
    // Every row carries the scan id of scan.json, a 64-digit hash and a size.
    let scan_id = summary(out.path())["scan_id"].as_str().unwrap().to_string();
    for r in &rows {
        assert_eq!(r["scan_id"], scan_id);
        assert_eq!(r["value_hash"].len(), 64);
        assert!(r["file_size"].parse::<u64>().unwrap() > 0);
        assert!(r["file_modified"].ends_with('Z'));
    }
}

#[test]
fn decoys_and_non_text_files_are_accounted_for() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data")], out.path(), &[]);
    let errors = read_csv(&out.path().join("scan_errors.csv"));
    let mut reasons: Vec<(String, String, String)> = errors
        .iter()
        .map(|r| (r["path"].clone(), r["status"].clone(), r["reason"].clone()))
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            (
                "sample-data/misc/backup.bin".to_string(),
                "skipped".to_string(),
                "binary file".to_string()
            ),
            (
                "sample-data/misc/logo.png".to_string(),
                "skipped".to_string(),
                "image file: format not supported by this version, not checked".to_string()
            ),
            (
                "sample-data/misc/skannet-kontrakt.pdf".to_string(),
                "skipped".to_string(),
                "no text layer (scanned or image-only PDF; no OCR): not checked".to_string()
            ),
        ]
    );
    let data_map = read_csv(&out.path().join("data_map.csv"));
    let decoys = data_map
        .iter()
        .find(|r| r["path"] == "sample-data/decoys/ordreliste.txt")
        .expect("decoy file is in the data map");
    assert_eq!(decoys["total_findings"], "0");
    assert_eq!(decoys["status"], "scanned");
    let dk = data_map
        .iter()
        .find(|r| r["path"] == "sample-data/crm/kunder-dk-windows1252.csv" && r["column_name"] == "cpr")
        .expect("per-column row");
    assert_eq!(
        (dk["dk_cpr"].as_str(), dk["total_findings"].as_str()),
        ("12", "12")
    );
    assert_eq!(dk["encoding"], "windows-1252");
}

/// Reads a Parquet output with polars and returns every string cell.
fn parquet_strings(path: &Path) -> (Vec<String>, usize, Vec<String>) {
    let file = std::fs::File::open(path).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let names = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut cells = Vec::new();
    for col in df.columns() {
        if let Ok(s) = col.str() {
            cells.extend((0..s.len()).filter_map(|i| s.get(i)).map(str::to_string));
        }
    }
    (names, df.height(), cells)
}

#[test]
fn outputs_hold_no_plain_value_without_reveal() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data")], out.path(), &[]);
    // Organisation numbers are not personal data and are shown whole.
    let values: Vec<String> = manifest()
        .into_iter()
        .filter(|k| datakart::model::DataType::parse(&k.2).unwrap().personal())
        .map(|k| k.3)
        .collect();
    assert_eq!(values.len(), 1158);
    let compact = |v: &str| {
        v.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.')
            .collect::<String>()
    };
    for name in [
        "findings.csv",
        "data_map.csv",
        "data_map_folders.csv",
        "retention_violations.csv",
        "scan_errors.csv",
        "scan.json",
    ] {
        let text = std::fs::read_to_string(out.path().join(name)).unwrap();
        // Separators are squeezed out within a cell, not across cells:
        // neighbouring count columns (`906,1,1,000`) are not a number.
        let cells: Vec<String> = if name.ends_with(".csv") {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes());
            r.records()
                .flat_map(|rec| rec.unwrap().iter().map(compact).collect::<Vec<_>>())
                .collect()
        } else {
            vec![compact(&text)]
        };
        for v in &values {
            assert!(!text.contains(v.as_str()), "{name} holds {v}");
            let v = compact(v);
            assert!(
                !cells.iter().any(|c| c.contains(&v)),
                "{name} holds {v} (separators removed)"
            );
        }
    }
    for name in [
        "findings.parquet",
        "data_map.parquet",
        "data_map_folders.parquet",
        "retention_violations.parquet",
        "scan_errors.parquet",
    ] {
        let (_, _, cells) = parquet_strings(&out.path().join(name));
        for cell in cells {
            for v in &values {
                assert!(!cell.contains(v.as_str()), "{name} holds {v} in {cell:?}");
            }
        }
    }
    let (columns, _, _) = parquet_strings(&out.path().join("findings.parquet"));
    assert!(!columns.contains(&"value".to_string()));
}

#[test]
fn parquet_and_csv_hold_the_same_rows() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data")], out.path(), &["--reveal-values"]);
    for stem in ["findings", "data_map", "scan_errors"] {
        let csv_rows = read_csv(&out.path().join(format!("{stem}.csv")));
        let (columns, height, _) = parquet_strings(&out.path().join(format!("{stem}.parquet")));
        assert_eq!(height, csv_rows.len(), "{stem}");
        let mut csv_columns: Vec<String> = csv_rows[0].keys().cloned().collect();
        csv_columns.sort();
        let mut pq_columns = columns.clone();
        pq_columns.sort();
        assert_eq!(pq_columns, csv_columns, "{stem}");
    }
    let file = std::fs::File::open(out.path().join("findings.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let modified = df.column("file_modified").unwrap();
    assert!(matches!(
        modified.dtype(),
        DataType::Datetime(TimeUnit::Microseconds, Some(_))
    ));
    assert_eq!(df.column("line").unwrap().dtype(), &DataType::UInt64);
}
