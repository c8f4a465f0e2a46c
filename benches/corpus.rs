//! Generated file content for the benchmarks: letters, CSV exports, NDJSON
//! and server logs, SQL dumps, with synthetic identifiers that carry valid
//! check digits (`tests/gen_ids.rs`). Shared by the tree generator
//! (`gen_tree.rs`) and the per-stage benches (`stages.rs`).

use super::ids::{Rng, card, cpr, fnr, hetu, iban, pnr};
use std::fmt::Write as _;

/// The header of the generated CSV exports ([`csv_row`]).
pub const CSV_HEADER: &str = "id,navn,epost,telefon,personnr,konto,adresse,poststed,kort\n";

pub const FIRST: &[&str] = &[
    "Ola", "Kari", "Per", "Ingrid", "Lars", "Sofie", "Anders", "Maja", "Jens", "Freja", "Mikko", "Aino",
    "Erik", "Astrid", "Nils", "Liv",
];
pub const LAST: &[&str] = &[
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersson",
    "Nielsen",
    "Virtanen",
    "Korhonen",
    "Berg",
    "Lund",
    "Dahl",
];
pub const PROSE: &[&str] = &[
    "Takk for møtet i går. Vi går gjennom budsjettet for neste kvartal og kommer tilbake med et forslag.",
    "Prosjektet følger planen; leveransen til kunden er satt til uke 14, med testing i uke 12 og 13.",
    "Referat fra styremøtet: saker 4 til 9 ble behandlet, og protokollen sendes ut for signering.",
    "Husk at alle reiseregninger må leveres innen den 5. i måneden for å komme med på lønnskjøringen.",
    "The quarterly report shows revenue up 4.2 percent, with costs held flat against the previous year.",
    "Tilbudet gjelder i 30 dager. Prisene er oppgitt eksklusive merverdiavgift og frakt.",
];

pub fn person(r: &mut Rng) -> (String, String, String) {
    let (f, l) = (r.pick(FIRST), r.pick(LAST));
    let email = format!(
        "{}.{}{}@example.{}",
        f.to_lowercase(),
        l.to_lowercase(),
        r.below(100),
        r.pick(&["no", "dk", "se", "fi", "com"])
    );
    (format!("{f} {l}"), email, format!("9{}", r.digits(7)))
}

pub fn national_id(r: &mut Rng) -> String {
    match r.below(4) {
        0 => fnr(r, false),
        1 => cpr(r),
        2 => pnr(r),
        _ => hetu(r),
    }
}

/// A letter of about 4 KB: prose with a name, sometimes an ID and phone.
pub fn letter(r: &mut Rng) -> String {
    let (name, email, phone) = person(r);
    let mut s = format!("Til {name}\n\n");
    while s.len() < 4000 {
        s.push_str(r.pick(PROSE));
        s.push(if r.below(3) == 0 { '\n' } else { ' ' });
        if r.below(25) == 0 {
            let _ = write!(s, "Ref. fødselsnummer {} ", national_id(r));
        }
    }
    let _ = write!(s, "\n\nMed vennlig hilsen\nKundeservice, tlf {phone}, {email}\n");
    s
}

/// A CSV export row: one customer.
/// Header of a sparse export: an accounting ledger with a contact note
/// on one row in 20.
pub const LEDGER_HEADER: &str = "txn_id,booked,account,amount,currency,product,note\n";

/// Row `i` of the sparse ledger export.
pub fn ledger_row(r: &mut Rng, i: u64) -> String {
    let note = if i.is_multiple_of(20) {
        format!("kontakt {}", person(r).1)
    } else {
        "ok".to_string()
    };
    format!(
        "{i},2024-{:02}-{:02},ACC-{},{}.{:02},NOK,SKU-{}-{},{note}\n",
        1 + i % 12,
        1 + i % 28,
        r.digits(4),
        r.below(100_000),
        r.below(100),
        r.digits(6),
        r.pick(&["A", "B", "C", "D"]),
    )
}

pub fn csv_row(r: &mut Rng, i: u64) -> String {
    let (name, email, phone) = person(r);
    format!(
        "{i},{name},{email},{phone},{},{},Storgata {} ,{} Oslo,{}\n",
        national_id(r),
        if r.below(4) == 0 {
            iban(r, "NO")
        } else {
            String::new()
        },
        r.below(200),
        r.digits(4),
        if r.below(10) == 0 { card(r) } else { String::new() },
    )
}

/// An NDJSON application log line; one in 20 names a user.
pub fn json_line(r: &mut Rng, i: u64) -> String {
    let user = if r.below(20) == 0 {
        format!(",\"user\":\"{}\"", person(r).1)
    } else {
        String::new()
    };
    format!(
        "{{\"ts\":\"2026-03-{:02}T{:02}:{:02}:{:02}Z\",\"level\":\"{}\",\"request_id\":\"{:016x}\",\"path\":\"/api/v2/orders/{}\",\"status\":{},\"ms\":{}{user}}}\n",
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.pick(&["info", "info", "info", "warn", "error"]),
        r.next() << 20 | r.next(),
        i,
        r.pick(&["200", "200", "201", "404", "500"]),
        r.below(900)
    )
}

/// A plain server log line with the client's address.
pub fn log_line(r: &mut Rng, i: u64) -> String {
    format!(
        "2026-03-{:02} {:02}:{:02}:{:02} INFO  worker-{} handled GET /static/app.{}.js from 10.{}.{}.{} in {} ms referer=\"https://intranett.example.no/prosjekter/oversikt\" agent=\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36\"\n",
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(16),
        i % 977,
        r.below(256),
        r.below(256),
        r.below(256),
        r.below(300)
    )
}

/// An SQL dump row.
pub fn sql_row(r: &mut Rng, i: u64) -> String {
    let (name, email, phone) = person(r);
    format!(
        "INSERT INTO kunder (id, navn, epost, telefon, personnr, notat) VALUES ({i}, '{name}', '{email}', '{phone}', '{}', '{}');\n",
        national_id(r),
        r.pick(PROSE)
    )
}

/// `n` pages of letters for a PDF: lines of at most 90 characters, 48 a
/// page.
pub fn letter_pages(r: &mut Rng, n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|_| {
            letter(r)
                .lines()
                .flat_map(|l| {
                    l.chars()
                        .collect::<Vec<_>>()
                        .chunks(90)
                        .map(|c| c.iter().collect::<String>())
                        .collect::<Vec<_>>()
                })
                .take(48)
                .collect()
        })
        .collect()
}

/// About `size` bytes: `header`, then lines from `line`.
pub fn lines(size: usize, header: &str, line: fn(&mut Rng, u64) -> String) -> String {
    let mut r = Rng(7);
    let mut s = String::from(header);
    let mut i = 0;
    while s.len() < size {
        s.push_str(&line(&mut r, i));
        i += 1;
    }
    s
}
