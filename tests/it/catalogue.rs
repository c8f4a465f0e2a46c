//! The detector catalogue checks itself: every example is found, with the
//! bracketed value as the finding, and no negative example is reported as
//! the detector's type. `datakart detectors` lists the catalogue.

use crate::util::{Tree, datakart};
use datakart::detect::catalogue::{Catalogue, verify_examples};
use datakart::detect::validate::date::Ymd;
use datakart::detect::{Detector, DetectorSettings};

#[test]
fn every_example_is_found_and_no_negative_example_is() {
    let detector = Detector::new(DetectorSettings {
        today: Ymd::new(2026, 11, 22).unwrap(),
        ..DetectorSettings::default()
    });
    let mut checked = 0;
    let mut wrong = Vec::new();
    for d in &Catalogue::builtin().detectors {
        assert!(
            d.examples.len() >= 2 && d.negative_examples.len() >= 2,
            "{}",
            d.id
        );
        match verify_examples(&detector, &d.type_id, &d.examples, &d.negative_examples) {
            Ok(n) => checked += n,
            Err(e) => wrong.push(format!("{}: {e}", d.id)),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked >= 60, "{checked}");
}

#[test]
fn detectors_command_lists_the_catalogue() {
    let t = Tree::new();
    let out = datakart(t.path()).arg("detectors").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for d in &Catalogue::builtin().detectors {
        assert!(text.contains(&format!("{}  ", d.id)), "{} missing:\n{text}", d.id);
    }
    assert!(text.contains("fødselsnummer"), "{text}");
    let out = datakart(t.path())
        .args(["detectors", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["detector"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), Catalogue::builtin().detectors.len());
    assert_eq!(json["detector"][0]["examples"][0], "Fødselsnummer: [15108695088]");
}

const CUSTOM: &str = r#"
[[detect.custom]]
id = "acme_customer"
name = "ACME customer number"
pattern = 'KD-[0-9]{6}'
keywords = ["kundenummer", "kundenr"]
examples = ["Kundenummer: [KD-123456]", "ref [KD-654321] ok"]
negative_examples = ["KD-12345", "XKD-123456"]

[[detect.custom]]
id = "acme_employee"
pattern = 'A[0-9]{5}'
keywords = ["ansattnr"]
requires_keyword = true
confidence = "low"
examples = ["ansattnr [A12345]"]
negative_examples = ["modell A12345"]
"#;

#[test]
fn custom_detectors_from_the_profile_find_company_ids() {
    let t = Tree::new();
    // Lines far apart (more than the 300-character window) so each
    // keyword names only its own value.
    let filler = "lorem ipsum dolor sit amet ".repeat(16);
    t.write(
        "in/notat.txt",
        format!(
            "Kunde KD-000111 ringte.\n{filler}\nKundenr: KD-000222, ansattnr A00042.\n{filler}\nModell A99999 er utsolgt.\n"
        ),
    );
    t.write("in/kunder.csv", "navn;kundenummer\nOla;KD-000333\n");
    let profile = t.write("p.toml", CUSTOM);
    let out = t.path().join("out");
    crate::util::scan(
        &[&t.path().join("in")],
        &out,
        &["--profile", profile.to_str().unwrap(), "--reveal-values"],
    );
    let mut rows: Vec<(String, String, String, String, String)> =
        crate::util::read_csv(&out.join("findings.csv"))
            .into_iter()
            .map(|r| {
                let name = r["path"].rsplit('/').next().unwrap().to_string();
                (
                    name,
                    r["type"].clone(),
                    r["value"].clone(),
                    r["reason"].clone(),
                    r["confidence"].clone(),
                )
            })
            .collect();
    rows.sort();
    let row = |f: &str, ty: &str, v: &str, reason: &str, c: &str| {
        (
            f.to_string(),
            ty.to_string(),
            v.to_string(),
            reason.to_string(),
            c.to_string(),
        )
    };
    assert_eq!(
        rows,
        [
            row(
                "kunder.csv",
                "acme_customer",
                "KD-000333",
                "pattern+column header",
                "high"
            ),
            // The `navn` column is a person column.
            row("kunder.csv", "person_name", "Ola", "column header", "high"),
            row("notat.txt", "acme_customer", "KD-000111", "pattern", "medium"),
            row(
                "notat.txt",
                "acme_customer",
                "KD-000222",
                "pattern+keyword",
                "high"
            ),
            row(
                "notat.txt",
                "acme_employee",
                "A00042",
                "pattern+keyword",
                "medium"
            ),
        ]
    );
    let s = crate::util::summary(&out);
    assert_eq!(s["findings"]["by_type"]["acme_customer"].as_u64(), Some(3));
    assert_eq!(s["findings"]["by_type"]["acme_employee"].as_u64(), Some(1));
    assert_eq!(s["findings"]["personal"].as_u64(), Some(5));
    let map = crate::util::read_csv(&out.join("data_map.csv"));
    let notat = map
        .iter()
        .find(|r| r["path"].ends_with("notat.txt") && r["column_name"].is_empty())
        .unwrap();
    assert_eq!(notat["types"], "acme_customer,acme_employee");
    assert_eq!(notat["custom"], "3");
    // Disabled by id like a built-in detector.
    let off = t.write(
        "off.toml",
        format!("{CUSTOM}\n[detect]\ndisable = [\"acme_customer\"]\n"),
    );
    let out2 = t.path().join("out2");
    crate::util::scan(
        &[&t.path().join("in")],
        &out2,
        &["--profile", off.to_str().unwrap()],
    );
    let mut types: Vec<String> = crate::util::read_csv(&out2.join("findings.csv"))
        .into_iter()
        .map(|r| r["type"].clone())
        .collect();
    types.sort();
    assert_eq!(types, ["acme_employee", "person_name"]);
    // `datakart detectors --profile` lists them after the built-in ones.
    let listed = datakart(t.path())
        .args(["detectors", "--profile", profile.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(listed.stdout).unwrap();
    assert!(
        text.contains("acme_customer  ACME customer number (custom, from the profile)"),
        "{text}"
    );
    assert!(text.contains("pattern     A[0-9]{5}"), "{text}");
}

#[test]
fn a_custom_detector_that_contradicts_its_examples_is_refused() {
    let t = Tree::new();
    let check_id = |id: &str, body: &str, expected: &str| {
        let p = t.write("bad.toml", format!("[[detect.custom]]\nid = \"{id}\"\n{body}"));
        let out = datakart(t.path())
            .args(["scan", "--profile", p.to_str().unwrap(), "--out"])
            .arg(t.path().join("out"))
            .arg(t.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{body}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{body}: {err}");
    };
    let check = |body: &str, expected: &str| check_id("x_id", body, expected);
    check(
        "pattern = 'X[0-9'\nexamples = [\"[X1]\"]\n",
        "[[detect.custom]] \"x_id\": pattern:",
    );
    check(
        "pattern = 'X[0-9]{3}'\nexamples = [\"nr [X12]\"]\n",
        "example \"nr [X12]\" is not found",
    );
    check(
        "pattern = 'X[0-9]{3}'\nexamples = [\"[X123]\"]\nnegative_examples = [\"X999\"]\n",
        "negative example \"X999\" is found",
    );
    check("pattern = 'X[0-9]{3}'\nexamples = [\"X123\"]\n", "has no [value]");
    check_id(
        "email",
        "pattern = 'X[0-9]'\nexamples = [\"[X1]\"]\n",
        "id is already used",
    );
}
