//! E-mail: single messages (.eml) and Unix mailboxes (.mbox). Every
//! address and text header, decoded (encoded words, quoted-printable,
//! base64, charsets), and every text or HTML body part with line numbers.
//! Attachments are decoded and extracted as inner files of their own type
//! (`mail.eml!cv.pdf`, `inbox.mbox!message 17!cv.pdf`); attached messages
//! recurse.

use super::decode::DecodedReader;
use super::markup::strip_html;
use super::{ExtractError, Extracted, Origin, Unit, UnitSink};
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use std::io::{BufRead, Read};

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
        .map_err(|e| ExtractError::read(&e))?;
    let reader = limited.into_inner();
    if raw.len() as u64 > MAX_MESSAGE {
        drop(raw);
        let reason = format!("message larger than {} MiB", MAX_MESSAGE >> 20);
        return super::text::fallback(reader, 0, 1, reason, sink);
    }
    let Some(message) = MessageParser::default().parse(&raw) else {
        return super::text::fallback(reader, 0, 1, "not a parseable e-mail message".into(), sink);
    };
    message_units(&message, sink);
    Ok(Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    })
}

/// Pushes the headers and text parts of a parsed message as units, and
/// extracts its attachments as inner files of their own type.
fn message_units(message: &Message<'_>, sink: &mut dyn UnitSink) {
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
                String::from_utf8_lossy(message.raw_message.get(start..end).unwrap_or_default()).into_owned()
            }
            _ => continue,
        };
        if !text.trim().is_empty() {
            sink.unit(Unit::whole(&text, Origin::MailHeader { name }));
        }
    }
    let mut body_part = 0usize;
    let mut unnamed = 0usize;
    for (index, part) in message.parts.iter().enumerate() {
        let is_attachment = message.attachments.contains(&(index as u32));
        let text = match &part.body {
            PartType::Multipart(_) => continue,
            PartType::Text(t) if !is_attachment => t.to_string(),
            PartType::Html(h) if !is_attachment => strip_html(h),
            body => {
                let (bytes, default_ext): (&[u8], &str) = match body {
                    PartType::Message(m) => (m.raw_message(), "eml"),
                    _ => (
                        part.contents(),
                        if matches!(body, PartType::Html(_)) {
                            "html"
                        } else {
                            "bin"
                        },
                    ),
                };
                let name = match part.attachment_name() {
                    Some(n) => n.replace(['/', '\\', '!'], "_"),
                    None => {
                        unnamed += 1;
                        format!("attachment {unnamed}.{default_ext}")
                    }
                };
                let mut cursor = std::io::Cursor::new(bytes);
                super::extract_member(&name, None, &mut cursor, bytes.len() as u64, sink);
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
}

/// Extracts a Unix mailbox: messages split at `From ` lines, each located
/// as `message N`, attachments as `inbox.mbox!message N!name`.
pub fn extract_mbox(mut reader: DecodedReader, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let mut out = Extracted::default();
    let mut message = Vec::new();
    let mut number = 0u64;
    let mut oversized = false;
    let mut line = Vec::new();
    let mut previous_blank = true;
    loop {
        line.clear();
        let n = read_line_capped(&mut reader, &mut line).map_err(|e| ExtractError::read(&e))?;
        let boundary = n == 0 || previous_blank && line.starts_with(b"From ");
        if boundary {
            if number > 0 {
                finish_message(number, &message, oversized, sink, &mut out);
            }
            if n == 0 {
                break;
            }
            if sink.expired() {
                out.gaps.push(super::time_gap(
                    sink.limits(),
                    &format!("messages from {} on", number + 1),
                ));
                break;
            }
            number += 1;
            message.clear();
            oversized = false;
        } else if number > 0 && !oversized {
            if (message.len() + line.len()) as u64 > MAX_MESSAGE {
                oversized = true;
                message = Vec::new();
            } else {
                message.extend_from_slice(&line);
            }
        }
        previous_blank = line == b"\n" || line == b"\r\n";
    }
    if number == 0 {
        return Err(ExtractError::Failed(
            "not a mailbox: no `From ` line starts a message".into(),
        ));
    }
    out.bytes_read = reader.bytes_read();
    Ok(out)
}

/// Reads one line, keeping at most `MAX_MESSAGE` bytes of it.
fn read_line_capped(reader: &mut DecodedReader, line: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(total);
        }
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if line.len() < MAX_MESSAGE as usize {
            line.extend_from_slice(&buf[..take]);
        }
        reader.consume(take);
        total += take;
        if done {
            return Ok(total);
        }
    }
}

fn finish_message(number: u64, raw: &[u8], oversized: bool, sink: &mut dyn UnitSink, out: &mut Extracted) {
    if oversized {
        out.gaps.push(format!(
            "message {number} larger than {} MiB: not checked",
            MAX_MESSAGE >> 20
        ));
        return;
    }
    let label = format!("message {number}");
    sink.section(Some(&label));
    match MessageParser::default().parse(raw) {
        Some(message) => message_units(&message, sink),
        None => {
            let text = String::from_utf8_lossy(raw);
            sink.unit(Unit::whole(&text, Origin::Text { first_line: 2 }));
        }
    }
    sink.section(None);
}
