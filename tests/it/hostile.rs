//! The hostile corpus: damaged office files and PDFs, a zip bomb, path
//! traversal entries, archives nested past the limit, a cyclic PDF, text
//! in UTF-16 without a byte-order mark, empty files. Every file is built
//! here (nothing binary is committed). The scan must finish, give each bad
//! file exactly one scan-errors row with a clear reason, and keep every
//! finding of the good files beside them.

use crate::util::{Tree, read_csv, scan, summary};
use std::collections::HashMap;
use std::io::Write;

/// A zip archive of `entries` (name, bytes), deflated.
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, bytes) in entries {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(bytes.len() > u32::MAX as usize / 2);
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// A hand-written PDF with a page tree that points at itself.
fn cyclic_pdf() -> Vec<u8> {
    let objs: [&[u8]; 3] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// scan-errors rows keyed by path relative to the scan root.
fn error_rows(out: &std::path::Path, root: &std::path::Path) -> HashMap<String, Vec<(String, String)>> {
    let prefix = format!("{}/", root.display());
    let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for r in read_csv(&out.join("scan_errors.csv")) {
        let rel = r["path"].strip_prefix(&prefix).unwrap_or(&r["path"]).to_string();
        map.entry(rel)
            .or_default()
            .push((r["status"].clone(), r["reason"].clone()));
    }
    map
}

#[test]
fn hostile_files_each_get_one_clear_row_and_good_files_keep_their_findings() {
    let t = Tree::new();
    let good_csv = b"navn,epost\nKari,kari@example.no\n".to_vec();
    let good_xlsx = {
        // A valid xlsx is the base of the damaged ones.
        let sheet = br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ola@example.no</t></is></c></row></sheetData></worksheet>"#;
        let book = br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
        let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let root_rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        zip_of(&[
            ("_rels/.rels", root_rels.to_vec()),
            ("xl/workbook.xml", book.to_vec()),
            ("xl/_rels/workbook.xml.rels", rels.to_vec()),
            ("xl/worksheets/sheet1.xml", sheet.to_vec()),
        ])
    };
    let docx = zip_of(&[(
        "word/document.xml",
        br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>per@example.no</w:t></w:r></w:p></w:body></w:document>"#.to_vec(),
    )]);
    t.write("in/good.xlsx", &good_xlsx);
    t.write("in/good.csv", &good_csv);
    t.write("in/truncated.xlsx", &good_xlsx[..good_xlsx.len() / 2]);
    t.write("in/truncated.docx", &docx[..docx.len() - 30]);
    // The binary workbooks of sample-data, cut short: the xls keeps its
    // OLE2 header but loses its Workbook stream, the xlsb its zip directory.
    let xls = std::fs::read("sample-data/hr/lonn-1998.xls").unwrap();
    t.write("in/truncated.xls", &xls[..1536]);
    let xlsb = std::fs::read("sample-data/hr/timeliste.xlsb").unwrap();
    t.write("in/truncated.xlsb", &xlsb[..xlsb.len() / 2]);
    t.write("in/truncated.zip", &zip_of(&[("a.csv", good_csv.clone())])[..40]);
    t.write(
        "in/garbage.pdf",
        b"%PDF-1.7\n\x00\x01garbage that is no PDF\n%%EOF",
    );
    t.write("in/cyclic.pdf", cyclic_pdf());
    // 64 MiB of zeros deflate to about 64 KiB: a ratio far beyond 250:1.
    t.write("in/bomb.zip", zip_of(&[("zeros.bin", vec![0u8; 64 << 20])]));
    t.write(
        "in/traversal.zip",
        zip_of(&[("../../escaped.txt", b"e-post eva@example.no\n".to_vec())]),
    );
    let mut nested = zip_of(&[("deepest.txt", b"fnr 15108695088\n".to_vec())]);
    for level in (1..=7).rev() {
        nested = zip_of(&[(&format!("level{level}.zip"), nested)]);
    }
    t.write("in/nested.zip", &nested);
    let utf16: Vec<u8> = "Kunde: sara@example.se\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    t.write("in/utf16-no-bom.txt", utf16);
    t.write("in/empty.xlsx", b"");
    t.write("in/empty.txt", b"");

    let out = tempfile::tempdir().unwrap();
    scan(&[&t.path().join("in")], out.path(), &["--reveal-values"]);
    let root = t.path().join("in");
    let rows = error_rows(out.path(), &root);
    let one = |path: &str| -> (String, String) {
        let r = rows
            .get(path)
            .unwrap_or_else(|| panic!("no scan_errors row for {path}: {rows:#?}"));
        assert_eq!(r.len(), 1, "{path}: {r:?}");
        r[0].clone()
    };
    let starts = |path: &str, status: &str, reason: &str| {
        let (s, r) = one(path);
        assert_eq!(s, status, "{path}: {r}");
        assert!(r.starts_with(reason), "{path}: {r}");
    };
    starts("truncated.xlsx", "failed", "invalid xlsx workbook");
    starts("truncated.docx", "failed", "invalid docx (zip)");
    starts(
        "truncated.xls",
        "failed",
        "invalid xls workbook: no readable Workbook stream",
    );
    starts("truncated.xlsb", "failed", "invalid xlsb");
    starts("truncated.zip", "failed", "invalid zip archive");
    starts("garbage.pdf", "failed", "invalid PDF");
    starts("cyclic.pdf", "failed", "invalid PDF: no pages found");
    starts("bomb.zip", "partial", "1 inner file(s) not fully checked");
    starts("bomb.zip!zeros.bin", "skipped", "compression ratio");
    // Levels 1 to 5 are opened; level 6 is one too deep, and every
    // container above it is partial because of it.
    let mut chain = "nested.zip".to_string();
    for level in 1..=6 {
        starts(&chain, "partial", "1 inner file(s) not fully checked");
        chain = format!("{chain}!level{level}.zip");
        if level == 6 {
            starts(&chain, "skipped", "nested deeper than max_depth (5)");
        }
    }
    // Empty files hold nothing to check: scanned, whatever their name.
    for quiet in [
        "empty.xlsx",
        "utf16-no-bom.txt",
        "empty.txt",
        "traversal.zip",
        "good.xlsx",
        "good.csv",
    ] {
        assert!(!rows.contains_key(quiet), "{quiet}: {:?}", rows[quiet]);
    }
    // The paths that partially failed have exactly these rows: nothing else.
    assert_eq!(rows.len(), 16, "{rows:#?}");

    let findings: Vec<(String, String, String)> = read_csv(&out.path().join("findings.csv"))
        .into_iter()
        .map(|r| {
            let rel = r["path"]
                .strip_prefix(&format!("{}/", root.display()))
                .unwrap()
                .to_string();
            (rel, r["location"].clone(), r["value"].clone())
        })
        .collect();
    let mut findings = findings;
    findings.sort();
    assert_eq!(
        findings,
        vec![
            (
                "good.csv".into(),
                "row 1, column epost".into(),
                "kari@example.no".into()
            ),
            ("good.csv".into(), "row 1, column navn".into(), "Kari".into()),
            (
                "good.xlsx".into(),
                "sheet Ark1!A1".into(),
                "ola@example.no".into()
            ),
            (
                "traversal.zip!../../escaped.txt".into(),
                "line 1".into(),
                "eva@example.no".into()
            ),
            (
                "utf16-no-bom.txt".into(),
                "line 1".into(),
                "sara@example.se".into()
            ),
        ]
    );
    // The traversal entry was never written anywhere.
    assert!(!t.path().join("escaped.txt").exists());
    assert!(!out.path().join("../escaped.txt").exists());
    let s = summary(out.path());
    assert_eq!(s["files"]["seen"].as_u64(), Some(15));
}

#[test]
fn limits_from_the_profile_apply() {
    let t = Tree::new();
    t.write(
        "in/a.zip",
        zip_of(&[
            ("x.txt", b"ola@example.no\n".to_vec()),
            ("y.txt", b"kari@example.no\n".to_vec()),
        ]),
    );
    let mut big = b"first ola@example.no\n".to_vec();
    big.resize(3 << 20, b' ');
    big.extend_from_slice(b"\nlast kari@example.no\n");
    t.write("in/big.txt", &big);
    t.write(
        "limits.toml",
        "[limits]\nmax_archive_entries = 1\nmax_file_bytes = \"1 MiB\"\n",
    );
    let out = tempfile::tempdir().unwrap();
    let profile = t.path().join("limits.toml");
    scan(
        &[&t.path().join("in")],
        out.path(),
        &["--profile", profile.to_str().unwrap()],
    );
    let rows = error_rows(out.path(), &t.path().join("in"));
    assert_eq!(
        rows["a.zip"],
        vec![(
            "partial".to_string(),
            "2 entries: only the first 1 checked (max_archive_entries)".to_string()
        )]
    );
    assert_eq!(
        rows["big.txt"],
        vec![(
            "partial".to_string(),
            "only the first 1 MiB checked: file is larger than max_file_bytes".to_string()
        )]
    );
    let findings = read_csv(&out.path().join("findings.csv"));
    let paths: Vec<&str> = findings
        .iter()
        .map(|r| r["path"].rsplit('/').next().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths.contains(&"a.zip!x.txt") && paths.contains(&"big.txt"),
        "{paths:?}"
    );
}
