//! Minimal document writers for generated test and benchmark data: text
//! PDFs (lopdf) and xlsx workbooks (hand-written parts in a zip), shared by
//! `gen_sample_data.rs` and the benchmarks.

use std::io::Write as _;

/// A PDF with one page per entry, each page a list of text lines (ASCII
/// and Latin-1 letters, WinAnsi-encoded Helvetica). An empty page has no
/// text at all (a scanned page).
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for lines in pages {
        let mut ops = Vec::new();
        if lines.is_empty() {
            // A filled rectangle: what a scanned page's drawing looks like
            // to a text extractor (no text operators).
            ops.push(Operation::new(
                "re",
                vec![50.into(), 50.into(), 400.into(), 600.into()],
            ));
            ops.push(Operation::new("f", vec![]));
        } else {
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), 11.into()]));
            ops.push(Operation::new("TL", vec![15.into()]));
            ops.push(Operation::new("Td", vec![60.into(), 780.into()]));
            for line in lines {
                let latin1: Vec<u8> = line.chars().map(|c| c as u32 as u8).collect();
                ops.push(Operation::new(
                    "Tj",
                    vec![Object::String(latin1, lopdf::StringFormat::Literal)],
                ));
                ops.push(Operation::new("T*", vec![]));
            }
            ops.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations: ops };
        let stream = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => stream,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A zip archive of the given entries (deflated; `mimetype` stored first
/// when present, as OpenDocument requires).
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, bytes) in entries {
            let method = if *name == "mimetype" {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// One spreadsheet cell for the hand-written xlsx.
pub enum X<'a> {
    S(&'a str),
    N(f64),
    /// A formula with its cached string result.
    F(&'a str, &'a str),
}

/// The XML of one worksheet (at most 26 columns), inline strings.
pub fn xlsx_sheet(rows: &[Vec<X<'_>>]) -> Vec<u8> {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        s += &format!(r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            match cell {
                X::S(t) => s += &format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, esc(t)),
                X::N(n) => s += &format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                X::F(f, v) => s += &format!(r#"<c r="{at}" t="str"><f>{}</f><v>{}</v></c>"#, esc(f), esc(v)),
            }
        }
        s += "</row>";
    }
    s += "</sheetData></worksheet>";
    s.into_bytes()
}

/// An xlsx workbook of the given (name, sheet XML) pairs.
pub fn xlsx(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (name, xml)) in sheets.iter().enumerate() {
        let n = i + 1;
        types += &format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        book += &format!(r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#, esc(name));
        rels += &format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
        entries.push((format!("xl/worksheets/sheet{n}.xml"), xml.clone()));
    }
    types += "</Types>";
    book += "</sheets></workbook>";
    rels += "</Relationships>";
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut all: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", root_rels.as_bytes().to_vec()),
        ("xl/workbook.xml", book.into_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
    ];
    for (n, b) in &entries {
        all.push((n.as_str(), b.clone()));
    }
    zip_of(&all)
}
