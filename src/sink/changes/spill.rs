//! Changes too many to pair into moves in memory. A scan after a share was
//! renamed sees every finding disappear from one place and appear in
//! another: millions of changes, where the held rows of 200,000 already
//! took 45 MB. Past [`super::HELD`] they go to bucket files by a hash of
//! their value, so all appearances and disappearances of a value land in
//! the same bucket, each side in the order it came. A bucket that fits in
//! memory is paired there; a bigger one is split again by the next bits of
//! the hash, and one that holds a single value is sorted on disk, each side
//! by place, and paired a slice at a time in that order: the pairs are
//! those of pairing in memory.
//!
//! Buckets are anonymous files in the output folder (`O_TMPFILE` on
//! Linux): nothing is left behind, even by a killed scan, and a large
//! spill lands on the disk that holds the outputs, not in a small `/tmp`.

use super::Change;
use crate::wire::{self, Reader};
use crate::{Error, Result};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

/// Bits of a value's hash each split uses: a bucket splits into 64.
const BITS: u32 = 6;
/// Buckets a split makes.
const FAN_OUT: usize = 1 << BITS;
/// Splits possible before every bit of the 64-bit hash is used.
const DEPTHS: u32 = 64 / BITS;
/// Write buffer per bucket: 64 of them are open during a split.
const BUFFER: usize = 32 << 10;

/// Takes a batch of appeared and disappeared changes to pair and write.
/// Every batch holds all changes of each of its values, or (for a bucket
/// of one value) the next slice of each side.
pub type Pair<'p> = &'p mut dyn FnMut(Vec<Change>, Vec<Change>) -> Result<()>;

/// A bucket written and closed for writing.
struct Bucket {
    file: File,
    count: u64,
}

/// Buckets being written.
struct Buckets {
    files: Vec<BufWriter<File>>,
    counts: Vec<u64>,
}

/// The changes spilled so far, in [`FAN_OUT`] buckets.
pub struct Spill {
    dir: PathBuf,
    codec: Codec,
    buckets: Buckets,
}

impl Spill {
    /// Starts a spill in `dir` (the output folder).
    pub fn create(dir: &Path) -> Result<Spill> {
        Ok(Spill {
            dir: dir.to_path_buf(),
            codec: Codec::default(),
            buckets: Buckets::create(dir, FAN_OUT)?,
        })
    }

    /// Adds changes that `appeared` or disappeared, in the order they came.
    pub fn add(&mut self, appeared: bool, changes: &[Change]) -> Result<()> {
        for c in changes {
            let bytes = self.codec.encode(appeared, c);
            let at = slot(key(bytes).ok_or_else(|| damaged(&self.dir))?, 0);
            self.buckets.write(&self.dir, at, bytes)?;
        }
        Ok(())
    }

    /// Hands every change to `pair`, in batches of at most `held` changes
    /// that each hold whole values (see [`Pair`]).
    pub fn finish(mut self, held: usize, pair: Pair<'_>) -> Result<()> {
        let buckets = std::mem::replace(&mut self.buckets, Buckets::empty()).close(&self.dir)?;
        for bucket in buckets {
            self.settle(bucket, 1, held.max(2), pair)?;
        }
        Ok(())
    }

    /// Pairs one bucket whose values' hashes agree in their first `depth`
    /// slots.
    fn settle(&mut self, bucket: Bucket, depth: u32, held: usize, pair: Pair<'_>) -> Result<()> {
        if bucket.count == 0 {
            return Ok(());
        }
        if bucket.count <= held as u64 {
            let mut records = self.records(bucket)?;
            let (appeared, disappeared) = self.load(&mut records, usize::MAX)?;
            return pair(appeared, disappeared);
        }
        // The changes are split without being decoded: by the hash of
        // their encoded value, which also tells whether they hold one.
        let mut first: Option<Vec<u8>> = None;
        let mut one_value = true;
        let splits = depth < DEPTHS;
        let mut sides = Buckets::create(&self.dir, if splits { FAN_OUT } else { 2 })?;
        let mut records = self.records(bucket)?;
        while let Some(appeared) = records.next(&self.dir)? {
            let value = value_of(records.bytes()).ok_or_else(|| damaged(&self.dir))?;
            match &first {
                None => first = Some(value.to_vec()),
                Some(first) => one_value &= first == value,
            }
            let at = if splits {
                slot(xxh3_64(value), depth)
            } else {
                usize::from(!appeared)
            };
            sides.write(&self.dir, at, records.bytes())?;
        }
        // The bucket's disk space goes back before its parts are paired.
        drop(records);
        let sides = sides.close(&self.dir)?;
        if splits && !one_value {
            for bucket in sides {
                self.settle(bucket, depth + 1, held, pair)?;
            }
            return Ok(());
        }
        let [appeared, disappeared] = if splits {
            self.split_sides(sides)?
        } else {
            <[Bucket; 2]>::try_from(sides).map_err(|_| damaged(&self.dir))?
        };
        // One value (or values whose 64-bit hashes all agree): each side
        // is sorted by place on disk, and the sides are paired a slice at a
        // time in that order, so the k-th new place meets the k-th old one
        // as it would in memory.
        let slice = held / 2;
        let mut appeared = self.sorted(appeared, true, slice)?;
        let mut disappeared = self.sorted(disappeared, false, slice)?;
        loop {
            let a = self.take(&mut appeared, slice)?;
            let d = self.take(&mut disappeared, slice)?;
            if a.is_empty() && d.is_empty() {
                return Ok(());
            }
            pair(a, d)?;
        }
    }

