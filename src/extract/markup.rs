//! HTML and XML: tags stripped, entities decoded, and attribute values
//! that hold data kept. Streams through the file with bounded memory and
//! keeps every newline of the source, so findings carry the line number a
//! person sees in an editor.
//!
//! Kept attributes: in XML every attribute value (data often lives there,
//! `<person fnr="…">`); in HTML the ones that carry content rather than
//! markup: `value`, `content`, `title`, `alt`, `placeholder`, `label`,
//! `href` (for `mailto:` and `tel:` links) and `data-*`. Comments and
//! CDATA are text too: they are stored in the file. HTML `<style>` blocks
//! are dropped.

use super::chunk::Chunker;
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, UnitSink};
use crate::model::FileKind;

/// A tag longer than this is not a tag: the `<` is read as text.
const MAX_TAG: usize = 1 << 20;
/// Decoded text is handed to the chunker in pieces of about this size.
const FLUSH_AT: usize = 64 * 1024;

/// HTML attributes whose values are content.
const HTML_DATA_ATTRS: &[&str] = &["value", "content", "title", "alt", "placeholder", "label", "href"];

/// Strips tags from markup as it streams through.
struct Stripper {
    html: bool,
    /// Block-ending tags (`</p>`, `<br>`…) become newlines, as when the
    /// HTML is rendered (e-mail bodies); otherwise only the source's own
    /// newlines are kept (files, whose line numbers must match the source).
    rendered_lines: bool,
    /// Bytes of an unfinished tag (from `<`).
    tag: Vec<u8>,
    in_tag: bool,
    /// The open quote inside the tag, if any.
    quote: Option<u8>,
    /// Inside `<style>…</style>` (HTML): text dropped.
    in_style: bool,
    /// Text not yet decoded (may end in an unfinished entity).
    text: Vec<u8>,
    /// Output waiting for the chunker.
    out: String,
}

