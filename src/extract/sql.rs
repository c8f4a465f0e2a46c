//! SQL dumps: values of `INSERT INTO t (cols) VALUES (…), (…);` (including
//! multi-row and MySQL extended inserts) and PostgreSQL `COPY t (cols) FROM
//! stdin;` blocks, each located by table, column and row. Column names come
//! from the statement, else from an earlier `CREATE TABLE`, else are
//! numbered. Every other statement and every comment is scanned as text,
//! so data in an `UPDATE` or a comment is not missed.
//!
//! Quoting: `'…'` with `''` doubling everywhere; backslash escapes when the
//! dump is MySQL-style (backtick identifiers in the first bytes) or the
//! literal is PostgreSQL `E'…'`.

use super::bytes::Cursor;
use super::cells::{Cells, ColumnNames};
use super::chunk::Chunker;
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, UnitSink};
use std::collections::HashMap;

/// How much of an ordinary statement is kept for `CREATE TABLE` parsing
/// (all of it is scanned as text regardless).
const MAX_STATEMENT_HEAD: usize = 1 << 20;

/// The longest single value read as a table cell. A longer one hands the
/// rest of the dump, from the start of its row, to the text reader, which
/// streams: memory stays bounded and nothing is dropped.
pub const MAX_VALUE: usize = 8 << 20;

type Fail = super::bytes::ParseFail;

struct Dump<'s> {
    cur: Cursor,
    sink: &'s mut dyn UnitSink,
    mysql: bool,
    tables: HashMap<String, Vec<String>>,
    rows: HashMap<String, u64>,
    chunker: Chunker,
    value: Vec<u8>,
    /// Values of the statement being read, (row, line, column index)
    /// each, handed to the sink together (see [`Cells`]).
    cells: Cells<(u64, u64, usize)>,
    /// Where a text fallback must start: the start of the tuple or
    /// statement being read, so a damaged tail is read as text and values
    /// already reported are not reported again.
    resume: (u64, u64),
}

fn io_fail(cur: &Cursor, e: std::io::Error) -> Fail {
    (format!("read error: {e}"), cur.offset(), cur.line())
}

