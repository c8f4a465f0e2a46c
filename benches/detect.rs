//! Detection throughput (bytes/s) over generated text: plain Nordic prose
//! with no identifiers, prose with a realistic density of identifiers, a
//! dense customer export, and 4 MB units of the benchmark tree's CSV
//! export and server log (`corpus.rs`) handed over whole, which is where a
//! quadratic step would show. Run with `cargo bench --bench detect`.

#[path = "corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/gen_ids.rs"]
#[allow(dead_code)]
mod ids;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datakart::detect::{Detector, DetectorSettings, Scratch};
use std::hint::black_box;

const PROSE: &str = "Hei, takk for henvendelsen din til kundeservice. Vi har sett på saken og \
oppdatert avtalen slik du ba om. Fakturaen for november blir sendt på vanlig måte, og du \
trenger ikke gjøre noe mer nå. Ha en fin dag videre! Med vennlig hilsen Nordlys Kundeservice. ";

const RECORDS: &[&str] = &[
    "Fødselsnummer: 15108695088, e-post ola.nordmann@example.no, tlf +47 412 34 567. ",
    "CPR-nr. 211062-5629, telefon +45 20 12 34 56, mail mette@example.dk. ",
    "Personnummer 811228-9841, mobil 070-123 45 67, IBAN SE45 5000 0000 0583 9825 7466. ",
    "Henkilötunnus 131052-308T, puhelin +358 40 123 4567, kortti 4111 1111 1111 1111. ",
    "Klient 81.2.69.142 og 2a01:4f8:c0c::1 logget inn 22.11.2026 kl. 10:15:32. ",
];

/// About `size` bytes: prose with one record after every `prose_per_record`
/// paragraphs (0: no records).
fn corpus(size: usize, prose_per_record: usize) -> String {
    let mut s = String::with_capacity(size + 512);
    let mut i = 0;
    while s.len() < size {
        s.push_str(PROSE);
        if prose_per_record > 0 && i % prose_per_record == 0 {
            s.push_str(RECORDS[(i / prose_per_record) % RECORDS.len()]);
            s.push('\n');
        }
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let detector = Detector::new(DetectorSettings::default());
    let mut group = c.benchmark_group("detect");
    for (name, text) in [
        ("prose-no-ids", corpus(8 << 20, 0)),
        ("prose-sparse-ids", corpus(8 << 20, 20)),
        ("dense-export", corpus(8 << 20, 1)),
        ("csv-export-whole", corpus::lines(4 << 20, "", corpus::csv_row)),
        ("server-log-whole", corpus::lines(4 << 20, "", corpus::log_line)),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            let mut scratch = Scratch::default();
            let mut hits = Vec::new();
            b.iter(|| {
                hits.clear();
                detector.detect(black_box(&text), 0, text.len(), 0, &mut scratch, &mut hits);
                black_box(hits.len())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
