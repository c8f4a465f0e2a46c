//! Detection quality, measured: a labelled evaluation corpus generated at
//! test time (fixed seed, separate from `sample-data/`), scanned by the
//! real binary, and precision and recall computed per type.
//!
//! The corpus holds every type in the five languages (bokmål and nynorsk,
//! Danish, Swedish, Finnish, English) and in text, CSV, NDJSON, SQL, HTML,
//! e-mail and Word files, each identifier in its written forms, together
//! with decoys: numbers that fail their checksums, order and invoice
//! numbers, dates, versions, company names, street-like words without a
//! house number, and special-category words that say nothing about anyone.
//! Names and streets are partly outside datakart's lexicons, so recall is
//! not measured on the lexicon alone.
//!
//! A finding counts as correct when its file, location, type and value are
//! all those of a label. The test prints the table the README publishes:
//!
//! ```text
//! cargo test --test integration evaluation -- --nocapture
//! ```

use crate::util::{Tree, read_csv, scan};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[path = "../gen_ids.rs"]
#[allow(dead_code)]
pub mod ids;
use ids::*;

/// One expected finding: (path, location, type, value).
type Label = (String, String, String, String);

/// The corpus: files and their labels.
#[derive(Default)]
struct Corpus {
    files: Vec<(String, Vec<u8>)>,
    labels: Vec<Label>,
}

impl Corpus {
    fn label(&mut self, path: &str, location: impl Into<String>, ty: &str, value: &str) {
        self.labels
            .push((path.into(), location.into(), ty.into(), value.into()));
    }
}

/// A text file built line by line; `locate` turns a 1-based line number
/// into the location the scanner reports for it.
struct Lines {
    path: String,
    lines: Vec<String>,
    labels: Vec<(usize, String, String)>,
}

impl Lines {
    fn new(path: impl Into<String>) -> Lines {
        Lines {
            path: path.into(),
            lines: Vec::new(),
            labels: Vec::new(),
        }
    }
    fn line(&mut self, text: impl Into<String>, values: &[(&str, &str)]) -> &mut Self {
        self.lines.push(text.into());
        for (ty, v) in values {
            self.labels
                .push((self.lines.len(), ty.to_string(), v.to_string()));
        }
        self
    }
    fn finish(self, c: &mut Corpus, locate: impl Fn(usize) -> String) {
        for (n, ty, v) in &self.labels {
            c.label(&self.path, locate(*n), ty, v);
        }
        let mut text = self.lines.join("\n");
        text.push('\n');
        c.files.push((self.path, text.into_bytes()));
    }
}