    /// One side of a bucket (its changes all `appeared`, or all
    /// disappeared), read back in place order: sorted in runs of `run`
    /// changes written to files of their own, then merged.
    fn sorted(&mut self, side: Bucket, appeared: bool, run: usize) -> Result<Merge> {
        let mut records = self.records(side)?;
        let mut merge = Merge::default();
        loop {
            let (mut slice, mut other) = self.load(&mut records, run.max(1))?;
            slice.append(&mut other);
            if slice.is_empty() {
                break;
            }
            slice.sort_by(|a, b| a.place().cmp(&b.place()));
            let mut out = Buckets::create(&self.dir, 1)?;
            for c in &slice {
                out.write(&self.dir, 0, self.codec.encode(appeared, c))?;
            }
            let bucket = out.close(&self.dir)?.pop().ok_or_else(|| damaged(&self.dir))?;
            merge.runs.push(self.records(bucket)?);
            merge.paths.push(None);
        }
        for run in 0..merge.runs.len() {
            self.advance(&mut merge, run)?;
        }
        Ok(merge)
    }

    /// Puts the next change of run `run` (if any) among the merge's heads.
    fn advance(&mut self, merge: &mut Merge, run: usize) -> Result<()> {
        if merge.runs[run].next(&self.dir)?.is_some() {
            let change = self
                .codec
                .decode(merge.runs[run].bytes(), &mut merge.paths[run])
                .ok_or_else(|| damaged(&self.dir))?;
            merge.heads.push(Head { change, run });
        }
        Ok(())
    }

    /// The next (up to) `n` changes of a merge, in place order.
    fn take(&mut self, merge: &mut Merge, n: usize) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        while out.len() < n.max(1) {
            let Some(Head { change, run }) = merge.heads.pop() else {
                break;
            };
            out.push(change);
            self.advance(merge, run)?;
        }
        Ok(out)
    }

    /// The one non-empty bucket of a split whose changes all hold one
    /// value, split by side: (appeared, disappeared).
    fn split_sides(&mut self, buckets: Vec<Bucket>) -> Result<[Bucket; 2]> {
        let mut sides = Buckets::create(&self.dir, 2)?;
        for bucket in buckets.into_iter().filter(|b| b.count > 0) {
            let mut records = self.records(bucket)?;
            while let Some(appeared) = records.next(&self.dir)? {
                sides.write(&self.dir, usize::from(!appeared), records.bytes())?;
            }
        }
        let sides = sides.close(&self.dir)?;
        <[Bucket; 2]>::try_from(sides).map_err(|_| damaged(&self.dir))
    }

    /// Reads up to `limit` changes: (appeared, disappeared).
    fn load(&mut self, records: &mut Records, limit: usize) -> Result<(Vec<Change>, Vec<Change>)> {
        let (mut a, mut d) = (Vec::new(), Vec::new());
        let mut last_path = None;
        while a.len() + d.len() < limit {
            let Some(appeared) = records.next(&self.dir)? else {
                break;
            };
            let c = self
                .codec
                .decode(records.bytes(), &mut last_path)
                .ok_or_else(|| damaged(&self.dir))?;
            if appeared { a.push(c) } else { d.push(c) }
        }
        Ok((a, d))
    }

    fn records(&self, bucket: Bucket) -> Result<Records> {
        let mut file = bucket.file;
        file.rewind().map_err(|e| io_error(&self.dir, e))?;
        Ok(Records {
            file: BufReader::with_capacity(BUFFER, file),
            left: bucket.count,
            bytes: Vec::new(),
        })
    }
}

impl Buckets {
    fn empty() -> Buckets {
        Buckets {
            files: Vec::new(),
            counts: Vec::new(),
        }
    }

