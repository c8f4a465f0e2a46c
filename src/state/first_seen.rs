//! When each finding of a file first appeared, for `datakart findings
//! --baseline`. The state keeps one row per file (`first_seen`: path and
//! a blob) rather than one row per finding: a scan after a whole tree was
//! renamed wrote a million single-finding rows at random places in one
//! B-tree (every finding's id changes with its path), half of that scan's
//! CPU; per file it is one write. Only findings that appeared after the
//! folder's first scan are listed; the others have been there all along.
//!
//! A blob is a list of groups, one per scan: the scan id (`u16` length,
//! then its bytes), the number of findings (`u32`), then their ids (`u64`
//! each), all little-endian.

use rustc_hash::FxHashSet as HashSet;

/// The findings of one file that appeared after the first scan, grouped
/// by the scan they appeared in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FirstSeen {
    /// Scan id and the ids of the findings that appeared in it.
    groups: Vec<(String, Vec<u64>)>,
}

impl FirstSeen {
    /// Reads a blob [`FirstSeen::encode`] wrote; `None` when it is cut
    /// short or not UTF-8 (a damaged row is dropped, not trusted).
    pub fn decode(blob: &[u8]) -> Option<FirstSeen> {
        let mut rest = blob;
        let mut take = |n: usize| take(&mut rest, n);
        let mut groups = Vec::new();
        while let Some(len) = take(2) {
            let len = u16::from_le_bytes(len.try_into().ok()?) as usize;
            let scan = std::str::from_utf8(take(len)?).ok()?.to_string();
            let count = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
            let ids = take(count.checked_mul(8)?)?
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect();
            groups.push((scan, ids));
        }
        Some(FirstSeen { groups })
    }

    /// The blob of these groups (empty groups are left out).
    pub fn encode(&self) -> Vec<u8> {
        let size: usize = self
            .groups
            .iter()
            .map(|(s, ids)| 6 + s.len() + 8 * ids.len())
            .sum();
        let mut out = Vec::with_capacity(size);
        for (scan, ids) in self.groups.iter().filter(|(_, ids)| !ids.is_empty()) {
            let scan = &scan.as_bytes()[..scan.len().min(u16::MAX as usize)];
            out.extend_from_slice(&(scan.len() as u16).to_le_bytes());
            out.extend_from_slice(scan);
            out.extend_from_slice(&(ids.len() as u32).to_le_bytes());
            for id in ids {
                out.extend_from_slice(&id.to_le_bytes());
            }
        }
        out
    }

    /// Drops the findings `gone` and adds `appeared` as first seen in
    /// scan `scan_id`.
    pub fn update(&mut self, appeared: &[u64], gone: &[u64], scan_id: &str) {
        if !gone.is_empty() {
            let gone: HashSet<u64> = gone.iter().copied().collect();
            for (_, ids) in &mut self.groups {
                ids.retain(|id| !gone.contains(id));
            }
            self.groups.retain(|(_, ids)| !ids.is_empty());
        }
        if appeared.is_empty() {
            return;
        }
        match self.groups.iter_mut().find(|(s, _)| s == scan_id) {
            Some((_, ids)) => ids.extend_from_slice(appeared),
            None => self.groups.push((scan_id.to_string(), appeared.to_vec())),
        }
    }

    /// Whether no finding is listed.
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|(_, ids)| ids.is_empty())
    }

    /// Each listed finding with the scan it appeared in.
    pub fn each(&self, mut f: impl FnMut(u64, &str)) {
        for (scan, ids) in &self.groups {
            for &id in ids {
                f(id, scan);
            }
        }
    }
}

/// The next `n` bytes of `rest`, if it holds that many.
fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, tail) = rest.split_at_checked(n)?;
    *rest = tail;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(seen: &FirstSeen) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        seen.each(|id, scan| out.push((id, scan.to_string())));
        out
    }

    #[test]
    fn updates_keep_each_finding_with_the_scan_it_appeared_in() {
        let mut seen = FirstSeen::default();
        seen.update(&[1, 2, 3], &[], "scan-2");
        seen.update(&[4], &[2, 99], "scan-3");
        seen.update(&[5], &[], "scan-3");
        assert_eq!(
            listed(&seen),
            [
                (1, "scan-2".to_string()),
                (3, "scan-2".to_string()),
                (4, "scan-3".to_string()),
                (5, "scan-3".to_string())
            ]
        );
        let blob = seen.encode();
        assert_eq!(blob.len(), 2 * (2 + 6 + 4) + 4 * 8);
        assert_eq!(FirstSeen::decode(&blob), Some(seen.clone()));
        // Every finding gone: nothing left to keep.
        seen.update(&[], &[1, 3, 4, 5], "scan-4");
        assert!(seen.is_empty());
        assert!(seen.encode().is_empty());
    }

    #[test]
    fn a_damaged_blob_is_refused() {
        let mut seen = FirstSeen::default();
        seen.update(&[7, 8], &[], "scan-2");
        let blob = seen.encode();
        assert_eq!(FirstSeen::decode(&blob[..blob.len() - 1]), None);
        assert_eq!(FirstSeen::decode(&[5, 0, b'a']), None);
        assert_eq!(FirstSeen::decode(&[]), Some(FirstSeen::default()));
    }
}
