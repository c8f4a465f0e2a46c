//! JSON and NDJSON: every string, number and object key with its key path
//! (`$.customer.email`, `$.items[3].phone`). A streaming parser with an
//! explicit stack, so neither file size nor nesting depth can exhaust
//! memory or the call stack; long strings go through the chunker.

use super::bytes::Cursor;
use super::cells::JsonValues;
use super::chunk::Chunker;
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, Unit, UnitSink};

/// Deeper nesting than this is treated as hostile input.
pub const MAX_DEPTH: usize = 512;

enum Seg {
    Key(String),
    Index(u64),
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// A value (array element, object value or top level).
    Value,
    /// An object key or `}`.
    KeyOrEnd,
    /// An object key (after a comma).
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the closing bracket.
    CommaOrEnd,
}

struct Parser<'s> {
    cur: Cursor,
    stack: Vec<(bool, Seg)>, // (is_object, current segment)
    chunker: Chunker,
    path: String,
    record: Option<u64>,
    sink: &'s mut dyn UnitSink,
    /// Where a text fallback must start: the start of the token being
    /// read, or the end of the last token emitted, so nothing is lost and
    /// nothing found twice.
    resume: (u64, u64),
}

type Fail = super::bytes::ParseFail;

impl Parser<'_> {
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, Fail> {
        Err((msg.into(), self.cur.offset(), self.cur.line()))
    }

    fn peek(&mut self) -> Result<Option<u8>, Fail> {
        let r = self.cur.peek();
        r.map_err(|e| read_fail(&self.cur, e))
    }

    fn bump(&mut self) -> Result<Option<u8>, Fail> {
        let r = self.cur.bump();
        r.map_err(|e| read_fail(&self.cur, e))
    }

    fn build_path(&mut self, extra_key: Option<&str>) {
        self.path.clear();
        self.path.push('$');
        let segs = self.stack.iter().map(|(_, s)| s);
        for seg in segs {
            push_seg(&mut self.path, seg);
        }
        if let Some(k) = extra_key {
            push_seg(&mut self.path, &Seg::Key(k.to_string()));
        }
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, Fail> {
        loop {
            let b = self.peek()?;
            match b {
                Some(b' ' | b'\t' | b'\r' | b'\n') => {
                    self.bump()?;
                }
                other => return Ok(other),
            }
        }
    }

    /// Reads a string body (after the opening quote) into the chunker,
    /// emitting it under the current path. Returns the text when `keep`.
    fn string(&mut self, keep: bool) -> Result<Option<String>, Fail> {
        let line = self.cur.line();
        // The opening quote was consumed: resume from it.
        self.resume = (self.cur.offset().saturating_sub(1), line);
        self.chunker.reset(line);
        // Bytes as read (a non-ASCII letter arrives one byte at a time),
        // decoded once at the end.
        let mut kept = keep.then(Vec::new);
        let mut pending = [0u8; 4];
        let mut high_surrogate: Option<u32> = None;
        loop {
            // Plain text up to the next quote, escape or line end, at once.
            let run = match self.cur.run_until(b'"', b'\\') {
                Ok(run) => run,
                Err(e) => return Err(read_fail(&self.cur, e)),
            };
            if !run.is_empty() && high_surrogate.is_none() {
                if let Some(k) = kept.as_mut() {
                    k.extend_from_slice(&run[..run.len().min(4096usize.saturating_sub(k.len()))]);
                }
                push_string(&mut self.chunker, &mut *self.sink, &self.path, self.record, run);
                continue;
            }
            let Some(b) = self.bump()? else {
                return self.err("unterminated string");
            };
            let piece: &[u8] = match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.bump()? else {
                        return self.err("unterminated escape");
                    };
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut v = 0u32;
                            for _ in 0..4 {
                                let h = self.bump()?;
                                let Some(d) = h.and_then(|h| (h as char).to_digit(16)) else {
                                    return self.err("invalid \\u escape");
                                };
                                v = v * 16 + d;
                            }
                            match (high_surrogate.take(), v) {
                                (None, 0xD800..=0xDBFF) => {
                                    high_surrogate = Some(v);
                                    continue;
                                }
                                (Some(hi), 0xDC00..=0xDFFF) => {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (v - 0xDC00))
                                        .unwrap_or('\u{FFFD}')
                                }
                                _ => char::from_u32(v).unwrap_or('\u{FFFD}'),
                            }
                        }
                        _ => return self.err(format!("invalid escape \\{}", e as char)),
                    };
                    c.encode_utf8(&mut pending).as_bytes()
                }
                _ => {
                    pending[0] = b;
                    &pending[..1]
                }
            };
            if let Some(k) = kept.as_mut()
                && k.len() < 4096
            {
                k.extend_from_slice(piece);
            }
            self.push_text(piece);
        }
        self.flush_text();
        self.resume = (self.cur.offset(), self.cur.line());
        Ok(kept.map(|k| match String::from_utf8(k) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }))
    }

    fn push_text(&mut self, bytes: &[u8]) {
        push_string(&mut self.chunker, &mut *self.sink, &self.path, self.record, bytes);
    }

    fn flush_text(&mut self) {
        let (path, record) = (&self.path, self.record);
        let origin = |line| Origin::Json { record, path, line };
        self.chunker.finish_units(&mut *self.sink, origin);
    }

    fn scalar(&mut self, first: u8) -> Result<(), Fail> {
        let line = self.cur.line();
        self.resume = (self.cur.offset().saturating_sub(1), line);
        let mut token = vec![first];
        while let Some(b) = self.peek()? {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+') {
                if token.len() > 1024 {
                    return self.err("number or literal too long");
                }
                token.push(b);
                self.bump()?;
            } else {
                break;
            }
        }
        match token.as_slice() {
            b"true" | b"false" | b"null" => {}
            t if t[0] == b'-' || t[0].is_ascii_digit() => {
                let text = String::from_utf8_lossy(&token).into_owned();
                let (path, record) = (&self.path, self.record);
                self.sink
                    .unit(Unit::whole(&text, Origin::Json { record, path, line }));
            }
            _ => return self.err(format!("unexpected token {:?}", String::from_utf8_lossy(&token))),
        }
        self.resume = (self.cur.offset(), self.cur.line());
        Ok(())
    }

    fn run(&mut self, ndjson: bool) -> Result<(), Fail> {
        let mut expect = Expect::Value;
        loop {
            let Some(b) = self.skip_ws()? else {
                if self.stack.is_empty() && expect != Expect::Colon {
                    return Ok(());
                }
                return self.err("unexpected end of file");
            };
            if self.stack.is_empty() && expect == Expect::Value {
                self.record = ndjson.then(|| self.cur.line());
            }
            self.bump()?;
            match expect {
                Expect::Value => {
                    self.build_path(None);
                    match b {
                        b'{' | b'[' => {
                            if self.stack.len() >= MAX_DEPTH {
                                return self.err(format!("nested deeper than {MAX_DEPTH} levels"));
                            }
                            let object = b == b'{';
                            self.stack.push((
                                object,
                                if object {
                                    Seg::Key(String::new())
                                } else {
                                    Seg::Index(0)
                                },
                            ));
                            expect = if object { Expect::KeyOrEnd } else { Expect::Value };
                            if !object && self.skip_ws()? == Some(b']') {
                                self.bump()?;
                                self.stack.pop();
                                expect = self.after_value();
                            }
                            continue;
                        }
                        b'"' => {
                            self.string(false)?;
                        }
                        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => self.scalar(b)?,
                        _ => return self.err(format!("unexpected character {:?}", b as char)),
                    }
                    expect = self.after_value();
                }
                Expect::KeyOrEnd | Expect::Key => match b {
                    b'"' => {
                        self.build_path(None);
                        // The key itself is scanned: keys can hold personal data.
                        let key = self.string(true)?.unwrap_or_default();
                        if let Some((_, seg)) = self.stack.last_mut() {
                            *seg = Seg::Key(key);
                        }
                        expect = Expect::Colon;
                    }
                    b'}' if expect == Expect::KeyOrEnd => {
                        self.stack.pop();
                        expect = self.after_value();
                    }
                    _ => return self.err(format!("expected a key, found {:?}", b as char)),
                },
                Expect::Colon => {
                    if b != b':' {
                        return self.err("expected ':'");
                    }
                    expect = Expect::Value;
                }
                Expect::CommaOrEnd => {
                    let Some((object, seg)) = self.stack.last_mut() else {
                        return self.err("unexpected character after value");
                    };
                    match (b, *object) {
                        (b',', true) => expect = Expect::Key,
                        (b',', false) => {
                            if let Seg::Index(i) = seg {
                                *i += 1;
                            }
                            expect = Expect::Value;
                        }
                        (b'}', true) | (b']', false) => {
                            self.stack.pop();
                            expect = self.after_value();
                        }
                        _ => return self.err(format!("unexpected {:?}", b as char)),
                    }
                }
            }
        }
    }

    fn after_value(&self) -> Expect {
        if self.stack.is_empty() {
            Expect::Value
        } else {
            Expect::CommaOrEnd
        }
    }
}

