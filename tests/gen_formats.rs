//! The part of the sample-data generator that writes binary and container
//! formats: spreadsheets, office documents, PDF, mailbox with attachments,
//! archives, SQLite, Parquet, HTML and XML. Each file is written with the
//! format's own library where one exists in the build (lopdf, zip, tar,
//! flate2, rusqlite, polars) and as minimal hand-written XML parts
//! otherwise; every planted value goes into the manifest with its exact
//! location.

use super::docs::{X, esc, pdf, xlsx, xlsx_sheet, zip_of};
use super::{Manifest, Rng, card, cpr, fnr, person, spaced, write};
use std::io::Write as _;
use std::path::Path;

/// An OpenDocument file of the given kind with `content.xml` body.
fn odf(mime: &str, body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.2"><office:body>{body}</office:body></office:document-content>"#
    );
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#
    );
    zip_of(&[
        ("mimetype", mime.as_bytes().to_vec()),
        ("content.xml", content.into_bytes()),
        ("META-INF/manifest.xml", manifest.into_bytes()),
    ])
}

/// Base64 with line breaks every 76 characters, for MIME attachments.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for (i, c) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            s.push_str("\r\n");
        }
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Writes every format file of the sample tree.
pub fn write_formats(root: &Path, r: &mut Rng, m: &mut Manifest) {
    // Spreadsheet: a Norwegian sheet with text, a fødselsnummer stored as a
    // number and one that lost its leading zero; a Danish sheet with a CPR
    // stored as a number without its zero; an IBAN from a formula.
    {
        let path = "hr/ansatte.xlsx";
        let a = person(r, "NO");
        let b = person(r, "NO");
        let fnr_zero = loop {
            let f = fnr(r, false);
            if f.starts_with('0') {
                break f;
            }
        };
        let cpr_zero = loop {
            let c = cpr(r).replace('-', "");
            if c.starts_with('0') {
                break c;
            }
        };
        let dk = person(r, "DK");
        let ansatte = xlsx_sheet(&[
            vec![
                X::S("Navn"),
                X::S("Fødselsnummer"),
                X::S("E-post"),
                X::S("Lønnskonto"),
            ],
            vec![
                X::S(&a.full_name()),
                X::S(&a.id),
                X::S(&a.email),
                X::F("CONCATENATE(\"NO\",\"...\")", &a.iban),
            ],
            vec![
                X::S(&b.full_name()),
                X::N(b.id.parse().unwrap()),
                X::S(&b.email),
                X::S(""),
            ],
            vec![X::S("Ny ansatt"), X::N(fnr_zero.parse().unwrap())],
        ]);
        let danmark = xlsx_sheet(&[
            vec![X::S("Medarbejder"), X::S("CPR")],
            vec![X::S(&dk.full_name()), X::N(cpr_zero.parse().unwrap())],
        ]);
        write(root, path, &xlsx(&[("Ansatte", ansatte), ("Danmark", danmark)]));
        m.plant(path, "sheet Ansatte!B2".into(), "no_fnr", &a.id);
        m.plant(path, "sheet Ansatte!C2".into(), "email", &a.email);
        m.plant(path, "sheet Ansatte!D2".into(), "iban", &a.iban);
        m.plant(path, "sheet Ansatte!B3".into(), "no_fnr", &b.id);
        m.plant(path, "sheet Ansatte!C3".into(), "email", &b.email);
        m.plant(path, "sheet Ansatte!B4".into(), "no_fnr", &fnr_zero);
        m.plant(path, "sheet Danmark!B2".into(), "dk_cpr", &cpr_zero);
        for (cell, p) in [("Ansatte!A2", &a), ("Ansatte!A3", &b), ("Danmark!A2", &dk)] {
            let name = p.full_name();
            m.plant(path, format!("sheet {cell}"), "person_name", &name);
        }
    }
    // OpenDocument spreadsheet: Swedish and Finnish staff, a number cell.
    {
        let path = "hr/personal.ods";
        let se = person(r, "SE");
        let fi = person(r, "FI");
        let no = person(r, "NO");
        let cell = |t: &str| {
            format!(
                r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                esc(t)
            )
        };
        let body = format!(
            r#"<office:spreadsheet><table:table table:name="Personal"><table:table-row>{}{}{}</table:table-row><table:table-row>{}{}{}</table:table-row><table:table-row>{}{}{}</table:table-row><table:table-row>{}<table:table-cell office:value-type="float" office:value="{}"><text:p>{}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"#,
            cell("Namn"),
            cell("Personnummer"),
            cell("Telefon"),
            cell(&se.full_name()),
            cell(&se.id),
            cell(&se.phone),
            cell(&fi.full_name()),
            cell(&fi.id),
            cell(&fi.phone),
            cell(&no.full_name()),
            no.id,
            no.id,
        );
        write(
            root,
            path,
            &odf("application/vnd.oasis.opendocument.spreadsheet", &body),
        );
        m.plant(path, "sheet Personal!B2".into(), "se_pnr", &se.id);
        m.plant(path, "sheet Personal!C2".into(), "phone", &se.phone);
        m.plant(path, "sheet Personal!B3".into(), "fi_hetu", &fi.id);
        m.plant(path, "sheet Personal!C3".into(), "phone", &fi.phone);
        m.plant(path, "sheet Personal!B4".into(), "no_fnr", &no.id);
        for (cell, p) in [("A2", &se), ("A3", &fi), ("A4", &no)] {
            let name = p.full_name();
            m.plant(path, format!("sheet Personal!{cell}"), "person_name", &name);
        }
    }
    // Word document: body paragraphs, a table, a header and a comment.
    {
        let path = "hr/arbeidsavtale.docx";
        let p = person(r, "NO");
        let boss = person(r, "NO");
        let para = |t: &str| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                esc(t)
            )
        };
        // The fødselsnummer is split over two runs, as Word often stores it.
        let split = format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">Fødselsnummer: {}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r></w:p>",
            &p.id[..6],
            &p.id[6..]
        );
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}{}{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>{}</w:body></w:document>"#,
            para("ARBEIDSAVTALE"),
            para(&format!("Arbeidstaker: {} {}", p.first, p.last)),
            split,
            para("E-post"),
            para(&p.email),
            para("Stilling: rådgiver."),
        );
        let header = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{}</w:hdr>"#,
            para(&format!("Personalavdelingen, telefon {}", boss.phone))
        );
        let comments = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="HR">{}</w:comment></w:comments>"#,
            para(&format!("Sjekk med {} før signering.", boss.email))
        );
        let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
        write(
            root,
            path,
            &zip_of(&[
                ("[Content_Types].xml", types.as_bytes().to_vec()),
                ("word/document.xml", body.into_bytes()),
                ("word/header1.xml", header.into_bytes()),
                ("word/comments.xml", comments.into_bytes()),
            ]),
        );
        m.plant(path, "paragraph 3".into(), "no_fnr", &p.id);
        m.plant(path, "paragraph 2".into(), "person_name", &p.full_name());
        m.plant(path, "paragraph 5".into(), "email", &p.email);
        m.plant(path, "header 1 paragraph 1".into(), "phone", &boss.phone);
        m.plant(path, "comments paragraph 1".into(), "email", &boss.email);
    }
    // PowerPoint: two slides in presentation order (file names reversed)
    // and speaker notes.
    {
        let path = "salg/kundemote.pptx";
        let a = person(r, "SE");
        let b = person(r, "DK");
        let slide = |texts: &[String]| {
            let ps: String = texts
                .iter()
                .map(|t| format!("<a:p><a:r><a:t>{}</a:t></a:r></a:p>", esc(t)))
                .collect();
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>{ps}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
            )
            .into_bytes()
        };
        let pres = r#"<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId1"/></p:sldIdLst></p:presentation>"#;
        let pres_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/></Relationships>"#;
        let slide1_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>"#;
        write(
            root,
            path,
            &zip_of(&[
                ("ppt/presentation.xml", pres.as_bytes().to_vec()),
                ("ppt/_rels/presentation.xml.rels", pres_rels.as_bytes().to_vec()),
                (
                    "ppt/slides/slide2.xml",
                    slide(&["Kundemøte".into(), format!("Kontakt: {}", a.email)]),
                ),
                ("ppt/slides/slide1.xml", slide(&["Oppfølging".into()])),
                (
                    "ppt/slides/_rels/slide1.xml.rels",
                    slide1_rels.as_bytes().to_vec(),
                ),
                (
                    "ppt/notesSlides/notesSlide1.xml",
                    slide(&[format!("Ring {} på {}", b.first, b.phone)]),
                ),
            ]),
        );
        m.plant(path, "slide 1".into(), "email", &a.email);
        m.plant(path, "slide 2 notes".into(), "phone", &b.phone);
    }
    // OpenDocument text and presentation.
    {
        let path = "hr/motereferat.odt";
        let p = person(r, "FI");
        let body = format!(
            "<office:text><text:h>Kokousmuistio</text:h><text:p>Läsnä: {} {}</text:p><text:p>Henkilötunnus <text:span>{}</text:span>, puhelin {}</text:p></office:text>",
            p.first, p.last, p.id, p.phone
        );
        write(root, path, &odf("application/vnd.oasis.opendocument.text", &body));
        m.plant(path, "paragraph 3".into(), "fi_hetu", &p.id);
        m.plant(path, "paragraph 2".into(), "person_name", &p.full_name());
        m.plant(path, "paragraph 3".into(), "phone", &p.phone);
        let path = "salg/lansering.odp";
        let q = person(r, "NO");
        let body = format!(
            "<office:presentation><draw:page><draw:frame><draw:text-box><text:p>Lansering</text:p></draw:text-box></draw:frame></draw:page><draw:page><draw:frame><draw:text-box><text:p>Pilotkunde: {}</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>Kontonummer {}</text:p></draw:text-box></draw:frame></presentation:notes></draw:page></office:presentation>",
            q.email,
            spaced(&q.iban)
        );
        write(
            root,
            path,
            &odf("application/vnd.oasis.opendocument.presentation", &body),
        );
        m.plant(path, "slide 2".into(), "email", &q.email);
        m.plant(path, "slide 2 notes".into(), "iban", &spaced(&q.iban));
    }
    // PDF: a two-page pay slip (values on page 2), and a scanned page
    // with no text layer, which must be listed as not checked.
    let slip = {
        let path = "hr/lonnsslipp-2024-10.pdf";
        let p = person(r, "NO");
        let bytes = pdf(&[
            vec!["LONNSSLIPP OKTOBER 2024".into(), "Nordlys Kundeservice AS".into()],
            vec![
                format!("Ansatt: {} {}", p.first, p.last),
                format!("Fødselsnummer: {}", p.id),
                format!("Utbetalt til konto {}", spaced(&p.iban)),
            ],
        ]);
        write(root, path, &bytes);
        m.plant(path, "page 2".into(), "no_fnr", &p.id);
        m.plant(path, "page 2".into(), "iban", &spaced(&p.iban));
        m.plant(path, "page 2".into(), "person_name", &p.full_name());
        write(root, "misc/skannet-kontrakt.pdf", &pdf(&[vec![]]));
        bytes
    };
    // Mailbox: three messages; the second carries a CSV and a PDF.
    {
        let path = "support/innboks.mbox";
        let mut mbox = String::new();
        let a = person(r, "NO");
        mbox += &format!(
            "From kunde@example.no Mon Nov  4 09:12:00 2024\nFrom: {} {} <{}>\nTo: kundeservice@example.no\nSubject: Adresseendring\nDate: Mon, 4 Nov 2024 09:12:00 +0100\n\nHei, mitt telefonnummer er nå {}.\n\n",
            a.first, a.last, a.email, a.phone
        );
        m.plant(path, "message 1, header From".into(), "email", &a.email);
        m.plant(
            path,
            "message 1, header From".into(),
            "person_name",
            &a.full_name(),
        );
        for n in 1..=3 {
            m.plant(
                path,
                format!("message {n}, header To"),
                "email",
                "kundeservice@example.no",
            );
        }
        m.plant(path, "message 2, header From".into(), "email", "hr@example.dk");
        m.plant(path, "message 1, body part 1 line 1".into(), "phone", &a.phone);
        let b = person(r, "DK");
        let csv = format!("navn;epost;cpr\n{} {};{};{}\n", b.first, b.last, b.email, b.id);
        mbox += &format!(
            "From hr@example.dk Tue Nov  5 10:00:00 2024\nFrom: HR <hr@example.dk>\nTo: kundeservice@example.no\nSubject: Liste\nDate: Tue, 5 Nov 2024 10:00:00 +0100\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XYZ\"\n\n--XYZ\nContent-Type: text/plain; charset=utf-8\n\nSe vedlagt.\n\n--XYZ\nContent-Type: text/csv; name=\"kunder.csv\"\nContent-Disposition: attachment; filename=\"kunder.csv\"\nContent-Transfer-Encoding: base64\n\n{}\n--XYZ\nContent-Type: application/pdf; name=\"lonnsslipp.pdf\"\nContent-Disposition: attachment; filename=\"lonnsslipp.pdf\"\nContent-Transfer-Encoding: base64\n\n{}\n--XYZ--\n\n",
            base64(csv.as_bytes()),
            base64(&slip),
        );
        let csv_path = format!("{path}!message 2!kunder.csv");
        m.plant(&csv_path, "row 1, column epost".into(), "email", &b.email);
        m.plant(&csv_path, "row 1, column cpr".into(), "dk_cpr", &b.id);
        m.plant(
            &csv_path,
            "row 1, column navn".into(),
            "person_name",
            &b.full_name(),
        );
        // The attached pay slip is the same PDF as above.
        let pdf_path = format!("{path}!message 2!lonnsslipp.pdf");
        let slip_rows: Vec<[String; 4]> =
            m.0.iter()
                .filter(|row| row[0] == "hr/lonnsslipp-2024-10.pdf")
                .cloned()
                .collect();
        for row in slip_rows {
            m.plant(&pdf_path, row[1].clone(), &row[2], &row[3]);
        }
        let c = person(r, "SE");
        mbox += &format!(
            "From {} Wed Nov  6 11:00:00 2024\nFrom: {}\nTo: kundeservice@example.no\nSubject: Fråga\n\nMitt personnummer är {}.\n",
            c.email, c.email, c.id
        );
        m.plant(path, "message 3, header From".into(), "email", &c.email);
        m.plant(path, "message 3, body part 1 line 1".into(), "se_pnr", &c.id);
        write(root, path, mbox.as_bytes());
    }
    // Archives: a zip with a CSV and a zip inside it, and a tar.gz of logs.
    {
        let path = "exports/arkiv-2023.zip";
        let a = person(r, "NO");
        let b = person(r, "FI");
        let csv = format!(
            "navn,epost,telefon\n{} {},{},{}\n",
            a.first, a.last, a.email, a.phone
        );
        let inner = zip_of(&[("notat.txt", format!("Henkilötunnus {}\n", b.id).into_bytes())]);
        write(
            root,
            path,
            &zip_of(&[("2023/kunder.csv", csv.into_bytes()), ("2023/gammelt.zip", inner)]),
        );
        m.plant(
            &format!("{path}!2023/kunder.csv"),
            "row 1, column navn".into(),
            "person_name",
            &a.full_name(),
        );
        m.plant(
            &format!("{path}!2023/kunder.csv"),
            "row 1, column epost".into(),
            "email",
            &a.email,
        );
        m.plant(
            &format!("{path}!2023/kunder.csv"),
            "row 1, column telefon".into(),
            "phone",
            &a.phone,
        );
        m.plant(
            &format!("{path}!2023/gammelt.zip!notat.txt"),
            "line 1".into(),
            "fi_hetu",
            &b.id,
        );

        let path = "exports/logger-2024.tar.gz";
        let ip = format!("10.{}.{}.{}", r.below(250), r.below(250), 1 + r.below(250));
        let log = format!("2024-03-01T10:00:00Z login ok user={} ip={ip}\n", a.email);
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(log.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_709_287_200);
        header.set_cksum();
        tar.append_data(&mut header, "var/log/app.log", log.as_bytes())
            .unwrap();
        let tar = tar.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        write(root, path, &gz.finish().unwrap());
        m.plant(
            &format!("{path}!var/log/app.log"),
            "line 1".into(),
            "email",
            &a.email,
        );
        m.plant(&format!("{path}!var/log/app.log"), "line 1".into(), "ipv4", &ip);
    }
    // SQLite: a customer table with a fødselsnummer stored as an integer.
    {
        let path = "db/crm.sqlite";
        let file = root.join(path);
        let _ = std::fs::remove_file(&file);
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch("PRAGMA journal_mode=DELETE; CREATE TABLE kunder (id INTEGER PRIMARY KEY, navn TEXT, epost TEXT, fnr INTEGER, kort TEXT);")
            .unwrap();
        for row in 1..=3 {
            let p = person(r, "NO");
            let c = card(r);
            conn.execute(
                "INSERT INTO kunder (id, navn, epost, fnr, kort) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![row, p.full_name(), p.email, p.id.parse::<i64>().unwrap(), c],
            )
            .unwrap();
            m.plant(path, format!("table kunder.epost row {row}"), "email", &p.email);
            m.plant(path, format!("table kunder.fnr row {row}"), "no_fnr", &p.id);
            m.plant(path, format!("table kunder.kort row {row}"), "payment_card", &c);
            m.plant(
                path,
                format!("table kunder.navn row {row}"),
                "person_name",
                &p.full_name(),
            );
        }
    }
    // Parquet: a customer export with strings and an integer column.
    {
        use polars::prelude::*;
        let path = "exports/kunder.parquet";
        let people: Vec<_> = (0..3).map(|_| person(r, "SE")).collect();
        let mut df = df!(
            "namn" => people.iter().map(|p| p.full_name()).collect::<Vec<_>>(),
            "epost" => people.iter().map(|p| p.email.clone()).collect::<Vec<_>>(),
            "personnummer" => people.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
            "kundnummer" => [100_234i64, 100_235, 100_236],
        )
        .unwrap();
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        ParquetWriter::new(std::fs::File::create(file).unwrap())
            .finish(&mut df)
            .unwrap();
        for (i, p) in people.iter().enumerate() {
            m.plant(
                path,
                format!("table kunder.namn row {}", i + 1),
                "person_name",
                &p.full_name(),
            );
            m.plant(
                path,
                format!("table kunder.epost row {}", i + 1),
                "email",
                &p.email,
            );
            m.plant(
                path,
                format!("table kunder.personnummer row {}", i + 1),
                "se_pnr",
                &p.id,
            );
        }
    }
    // HTML and XML.
    {
        let path = "web/kontakt.html";
        let a = person(r, "NO");
        let b = person(r, "DK");
        let at = a.email.replace('@', "&#64;");
        let html = format!(
            "<!DOCTYPE html>\n<html><head><title>Kontakt</title><style>p {{ color: red }}</style></head>\n<body>\n<p>Skriv til {at}</p>\n<form><input name=\"tlf\" value=\"{}\"></form>\n<a href=\"mailto:{}\">send e-post</a>\n</body></html>\n",
            b.phone, b.email
        );
        write(root, path, html.as_bytes());
        m.plant(path, "line 4".into(), "email", &a.email);
        m.plant(path, "line 5".into(), "phone", &b.phone);
        m.plant(path, "line 6".into(), "email", &b.email);
        let path = "exports/medlemmer.xml";
        let c = person(r, "FI");
        let d = person(r, "NO");
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<medlemmer>\n  <medlem hetu=\"{}\">\n    <epost>{}</epost>\n  </medlem>\n  <medlem>\n    <fnr>{}</fnr>\n  </medlem>\n</medlemmer>\n",
            c.id,
            esc(&c.email),
            d.id
        );
        write(root, path, xml.as_bytes());
        m.plant(path, "line 3".into(), "fi_hetu", &c.id);
        m.plant(path, "line 4".into(), "email", &c.email);
        m.plant(path, "line 7".into(), "no_fnr", &d.id);
    }
    // A macro-enabled workbook (xlsm): the same package under its own name.
    {
        let path = "hr/lonn-makro.xlsm";
        let p = person(r, "NO");
        let sheet = xlsx_sheet(&[
            vec![X::S("Ansatt"), X::S("Kontonummer")],
            vec![X::S(&p.full_name()), X::S(&p.iban)],
        ]);
        write(root, path, &xlsx(&[("Lønn", sheet)]));
        m.plant(path, "sheet Lønn!B2".into(), "iban", &p.iban);
        m.plant(path, "sheet Lønn!A2".into(), "person_name", &p.full_name());
    }
    // Binary workbooks: an xlsb with shared strings and a personnummer
    // stored as a number, and a legacy xls (BIFF8) with a fødselsnummer
    // stored as a number and text cells.
    {
        use super::binary_sheets::{Cell, xls, xlsb};
        let path = "hr/timeliste.xlsb";
        let a = person(r, "SE");
        let b = person(r, "NO");
        let pnr_digits: f64 = a.id.replace('-', "").parse().unwrap();
        let (a_name, b_name) = (a.full_name(), b.full_name());
        let rows = vec![
            vec![
                Cell::Text("Namn"),
                Cell::Text("Personnummer"),
                Cell::Text("E-post"),
            ],
            vec![
                Cell::Text(&a_name),
                Cell::Number(pnr_digits),
                Cell::Text(&a.email),
            ],
            vec![Cell::Text(&b_name), Cell::Text(&b.id), Cell::Text(&b.phone)],
        ];
        write(root, path, &xlsb(&[("Timer", rows)]));
        m.plant(path, "sheet Timer!B2".into(), "se_pnr", &a.id.replace('-', ""));
        m.plant(path, "sheet Timer!C2".into(), "email", &a.email);
        m.plant(path, "sheet Timer!B3".into(), "no_fnr", &b.id);
        m.plant(path, "sheet Timer!C3".into(), "phone", &b.phone);
        m.plant(path, "sheet Timer!A2".into(), "person_name", &a_name);
        m.plant(path, "sheet Timer!A3".into(), "person_name", &b_name);
        let path = "hr/lonn-1998.xls";
        let c = person(r, "NO");
        let d = person(r, "DK");
        let (c_name, d_name) = (c.full_name(), d.full_name());
        let rows = vec![
            vec![Cell::Text("Navn"), Cell::Text("Personnr"), Cell::Text("Konto")],
            vec![
                Cell::Text(&c_name),
                Cell::Number(c.id.parse().unwrap()),
                Cell::Text(&c.iban),
            ],
        ];
        let dk = vec![
            vec![Cell::Text("Navn"), Cell::Text("CPR-nummer")],
            vec![Cell::Text(&d_name), Cell::Text(&d.id)],
        ];
        write(root, path, &xls(&[("Lønn", rows), ("Danmark", dk)]));
        m.plant(path, "sheet Lønn!B2".into(), "no_fnr", &c.id);
        m.plant(path, "sheet Lønn!C2".into(), "iban", &c.iban);
        m.plant(path, "sheet Danmark!B2".into(), "dk_cpr", &d.id);
        m.plant(path, "sheet Lønn!A2".into(), "person_name", &c_name);
        m.plant(path, "sheet Danmark!A2".into(), "person_name", &d_name);
    }
    // Suppliers: organisation and VAT numbers of the four registers
    // (reported as org_number, not personal data), a contact person, and
    // an order number that is also a valid CVR (must not be found).
    {
        let path = "salg/leverandorer.txt";
        let p = person(r, "NO");
        let text = format!(
            "Leverandørliste\n\
             Nordvik Trykk AS, org.nr. 988 077 917, kontakt {} <{}>\n\
             Fakturaadresse: NO 995 525 828 MVA\n\
             Dansk Emballage ApS, CVR-nr. 13585628\n\
             Svensk Logistik AB, organisationsnummer 556036-0793\n\
             Suomen Kuljetus Oy, Y-tunnus 0737546-2, ALV FI20774740\n\
             Ordre 24256790 er levert.\n",
            format_args!("{} {}", p.first, p.last),
            p.email
        );
        write(root, path, text.as_bytes());
        m.plant(path, "line 2".into(), "org_number", "988 077 917");
        m.plant(path, "line 2".into(), "email", &p.email);
        m.plant(path, "line 2".into(), "person_name", &p.full_name());
        m.plant(path, "line 3".into(), "org_number", "NO 995 525 828 MVA");
        m.plant(path, "line 4".into(), "org_number", "13585628");
        m.plant(path, "line 5".into(), "org_number", "556036-0793");
        m.plant(path, "line 6".into(), "org_number", "0737546-2");
        m.plant(path, "line 6".into(), "org_number", "FI20774740");
    }
}
