//! Retention rules, the data map and the auditor's report, on a generated
//! tree with controlled modified times and date columns, judged as of a
//! fixed day (`--as-of`), so every age below is exact.

use crate::util::{Tree, datakart, read_csv, scan};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const AS_OF: &str = "2026-06-01";

const PROFILE: &str = r#"
name = "retention-test"

[scan]
region = "NO"

[[location]]
name = "US backup bucket"
paths = ["**/us-backup/**"]
region = "US"

[[category]]
name = "marketing"
purpose = "Newsletters and campaigns"
legal_basis = "consent"
retention = "2y"          # also "18m", "90d", "5y"
action = "delete"         # or "anonymise"
paths = ["**/Markedsføring/**", "**/Marketing/**", "**/Marknad/**", "**/Markkinointi/**"]

[[category]]
name = "customers"
purpose = "Customer service"
legal_basis = "contract"
retention = "3y"
action = "anonymise"
paths = ["**/crm/**"]
file_types = ["csv"]
date_columns = ["sist_kontakt", "last_contact"]

[[category]]
name = "backup"
purpose = "Disaster recovery"
legal_basis = "legitimate_interests"
retention = "90d"
action = "delete"
paths = ["**/us-backup/**"]

[block_list]
files = ["reservert.txt"]
"#;

/// Midnight UTC of a day, as a file time.
fn day(y: i32, m: u32, d: u32) -> SystemTime {
    let secs = chrono::NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

fn write_dated(t: &Tree, rel: &str, text: &str, modified: SystemTime) {
    let p = t.write(rel, text);
    std::fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(modified)
        .unwrap();
}

/// The tree: expired and fresh marketing lists, a CRM export with an
/// expired row beside fresh ones (date column after the data), another
/// with the date column first, undeclared HR notes, a US backup, and a
/// block list outside the scanned share.
fn tree() -> Tree {
    let t = Tree::new();
    let files: [(&str, &str, (i32, u32, u32)); 6] = [
        (
            "share/Marketing/kampanje-2019.csv",
            "epost\nola@example.no\nkari@example.no\n",
            (2021, 1, 1),
        ),
        (
            "share/Marketing/ny-liste.csv",
            "epost,telefon\nper@example.no,+47 912 34 567\n",
            (2026, 5, 1),
        ),
        (
            "share/crm/kunder.csv",
            "kundenr,epost,sist_kontakt\n1001,anne@example.no,2020-01-15\n1002,bjorn@example.no,2026-01-10\n1003,cecilie@example.no,\n1004,dag@example.no,15.02.2019\n",
            (2026, 5, 20),
        ),
        (
            "share/crm/contacts.csv",
            "last_contact;email\n2022-03-01;eva@example.no\n2026-02-01;finn@example.no\n",
            (2026, 5, 20),
        ),
        (
            "share/hr/notater.txt",
            "Fødselsnummer: 15108695088\n",
            (2026, 5, 1),
        ),
        (
            "share/us-backup/dump.csv",
            "email\ngry@example.no\n",
            (2026, 5, 1),
        ),
    ];
    for (path, text, (y, m, d)) in files {
        write_dated(&t, path, text, day(y, m, d));
    }
    t.write("reservert.txt", "# Reservasjonsregisteret, uttrekk\n91234567\n");
    t.write("profile.toml", PROFILE);
    t
}

fn scanned() -> (Tree, tempfile::TempDir) {
    let t = tree();
    let out = tempfile::tempdir().unwrap();
    let profile = t.path().join("profile.toml");
    scan(
        &[&t.path().join("share")],
        out.path(),
        &["--profile", profile.to_str().unwrap(), "--as-of", AS_OF],
    );
    (t, out)
}

fn by_path<'r>(rows: &'r [HashMap<String, String>], suffix: &str) -> Vec<&'r HashMap<String, String>> {
    rows.iter().filter(|r| r["path"].ends_with(suffix)).collect()
}

