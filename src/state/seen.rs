//! Which of the state's file rows a scan has seen, so the rest can be
//! found gone at the end. A row is named by its SQLite row id, which the
//! scan learns when it looks a file up or stores it: one bit a row, where a
//! set of 128-bit path hashes took about 20 bytes a file (200 MB for a
//! share of ten million files).

use std::collections::HashSet;

/// Row ids past this are kept in a plain set instead of the bitmap, so a
/// state whose ids were pushed high (SQLite picks random ids once the
/// largest possible one is used) costs memory by the row, not by the id.
const BITMAP_ROWS: u64 = 1 << 32;

/// A set of row ids.
#[derive(Debug, Default)]
pub struct SeenRows {
    bits: Vec<u64>,
    far: HashSet<i64>,
}

impl SeenRows {
    /// Adds `row`; returns whether it was not there yet.
    pub fn insert(&mut self, row: i64) -> bool {
        match u64::try_from(row) {
            Ok(id) if id < BITMAP_ROWS => {
                let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
                if word >= self.bits.len() {
                    self.bits.resize((word + 1).next_power_of_two(), 0);
                }
                let new = self.bits[word] & bit == 0;
                self.bits[word] |= bit;
                new
            }
            _ => self.far.insert(row),
        }
    }

    /// Whether `row` was added.
    pub fn contains(&self, row: i64) -> bool {
        match u64::try_from(row) {
            Ok(id) if id < BITMAP_ROWS => self
                .bits
                .get((id / 64) as usize)
                .is_some_and(|w| w & (1u64 << (id % 64)) != 0),
            _ => self.far.contains(&row),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_seen_once_wherever_their_ids_lie() {
        let mut seen = SeenRows::default();
        for row in [1, 64, 65, 4_000_000, i64::MAX, -3] {
            assert!(!seen.contains(row), "{row}");
            assert!(seen.insert(row), "{row}");
            assert!(!seen.insert(row), "{row} twice");
            assert!(seen.contains(row), "{row}");
        }
        for row in [0, 2, 63, 66, 3_999_999, i64::MAX - 1, -2] {
            assert!(!seen.contains(row), "{row}");
        }
        assert_eq!(seen.far.len(), 2, "ids past the bitmap are kept apart");
        assert!(seen.bits.len() * 64 <= 2 * 4_000_064);
    }
}
