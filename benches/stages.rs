//! Per-stage throughput, in bytes per second, on generated data (nothing
//! large is kept in git): extraction of CSV, NDJSON, server logs, xlsx and
//! PDF (units handed to a sink that only counts them) and writing findings
//! rows as CSV + Parquet (the sink's table writer). Detection has its own
//! bench (`benches/detect.rs`). `cargo bench --bench stages`.

#[path = "corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/gen_docs.rs"]
#[allow(dead_code)]
mod docs;
#[path = "../tests/gen_ids.rs"]
#[allow(dead_code)]
mod ids;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use datakart::extract::{Input, Unit, UnitSink};
use datakart::sink::table::{Cell, Kind, TableWriter, columns};
use ids::Rng;
use std::hint::black_box;
use std::io::Cursor;

/// Counts the text extractors hand over.
#[derive(Default)]
struct Counting {
    bytes: usize,
}

impl UnitSink for Counting {
    fn unit(&mut self, unit: Unit<'_>) -> usize {
        self.bytes += unit.until - unit.from;
        unit.until
    }
}

/// A workbook of `rows` customer rows (six columns).
fn workbook(rows: usize) -> Vec<u8> {
    let mut r = Rng(11);
    let data: Vec<[String; 6]> = (0..rows)
        .map(|i| {
            let (name, email, phone) = corpus::person(&mut r);
            [
                i.to_string(),
                name,
                email,
                phone,
                corpus::national_id(&mut r),
                r.pick(corpus::PROSE).to_string(),
            ]
        })
        .collect();
    let mut table = vec![
        ["id", "navn", "epost", "telefon", "personnr", "notat"]
            .into_iter()
            .map(docs::X::S)
            .collect::<Vec<_>>(),
    ];
    table.extend(data.iter().map(|row| row.iter().map(|c| docs::X::S(c)).collect()));
    docs::xlsx(&[("Kunder", docs::xlsx_sheet(&table))])
}

/// A PDF of `pages` pages of letters.
fn pdf(pages: usize) -> Vec<u8> {
    docs::pdf(&corpus::letter_pages(&mut Rng(13), pages))
}

fn extract(name: &str, bytes: &[u8]) -> usize {
    let input = Input::new(
        name.to_string(),
        Box::new(Cursor::new(bytes.to_vec())),
        bytes.len() as u64,
        None,
    )
    .expect("opens");
    let mut sink = Counting::default();
    input.extract(&mut sink).expect("extracts");
    sink.bytes
}

fn extraction(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    let inputs = [
        (
            "kunder.csv",
            corpus::lines(4 << 20, corpus::CSV_HEADER, corpus::csv_row).into_bytes(),
        ),
        (
            "app.ndjson",
            corpus::lines(4 << 20, "", corpus::json_line).into_bytes(),
        ),
        (
            "access.log",
            corpus::lines(4 << 20, "", corpus::log_line).into_bytes(),
        ),
        ("kunder.xlsx", workbook(20_000)),
        ("brev.pdf", pdf(100)),
    ];
    for (name, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| black_box(extract(name, bytes)))
        });
    }
    group.finish();
}

fn output(c: &mut Criterion) {
    let mut group = c.benchmark_group("sink");
    group.sample_size(10);
    const ROWS: usize = 100_000;
    let cols = columns(&[
        ("scan_id", Kind::Str),
        ("finding_id", Kind::Str),
        ("path", Kind::Str),
        ("location", Kind::Str),
        ("line", Kind::U64),
        ("type", Kind::Str),
        ("confidence", Kind::Str),
        ("value_masked", Kind::Str),
        ("value_hash", Kind::Str),
        ("file_modified", Kind::Time),
    ]);
    let row = |i: usize| -> Vec<Cell<'static>> {
        vec![
            Cell::from("20261123T000000Z-00000000"),
            Cell::from(format!("{:016x}", i * 2654435761)),
            Cell::from("/srv/share/eksport/kunder-17.csv"),
            Cell::from(format!("row {i}, column epost")),
            Cell::U64(i as u64),
            Cell::from("email"),
            Cell::from("medium"),
            Cell::from("o*****@example.no"),
            Cell::from(format!("{:064x}", i as u128 * 0x9e3779b97f4a7c15)),
            Cell::Time(1_700_000_000_000_000),
        ]
    };
    // Bytes of the CSV table: what the throughput is counted in.
    let dir = tempfile::tempdir().unwrap();
    let mut sizing = TableWriter::create(dir.path(), "sizing", cols.clone()).unwrap();
    for i in 0..ROWS {
        sizing.push(&row(i)).unwrap();
    }
    sizing.commit().unwrap();
    let csv_bytes = std::fs::metadata(dir.path().join("sizing.csv")).unwrap().len();
    group.throughput(Throughput::Bytes(csv_bytes));
    group.bench_function("findings-table-100k-rows", |b| {
        b.iter(|| {
            let mut w = TableWriter::create(dir.path(), "findings", cols.clone()).unwrap();
            for i in 0..ROWS {
                w.push(&row(i)).unwrap();
            }
            w.commit().unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, extraction, output);
criterion_main!(benches);