    fn create(dir: &Path, n: usize) -> Result<Buckets> {
        let files = (0..n)
            .map(|_| {
                tempfile::tempfile_in(dir)
                    .map(|f| BufWriter::with_capacity(BUFFER, f))
                    .map_err(|e| io_error(dir, e))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Buckets {
            files,
            counts: vec![0; n],
        })
    }

    /// Appends one encoded change to bucket `at`, its length first (four
    /// bytes, little-endian).
    fn write(&mut self, dir: &Path, at: usize, bytes: &[u8]) -> Result<()> {
        let len = u32::try_from(bytes.len()).map_err(|_| damaged(dir))?;
        let file = &mut self.files[at];
        file.write_all(&len.to_le_bytes())
            .and_then(|()| file.write_all(bytes))
            .map_err(|e| io_error(dir, e))?;
        self.counts[at] += 1;
        Ok(())
    }

    /// Flushes every bucket and drops its buffer.
    fn close(self, dir: &Path) -> Result<Vec<Bucket>> {
        self.files
            .into_iter()
            .zip(self.counts)
            .map(|(file, count)| {
                let file = file.into_inner().map_err(|e| io_error(dir, e.into_error()))?;
                Ok(Bucket { file, count })
            })
            .collect()
    }
}

/// Sorted runs of changes being merged ([`Spill::sorted`]).
#[derive(Default)]
struct Merge {
    runs: Vec<Records>,
    /// Each run's last path, shared by the changes decoded from it.
    paths: Vec<Option<Arc<str>>>,
    /// The first change not taken of each run that has one.
    heads: BinaryHeap<Head>,
}

/// A run's first change not taken: the heap's top is the one with the
/// least place (then run).
struct Head {
    change: Change,
    run: usize,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.change.place(), other.run).cmp(&(self.change.place(), self.run))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

/// A bucket read back, one encoded change at a time.
struct Records {
    file: BufReader<File>,
    left: u64,
    bytes: Vec<u8>,
}

impl Records {
    /// Reads the next change into [`Records::bytes`]; returns whether it
    /// appeared, or `None` at the end.
    fn next(&mut self, dir: &Path) -> Result<Option<bool>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let mut len = [0u8; 4];
        self.file.read_exact(&mut len).map_err(|e| io_error(dir, e))?;
        self.bytes.resize(u32::from_le_bytes(len) as usize, 0);
        self.file
            .read_exact(&mut self.bytes)
            .map_err(|e| io_error(dir, e))?;
        self.bytes
            .first()
            .map(|&side| Some(side == 1))
            .ok_or_else(|| damaged(dir))
    }