/// A failed read at the cursor's place.
fn read_fail(cur: &Cursor, e: std::io::Error) -> Fail {
    (format!("read error: {e}"), cur.offset(), cur.line())
}

/// Pushes bytes of a string at `path` into the chunker, which hands each
/// complete chunk to `sink`.
fn push_string(
    chunker: &mut Chunker,
    sink: &mut dyn UnitSink,
    path: &str,
    record: Option<u64>,
    bytes: &[u8],
) {
    chunker.push_units(bytes, sink, |line| Origin::Json { record, path, line });
}

fn push_seg(path: &mut String, seg: &Seg) {
    use std::fmt::Write;
    match seg {
        Seg::Index(i) => {
            let _ = write!(path, "[{i}]");
        }
        Seg::Key(k) if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            path.push('.');
            path.push_str(k);
        }
        Seg::Key(k) => {
            let _ = write!(path, "[{k:?}]");
        }
    }
}

/// Extracts a JSON document, or NDJSON (one document per line) when
/// `ndjson`. Invalid JSON hands the rest of the file to the text extractor.
pub fn extract(
    reader: DecodedReader,
    ndjson: bool,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    // Whole values go to the sink in batches (searched by every worker);
    // the batch is handed over before anything that follows it, such as
    // the text fallback of a damaged file.
    let mut values = JsonValues::new(sink);
    let mut p = Parser {
        cur: Cursor::new(reader),
        stack: Vec::new(),
        chunker: Chunker::new(1),
        path: String::new(),
        record: None,
        sink: &mut values,
        resume: (0, 1),
    };
    let result = p.run(ndjson);
    let Parser { cur, resume, .. } = p;
    super::text::conclude(result, cur, resume, "JSON", values.finish())
}
