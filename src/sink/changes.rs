//! `changes.csv` / `changes.parquet`: what changed since the previous scan
//! of the same output folder. Personal data that `appeared` or
//! `disappeared` (by keyed hash and location), that `moved` (the same
//! value gone from one place and found in another, such as a renamed
//! file), and files `newly in violation` of their retention period.
//!
//! Only files read again can change (files carried forward unread are
//! unchanged by definition), so what is held here is bounded by the
//! change, not by the tree. Appeared and disappeared values are paired
//! into moves at the end, up to [`MAX_PAIRED`] rows; beyond that they are
//! written unpaired as they come.

use super::FindingRow;
use super::table::{Cell, Kind, TableWriter, columns};
use crate::Result;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Rows held for pairing into moves before they are written unpaired.
pub const MAX_PAIRED: usize = 200_000;

/// One value that appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path as displayed.
    pub path: String,
    /// Location in the file.
    pub location: String,
    /// Type label.
    pub type_label: String,
    /// Masked value.
    pub value_masked: String,
    /// Keyed hash.
    pub value_hash: String,
}

impl Change {
    /// The change a finding makes.
    pub fn of(row: &FindingRow) -> Change {
        Change {
            path: row.path.to_string(),
            location: row.location.clone(),
            type_label: row.type_label.to_string(),
            value_masked: row.value_masked.clone(),
            value_hash: row.value_hash.clone(),
        }
    }
}

/// Visits a file's findings, one at a time, each time it is called (such
/// as a recording decoded on the fly): [`diff`] goes over them more than
/// once rather than holding them.
pub type Findings<'a> = &'a dyn Fn(&mut dyn FnMut(&FindingRow));

/// The values of a file that appeared and disappeared between its
/// previous findings (`before`) and its new ones (`after`). Only a
/// 128-bit digest of each finding's key is held, and the changed rows:
/// a file of 400,000 unchanged findings costs about 20 MB, not the 1 GB
/// its rows would.
pub fn diff(before: Findings<'_>, after: Findings<'_>) -> (Vec<Change>, Vec<Change>) {
    let digest = |row: &FindingRow| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in [&*row.value_hash, &*row.path, &*row.location, row.type_label] {
            h.update(part.as_bytes());
            h.update(&[0x1f]);
        }
        h.digest128()
    };
    let mut old_keys = HashSet::new();
    before(&mut |row| {
        old_keys.insert(digest(row));
    });
    let mut new_keys = HashSet::new();
    let mut appeared = Vec::new();
    after(&mut |row| {
        let key = digest(row);
        new_keys.insert(key);
        if !old_keys.contains(&key) {
            appeared.push(Change::of(row));
        }
    });
    let mut disappeared = Vec::new();
    before(&mut |row| {
        if !new_keys.contains(&digest(row)) {
            disappeared.push(Change::of(row));
        }
    });
    (appeared, disappeared)
}

/// Counts for `scan.json`, the history and `--fail-on`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChangeCounts {
    /// Whether there was a previous scan to compare with (the first scan
    /// of a folder reports no changes).
    pub compared: bool,
    /// Values found where they were not before.
    pub appeared: u64,
    /// Values no longer found where they were.
    pub disappeared: u64,
    /// Values gone from one place and found in another.
    pub moved: u64,
    /// Files in violation that were not before.
    pub newly_violating: u64,
}

/// The changes table being written.
pub struct Changes {
    table: TableWriter,
    scan_id: String,
    appeared: Vec<Change>,
    disappeared: Vec<Change>,
    /// Files in violation in the previous scan, by path hash.
    violating_before: HashSet<u128>,
    counts: ChangeCounts,
}

fn changes_columns() -> Vec<(String, Kind)> {
    use Kind::Str;
    columns(&[
        ("scan_id", Str),
        ("change", Str),
        ("path", Str),
        ("location", Str),
        ("previous_path", Str),
        ("previous_location", Str),
        ("type", Str),
        ("value_masked", Str),
        ("value_hash", Str),
    ])
}

impl Changes {
    /// Starts `changes.{csv,parquet}` in `out_dir`; `compared`: whether a
    /// previous scan exists. Reads the previous scan's violating files
    /// from its `retention_violations.csv` (still in place).
    pub fn create(out_dir: &Path, scan_id: &str, compared: bool) -> Result<Changes> {
        let mut violating_before = HashSet::new();
        if compared && let Ok(mut csv) = csv::Reader::from_path(out_dir.join("retention_violations.csv")) {
            let at = csv
                .headers()
                .ok()
                .and_then(|h| h.iter().position(|c| c == "path"));
            if let Some(at) = at {
                for row in csv.records().flatten() {
                    if let Some(path) = row.get(at) {
                        violating_before.insert(crate::state::path_hash(path));
                    }
                }
            }
        }
        Ok(Changes {
            table: TableWriter::create(out_dir, "changes", changes_columns())?,
            scan_id: scan_id.to_string(),
            appeared: Vec::new(),
            disappeared: Vec::new(),
            violating_before,
            counts: ChangeCounts {
                compared,
                ..ChangeCounts::default()
            },
        })
    }

    /// Whether there is a previous scan to compare with.
    pub fn compared(&self) -> bool {
        self.counts.compared
    }

    /// Adds one file's changes.
    pub fn add(&mut self, appeared: Vec<Change>, disappeared: Vec<Change>) -> Result<()> {
        if !self.counts.compared {
            return Ok(());
        }
        self.appeared.extend(appeared);
        self.disappeared.extend(disappeared);
        if self.appeared.len() + self.disappeared.len() > MAX_PAIRED {
            for c in std::mem::take(&mut self.appeared) {
                self.write(true, &c)?;
            }
            for c in std::mem::take(&mut self.disappeared) {
                self.write(false, &c)?;
            }
        }
        Ok(())
    }