#[test]
fn file_and_row_level_violations_are_exact() {
    let (_t, out) = scanned();
    let rows = read_csv(&out.path().join("retention_violations.csv"));
    let got: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let path = r["path"].split("share/").nth(1).unwrap().to_string();
            [
                path,
                r["location"].clone(),
                r["violation"].clone(),
                r["category"].clone(),
                r["age_days"].clone(),
                r["overdue_days"].clone(),
                r["type_counts"].clone(),
                r["action"].clone(),
            ]
        })
        .collect();
    let mut got = got;
    got.sort();
    let row = |p: &str, l: &str, v: &str, c: &str, age: &str, over: &str, types: &str, a: &str| {
        [p, l, v, c, age, over, types, a].map(str::to_string)
    };
    assert_eq!(
        got,
        [
            row(
                "Marketing/kampanje-2019.csv",
                "file",
                "retention",
                "marketing",
                "1977",
                "1247",
                "email=2",
                "delete"
            ),
            row(
                "Marketing/ny-liste.csv",
                "row 1, column telefon",
                "blocked contact",
                "marketing",
                "",
                "",
                "phone=1",
                "remove from list"
            ),
            row(
                "crm/contacts.csv",
                "row 1",
                "retention",
                "customers",
                "1553",
                "457",
                "email=1",
                "anonymise"
            ),
            row(
                "crm/kunder.csv",
                "row 1",
                "retention",
                "customers",
                "2329",
                "1233",
                "email=1",
                "anonymise"
            ),
            row(
                "crm/kunder.csv",
                "row 4",
                "retention",
                "customers",
                "2663",
                "1567",
                "email=1",
                "anonymise"
            ),
        ]
    );
    let kunder = by_path(&rows, "crm/kunder.csv");
    assert!(
        kunder
            .iter()
            .all(|r| r["age_source"] == "column sist_kontakt" && r["retention"] == "3y")
    );
    assert_eq!(kunder[0]["dated"], "2020-01-15T00:00:00Z");
    let blocked = &by_path(&rows, "ny-liste.csv")[0];
    assert!(
        !blocked["value_masked"].contains("91234567"),
        "masked: {}",
        blocked["value_masked"]
    );

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("scan.json")).unwrap()).unwrap();
    let r = &summary["retention"];
    assert_eq!(r["as_of"], "2026-06-01T00:00:00Z");
    assert_eq!(r["violations"], 5);
    assert_eq!(r["files_in_violation"], 4);
    assert_eq!(r["overdue_findings"], 5);
    assert_eq!(r["blocked_contacts"], 1);
    assert_eq!(r["undeclared_files"], 1);
    assert_eq!(r["files_outside_eea"], 1);
    assert_eq!(r["files_by_category"]["customers"], 2);
}

#[test]
fn the_data_map_names_category_region_and_undeclared_data() {
    let (_t, out) = scanned();
    let map = read_csv(&out.path().join("data_map.csv"));
    let file = |suffix: &str| {
        by_path(&map, suffix)
            .into_iter()
            .find(|r| r["column_name"].is_empty())
            .unwrap()
            .clone()
    };
    let notes = file("hr/notater.txt");
    assert_eq!(notes["category"], "undeclared");
    assert_eq!(notes["legal_basis"], "");
    assert_eq!(
        (notes["region"].as_str(), notes["outside_eea"].as_str()),
        ("NO", "no")
    );
    let backup = file("us-backup/dump.csv");
    assert_eq!(backup["category"], "backup");
    assert_eq!(backup["region"], "US");
    assert_eq!(backup["outside_eea"], "yes");
    assert_eq!(backup["transfer"], "adequacy only for DPF-certified recipients");
    assert_eq!(backup["age_days"], "31");
    assert_eq!(backup["overdue_days"], "");
    let kunder = file("crm/kunder.csv");
    assert_eq!(
        [
            &kunder["category"],
            &kunder["purpose"],
            &kunder["legal_basis"],
            &kunder["retention"],
            &kunder["on_expiry"],
            &kunder["violations"]
        ],
        [
            "customers",
            "Customer service",
            "contract",
            "3y",
            "anonymise",
            "2"
        ]
    );
    // Column rows carry the file's category.
    let column = by_path(&map, "crm/kunder.csv")
        .into_iter()
        .find(|r| r["column_name"] == "epost")
        .unwrap();
    assert_eq!(column["category"], "customers");
    let campaign = file("kampanje-2019.csv");
    assert_eq!(
        (campaign["age_days"].as_str(), campaign["overdue_days"].as_str()),
        ("1977", "1247")
    );

    let folders = read_csv(&out.path().join("data_map_folders.csv"));
    let folder = |suffix: &str| by_path_folder(&folders, suffix);
    let marketing = folder("share/Marketing");
    assert_eq!(
        [
            &marketing["files"],
            &marketing["files_with_personal_data"],
            &marketing["files_in_violation"],
            &marketing["violations"],
            &marketing["categories"]
        ],
        ["2", "2", "2", "2", "marketing"]
    );
    assert_eq!(marketing["oldest_modified"], "2021-01-01T00:00:00Z");
    assert_eq!(folder("share/hr")["undeclared_files"], "1");
    assert_eq!(folder("share/us-backup")["files_outside_eea"], "1");
}

fn by_path_folder(rows: &[HashMap<String, String>], suffix: &str) -> HashMap<String, String> {
    rows.iter()
        .find(|r| r["folder"].ends_with(suffix))
        .unwrap_or_else(|| panic!("no folder {suffix}"))
        .clone()
}

