//! PDF through lopdf: the text layer of every page, located as `page 3`
//! (the `line` column counts lines within the page).
//!
//! What cannot be checked is said, never silently passed: a PDF encrypted
//! with a user password, a PDF whose pages carry no text (scanned images:
//! datakart does no OCR), and a broken PDF each get their own reason; a
//! PDF where only some pages lack text is `partial`, naming the pages.
//! lopdf bounds the decompressed size of each page's content, so a
//! compression bomb in a content stream fails that page only.

use super::{Blob, ExtractError, Extracted, Origin, Unit, UnitSink, time_gap};
use std::io::Read;

/// Pages without text listed by number in a gap before the list is cut.
const LIST_PAGES: usize = 20;

fn page_list(pages: &[u32]) -> String {
    let mut s: Vec<String> = pages.iter().take(LIST_PAGES).map(u32::to_string).collect();
    if pages.len() > LIST_PAGES {
        s.push(format!("and {} more", pages.len() - LIST_PAGES));
    }
    s.join(", ")
}

/// Extracts the text of every page.
pub fn extract(mut data: Box<dyn Blob>, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let mut bytes = Vec::new();
    data.read_to_end(&mut bytes).map_err(|e| ExtractError::read(&e))?;
    let doc =
        lopdf::Document::load_mem(&bytes).map_err(|e| ExtractError::Failed(format!("invalid PDF: {e}")))?;
    let mut out = Extracted {
        bytes_read: bytes.len() as u64,
        ..Extracted::default()
    };
    drop(bytes);
    if doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none() {
        return Err(ExtractError::Skipped(
            "encrypted PDF that needs a password to open: not checked".into(),
        ));
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(ExtractError::Failed(
            "invalid PDF: no pages found (page tree missing, broken or cyclic)".into(),
        ));
    }
    let (mut blank, mut broken) = (Vec::new(), Vec::new());
    for &page in &pages {
        if sink.expired() {
            out.gaps.push(time_gap(
                sink.limits(),
                &format!("pages {page} to {}", pages.len()),
            ));
            return Ok(out);
        }
        match doc.extract_text(&[page]) {
            Ok(text) if text.trim().is_empty() => blank.push(page),
            Ok(text) => {
                let label = format!("page {page}");
                sink.unit(Unit::whole(
                    &text,
                    Origin::Part {
                        label: &label,
                        first_line: Some(1),
                    },
                ));
            }
            Err(e) => broken.push((page, e.to_string())),
        }
    }
    if blank.len() == pages.len() {
        return Err(ExtractError::Skipped(
            "no text layer (scanned or image-only PDF; no OCR): not checked".into(),
        ));
    }
    if broken.len() + blank.len() == pages.len() && blank.is_empty() {
        let (page, e) = &broken[0];
        return Err(ExtractError::Failed(format!(
            "invalid PDF: no page readable (page {page}: {e})"
        )));
    }
    if !blank.is_empty() {
        out.gaps.push(format!(
            "no text layer on page(s) {} (images; no OCR): not checked",
            page_list(&blank)
        ));
    }
    if !broken.is_empty() {
        let numbers: Vec<u32> = broken.iter().map(|(p, _)| *p).collect();
        out.gaps.push(format!(
            "page(s) {} unreadable ({}): not checked",
            page_list(&numbers),
            broken[0].1
        ));
    }
    Ok(out)
}
