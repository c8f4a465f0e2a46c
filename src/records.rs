//! Row-level dating of structured data. A CSV, SQL, sheet, SQLite or
//! NDJSON record with a date column (`sist_kontakt`, `last_contact`,
//! `avsluttet`) is as old as that date, not as its file. Workers follow
//! the record being read ([`RecordTracker`]): the dates in its date
//! columns and the personal findings in it. A finished record with
//! personal data becomes a [`RecordSummary`] for the sink, which holds a
//! file's summaries ([`RecordBuffer`], spilling to an unnamed temporary
//! file past [`IN_MEMORY`]) until the file's category is known and its
//! rows can be judged.
//!
//! Counts are those of validated findings; look-alikes that column
//! classification adds later (low confidence, not validating) count in
//! the file's totals only.

use crate::model::DataType;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

/// Summaries a file keeps in memory before spilling to disk.
pub const IN_MEMORY: usize = 16_384;

/// Date columns a profile may name, all categories together (a column is
/// one bit of a mask).
pub const MAX_DATE_COLUMNS: usize = 64;

/// One finished record: where it is, its dates, its personal findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSummary {
    /// The record as a location (`row 42`, `table kunder row 7`).
    pub label: String,
    /// Dates found, as (date column id, microseconds since the epoch).
    pub dates: Vec<(u16, i64)>,
    /// Personal findings per type ([`DataType::index`] order).
    pub per_type: [u32; DataType::ALL.len()],
}

impl RecordSummary {
    /// The date of the first of `preferred` date columns the record has.
    pub fn date_in(&self, preferred: &[u16]) -> Option<(u16, i64)> {
        preferred
            .iter()
            .find_map(|id| self.dates.iter().find(|(c, _)| c == id).copied())
    }

    /// Personal findings in the record.
    pub fn personal(&self) -> u64 {
        self.per_type.iter().map(|&n| u64::from(n)).sum()
    }
}

/// The record being read in one file, on the worker side.
#[derive(Debug, Default)]
pub struct RecordTracker {
    open: Option<Open>,
    done: Vec<RecordSummary>,
}

#[derive(Debug)]
struct Open {
    key: (u64, u64),
    label: Option<String>,
    dates: Vec<(u16, i64)>,
    per_type: [u32; DataType::ALL.len()],
}

impl RecordTracker {
    /// The unit being read belongs to record `key` (row number, and a
    /// hash of its table or sheet); a new key finishes the open record.
    pub fn enter(&mut self, key: (u64, u64)) {
        if self.open.as_ref().is_some_and(|o| o.key == key) {
            return;
        }
        self.close();
        self.open = Some(Open {
            key,
            label: None,
            dates: Vec::new(),
            per_type: [0; DataType::ALL.len()],
        });
    }

    /// The open record's date column `column` holds `date`.
    pub fn date(&mut self, column: u16, date: i64) {
        if let Some(o) = &mut self.open
            && !o.dates.iter().any(|(c, _)| *c == column)
        {
            o.dates.push((column, date));
        }
    }

    /// A personal finding of type `ty` in the open record; `label` names
    /// the record (asked once per record).
    pub fn count(&mut self, ty: DataType, label: impl FnOnce() -> String) {
        if let Some(o) = &mut self.open {
            o.per_type[ty.index()] += 1;
            if o.label.is_none() {
                o.label = Some(label());
            }
        }
    }

    /// Finishes the open record (at a new record, or the end of the file).
    pub fn close(&mut self) {
        if let Some(o) = self.open.take()
            && let Some(label) = o.label
        {
            self.done.push(RecordSummary {
                label,
                dates: o.dates,
                per_type: o.per_type,
            });
        }
    }

    /// Finished summaries waiting to be sent.
    pub fn pending(&self) -> usize {
        self.done.len()
    }

    /// Takes the finished summaries.
    pub fn take(&mut self) -> Vec<RecordSummary> {
        std::mem::take(&mut self.done)
    }
}

/// The summaries of one file on the sink side, in memory up to
/// [`IN_MEMORY`], then in an unnamed temporary file in the output folder
/// (gone when closed, even after a crash).
#[derive(Debug, Default)]
pub struct RecordBuffer {
    memory: Vec<RecordSummary>,
    spill: Option<BufWriter<std::fs::File>>,
    spilled: u64,
    /// Date columns seen in any record, one bit per id.
    pub columns_seen: u64,
}