#[test]
fn a_profile_with_every_kind_of_error_is_explained_line_by_line() {
    let t = Tree::new();
    let bad = t.write(
        "bad.toml",
        r#"nmae = "typo"

[detect]
disable = ["ssn"]

[limits]
max_file_bytes = "lots"

[[category]]
name = "marketing"
purpose = "Newsletters"
legal_basis = "because"
retention = "2y"
action = "delete"
paths = ["**/Marketing/**"]

[[category]]
name = "hr"
purpose = "Employment"
legal_basis = "legal_obligation"
retention = "2 years"
action = "delete"
paths = ["**/HR/**"]

[[category]]
name = "crm"
purpose = "Customers"
legal_basis = "contract"
retention = "3y"
action = "shred"
paths = ["**/crm/[x"]

[[category]]
name = "logs"
purpose = "Security logs"
legal_basis = "legitimate_interests"
retention = "90d"
action = "delete"
data_types = ["ip_address"]

[[category]]
name = "logs"
purpose = "Again"
legal_basis = "consent"
retention = "1y"
action = "delete"
paths = ["**"]

[[location]]
paths = ["**/backup/**"]
region = "Narnia"

[block_list]
files = ["missing.txt"]
categories = ["sales"]
"#,
    );
    let home = tempfile::tempdir().unwrap();
    let r = datakart(home.path())
        .args(["profile", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    let expect = [
        (":1:1", "unknown key `nmae`"),
        (":4:12", "unknown detector \"ssn\""),
        (":7:18", "\"lots\" is not a size"),
        (":12:15", "unknown variant `because`"),
        (":21:13", "not a period"),
        (":30:10", "unknown variant `shred`"),
        (":39:15", "unknown data type \"ip_address\""),
        (":42:8", "\"logs\" is declared twice"),
        (":51:10", "region \"Narnia\" is not an ISO 3166 country code"),
        (":54:10", "cannot read"),
    ];
    for (at, message) in expect {
        let block = err
            .split("error: ")
            .find(|b| b.contains(message))
            .unwrap_or_else(|| panic!("no problem {message:?} in:\n{err}"));
        assert!(
            block.contains(&format!("bad.toml{at}")),
            "{message}: expected at {at}:\n{block}"
        );
        assert!(block.contains('^'), "a caret points at the column:\n{block}");
    }
    // A syntax error is reported with its place too.
    let broken = t.write("broken.toml", "[scan]\ninclude = [\"a\"\n");
    let r = datakart(home.path())
        .args(["profile", "check"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("broken.toml:2:"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    // The shipped profiles are valid.
    for name in ["default", "customer-service", "hr", "marketing"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("profiles/{name}.toml"));
        let r = datakart(home.path())
            .args(["profile", "check"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            r.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
}

/// Headless Chromium, from the distribution's package (installed by
/// `.ci/run`). Outside CI a machine without it skips the rendering test
/// and says so; in CI its absence fails the test.
fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("SKIPPED: no chromium on this machine; .ci/run installs it");
    }
    found
}

/// The text of the element with `id` in a serialised DOM.
fn text_of(dom: &str, id: &str) -> String {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the rendered page"));
    let start = at + dom[at..].find('>').unwrap() + 1;
    let end = start + dom[start..].find('<').unwrap();
    dom[start..end].to_string()
}

#[test]
fn the_html_report_renders_in_chromium_with_the_right_totals() {
    let (_t, out) = scanned();
    let home = tempfile::tempdir().unwrap();
    let html = out.path().join("report.html");
    let r = datakart(home.path())
        .arg("report")
        .arg(out.path())
        .arg("--to")
        .arg(&html)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    for external in ["src=\"http", "href=\"http", "<script", "@import", "url("] {
        assert!(
            !page.contains(external),
            "the report must be self-contained: {external}"
        );
    }
    assert!(!page.contains("ola@example.no"), "no plain value in the report");
    let Some(chromium) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let r = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let dom = String::from_utf8_lossy(&r.stdout);
    assert_eq!(text_of(&dom, "violations"), "5");
    assert_eq!(text_of(&dom, "overdue-findings"), "5");
    assert_eq!(text_of(&dom, "undeclared-files"), "1");
    assert_eq!(text_of(&dom, "outside-eea-files"), "1");
    assert_eq!(text_of(&dom, "files-personal"), "6");
    assert_eq!(text_of(&dom, "as-of"), AS_OF);
    // Charts are inline SVG with one bar per category.
    let chart = &dom[dom.find("id=\"chart-types\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert!(chart.contains("<svg"));
    for category in ["backup", "customers", "marketing", "undeclared"] {
        assert!(chart.contains(&format!(">{category}</text>")), "{category} bar");
    }
    // The most overdue violation comes first.
    let table = &dom[dom.find("id=\"violation-table\"").unwrap()..];
    let first_row = &table[table.find("<tbody><tr>").unwrap()..];
    assert!(first_row[..first_row.find("</tr>").unwrap()].contains("kunder.csv"));
    assert!(first_row.contains(">1567<"));
}
