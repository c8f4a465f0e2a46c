//! A whole scan as the benches run it (2 threads, the embedded default
//! profile, every file read, with or without the subject index) and the
//! tree they scan by default. Included by the benches that time whole
//! scans (`#[path]` module).

use datakart::keyed_hash::{Hasher, KeySource};
use datakart::profile::Profile;
use datakart::scan::{self, NoProgress, ScanConfig};
use std::path::Path;

/// Scans `root` into `out` with or without the index; returns the
/// findings.
pub fn run(root: &Path, out: &Path, hasher: &Hasher, subject_index: bool) -> u64 {
    let config = ScanConfig {
        roots: vec![root.to_path_buf()],
        out_dir: out.to_path_buf(),
        threads: 2,
        reveal_values: false,
        profile: Profile::embedded_default(),
        hasher: hasher.clone(),
        key_source: KeySource::Environment,
        as_of: None,
        subject_index,
        full: true,
        verify: false,
    };
    scan::run(&config, &NoProgress)
        .expect("the scan runs")
        .findings
        .total
}

/// A temporary tree of 50 copies of `sample-data/` ("sample scale").
pub fn sample_copies() -> tempfile::TempDir {
    let tree = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for i in 0..50 {
        let copied = std::process::Command::new("cp")
            .arg("-R")
            .arg(&sample)
            .arg(tree.path().join(format!("copy{i}")))
            .status()
            .expect("cp runs");
        assert!(copied.success(), "sample-data/ is copied");
    }
    tree
}
