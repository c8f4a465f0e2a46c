//! Digests of several short parts, each followed by a separator byte, as
//! one xxh3 call over the parts laid end to end. xxh3's streaming state
//! copies every small part into its own buffer: hashing a finding's four
//! fields that way was about 3% of the sink's time on a dense rescan. The
//! digest is the one the streaming state gives for the same bytes.

use std::cell::RefCell;

thread_local! {
    /// The parts laid end to end, reused from call to call.
    static JOINED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The parts, each followed by `end`, laid end to end and handed to `hash`.
fn joined<R>(parts: &[&[u8]], end: u8, hash: impl FnOnce(&[u8]) -> R) -> R {
    JOINED.with_borrow_mut(|joined| {
        joined.clear();
        for part in parts {
            joined.extend_from_slice(part);
            joined.push(end);
        }
        hash(joined)
    })
}

/// The 64-bit xxh3 of `parts`, each followed by `end`.
pub fn xxh3_64(parts: &[&[u8]], end: u8) -> u64 {
    joined(parts, end, xxhash_rust::xxh3::xxh3_64)
}

/// The 128-bit xxh3 of `parts`, each followed by `end`.
pub fn xxh3_128(parts: &[&[u8]], end: u8) -> u128 {
    joined(parts, end, xxhash_rust::xxh3::xxh3_128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxhash_rust::xxh3::Xxh3;

    /// Ids and change keys computed before this module must stay the same:
    /// the digests equal the streaming state's, short parts and long.
    #[test]
    fn digests_equal_the_streamed_ones() {
        let long = "arkiv/".repeat(60) + "kunder.csv";
        for parts in [
            vec!["a.csv", "row 1", "email", "00"],
            vec![long.as_str(), "sheet Kunder, cell C7", "no_fnr", &"ab".repeat(32)],
            vec![],
        ] {
            let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
            let mut streamed = Xxh3::new();
            for part in &parts {
                streamed.update(part);
                streamed.update(&[0x1f]);
            }
            assert_eq!(xxh3_64(&parts, 0x1f), streamed.digest());
            assert_eq!(xxh3_128(&parts, 0x1f), streamed.digest128());
        }
    }
}
