//! The subject index and its commands on a generated tree whose every
//! planted value and location is known: `search` by each identifier type,
//! linking through records, unknown and malformed queries, `subject
//! export` with and without `--reveal-values`, `subject erase-plan`,
//! `impact`, the privacy of the index files, and a killed scan leaving the
//! previous index readable.

use crate::util::{Tree, datakart, read_csv, scan};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::evaluation::ids;

const GIVEN: [&str; 20] = [
    "Ola", "Kari", "Per", "Anne", "Lars", "Ingrid", "Jon", "Marit", "Erik", "Hilde", "Knut", "Liv", "Nils",
    "Randi", "Odd", "Siri", "Tor", "Eva", "Arne", "Berit",
];
const SURNAMES: [&str; 20] = [
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
];
/// Ola Nordmann's identifiers (row 1 of the CRM export).
const OLA_FNR: &str = "15108695088";
const OLA_EMAIL: &str = "ola.nordmann@example.no";
const OLA_PHONE: &str = "412 34 567";
const OLA_IBAN: &str = "NO93 8601 1117 947";
const OLA_CARD: &str = "4111 1111 1111 1111";

struct Person {
    name: String,
    email: String,
    phone: String,
    fnr: String,
}

/// Twenty people; the first is Ola with the fixed identifiers above.
fn people() -> Vec<Person> {
    let mut rng = ids::Rng(20261123);
    (0..20)
        .map(|i| {
            if i == 0 {
                return Person {
                    name: "Ola Nordmann".into(),
                    email: OLA_EMAIL.into(),
                    phone: OLA_PHONE.into(),
                    fnr: OLA_FNR.into(),
                };
            }
            Person {
                name: format!("{} {}", GIVEN[i], SURNAMES[i]),
                email: format!(
                    "{}.{}@example.no",
                    GIVEN[i].to_lowercase(),
                    SURNAMES[i].to_lowercase()
                ),
                phone: format!("9{}", rng.digits(7)),
                fnr: ids::fnr(&mut rng, false),
            }
        })
        .collect()
}

/// The tree: a CRM export, two HR letters, a newsletter list, an invoice
/// list, an application log with 25 users, and payment records.
fn tree() -> (Tree, Vec<Person>) {
    let t = Tree::new();
    let ps = people();
    let mut crm = String::from("kundenr;navn;epost;telefon;fødselsnummer\n");
    for (i, p) in ps.iter().enumerate() {
        crm += &format!("{};{};{};{};{}\n", 1000 + i, p.name, p.email, p.phone, p.fnr);
    }
    t.write("crm/kunder.csv", crm);
    t.write(
        "hr/brev-ola.txt",
        format!("Oslo, 3. mars 2024\n\nVedrørende fødselsnummer {OLA_FNR}\n\nVi viser til søknaden din.\n\nMed vennlig hilsen\nPersonalavdelingen\n"),
    );
    t.write(
        "hr/brev-kari.txt",
        format!(
            "Oslo, 4. mars 2024\n\nFødselsnummer: {}\nE-post: {}\n\nTakk for samtalen.\n",
            ps[1].fnr, ps[1].email
        ),
    );
    let mut news = String::from("epost,påmeldt\n");
    for p in ps.iter().step_by(2) {
        news += &format!("{},2023-01-01\n", p.email);
    }
    t.write("Marketing/nyhetsbrev.csv", news);
    t.write(
        "Regnskap/faktura-2023.csv",
        format!(
            "fakturanr;kunde;epost;kontonummer\n5001;Ola Nordmann;{OLA_EMAIL};{OLA_IBAN}\n5002;{};{};\n",
            ps[2].name, ps[2].email
        ),
    );
    let mut log = String::new();
    for i in 0..25 {
        log += &format!("2024-03-01T10:{i:02}:00Z INFO login ok user=user{i}@example.org\n");
    }
    log += &format!("2024-03-01T11:00:00Z WARN password reset user={OLA_EMAIL}\n");
    t.write("logs/app.log", log);
    t.write(
        "betaling/kort.ndjson",
        format!("{{\"epost\":\"{OLA_EMAIL}\",\"kort\":\"{OLA_CARD}\"}}\n"),
    );
    (t, ps)
}

