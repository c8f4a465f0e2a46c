//! `changes.csv` / `changes.parquet`: what changed since the previous scan
//! of the same output folder. Personal data that `appeared` or
//! `disappeared` (by keyed hash and location), that `moved` (the same
//! value gone from one place and found in another, such as a renamed
//! file), and files `newly in violation` of their retention period.
//!
//! Only files read again can change (files carried forward unread are
//! unchanged by definition). Appeared and disappeared values are paired
//! into moves at the end: up to [`HELD`] changes in memory, any number
//! more through bucket files on disk (`spill`), so memory stays bounded
//! whatever the change.

mod spill;

use super::FindingRow;
use super::table::{Cell, Kind, TableWriter, columns};
use crate::Result;
use spill::Spill;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Changes held in memory for pairing into moves (about 22 MB); past
/// this, they spill to disk. 200,000 held took 45 MB, which put a
/// rescan of a renamed 1 GB tree over the 300 MB bound.
pub const HELD: usize = 100_000;

/// One value that appeared or disappeared. Up to [`HELD`] are held, so
/// it is kept small: the path is shared with the file's other
/// rows and the texts are boxed to their length (about 220 bytes a
/// change with its texts, where owned strings took about 340).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path as displayed.
    pub path: Arc<str>,
    /// Location in the file.
    pub location: Box<str>,
    /// Type label.
    pub type_label: &'static str,
    /// Masked value.
    pub value_masked: Box<str>,
    /// Keyed hash.
    pub value_hash: Box<str>,
}

impl Change {
    /// The change a finding makes.
    pub fn of(row: &FindingRow) -> Change {
        Change {
            path: Arc::clone(&row.path),
            location: row.location.as_str().into(),
            type_label: row.type_label,
            value_masked: row.value_masked.as_str().into(),
            value_hash: row.value_hash.as_str().into(),
        }
    }

    /// What a move pairs on: the same value of the same type.
    fn value(&self) -> (&str, &str) {
        (&self.value_hash, self.type_label)
    }

    /// Where it is: the order changes are paired in.
    fn place(&self) -> (&str, &str) {
        (&self.path, &self.location)
    }

    /// The order changes are written in: by place, then value, so two
    /// values at one place come out the same way in every scan.
    fn written_order(&self) -> ((&str, &str), (&str, &str)) {
        (self.place(), self.value())
    }
}

