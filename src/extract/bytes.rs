//! A byte cursor over decoded text for the hand-written streaming parsers
//! (JSON, SQL): one byte of look-ahead, with line and offset tracking.

use super::decode::DecodedReader;
use std::io::{self, Read};

/// A parse failure: message, decoded offset and line where it happened.
pub type ParseFail = (String, u64, u64);

/// Buffered byte-at-a-time access to a [`DecodedReader`].
pub struct Cursor {
    reader: DecodedReader,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// Decoded bytes consumed before `buf[0]`.
    base: u64,
    line: u64,
}

impl Cursor {
    /// Starts at the reader's current position, on line 1.
    pub fn new(reader: DecodedReader) -> Cursor {
        Cursor {
            reader,
            buf: vec![0; 64 * 1024],
            pos: 0,
            len: 0,
            base: 0,
            line: 1,
        }
    }

    /// The next byte without consuming it; `None` at the end.
    #[inline]
    pub fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos == self.len {
            self.base += self.len as u64;
            self.pos = 0;
            self.len = self.reader.read(&mut self.buf)?;
            if self.len == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Consumes and returns the next byte.
    #[inline]
    pub fn bump(&mut self) -> io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    /// Consumes and returns the bytes before the next `a`, `b` or newline
    /// within what is buffered (empty when the next byte is one of them, or
    /// at the end): a parser takes plain runs at once instead of byte by
    /// byte. No line ends inside a run.
    pub fn run_until(&mut self, a: u8, b: u8) -> io::Result<&[u8]> {
        if self.peek()?.is_none() {
            return Ok(&[]);
        }
        let rest = &self.buf[self.pos..self.len];
        let n = memchr::memchr3(a, b, b'\n', rest).unwrap_or(rest.len());
        let start = self.pos;
        self.pos += n;
        Ok(&self.buf[start..start + n])
    }

    /// Decoded bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Current line (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }

    /// Gives the reader back (for a plain-text fallback).
    pub fn into_reader(self) -> DecodedReader {
        self.reader
    }
}
