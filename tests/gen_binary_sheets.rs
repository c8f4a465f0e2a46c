//! Minimal writers for the two binary spreadsheet formats no crate in the
//! build can write: `.xls` (BIFF8 records in an OLE2 compound file) and
//! `.xlsb` (BIFF12 records in an Open Packaging zip). They write only
//! what a reader needs to find sheets, shared strings, text cells and
//! number cells, after [MS-XLS], [MS-XLSB] and [MS-CFB]; enough to give
//! the scanner real files of both formats to read.

use super::docs::zip_of;

/// One cell value for the binary writers.
pub enum Cell<'a> {
    /// Text (a shared string in xlsb, a LABEL record in xls).
    Text(&'a str),
    /// A number stored as an IEEE double.
    Number(f64),
}

/// UTF-16LE code units of `s`.
fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

// ---------------------------------------------------------------- xlsb --

/// Appends one BIFF12 record: 7-bit varint type and length, then body.
fn record12(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.push((typ & 0x7F) as u8 | 0x80);
        out.push((typ >> 7) as u8);
    }
    let mut len = body.len();
    loop {
        let b = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(body);
}

/// XLWideString: a u32 character count and UTF-16LE text.
fn wide(s: &str) -> Vec<u8> {
    let mut v = (s.encode_utf16().count() as u32).to_le_bytes().to_vec();
    v.extend(utf16(s));
    v
}

/// An `.xlsb` workbook with the given sheets (name, rows of cells).
pub fn xlsb(sheets: &[(&str, Vec<Vec<Cell<'_>>>)]) -> Vec<u8> {
    let mut strings: Vec<String> = Vec::new();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut book = Vec::new();
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/>"#,
    );
    record12(&mut book, 0x83, &[]); // BrtBeginBook
    record12(&mut book, 0x8F, &[]); // BrtBeginBundleShs
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        let mut sh = Vec::new();
        record12(&mut sh, 0x81, &[]); // BrtBeginSheet
        let last_col = rows.iter().map(Vec::len).max().unwrap_or(1).max(1) - 1;
        let mut dim = Vec::new();
        for v in [0, rows.len().max(1) as u32 - 1, 0, last_col as u32] {
            dim.extend(v.to_le_bytes());
        }
        record12(&mut sh, 0x94, &dim); // BrtWsDim
        record12(&mut sh, 0x91, &[]); // BrtBeginSheetData
        for (r, row) in rows.iter().enumerate() {
            let mut hdr = (r as u32).to_le_bytes().to_vec();
            hdr.extend([0u8; 13]); // style, height, flags, no column spans
            record12(&mut sh, 0x00, &hdr); // BrtRowHdr
            for (c, cell) in row.iter().enumerate() {
                let mut body = (c as u32).to_le_bytes().to_vec();
                body.extend([0u8; 4]); // style 0, no flags
                match cell {
                    Cell::Text(t) => {
                        let idx = strings.iter().position(|s| s == t).unwrap_or_else(|| {
                            strings.push((*t).to_owned());
                            strings.len() - 1
                        });
                        body.extend((idx as u32).to_le_bytes());
                        record12(&mut sh, 0x07, &body); // BrtCellIsst
                    }
                    Cell::Number(v) => {
                        body.extend(v.to_le_bytes());
                        record12(&mut sh, 0x05, &body); // BrtCellReal
                    }
                }
            }
        }
        record12(&mut sh, 0x92, &[]); // BrtEndSheetData
        record12(&mut sh, 0x82, &[]); // BrtEndSheet
        let mut bundle = Vec::new();
        bundle.extend(0u32.to_le_bytes()); // visible
        bundle.extend((n as u32).to_le_bytes()); // tab id
        bundle.extend(wide(&format!("rId{n}")));
        bundle.extend(wide(name));
        record12(&mut book, 0x9C, &bundle); // BrtBundleSh
        rels += &format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.bin"/>"#
        );
        types += &format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.bin" ContentType="application/vnd.ms-excel.worksheet"/>"#
        );
        parts.push((format!("xl/worksheets/sheet{n}.bin"), sh));
    }
    record12(&mut book, 0x90, &[]); // BrtEndBundleShs
    let mut calc = 0u32.to_le_bytes().to_vec();
    calc.extend([0u8; 22]);
    record12(&mut book, 0x9D, &calc); // BrtCalcProp
    record12(&mut book, 0x84, &[]); // BrtEndBook
    let mut sst = Vec::new();
    let mut counts = (strings.len() as u32).to_le_bytes().to_vec();
    counts.extend((strings.len() as u32).to_le_bytes());
    record12(&mut sst, 0x9F, &counts); // BrtBeginSst
    for s in &strings {
        let mut item = vec![0u8]; // plain string, no runs
        item.extend(wide(s));
        record12(&mut sst, 0x13, &item); // BrtSSTItem
    }
    record12(&mut sst, 0xA0, &[]); // BrtEndSst
    rels += r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.bin"/></Relationships>"#;
    types += "</Types>";
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>"#;
    let mut all: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", root_rels.as_bytes().to_vec()),
        ("xl/workbook.bin", book),
        ("xl/_rels/workbook.bin.rels", rels.into_bytes()),
        ("xl/sharedStrings.bin", sst),
    ];
    for (name, bytes) in &parts {
        all.push((name.as_str(), bytes.clone()));
    }
    zip_of(&all)
}

// ----------------------------------------------------------------- xls --