    /// Notes a file judged in violation in this scan.
    pub fn violating(&mut self, path: &str) -> Result<()> {
        if self.counts.compared && !self.violating_before.contains(&crate::state::path_hash(path)) {
            self.counts.newly_violating += 1;
            self.push("newly in violation", path, None, None)?;
        }
        Ok(())
    }

    /// Writes one row: what changed at `path`, the value (`value`) and
    /// where it was before (`previous`, for moves).
    fn push(
        &mut self,
        change: &str,
        path: &str,
        value: Option<&Change>,
        previous: Option<&Change>,
    ) -> Result<()> {
        self.table.push(&[
            Cell::from(self.scan_id.as_str()),
            Cell::from(change),
            Cell::from(path),
            Cell::from(value.map(|v| v.location.as_str())),
            Cell::from(previous.map(|p| p.path.as_str())),
            Cell::from(previous.map(|p| p.location.as_str())),
            Cell::from(value.map(|v| v.type_label.as_str())),
            Cell::from(value.map(|v| v.value_masked.as_str())),
            Cell::from(value.map(|v| v.value_hash.as_str())),
        ])
    }

    /// Counts and writes a value that appeared or disappeared.
    fn write(&mut self, appeared: bool, c: &Change) -> Result<()> {
        let (count, change) = if appeared {
            (&mut self.counts.appeared, "appeared")
        } else {
            (&mut self.counts.disappeared, "disappeared")
        };
        *count += 1;
        self.push(change, &c.path, Some(c), None)
    }

    /// Pairs what is held into moves, writes the rest and commits the
    /// table. Returns the counts.
    pub fn commit(mut self) -> Result<ChangeCounts> {
        let mut gone: HashMap<(String, String), Vec<Change>> = HashMap::new();
        for c in std::mem::take(&mut self.disappeared) {
            gone.entry((c.value_hash.clone(), c.type_label.clone()))
                .or_default()
                .push(c);
        }
        for c in std::mem::take(&mut self.appeared) {
            let from = gone
                .get_mut(&(c.value_hash.clone(), c.type_label.clone()))
                .and_then(Vec::pop);
            match from {
                Some(from) => {
                    self.counts.moved += 1;
                    self.push("moved", &c.path, Some(&c), Some(&from))?;
                }
                None => self.write(true, &c)?,
            }
        }
        let mut left: Vec<Change> = gone.into_values().flatten().collect();
        left.sort_by(|a, b| (&a.path, &a.location).cmp(&(&b.path, &b.location)));
        for c in left {
            self.write(false, &c)?;
        }
        self.table.commit()?;
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, location: &str, hash: &str) -> Change {
        Change {
            path: path.into(),
            location: location.into(),
            type_label: "email".into(),
            value_masked: "o**@x.no".into(),
            value_hash: hash.into(),
        }
    }

    #[test]
    fn a_diff_names_what_appeared_and_what_disappeared() {
        let row = FindingRow::example;
        let before = [row("row 1", "aa"), row("row 2", "bb"), row("row 3", "cc")];
        // bb moved within the file; cc is gone; dd is new; aa stayed.
        let after = [row("row 1", "aa"), row("row 3", "bb"), row("row 4", "dd")];
        let (appeared, disappeared) = diff(&|f| before.iter().for_each(f), &|f| after.iter().for_each(f));
        let at = |c: &Vec<Change>| -> Vec<(String, String)> {
            c.iter()
                .map(|c| (c.location.clone(), c.value_hash.clone()))
                .collect()
        };
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(l, h)| (l.to_string(), h.to_string())).collect()
        };
        assert_eq!(at(&appeared), pairs(&[("row 3", "bb"), ("row 4", "dd")]));
        assert_eq!(at(&disappeared), pairs(&[("row 2", "bb"), ("row 3", "cc")]));
    }

    #[test]
    fn moves_pair_a_gone_value_with_the_same_value_found_elsewhere() {
        let out = tempfile::tempdir().unwrap();
        let mut changes = Changes::create(out.path(), "s2", true).unwrap();
        changes
            .add(
                vec![change("new.csv", "row 1", "aa"), change("new.csv", "row 2", "bb")],
                vec![],
            )
            .unwrap();
        changes
            .add(
                vec![],
                vec![change("old.csv", "row 1", "aa"), change("old.csv", "row 3", "cc")],
            )
            .unwrap();
        changes.violating("hr/old.txt").unwrap();
        let counts = changes.commit().unwrap();
        assert_eq!(
            counts,
            ChangeCounts {
                compared: true,
                appeared: 1,
                disappeared: 1,
                moved: 1,
                newly_violating: 1
            }
        );
        let text = std::fs::read_to_string(out.path().join("changes.csv")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "scan_id,change,path,location,previous_path,previous_location,type,value_masked,value_hash",
                "s2,newly in violation,hr/old.txt,,,,,,",
                "s2,moved,new.csv,row 1,old.csv,row 1,email,o**@x.no,aa",
                "s2,appeared,new.csv,row 2,,,email,o**@x.no,bb",
                "s2,disappeared,old.csv,row 3,,,email,o**@x.no,cc",
            ]
        );
    }

    #[test]
    fn the_first_scan_of_a_folder_reports_no_change() {
        let out = tempfile::tempdir().unwrap();
        let mut changes = Changes::create(out.path(), "s1", false).unwrap();
        changes.add(vec![change("a.csv", "row 1", "aa")], vec![]).unwrap();
        changes.violating("a.csv").unwrap();
        assert_eq!(changes.commit().unwrap(), ChangeCounts::default());
    }
}
