//! Property-based fuzzing of every extractor entry point (proptest):
//! arbitrary bytes under every name the sniffer routes on, and valid
//! sample files of each binary format with random bytes overwritten or
//! cut short. An extractor may fail, but it must return: no hang, never a
//! unit whose bounds lie outside its text, and no panic in datakart's own
//! code. (Format libraries do panic on some damaged files; `extract`
//! catches those and reports the file as failed. A panic hook records
//! where every panic came from, so one of ours cannot hide behind that.)
//!
//! The number of cases per property is proptest's `PROPTEST_CASES`
//! (64 here by default, so the suite stays quick); run longer with e.g.
//! `PROPTEST_CASES=20000 cargo test --release --test integration fuzz`.

use datakart::extract::{ExtractError, Extracted, Input, Unit, UnitSink};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::{Mutex, Once};

/// Counts units whose bounds are wrong.
struct Checking {
    bad_units: u64,
}

impl UnitSink for Checking {
    fn unit(&mut self, unit: Unit<'_>) -> usize {
        let ok =
            unit.from <= unit.until && unit.until <= unit.text.len() && unit.text.is_char_boundary(unit.from);
        self.bad_units += u64::from(!ok);
        unit.until
    }
}

/// Source locations of panics raised in datakart's own code.
static OWN_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn watch_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(at) = info.location()
                && at.file().starts_with("src/")
            {
                OWN_PANICS.lock().unwrap().push(format!("{at}: {info}"));
            }
            previous(info);
        }));
    });
}

fn run(name: &str, bytes: Vec<u8>) -> Result<Extracted, ExtractError> {
    watch_panics();
    let size = bytes.len() as u64;
    let input = Input::new(name.to_string(), Box::new(Cursor::new(bytes)), size, None)?;
    let mut sink = Checking { bad_units: 0 };
    let result = input.extract(&mut sink);
    assert_eq!(sink.bad_units, 0, "{name}: units out of bounds");
    let own = OWN_PANICS.lock().unwrap().clone();
    assert!(own.is_empty(), "{name}: {own:?}");
    result
}

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const TEXT_NAMES: &[&str] = &[
    "a.txt", "a.csv", "a.tsv", "a.json", "a.ndjson", "a.sql", "a.eml", "a.mbox", "a.html", "a.xml",
];

/// Text-like input: bytes drawn mostly from the characters the parsers
/// care about, so the fuzzer reaches deep into their state machines.
fn texty() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"\"',;|\t\n\r{}[]():<>/!-=&#@.+ abcXYZ0123456789\\\x00\xc3\xb8\xff".to_vec();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..2048)
}

const SAMPLES: &[&str] = &[
    "sample-data/hr/ansatte.xlsx",
    "sample-data/hr/personal.ods",
    "sample-data/hr/timeliste.xlsb",
    "sample-data/hr/lonn-1998.xls",
    "sample-data/hr/arbeidsavtale.docx",
    "sample-data/salg/kundemote.pptx",
    "sample-data/hr/motereferat.odt",
    "sample-data/salg/lansering.odp",
    "sample-data/hr/lonnsslipp-2024-10.pdf",
    "sample-data/exports/arkiv-2023.zip",
    "sample-data/exports/logger-2024.tar.gz",
    "sample-data/db/crm.sqlite",
    "sample-data/exports/kunder.parquet",
    "sample-data/support/innboks.mbox",
    "sample-data/db/crm-mysql.sql",
];

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn text_extractors_survive_any_bytes(name in proptest::sample::select(TEXT_NAMES), bytes in texty()) {
        let _ = run(name, bytes);
    }

    #[test]
    fn binary_extractors_survive_damage(
        sample in proptest::sample::select(SAMPLES),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(sample).unwrap();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let name = sample.rsplit('/').next().unwrap();
        let _ = run(name, bytes);
    }
}