/// Visits a file's findings, one at a time, each time it is called (such
/// as a recording decoded on the fly), each as its [`key`] and a way to
/// build it: [`diff`] goes over them more than once rather than holding
/// them, and builds only those that changed.
pub type Keyed<'a> = &'a dyn Fn(&mut dyn FnMut(u128, Build<'_>));

/// Builds a finding handed on by its [`key`] (`None` when it is damaged).
pub type Build<'a> = &'a dyn Fn() -> Option<FindingRow>;

/// The key findings are compared by: a 128-bit digest of the value's keyed
/// hash (as [`crate::wire::hash`] writes it), the path, the location and
/// the type label.
pub fn key(value_hash: &[u8], path: &str, location: &str, type_label: &str) -> u128 {
    let parts = [
        value_hash,
        path.as_bytes(),
        location.as_bytes(),
        type_label.as_bytes(),
    ];
    crate::digest::xxh3_128(&parts, 0x1f)
}

/// Changes handed on together at most (about 220 KB), as finding messages
/// hold at most 1,024 rows: a rescan after a tree was renamed sends every
/// finding twice, and a whole file's changes at once (58,000 findings in
/// one export, 26 MB) put the queue to the sink past the memory bound.
pub const CHANGES: usize = 1024;

/// Gathers changes and hands them on in batches of at most [`CHANGES`]
/// (appeared, disappeared), in the order they come.
pub struct Batches<'e> {
    appeared: Vec<Change>,
    disappeared: Vec<Change>,
    emit: &'e mut dyn FnMut(Vec<Change>, Vec<Change>),
}

impl<'e> Batches<'e> {
    /// Empty batches handed to `emit`.
    pub fn new(emit: &'e mut dyn FnMut(Vec<Change>, Vec<Change>)) -> Batches<'e> {
        Batches {
            appeared: Vec::new(),
            disappeared: Vec::new(),
            emit,
        }
    }

    /// Adds the change `row` makes: it appeared (`new`) or disappeared.
    pub fn push(&mut self, row: &FindingRow, new: bool) {
        let side = if new {
            &mut self.appeared
        } else {
            &mut self.disappeared
        };
        side.push(Change::of(row));
        if self.appeared.len() + self.disappeared.len() >= CHANGES {
            (self.emit)(
                std::mem::take(&mut self.appeared),
                std::mem::take(&mut self.disappeared),
            );
        }
    }

    /// Hands on what is left.
    pub fn finish(self) {
        if !self.appeared.is_empty() || !self.disappeared.is_empty() {
            (self.emit)(self.appeared, self.disappeared);
        }
    }
}

/// Finding keys one pass of [`diff`] holds per side at most (16 bytes
/// each: about 18 MB a side).
pub const PASS_KEYS: u64 = 1_000_000;

/// The values of a file that appeared and disappeared between its
/// previous findings (`before`) and its new ones (`after`), handed to
/// `emit` in [`Batches`] as they are found. Only the [`key`] of each
/// finding is held, and a file of more than [`PASS_KEYS`] findings on a
/// side (`keys`, the larger side's count) is compared in passes, each over
/// the keys of one share: every side is read once more per pass, and
/// memory stays under 40 MB however big the file.
pub fn diff(before: Keyed<'_>, after: Keyed<'_>, keys: u64, emit: &mut dyn FnMut(Vec<Change>, Vec<Change>)) {
    let passes = keys.div_ceil(PASS_KEYS).max(1);
    let room = usize::try_from(keys.div_ceil(passes) + keys.div_ceil(passes) / 8).unwrap_or(0);
    let mut batches = Batches::new(emit);
    for pass in 0..passes {
        let mine = |key: u128| (key >> 64) as u64 % passes == pass;
        let mut old_keys = Vec::with_capacity(room);
        before(&mut |key, _| {
            if mine(key) {
                old_keys.push(key);
            }
        });
        old_keys.sort_unstable();
        let mut new_keys = Vec::with_capacity(room);
        after(&mut |key, row| {
            if mine(key) {
                new_keys.push(key);
                if old_keys.binary_search(&key).is_err()
                    && let Some(row) = row()
                {
                    batches.push(&row, true);
                }
            }
        });
        drop(old_keys);
        new_keys.sort_unstable();
        before(&mut |key, row| {
            if mine(key)
                && new_keys.binary_search(&key).is_err()
                && let Some(row) = row()
            {
                batches.push(&row, false);
            }
        });
    }
    batches.finish();
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
    /// Changes held before they spill ([`HELD`]; smaller in tests).
    held: usize,
    /// Where changes past `held` go, once there are that many.
    spill: Option<Spill>,
    out_dir: PathBuf,
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
            held: HELD,
            spill: None,
            out_dir: out_dir.to_path_buf(),
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
        if self.appeared.len() + self.disappeared.len() > self.held {
            self.spill_held()?;
        }
        Ok(())
    }

    /// Moves the held changes to the spill, starting it if need be.
    fn spill_held(&mut self) -> Result<()> {
        let spill = match &mut self.spill {
            Some(spill) => spill,
            None => self.spill.insert(Spill::create(&self.out_dir)?),
        };
        spill.add(true, &self.appeared)?;
        spill.add(false, &self.disappeared)?;
        self.appeared.clear();
        self.disappeared.clear();
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
            Cell::from(value.map(|v| &*v.location)),
            Cell::from(previous.map(|p| &*p.path)),
            Cell::from(previous.map(|p| &*p.location)),
            Cell::from(value.map(|v| v.type_label)),
            Cell::from(value.map(|v| &*v.value_masked)),
            Cell::from(value.map(|v| &*v.value_hash)),
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

    /// Pairs the changes into moves, writes the rest and commits the
    /// table. Returns the counts.
    pub fn commit(mut self) -> Result<ChangeCounts> {
        if self.spill.is_some() {
            self.spill_held()?;
        }
        match self.spill.take() {
            None => {
                let appeared = std::mem::take(&mut self.appeared);
                let disappeared = std::mem::take(&mut self.disappeared);
                self.pair(appeared, disappeared)?;
            }
            Some(spill) => spill.finish(self.held, &mut |a, d| self.pair(a, d))?,
        }
        self.table.commit()?;
        Ok(self.counts)
    }

    /// Pairs appeared values with disappeared ones into moves and writes
    /// them, then the rest. `gone` holds every disappearance of the values
    /// in `appeared` (or the same slice of a single value's).
    ///
    /// Each side is taken in (path, location) order, so the k-th place a
    /// value appeared pairs with the k-th place it disappeared from: the
    /// same pairs whatever order the workers' messages came in, and a
    /// renamed folder's files pair with their own new names (`a/x` with
    /// `b/x`, not `b/y`, for a value found in both). Only two indexes per
    /// gone value are made for it, not a map of copied keys: that map took
    /// more memory than the held changes themselves.
    fn pair(&mut self, mut appeared: Vec<Change>, gone: Vec<Change>) -> Result<()> {
        appeared.sort_unstable_by(|a, b| a.written_order().cmp(&b.written_order()));
        // Gone values by (value, type), each value's by place.
        let mut order: Vec<u32> = (0..gone.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&gone[a as usize], &gone[b as usize]);
            (a.value(), a.place()).cmp(&(b.value(), b.place()))
        });
        // How many of the run of equal values starting at each position
        // have been paired.
        let mut taken = vec![0u32; order.len()];
        for c in appeared {
            let start = order.partition_point(|&i| gone[i as usize].value() < c.value());
            let next = start + taken.get(start).copied().unwrap_or(0) as usize;
            match order.get(next).map(|&i| &gone[i as usize]) {
                Some(from) if from.value() == c.value() => {
                    taken[start] += 1;
                    self.counts.moved += 1;
                    self.push("moved", &c.path, Some(&c), Some(from))?;
                }
                _ => self.write(true, &c)?,
            }
        }
        let mut left = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let value = gone[order[start] as usize].value();
            let end = start + order[start..].partition_point(|&i| gone[i as usize].value() == value);
            left.extend_from_slice(&order[start + taken[start] as usize..end]);
            start = end;
        }
        drop(taken);
        drop(order);
        left.sort_unstable_by(|&a, &b| {
            gone[a as usize]
                .written_order()
                .cmp(&gone[b as usize].written_order())
        });
        for i in left {
            self.write(false, &gone[i as usize])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, location: &str, hash: &str) -> Change {
        Change {
            path: path.into(),
            location: location.into(),
            type_label: "email",
            value_masked: "o**@x.no".into(),
            value_hash: hash.into(),
        }
    }

    /// [`key`] of a finding row, as a recording gives it.
    fn row_key(row: &FindingRow) -> u128 {
        let mut hash = Vec::with_capacity(40);
        crate::wire::hash(&mut hash, &row.value_hash);
        key(&hash, &row.path, &row.location, row.type_label)
    }

    /// Hands `rows` on as a recording would.
    fn keyed(rows: &[FindingRow], f: &mut dyn FnMut(u128, Build<'_>)) {
        for row in rows {
            f(row_key(row), &|| Some(row.clone()));
        }
    }

    #[test]
    fn a_diff_names_what_appeared_and_what_disappeared() {
        let row = FindingRow::example;
        let before = [row("row 1", "aa"), row("row 2", "bb"), row("row 3", "cc")];
        // bb moved within the file; cc is gone; dd is new; aa stayed.
        let after = [row("row 1", "aa"), row("row 3", "bb"), row("row 4", "dd")];
        let (mut appeared, mut disappeared) = (Vec::new(), Vec::new());
        diff(&|f| keyed(&before, f), &|f| keyed(&after, f), 3, &mut |a, d| {
            appeared.extend(a);
            disappeared.extend(d);
        });
        let at = |c: &Vec<Change>| -> Vec<(String, String)> {
            c.iter()
                .map(|c| (c.location.to_string(), c.value_hash.to_string()))
                .collect()
        };
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(l, h)| (l.to_string(), h.to_string())).collect()
        };
        assert_eq!(at(&appeared), pairs(&[("row 3", "bb"), ("row 4", "dd")]));
        assert_eq!(at(&disappeared), pairs(&[("row 2", "bb"), ("row 3", "cc")]));
    }

    /// Changes come in batches of at most [`CHANGES`], in order (here a
    /// diff against nothing: all the file held disappeared).
    #[test]
    fn a_diff_hands_changes_on_in_bounded_batches() {
        let rows: Vec<FindingRow> = (0..2 * CHANGES + 452)
            .map(|i| FindingRow::example(&format!("row {i}"), &format!("{i:04}")))
            .collect();
        let mut batches = Vec::new();
        diff(&|f| keyed(&rows, f), &|_| {}, rows.len() as u64, &mut |a, d| {
            assert!(a.is_empty());
            batches.push(d);
        });
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [CHANGES, CHANGES, 452]);
        let locations: Vec<String> = batches.concat().iter().map(|c| c.location.to_string()).collect();
        let expected: Vec<String> = rows.iter().map(|r| r.location.clone()).collect();
        assert_eq!(locations, expected);
    }

    /// A file with more findings than one pass holds is compared in
    /// passes (each side read again per pass) and gives the same changes.
    #[test]
    fn a_diff_in_passes_finds_what_one_pass_finds() {
        let before: Vec<FindingRow> = (0..900)
            .map(|i| FindingRow::example(&format!("row {i}"), &format!("{:04}", i % 700)))
            .collect();
        // Every third row changed value, every fifth is gone, 50 are new.
        let after: Vec<FindingRow> = (0..950)
            .filter(|i| i % 5 != 0)
            .map(|i| {
                let value = if i % 3 == 0 { i + 5000 } else { i % 700 };
                FindingRow::example(&format!("row {i}"), &format!("{value:04}"))
            })
            .collect();
        let run = |keys: u64| {
            let reads = std::cell::Cell::new((0, 0));
            let (mut appeared, mut disappeared) = (Vec::new(), Vec::new());
            diff(
                &|f| {
                    reads.set((reads.get().0 + 1, reads.get().1));
                    keyed(&before, f)
                },
                &|f| {
                    reads.set((reads.get().0, reads.get().1 + 1));
                    keyed(&after, f)
                },
                keys,
                &mut |a, d| {
                    appeared.extend(a.into_iter().map(|c| (c.location, c.value_hash)));
                    disappeared.extend(d.into_iter().map(|c| (c.location, c.value_hash)));
                },
            );
            appeared.sort();
            disappeared.sort();
            (appeared, disappeared, reads.get())
        };
        let (appeared, disappeared, reads) = run(950);
        assert_eq!(reads, (2, 1));
        assert_eq!((appeared.len(), disappeared.len()), (280, 420));
        let passes = run(3 * PASS_KEYS);
        assert_eq!(passes.2, (6, 3));
        assert_eq!((passes.0, passes.1), (appeared, disappeared));
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

    /// A value found in several places pairs in order of place: its first
    /// new place with its first old one, and so on; what is left over of
    /// either side is listed as such.
    #[test]
    fn repeated_values_pair_in_order_of_place() {
        let out = tempfile::tempdir().unwrap();
        let mut changes = Changes::create(out.path(), "s2", true).unwrap();
        let gone = vec![
            change("old.csv", "row 2", "aa"),
            change("old.csv", "row 1", "bb"),
            change("old.csv", "row 9", "aa"),
            change("old.csv", "row 3", "bb"),
        ];
        changes.add(vec![], gone).unwrap();
        let new = vec![
            change("new.csv", "row 5", "aa"),
            change("new.csv", "row 6", "aa"),
            change("new.csv", "row 7", "aa"),
            change("new.csv", "row 8", "bb"),
        ];
        changes.add(new, vec![]).unwrap();
        let counts = changes.commit().unwrap();
        assert_eq!((counts.moved, counts.appeared, counts.disappeared), (3, 1, 1));
        let text = std::fs::read_to_string(out.path().join("changes.csv")).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            rows,
            [
                "s2,moved,new.csv,row 5,old.csv,row 2,email,o**@x.no,aa",
                "s2,moved,new.csv,row 6,old.csv,row 9,email,o**@x.no,aa",
                "s2,appeared,new.csv,row 7,,,email,o**@x.no,aa",
                "s2,moved,new.csv,row 8,old.csv,row 1,email,o**@x.no,bb",
                "s2,disappeared,old.csv,row 3,,,email,o**@x.no,bb",
            ]
        );
    }

    /// The counts and sorted rows of `changes.csv` for changes added in
    /// `batches` when `held` of them are held in memory, and what else
    /// the output folder holds.
    fn paired(
        held: usize,
        batches: &[(Vec<Change>, Vec<Change>)],
    ) -> (ChangeCounts, Vec<String>, Vec<String>) {
        let out = tempfile::tempdir().unwrap();
        let mut changes = Changes::create(out.path(), "s2", true).unwrap();
        changes.held = held;
        for (appeared, disappeared) in batches {
            changes.add(appeared.clone(), disappeared.clone()).unwrap();
        }
        let counts = changes.commit().unwrap();
        let text = std::fs::read_to_string(out.path().join("changes.csv")).unwrap();
        let mut rows: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
        rows.sort();
        let mut files: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        (counts, rows, files)
    }

    /// A value found in several files of a renamed folder pairs each old
    /// file with its own new name, in whatever order the files' changes
    /// came.
    #[test]
    fn a_value_in_several_renamed_files_pairs_each_with_its_new_name() {
        let gone = ["a/2.txt", "a/3.txt", "a/1.txt"].map(|p| change(p, "line 1", "h1"));
        let appeared = ["b/3.txt", "b/1.txt", "b/2.txt"].map(|p| change(p, "line 1", "h1"));
        let reversed = |c: &[Change]| c.iter().rev().cloned().collect::<Vec<_>>();
        for batches in [
            vec![(appeared.to_vec(), gone.to_vec())],
            vec![(reversed(&appeared), reversed(&gone))],
            vec![
                (appeared[..1].to_vec(), gone[1..].to_vec()),
                (appeared[1..].to_vec(), gone[..1].to_vec()),
            ],
        ] {
            let (counts, rows, _) = paired(100, &batches);
            assert_eq!(counts.moved, 3);
            let pairs: Vec<String> = rows
                .iter()
                .map(|r| r.split(',').skip(1).take(5).collect::<Vec<_>>().join(","))
                .collect();
            assert_eq!(
                pairs,
                [1, 2, 3].map(|i| format!("moved,b/{i}.txt,line 1,a/{i}.txt,line 1")),
                "{batches:?}"
            );
        }
    }

    /// Past what is held in memory, changes spill to bucket files and are
    /// still paired exactly as in memory: 300 values moved between files,
    /// one value found 70 times where it had been 50 (split down to a
    /// bucket of that value alone, sorted by place on disk and paired a
    /// slice at a time), 40 new values and 30 gone, added in interleaved
    /// batches.
    #[test]
    fn changes_past_what_is_held_pair_on_disk_as_in_memory() {
        let mut appeared = Vec::new();
        let mut gone = Vec::new();
        for i in 0..300 {
            let hash = format!("a0{i:06x}");
            gone.push(change(&format!("old/f{}.csv", i % 7), &format!("row {i}"), &hash));
            appeared.push(change(&format!("new/f{}.csv", i % 7), &format!("row {i}"), &hash));
        }
        for i in 0..70 {
            appeared.push(change("new/hot.csv", &format!("row {i}"), "abcdef"));
        }
        for i in 0..50 {
            gone.push(change("old/hot.csv", &format!("row {i}"), "abcdef"));
        }
        appeared.extend((0..40).map(|i| change("new/only.csv", &format!("row {i}"), &format!("b0{i:06x}"))));
        gone.extend((0..30).map(|i| change("old/only.csv", &format!("row {i}"), &format!("c0{i:06x}"))));
        gone.reverse();
        let batches: Vec<(Vec<Change>, Vec<Change>)> = appeared
            .chunks(37)
            .zip(gone.chunks(41).chain(std::iter::repeat(&[][..])))
            .map(|(a, d)| (a.to_vec(), d.to_vec()))
            .collect();
        assert_eq!(batches.iter().map(|(_, d)| d.len()).sum::<usize>(), gone.len());

        let (counts, rows, files) = paired(usize::MAX, &batches);
        assert_eq!((counts.moved, counts.appeared, counts.disappeared), (350, 60, 30));
        // By place: `row 53` is the 50th of the new places in text order
        // and `row 9` the last of the old ones.
        assert!(
            rows.contains(&"s2,moved,new/hot.csv,row 0,old/hot.csv,row 0,email,o**@x.no,abcdef".to_string())
        );
        assert!(
            rows.contains(&"s2,moved,new/hot.csv,row 53,old/hot.csv,row 9,email,o**@x.no,abcdef".to_string())
        );
        assert!(rows.contains(&"s2,appeared,new/hot.csv,row 54,,,email,o**@x.no,abcdef".to_string()));
        assert!(
            rows.contains(
                &"s2,moved,new/f3.csv,row 10,old/f3.csv,row 10,email,o**@x.no,a000000a".to_string()
            )
        );
        assert_eq!(files, ["changes.csv", "changes.parquet"]);

        // On disk, with the hot value sorted by place side by side and
        // paired a slice at a time, the report is the same, row for row.
        for held in [8, 50, 200] {
            let (spilled_counts, spilled_rows, files) = paired(held, &batches);
            assert_eq!(spilled_counts, counts, "held {held}");
            assert_eq!(spilled_rows, rows, "held {held}");
            assert_eq!(files, ["changes.csv", "changes.parquet"], "nothing left behind");
        }
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