impl Dump<'_> {
    fn peek(&mut self) -> Result<Option<u8>, Fail> {
        self.cur.peek().map_err(|e| io_fail(&self.cur, e))
    }
    fn next(&mut self) -> Result<Option<u8>, Fail> {
        self.cur.bump().map_err(|e| io_fail(&self.cur, e))
    }
    fn fail<T>(&self, msg: impl Into<String>) -> Result<T, Fail> {
        Err((msg.into(), self.cur.offset(), self.cur.line()))
    }

    /// Emits text (comments, other statements) with line origins.
    fn text(&mut self, bytes: &[u8], first_line: u64) {
        if self.chunker.is_empty() {
            self.chunker.reset(first_line);
        }
        let origin = |line| Origin::Text { first_line: line };
        self.chunker.push_units(bytes, &mut *self.sink, origin);
    }

    fn flush_text(&mut self) {
        let origin = |line| Origin::Text { first_line: line };
        self.chunker.finish_units(&mut *self.sink, origin);
    }

    fn skip_ws(&mut self) -> Result<(), Fail> {
        while let Some(b) = self.peek()? {
            if b.is_ascii_whitespace() {
                self.next()?;
            } else {
                break;
            }
        }
        Ok(())
    }

    /// Reads a comment starting with `start` (already consumed) and scans it.
    fn comment(&mut self, block: bool) -> Result<(), Fail> {
        let line = self.cur.line();
        let mut buf = Vec::new();
        let mut prev = 0u8;
        while let Some(b) = self.next()? {
            if !block && b == b'\n' {
                break;
            }
            if block && prev == b'*' && b == b'/' {
                buf.pop();
                break;
            }
            buf.push(b);
            prev = b;
            if buf.len() >= 1 << 16 {
                self.text(&buf, line);
                buf.clear();
            }
        }
        buf.push(b'\n');
        self.text(&buf, line);
        self.flush_text();
        Ok(())
    }

    fn word(&mut self) -> Result<String, Fail> {
        let mut w = String::new();
        while let Some(b) = self.peek()? {
            if b.is_ascii_alphanumeric() || b == b'_' {
                w.push(b as char);
                self.next()?;
            } else {
                break;
            }
        }
        Ok(w)
    }

    /// Reads a possibly quoted, possibly dotted name; returns its last part.
    fn name(&mut self) -> Result<String, Fail> {
        let mut last;
        loop {
            self.skip_ws()?;
            last = match self.peek()? {
                Some(q @ (b'`' | b'"' | b'[')) => {
                    self.next()?;
                    let close = if q == b'[' { b']' } else { q };
                    let mut s = Vec::new();
                    while let Some(b) = self.next()? {
                        if b == close {
                            if self.peek()? == Some(close) && close != b']' {
                                self.next()?;
                            } else {
                                break;
                            }
                        }
                        s.push(b);
                    }
                    String::from_utf8_lossy(&s).into_owned()
                }
                _ => self.word()?,
            };
            if self.peek()? == Some(b'.') {
                self.next()?;
                continue;
            }
            return Ok(last);
        }
    }

    /// Reads `(a, b, c)` as a list of names.
    fn name_list(&mut self) -> Result<Vec<String>, Fail> {
        self.next()?; // '('
        let mut names = Vec::new();
        loop {
            names.push(self.name()?);
            self.skip_ws()?;
            match self.next()? {
                Some(b',') => continue,
                Some(b')') => return Ok(names),
                _ => return self.fail("malformed column list"),
            }
        }
    }

    /// Reads the rest of a statement up to `;` outside quotes, scanning it
    /// as text; returns its first bytes (for CREATE TABLE parsing).
    fn rest_of_statement(&mut self, start: &[u8], line: u64) -> Result<Vec<u8>, Fail> {
        let mut head = start.to_vec();
        let mut buf = start.to_vec();
        let mut quote: Option<u8> = None;
        while let Some(b) = self.next()? {
            buf.push(b);
            if head.len() < MAX_STATEMENT_HEAD {
                head.push(b);
            }
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) if b == b'\\' && self.mysql => {
                    if let Some(n) = self.next()? {
                        buf.push(n);
                    }
                }
                Some(_) => {}
                None if matches!(b, b'\'' | b'"' | b'`') => quote = Some(b),
                None if b == b';' => break,
                None => {}
            }
            if buf.len() >= 1 << 16 {
                self.text(&buf, line);
                buf.clear();
            }
        }
        self.text(&buf, line);
        self.flush_text();
        Ok(head)
    }

    fn create_table(&mut self, head: &[u8]) {
        let text = String::from_utf8_lossy(head);
        let lower = text.to_ascii_lowercase();
        let Some(t) = lower.find("table") else { return };
        let after = &text[t + 5..];
        let Some(open) = after.find('(') else { return };
        let name = after[..open]
            .trim()
            .trim_start_matches("IF NOT EXISTS")
            .trim_start_matches("if not exists")
            .trim();
        let table = unquote(name.rsplit('.').next().unwrap_or(name));
        let mut columns = Vec::new();
        let (mut depth, mut item) = (0i32, String::new());
        for c in after[open + 1..].chars() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => break,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    push_column(&mut columns, &item);
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        push_column(&mut columns, &item);
        self.tables.insert(table, columns);
    }

    /// Reads one value of a VALUES tuple into `self.value`; returns the
    /// byte that ended it (`,` or `)`).
    fn tuple_value(&mut self) -> Result<u8, Fail> {
        self.value.clear();
        self.skip_ws()?;
        let mut depth = 0;
        loop {
            let Some(b) = self.next()? else {
                return self.fail("unexpected end of file inside VALUES");
            };
            match b {
                b'\'' => {
                    let escapes = self.mysql || matches!(self.value.last(), Some(b'E' | b'e'));
                    self.value.clear();
                    self.quoted(escapes)?;
                }
                b'(' => {
                    depth += 1;
                    self.value.push(b);
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    self.value.push(b);
                }
                b',' | b')' if depth == 0 => return Ok(b),
                _ => {
                    if self.value.len() >= MAX_VALUE {
                        return self.fail(format!("a value is longer than {} MiB", MAX_VALUE >> 20));
                    }
                    self.value.push(b);
                }
            }
        }
    }

    /// Reads a quoted literal body (after `'`) into `self.value`.
    fn quoted(&mut self, escapes: bool) -> Result<(), Fail> {
        loop {
            if self.value.len() >= MAX_VALUE {
                return self.fail(format!("a value is longer than {} MiB", MAX_VALUE >> 20));
            }
            let Some(b) = self.next()? else {
                return self.fail("unterminated string literal");
            };
            match b {
                b'\'' if self.peek()? == Some(b'\'') => {
                    self.next()?;
                    self.value.push(b'\'');
                }
                b'\'' => return Ok(()),
                b'\\' if escapes => {
                    let Some(e) = self.next()? else {
                        return self.fail("unterminated escape");
                    };
                    self.value.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'0' => b' ',
                        other => other,
                    });
                }
                _ => self.value.push(b),
            }
        }
    }

    /// Adds the value just read to the statement's batch, unless it is
    /// empty or NULL.
    fn emit_value(&mut self, key: (u64, u64, usize)) {
        let text = String::from_utf8_lossy(&self.value);
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("null") {
            return;
        }
        self.cells.push(trimmed, key);
    }

    /// Hands the statement's batched values to the sink.
    fn flush_values(&mut self, table: &str, columns: &ColumnNames) {
        self.cells.flush(&mut *self.sink, |(row, line, i)| Origin::Sql {
            table,
            column: columns.name(i),
            row,
            line,
        });
    }

    fn insert(&mut self) -> Result<(), Fail> {
        // INSERT [IGNORE] [INTO] name [(cols)] VALUES
        self.skip_ws()?;
        let mut table = self.name()?;
        for _ in 0..2 {
            let up = table.to_ascii_uppercase();
            if up == "IGNORE" || up == "INTO" {
                table = self.name()?;
            }
        }
        self.skip_ws()?;
        let columns = if self.peek()? == Some(b'(') {
            self.name_list()?
        } else {
            self.tables.get(&table).cloned().unwrap_or_default()
        };
        self.skip_ws()?;
        let kw = self.word()?;
        if !kw.eq_ignore_ascii_case("values") && !kw.eq_ignore_ascii_case("value") {
            // INSERT … SELECT and the like: scan the rest as text.
            let line = self.cur.line();
            self.rest_of_statement(kw.as_bytes(), line)?;
            return Ok(());
        }
        let mut columns = ColumnNames::new(columns);
        let result = self.tuples(&table, &mut columns);
        self.flush_values(&table, &columns);
        result
    }

    /// Reads the tuples of an INSERT's VALUES into the batch.
    fn tuples(&mut self, table: &str, columns: &mut ColumnNames) -> Result<(), Fail> {
        loop {
            self.skip_ws()?;
            match self.next()? {
                Some(b'(') => {}
                Some(b';') | None => return Ok(()),
                Some(b',') => continue,
                Some(_) => {
                    // ON DUPLICATE KEY UPDATE … and such.
                    self.flush_values(table, columns);
                    let line = self.cur.line();
                    self.rest_of_statement(b"", line)?;
                    return Ok(());
                }
            }
            self.resume = (self.cur.offset().saturating_sub(1), self.cur.line());
            let row = self.next_row(table);
            let mut index = 0;
            loop {
                let line = self.cur.line();
                let end = self.tuple_value()?;
                columns.number(index);
                self.emit_value((row, line, index));
                index += 1;
                if end == b')' {
                    break;
                }
            }
            self.resume = (self.cur.offset(), self.cur.line());
            if self.cells.is_full() {
                self.flush_values(table, columns);
            }
        }
    }

    /// Counts a new row of `table`; returns its number (1-based).
    fn next_row(&mut self, table: &str) -> u64 {
        // The table's name is copied once, not for every row.
        if let Some(r) = self.rows.get_mut(table) {
            *r += 1;
            return *r;
        }
        self.rows.insert(table.to_string(), 1);
        1
    }

    fn copy(&mut self) -> Result<(), Fail> {
        let line = self.cur.line();
        let table = self.name()?;
        self.skip_ws()?;
        let columns = if self.peek()? == Some(b'(') {
            self.name_list()?
        } else {
            self.tables.get(&table).cloned().unwrap_or_default()
        };
        let head = self.rest_of_statement(b"", line)?;
        if !String::from_utf8_lossy(&head)
            .to_ascii_lowercase()
            .contains("stdin")
        {
            return Ok(());
        }
        // Skip to the start of the data.
        while let Some(b) = self.next()? {
            if b == b'\n' {
                break;
            }
        }
        let mut columns = ColumnNames::new(columns);
        let result = self.copy_rows(&table, &mut columns);
        self.flush_values(&table, &columns);
        result
    }

    /// Reads the rows of a COPY … FROM stdin into the batch.
    fn copy_rows(&mut self, table: &str, columns: &mut ColumnNames) -> Result<(), Fail> {
        loop {
            let line = self.cur.line();
            self.resume = (self.cur.offset(), line);
            let mut fields: Vec<Vec<u8>> = vec![Vec::new()];
            let mut ended = false;
            loop {
                match self.next()? {
                    None => {
                        ended = true;
                        break;
                    }
                    Some(b'\n') => break,
                    Some(b'\t') => fields.push(Vec::new()),
                    Some(b'\\') => {
                        let e = self.next()?.unwrap_or(b'\\');
                        let single = fields.len() == 1;
                        let last = fields.last_mut().expect("one field");
                        match e {
                            b'n' => last.push(b'\n'),
                            b't' => last.push(b'\t'),
                            b'r' => last.push(b'\r'),
                            b'.' if last.is_empty() && single => {
                                last.extend_from_slice(b"\\.");
                            }
                            b'N' => last.extend_from_slice(b"\\N"),
                            other => last.push(other),
                        }
                    }
                    Some(b) => {
                        let last = fields.last_mut().expect("one field");
                        if last.len() >= MAX_VALUE {
                            return self.fail(format!("a value is longer than {} MiB", MAX_VALUE >> 20));
                        }
                        last.push(b);
                    }
                }
            }
            if fields.len() == 1 && fields[0] == b"\\." {
                return Ok(());
            }
            if !(fields.len() == 1 && fields[0].is_empty()) {
                let row = self.next_row(table);
                for (i, f) in fields.into_iter().enumerate() {
                    if f == b"\\N" {
                        continue;
                    }
                    self.value = f;
                    columns.number(i);
                    self.emit_value((row, line, i));
                }
            }
            if self.cells.is_full() {
                self.flush_values(table, columns);
            }
            if ended {
                return Ok(());
            }
        }
    }

    fn run(&mut self) -> Result<(), Fail> {
        loop {
            self.skip_ws()?;
            let Some(b) = self.peek()? else { return Ok(()) };
            let line = self.cur.line();
            self.resume = (self.cur.offset(), line);
            match b {
                b'-' | b'#' | b'/' => {
                    self.next()?;
                    let second = self.peek()?;
                    match (b, second) {
                        (b'-', Some(b'-')) | (b'#', _) => {
                            if b == b'-' {
                                self.next()?;
                            }
                            self.comment(false)?;
                        }
                        (b'/', Some(b'*')) => {
                            self.next()?;
                            self.comment(true)?;
                        }
                        _ => {
                            self.rest_of_statement(&[b], line)?;
                        }
                    }
                }
                _ if b.is_ascii_alphabetic() => {
                    let w = self.word()?;
                    match w.to_ascii_uppercase().as_str() {
                        "INSERT" | "REPLACE" => self.insert()?,
                        "COPY" => self.copy()?,
                        _ => {
                            let head = self.rest_of_statement(w.as_bytes(), line)?;
                            if w.eq_ignore_ascii_case("create") {
                                self.create_table(&head);
                            }
                        }
                    }
                }
                _ => {
                    self.rest_of_statement(b"", line)?;
                }
            }
        }
    }
}

