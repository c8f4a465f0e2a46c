//! Word-processing and presentation documents: docx, pptx (Office Open
//! XML) and odt, odp (OpenDocument), all zip archives of XML parts.
//!
//! Each paragraph is one unit, so a value split over formatting runs is
//! found whole. Locations:
//! - docx: `paragraph 14` in the body (tables included, counted in
//!   document order), `header 1 paragraph 2`, `footer 1 paragraph 1`,
//!   `comments paragraph 3`, `footnotes paragraph 1`, `endnotes …`;
//!   deleted text of tracked changes is read too (it is still stored).
//! - pptx: `slide 3` and `slide 3 notes`, slides numbered in presentation
//!   order; comments as `comments paragraph N`.
//! - odt: `paragraph 14` (headings, list items and annotations included),
//!   headers and footers from `styles.xml` as `styles paragraph N`.
//! - odp: `slide 3` and `slide 3 notes`.

use super::{Blob, ExtractError, Extracted, Origin, Unit, UnitSink, time_gap};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{BufReader, Read};

type Zip = zip::ZipArchive<Box<dyn Blob>>;

/// How one XML part is read.
#[derive(Clone, Copy)]
struct Dialect {
    /// Local names of paragraph elements.
    paragraph: &'static [&'static str],
    /// Local names of elements whose character data is text; empty means
    /// all character data inside a paragraph is text (OpenDocument).
    text: &'static [&'static str],
    /// Elements that stand for a tab or line break.
    breaks: &'static [&'static str],
    /// OpenDocument presentation: `draw:page` starts a slide and
    /// `presentation:notes` holds its notes.
    slides: bool,
}

const WORD: Dialect = Dialect {
    paragraph: &["p"],
    text: &["t", "delText"],
    breaks: &["tab", "br", "cr"],
    slides: false,
};
const DRAWING: Dialect = Dialect {
    paragraph: &["p"],
    text: &["t"],
    breaks: &["br", "tab"],
    slides: false,
};
const ODF: Dialect = Dialect {
    paragraph: &["p", "h"],
    text: &[],
    breaks: &["tab", "line-break", "s"],
    slides: false,
};
const ODF_SLIDES: Dialect = Dialect { slides: true, ..ODF };

/// A paragraph read from a part: its slide (OpenDocument presentations),
/// whether it sits in speaker notes, and its text.
struct Paragraph {
    slide: u32,
    notes: bool,
    text: String,
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Reads the paragraphs of one XML part, calling `each` for every
/// non-empty one. Nested paragraphs (annotations inside a paragraph) are
/// reported on their own.
fn paragraphs(
    reader: impl Read,
    dialect: Dialect,
    mut each: impl FnMut(Paragraph) -> bool,
) -> Result<(), String> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut text_depth = 0u32;
    let (mut slide, mut notes_depth) = (0u32, 0u32);
    let in_list = |list: &[&str], name: &str| list.contains(&name);
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                let qname = e.name();
                let name = local(qname.as_ref());
                if in_list(dialect.paragraph, name) {
                    open.push(String::new());
                } else if in_list(dialect.text, name) {
                    text_depth += 1;
                } else if dialect.slides && name == "page" {
                    slide += 1;
                } else if dialect.slides && name == "notes" {
                    notes_depth += 1;
                }
            }
            Event::Empty(e) => {
                let qname = e.name();
                let name = local(qname.as_ref());
                if let Some(p) = open.last_mut()
                    && in_list(dialect.breaks, name)
                {
                    p.push(if matches!(name, "br" | "line-break" | "cr") {
                        '\n'
                    } else {
                        ' '
                    });
                }
            }
            Event::End(e) => {
                let qname = e.name();
                let name = local(qname.as_ref());
                if in_list(dialect.paragraph, name) {
                    if let Some(text) = open.pop()
                        && !text.trim().is_empty()
                        && !each(Paragraph {
                            slide,
                            notes: notes_depth > 0,
                            text,
                        })
                    {
                        return Ok(());
                    }
                } else if in_list(dialect.text, name) {
                    text_depth = text_depth.saturating_sub(1);
                } else if dialect.slides && name == "notes" {
                    notes_depth = notes_depth.saturating_sub(1);
                }
            }
            Event::Text(t) if dialect.text.is_empty() || text_depth > 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if dialect.text.is_empty() || text_depth > 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if dialect.text.is_empty() || text_depth > 0 => {
                if let Some(p) = open.last_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.xml10_content().as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    p.extend(c);
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Reads one part of the document and pushes its paragraphs as units,
/// labelled by `label(paragraph number, paragraph)`. False when the time
/// budget ran out.
fn read_part(
    zip: &mut Zip,
    part: &str,
    dialect: Dialect,
    label: &dyn Fn(u32, &Paragraph) -> String,
    sink: &mut dyn UnitSink,
    out: &mut Extracted,
) -> bool {
    let entry = match zip.by_name(part) {
        Ok(e) => e,
        Err(e) => {
            out.gaps.push(format!("{part}: unreadable: {e}"));
            return true;
        }
    };
    out.bytes_read += entry.compressed_size();
    let mut n = 0u32;
    let mut expired = false;
    let result = paragraphs(entry, dialect, |p| {
        n += 1;
        let l = label(n, &p);
        sink.unit(Unit::whole(
            &p.text,
            Origin::Part {
                label: &l,
                first_line: None,
            },
        ));
        if n.is_multiple_of(1024) && sink.expired() {
            expired = true;
            return false;
        }
        true
    });
    if let Err(e) = result {
        out.gaps
            .push(format!("{part}: invalid XML after paragraph {n}: {e}"));
    }
    if expired {
        out.gaps.push(time_gap(
            sink.limits(),
            &format!("{part} after paragraph {n} and the parts after it"),
        ));
    }
    !expired
}

/// The number in a part name such as `word/header2.xml` or
/// `ppt/slides/slide11.xml`.
fn part_number(name: &str) -> u32 {
    let stem = name.rsplit('/').next().unwrap_or(name).trim_end_matches(".xml");
    let digits: String = stem.chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().unwrap_or(0)
}

/// Part names under `dir` starting with `prefix`, in numeric order.
fn numbered_parts(zip: &Zip, dir: &str, prefix: &str) -> Vec<String> {
    let mut parts: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| {
            n.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with(prefix) && rest.ends_with(".xml") && !rest.contains('/'))
        })
        .map(|n| n.into_owned())
        .collect();
    parts.sort_by_key(|p| part_number(p));
    parts
}

