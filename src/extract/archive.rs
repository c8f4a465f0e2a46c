//! Archives: zip, tar, and gzip (a `.tar.gz` is a tar inside a gzip).
//! Every entry is extracted as a file of its own, reported as
//! `archive.zip!2023/kunder.csv`; archives inside archives recurse.
//!
//! Nothing is ever written to its own path on disk, so `../` entry names
//! are harmless: they only appear in the reported path. Guards from the
//! profile's `[limits]` table: nesting depth, entries per archive,
//! unpacked bytes per file on disk, and the compression ratio of each
//! entry (the zip-bomb guard), checked both on the sizes the archive
//! declares and on the bytes actually unpacked, because declarations lie.

use super::{Blob, ExtractError, Extracted, UnitSink, extract_member, refuse_member, time_gap};
use crate::model::FileKind;
use std::io::{self, BufRead, BufReader, Read};

/// Entries below this size are never refused for their ratio: small runs
/// of repeated bytes compress far beyond any bomb threshold.
const RATIO_FREE: u64 = 1 << 20;

/// Refines a zip into the format built on it (xlsx, docx, odt…) by its
/// directory: the member names Office Open XML requires, or the
/// OpenDocument `mimetype` entry. Anything else is a plain zip.
pub fn zip_kind(data: &mut Box<dyn Blob>, name: &str) -> FileKind {
    let ext = super::sniff::extension(std::path::Path::new(name));
    let Ok(mut zip) = zip::ZipArchive::new(data) else {
        // A damaged file keeps the name its extension gives it, so its
        // scan-errors row says `invalid xlsx …` rather than `invalid zip`.
        return match ext.as_str() {
            "xlsx" => FileKind::Spreadsheet("xlsx"),
            "xlsm" => FileKind::Spreadsheet("xlsm"),
            "xlsb" => FileKind::Spreadsheet("xlsb"),
            "ods" => FileKind::Spreadsheet("ods"),
            "docx" => FileKind::Document("docx"),
            "pptx" => FileKind::Document("pptx"),
            "odt" => FileKind::Document("odt"),
            "odp" => FileKind::Document("odp"),
            _ => FileKind::Zip,
        };
    };
    let has = |zip: &zip::ZipArchive<_>, n: &str| zip.index_for_name(n).is_some();
    if has(&zip, "xl/workbook.xml") {
        return FileKind::Spreadsheet(if ext == "xlsm" { "xlsm" } else { "xlsx" });
    }
    if has(&zip, "xl/workbook.bin") {
        return FileKind::Spreadsheet("xlsb");
    }
    if has(&zip, "word/document.xml") {
        return FileKind::Document("docx");
    }
    if has(&zip, "ppt/presentation.xml") {
        return FileKind::Document("pptx");
    }
    let mut mimetype = String::new();
    if let Ok(entry) = zip.by_name("mimetype") {
        let _ = entry.take(100).read_to_string(&mut mimetype);
    }
    match mimetype.trim() {
        "application/vnd.oasis.opendocument.spreadsheet" => FileKind::Spreadsheet("ods"),
        "application/vnd.oasis.opendocument.text" => FileKind::Document("odt"),
        "application/vnd.oasis.opendocument.presentation" => FileKind::Document("odp"),
        _ => FileKind::Zip,
    }
}

/// Fails a read once more than `max` bytes came out: the guard on bytes
/// actually unpacked, whatever the archive declared.
struct Bounded<R> {
    inner: R,
    left: u64,
    what: &'static str,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::other(self.what));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn ratio_cap(packed: u64, ratio: u64) -> u64 {
    packed.saturating_mul(ratio).max(RATIO_FREE)
}

fn zip_time(t: zip::DateTime) -> Option<i64> {
    let date = chrono::NaiveDate::from_ymd_opt(t.year().into(), t.month().into(), t.day().into())?;
    let time = date.and_hms_opt(t.hour().into(), t.minute().into(), t.second().into())?;
    Some(time.and_utc().timestamp_micros())
}