/// A synthetic person of one country.
struct Person {
    name: String,
    email: String,
    phone: String,
    id: (&'static str, String),
    iban: String,
    address: String,
}

/// Given names and surnames per country: mostly common ones, plus rarer
/// ones outside datakart's lexicon.
fn names(country: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match country {
        "NO" => (
            &[
                "Ola",
                "Kari",
                "Ingrid",
                "Jonas",
                "Sigrid",
                "Magnus",
                "Astrid",
                "Eirik",
                "Gunnbjørg",
                "Torgeir",
                "Idun",
                "Brynjar",
            ],
            &[
                "Hansen",
                "Johansen",
                "Berg",
                "Haugen",
                "Solberg",
                "Bakken",
                "Strand",
                "Lie",
                "Flatebø",
                "Vassbotn",
                "Kvamme",
                "Rønneberg",
            ],
        ),
        "DK" => (
            &[
                "Søren", "Mette", "Jens", "Anne", "Mads", "Freja", "Asger", "Bodil", "Karen", "Niels",
            ],
            &[
                "Jensen",
                "Nielsen",
                "Pedersen",
                "Møller",
                "Kjær",
                "Bjerregaard",
                "Skovgaard",
                "Holm",
                "Lykke",
                "Dam",
            ],
        ),
        "SE" => (
            &[
                "Erik", "Anna", "Lars", "Maria", "Karin", "Johan", "Gösta", "Ylva", "Sixten", "Elin",
            ],
            &[
                "Andersson",
                "Lindqvist",
                "Berg",
                "Nyström",
                "Åkesson",
                "Lindholm",
                "Wallin",
                "Ek",
                "Dahlberg",
                "Sjögren",
            ],
        ),
        "FI" => (
            &[
                "Matti", "Aino", "Juha", "Liisa", "Mikko", "Helmi", "Tuure", "Vilja", "Ilmari", "Sanna",
            ],
            &[
                "Virtanen",
                "Korhonen",
                "Mäkelä",
                "Nieminen",
                "Hyvärinen",
                "Kallio",
                "Tikkanen",
                "Rinne",
                "Paasivirta",
                "Lehto",
            ],
        ),
        _ => (
            &[
                "James", "Emily", "Oliver", "Sarah", "George", "Hannah", "Rupert", "Imogen", "Declan",
                "Chloe",
            ],
            &[
                "Smith",
                "Taylor",
                "Wilson",
                "Evans",
                "Walker",
                "Hughes",
                "Pemberton",
                "Ashworth",
                "Whitfield",
                "Clarke",
            ],
        ),
    }
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .replace('ø', "o")
        .replace('æ', "ae")
        .replace(['å', 'ä'], "a")
        .replace('ö', "o")
}

fn person(r: &mut Rng, country: &str, n: u64) -> Person {
    let (firsts, lasts) = names(country);
    let (first, last) = (r.pick(firsts), r.pick(lasts));
    let domain = match country {
        "NO" => "example.no",
        "DK" => "example.dk",
        "SE" => "example.se",
        "FI" => "example.fi",
        _ => "example.co.uk",
    };
    let email = format!("{}.{}{n}@{domain}", ascii(first), ascii(last));
    let phone = match (country, r.below(2)) {
        ("NO", 0) => format!("+47 9{} {} {}", r.digits(2), r.digits(2), r.digits(3)),
        ("NO", _) => format!("4{} {} {}", r.digits(2), r.digits(2), r.digits(3)),
        ("DK", 0) => format!(
            "+45 2{} {} {} {}",
            r.digits(1),
            r.digits(2),
            r.digits(2),
            r.digits(2)
        ),
        ("DK", _) => format!("3{} {} {} {}", r.digits(1), r.digits(2), r.digits(2), r.digits(2)),
        ("SE", 0) => format!("070-{} {} {}", r.digits(3), r.digits(2), r.digits(2)),
        ("SE", _) => format!("+46 70 {} {} {}", r.digits(3), r.digits(2), r.digits(2)),
        ("FI", 0) => format!("+358 40 {} {}", r.digits(3), r.digits(4)),
        ("FI", _) => format!("040 {} {}", r.digits(3), r.digits(4)),
        _ => format!("+44 20 7946 0{}", r.digits(3)),
    };
    let id = match (country, r.below(4)) {
        ("NO", 0) => ("no_dnr", fnr(r, true)),
        ("NO", 1) => {
            let f = fnr(r, false);
            ("no_fnr", format!("{} {}", &f[..6], &f[6..]))
        }
        ("NO", _) => ("no_fnr", fnr(r, false)),
        ("DK", _) => ("dk_cpr", cpr(r)),
        ("SE", 0) => ("se_pnr", samordningsnummer(r)),
        ("SE", 1) => ("se_pnr", pnr12(r)),
        ("SE", _) => ("se_pnr", pnr(r)),
        ("FI", 0) => ("fi_hetu", hetu_2023(r)),
        ("FI", _) => ("fi_hetu", hetu(r)),
        _ => ("email", String::new()),
    };
    let iban_cc = match country {
        "NO" | "DK" | "SE" | "FI" => country,
        _ => "NO",
    };
    let number = 1 + r.below(120);
    let letter = if r.below(4) == 0 { "B" } else { "" };
    let address = match country {
        "NO" => format!(
            "{} {number}{letter}, 0{}{} Oslo",
            r.pick(&[
                "Storgata",
                "Kirkeveien",
                "Thereses gate",
                "Bygdøy allé",
                "Sognsveien",
                "Øvre Slottsgate"
            ]),
            1 + r.below(9),
            r.digits(2)
        ),
        "DK" => format!(
            "{} {number}, {}{} {}",
            r.pick(&[
                "Vesterbrogade",
                "Nørregade",
                "Frederiksberg Allé",
                "Strandvejen",
                "Jagtvej"
            ]),
            1 + r.below(9),
            r.digits(3),
            r.pick(&["København V", "Aarhus C", "Odense"])
        ),
        "SE" => format!(
            "{} {number}, 1{} {} {}",
            r.pick(&[
                "Drottninggatan",
                "Kungsgatan",
                "Sveavägen",
                "Götgatan",
                "Storgatan"
            ]),
            r.digits(2),
            r.digits(2),
            r.pick(&["Stockholm", "Uppsala", "Göteborg"])
        ),
        "FI" => format!(
            "{} {number}, 00{}0 {}",
            r.pick(&[
                "Mannerheimintie",
                "Hämeentie",
                "Aleksanterinkatu",
                "Runeberginkatu",
                "Itäväylä"
            ]),
            r.digits(2),
            r.pick(&["Helsinki", "Espoo", "Vantaa"])
        ),
        _ => format!(
            "{number} {} Street",
            r.pick(&["Baker", "Church", "Victoria", "Station", "Mill"])
        ),
    };
    Person {
        name: format!("{first} {last}"),
        email,
        phone,
        id,
        iban: spaced(&iban(r, iban_cc)),
        address,
    }
}

/// Special-category sentences per language: (text, subtype, term).
const SPECIAL: &[(&str, &str, &str)] = &[
    (
        "Hun er sykmeldt etter at fastlegen påviste depresjon.",
        "health",
        "depresjon",
    ),
    ("Han er medlem av Fagforbundet.", "trade_union", "Fagforbundet"),
    ("Ho er diagnostisert med diabetes.", "health", "diabetes"),
    (
        "Han ble dømt for underslag i tingretten.",
        "criminal_offence",
        "underslag",
    ),
    ("Han er sygemeldt med kræft ifølge lægen.", "health", "kræft"),
    (
        "Hun er medlem af Enhedslisten.",
        "political_opinion",
        "Enhedslisten",
    ),
    (
        "Hon är sjukskriven för utbrändhet enligt läkaren.",
        "health",
        "utbrändhet",
    ),
    (
        "Han är medlem i Sverigedemokraterna.",
        "political_opinion",
        "Sverigedemokraterna",
    ),
    (
        "Hän on sairauslomalla, lääkärin mukaan masennus.",
        "health",
        "masennus",
    ),
    (
        "Hän on ammattiliitto Tehyn jäsen.",
        "trade_union",
        "ammattiliitto",
    ),
    (
        "She was convicted of fraud by the court.",
        "criminal_offence",
        "fraud",
    ),
    ("He was diagnosed with epilepsy last year.", "health", "epilepsy"),
    (
        "Ifølge søknaden er hun muslim og ber om fri til bønn.",
        "religion_belief",
        "muslim",
    ),
    ("Han oppgir samisk etnisk bakgrunn.", "ethnic_origin", "samisk"),
    (
        "Fingeravtrykk er lagret for adgangskontroll.",
        "biometric",
        "Fingeravtrykk",
    ),
    ("BRCA1-mutasjon påvist i genetisk test.", "genetic", "BRCA1"),
    (
        "Han lever med partneren sin og er homofil.",
        "sexual_orientation",
        "homofil",
    ),
];

/// Lines that look like data but hold none: nothing here may be found.
fn decoys(r: &mut Rng) -> Vec<String> {
    let bad_fnr = {
        let f = fnr(r, false);
        let last = (f.as_bytes()[10] - b'0' + 1) % 10;
        format!("{}{last}", &f[..10])
    };
    let bad_card = {
        let c = card(r).replace(' ', "");
        let last = (c.as_bytes()[15] - b'0' + 3) % 10;
        format!("{}{last}", &c[..15])
    };
    vec![
        format!("Ordrenr {bad_fnr} er sendt."),
        format!("Referanse {bad_card}, beløp 1 249,00 kr."),
        "Programversjon 4.12.0, bygg 2026-11-01 12:30:45.".into(),
        "Kari Hansen AS og Nordea Bank er nye samarbeidspartnere.".into(),
        "Per måned koster abonnementet 199 kroner.".into(),
        "Dear Customer Service, thank you for the quick reply.".into(),
        "Gate 5 er stengt; se kapittel 12 i håndboken.".into(),
        "Fagforeningen inviterer alle ansatte til julebord.".into(),
        "Ny forskning på kreft og diabetes presenteres i Bergen.".into(),
        "Kontoret holder kurs om helse, miljø og sikkerhet.".into(),
        "Kirkegata er stengt for trafikk i helgen.".into(),
        "Windows 10 og Office 2019 må oppgraderes innen 2026.".into(),
        "Faktura 20241101 forfaller 15.12.2024.".into(),
        "Ugyldig IBAN: NO93 8601 1117 948, ugyldig e-post: anna@localhost.".into(),
        "Maria Kirke har konsert kl. 19.00.".into(),
        "Sverige vant 3-1 over Danmark i går.".into(),
    ]
}

/// Letters in prose, one per person, in the person's language.
fn letters(r: &mut Rng, c: &mut Corpus) {
    for n in 0..150u64 {
        let country = ["NO", "DK", "SE", "FI", "EN"][(n % 5) as usize];
        let p = person(r, country, n);
        let path = format!("{}/brev-{n:03}.txt", country.to_lowercase());
        let mut d = Lines::new(path);
        let (hello, id_kw, tel_kw, mail_kw, addr_kw, iban_kw, bye) = match country {
            "NO" => (
                "Hei",
                "Fødselsnummer:",
                "Telefon",
                "e-post",
                "Adresse:",
                "Kontonummer (IBAN)",
                "Med vennlig hilsen",
            ),
            "DK" => (
                "Kære",
                "CPR-nr.:",
                "Telefon",
                "e-mail",
                "Adresse:",
                "Konto (IBAN)",
                "Med venlig hilsen",
            ),
            "SE" => (
                "Hej",
                "Personnummer:",
                "Mobil",
                "e-post",
                "Adress:",
                "Konto (IBAN)",
                "Med vänliga hälsningar",
            ),
            "FI" => (
                "Hyvä",
                "Henkilötunnus:",
                "Puhelin",
                "sähköposti",
                "Osoite:",
                "Tilinumero (IBAN)",
                "Ystävällisin terveisin",
            ),
            _ => (
                "Dear",
                "Reference:",
                "Phone",
                "email",
                "Address:",
                "Account (IBAN)",
                "Kind regards",
            ),
        };
        d.line(format!("{hello} {},", p.name), &[("person_name", &p.name)]);
        d.line("", &[]);
        if country != "EN" {
            d.line(format!("{id_kw} {}", p.id.1), &[(p.id.0, &p.id.1)]);
        }
        d.line(
            format!("{tel_kw} {}, {mail_kw} {}.", p.phone, p.email),
            &[("phone", &p.phone), ("email", &p.email)],
        );
        d.line(
            format!("{addr_kw} {}", p.address),
            &[("postal_address", &p.address)],
        );
        d.line(format!("{iban_kw}: {}", p.iban), &[("iban", &p.iban)]);
        if n % 3 == 0 {
            let (text, subtype, term) = SPECIAL[(n / 3) as usize % SPECIAL.len()];
            let _ = subtype;
            d.line(text, &[("special_category", term)]);
        }
        if n % 4 == 0 {
            let card = match n % 3 {
                0 => card(r),
                1 => mastercard(r),
                _ => amex(r),
            };
            d.line(format!("Kort / card: {card}"), &[("payment_card", &card)]);
        }
        if n % 5 == 1 {
            let other = person(r, country, n + 1000);
            d.line(
                format!("Kopi til {} ({}).", other.name, other.email),
                &[("person_name", &other.name), ("email", &other.email)],
            );
        }
        d.line("", &[]);
        for decoy in decoys(r).iter().skip((n % 7) as usize).step_by(6) {
            d.line(decoy.clone(), &[]);
        }
        d.line("", &[]);
        d.line(bye, &[]);
        let signer = person(r, country, n + 2000);
        d.line(signer.name.clone(), &[("person_name", &signer.name)]);
        d.finish(c, |l| format!("line {l}"));
    }
}

/// Organisation numbers in a supplier list, each with its register's
/// keyword, and VAT forms alone.
fn suppliers(r: &mut Rng, c: &mut Corpus) {
    let mut d = Lines::new("salg/leverandorer.txt");
    for _ in 0..30 {
        let no = orgnr(r);
        let dk = cvr(r);
        let se = se_orgnr(r);
        let fi = ytunnus(r);
        let vat = format!("NO {} {} {} MVA", &no[..3], &no[3..6], &no[6..]);
        d.line(format!("Nordvik Trykk AS, org.nr. {no}"), &[("org_number", &no)]);
        d.line(
            format!("Dansk Emballage ApS, CVR-nr. {dk}"),
            &[("org_number", &dk)],
        );
        d.line(
            format!("Svensk Logistik AB, organisationsnummer {se}"),
            &[("org_number", &se)],
        );
        d.line(
            format!("Suomen Kuljetus Oy, Y-tunnus {fi}"),
            &[("org_number", &fi)],
        );
        d.line(format!("Fakturamottak {vat}"), &[("org_number", &vat)]);
        d.line(format!("Ordre {} er levert.", orgnr(r)), &[]);
    }
    d.finish(c, |l| format!("line {l}"));
}

/// Web-server log lines with public IPv4 and IPv6 clients.
fn access_log(r: &mut Rng, c: &mut Corpus) {
    let mut d = Lines::new("logs/access.log");
    for i in 0..200u64 {
        let ip = if i % 2 == 0 {
            format!(
                "{}.{}.{}.{}",
                r.pick(&["81", "185", "91", "46"]),
                r.below(256),
                r.below(256),
                1 + r.below(254)
            )
        } else {
            format!("2a01:4f8:c0c:{:x}::{:x}", r.below(0xffff), 1 + r.below(0xfff))
        };
        let ty = if i % 2 == 0 { "ipv4" } else { "ipv6" };
        d.line(
            format!(
                "{ip} - - [22/Nov/2026:10:15:{:02} +0100] \"GET /min-side HTTP/1.1\" 200 {}",
                i % 60,
                300 + i
            ),
            &[(ty, &ip)],
        );
        if i % 10 == 0 {
            d.line("version 4.12.0.1 deployed from build 2026.11.01", &[]);
        }
    }
    d.finish(c, |l| format!("line {l}"));
}

/// Structured exports: CSV, NDJSON and an SQL dump.
fn exports(r: &mut Rng, c: &mut Corpus) {
    let path = "crm/kunder.csv";
    let mut csv = String::from("kundenr;navn;epost;telefon;fødselsnummer;adresse;ordrenr\n");
    for row in 1..=200u64 {
        let p = person(r, "NO", row);
        let (id_type, f) = if row % 5 == 0 {
            ("no_dnr", fnr(r, true))
        } else {
            ("no_fnr", fnr(r, false))
        };
        let order = format!("{}", 10_000_000_000u64 + r.below(89_999_999_999));
        let _ = writeln!(
            csv,
            "{};{};{};{};{};{};{order}",
            100_000 + row,
            p.name,
            p.email,
            p.phone,
            f,
            p.address
        );
        c.label(path, format!("row {row}, column navn"), "person_name", &p.name);
        c.label(path, format!("row {row}, column epost"), "email", &p.email);
        c.label(path, format!("row {row}, column telefon"), "phone", &p.phone);
        c.label(path, format!("row {row}, column fødselsnummer"), id_type, &f);
        c.label(
            path,
            format!("row {row}, column adresse"),
            "postal_address",
            &p.address,
        );
    }
    c.files.push((path.into(), csv.into_bytes()));

    let path = "exports/henvendelser.ndjson";
    let mut out = String::new();
    for rec in 1..=100u64 {
        let p = person(r, "SE", rec);
        let _ = writeln!(
            out,
            "{{\"sak\":{},\"kunde\":{{\"namn\":\"{}\",\"epost\":\"{}\",\"personnummer\":\"{}\"}},\"ip\":\"81.2.{}.{}\"}}",
            5000 + rec,
            p.name,
            p.email,
            p.id.1,
            rec % 200,
            1 + rec % 250
        );
        let ip = format!("81.2.{}.{}", rec % 200, 1 + rec % 250);
        c.label(path, format!("record {rec} $.kunde.namn"), "person_name", &p.name);
        c.label(path, format!("record {rec} $.kunde.epost"), "email", &p.email);
        c.label(
            path,
            format!("record {rec} $.kunde.personnummer"),
            p.id.0,
            &p.id.1,
        );
        c.label(path, format!("record {rec} $.ip"), "ipv4", &ip);
    }
    c.files.push((path.into(), out.into_bytes()));

    let path = "db/asiakkaat.sql";
    let mut sql = String::from(
        "CREATE TABLE asiakkaat (id int, etunimi text, sukunimi text, hetu text, iban text, kortti text);\nINSERT INTO asiakkaat VALUES ",
    );
    let mut rows = Vec::new();
    for row in 1..=100u64 {
        let p = person(r, "FI", row);
        let (first, last) = p.name.split_once(' ').unwrap();
        let k = card(r);
        rows.push(format!(
            "({row},'{first}','{last}','{}','{}','{k}')",
            p.id.1, p.iban
        ));
        c.label(
            path,
            format!("table asiakkaat.etunimi row {row}"),
            "person_name",
            first,
        );
        c.label(
            path,
            format!("table asiakkaat.sukunimi row {row}"),
            "person_name",
            last,
        );
        c.label(
            path,
            format!("table asiakkaat.hetu row {row}"),
            "fi_hetu",
            &p.id.1,
        );
        c.label(path, format!("table asiakkaat.iban row {row}"), "iban", &p.iban);
        c.label(
            path,
            format!("table asiakkaat.kortti row {row}"),
            "payment_card",
            &k,
        );
    }
    sql.push_str(&rows.join(",\n"));
    sql.push_str(";\n");
    c.files.push((path.into(), sql.into_bytes()));
}

/// E-mails, HTML pages and a Word document.
fn documents(r: &mut Rng, c: &mut Corpus) {
    for n in 0..30u64 {
        let p = person(r, "DK", n);
        let path = format!("mail/sag-{n:02}.eml");
        let eml = format!(
            "From: {} <{}>\r\nTo: kundeservice@example.dk\r\nSubject: Adresseændring\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKære kundeservice,\r\nmit CPR-nummer er {} og min nye adresse er {}.\r\nRing på {}.\r\n",
            p.name, p.email, p.id.1, p.address, p.phone
        );
        c.label(&path, "header From", "person_name", &p.name);
        c.label(&path, "header From", "email", &p.email);
        c.label(&path, "header To", "email", "kundeservice@example.dk");
        c.label(&path, "body part 1 line 2", "dk_cpr", &p.id.1);
        c.label(&path, "body part 1 line 2", "postal_address", &p.address);
        c.label(&path, "body part 1 line 3", "phone", &p.phone);
        c.files.push((path, eml.into_bytes()));
    }
    for n in 0..20u64 {
        let p = person(r, "EN", n);
        let path = format!("web/team-{n:02}.html");
        let mut d = Lines::new(path);
        d.line("<!DOCTYPE html><html><head><title>Team</title></head><body>", &[]);
        d.line(
            format!("<h2>Contact: {}</h2>", p.name),
            &[("person_name", &p.name)],
        );
        d.line(
            format!(
                "<p>Phone {} &middot; <a href=\"mailto:{}\">{}</a></p>",
                p.phone, p.email, p.email
            ),
            &[("phone", &p.phone), ("email", &p.email), ("email", &p.email)],
        );
        d.line(
            format!("<p>Office: {}</p>", p.address),
            &[("postal_address", &p.address)],
        );
        d.line("<p>Version 2.4.1 &middot; Gate 7</p></body></html>", &[]);
        d.finish(c, |l| format!("line {l}"));
    }
    // A Word document: one paragraph per line.
    let mut paragraphs: Vec<(String, Vec<(&str, String)>)> = Vec::new();
    for n in 0..20u64 {
        let p = person(r, "NO", n);
        paragraphs.push((
            format!("Arbeidstaker: {}", p.name),
            vec![("person_name", p.name.clone())],
        ));
        paragraphs.push((
            format!("Fødselsnummer: {}", p.id.1),
            vec![(p.id.0, p.id.1.clone())],
        ));
        let (text, _, term) = SPECIAL[n as usize % 4];
        paragraphs.push((text.to_string(), vec![("special_category", term.to_string())]));
    }
    let path = "hr/personalmappe.docx";
    let mut body = String::new();
    for (i, (text, values)) in paragraphs.iter().enumerate() {
        let _ = write!(
            body,
            "<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
        );
        for (ty, v) in values {
            c.label(path, format!("paragraph {}", i + 1), ty, v);
        }
    }
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("[Content_Types].xml", types.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ] {
        zip.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    c.files.push((path.into(), zip.finish().unwrap().into_inner()));
}

fn corpus() -> Corpus {
    let mut r = Rng(0xe7a1_5eed);
    let mut c = Corpus::default();
    letters(&mut r, &mut c);
    suppliers(&mut r, &mut c);
    access_log(&mut r, &mut c);
    exports(&mut r, &mut c);
    documents(&mut r, &mut c);
    c
}

/// Required (precision, recall) per type, from the issue: checksum
/// identifiers 0.99, contact and payment identifiers 0.97, names and
/// addresses 0.85 (special categories are held to the same 0.85).
fn threshold(ty: &str) -> f64 {
    match ty {
        "no_fnr" | "no_dnr" | "dk_cpr" | "se_pnr" | "fi_hetu" | "org_number" => 0.99,
        "email" | "phone" | "iban" | "payment_card" | "ipv4" | "ipv6" => 0.97,
        _ => 0.85,
    }
}

#[test]
fn precision_and_recall_per_type_meet_the_targets() {
    let c = corpus();
    let t = Tree::new();
    for (path, bytes) in &c.files {
        t.write(&format!("in/{path}"), bytes);
    }
    let out = t.path().join("out");
    scan(&[&t.path().join("in")], &out, &["--reveal-values"]);
    let root = format!("{}/", t.path().join("in").display());
    let found: Vec<Label> = read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|r| {
            (
                r["path"].strip_prefix(&root).unwrap().to_string(),
                r["location"].clone(),
                r["type"].clone(),
                r["value"].clone(),
            )
        })
        .collect();
    // Duplicates (the same value twice on one line) count once each way.
    let expected: BTreeSet<&Label> = c.labels.iter().collect();
    let found_set: BTreeSet<&Label> = found.iter().collect();
    let mut stats: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new(); // tp, fp, fn
    for f in &found_set {
        let e = stats.entry(f.2.as_str()).or_default();
        if expected.contains(f) { e.0 += 1 } else { e.1 += 1 }
    }
    for l in &expected {
        if !found_set.contains(l) {
            stats.entry(l.2.as_str()).or_default().2 += 1;
        }
    }
    let mut table = String::from(
        "| type | labelled | found | precision | recall | target |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut failures = Vec::new();
    for (ty, (tp, fp, fn_)) in &stats {
        let precision = *tp as f64 / (tp + fp).max(1) as f64;
        let recall = *tp as f64 / (tp + fn_).max(1) as f64;
        let target = threshold(ty);
        let _ = writeln!(
            table,
            "| {ty} | {} | {} | {precision:.3} | {recall:.3} | {target:.2} |",
            tp + fn_,
            tp + fp
        );
        if precision < target || recall < target {
            failures.push(*ty);
        }
    }
    println!("{table}");
    let missed: Vec<_> = expected
        .iter()
        .filter(|l| !found_set.contains(*l))
        .take(40)
        .collect();
    let wrong: Vec<_> = found_set
        .iter()
        .filter(|f| !expected.contains(*f))
        .take(40)
        .collect();
    assert!(
        failures.is_empty(),
        "below target: {failures:?}\n{table}\nmissed (first 40): {missed:#?}\nwrong (first 40): {wrong:#?}"
    );
    // Every type of the foundation issue and this one is measured.
    for ty in [
        "no_fnr",
        "no_dnr",
        "dk_cpr",
        "se_pnr",
        "fi_hetu",
        "iban",
        "payment_card",
        "email",
        "phone",
        "ipv4",
        "ipv6",
        "org_number",
        "person_name",
        "postal_address",
        "special_category",
    ] {
        assert!(
            stats.get(ty).is_some_and(|s| s.0 + s.2 >= 20),
            "{ty} has too few labels"
        );
    }
}