fn run(home: &Path, args: &[&str]) -> Output {
    datakart(home).args(args).output().unwrap()
}

/// `datakart search QUERY --format json` rows as (path relative to the
/// tree, location, type, match).
fn search(
    root: &Path,
    out: &Path,
    query: &str,
    extra: &[&str],
) -> BTreeSet<(String, String, String, String)> {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "search",
        query,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = run(home.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let prefix = format!("{}/", root.display());
    hits.iter()
        .map(|h| {
            let s = |k: &str| h[k].as_str().unwrap_or_else(|| panic!("{k} in {h}")).to_string();
            assert!(["low", "medium", "high"].contains(&s("confidence").as_str()));
            (
                s("path").replace(&prefix, ""),
                s("location"),
                s("type"),
                s("match").replace(&prefix, ""),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

#[test]
fn search_by_each_identifier_finds_exactly_the_planted_locations() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let direct = |q: &str| search(t.path(), out.path(), q, &["--no-links"]);
    assert_eq!(
        direct("Ola.Nordmann@Example.no"),
        set(&[
            (
                "Marketing/nyhetsbrev.csv",
                "row 1, column epost",
                "email",
                "direct"
            ),
            (
                "Regnskap/faktura-2023.csv",
                "row 1, column epost",
                "email",
                "direct"
            ),
            ("betaling/kort.ndjson", "record 1 $.epost", "email", "direct"),
            ("crm/kunder.csv", "row 1, column epost", "email", "direct"),
            ("logs/app.log", "line 26", "email", "direct"),
        ])
    );
    let fnr = set(&[
        (
            "crm/kunder.csv",
            "row 1, column fødselsnummer",
            "no_fnr",
            "direct",
        ),
        ("hr/brev-ola.txt", "line 3", "no_fnr", "direct"),
    ]);
    assert_eq!(direct(OLA_FNR), fnr);
    assert_eq!(direct("151086 95088"), fnr);
    let phone = set(&[("crm/kunder.csv", "row 1, column telefon", "phone", "direct")]);
    assert_eq!(direct("+47 41 23 45 67"), phone);
    assert_eq!(direct("41234567"), phone);
    assert_eq!(
        direct("no9386011117947"),
        set(&[(
            "Regnskap/faktura-2023.csv",
            "row 1, column kontonummer",
            "iban",
            "direct"
        )])
    );
    assert_eq!(
        direct("4111-1111-1111-1111"),
        set(&[(
            "betaling/kort.ndjson",
            "record 1 $.kort",
            "payment_card",
            "direct"
        )])
    );
    let name = set(&[
        (
            "Regnskap/faktura-2023.csv",
            "row 1, column kunde",
            "person_name",
            "direct",
        ),
        ("crm/kunder.csv", "row 1, column navn", "person_name", "direct"),
    ]);
    assert_eq!(direct("Nordmann Ola"), name);
    assert_eq!(direct("ola nordmann"), name);
    assert!(direct("Ola Hansen").is_empty(), "all name tokens must match");
}

#[test]
fn links_through_a_record_find_the_letter_that_holds_only_the_fnr() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let hits = search(t.path(), out.path(), OLA_EMAIL, &[]);
    let crm_link = |ty: &str| format!("linked via {ty} in crm/kunder.csv row 1");
    let letter = (
        "hr/brev-ola.txt".to_string(),
        "line 3".to_string(),
        "no_fnr".to_string(),
        crm_link("no_fnr"),
    );
    assert!(hits.contains(&letter), "{hits:#?}");
    // The CRM row is the subject's record: its name is a `same record` hit,
    // its phone and fnr linked identifiers.
    for expected in [
        (
            "crm/kunder.csv",
            "row 1, column navn",
            "person_name",
            "same record".to_string(),
        ),
        (
            "crm/kunder.csv",
            "row 1, column telefon",
            "phone",
            crm_link("phone"),
        ),
        (
            "crm/kunder.csv",
            "row 1, column fødselsnummer",
            "no_fnr",
            crm_link("no_fnr"),
        ),
        (
            "Regnskap/faktura-2023.csv",
            "row 1, column kontonummer",
            "iban",
            "linked via iban in Regnskap/faktura-2023.csv row 1".to_string(),
        ),
        (
            "betaling/kort.ndjson",
            "record 1 $.kort",
            "payment_card",
            "linked via payment_card in betaling/kort.ndjson record 1".to_string(),
        ),
    ] {
        let e = (
            expected.0.to_string(),
            expected.1.to_string(),
            expected.2.to_string(),
            expected.3,
        );
        assert!(hits.contains(&e), "missing {e:?} in {hits:#?}");
    }
    // Nobody else: the log (a list of 26 users) links nothing, and no
    // other person's value appears.
    assert_eq!(hits.len(), 5 + 2 + 2 + 2 + 1, "{hits:#?}");
    // Without links only the direct hits remain.
    assert_eq!(search(t.path(), out.path(), OLA_EMAIL, &["--no-links"]).len(), 5);
    // Kari's letter is found from her CRM phone number, two records away
    // (phone → CRM row → fnr and e-mail → letter).
    let kari = people().remove(1);
    let hits = search(t.path(), out.path(), &kari.phone, &[]);
    assert!(
        hits.iter().any(|h| h.0 == "hr/brev-kari.txt" && h.2 == "no_fnr"),
        "{hits:#?}"
    );
    let one_hop = search(t.path(), out.path(), &kari.phone, &["--max-hops", "0"]);
    assert!(one_hop.iter().all(|h| h.0 == "crm/kunder.csv"), "{one_hop:#?}");
}

#[test]
fn unknown_people_find_nothing_and_malformed_queries_are_usage_errors() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let mut rng = ids::Rng(7);
    let stranger = ids::fnr(&mut rng, false);
    assert!(search(t.path(), out.path(), &stranger, &[]).is_empty());
    assert!(search(t.path(), out.path(), "nobody@example.com", &[]).is_empty());
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        &["search", "123", "--out", out.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\"123\" is not an e-mail address, phone number, national ID"),
        "{err}"
    );
    // A wrong check digit is not a fødselsnummer.
    let o = run(
        home.path(),
        &["search", "15108695089", "--out", out.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    // No index: exit 1 and say how to make one.
    let o = run(
        home.path(),
        &["search", OLA_EMAIL, "--out", t.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `datakart scan"));
    // Another key: refused, not an empty answer.
    let o = datakart(home.path())
        .env("DATAKART_KEY", "ff".repeat(32))
        .args(["search", OLA_EMAIL, "--out", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another hash key"));
}

#[test]
fn subject_export_with_and_without_values() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let home = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let masked = out.path().join("ola.csv");
    let r = run(
        home.path(),
        &[
            "subject",
            "export",
            OLA_FNR,
            "--out",
            o,
            "--to",
            masked.to_str().unwrap(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows = read_csv(&masked);
    assert_eq!(rows.len(), 12, "{rows:#?}");
    assert!(!rows[0].contains_key("value"));
    assert!(
        rows.iter()
            .all(|r| r["file_status"] == "unchanged" && !r["file_modified"].is_empty())
    );
    let text = std::fs::read_to_string(&masked).unwrap();
    assert!(!text.contains(OLA_FNR) && !text.contains(OLA_EMAIL));

    // Change one file and delete another, then reveal.
    std::fs::write(t.path().join("hr/brev-ola.txt"), "Saken er avsluttet.\n").unwrap();
    std::fs::remove_file(t.path().join("betaling/kort.ndjson")).unwrap();
    let revealed = out.path().join("ola.json");
    let r = run(
        home.path(),
        &[
            "subject",
            "export",
            OLA_FNR,
            "--out",
            o,
            "--to",
            revealed.to_str().unwrap(),
            "--reveal-values",
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&revealed).unwrap()).unwrap();
    assert_eq!(rows.len(), 12);
    let find = |path: &str, loc: &str| {
        rows.iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(path) && r["location"] == loc)
            .unwrap_or_else(|| panic!("{path} {loc}"))
    };
    let crm = find("crm/kunder.csv", "row 1, column fødselsnummer");
    assert_eq!(
        (crm["value"].as_str(), crm["file_status"].as_str()),
        (Some(OLA_FNR), Some("unchanged"))
    );
    assert_eq!(
        find("crm/kunder.csv", "row 1, column telefon")["value"],
        OLA_PHONE
    );
    assert_eq!(
        find("Regnskap/faktura-2023.csv", "row 1, column kontonummer")["value"],
        OLA_IBAN
    );
    let letter = find("hr/brev-ola.txt", "line 3");
    assert_eq!(letter["value"], serde_json::Value::Null);
    assert_eq!(
        letter["file_status"],
        "changed since the scan; the value is no longer at this location"
    );
    let card = find("betaling/kort.ndjson", "record 1 $.kort");
    assert_eq!(card["value"], serde_json::Value::Null);
    assert_eq!(card["file_status"], "vanished since the scan");
    // Parquet export loads with the same rows.
    let pq = out.path().join("ola.parquet");
    let r = run(
        home.path(),
        &[
            "subject",
            "export",
            OLA_FNR,
            "--out",
            o,
            "--to",
            pq.to_str().unwrap(),
        ],
    );
    assert!(r.status.success());
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(std::fs::File::open(&pq).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 12);
}

#[test]
fn erase_plan_marks_legal_obligations_to_keep() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    let profile = t.write(
        "profile.toml",
        r#"
[[category]]
name = "accounting"
purpose = "Bookkeeping (Norwegian bookkeeping act)"
legal_basis = "legal_obligation"
retention = "5y"
action = "delete"
paths = ["**/Regnskap/**"]

[[category]]
name = "marketing"
purpose = "Newsletters"
legal_basis = "consent"
retention = "2y"
action = "delete"
paths = ["**/Marketing/**"]
"#,
    );
    // The scan records each file's category; the plan reads it back.
    scan(&[t.path()], out.path(), &["--profile", profile.to_str().unwrap()]);
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        &[
            "subject",
            "erase-plan",
            OLA_EMAIL,
            "--out",
            out.path().to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&r.stdout[..])
        .records()
        .map(Result::unwrap)
        .collect();
    let action = |suffix: &str| {
        let row = rows.iter().find(|r| r[1].ends_with(suffix)).unwrap();
        (row[6].to_string(), row[8].to_string(), row[11].to_string())
    };
    assert_eq!(
        action("faktura-2023.csv"),
        (
            "accounting".into(),
            "legal_obligation".into(),
            "keep: legal obligation".into()
        )
    );
    assert_eq!(
        action("nyhetsbrev.csv"),
        ("marketing".into(), "consent".into(), "erase".into())
    );
    assert_eq!(action("kunder.csv").2, "review: no category claims this file");
    // Rows are grouped by folder.
    let folders: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    let mut sorted = folders.clone();
    sorted.sort();
    assert_eq!(folders, sorted);
}

#[test]
fn impact_counts_distinct_people_exactly() {
    let (t, ps) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let home = tempfile::tempdir().unwrap();
    let impact = |paths: &[&Path]| {
        let csv = out.path().join("affected.csv");
        let mut args = vec!["impact".to_string()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        args.extend(
            [
                "--out",
                out.path().to_str().unwrap(),
                "--format",
                "json",
                "--to",
                csv.to_str().unwrap(),
            ]
            .map(String::from),
        );
        let r = datakart(home.path()).args(&args).output().unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let json: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        (json, read_csv(&csv))
    };
    // The CRM and the HR letters: the letters' people are CRM rows.
    let (j, rows) = impact(&[&t.path().join("crm"), &t.path().join("hr")]);
    assert_eq!(j["subjects"], 20);
    assert_eq!(rows.len(), 20);
    assert_eq!(j["files"], 3);
    assert_eq!(j["by_type"]["no_fnr"]["values"], 20);
    assert_eq!(j["by_type"]["no_fnr"]["findings"], 22);
    // No plain value in the list of affected people.
    let text = std::fs::read_to_string(out.path().join("affected.csv")).unwrap();
    for p in &ps {
        assert!(!text.contains(&p.fnr) && !text.contains(&p.email) && !text.contains(&p.name));
    }
    // The newsletter list (10 addresses) and the log (26): Ola is in both,
    // and in no record that ties him to another address.
    let (j, _) = impact(&[&t.path().join("Marketing"), &t.path().join("logs/app.log")]);
    assert_eq!(j["subjects"], 10 + 25);
    // The invoice list: Ola (name, e-mail, IBAN in one row) and person 3
    // (name and e-mail).
    let (j, rows) = impact(&[&t.path().join("Regnskap/faktura-2023.csv")]);
    assert_eq!(j["subjects"], 2);
    assert!(
        rows.iter()
            .any(|r| r["identifiers"].contains("iban") && r["identifiers"].contains("email"))
    );
}

/// `impact` on an archive counts everything inside it, on a path inside
/// an archive only what lies there, and on a folder what its archives
/// hold too. (Inside an archive a document's path is not its file on disk,
/// and the index keeps only the file for every other document.)
#[test]
fn impact_reaches_into_archives() {
    let t = Tree::new();
    let list = |people: std::ops::Range<usize>| {
        let rows: String = people.map(|i| format!("{i},kunde{i}@example.no\n")).collect();
        format!("id,epost\n{rows}").into_bytes()
    };
    t.write(
        "eksport/kunder.zip",
        crate::hostile::zip_of(&[("a.csv", list(0..3)), ("b/c.csv", list(3..7))]),
    );
    t.write("eksport/liste.csv", list(7..9));
    t.write("annet.csv", list(9..10));
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    let home = tempfile::tempdir().unwrap();
    let subjects = |path: &str| {
        let r = datakart(home.path())
            .args(["impact", &format!("{}/{path}", t.path().display())])
            .args(["--out", out.path().to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let json: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        json["subjects"].as_u64().unwrap()
    };
    assert_eq!(subjects("eksport/kunder.zip"), 7);
    assert_eq!(subjects("eksport/kunder.zip!a.csv"), 3);
    assert_eq!(subjects("eksport/kunder.zip!b"), 4);
    assert_eq!(subjects("eksport/liste.csv"), 2);
    assert_eq!(subjects("eksport"), 9);
    assert_eq!(subjects("eksport/kunder"), 0);
    assert_eq!(subjects(""), 10);
}

#[test]
fn the_index_holds_no_plain_value_and_is_private() {
    let (t, ps) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &["--reveal-values"]);
    let index = out.path().join("index");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&index).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let mut planted: Vec<String> = vec![
        OLA_IBAN.replace(' ', ""),
        OLA_IBAN.into(),
        OLA_CARD.replace(' ', ""),
        OLA_CARD.into(),
    ];
    for p in &ps {
        planted.extend([
            p.email.clone(),
            p.fnr.clone(),
            p.name.clone(),
            p.phone.replace(' ', ""),
        ]);
        planted.push(format!("+47{}", p.phone.replace(' ', "")));
    }
    let mut files = 0;
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        for v in &planted {
            assert!(
                !bytes
                    .windows(v.len())
                    .any(|w| w.eq_ignore_ascii_case(v.as_bytes())),
                "{} holds {v}",
                path.display()
            );
        }
    }
    assert!(files > 3);
}

#[test]
fn a_rescan_replaces_the_index_and_a_killed_scan_leaves_the_previous_one() {
    let (t, _) = tree();
    let out = tempfile::tempdir().unwrap();
    scan(&[t.path()], out.path(), &[]);
    assert_eq!(search(t.path(), out.path(), OLA_CARD, &["--no-links"]).len(), 1);
    std::fs::remove_file(t.path().join("betaling/kort.ndjson")).unwrap();
    scan(&[t.path()], out.path(), &[]);
    assert!(search(t.path(), out.path(), OLA_CARD, &["--no-links"]).is_empty());
    // A scan killed part-way leaves the last committed index.
    let big = Tree::new();
    let line = "kunde ola.nordmann@example.no ringte 412 34 567 om 15108695088\n";
    big.write("big.txt", line.repeat(2_000_000));
    let home = tempfile::tempdir().unwrap();
    let mut child = datakart(home.path())
        .args([
            "scan",
            big.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--quiet",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the scan finished before it was killed; make big.txt bigger"
    );
    let hits = search(t.path(), out.path(), OLA_FNR, &["--no-links"]);
    assert_eq!(hits.len(), 2, "{hits:#?}");
}
