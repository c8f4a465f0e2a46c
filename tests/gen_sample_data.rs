//! Generates `sample-data/` and its manifest `tests/data/sample-expected.csv`.
//!
//! Run from the repository root: `cargo run --example gen-sample-data`.
//! (It lives under `tests/` so the scan of `sample-data/` does not find
//! the values written in this source.)
//! Output is deterministic (fixed seed). Every value is synthetic; valid
//! identifiers get their check digits computed here, independently of the
//! scanner's validators, so the integration tests check one against the
//! other. Each planted value is listed in the manifest with the exact
//! location the scanner must report; decoys are not listed and must not be
//! found.

#[path = "gen_binary_sheets.rs"]
mod binary_sheets;
#[path = "gen_docs.rs"]
mod docs;
#[path = "gen_formats.rs"]
mod formats;
#[path = "gen_ids.rs"]
#[allow(dead_code)]
mod ids;

use ids::*;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn lower_ascii(s: &str) -> String {
    s.to_lowercase()
        .replace('ø', "o")
        .replace('æ', "ae")
        .replace(['å', 'ä'], "a")
        .replace('ö', "o")
        .replace(' ', ".")
}

/// A person with the identifiers of their country.
struct Person {
    first: &'static str,
    last: &'static str,
    email: String,
    phone: String,
    id: String,
    iban: String,
}