fn unquote(s: &str) -> String {
    s.trim()
        .trim_matches(|c| matches!(c, '`' | '"' | '[' | ']'))
        .to_string()
}

fn push_column(columns: &mut Vec<String>, item: &str) {
    let first = item.split_whitespace().next().unwrap_or("");
    let upper = first.to_ascii_uppercase();
    const CONSTRAINTS: [&str; 10] = [
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "CONSTRAINT",
        "INDEX",
        "FOREIGN",
        "CHECK",
        "FULLTEXT",
        "SPATIAL",
        "EXCLUDE",
    ];
    if !first.is_empty() && !CONSTRAINTS.contains(&upper.as_str()) {
        columns.push(unquote(first));
    }
}

/// Extracts an SQL dump. A statement that cannot be parsed hands the rest
/// of the file to the text extractor.
pub fn extract(reader: DecodedReader, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    let mut reader = reader;
    let mysql = {
        use std::io::BufRead;
        let head = reader.fill_buf().unwrap_or(&[]);
        head.contains(&b'`') || head.windows(3).any(|w| w == b"/*!")
    };
    let cells = Cells::for_sink(&*sink);
    let mut d = Dump {
        cur: Cursor::new(reader),
        sink,
        mysql,
        tables: HashMap::new(),
        rows: HashMap::new(),
        chunker: Chunker::new(1),
        value: Vec::new(),
        cells,
        resume: (0, 1),
    };
    let result = d.run();
    let Dump {
        cur, sink, resume, ..
    } = d;
    super::text::conclude(result, cur, resume, "SQL", sink)
}
