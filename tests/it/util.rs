//! Helpers: temporary trees, running the binary, reading its outputs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The key every test scan uses, so hashes are comparable across runs.
pub const TEST_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A temporary directory tree.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// The binary with a fixed key and a private config folder.
pub fn datakart(config_home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_datakart"));
    c.env("DATAKART_KEY", TEST_KEY)
        .env_remove("DATAKART_KEY_FILE")
        .env("XDG_CONFIG_HOME", config_home)
        .env("HOME", config_home);
    c
}

/// Runs `datakart scan ROOT… --out OUT --quiet EXTRA…` and asserts exit 0.
pub fn scan(roots: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut c = datakart(home.path());
    c.arg("scan")
        .args(roots)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra);
    let output = c.output().unwrap();
    assert!(
        output.status.success(),
        "scan failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Reads a CSV output into rows of column → value.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Findings as (path, location, type) triples with their counts.
pub fn finding_keys(out: &Path) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|r| (r["path"].clone(), r["location"].clone(), r["type"].clone()))
        .collect();
    v.sort();
    v
}

/// scan.json as JSON.
pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("scan.json")).unwrap()).unwrap()
}
