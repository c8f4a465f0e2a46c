//! The detector catalogue checks itself: every example is found, with the
//! bracketed value as the finding, and no negative example is reported as
//! the detector's type. `datakart detectors` lists the catalogue.

use crate::util::{Tree, datakart};
use datakart::detect::catalogue::{Catalogue, example_value};
use datakart::detect::validate::date::Ymd;
use datakart::detect::{Detector, DetectorSettings, Scratch};

#[test]
fn every_example_is_found_and_no_negative_example_is() {
    let detector = Detector::new(DetectorSettings {
        today: Ymd::new(2026, 11, 22).unwrap(),
        ..DetectorSettings::default()
    });
    let mut scratch = Scratch::default();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for d in &Catalogue::builtin().detectors {
        assert!(
            d.examples.len() >= 2 && d.negative_examples.len() >= 2,
            "{}",
            d.id
        );
        for example in &d.examples {
            let (text, value) = example_value(example).unwrap();
            let mut hits = Vec::new();
            detector.detect(&text, 0, text.len(), 0, &mut scratch, &mut hits);
            if !hits.iter().any(|h| h.ty == d.ty() && (h.start..h.end) == value) {
                wrong.push(format!("{}: {example:?} not found, hits {hits:?}", d.id));
            }
            checked += 1;
        }
        for text in &d.negative_examples {
            let mut hits = Vec::new();
            detector.detect(text, 0, text.len(), 0, &mut scratch, &mut hits);
            if hits.iter().any(|h| h.ty == d.ty()) {
                wrong.push(format!("{}: negative {text:?} reported, hits {hits:?}", d.id));
            }
            checked += 1;
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
