//! The small binary encoding datakart stores its own data in (the state
//! store's per-file results, the change report's spill files): LEB128
//! varints, length-prefixed UTF-8, optional values as 0 or value + 1, and
//! hex hashes as their raw bytes. Reading never panics: damaged bytes give
//! `None`. Index documents are text ([`crate::index::codec`]) but are read
//! through the same [`Reader`], and share its hex digit values.

/// Appends `v` as a LEB128 varint.
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a length-prefixed string.
pub fn text(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Appends an optional string: 0, or its length + 1 and its bytes.
pub fn opt_text(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => varint(out, 0),
        Some(s) => {
            varint(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// Appends an optional number: 0, or the number + 1.
pub fn opt_u64(out: &mut Vec<u8>, v: Option<u64>) {
    varint(out, v.map_or(0, |v| v.saturating_add(1)));
}

/// Appends an optional signed number (zigzag), as [`opt_u64`].
pub fn opt_i64(out: &mut Vec<u8>, v: Option<i64>) {
    opt_u64(out, v.map(zigzag));
}

/// A signed number as an unsigned one small in magnitude either way
/// (zigzag: 0, -1, 1, -2 … become 0, 1, 2, 3 …), for varints.
pub fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// The signed number [`zigzag`] made `v` from.
pub fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Appends a hash: lower-case hex is stored as its raw bytes (the length
/// shifted left with the low bit set), anything else as its text, so
/// every string reads back exactly.
pub fn hash(out: &mut Vec<u8>, h: &str) {
    let digits = h.as_bytes();
    let start = out.len();
    if digits.len().is_multiple_of(2) {
        varint(out, ((digits.len() as u64 / 2) << 1) | 1);
        let at = out.len();
        out.resize(at + digits.len() / 2, 0);
        if lower_hex(digits, &mut out[at..]) {
            return;
        }
        out.truncate(start);
    }
    varint(out, (digits.len() as u64) << 1);
    out.extend_from_slice(digits);
}

/// Each byte's value as a lower-case hex digit, or 0xff.
const NIBBLES: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        t[b"0123456789abcdef"[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The value of lower-case hex digit `d`, or 0xff when it is not one.
pub fn nibble(d: u8) -> u8 {
    NIBBLES[usize::from(d)]
}

/// Decodes lower-case hex digits (two per byte of `out`) without a branch
/// per digit: hashes are stored once or more per finding. False when a
/// digit is not lower-case hex (`out` then holds garbage).
fn lower_hex(digits: &[u8], out: &mut [u8]) -> bool {
    let mut bad = 0;
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (NIBBLES[pair[0] as usize], NIBBLES[pair[1] as usize]);
        bad |= high | low;
        *byte = (high << 4) | (low & 0x0f);
    }
    bad & 0xf0 == 0
}

/// `bytes` as lower-case hex (the form keyed hashes take), without the
/// per-character iterator `hex::encode` goes through: hashes are encoded
/// once or more per finding.
pub fn hex_string(bytes: &[u8]) -> String {
    let mut digits = vec![0; bytes.len() * 2];
    hex_into(bytes, &mut digits);
    String::from_utf8(digits).expect("hex digits are ASCII")
}

/// Writes `bytes` as lower-case hex into `out` (two digits a byte, as far
/// as `out` reaches), for callers that keep the digits on the stack.
pub fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
}

/// Decodes the lower-case hex `digits` into `out` (half their length);
/// false when they are not all lower-case hex digits.
pub fn decode_lower_hex(digits: &[u8], out: &mut [u8]) -> bool {
    digits.len() == out.len() * 2 && lower_hex(digits, out)
}

/// Reads what the functions above wrote.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// Whether every byte has been read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// A varint.
    pub fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    /// A varint that must fit a `usize` (a length or a count).
    pub fn size(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    /// `len` raw bytes.
    pub fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    /// One byte.
    pub fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A length-prefixed string.
    pub fn text(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    /// A length-prefixed string, borrowed from the bytes.
    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.size()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    /// An optional string.
    pub fn opt_text(&mut self) -> Option<Option<String>> {
        Some(self.opt_str()?.map(str::to_string))
    }

    /// An optional string, borrowed from the bytes.
    pub fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.size()? {
            0 => Some(None),
            len => std::str::from_utf8(self.take(len - 1)?).ok().map(Some),
        }
    }

    /// A hash written by [`hash`], as the bytes it was written as (checked,
    /// so [`Reader::hash`] over them reads it): equal hashes give equal
    /// bytes.
    pub fn hash_bytes(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        let tag = self.varint()?;
        let raw = self.take(usize::try_from(tag >> 1).ok()?)?;
        if tag & 1 == 0 {
            std::str::from_utf8(raw).ok()?;
        }
        Some(&self.bytes[start..self.at])
    }

    /// `n` hashes written by [`hash`] one after another, as the bytes they
    /// were written as.
    pub fn hashes_bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let start = self.at;
        for _ in 0..n {
            self.hash_bytes()?;
        }
        Some(&self.bytes[start..self.at])
    }

    /// An optional number.
    pub fn opt_u64(&mut self) -> Option<Option<u64>> {
        Some(self.varint()?.checked_sub(1))
    }

    /// An optional signed number.
    pub fn opt_i64(&mut self) -> Option<Option<i64>> {
        Some(self.opt_u64()?.map(unzigzag))
    }

    /// A hash written by [`hash`].
    pub fn hash(&mut self) -> Option<String> {
        let tag = self.varint()?;
        let raw = self.take(usize::try_from(tag >> 1).ok()?)?;
        if tag & 1 == 1 {
            Some(hex_string(raw))
        } else {
            std::str::from_utf8(raw).ok().map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_reads_back_as_written() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            varint(&mut out, v);
        }
        text(&mut out, "ø-ærlig");
        opt_text(&mut out, None);
        opt_text(&mut out, Some(""));
        opt_u64(&mut out, None);
        opt_u64(&mut out, Some(0));
        opt_i64(&mut out, Some(-1_700_000_000_000_000));
        opt_i64(&mut out, Some(i64::MAX / 2));
        for h in ["00ff10aa", "DEADbeef", "abc", ""] {
            hash(&mut out, h);
        }
        let mut r = Reader::new(&out);
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(r.varint(), Some(v));
        }
        assert_eq!(r.text().as_deref(), Some("ø-ærlig"));
        assert_eq!(r.opt_text(), Some(None));
        assert_eq!(r.opt_text(), Some(Some(String::new())));
        assert_eq!(r.opt_u64(), Some(None));
        assert_eq!(r.opt_u64(), Some(Some(0)));
        assert_eq!(r.opt_i64(), Some(Some(-1_700_000_000_000_000)));
        assert_eq!(r.opt_i64(), Some(Some(i64::MAX / 2)));
        for h in ["00ff10aa", "DEADbeef", "abc", ""] {
            assert_eq!(r.hash().as_deref(), Some(h));
        }
        assert!(r.done());
        assert_eq!(r.varint(), None, "past the end");
        assert_eq!(Reader::new(&[0xff; 11]).varint(), None, "too long");
    }

    #[test]
    fn hex_strings_are_lower_case_two_digits_a_byte() {
        assert_eq!(hex_string(&[0x00, 0xff, 0x1a, 0xb0]), "00ff1ab0");
        assert_eq!(hex_string(&[]), "");
    }
}
