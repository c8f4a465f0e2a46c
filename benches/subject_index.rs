//! The subject index: what it adds to a whole scan (the same scan of 50
//! copies of `sample-data/` on 2 threads, with and without the index), how
//! fast findings are indexed (findings/s), and how fast `search` answers on
//! an index of 10 million findings, generated here as CRM-like exports
//! (rows of name, e-mail, phone and fødselsnummer). Run with
//! `cargo bench --bench subject_index`.
//!
//! The 10-million-finding index is built once into
//! `target/bench-subject-index/` (about 3 minutes on 2 cores) and reused;
//! delete that folder to rebuild it. Its size is printed.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datakart::index::build::IndexBuilder;
use datakart::index::subject::{self, Lookup};
use datakart::index::{LinkPolicy, SubjectIndex};
use datakart::keyed_hash::Hasher;
use datakart::model::{Confidence, DataType};
use datakart::sink::FindingRow;
use std::cell::OnceCell;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

#[path = "whole_scan.rs"]
mod whole_scan;

/// The allocator the `datakart` binary uses (with mimalloc's own defaults
/// here: the binary also shortens its purge delay, see `src/cli/memory.rs`),
/// so the index's share is measured as users meet it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Findings in the large index.
const LARGE: u64 = 10_000_000;
/// Rows per generated CRM file (4 findings a row).
const ROWS_PER_FILE: u64 = 10_000;

fn row(path: &Arc<str>, record: u64, ty: DataType, column: &str, hash: String) -> FindingRow {
    FindingRow {
        path: path.clone(),
        file_type: "csv",
        file_size: Some(1_000_000),
        file_modified: Some(1_700_000_000_000_000),
        location: format!("row {record}, column {column}"),
        line: Some(record + 1),
        column_name: Some(column.to_string()),
        ty,
        type_label: ty.as_str(),
        subtype: "",
        detail: String::new(),
        reason: "checksum+column header",
        confidence: Confidence::High,
        value_masked: "x****".into(),
        value_hash: hash,
        value: None,
        source: path.clone(),
        record: format!("row {record}"),
        name_tokens: Vec::new(),
    }
}

/// Indexes `findings` findings of generated CRM exports into `out`;
/// person `i` has e-mail `person{i}@example.no`.
fn build(out: &Path, findings: u64, hasher: &Hasher) -> u64 {
    let index = IndexBuilder::create(
        out,
        "bench",
        hasher.fingerprint(),
        "NO",
        LinkPolicy::default(),
        2,
        None,
    )
    .expect("index opens");
    let mut b = index.batcher();
    let mut n = 0;
    let mut person = 0u64;
    while n < findings {
        let path: Arc<str> = Arc::from(format!("share/crm/export-{:05}.csv", person / ROWS_PER_FILE));
        for r in 1..=ROWS_PER_FILE {
            let tokens = vec![
                hasher.name_token("ola"),
                hasher.name_token(&format!("nordmann{person}")),
            ];
            let mut name = row(
                &path,
                r,
                DataType::PersonName,
                "navn",
                hasher.hash(&format!("ola nordmann{person}")),
            );
            name.name_tokens = tokens;
            for f in [
                name,
                row(
                    &path,
                    r,
                    DataType::Email,
                    "epost",
                    hasher.hash(&format!("person{person}@example.no")),
                ),
                row(
                    &path,
                    r,
                    DataType::Phone,
                    "telefon",
                    hasher.hash(&format!("+479{person:07}")),
                ),
                row(
                    &path,
                    r,
                    DataType::NoFnr,
                    "fnr",
                    hasher.hash(&format!("fnr{person}")),
                ),
            ] {
                b.add(&f);
                n += 1;
            }
            person += 1;
        }
        b.file_done(&path);
    }
    drop(b);
    index.commit(n).expect("commit");
    n
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The 10-million-finding index, built on first use (and kept).
fn large_index(hasher: &Hasher) -> SubjectIndex {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-subject-index");
    if SubjectIndex::open(&out).map(|i| i.meta.findings).unwrap_or(0) < LARGE {
        let started = std::time::Instant::now();
        let n = build(&out, LARGE, hasher);
        eprintln!(
            "built an index of {n} findings in {:.1} s ({:.0} findings/s)",
            started.elapsed().as_secs_f64(),
            n as f64 / started.elapsed().as_secs_f64()
        );
    }
    let index = SubjectIndex::open(&out).unwrap();
    let size = dir_size(&out.join("index"));
    eprintln!(
        "index: {} findings, {} documents, {:.1} MB ({:.1} MB per million findings)",
        index.meta.findings,
        index.meta.documents,
        size as f64 / 1e6,
        size as f64 / 1e6 / (index.meta.findings as f64 / 1e6)
    );
    index
}

fn bench(c: &mut Criterion) {
    let hasher = Hasher::new(&[42u8; 32]);
    // Inputs are made on first use, so a filtered run makes only its own.
    let tree = OnceCell::new();
    let large = OnceCell::new();

    // The index's share of a whole scan. Each timed scan is preceded by an
    // untimed scan of the other variant, so both see the machine in the
    // same state (one after the other, a drift of the shared machine's
    // speed went into the difference: +11% and +19% in two runs).
    // Output folders are fresh each time: reusing one grows its history
    // and state with every iteration. Making them is not timed.
    let mut group = c.benchmark_group("scan 50 x sample-data, 2 threads");
    group.sample_size(10);
    for (name, index) in [("without the index", false), ("with the index", true)] {
        group.bench_function(name, |b| {
            let root = tree.get_or_init(whole_scan::sample_copies);
            b.iter_custom(|iters| {
                let mut timed = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let other = tempfile::tempdir().unwrap();
                    black_box(whole_scan::run(root.path(), other.path(), &hasher, !index));
                    let out = tempfile::tempdir().unwrap();
                    let started = std::time::Instant::now();
                    black_box(whole_scan::run(root.path(), out.path(), &hasher, index));
                    timed += started.elapsed();
                }
                timed
            })
        });
    }
    group.finish();

    // Indexing throughput on a small index (built in each iteration).
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    const SMALL: u64 = 200_000;
    group.throughput(Throughput::Elements(SMALL));
    group.bench_function("build 200k findings", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            black_box(build(dir.path(), SMALL, &hasher))
        })
    });
    group.finish();

    let policy = LinkPolicy::default();
    let mut group = c.benchmark_group("search 10M findings");
    let email = Lookup::Values(vec![(DataType::Email, "person1234567@example.no".into())]);
    group.bench_function("e-mail, direct", |b| {
        let index = large.get_or_init(|| large_index(&hasher));
        b.iter(|| black_box(subject::find(index, &hasher, &email, false, &policy).unwrap()))
    });
    group.bench_function("e-mail, with links", |b| {
        let index = large.get_or_init(|| large_index(&hasher));
        b.iter(|| {
            let s = subject::find(index, &hasher, &email, true, &policy).unwrap();
            assert_eq!(s.hits.len(), 4);
            black_box(s)
        })
    });
    let name = Lookup::Name(vec!["ola".into(), "nordmann1234567".into()]);
    group.bench_function("name, with links", |b| {
        let index = large.get_or_init(|| large_index(&hasher));
        b.iter(|| black_box(subject::find(index, &hasher, &name, true, &policy).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
