//! File type by content first, extension second: a byte-order mark means
//! text, a known signature names the format, NUL bytes mean binary; only
//! then does the extension choose between the text formats.

use crate::model::FileKind;
use std::path::Path;

/// Signatures of formats read by their own extractor.
const READABLE: &[(&[u8], FileKind)] = &[
    (b"%PDF-", FileKind::Pdf),
    (b"PK\x03\x04", FileKind::Zip),
    (b"PK\x05\x06", FileKind::Zip),
    (b"\x1F\x8B", FileKind::Gzip),
    (b"SQLite format 3\x00", FileKind::Sqlite),
    (b"PAR1", FileKind::Parquet),
];

/// Signatures of formats this version recognises but does not read.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"BZh", "bzip2"),
    (b"\xFD7zXZ\x00", "xz"),
    (b"7z\xBC\xAF\x27\x1C", "7z"),
    (b"Rar!\x1A\x07", "rar"),
    (b"\x89PNG\r\n\x1A\n", "image"),
    (b"\xFF\xD8\xFF", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x7FELF", "executable"),
    (b"MZ", "executable"),
];

/// The OLE2 compound-file signature (legacy Office: xls, doc, ppt, msg).
const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The extension of `path`, lower case without the dot ("" if none): the
/// second opinion after content, and a hint in messages.
pub fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Decides how to read a file from its first bytes and its name. Zip
/// files are refined later (xlsx, docx, odt… are zips) by
/// [`super::archive::zip_kind`], which reads the zip's directory.
pub fn sniff(path: &Path, head: &[u8]) -> FileKind {
    let ext = extension(path);
    let has_bom = encoding_rs::Encoding::for_bom(head).is_some();
    if !has_bom {
        if let Some((_, kind)) = READABLE.iter().find(|(sig, _)| head.starts_with(sig)) {
            return *kind;
        }
        if head.starts_with(OLE2) {
            return match ext.as_str() {
                "doc" => FileKind::Unsupported("doc"),
                "ppt" => FileKind::Unsupported("ppt"),
                "msg" => FileKind::Unsupported("msg"),
                // Office encrypts a password-protected xlsx/docx/pptx into
                // an OLE2 container.
                "xlsx" | "xlsm" | "xlsb" | "docx" | "pptx" => {
                    FileKind::Unsupported("password-protected Office")
                }
                _ => FileKind::Spreadsheet("xls"),
            };
        }
        if let Some((_, name)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
            return FileKind::Unsupported(name);
        }
        if head.len() > 262 && &head[257..262] == b"ustar" {
            return FileKind::Tar;
        }
        if head.contains(&0) && super::decode::utf16_without_bom(head).is_none() {
            return FileKind::Binary;
        }
    }
    match ext.as_str() {
        "csv" | "tsv" | "tab" | "psv" => return FileKind::Delimited,
        "json" => return FileKind::Json,
        "ndjson" | "jsonl" => return FileKind::Ndjson,
        "sql" => return FileKind::Sql,
        "eml" => return FileKind::Eml,
        "mbox" | "mbx" => return FileKind::Mbox,
        "html" | "htm" | "xhtml" => return FileKind::Html,
        "xml" | "xsd" | "svg" | "rss" | "atom" | "plist" | "xlf" => return FileKind::Xml,
        _ => {}
    }
    let start = skip_bom_and_space(head);
    if start.starts_with(b"From ") && start.contains(&b'\n') {
        return FileKind::Mbox;
    }
    let lower: Vec<u8> = start.iter().take(16).map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return FileKind::Html;
    }
    if lower.starts_with(b"<?xml") {
        return FileKind::Xml;
    }
    FileKind::Text
}

/// The head without a UTF-8 byte-order mark and leading whitespace.
fn skip_bom_and_space(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let n = head.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &head[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_beats_extension() {
        assert_eq!(sniff(Path::new("a.txt"), b"PK\x03\x04rest"), FileKind::Zip);
        assert_eq!(sniff(Path::new("a.txt"), b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(sniff(Path::new("a.doc"), OLE2), FileKind::Unsupported("doc"));
        assert_eq!(sniff(Path::new("a.dat"), OLE2), FileKind::Spreadsheet("xls"));
        assert_eq!(
            sniff(Path::new("a.png"), b"\x89PNG\r\n\x1A\n"),
            FileKind::Unsupported("image")
        );
        assert_eq!(
            sniff(Path::new("inbox"), b"From a@b Mon Jan  1\nX: y"),
            FileKind::Mbox
        );
        assert_eq!(sniff(Path::new("page"), b"  <!DOCTYPE html><p>"), FileKind::Html);
        assert_eq!(sniff(Path::new("feed"), b"<?xml version"), FileKind::Xml);
        assert_eq!(sniff(Path::new("a.csv"), b"a,b\x00c"), FileKind::Binary);
        assert_eq!(
            sniff(Path::new("a.csv"), b"\xFF\xFEa\x00,\x00"),
            FileKind::Delimited
        );
        assert_eq!(sniff(Path::new("notes"), b"hello"), FileKind::Text);
    }
}
