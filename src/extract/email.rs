//! RFC 5322 e-mail (.eml): every address and text header, decoded
//! (encoded words, quoted-printable, base64, charsets), and every text or
//! HTML body part with line numbers. Attachments that are not text are
//! recorded as not checked.

use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, Unit, UnitSink};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};
use std::io::Read;

/// Messages larger than this are read as plain text instead (the MIME
/// parser needs the whole message in memory).
pub const MAX_MESSAGE: u64 = 64 << 20;

/// Headers that hold message identifiers shaped like addresses
/// (`<id@host>`), not anyone's address.
const IDENTIFIER_HEADERS: &[&str] = &[
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-ID",
    "Resent-Message-ID",
];

/// Extracts one e-mail message.
pub fn extract(reader: DecodedReader, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let mut raw = Vec::new();
    let mut limited = reader.take(MAX_MESSAGE + 1);
    limited
        .read_to_end(&mut raw)
        .map_err(|e| ExtractError::Failed(format!("read error: {}", crate::walk::describe_io(&e))))?;
    let reader = limited.into_inner();
    if raw.len() as u64 > MAX_MESSAGE {
        drop(raw);
        let reason = format!("message larger than {} MiB", MAX_MESSAGE >> 20);
        return super::text::fallback(reader, 0, 1, reason, sink);
    }
    let Some(message) = MessageParser::default().parse(&raw) else {
        return super::text::fallback(reader, 0, 1, "not a parseable e-mail message".into(), sink);
    };
    let mut out = Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    };
    for header in message.headers() {
        let name = header.name();
        if IDENTIFIER_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            continue;
        }
        let text = match header.value() {
            HeaderValue::Address(a) => a
                .iter()
                .map(|addr| match (addr.name(), addr.address()) {
                    (Some(n), Some(e)) => format!("{n} <{e}>"),
                    (None, Some(e)) => e.to_string(),
                    (Some(n), None) => n.to_string(),
                    (None, None) => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            HeaderValue::Text(t) => t.to_string(),
            HeaderValue::TextList(l) => l.join(", "),
            HeaderValue::Received(_) => {
                let (start, end) = (header.offset_start() as usize, header.offset_end() as usize);
                String::from_utf8_lossy(raw.get(start..end).unwrap_or_default()).into_owned()
            }
            _ => continue,
        };
        if !text.trim().is_empty() {
            sink.unit(Unit::whole(&text, Origin::MailHeader { name }));
        }
    }
    let mut body_part = 0usize;
    for (index, part) in message.parts.iter().enumerate() {
        let text = match &part.body {
            PartType::Text(t) => t.to_string(),
            PartType::Html(h) => strip_html(h),
            PartType::Multipart(_) => continue,
            PartType::Binary(_) | PartType::InlineBinary(_) | PartType::Message(_) => {
                let name = part.attachment_name().unwrap_or("unnamed");
                out.gaps.push(format!(
                    "attachment {} ({name}) not checked: attachments are not extracted by this version",
                    index
                ));
                continue;
            }
        };
        body_part += 1;
        sink.unit(Unit::whole(
            &text,
            Origin::MailBody {
                part: body_part,
                first_line: 1,
            },
        ));
    }
    Ok(out)
}

/// Turns HTML into text: tags become spaces, the common entities are
/// decoded, script and style contents are dropped.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt..];
        let lower: String = after.chars().take(8).collect::<String>().to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            after.to_ascii_lowercase().find("</script>").map(|i| i + 9)
        } else if lower.starts_with("<style") {
            after.to_ascii_lowercase().find("</style>").map(|i| i + 8)
        } else {
            after.find('>').map(|i| i + 1)
        };
        let Some(skip) = skip_to else {
            rest = "";
            break;
        };
        let tag = after[..skip].to_ascii_lowercase();
        const BREAKS: [&str; 6] = ["<br", "</p", "</div", "</tr", "</li", "</h"];
        if BREAKS.iter().any(|b| tag.starts_with(b)) {
            out.push('\n');
        } else if !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        rest = &after[skip..];
    }
    out.push_str(&decode_entities(rest));
    out
}

fn decode_entities(s: &str) -> String {
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
                "aelig" => Some('æ'),
                "oslash" => Some('ø'),
                "aring" => Some('å'),
                "auml" => Some('ä'),
                "ouml" => Some('ö'),
                "AElig" => Some('Æ'),
                "Oslash" => Some('Ø'),
                "Aring" => Some('Å'),
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

    #[test]
    fn html_is_reduced_to_text() {
        assert_eq!(
            strip_html("<p>Hei&nbsp;S&oslash;ren</p><script>x=1</script>a&#64;b.no"),
            "Hei Søren\na@b.no"
        );
    }
}
