//! File type by content first, extension second: a byte-order mark means
//! text, a known signature names the format, NUL bytes mean binary; only
//! then does the extension choose between the text formats.

use crate::model::FileKind;
use std::path::Path;

/// Signatures of formats this version recognises but does not read.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "ole2"),
    (b"\x1F\x8B", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xFD7zXZ\x00", "xz"),
    (b"7z\xBC\xAF\x27\x1C", "7z"),
    (b"Rar!\x1A\x07", "rar"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"PAR1", "parquet"),
    (b"\x89PNG\r\n\x1A\n", "image"),
    (b"\xFF\xD8\xFF", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x7FELF", "executable"),
    (b"MZ", "executable"),
];

/// Decides how to read a file from its first bytes and its name.
pub fn sniff(path: &Path, head: &[u8]) -> FileKind {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let has_bom = encoding_rs::Encoding::for_bom(head).is_some();
    if !has_bom {
        for (sig, name) in SIGNATURES {
            if head.starts_with(sig) {
                return FileKind::Unsupported(office_name(name, &ext));
            }
        }
        if head.len() > 262 && &head[257..262] == b"ustar" {
            return FileKind::Unsupported("tar");
        }
        if head.contains(&0) {
            return FileKind::Binary;
        }
    }
    match ext.as_str() {
        "csv" | "tsv" | "tab" | "psv" => FileKind::Delimited,
        "json" => FileKind::Json,
        "ndjson" | "jsonl" => FileKind::Ndjson,
        "sql" => FileKind::Sql,
        "eml" => FileKind::Eml,
        _ => FileKind::Text,
    }
}

/// Names zip- and OLE-based office formats by extension for clearer
/// scan-error rows (`xlsx file: …` rather than `zip file: …`).
fn office_name(container: &'static str, ext: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "xlsx", "xlsm", "xlsb", "docx", "pptx", "odt", "ods", "odp", "jar", "epub", "xls", "doc", "ppt",
        "msg",
    ];
    match (container, KNOWN.iter().find(|k| **k == ext)) {
        ("zip" | "ole2", Some(k)) => k,
        _ => container,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_beats_extension() {
        assert_eq!(
            sniff(Path::new("a.txt"), b"PK\x03\x04rest"),
            FileKind::Unsupported("zip")
        );
        assert_eq!(
            sniff(Path::new("a.xlsx"), b"PK\x03\x04rest"),
            FileKind::Unsupported("xlsx")
        );
        assert_eq!(sniff(Path::new("a.csv"), b"a,b\x00c"), FileKind::Binary);
        assert_eq!(
            sniff(Path::new("a.csv"), b"\xFF\xFEa\x00,\x00"),
            FileKind::Delimited
        );
        assert_eq!(sniff(Path::new("notes"), b"hello"), FileKind::Text);
    }
}