/// Extracts every entry of a zip archive.
pub fn extract_zip(data: Box<dyn Blob>, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let mut zip =
        zip::ZipArchive::new(data).map_err(|e| ExtractError::Failed(format!("invalid zip archive: {e}")))?;
    let limits = sink.limits().clone();
    let mut out = Extracted::default();
    let count = zip.len();
    if count as u64 > limits.max_archive_entries {
        out.gaps.push(format!(
            "{count} entries: only the first {} checked (max_archive_entries)",
            limits.max_archive_entries
        ));
    }
    for i in 0..count.min(limits.max_archive_entries as usize) {
        if sink.expired() {
            out.gaps
                .push(time_gap(sink.limits(), &format!("entries {} to {count}", i + 1)));
            break;
        }
        let fallback_name = || format!("entry {}", i + 1);
        let listed_name = zip
            .name_for_index(i)
            .and_then(Result::ok)
            .map_or_else(fallback_name, |n| n.into_owned());
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let reason = format!("cannot read entry: {e}");
                let err = if reason.contains("ncrypt") || reason.contains("assword") {
                    ExtractError::Skipped("encrypted zip entry: not checked".into())
                } else {
                    ExtractError::Failed(reason)
                };
                refuse_member(sink, &listed_name, None, 0, err);
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_or(listed_name, |n| n.into_owned());
        let modified = entry.last_modified().and_then(zip_time);
        let (size, packed) = (entry.size(), entry.compressed_size());
        out.bytes_read += packed;
        if size > RATIO_FREE && size / packed.max(1) > limits.max_compression_ratio {
            let reason = format!(
                "compression ratio {}:1 exceeds max_compression_ratio ({}:1), possible zip bomb: not unpacked",
                size / packed.max(1),
                limits.max_compression_ratio
            );
            refuse_member(sink, &name, modified, size, ExtractError::Skipped(reason));
            continue;
        }
        let mut guarded = Bounded {
            inner: &mut entry,
            left: ratio_cap(packed, limits.max_compression_ratio).min(size.max(RATIO_FREE)),
            what: "entry unpacks to more than it declares or than max_compression_ratio allows",
        };
        extract_member(&name, modified, &mut guarded, size, sink);
    }
    Ok(out)
}

/// Extracts every regular file of a tar archive read from `reader`.
fn extract_tar_stream(reader: impl Read, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let limits = sink.limits().clone();
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| ExtractError::Failed(format!("invalid tar archive: {e}")))?;
    let mut out = Extracted::default();
    let mut seen = 0u64;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) if seen == 0 => return Err(ExtractError::Failed(format!("invalid tar archive: {e}"))),
            Err(e) => {
                out.gaps.push(format!(
                    "tar archive unreadable after entry {seen}: {e}; the rest not checked"
                ));
                break;
            }
        };
        seen += 1;
        if seen > limits.max_archive_entries {
            out.gaps.push(format!(
                "more than {} entries: the rest not checked (max_archive_entries)",
                limits.max_archive_entries
            ));
            break;
        }
        if sink.expired() {
            out.gaps
                .push(time_gap(sink.limits(), &format!("entries from {seen} on")));
            break;
        }
        let header = entry.header();
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let modified = header.mtime().ok().map(|s| s as i64 * 1_000_000);
        let size = header.size().unwrap_or(0);
        out.bytes_read += size;
        match header.entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                extract_member(&name, modified, &mut entry, size, sink)
            }
            tar::EntryType::Directory
            | tar::EntryType::XGlobalHeader
            | tar::EntryType::XHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink => {}
            other => refuse_member(
                sink,
                &name,
                modified,
                size,
                ExtractError::Skipped(
                    format!("{other:?} entry (not a regular file): not checked").to_lowercase(),
                ),
            ),
        }
    }
    Ok(out)
}

/// Extracts a tar archive.
pub fn extract_tar(data: Box<dyn Blob>, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    extract_tar_stream(BufReader::new(data), sink)
}

/// Extracts a gzip file: a tar inside is read as a tar, anything else as
/// one inner file named without its `.gz`. `packed` is the file's size,
/// the base of the compression-ratio guard.
pub fn extract_gzip(
    data: Box<dyn Blob>,
    name: &str,
    packed: u64,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let cap = ratio_cap(packed, sink.limits().max_compression_ratio);
    let decoder = Bounded {
        inner: flate2::read::MultiGzDecoder::new(BufReader::new(data)),
        left: cap,
        what: "gzip content expands beyond max_compression_ratio (possible bomb)",
    };
    let mut reader = BufReader::with_capacity(64 * 1024, decoder);
    let head = reader
        .fill_buf()
        .map_err(|e| ExtractError::Failed(format!("invalid gzip data: {e}")))?;
    let is_tar = head.len() > 262 && &head[257..262] == b"ustar";
    let mut out = if is_tar {
        extract_tar_stream(reader, sink)?
    } else {
        let lower = name.to_ascii_lowercase();
        let inner = if lower.ends_with(".gz") {
            name[..name.len() - 3].to_string()
        } else {
            format!("{name}.content")
        };
        extract_member(&inner, None, &mut reader, 0, sink);
        Extracted::default()
    };
    out.bytes_read = packed;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    #[test]
    fn ratio_cap_never_refuses_small_entries() {
        assert_eq!(ratio_cap(10, 250), RATIO_FREE);
        assert_eq!(ratio_cap(1 << 20, 250), 250 << 20);
    }

    #[test]
    fn bounded_reader_fails_past_its_budget() {
        let mut r = Bounded {
            inner: Cursor::new(vec![0u8; 100]),
            left: 50,
            what: "too much",
        };
        let mut sink = Vec::new();
        let err = io::copy(&mut r, &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "too much");
    }

    #[test]
    fn office_zips_are_recognised_by_their_directory() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("mimetype", opts).unwrap();
            w.write_all(b"application/vnd.oasis.opendocument.text").unwrap();
            w.finish().unwrap();
        }
        let mut blob: Box<dyn Blob> = Box::new(Cursor::new(buf.into_inner()));
        assert_eq!(zip_kind(&mut blob, "x.zip"), FileKind::Document("odt"));
    }
}