impl RecordBuffer {
    /// Adds summaries, spilling to a temporary file in `dir` when memory
    /// is full.
    pub fn extend(&mut self, dir: &Path, records: Vec<RecordSummary>) -> std::io::Result<()> {
        for r in &records {
            for (c, _) in &r.dates {
                self.columns_seen |= 1u64 << (*c as usize % MAX_DATE_COLUMNS);
            }
        }
        self.memory.extend(records);
        if self.memory.len() >= IN_MEMORY {
            if self.spill.is_none() {
                self.spill = Some(BufWriter::new(tempfile::tempfile_in(dir)?));
            }
            let out = self.spill.as_mut().expect("just set");
            for r in self.memory.drain(..) {
                write_summary(out, &r)?;
                self.spilled += 1;
            }
        }
        Ok(())
    }

    /// Whether any record has a date in one of the `ids` columns.
    pub fn has_dates_in(&self, ids: &[u16]) -> bool {
        ids.iter()
            .any(|&id| self.columns_seen & (1u64 << (id as usize % MAX_DATE_COLUMNS)) != 0)
    }

    /// Hands every summary to `f`, in the order they were added.
    pub fn drain(self, mut f: impl FnMut(RecordSummary) -> crate::Result<()>) -> crate::Result<()> {
        if let Some(spill) = self.spill {
            let mut file = spill.into_inner().map_err(|e| e.into_error())?;
            file.rewind()?;
            let mut reader = BufReader::new(file);
            for _ in 0..self.spilled {
                f(read_summary(&mut reader)?)?;
            }
        }
        for r in self.memory {
            f(r)?;
        }
        Ok(())
    }
}

fn write_summary(out: &mut impl Write, r: &RecordSummary) -> std::io::Result<()> {
    let label = r.label.as_bytes();
    out.write_all(&(label.len() as u32).to_le_bytes())?;
    out.write_all(label)?;
    out.write_all(&(r.dates.len() as u16).to_le_bytes())?;
    for (c, d) in &r.dates {
        out.write_all(&c.to_le_bytes())?;
        out.write_all(&d.to_le_bytes())?;
    }
    for n in &r.per_type {
        out.write_all(&n.to_le_bytes())?;
    }
    Ok(())
}

fn read_summary(input: &mut impl Read) -> std::io::Result<RecordSummary> {
    fn bytes<const N: usize>(input: &mut impl Read) -> std::io::Result<[u8; N]> {
        let mut b = [0u8; N];
        input.read_exact(&mut b)?;
        Ok(b)
    }
    let len = u32::from_le_bytes(bytes(input)?) as usize;
    let mut label = vec![0u8; len];
    input.read_exact(&mut label)?;
    let n = u16::from_le_bytes(bytes(input)?);
    let mut dates = Vec::with_capacity(n as usize);
    for _ in 0..n {
        dates.push((
            u16::from_le_bytes(bytes(input)?),
            i64::from_le_bytes(bytes(input)?),
        ));
    }
    let mut per_type = [0u32; DataType::ALL.len()];
    for n in &mut per_type {
        *n = u32::from_le_bytes(bytes(input)?);
    }
    Ok(RecordSummary {
        label: String::from_utf8_lossy(&label).into_owned(),
        dates,
        per_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_close_on_a_new_key_and_keep_only_those_with_findings() {
        let mut t = RecordTracker::default();
        t.enter((1, 0));
        t.date(0, 100);
        t.count(DataType::Email, || "row 1".into());
        t.enter((1, 0));
        t.count(DataType::Phone, || unreachable!("the label is asked once"));
        t.date(0, 999);
        t.enter((2, 0));
        t.date(0, 200);
        t.enter((3, 0));
        t.count(DataType::NoFnr, || "row 3".into());
        t.close();
        let done = t.take();
        assert_eq!(done.len(), 2, "row 2 had no findings");
        assert_eq!(done[0].label, "row 1");
        assert_eq!(done[0].dates, [(0, 100)], "the first date of a column counts");
        assert_eq!(done[0].personal(), 2);
        assert_eq!(done[1].date_in(&[0]), None);
    }

    #[test]
    fn a_spilled_buffer_gives_back_every_summary_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = RecordBuffer::default();
        let summary = |i: usize| RecordSummary {
            label: format!("row {i}"),
            dates: if i.is_multiple_of(2) {
                vec![(3, i as i64)]
            } else {
                vec![]
            },
            per_type: [i as u32; DataType::ALL.len()],
        };
        let n = IN_MEMORY * 2 + 5;
        for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
            b.extend(dir.path(), chunk.iter().map(|&i| summary(i)).collect())
                .unwrap();
        }
        assert!(b.has_dates_in(&[3]) && !b.has_dates_in(&[0]));
        let mut got = Vec::new();
        b.drain(|r| {
            got.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(got.len(), n);
        assert!(got.iter().enumerate().all(|(i, r)| *r == summary(i)));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the spill has no name"
        );
    }
}