impl Person {
    /// `First Last`, as the generators write it.
    fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

fn person(r: &mut Rng, country: &str) -> Person {
    let (firsts, lasts, domain): (&[&str], &[&str], &str) = match country {
        "NO" => (
            &[
                "Ola", "Kari", "Per", "Ingrid", "Nora", "Jonas", "Sigrid", "Håkon", "Solveig", "Magnus",
            ],
            &[
                "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Bakken",
                "Sæther",
            ],
            "example.no",
        ),
        "DK" => (
            &["Søren", "Mette", "Lars", "Anne", "Jens", "Sofie", "Mads", "Ida"],
            &[
                "Jensen",
                "Nielsen",
                "Pedersen",
                "Andersen",
                "Sørensen",
                "Kjær",
                "Østergaard",
                "Madsen",
            ],
            "example.dk",
        ),
        "SE" => (
            &["Erik", "Anna", "Lars", "Maria", "Johan", "Elin", "Björn", "Karin"],
            &[
                "Svensson",
                "Andersson",
                "Johansson",
                "Karlsson",
                "Nilsson",
                "Lindqvist",
                "Ström",
                "Berg",
            ],
            "example.se",
        ),
        _ => (
            &[
                "Matti", "Aino", "Juha", "Liisa", "Mikko", "Sanna", "Antti", "Helmi",
            ],
            &[
                "Virtanen",
                "Korhonen",
                "Mäkinen",
                "Nieminen",
                "Hämäläinen",
                "Laine",
                "Heikkinen",
                "Koskinen",
            ],
            "example.fi",
        ),
    };
    let first = r.pick(firsts);
    let last = r.pick(lasts);
    let email = format!(
        "{}.{}{}@{domain}",
        lower_ascii(first),
        lower_ascii(last),
        r.below(100)
    );
    let phone = match country {
        "NO" => format!("+47 9{} {} {}", r.digits(2), r.digits(2), r.digits(3)),
        "DK" => format!(
            "+45 2{} {} {} {}",
            r.digits(1),
            r.digits(2),
            r.digits(2),
            r.digits(2)
        ),
        "SE" => format!("070-{} {} {}", r.digits(3), r.digits(2), r.digits(2)),
        _ => format!("+358 40 {} {}", r.digits(3), r.digits(4)),
    };
    let id = match country {
        "NO" => fnr(r, false),
        "DK" => cpr(r),
        "SE" => pnr(r),
        _ => hetu(r),
    };
    let iban = iban(r, country);
    Person {
        first,
        last,
        email,
        phone,
        id,
        iban,
    }
}

/// HR case notes in the five languages: names, addresses and special
/// categories of personal data (health, trade union, criminal record),
/// and a newsletter whose words are the same kinds but say nothing about
/// anyone (nothing there may be reported).
fn write_case_notes(root: &Path, m: &mut Manifest) {
    let path = "hr/personalsaker.txt";
    let mut d = Doc::new(path, m);
    d.line("PERSONALSAKER (KONFIDENSIELT)").line("");
    d.planted(
        "Ingrid Solberg er sykmeldt fra 3. mars; fastlegen har påvist depresjon.",
        &[
            ("person_name", "Ingrid Solberg"),
            ("special_category", "depresjon"),
        ],
    );
    d.planted(
        "Hun er medlem av Fagforbundet, og fagforeningskontingent trekkes i lønn.",
        &[
            ("special_category", "Fagforbundet"),
            ("special_category", "fagforeningskontingent"),
        ],
    );
    d.planted(
        "Adresse: Kirkeveien 14B, 0368 Oslo",
        &[("postal_address", "Kirkeveien 14B, 0368 Oslo")],
    );
    d.line("");
    d.planted(
        "Medarbejder Mette Kjær er sygemeldt med kræft efter besked fra lægen.",
        &[("person_name", "Mette Kjær"), ("special_category", "kræft")],
    );
    d.planted(
        "Bopæl: Vesterbrogade 12, 1620 København V",
        &[("postal_address", "Vesterbrogade 12, 1620 København V")],
    );
    d.line("");
    d.planted(
        "Anställd Karin Lindberg är sjukskriven; läkaren misstänker utbrändhet.",
        &[
            ("person_name", "Karin Lindberg"),
            ("special_category", "utbrändhet"),
        ],
    );
    d.planted(
        "Hon bor på Drottninggatan 71, 111 36 Stockholm.",
        &[("postal_address", "Drottninggatan 71, 111 36 Stockholm")],
    );
    d.line("");
    d.planted(
        "Työntekijä Aino Virtanen on sairauslomalla, lääkärin mukaan masennus.",
        &[("person_name", "Aino Virtanen"), ("special_category", "masennus")],
    );
    d.planted(
        "Osoite: Mannerheimintie 12, 00100 Helsinki",
        &[("postal_address", "Mannerheimintie 12, 00100 Helsinki")],
    );
    d.line("");
    d.planted(
        "Employee James Wilson was convicted of fraud in 2019.",
        &[("person_name", "James Wilson"), ("special_category", "fraud")],
    );
    d.planted(
        "Home address: 221B Baker Street, London.",
        &[("postal_address", "221B Baker Street")],
    );
    write(root, path, d.text().as_bytes());

    let path = "decoys/nyhetsbrev.txt";
    let mut d = Doc::new(path, m);
    d.line("NYHETSBREV FRA KUNDESERVICE").line("");
    d.line("Kontoret holder kurs om helse, miljø og sikkerhet i desember.");
    d.line("Kari Hansen AS og Nordea Bank er nye samarbeidspartnere.");
    d.line("Per måned koster abonnementet 199 kroner.");
    d.line("Dear Customer Service, thank you for the quick reply.");
    d.line("Gate 5 er stengt; se kapittel 12 i håndboken.");
    d.line("Fagforeningen inviterer alle ansatte til julebord.");
    d.line("Ny forskning på kreft og diabetes presenteres i Bergen.");
    write(root, path, d.text().as_bytes());
}

/// The manifest of planted values: (path, location, type, value).
#[derive(Default)]
struct Manifest(Vec<[String; 4]>);

impl Manifest {
    fn plant(&mut self, path: &str, location: String, ty: &str, value: &str) {
        self.0
            .push([path.to_string(), location, ty.to_string(), value.to_string()]);
    }
}

/// A text file built line by line, recording planted values by line.
struct Doc<'m> {
    path: &'static str,
    lines: Vec<String>,
    manifest: &'m mut Manifest,
}

