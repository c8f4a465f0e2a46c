//! Text decoding: every extractor reads UTF-8, whatever the file holds.
//!
//! The encoding is chosen once from the file's first bytes: a byte-order
//! mark (UTF-8, UTF-16LE, UTF-16BE) wins; otherwise valid UTF-8 stays UTF-8
//! and anything else is read as Windows-1252, the usual encoding of older
//! Nordic Windows exports. Decoding streams through fixed buffers.

use super::Blob;
use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};
use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::time::Instant;

/// Recognises UTF-16 text without a byte-order mark, as some Windows
/// tools write it: in Latin-script text nearly every other byte is zero.
/// Returns the encoding when at least 90 % of the high bytes are zero and
/// almost none of the low bytes are.
pub fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 8 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let hardly = |n: usize| n * 50 <= pairs;
    if mostly(odd_zero) && hardly(even_zero) {
        Some(encoding_rs::UTF_16LE)
    } else if mostly(even_zero) && hardly(odd_zero) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Chooses the encoding from the first bytes of a file.
pub fn detect(head: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return enc;
    }
    if let Some(enc) = utf16_without_bom(head) {
        return enc;
    }
    match std::str::from_utf8(head) {
        Ok(_) => UTF_8,
        // An incomplete sequence cut off by the head's end is still UTF-8.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => WINDOWS_1252,
    }
}

const RAW_BUF: usize = 256 * 1024;

/// A reader that yields the file's text as UTF-8 bytes.
pub struct DecodedReader {
    file: Box<dyn Blob>,
    limit: u64,
    deadline: Option<Instant>,
    encoding: &'static Encoding,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_pos: usize,
    raw_len: usize,
    raw_eof: bool,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    finished: bool,
    bytes_read: u64,
    decoded: u64,
}

impl DecodedReader {
    /// Wraps `file`, whose first bytes `head` were already read from it;
    /// `size` is the file's size when known.
    pub fn new(
        head: Vec<u8>,
        file: Box<dyn Blob>,
        encoding: &'static Encoding,
        size: Option<u64>,
    ) -> DecodedReader {
        let mut raw = head;
        let raw_len = raw.len();
        // Buffers only as large as what is left to read (a file that fit
        // in its head needs none): most files on a share are small, and
        // zeroing the full buffers (1 MiB) for each was 4% of a scan's CPU.
        // Never under a head's size, so a file that grew since its size was
        // taken (or reads empty at first) is still read, in more rounds.
        let cap = if raw_len < super::HEAD_LEN && raw_len > 0 {
            raw_len
        } else {
            let rest = size.map_or(RAW_BUF as u64, |s| s.saturating_sub(raw_len as u64));
            rest.clamp(super::HEAD_LEN as u64, RAW_BUF as u64) as usize
        };
        raw.resize(cap.max(raw_len), 0);
        DecodedReader {
            file,
            limit: u64::MAX,
            deadline: None,
            encoding,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw,
            raw_pos: 0,
            raw_len,
            raw_eof: false,
            out: vec![0; cap.max(raw_len) * 3 + 16],
            out_pos: 0,
            out_len: 0,
            finished: false,
            bytes_read: raw_len as u64,
            decoded: 0,
        }
    }