impl Stripper {
    fn new(html: bool) -> Stripper {
        Stripper {
            html,
            rendered_lines: false,
            tag: Vec::new(),
            in_tag: false,
            quote: None,
            in_style: false,
            text: Vec::new(),
            out: String::new(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.in_tag {
                let mut used = rest.len();
                for (i, &b) in rest.iter().enumerate() {
                    if self.tag_byte(b) {
                        used = i + 1;
                        break;
                    }
                }
                rest = &rest[used..];
                if !self.in_tag {
                    let tag = std::mem::take(&mut self.tag);
                    self.close_tag(&tag);
                } else if self.tag.len() > MAX_TAG {
                    // Not a tag after all: keep its bytes as text.
                    self.in_tag = false;
                    self.quote = None;
                    let tag = std::mem::take(&mut self.tag);
                    self.text.extend_from_slice(&tag);
                }
            } else {
                match memchr::memchr(b'<', rest) {
                    Some(lt) => {
                        if !self.in_style {
                            self.text.extend_from_slice(&rest[..lt]);
                        }
                        self.flush_text(true);
                        self.in_tag = true;
                        self.tag.push(b'<');
                        self.quote = None;
                        rest = &rest[lt + 1..];
                    }
                    None => {
                        if !self.in_style {
                            self.text.extend_from_slice(rest);
                        }
                        rest = &[];
                        if self.text.len() > FLUSH_AT {
                            self.flush_text(false);
                        }
                    }
                }
            }
        }
    }

    /// Adds one byte to the open tag; true (and the tag closed) when it
    /// ends: comments at `-->`, CDATA at `]]>`, other tags at the first
    /// `>` outside a quoted attribute value.
    fn tag_byte(&mut self, b: u8) -> bool {
        self.tag.push(b);
        let t = &self.tag;
        let done = if t.starts_with(b"<!--") {
            t.len() >= 7 && t.ends_with(b"-->")
        } else if t.starts_with(b"<![CDATA[") {
            t.len() >= 12 && t.ends_with(b"]]>")
        } else if b"<!--".starts_with(t) || b"<![CDATA[".starts_with(t) {
            false
        } else {
            match (self.quote, b) {
                (None, b'"' | b'\'') => {
                    self.quote = Some(b);
                    false
                }
                (Some(q), c) if c == q => {
                    self.quote = None;
                    false
                }
                (None, b'>') => true,
                _ => false,
            }
        };
        if done {
            self.in_tag = false;
            self.quote = None;
        }
        done
    }

    /// Ends the input: an unclosed tag is text after all, and all pending
    /// text is decoded.
    fn finish(&mut self) {
        if self.in_tag {
            let tag = std::mem::take(&mut self.tag);
            self.text.extend_from_slice(&tag);
        }
        self.flush_text(true);
    }

    /// Decodes pending text into `out`; unless `all`, an unfinished entity
    /// at the end waits for more bytes.
    fn flush_text(&mut self, all: bool) {
        let mut cut = self.text.len();
        if !all
            && let Some(amp) = memchr::memrchr(b'&', &self.text)
            && self.text.len() - amp <= 12
            && !self.text[amp..].contains(&b';')
        {
            cut = amp;
        }
        let decoded = decode_entities(&String::from_utf8_lossy(&self.text[..cut]));
        self.out.push_str(&decoded);
        self.text.drain(..cut);
    }

    /// Handles a complete tag `<…>`: keeps its newlines and data-bearing
    /// attribute values, and for HTML tracks `<style>` blocks.
    fn close_tag(&mut self, tag: &[u8]) {
        let inner = &tag[1..tag.len().saturating_sub(1)];
        if let Some(body) = inner.strip_prefix(b"!--") {
            self.out.push(' ');
            let body = body.strip_suffix(b"--").unwrap_or(body);
            self.out
                .push_str(&decode_entities(&String::from_utf8_lossy(body)));
            self.out.push(' ');
            return;
        }
        if let Some(body) = inner.strip_prefix(b"![CDATA[") {
            self.out
                .push_str(&String::from_utf8_lossy(body.strip_suffix(b"]]").unwrap_or(body)));
            return;
        }
        let name_end = inner
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/' && inner.first() != Some(&b'/'))
            .unwrap_or(inner.len());
        let name = String::from_utf8_lossy(&inner[..name_end]).to_ascii_lowercase();
        if self.html {
            if name == "style" {
                self.in_style = true;
            } else if name == "/style" {
                self.in_style = false;
            }
        }
        const BREAKS: [&str; 8] = ["br", "/p", "/div", "/tr", "/li", "/h1", "/h2", "/td"];
        let newlines = inner.iter().filter(|&&b| b == b'\n').count();
        self.out.push(' ');
        if !name.starts_with(['/', '!', '?']) {
            for (attr, value) in attributes(&inner[name_end..]) {
                let keep = !self.html
                    || HTML_DATA_ATTRS.contains(&attr.as_str())
                        && (attr != "href" || is_contact_link(&value))
                    || attr.starts_with("data-");
                if keep {
                    let value = decode_entities(&value);
                    let value = value
                        .strip_prefix("mailto:")
                        .or_else(|| value.strip_prefix("tel:"))
                        .unwrap_or(&value);
                    self.out.push_str(value);
                    self.out.push(' ');
                }
            }
        }
        for _ in 0..newlines {
            self.out.push('\n');
        }
        if self.rendered_lines && BREAKS.iter().any(|b| name == *b) {
            self.out.push('\n');
        }
    }
}

fn is_contact_link(v: &str) -> bool {
    let v = v.trim_start().to_ascii_lowercase();
    v.starts_with("mailto:") || v.starts_with("tel:")
}

/// The `name=value` pairs of a tag's attribute text; names lowercased.
fn attributes(text: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        while i < text.len() && (text[i].is_ascii_whitespace() || text[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < text.len() && !text[i].is_ascii_whitespace() && text[i] != b'=' && text[i] != b'/' {
            i += 1;
        }
        let name = String::from_utf8_lossy(&text[start..i]).to_ascii_lowercase();
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= text.len() || text[i] != b'=' {
            if name.is_empty() {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if i < text.len() && (text[i] == b'"' || text[i] == b'\'') {
            let q = text[i];
            let end = text[i + 1..]
                .iter()
                .position(|&b| b == q)
                .map_or(text.len(), |p| i + 1 + p);
            let v = &text[i + 1..end];
            i = end + 1;
            v
        } else {
            let s = i;
            while i < text.len() && !text[i].is_ascii_whitespace() {
                i += 1;
            }
            &text[s..i]
        };
        // Local name only: `w:val` → `val`, so namespaced XML works alike.
        let local = name.rsplit(':').next().unwrap_or(&name).to_string();
        out.push((local, String::from_utf8_lossy(value).into_owned()));
    }
    out
}

/// Extracts an HTML or XML file.
pub fn extract(
    mut reader: DecodedReader,
    kind: FileKind,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut stripper = Stripper::new(kind == FileKind::Html);
    let mut chunker = Chunker::new(1);
    let origin = |line| Origin::Text { first_line: line };
    reader
        .for_each_buf(|buf| {
            stripper.feed(buf);
            if stripper.out.len() >= FLUSH_AT {
                chunker.push_units(stripper.out.as_bytes(), sink, origin);
                stripper.out.clear();
            }
        })
        .map_err(|e| ExtractError::read(&e))?;
    stripper.finish();
    chunker.push_units(stripper.out.as_bytes(), sink, origin);
    chunker.finish_units(sink, origin);
    Ok(Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    })
}

/// Turns a whole HTML string into text (e-mail bodies): tags become
/// spaces, block ends become newlines as when rendered, entities are
/// decoded, `<style>` is dropped.
pub fn strip_html(html: &str) -> String {
    let mut s = Stripper::new(true);
    s.rendered_lines = true;
    s.feed(html.as_bytes());
    s.finish();
    s.out
}

/// Decodes character references and the named entities common in Nordic
/// text; unknown ones are left as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "commat" => Some('@'),
                "aelig" => Some('æ'),
                "oslash" => Some('ø'),
                "aring" => Some('å'),
                "auml" => Some('ä'),
                "ouml" => Some('ö'),
                "uuml" => Some('ü'),
                "eacute" => Some('é'),
                "AElig" => Some('Æ'),
                "Oslash" => Some('Ø'),
                "Aring" => Some('Å'),
                "Auml" => Some('Ä'),
                "Ouml" => Some('Ö'),
                "Uuml" => Some('Ü'),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(kind_html: bool, input: &str, piece: usize) -> String {
        let mut s = Stripper::new(kind_html);
        for chunk in input.as_bytes().chunks(piece) {
            s.feed(chunk);
        }
        s.flush_text(true);
        s.out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn html_keeps_text_and_data_attributes() {
        let html = "<p>Hei&nbsp;S&oslash;ren</p><style>p{}</style><input value=\"ola@example.no\">\
                    <a href=\"mailto:kari@example.no\">skriv</a><a href=\"/x\">y</a><!-- fnr 1 -->";
        for piece in [1, 3, 7, 1000] {
            assert_eq!(
                strip(true, html, piece),
                "Hei Søren ola@example.no kari@example.no skriv y fnr 1",
                "piece {piece}"
            );
        }
    }

    #[test]
    fn xml_keeps_every_attribute_and_cdata() {
        let xml = "<?xml version=\"1.0\"?><kunde fnr='15108695088'><e><![CDATA[a<b]]></e>&amp;</kunde>";
        assert_eq!(strip(false, xml, 5), "15108695088 a<b &");
    }

    #[test]
    fn newlines_inside_tags_are_kept() {
        let mut s = Stripper::new(true);
        s.feed(b"<div\n class=x>a</div>\nb");
        s.flush_text(true);
        assert_eq!(s.out.matches('\n').count(), 2);
    }

    #[test]
    fn html_entities_decode() {
        assert_eq!(strip_html("a&#64;b.no &lt;x&gt;"), "a@b.no <x>");
    }
}