/// Appends one BIFF8 record: u16 type, u16 length, body.
fn record8(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend((body.len() as u16).to_le_bytes());
    out.extend_from_slice(body);
}

/// A BOF record body for a BIFF8 substream of type `dt` (5 globals,
/// 0x10 worksheet).
fn bof(dt: u16) -> Vec<u8> {
    let mut b = 0x0600u16.to_le_bytes().to_vec();
    b.extend(dt.to_le_bytes());
    b.extend([0u8; 12]);
    b
}

/// The `Workbook` stream of an `.xls` file: globals (code page UTF-16,
/// one BoundSheet8 per sheet) followed by each sheet's cell records.
fn biff8_stream(sheets: &[(&str, Vec<Vec<Cell<'_>>>)]) -> Vec<u8> {
    let mut bodies = Vec::new();
    for (_, rows) in sheets {
        let mut sh = Vec::new();
        record8(&mut sh, 0x0809, &bof(0x0010));
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut body = (r as u16).to_le_bytes().to_vec();
                body.extend((c as u16).to_le_bytes());
                body.extend(0u16.to_le_bytes()); // XF index
                match cell {
                    Cell::Text(t) => {
                        body.extend((t.encode_utf16().count() as u16).to_le_bytes());
                        body.push(1); // UTF-16 characters
                        body.extend(utf16(t));
                        record8(&mut sh, 0x0204, &body); // LABEL
                    }
                    Cell::Number(v) => {
                        body.extend(v.to_le_bytes());
                        record8(&mut sh, 0x0203, &body); // NUMBER
                    }
                }
            }
        }
        record8(&mut sh, 0x000A, &[]);
        bodies.push(sh);
    }
    // Globals first, with each sheet's offset known once their sizes are.
    let globals_len = |offsets: &[u32]| {
        let mut g = Vec::new();
        record8(&mut g, 0x0809, &bof(0x0005));
        record8(&mut g, 0x0042, &1200u16.to_le_bytes()); // CodePage: UTF-16
        for ((name, _), pos) in sheets.iter().zip(offsets) {
            let mut b = pos.to_le_bytes().to_vec();
            b.extend([0u8, 0u8]); // visible worksheet
            b.push(name.encode_utf16().count() as u8);
            b.push(1);
            b.extend(utf16(name));
            record8(&mut g, 0x0085, &b); // BoundSheet8
        }
        record8(&mut g, 0x000A, &[]);
        g
    };
    let start = globals_len(&vec![0; sheets.len()]).len() as u32;
    let mut offsets = Vec::new();
    let mut at = start;
    for b in &bodies {
        offsets.push(at);
        at += b.len() as u32;
    }
    let mut stream = globals_len(&offsets);
    for b in bodies {
        stream.extend(b);
    }
    stream
}

/// An OLE2 compound file (version 3, 512-byte sectors) holding one stream
/// named `Workbook`. The stream is padded to the 4096-byte mini-stream
/// cutoff so it lives in regular sectors and no mini FAT is needed.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FATSECT: u32 = 0xFFFF_FFFD;
    let mut data = stream.to_vec();
    data.resize(data.len().max(4096).next_multiple_of(512), 0);
    let n = data.len() / 512;
    assert!(n + 2 <= 128, "one FAT sector covers 128 sectors");
    let mut out = Vec::with_capacity(512 * (n + 3));
    out.extend([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out.extend([0u8; 16]); // CLSID
    for v in [0x003Eu16, 0x0003, 0xFFFE, 9, 6] {
        out.extend(v.to_le_bytes()); // minor, major, byte order, shifts
    }
    out.extend([0u8; 6]);
    for v in [0u32, 1, 1, 0, 4096, END, 0, END, 0] {
        // dir sectors, FAT sectors, first dir sector, transaction,
        // mini cutoff, mini FAT start/count, DIFAT start/count
        out.extend(v.to_le_bytes());
    }
    out.extend(0u32.to_le_bytes()); // DIFAT[0]: the FAT is sector 0
    for _ in 1..109 {
        out.extend(FREE.to_le_bytes());
    }
    // Sector 0: FAT. Sector 1: directory. Sectors 2..: the stream.
    let mut fat = vec![FATSECT, END];
    fat.extend(3..n as u32 + 2);
    fat.push(END);
    fat.resize(128, FREE);
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = Vec::with_capacity(128);
        let mut n16 = utf16(name);
        n16.extend([0, 0]);
        let name_len = if name.is_empty() { 0 } else { n16.len() as u16 };
        n16.resize(64, 0);
        e.extend(n16);
        e.extend(name_len.to_le_bytes());
        e.push(typ);
        e.push(1); // black
        e.extend(FREE.to_le_bytes()); // left sibling
        e.extend(FREE.to_le_bytes()); // right sibling
        e.extend(child.to_le_bytes());
        e.extend([0u8; 16 + 4 + 16]); // CLSID, state, times
        e.extend(start.to_le_bytes());
        e.extend(size.to_le_bytes());
        e.extend(0u32.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, 2, data.len() as u32));
    for _ in 0..2 {
        out.extend(entry("", 0, FREE, 0, 0));
    }
    out.extend(data);
    out
}

/// An `.xls` (BIFF8) workbook with the given sheets.
pub fn xls(sheets: &[(&str, Vec<Vec<Cell<'_>>>)]) -> Vec<u8> {
    compound_file(&biff8_stream(sheets))
}
