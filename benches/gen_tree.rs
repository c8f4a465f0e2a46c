//! Generates the benchmark inputs (nothing large is kept in git):
//!
//! ```sh
//! cargo run --release --example gen-bench-tree -- tree DIR MB      # a mixed text-like tree of about MB megabytes
//! cargo run --release --example gen-bench-tree -- big FILE MB      # one large CSV export of about MB megabytes
//! cargo run --release --example gen-bench-tree -- ledger FILE MB   # one large sparse CSV export (a contact note every 20th row)
//! cargo run --release --example gen-bench-tree -- line FILE MB     # one file of MB megabytes without a newline
//! cargo run --release --example gen-bench-tree -- pdfs DIR N       # N ten-page letters as PDF
//! cargo run --release --example gen-bench-tree -- patterns FILE    # datakart's candidate shapes, one per line, for `rg -f`
//! ```
//!
//! The tree mixes what file shares hold: letters (`.txt`), CSV exports,
//! NDJSON application logs, plain server logs and SQL dumps, in about the
//! byte shares of a real share (logs and exports dominate). Personal data
//! is sparse in prose and logs and dense in exports; identifiers carry
//! valid check digits (computed in `tests/gen_ids.rs`, independently of
//! the scanner). Output is deterministic (fixed seed).

#[path = "../tests/gen_docs.rs"]
#[allow(dead_code)]
mod docs;
#[path = "../tests/gen_ids.rs"]
#[allow(dead_code)]
mod ids;

#[path = "corpus.rs"]
#[allow(dead_code)]
mod corpus;

use corpus::{
    CSV_HEADER, LEDGER_HEADER, PROSE, csv_row, json_line, ledger_row, letter, log_line, person, sql_row,
};
use ids::Rng;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Makes line `i` of a generated file.
type Line = fn(&mut Rng, u64) -> String;

/// Writes lines from `line` to `path` until it holds about `bytes`.
fn fill(path: &Path, header: &str, bytes: u64, r: &mut Rng, line: Line) {
    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path).unwrap());
    w.write_all(header.as_bytes()).unwrap();
    let (mut written, mut i) = (header.len() as u64, 0);
    while written < bytes {
        let l = line(r, i);
        w.write_all(l.as_bytes()).unwrap();
        written += l.len() as u64;
        i += 1;
    }
    w.flush().unwrap();
}

/// A tree of about `mb` megabytes.
fn tree(root: &Path, mb: u64) {
    let mut r = Rng(0x5eed_da7a);
    let total = mb << 20;
    let mut written = 0u64;
    let mut n = 0u64;
    // Byte shares per round: 64 letters (256 KB), one 1 MB CSV export,
    // one 3 MB NDJSON log, one 3 MB server log, one 512 KB SQL dump.
    while written < total {
        let dir = root.join(format!("share{:03}", n % 97));
        fs::create_dir_all(dir.join("brev")).unwrap();
        fs::create_dir_all(dir.join("eksport")).unwrap();
        fs::create_dir_all(dir.join("logs")).unwrap();
        for k in 0..64 {
            let text = letter(&mut r);
            written += text.len() as u64;
            fs::write(dir.join(format!("brev/brev-{n:05}-{k:02}.txt")), text).unwrap();
        }
        let parts: [(&str, &str, u64, Line); 4] = [
            ("eksport/kunder-{n}.csv", CSV_HEADER, 1 << 20, csv_row),
            ("logs/app-{n}.ndjson", "", 3 << 20, json_line),
            ("logs/access-{n}.log", "", 3 << 20, log_line),
            ("eksport/dump-{n}.sql", "-- kunder\n", 512 << 10, sql_row),
        ];
        for (name, header, bytes, line) in parts {
            let path = dir.join(name.replace("{n}", &n.to_string()));
            fill(&path, header, bytes, &mut r, line);
            written += fs::metadata(&path).unwrap().len();
        }
        n += 1;
    }
    println!("{}: {} MB in {} rounds", root.display(), written >> 20, n);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(String::as_str).unwrap_or_else(|| {
            eprintln!("usage: gen-bench-tree tree|big|ledger|line|pdfs|patterns PATH [MB|N]");
            std::process::exit(2)
        })
    };
    let size = || arg(2).parse::<u64>().expect("a number");
    let path = Path::new(arg(1));
    match arg(0) {
        "tree" => tree(path, size()),
        "big" => {
            let mut r = Rng(0xb16);
            fill(path, CSV_HEADER, size() << 20, &mut r, csv_row);
        }
        "ledger" => {
            let mut r = Rng(0x1ed);
            fill(path, LEDGER_HEADER, size() << 20, &mut r, ledger_row);
        }
        "line" => {
            let mut r = Rng(0x11e);
            let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path).unwrap());
            let mut written = 0;
            while written < size() << 20 {
                let mut chunk = r.pick(PROSE).to_string();
                if r.below(8) == 0 {
                    let _ = write!(chunk, " {} ", person(&mut r).1);
                }
                chunk.push(' ');
                w.write_all(chunk.as_bytes()).unwrap();
                written += chunk.len() as u64;
            }
            w.flush().unwrap();
        }
        "pdfs" => {
            let mut r = Rng(0x9df);
            fs::create_dir_all(path).unwrap();
            for i in 0..size() {
                let pages = corpus::letter_pages(&mut r, 10);
                fs::write(path.join(format!("brev-{i:04}.pdf")), docs::pdf(&pages)).unwrap();
            }
        }
        "patterns" => {
            let text: String = datakart::detect::candidates::PATTERN
                .lines()
                .skip(1)
                .map(|l| l.split("  #").next().unwrap().trim())
                .filter(|l| !l.is_empty())
                .map(|l| format!("(?-u){}\n", l.trim_start_matches("| ").trim()))
                .collect();
            fs::write(path, text).unwrap();
        }
        other => {
            eprintln!("unknown kind {other:?}");
            std::process::exit(2)
        }
    }
}