    /// The encoding being decoded.
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Stops reading the underlying file after `limit` bytes (the
    /// `max_file_bytes` limit); the caller records the gap.
    pub fn cap(&mut self, limit: u64) {
        self.limit = limit;
        if self.raw_len as u64 > limit {
            self.raw_len = limit as usize;
            self.bytes_read = limit;
        }
    }

    /// Makes reads fail with `TimedOut` once `deadline` has passed (the
    /// `max_file_seconds` limit).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// UTF-8 bytes handed out so far.
    pub fn decoded(&self) -> u64 {
        self.decoded
    }

    /// Hands every decoded buffer to `each` until the end of the file.
    pub fn for_each_buf(&mut self, mut each: impl FnMut(&[u8])) -> io::Result<()> {
        loop {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf.len();
            each(buf);
            self.consume(n);
        }
    }

    /// Starts over and skips the first `offset` decoded bytes, so a failed
    /// structured parse can hand the rest of the file to another reader.
    pub fn restart_at(mut self, offset: u64) -> io::Result<DecodedReader> {
        self.file.seek(SeekFrom::Start(0))?;
        let (limit, deadline) = (self.limit, self.deadline);
        let mut r = DecodedReader::new(Vec::new(), self.file, self.encoding, None);
        r.limit = limit;
        r.deadline = deadline;
        io::copy(&mut (&mut r).take(offset), &mut io::sink())?;
        Ok(r)
    }

    fn refill(&mut self) -> io::Result<()> {
        while self.out_pos == self.out_len && !self.finished {
            if self.raw_pos == self.raw_len && !self.raw_eof {
                if self.deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "time limit reached"));
                }
                self.raw_pos = 0;
                let room = (self.limit - self.bytes_read).min(self.raw.len() as u64) as usize;
                self.raw_len = super::read_full(&mut self.file, &mut self.raw[..room])?;
                self.bytes_read += self.raw_len as u64;
                self.raw_eof = self.raw_len == 0;
            }
            let last = self.raw_eof;
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[self.raw_pos..self.raw_len], &mut self.out, last);
            self.raw_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if last && read == 0 && written == 0 {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl Read for DecodedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for DecodedReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.refill()?;
        Ok(&self.out[self.out_pos..self.out_len])
    }
    fn consume(&mut self, amt: usize) {
        self.out_pos += amt;
        self.decoded += amt as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::HEAD_LEN;
    use std::io::Write;

    fn decode(bytes: &[u8]) -> (String, &'static str) {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        let head: Vec<u8> = bytes[..bytes.len().min(4)].to_vec();
        f.seek(SeekFrom::Start(head.len() as u64)).unwrap();
        let enc = detect(bytes);
        let mut r = DecodedReader::new(head, Box::new(f), enc, None);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (s, enc.name())
    }

    #[test]
    fn boms_and_fallback_are_honoured() {
        assert_eq!(decode("Ærlig talt".as_bytes()), ("Ærlig talt".into(), "UTF-8"));
        assert_eq!(decode(b"\xEF\xBB\xBFhei"), ("hei".into(), "UTF-8"));
        assert_eq!(decode(b"\xFF\xFEh\x00\xF8\x00"), ("hø".into(), "UTF-16LE"));
        assert_eq!(decode(b"\xFE\xFF\x00h\x00\xF8"), ("hø".into(), "UTF-16BE"));
        assert_eq!(
            decode(b"S\xF8ren \xC6b\xE5"),
            ("Søren Æbå".into(), "windows-1252")
        );
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "Fødselsnummer 15108695088"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "Fødselsnummer 15108695088"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(&le), ("Fødselsnummer 15108695088".into(), "UTF-16LE"));
        assert_eq!(decode(&be), ("Fødselsnummer 15108695088".into(), "UTF-16BE"));
        assert_eq!(
            utf16_without_bom(b"\x00\x01\x02\x03binary\x00\x00\x7f\x45\x4c\x46"),
            None
        );
    }

    /// Buffers are sized to the file's size, but a size that is wrong
    /// (the file grew or shrank since, or reads empty at first) loses
    /// nothing: the file is read in more rounds. Windows-1252 text grows
    /// when decoded, so the decoded buffer fills before the raw one.
    #[test]
    fn every_byte_is_read_whatever_size_was_given() {
        let text: Vec<u8> = (0..3 * RAW_BUF + 7)
            .map(|i| {
                if i % 97 == 0 {
                    b'\n'
                } else {
                    [b'a', 0xF8, 0xC6][i % 3]
                }
            })
            .collect();
        let expected: String = WINDOWS_1252.decode(&text).0.into_owned();
        for head_len in [0, 100, HEAD_LEN] {
            for size in [
                None,
                Some(0),
                Some(1),
                Some(head_len as u64),
                Some(HEAD_LEN as u64 + 1),
                Some(text.len() as u64),
                Some(u64::MAX),
            ] {
                let mut f = tempfile::tempfile().unwrap();
                f.write_all(&text).unwrap();
                f.seek(SeekFrom::Start(head_len as u64)).unwrap();
                let head = text[..head_len].to_vec();
                let mut r = DecodedReader::new(head, Box::new(f), WINDOWS_1252, size);
                let mut s = String::new();
                r.read_to_string(&mut s).unwrap();
                assert!(
                    s == expected,
                    "head {head_len}, size {size:?}: {} of {} chars",
                    s.len(),
                    expected.len()
                );
            }
        }
    }

    #[test]
    fn restart_skips_decoded_bytes() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all("abcø123".as_bytes()).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        let r = DecodedReader::new(Vec::new(), Box::new(f), UTF_8, None);
        let mut r = r.restart_at(5).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "123");
    }
}