/// Reads a relationships part into `Id → target` with targets resolved
/// against `base` (the folder of the part the relationships belong to).
fn relationships(zip: &mut Zip, rels: &str, base: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let Ok(entry) = zip.by_name(rels) else { return map };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    while let Ok(event) = xml.read_event_into(&mut buf) {
        match event {
            Event::Empty(e) | Event::Start(e) if local(e.name().as_ref()) == "Relationship" => {
                let (mut id, mut target) = (None, None);
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match a.key.as_ref() {
                        "Id" => id = Some(v),
                        "Target" => target = Some(v),
                        _ => {}
                    }
                }
                if let (Some(id), Some(t)) = (id, target) {
                    map.insert(id, resolve(base, &t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    map
}

/// Resolves a relationship target (`slides/slide1.xml`, `../notesSlides/x.xml`,
/// `/ppt/x.xml`) against a folder.
fn resolve(base: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Slide parts in presentation order, from `ppt/presentation.xml`;
/// falls back to file-name order when the list cannot be read.
fn slide_order(zip: &mut Zip) -> Vec<String> {
    let rels = relationships(zip, "ppt/_rels/presentation.xml.rels", "ppt");
    let mut ids = Vec::new();
    if let Ok(entry) = zip.by_name("ppt/presentation.xml") {
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
        let mut buf = Vec::new();
        while let Ok(event) = xml.read_event_into(&mut buf) {
            match event {
                Event::Empty(e) | Event::Start(e) if local(e.name().as_ref()) == "sldId" => {
                    for a in e.attributes().flatten() {
                        if local(a.key.as_ref()) == "id" && a.key.as_ref() != "id" {
                            ids.push(a.value.to_string());
                        }
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
    }
    let ordered: Vec<String> = ids.iter().filter_map(|id| rels.get(id).cloned()).collect();
    if ordered.is_empty() {
        numbered_parts(zip, "ppt/slides/", "slide")
    } else {
        ordered
    }
}

/// Extracts a docx, pptx, odt or odp document.
pub fn extract(
    data: Box<dyn Blob>,
    format: &'static str,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut zip: Zip = zip::ZipArchive::new(data)
        .map_err(|e| ExtractError::Failed(format!("invalid {format} (zip): {e}")))?;
    let mut out = Extracted::default();
    match format {
        "docx" => {
            let mut parts: Vec<(String, String)> = vec![("word/document.xml".into(), String::new())];
            for (kind, prefix) in [("header", "header"), ("footer", "footer")] {
                for p in numbered_parts(&zip, "word/", prefix) {
                    let label = format!("{kind} {} ", part_number(&p));
                    parts.push((p, label));
                }
            }
            for kind in ["comments", "footnotes", "endnotes"] {
                let p = format!("word/{kind}.xml");
                if zip.index_for_name(&p).is_some() {
                    parts.push((p, format!("{kind} ")));
                }
            }
            for (part, prefix) in parts {
                let label = move |n: u32, _: &Paragraph| format!("{prefix}paragraph {n}");
                if !read_part(&mut zip, &part, WORD, &label, sink, &mut out) {
                    break;
                }
            }
        }
        "pptx" => {
            for (index, slide) in slide_order(&mut zip).into_iter().enumerate() {
                let number = index + 1;
                let label = move |_: u32, _: &Paragraph| format!("slide {number}");
                if !read_part(&mut zip, &slide, DRAWING, &label, sink, &mut out) {
                    return Ok(out);
                }
                let (dir, file) = slide.rsplit_once('/').unwrap_or(("", &slide));
                let rels = relationships(&mut zip, &format!("{dir}/_rels/{file}.rels"), dir);
                for target in rels.values().filter(|t| t.contains("notesSlide")) {
                    let label = move |_: u32, _: &Paragraph| format!("slide {number} notes");
                    if !read_part(&mut zip, target, DRAWING, &label, sink, &mut out) {
                        return Ok(out);
                    }
                }
            }
            let comments: Vec<String> = zip
                .file_names()
                .filter_map(Result::ok)
                .filter(|n| n.starts_with("ppt/comments/") && n.ends_with(".xml"))
                .map(|n| n.into_owned())
                .collect();
            for part in comments {
                let label = |n: u32, _: &Paragraph| format!("comments paragraph {n}");
                read_part(&mut zip, &part, DRAWING, &label, sink, &mut out);
            }
        }
        "odp" => {
            let label = |_: u32, p: &Paragraph| {
                if p.notes {
                    format!("slide {} notes", p.slide)
                } else {
                    format!("slide {}", p.slide)
                }
            };
            read_part(&mut zip, "content.xml", ODF_SLIDES, &label, sink, &mut out);
        }
        _ => {
            let label = |n: u32, _: &Paragraph| format!("paragraph {n}");
            if read_part(&mut zip, "content.xml", ODF, &label, sink, &mut out)
                && zip.index_for_name("styles.xml").is_some()
            {
                let label = |n: u32, _: &Paragraph| format!("styles paragraph {n}");
                read_part(&mut zip, "styles.xml", ODF, &label, sink, &mut out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(xml: &str, dialect: Dialect) -> Vec<(u32, bool, String)> {
        let mut v = Vec::new();
        paragraphs(xml.as_bytes(), dialect, |p| {
            v.push((p.slide, p.notes, p.text));
            true
        })
        .unwrap();
        v
    }

    #[test]
    fn word_runs_join_into_one_paragraph() {
        let xml = r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Fnr 151086</w:t></w:r>
            <w:r><w:t>95088</w:t><w:tab/><w:t>a&amp;b</w:t></w:r></w:p><w:p/>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:instrText>HYPERLINK</w:instrText><w:t>celle</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#;
        let got: Vec<String> = collect(xml, WORD).into_iter().map(|p| p.2).collect();
        assert_eq!(got, vec!["Fnr 15108695088 a&b".to_string(), "celle".to_string()]);
    }

    #[test]
    fn odf_slides_and_notes_are_told_apart() {
        let xml = r#"<office:document-content><draw:page><draw:frame><text:p>Lysbilde <text:span>en</text:span></text:p></draw:frame>
            <presentation:notes><text:p>Notat<text:s/>her</text:p></presentation:notes></draw:page>
            <draw:page><text:p>To</text:p></draw:page></office:document-content>"#;
        assert_eq!(
            collect(xml, ODF_SLIDES),
            vec![
                (1, false, "Lysbilde en".to_string()),
                (1, true, "Notat her".to_string()),
                (2, false, "To".to_string())
            ]
        );
    }

    #[test]
    fn relationship_targets_resolve() {
        assert_eq!(
            resolve("ppt/slides", "../notesSlides/notesSlide1.xml"),
            "ppt/notesSlides/notesSlide1.xml"
        );
        assert_eq!(resolve("ppt", "slides/slide2.xml"), "ppt/slides/slide2.xml");
        assert_eq!(resolve("ppt", "/ppt/slides/slide3.xml"), "ppt/slides/slide3.xml");
        assert_eq!(part_number("word/header12.xml"), 12);
    }
}