    /// The encoded change last read.
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Encodes changes for a bucket: side, then the value (type label and
/// hash) with its length first, so buckets are chosen and checked on the
/// value's bytes without decoding the rest, then path, location and masked
/// value. The label is written as text, not as its number in the order
/// labels came, so a value lands in the same bucket in every scan and the
/// report's rows come out in the same order.
#[derive(Default)]
struct Codec {
    /// The labels encoded, to give decoded changes their static label.
    labels: Vec<&'static str>,
    value: Vec<u8>,
    bytes: Vec<u8>,
}

impl Codec {
    /// The encoding of change `c` that `appeared` or disappeared.
    fn encode(&mut self, appeared: bool, c: &Change) -> &[u8] {
        if !self.labels.contains(&c.type_label) {
            self.labels.push(c.type_label);
        }
        self.value.clear();
        wire::text(&mut self.value, c.type_label);
        wire::hash(&mut self.value, &c.value_hash);
        let out = &mut self.bytes;
        out.clear();
        out.push(u8::from(appeared));
        wire::varint(out, self.value.len() as u64);
        out.extend_from_slice(&self.value);
        wire::text(out, &c.path);
        wire::text(out, &c.location);
        wire::text(out, &c.value_masked);
        out
    }

    /// Decodes a change; consecutive changes of one file share their path
    /// through `last_path`.
    fn decode(&self, bytes: &[u8], last_path: &mut Option<Arc<str>>) -> Option<Change> {
        let mut r = Reader::new(bytes);
        r.byte()?;
        let len = r.size()?;
        let mut value = Reader::new(r.take(len)?);
        let label = value.str()?;
        let type_label = *self.labels.iter().find(|&&l| l == label)?;
        let value_hash = value.hash()?.into();
        let path = r.str()?;
        let path = match last_path {
            Some(last) if **last == *path => Arc::clone(last),
            _ => {
                let path: Arc<str> = path.into();
                *last_path = Some(Arc::clone(&path));
                path
            }
        };
        Some(Change {
            path,
            location: r.str()?.into(),
            type_label,
            value_masked: r.str()?.into(),
            value_hash,
        })
    }
}

/// The encoded value (type and hash) of an encoded change: equal for
/// changes of the same value within one spill.
fn value_of(bytes: &[u8]) -> Option<&[u8]> {
    let mut r = Reader::new(bytes);
    r.byte()?;
    let len = r.size()?;
    r.take(len)
}

/// The 64-bit hash an encoded change is bucketed by: its value's.
fn key(bytes: &[u8]) -> Option<u64> {
    value_of(bytes).map(xxh3_64)
}

/// The bucket of a hash in a split at `depth`.
fn slot(key: u64, depth: u32) -> usize {
    ((key >> (depth * BITS)) as usize) & (FAN_OUT - 1)
}

fn io_error(dir: &Path, source: std::io::Error) -> Error {
    Error::Output {
        path: dir.to_path_buf(),
        source,
    }
}

fn damaged(dir: &Path) -> Error {
    io_error(
        dir,
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a change spilled to disk read back damaged",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(location: usize, hash: &str) -> Change {
        Change {
            path: "a.csv".into(),
            location: format!("row {location}").into(),
            type_label: "email",
            value_masked: "o**@x.no".into(),
            value_hash: hash.into(),
        }
    }

    /// A bucket past the last split (values whose hashes agree in every
    /// bit) is paired a slice of each side at a time, each side in place
    /// order (`row 10` before `row 2`: places compare as text), each change
    /// handed on once, even when it holds two values.
    #[test]
    fn a_bucket_past_every_split_hands_each_change_on_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::create(dir.path()).unwrap();
        let appeared: Vec<Change> = (0..10)
            .map(|i| change(i, "aa"))
            .chain((10..13).map(|i| change(i, "bb")))
            .collect();
        let gone: Vec<Change> = (0..6)
            .map(|i| change(i, "aa"))
            .chain((6..11).map(|i| change(i, "bb")))
            .collect();
        // They come in no order.
        let shuffled = |v: &[Change]| -> Vec<Change> {
            let odd = v.iter().skip(1).step_by(2).rev();
            odd.chain(v.iter().step_by(2)).cloned().collect()
        };
        spill.add(true, &shuffled(&appeared)).unwrap();
        spill.add(false, &shuffled(&gone)).unwrap();
        let buckets = std::mem::replace(&mut spill.buckets, Buckets::empty())
            .close(dir.path())
            .unwrap();
        let (mut got_appeared, mut got_gone) = (Vec::new(), Vec::new());
        for bucket in buckets {
            spill
                .settle(bucket, DEPTHS, 4, &mut |a, d| {
                    assert!(a.len() <= 2 && d.len() <= 2, "slices of held / 2");
                    got_appeared.extend(a);
                    got_gone.extend(d);
                    Ok(())
                })
                .unwrap();
        }
        // Each value's changes came in place order (the buckets, one a
        // value here, in any order).
        let by_value = |mut v: Vec<Change>| {
            v.sort_by(|a, b| a.value_hash.cmp(&b.value_hash));
            v
        };
        let by_value_then_place = |mut v: Vec<Change>| {
            v.sort_by(|a, b| (&a.value_hash, a.place()).cmp(&(&b.value_hash, b.place())));
            v
        };
        assert_eq!(by_value(got_appeared), by_value_then_place(appeared));
        assert_eq!(by_value(got_gone), by_value_then_place(gone));
    }

    #[test]
    fn a_change_reads_back_as_written() {
        let mut codec = Codec::default();
        let c = Change {
            path: "hr/ansatte.csv".into(),
            location: "row 4, column fnr".into(),
            type_label: "no_fnr",
            value_masked: "151086*****".into(),
            value_hash: "0123abcd".into(),
        };
        let bytes = codec.encode(false, &c).to_vec();
        let mut last = None;
        assert_eq!(codec.decode(&bytes, &mut last), Some(c.clone()));
        let again = codec.decode(&bytes, &mut last).unwrap();
        assert!(
            Arc::ptr_eq(&again.path, last.as_ref().unwrap()),
            "a repeated path is shared"
        );
        assert_eq!(codec.decode(&bytes[..5], &mut None), None);
        // Buckets go by the value alone: the same value elsewhere, or
        // appeared instead of gone, has the same value bytes; another
        // hash or type has not.
        let elsewhere = Change {
            path: "crm/kunder.csv".into(),
            location: "row 9".into(),
            ..c.clone()
        };
        let other_hash = Change {
            value_hash: "0123abce".into(),
            ..c.clone()
        };
        let other_type = Change {
            type_label: "se_pnr",
            ..c.clone()
        };
        let value =
            |codec: &mut Codec, appeared, c: &Change| value_of(codec.encode(appeared, c)).unwrap().to_vec();
        let same = value(&mut codec, true, &elsewhere);
        assert_eq!(same, value_of(&bytes).unwrap());
        assert_ne!(value(&mut codec, false, &other_hash), same);
        assert_ne!(value(&mut codec, false, &other_type), same);
        // Nor on the labels the codec met before.
        let mut fresh = Codec::default();
        assert_eq!(
            value(&mut fresh, true, &other_type),
            value(&mut codec, true, &other_type)
        );
    }
}