impl<'m> Doc<'m> {
    fn new(path: &'static str, manifest: &'m mut Manifest) -> Doc<'m> {
        Doc {
            path,
            lines: Vec::new(),
            manifest,
        }
    }
    fn line(&mut self, text: impl Into<String>) -> &mut Self {
        self.lines.push(text.into());
        self
    }
    /// A line holding planted values of the given types.
    fn planted(&mut self, text: impl Into<String>, plants: &[(&str, &str)]) -> &mut Self {
        self.lines.push(text.into());
        let n = self.lines.len();
        for (ty, value) in plants {
            self.manifest.plant(self.path, format!("line {n}"), ty, value);
        }
        self
    }
    fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn main() {
    let root = Path::new("sample-data");
    let mut r = Rng(0x5eed_da7a_ca27);
    let mut m = Manifest::default();

    // HR letters, one folder per country.
    let hr_no = [
        "hr/norge/arbeidsavtale-1.txt",
        "hr/norge/arbeidsavtale-2.txt",
        "hr/norge/arbeidsavtale-3.txt",
    ];
    for (i, path) in hr_no.iter().enumerate() {
        let p = person(&mut r, "NO");
        let mut d = Doc::new(path, &mut m);
        d.line("ARBEIDSAVTALE").line("");
        let name = p.full_name();
        d.planted(format!("Arbeidstaker: {name}"), &[("person_name", &name)]);
        if i == 2 {
            let dnr = fnr(&mut r, true);
            d.planted(format!("D-nummer: {dnr}"), &[("no_dnr", &dnr)]);
        } else {
            d.planted(format!("Fødselsnummer: {}", p.id), &[("no_fnr", &p.id)]);
        }
        d.planted(
            "Adresse: Storgata 12, 0155 Oslo",
            &[("postal_address", "Storgata 12, 0155 Oslo")],
        );
        d.planted(format!("Telefon: {}", p.phone), &[("phone", &p.phone)]);
        d.planted(format!("E-post: {}", p.email), &[("email", &p.email)]);
        let ib = spaced(&p.iban);
        d.planted(format!("Lønnskonto (IBAN): {ib}"), &[("iban", &ib)]);
        d.line("")
            .line("Stilling: Rådgiver i kundeservice, 100 % stilling.");
        d.line("Tiltredelse: 01.03.2023. Årslønn: 620 000 kroner, utbetales den 20. hver måned.");
        d.line("Prøvetid: seks måneder. Oppsigelsestid: tre måneder.")
            .line("");
        d.line("Oslo, 15. februar 2023")
            .line("For arbeidsgiver: Nordlys Kundeservice AS");
        write(root, path, d.text().as_bytes());
    }
    for (i, path) in [
        "hr/danmark/ansaettelseskontrakt-1.txt",
        "hr/danmark/ansaettelseskontrakt-2.txt",
    ]
    .iter()
    .enumerate()
    {
        let p = person(&mut r, "DK");
        let mut d = Doc::new(path, &mut m);
        d.line("ANSÆTTELSESKONTRAKT").line("");
        let name = p.full_name();
        d.planted(format!("Medarbejder: {name}"), &[("person_name", &name)]);
        d.planted(format!("CPR-nr.: {}", p.id), &[("dk_cpr", &p.id)]);
        d.planted(format!("Telefon: {}", p.phone), &[("phone", &p.phone)]);
        d.planted(format!("E-mail: {}", p.email), &[("email", &p.email)]);
        let ib = spaced(&p.iban);
        d.planted(format!("Lønkonto (IBAN): {ib}"), &[("iban", &ib)]);
        d.line(format!(
            "Tiltrædelse: 1. april 202{i}. Løn: 38.500 kr. pr. måned."
        ));
        d.line("Kære medarbejder, velkommen til kundeservice i København.");
        write(root, path, d.text().as_bytes());
    }
    for path in [
        "hr/sverige/anstallningsavtal-1.txt",
        "hr/sverige/anstallningsavtal-2.txt",
    ] {
        let p = person(&mut r, "SE");
        let mut d = Doc::new(path, &mut m);
        d.line("ANSTÄLLNINGSAVTAL").line("");
        let name = p.full_name();
        d.planted(format!("Arbetstagare: {name}"), &[("person_name", &name)]);
        d.planted(format!("Personnummer: {}", p.id), &[("se_pnr", &p.id)]);
        d.planted(format!("Mobil: {}", p.phone), &[("phone", &p.phone)]);
        d.planted(format!("E-post: {}", p.email), &[("email", &p.email)]);
        let ib = spaced(&p.iban);
        d.planted(format!("Lönekonto (IBAN): {ib}"), &[("iban", &ib)]);
        d.line("Tillträde: 2024-01-15. Månadslön: 34 000 kr. Semester enligt semesterlagen.");
        write(root, path, d.text().as_bytes());
    }
    for path in ["hr/suomi/tyosopimus-1.txt", "hr/suomi/tyosopimus-2.txt"] {
        let p = person(&mut r, "FI");
        let mut d = Doc::new(path, &mut m);
        d.line("TYÖSOPIMUS").line("");
        let name = p.full_name();
        d.planted(format!("Työntekijä: {name}"), &[("person_name", &name)]);
        d.planted(format!("Henkilötunnus: {}", p.id), &[("fi_hetu", &p.id)]);
        d.planted(format!("Puhelin: {}", p.phone), &[("phone", &p.phone)]);
        d.planted(format!("Sähköposti: {}", p.email), &[("email", &p.email)]);
        let ib = spaced(&p.iban);
        d.planted(format!("Tilinumero (IBAN): {ib}"), &[("iban", &ib)]);
        d.line("Työsuhde alkaa 1.9.2024. Kuukausipalkka 3 200 euroa.");
        write(root, path, d.text().as_bytes());
    }
    {
        let mut d = Doc::new("hr/uk/contract-summary.txt", &mut m);
        d.line("EMPLOYMENT CONTRACT SUMMARY").line("");
        d.planted(
            "Employee: John Smith, London office",
            &[("person_name", "John Smith")],
        );
        d.planted("Phone: +44 20 7946 0958", &[("phone", "+44 20 7946 0958")]);
        d.planted(
            "Email: john.smith@example.co.uk",
            &[("email", "john.smith@example.co.uk")],
        );
        d.line("Start date: 2022-06-01. Salary: GBP 48,000 per annum.");
        write(root, "hr/uk/contract-summary.txt", d.text().as_bytes());
    }

    // CRM export, UTF-8, semicolon-separated.
    {
        let path = "crm/kunder.csv";
        let mut csv = String::from("kundenr;navn;epost;telefon;fødselsnummer;sist_kontakt\n");
        for row in 1..=120u64 {
            let p = person(&mut r, "NO");
            let tel = format!("{} {} {}", &p.phone[4..7], &p.phone[8..10], &p.phone[11..]);
            let _ = writeln!(
                csv,
                "{};{} {};{};{};{};2024-{:02}-{:02}",
                100_000 + row * 7,
                p.first,
                p.last,
                p.email,
                tel,
                p.id,
                1 + row % 12,
                1 + row % 28
            );
            m.plant(path, format!("row {row}, column epost"), "email", &p.email);
            m.plant(
                path,
                format!("row {row}, column navn"),
                "person_name",
                &p.full_name(),
            );
            m.plant(path, format!("row {row}, column telefon"), "phone", &tel);
            m.plant(path, format!("row {row}, column fødselsnummer"), "no_fnr", &p.id);
        }
        write(root, path, csv.as_bytes());
    }
    // Danish customer list in Windows-1252, comma-separated.
    {
        let path = "crm/kunder-dk-windows1252.csv";
        let mut csv = String::from("navn,email,telefon,cpr\n");
        for row in 1..=12u64 {
            let p = person(&mut r, "DK");
            let _ = writeln!(csv, "{} {},{},{},{}", p.first, p.last, p.email, p.phone, p.id);
            m.plant(path, format!("row {row}, column email"), "email", &p.email);
            m.plant(
                path,
                format!("row {row}, column navn"),
                "person_name",
                &p.full_name(),
            );
            m.plant(path, format!("row {row}, column telefon"), "phone", &p.phone);
            m.plant(path, format!("row {row}, column cpr"), "dk_cpr", &p.id);
        }
        let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&csv);
        assert!(!bad);
        write(root, path, &bytes);
    }

    // Customer-service e-mails.
    {
        let path = "support/2024-03-sak-4411.eml";
        let p = person(&mut r, "NO");
        let c = card(&mut r);
        let eml = format!(
            "From: {} {} <{}>\r\nTo: kundeservice@nordlys.example\r\nSubject: =?UTF-8?Q?Sp=C3=B8rsm=C3=A5l_om_faktura?=\r\nDate: Tue, 12 Mar 2024 09:14:00 +0100\r\nMessage-ID: <sak-4411@nordlys.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHei,\r\n\r\nJeg har betalt med kortnummer {c}, men f=C3=A5r fortsatt purring.\r\nRing meg gjerne p=C3=A5 {}.\r\n\r\nMvh {}\r\n",
            p.first, p.last, p.email, p.phone, p.first
        );
        m.plant(path, "header From".into(), "email", &p.email);
        m.plant(path, "header To".into(), "email", "kundeservice@nordlys.example");
        m.plant(path, "header From".into(), "person_name", &p.full_name());
        m.plant(path, "body part 1 line 3".into(), "payment_card", &c);
        m.plant(path, "body part 1 line 4".into(), "phone", &p.phone);
        write(root, path, eml.as_bytes());
    }
    {
        let path = "support/2024-05-arende-88.eml";
        let p = person(&mut r, "SE");
        let eml = format!(
            "From: {} {} <{}>\r\nTo: support@nordlys.example\r\nCc: {}\r\nSubject: Flytt av abonnemang\r\nDate: Mon, 6 May 2024 14:02:11 +0200\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHej!\r\nMitt personnummer är {} och jag vill flytta mitt abonnemang.\r\nMvh {}\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hej!</p><p>Ring mig p&aring; {}.</p>\r\n--b1--\r\n",
            p.first, p.last, p.email, "arende-kopia@example.se", p.id, p.first, p.phone
        );
        m.plant(path, "header From".into(), "email", &p.email);
        m.plant(path, "header To".into(), "email", "support@nordlys.example");
        m.plant(path, "header From".into(), "person_name", &p.full_name());
        m.plant(path, "header Cc".into(), "email", "arende-kopia@example.se");
        m.plant(path, "body part 1 line 2".into(), "se_pnr", &p.id);
        m.plant(path, "body part 2 line 2".into(), "phone", &p.phone);
        write(root, path, eml.as_bytes());
    }

    // Database dumps.
    {
        let path = "db/crm-mysql.sql";
        let mut sql = String::from(
            "-- MySQL dump 10.13  Distrib 8.0.36\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `kunder`;\nCREATE TABLE `kunder` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `namn` varchar(100) DEFAULT NULL,\n  `epost` varchar(200) DEFAULT NULL,\n  `personnummer` char(11) DEFAULT NULL,\n  `anteckning` text,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\nLOCK TABLES `kunder` WRITE;\nINSERT INTO `kunder` VALUES ",
        );
        let mut rows = Vec::new();
        for row in 1..=25u64 {
            let p = person(&mut r, "SE");
            let note = if row % 5 == 0 {
                "Kund sedan 2019, ville inte ha nyhetsbrev"
            } else {
                "Har frågat om faktura"
            };
            rows.push(format!(
                "({row},'{} O\\'{}','{}','{}','{note}')",
                p.first, p.last, p.email, p.id
            ));
            m.plant(path, format!("table kunder.epost row {row}"), "email", &p.email);
            m.plant(
                path,
                format!("table kunder.namn row {row}"),
                "person_name",
                &format!("{} O'{}", p.first, p.last),
            );
            m.plant(
                path,
                format!("table kunder.personnummer row {row}"),
                "se_pnr",
                &p.id,
            );
        }
        sql.push_str(&rows.join(","));
        sql.push_str(";\nUNLOCK TABLES;\n");
        write(root, path, sql.as_bytes());
    }
    {
        let path = "db/kunder-postgres.sql";
        let mut sql = String::from(
            "--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\nCREATE TABLE public.asiakkaat (\n    id integer NOT NULL,\n    nimi text,\n    sahkoposti text,\n    hetu text,\n    puhelin text\n);\n\nCOPY public.asiakkaat (id, nimi, sahkoposti, hetu, puhelin) FROM stdin;\n",
        );
        for row in 1..=20u64 {
            let p = person(&mut r, "FI");
            let _ = writeln!(
                sql,
                "{row}\t{} {}\t{}\t{}\t{}",
                p.first, p.last, p.email, p.id, p.phone
            );
            m.plant(
                path,
                format!("table asiakkaat.sahkoposti row {row}"),
                "email",
                &p.email,
            );
            m.plant(path, format!("table asiakkaat.hetu row {row}"), "fi_hetu", &p.id);
            m.plant(
                path,
                format!("table asiakkaat.nimi row {row}"),
                "person_name",
                &p.full_name(),
            );
            m.plant(
                path,
                format!("table asiakkaat.puhelin row {row}"),
                "phone",
                &p.phone,
            );
        }
        sql.push_str("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n");
        write(root, path, sql.as_bytes());
    }

    // Web server log with public, private and IPv6 client addresses.
    {
        let path = "logs/access.log";
        let mut d = Doc::new(path, &mut m);
        let pages = [
            "/min-side",
            "/faktura/oversikt",
            "/kontakt",
            "/api/v1/kunde",
            "/logg-inn",
        ];
        for i in 0..200u64 {
            let ip = match i % 4 {
                0 => format!("81.2.69.{}", 1 + i % 250),
                1 => format!("10.20.{}.{}", i % 200, 1 + i % 250),
                2 => format!("2a01:4f8:c0c:{:x}::{:x}", 100 + i, i + 1),
                _ => format!("185.15.{}.{}", 56 + i % 3, 1 + i % 250),
            };
            let ty = if i % 4 == 2 { "ipv6" } else { "ipv4" };
            let page = pages[(i % 5) as usize];
            let line = format!(
                "{ip} - - [22/Nov/2026:10:{:02}:{:02} +0100] \"GET {page} HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0\"",
                i % 60,
                (i * 7) % 60,
                300 + i * 13
            );
            d.planted(line, &[(ty, &ip)]);
        }
        write(root, path, d.text().as_bytes());
    }

    // JSON exports.
    {
        let path = "exports/henvendelser.ndjson";
        let mut out = String::new();
        for line in 1..=30u64 {
            let p = person(&mut r, "SE");
            let _ = writeln!(
                out,
                "{{\"sak\":{},\"kanal\":\"chat\",\"kunde\":{{\"navn\":\"{} {}\",\"epost\":\"{}\",\"telefon\":\"{}\"}},\"melding\":\"Hej, jag vill byta abonnemang.\"}}",
                5000 + line,
                p.first,
                p.last,
                p.email,
                p.phone
            );
            m.plant(path, format!("record {line} $.kunde.epost"), "email", &p.email);
            m.plant(
                path,
                format!("record {line} $.kunde.navn"),
                "person_name",
                &p.full_name(),
            );
            m.plant(path, format!("record {line} $.kunde.telefon"), "phone", &p.phone);
        }
        write(root, path, out.as_bytes());
    }
    {
        let path = "exports/kunde-44871.json";
        let p = person(&mut r, "NO");
        let c = card(&mut r);
        let ib = p.iban.clone();
        let json = format!(
            "{{\n  \"customer\": {{\n    \"id\": 44871,\n    \"name\": \"{} {}\",\n    \"fnr\": \"{}\",\n    \"contacts\": [\n      {{\"type\": \"email\", \"value\": \"{}\"}},\n      {{\"type\": \"mobile\", \"value\": \"{}\"}}\n    ],\n    \"payment\": {{\"iban\": \"{ib}\", \"card\": \"{c}\"}}\n  }},\n  \"last_login_ip\": \"81.2.69.160\"\n}}\n",
            p.first, p.last, p.id, p.email, p.phone
        );
        m.plant(path, "$.customer.fnr".into(), "no_fnr", &p.id);
        m.plant(path, "$.customer.name".into(), "person_name", &p.full_name());
        m.plant(path, "$.customer.contacts[0].value".into(), "email", &p.email);
        m.plant(path, "$.customer.contacts[1].value".into(), "phone", &p.phone);
        m.plant(path, "$.customer.payment.iban".into(), "iban", &ib);
        m.plant(path, "$.customer.payment.card".into(), "payment_card", &c);
        m.plant(path, "$.last_login_ip".into(), "ipv4", "81.2.69.160");
        write(root, path, json.as_bytes());
    }

    // A note saved as UTF-16LE with a byte-order mark.
    {
        let path = "notes/telefonnotat-utf16.txt";
        let p = person(&mut r, "NO");
        let mut d = Doc::new(path, &mut m);
        d.line("Telefonnotat 14.11.2024").line("");
        let name = p.full_name();
        d.planted(
            format!("Samtale med {name} om endring av adresse."),
            &[("person_name", &name)],
        );
        d.planted(
            format!("Kunden oppga fødselsnummer {} og ny e-post {}.", p.id, p.email),
            &[("no_fnr", &p.id), ("email", &p.email)],
        );
        d.line("Saken er avsluttet.");
        let mut bytes = vec![0xFF, 0xFE];
        for u in d.text().encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        write(root, path, &bytes);
    }

    // Files that are not text: must be listed in scan_errors, not scanned.
    write(root, "misc/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89");
    write(
        root,
        "misc/backup.bin",
        b"DKBK\x00\x01\x02\x03\x00\x00\x00\x10\xff\xfe\x00\x00ola@example.no\x00",
    );

    // Decoys: shaped like identifiers, but none is valid. Nothing here may
    // be reported.
    {
        let path = "decoys/ordreliste.txt";
        let mut d = Doc::new(path, &mut m);
        d.line("ORDRELISTE NOVEMBER 2026").line("");
        for _ in 0..12 {
            let good = fnr(&mut r, false);
            let bad_k2 = (good.as_bytes()[10] - b'0' + 1 + r.below(9) as u8) % 10;
            let bad = format!("{}{}", &good[..10], bad_k2);
            d.line(format!("Ordrenr {bad}  levert  kr 1 249,00"));
        }
        for _ in 0..6 {
            let good = card(&mut r);
            let last = good.as_bytes()[good.len() - 1] - b'0';
            let bad = format!(
                "{}{}",
                &good[..good.len() - 1],
                (last + 1 + r.below(9) as u8) % 10
            );
            d.line(format!("Referanse {bad}"));
        }
        d.line("Ordre 20241031 og 20241101 er fakturert.");
        d.line("Kontonr. i gammelt system: 1234.56.78901 (ugyldig).");
        d.line("Programversjon 4.12.0, bygg 2026-11-01 12:30:45.");
        d.line("Postadresse: Postboks 123, 0150 Oslo. Org.nr. i brevhodet er ikke en person.");
        d.line("Ugyldig IBAN: NO93 8601 1117 948, ugyldig e-post: anna@localhost, logo@2x.png");
        write(root, path, d.text().as_bytes());
    }

    formats::write_formats(root, &mut r, &mut m);
    write_case_notes(root, &mut m);

    // The manifest.
    let mut csv = String::from("path,location,type,value\n");
    m.0.sort();
    for [p, l, t, v] in &m.0 {
        let q = |s: &str| {
            if s.contains(',') || s.contains('"') {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let _ = writeln!(csv, "{},{},{},{}", q(p), q(l), q(t), q(v));
    }
    fs::create_dir_all("tests/data").unwrap();
    fs::write("tests/data/sample-expected.csv", csv).unwrap();
    println!(
        "wrote sample-data/ and tests/data/sample-expected.csv ({} planted values)",
        m.0.len()
    );
}
