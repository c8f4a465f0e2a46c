//! A file's result as the state store keeps it: every message its worker
//! sent to the sink (findings, finished records, the file records of the
//! file and its inner files), in the order sent. A later scan that finds
//! the file unchanged replays them instead of reading the file, so the
//! sink builds exactly the outputs a fresh read would have given.
//!
//! Encoded with [`crate::wire`]; a row's path and source are written only
//! when they differ from the previous row's. A result larger than
//! [`PART_BYTES`] is cut into parts at message boundaries, each a recording
//! of its own: the worker writes finished parts to an anonymous file, the
//! state keeps them as rows of their own, and every reader takes one part
//! at a time, so however many findings a file holds, its result costs a
//! scan a few MiB of memory.

use crate::columns::Summary;
use crate::model::{Confidence, DataType};
use crate::records::RecordSummary;
use crate::sink::{FileRecord, FindingRow, Message, Status};
use crate::wire::{self, Reader};
use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The layout's version: a recording of another is not replayed (the
/// file is read again).
const VERSION: u8 = 1;
/// The first byte of what the `files` row holds for a result kept in
/// parts, followed by the number of parts (see [`Held::Stored`]). Each
/// part is kept packed ([`pack`]).
const IN_PARTS: u8 = 2;
/// A packed part that claims to unpack to more than this is damaged.
const MAX_UNPACKED: usize = 256 << 20;
/// A result is cut into parts of about this size (a part ends with the
/// message that takes it past this). Each worker holds at most one part
/// being written, and a reader one part being read, which bounds what
/// results add to a scan's memory. The sink stores each part as it is cut
/// ([`PartReady`]), while the file is still being read.
pub const PART_BYTES: usize = 4 << 20;

const FINDINGS: u8 = 1;
const RECORDS: u8 = 2;
const DONE: u8 = 3;

/// The messages of one file being recorded.
pub struct Recording<'d> {
    /// The part being written.
    bytes: Vec<u8>,
    last_path: String,
    last_source: String,
    findings: u64,
    /// Where finished parts are written (an anonymous file in it).
    spill_dir: &'d Path,
    /// Bytes a part takes before it is cut ([`PART_BYTES`]).
    part_bytes: usize,
    /// The finished parts, once there is one.
    parts: Option<Parts>,
    /// The file on disk recorded.
    path: Arc<str>,
    /// A part could not be written: nothing is kept.
    failed: bool,
}

/// A part just cut, for the sink to store while the file is still being
/// read: where it lies in the worker's anonymous file.
#[derive(Debug)]
pub struct PartReady {
    /// The file on disk whose result it is part of.
    pub path: Arc<str>,
    /// Its number, from 0.
    pub seq: u32,
    file: Arc<File>,
    start: u64,
    end: u64,
}

impl PartReady {
    /// Its bytes as kept (packed), read back from the worker's file.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        let len = usize::try_from(self.end - self.start).map_err(std::io::Error::other)?;
        let mut buf = vec![0; len];
        crate::index::directory::read_at(&self.file, &mut buf, self.start)?;
        Ok(buf)
    }
}

/// What a finished recording leaves to keep.
#[derive(Debug)]
pub enum Kept {
    /// A result of one part, in memory.
    Whole(Vec<u8>),
    /// A result of several parts, each sent to the sink as it was cut,
    /// and still in the worker's anonymous file.
    Parts(Parts),
}

/// The parts of a result in an anonymous file (gone when the worker and
/// the sink are done with it).
#[derive(Debug)]
pub struct Parts {
    file: Arc<File>,
    /// Where each part ends in the file.
    ends: Vec<u64>,
}

impl Parts {
    fn new(dir: &Path) -> std::io::Result<Parts> {
        Ok(Parts {
            file: Arc::new(tempfile::tempfile_in(dir)?),
            ends: Vec::new(),
        })
    }

    /// Appends a part, packed; where it lies, for the sink.
    fn push(&mut self, part: &[u8], path: &Arc<str>) -> std::io::Result<PartReady> {
        let packed = pack(part)?;
        (&*self.file).write_all(&packed)?;
        let start = self.ends.last().copied().unwrap_or(0);
        let end = start + packed.len() as u64;
        self.ends.push(end);
        Ok(PartReady {
            path: path.clone(),
            seq: u32::try_from(self.ends.len() - 1).map_err(std::io::Error::other)?,
            file: self.file.clone(),
            start,
            end,
        })
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none (a finished recording's parts never are).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Hands each part to `f` in order (unpacked); stops at the first
    /// `None` (from `f`, or a part that cannot be read).
    pub fn each(&self, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
        let (mut buf, mut start) = (Vec::new(), 0u64);
        for &end in &self.ends {
            buf.resize(usize::try_from(end - start).ok()?, 0);
            crate::index::directory::read_at(&self.file, &mut buf, start).ok()?;
            f(&unpack(&buf)?)?;
            start = end;
        }
        Some(())
    }
}

/// Reads the parts of a result the state store keeps.
pub trait PartSource {
    /// Hands part `seq` (from 0) of the result of the file on disk `path`
    /// to `f`; `None` when it is missing or `f` says so.
    fn part(&self, path: &str, seq: u32, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()>;
}

/// A kept result as a reader finds it.
pub enum Held<'a> {
    /// One part, in memory.
    Whole(&'a [u8]),
    /// Parts a worker has just written ([`Kept::Parts`]).
    Spilled(&'a Parts),
    /// Parts in the state store, read one at a time.
    Stored {
        /// Where they are.
        source: &'a dyn PartSource,
        /// The file on disk they are the result of.
        path: &'a str,
        /// How many there are.
        parts: u32,
    },
}

impl<'a> Held<'a> {
    /// The result whose `files` row holds `blob`, its parts (if any) read
    /// from `source`; `None` when the blob is damaged or of another layout.
    pub fn of(blob: &'a [u8], source: &'a dyn PartSource, path: &'a str) -> Option<Held<'a>> {
        match blob.split_first()? {
            (&VERSION, _) => Some(Held::Whole(blob)),
            (&IN_PARTS, rest) => {
                let mut r = Reader::new(rest);
                let parts = u32::try_from(r.varint()?).ok()?;
                r.done().then_some(Held::Stored { source, path, parts })
            }
            _ => None,
        }
    }

    /// Hands each part to `f` in order; `None` at the first `None` from
    /// `f` or a part that is missing.
    pub fn each_part(&self, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
        match *self {
            Held::Whole(bytes) => f(bytes),
            Held::Spilled(parts) => parts.each(f),
            Held::Stored { source, path, parts } => {
                (0..parts).try_for_each(|seq| source.part(path, seq, &mut |packed| f(&unpack(packed)?)))
            }
        }
    }
}

impl Kept {
    /// What the file's `files` row holds: the result in one part, or what
    /// stands for its parts (stored as they were cut).
    pub fn row_value(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Kept::Whole(bytes) => std::borrow::Cow::Borrowed(bytes),
            Kept::Parts(parts) => std::borrow::Cow::Owned(parts_marker(parts.len())),
        }
    }

    /// The result as a reader sees it.
    pub fn held(&self) -> Held<'_> {
        match self {
            Kept::Whole(bytes) => Held::Whole(bytes),
            Kept::Parts(parts) => Held::Spilled(parts),
        }
    }
}

/// A part as it is kept: LZ4-compressed, its length first (a dense
/// export's result takes about a quarter of its size, so the state store
/// writes and later reads that much less).
fn pack(part: &[u8]) -> std::io::Result<Vec<u8>> {
    let len = u32::try_from(part.len()).map_err(std::io::Error::other)?;
    let mut packed = vec![0; 4 + lz4_flex::block::get_maximum_output_size(part.len())];
    packed[..4].copy_from_slice(&len.to_le_bytes());
    let n = lz4_flex::block::compress_into(part, &mut packed[4..]).map_err(std::io::Error::other)?;
    packed.truncate(4 + n);
    Ok(packed)
}

/// A part kept by [`pack`], or `None` when it is damaged.
fn unpack(packed: &[u8]) -> Option<Vec<u8>> {
    let (len, body) = packed.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
    if len > MAX_UNPACKED {
        return None;
    }
    let mut part = vec![0; len];
    (lz4_flex::block::decompress_into(body, &mut part).ok()? == len).then_some(part)
}

/// What the `files` row of a result in `parts` parts holds.
fn parts_marker(parts: usize) -> Vec<u8> {
    let mut out = vec![IN_PARTS];
    wire::varint(&mut out, parts as u64);
    out
}

impl<'d> Recording<'d> {
    /// An empty recording of the file on disk `path`, whose parts, once
    /// there are several, go to an anonymous file in `spill_dir`.
    pub fn new(path: Arc<str>, spill_dir: &'d Path) -> Recording<'d> {
        Recording {
            bytes: vec![VERSION],
            last_path: String::new(),
            last_source: String::new(),
            findings: 0,
            spill_dir,
            part_bytes: PART_BYTES,
            parts: None,
            path,
            failed: false,
        }
    }

    /// Cuts parts at `bytes` instead of [`PART_BYTES`].
    #[cfg(test)]
    pub fn with_part_bytes(mut self, bytes: usize) -> Self {
        self.part_bytes = bytes.max(1);
        self
    }

    /// Records a message about to be sent; the part it completed, if it
    /// did, for the worker to send to the sink next.
    pub fn add(&mut self, msg: &Message) -> Option<PartReady> {
        if self.failed {
            return None;
        }
        match msg {
            Message::Findings(rows) => {
                self.bytes.push(FINDINGS);
                wire::varint(&mut self.bytes, rows.len() as u64);
                for row in rows {
                    self.row(row);
                }
                self.findings += rows.len() as u64;
            }
            Message::Records { path, records } => {
                let out = &mut self.bytes;
                out.push(RECORDS);
                wire::text(out, path);
                wire::varint(out, records.len() as u64);
                for r in records {
                    wire::text(out, &r.label);
                    wire::varint(out, r.dates.len() as u64);
                    for (column, date) in &r.dates {
                        wire::varint(out, u64::from(*column));
                        wire::opt_i64(out, Some(*date));
                    }
                    for n in r.per_type {
                        wire::varint(out, u64::from(n));
                    }
                }
            }
            Message::Done(r) => self.done(r),
            Message::Excluded
            | Message::Changes(_)
            | Message::Stored(_)
            | Message::Carried(_)
            | Message::Part(_) => {}
        }
        if self.bytes.len() >= self.part_bytes {
            return self.cut();
        }
        None
    }

    /// Writes the part being written out and starts the next in the same
    /// buffer; the next repeats the first path and source it needs (a part
    /// reads alone). Returns where the part lies, for the sink.
    fn cut(&mut self) -> Option<PartReady> {
        let written = match &mut self.parts {
            Some(parts) => parts.push(&self.bytes, &self.path),
            None => Parts::new(self.spill_dir).and_then(|mut parts| {
                let ready = parts.push(&self.bytes, &self.path)?;
                self.parts = Some(parts);
                Ok(ready)
            }),
        };
        self.bytes.clear();
        self.bytes.push(VERSION);
        self.last_path.clear();
        self.last_source.clear();
        if written.is_err() {
            // The disk is full or the folder gone: the file is read again
            // next time, as if it had no result (the parts the sink has
            // stored go when it stores the file).
            self.failed = true;
            self.parts = None;
            self.bytes = Vec::new();
        }
        written.ok()
    }

    /// Ends the recording of a result in parts by cutting its last part,
    /// returned for the sink; nothing to do for a result in one part.
    pub fn end(&mut self) -> Option<PartReady> {
        if self.parts.is_some() && self.bytes.len() > 1 {
            return self.cut();
        }
        None
    }

    /// Findings recorded.
    pub fn findings(&self) -> u64 {
        self.findings
    }

    /// The result to keep (after [`Recording::end`]), or `None` when a
    /// part could not be written.
    pub fn finish(mut self) -> Option<Kept> {
        if self.failed {
            return None;
        }
        match self.parts.take() {
            None => Some(Kept::Whole(self.bytes)),
            Some(parts) => Some(Kept::Parts(parts)),
        }
    }

    fn row(&mut self, row: &FindingRow) {
        let out = &mut self.bytes;
        for (text, last) in [
            (&*row.path, &mut self.last_path),
            (&*row.source, &mut self.last_source),
        ] {
            if text == last.as_str() {
                wire::opt_text(out, None);
            } else {
                wire::opt_text(out, Some(text));
                text.clone_into(last);
            }
        }
        wire::text(out, row.file_type);
        wire::opt_u64(out, row.file_size);
        wire::opt_i64(out, row.file_modified);
        wire::text(out, &row.location);
        wire::opt_u64(out, row.line);
        wire::opt_text(out, row.column_name.as_deref());
        out.push(row.ty.index() as u8);
        wire::text(out, row.type_label);
        wire::text(out, row.subtype);
        wire::text(out, &row.detail);
        wire::text(out, row.reason);
        out.push(row.confidence as u8);
        wire::text(out, &row.value_masked);
        wire::hash(out, &row.value_hash);
        wire::opt_text(out, row.value.as_deref());
        wire::text(out, &row.record);
        wire::varint(out, row.name_tokens.len() as u64);
        for t in &row.name_tokens {
            wire::hash(out, t);
        }
    }

    fn done(&mut self, r: &FileRecord) {
        let out = &mut self.bytes;
        out.push(DONE);
        wire::text(out, &r.path);
        wire::text(out, r.file_type);
        wire::opt_u64(out, r.size);
        wire::opt_i64(out, r.modified);
        match &r.status {
            Status::Scanned => out.push(0),
            Status::Partial(gaps) => {
                out.push(1);
                texts(out, gaps);
            }
            Status::Skipped(why) => {
                out.push(2);
                wire::text(out, why);
            }
            Status::Failed(why) => {
                out.push(3);
                wire::text(out, why);
            }
        }
        wire::varint(out, r.bytes_read);
        wire::opt_text(out, r.encoding);
        texts(out, &r.notes);
        out.push(u8::from(r.member));
        wire::varint(out, r.columns.len() as u64);
        for (name, s) in &r.columns {
            wire::text(out, name);
            wire::opt_u64(out, s.ty.map(|t| t.index() as u64));
            wire::varint(out, s.values);
            wire::varint(out, s.share.to_bits());
        }
    }
}

fn texts(out: &mut Vec<u8>, list: &[String]) {
    wire::varint(out, list.len() as u64);
    for s in list {
        wire::text(out, s);
    }
}

/// The same `&'static str` for equal texts: the labels rows and file
/// records hold (formats, type labels, reasons, encodings) come from a
/// small fixed set, so each is leaked once. Each thread first compares the
/// last [`RECENT_LABELS`] labels it met: a replayed finding holds four
/// labels, and the shared set's lock and SipHash were about 370
/// instructions a label.
fn intern(s: &str) -> &'static str {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    RECENT.with_borrow_mut(|recent| {
        if let Some(&known) = recent.iter().find(|&&k| k == s) {
            return known;
        }
        let known = intern_shared(s);
        if recent.len() == RECENT_LABELS {
            recent.remove(0);
        }
        recent.push(known);
        known
    })
}

/// Labels each thread remembers in [`intern`].
const RECENT_LABELS: usize = 16;

/// [`intern`] through the set every thread shares.
fn intern_shared(s: &str) -> &'static str {
    static TEXTS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut texts = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    let texts = texts.get_or_insert_with(HashSet::new);
    if let Some(&known) = texts.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.into());
    texts.insert(leaked);
    leaked
}

/// A piece of a recording as [`decode`] reads it, in recording order.
enum Part<'r, 'a> {
    /// A batch of this many findings starts; its rows follow.
    Findings(usize),
    /// One finding of the current batch.
    Row(Found<'r, 'a>),
    /// Any other message.
    Other(Message),
}

/// A finding as it lies in a recording, its texts borrowed: enough to key
/// it for a comparison without building it, and to build it when wanted.
struct Found<'r, 'a> {
    path: &'r Arc<str>,
    source: &'r Arc<str>,
    file_type: &'a str,
    file_size: Option<u64>,
    file_modified: Option<i64>,
    location: &'a str,
    line: Option<u64>,
    column_name: Option<&'a str>,
    ty: DataType,
    type_label: &'a str,
    subtype: &'a str,
    detail: &'a str,
    reason: &'a str,
    confidence: Confidence,
    value_masked: &'a str,
    /// As [`wire::hash`] wrote it.
    value_hash: &'a [u8],
    value: Option<&'a str>,
    record: &'a str,
    /// How many name tokens, and their bytes as [`wire::hash`] wrote them.
    name_tokens: (usize, &'a [u8]),
}

impl Found<'_, '_> {
    /// The key a change report compares it by.
    fn key(&self) -> u128 {
        crate::sink::changes::key(self.value_hash, self.path, self.location, self.type_label)
    }

    /// The finding (`None` when its hashes are damaged).
    fn row(&self) -> Option<FindingRow> {
        let mut tokens = Reader::new(self.name_tokens.1);
        let name_tokens = (0..self.name_tokens.0)
            .map(|_| tokens.hash())
            .collect::<Option<Vec<_>>>()?;
        Some(FindingRow {
            path: self.path.clone(),
            file_type: intern(self.file_type),
            file_size: self.file_size,
            file_modified: self.file_modified,
            location: self.location.to_string(),
            line: self.line,
            column_name: self.column_name.map(str::to_string),
            ty: self.ty,
            type_label: intern(self.type_label),
            subtype: intern(self.subtype),
            detail: self.detail.to_string(),
            reason: intern(self.reason),
            confidence: self.confidence,
            value_masked: self.value_masked.to_string(),
            value_hash: Reader::new(self.value_hash).hash()?,
            value: self.value.map(str::to_string),
            source: self.source.clone(),
            record: self.record.to_string(),
            name_tokens,
        })
    }
}

/// Reads a recording piece by piece, so a caller that needs one finding at
/// a time never holds them all; `None` when it is damaged or of another
/// layout (after the pieces before the damage), or when `on` says so.
fn decode(bytes: &[u8], on: &mut dyn FnMut(Part<'_, '_>) -> Option<()>) -> Option<()> {
    let (&version, rest) = bytes.split_first()?;
    if version != VERSION {
        return None;
    }
    let mut r = Reader::new(rest);
    let (mut path, mut source): (Arc<str>, Arc<str>) = (Arc::from(""), Arc::from(""));
    while !r.done() {
        match r.byte()? {
            FINDINGS => {
                let n = r.size()?;
                on(Part::Findings(n))?;
                for _ in 0..n {
                    on(Part::Row(read_row(&mut r, &mut path, &mut source)?))?;
                }
            }
            RECORDS => {
                let file = Arc::from(r.text()?);
                let n = r.size()?;
                let mut records = Vec::with_capacity(n.min(4096));
                for _ in 0..n {
                    let label = r.text()?;
                    let dates = (0..r.varint()?)
                        .map(|_| Some((u16::try_from(r.varint()?).ok()?, r.opt_i64()??)))
                        .collect::<Option<Vec<_>>>()?;
                    let mut per_type = [0u32; DataType::ALL.len()];
                    for n in &mut per_type {
                        *n = u32::try_from(r.varint()?).ok()?;
                    }
                    records.push(RecordSummary {
                        label,
                        dates,
                        per_type,
                    });
                }
                on(Part::Other(Message::Records { path: file, records }))?;
            }
            DONE => on(Part::Other(Message::Done(read_done(&mut r)?)))?,
            _ => return None,
        }
    }
    Some(())
}

/// The messages of a recording, in the order they were sent; `None` when
/// it is damaged or of another layout.
pub fn replay(bytes: &[u8]) -> Option<Vec<Message>> {
    let mut msgs = Vec::new();
    decode(bytes, &mut |part| {
        match part {
            Part::Findings(n) => msgs.push(Message::Findings(Vec::with_capacity(n.min(4096)))),
            Part::Row(found) => {
                if let Some(Message::Findings(rows)) = msgs.last_mut() {
                    rows.push(found.row()?);
                }
            }
            Part::Other(msg) => msgs.push(msg),
        }
        Some(())
    })?;
    Some(msgs)
}

/// Recordings up to this size are replayed from memory in one piece.
const REPLAY_WHOLE: usize = 1 << 20;

/// Replays a result into `deliver`, message by message, as [`replay`]
/// would return them, but holding at most `batch` findings (and one part)
/// at a time: a part of [`PART_BYTES`] decodes to about 15 MB of rows.
/// `None`, with nothing delivered, when it is damaged, of another layout
/// or missing a part (a large result is read twice: once to check it is
/// whole).
pub fn replay_into(held: &Held<'_>, batch: usize, deliver: &mut dyn FnMut(Message)) -> Option<()> {
    if let Held::Whole(bytes) = held
        && bytes.len() <= REPLAY_WHOLE
    {
        replay(bytes)?.into_iter().for_each(deliver);
        return Some(());
    }
    held.each_part(&mut |part| decode(part, &mut |_| Some(())))?;
    let mut rows = Vec::new();
    let _ = held.each_part(&mut |part| {
        decode(part, &mut |piece| {
            match piece {
                Part::Findings(_) => {}
                Part::Row(found) => {
                    rows.push(found.row()?);
                    if rows.len() >= batch.max(1) {
                        deliver(Message::Findings(std::mem::take(&mut rows)));
                    }
                }
                Part::Other(msg) => {
                    if !rows.is_empty() {
                        deliver(Message::Findings(std::mem::take(&mut rows)));
                    }
                    deliver(msg);
                }
            }
            Some(())
        })
    });
    if !rows.is_empty() {
        deliver(Message::Findings(rows));
    }
    Some(())
}

/// Hands each finding of a result to `f` as it lies in the recording,
/// one at a time (none when there is none; those before the damage when it
/// is damaged, or until `f` says `None`).
fn each_found(held: Option<&Held<'_>>, f: &mut dyn FnMut(&Found<'_, '_>) -> Option<()>) {
    if let Some(held) = held {
        let _ = held.each_part(&mut |part| {
            decode(part, &mut |piece| match piece {
                Part::Row(found) => f(&found),
                _ => Some(()),
            })
        });
    }
}

/// Hands each finding of a result to `f`, one at a time: what a file held,
/// to compare with what it holds now, without holding it all.
pub fn each_finding(held: Option<&Held<'_>>, f: &mut dyn FnMut(&FindingRow)) {
    each_found(held, &mut |found| {
        f(&found.row()?);
        Some(())
    });
}

/// Hands each finding of a result to `f` as the key a change report
/// compares it by ([`crate::sink::changes::key`]), with a way to build the
/// finding: a comparison builds only the findings that changed.
pub fn each_keyed(held: Option<&Held<'_>>, f: &mut dyn FnMut(u128, crate::sink::changes::Build<'_>)) {
    each_found(held, &mut |found| {
        f(found.key(), &|| found.row());
        Some(())
    });
}

fn read_shared(r: &mut Reader<'_>, last: &mut Arc<str>) -> Option<()> {
    if let Some(text) = r.opt_str()? {
        *last = Arc::from(text);
    }
    Some(())
}

/// Reads one finding's fields (the path and source are kept in `path` and
/// `source`, where a row that repeats the previous one's leaves them).
fn read_row<'r, 'a>(
    r: &mut Reader<'a>,
    path: &'r mut Arc<str>,
    source: &'r mut Arc<str>,
) -> Option<Found<'r, 'a>> {
    read_shared(r, path)?;
    read_shared(r, source)?;
    let file_type = r.str()?;
    let file_size = r.opt_u64()?;
    let file_modified = r.opt_i64()?;
    let location = r.str()?;
    let line = r.opt_u64()?;
    let column_name = r.opt_str()?;
    let ty = *DataType::ALL.get(usize::from(r.byte()?))?;
    let type_label = r.str()?;
    let subtype = r.str()?;
    let detail = r.str()?;
    let reason = r.str()?;
    let confidence = match r.byte()? {
        0 => Confidence::Low,
        1 => Confidence::Medium,
        2 => Confidence::High,
        _ => return None,
    };
    let value_masked = r.str()?;
    let value_hash = r.hash_bytes()?;
    let value = r.opt_str()?;
    let record = r.str()?;
    let tokens = r.size()?;
    let name_tokens = (tokens, r.hashes_bytes(tokens)?);
    Some(Found {
        path,
        source,
        file_type,
        file_size,
        file_modified,
        location,
        line,
        column_name,
        ty,
        type_label,
        subtype,
        detail,
        reason,
        confidence,
        value_masked,
        value_hash,
        value,
        record,
        name_tokens,
    })
}

fn read_texts(r: &mut Reader<'_>) -> Option<Vec<String>> {
    (0..r.varint()?).map(|_| r.text()).collect()
}

fn read_done(r: &mut Reader<'_>) -> Option<FileRecord> {
    let path = Arc::from(r.text()?);
    let file_type = intern(r.str()?);
    let size = r.opt_u64()?;
    let modified = r.opt_i64()?;
    let status = match r.byte()? {
        0 => Status::Scanned,
        1 => Status::Partial(read_texts(r)?),
        2 => Status::Skipped(r.text()?),
        3 => Status::Failed(r.text()?),
        _ => return None,
    };
    let bytes_read = r.varint()?;
    let encoding = r.opt_str()?.map(intern);
    let notes = read_texts(r)?;
    let member = r.byte()? == 1;
    let columns = (0..r.varint()?)
        .map(|_| {
            let name = r.text()?;
            let ty = match r.opt_u64()? {
                Some(i) => Some(*DataType::ALL.get(usize::try_from(i).ok()?)?),
                None => None,
            };
            let values = r.varint()?;
            let share = f64::from_bits(r.varint()?);
            Some((name, Summary { ty, values, share }))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(FileRecord {
        path,
        file_type,
        size,
        modified,
        status,
        bytes_read,
        encoding,
        notes,
        member,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_labels_are_one_text_whatever_thread_and_however_many() {
        let labels: Vec<String> = (0..3 * RECENT_LABELS).map(|i| format!("label {i}")).collect();
        let first: Vec<&'static str> = labels.iter().map(|l| intern(l)).collect();
        // Met again here, past what the thread remembers, and on another
        // thread: the same leaked texts.
        let again: Vec<&'static str> = labels.iter().rev().map(|l| intern(l)).rev().collect();
        let elsewhere: Vec<usize> = std::thread::scope(|s| {
            s.spawn(|| labels.iter().map(|l| intern(l).as_ptr() as usize).collect())
                .join()
                .unwrap()
        });
        for ((a, b), c) in first.iter().zip(&again).zip(&elsewhere) {
            assert_eq!(a.as_ptr(), b.as_ptr(), "{a}");
            assert_eq!(a.as_ptr() as usize, *c, "{a}");
        }
        assert_eq!(first[5], "label 5");
    }

    /// A recording of `n` findings then the file's record, cut into parts
    /// of `part_bytes` (written to `dir`), with the parts it made ready for
    /// the sink.
    fn recorded_parts(dir: &Path, n: usize, part_bytes: usize) -> (Kept, Vec<PartReady>) {
        let mut recording = Recording::new(Arc::from("crm/kunder.csv"), dir).with_part_bytes(part_bytes);
        let rows: Vec<FindingRow> = (0..n)
            .map(|i| FindingRow::example(&format!("row {i}"), &format!("{i:064x}")))
            .collect();
        let mut ready = Vec::new();
        for batch in rows.chunks(1000) {
            ready.extend(recording.add(&Message::Findings(batch.to_vec())));
        }
        ready.extend(recording.add(&Message::Records {
            path: Arc::from("crm/kunder.csv"),
            records: Vec::new(),
        }));
        ready.extend(recording.end());
        (recording.finish().expect("the parts could be written"), ready)
    }

    fn recorded(dir: &Path, n: usize, part_bytes: usize) -> Kept {
        recorded_parts(dir, n, part_bytes).0
    }

    /// What a replay delivers: each message's findings (their locations) or
    /// its kind.
    fn shape(msgs: impl IntoIterator<Item = Message>) -> (Vec<String>, Vec<usize>) {
        let (mut locations, mut batches) = (Vec::new(), Vec::new());
        for msg in msgs {
            match msg {
                Message::Findings(rows) => {
                    batches.push(rows.len());
                    locations.extend(rows.into_iter().map(|r| r.location));
                }
                _ => locations.push("(other)".into()),
            }
        }
        (locations, batches)
    }

    /// What [`replay_into`] delivers, or `None` with how many messages it
    /// delivered before saying so.
    fn replayed(held: &Held<'_>) -> Result<(Vec<String>, Vec<usize>), usize> {
        let mut delivered = Vec::new();
        match replay_into(held, 1024, &mut |m| delivered.push(m)) {
            Some(()) => Ok(shape(delivered)),
            None => Err(delivered.len()),
        }
    }

    /// The parts of a result, as the state store would hold them.
    struct Rows(Vec<Vec<u8>>);

    impl PartSource for Rows {
        fn part(&self, _path: &str, seq: u32, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
            f(self.0.get(seq as usize)?)
        }
    }

    #[test]
    fn a_large_recording_is_replayed_in_bounded_batches() {
        let dir = tempfile::tempdir().unwrap();
        let Kept::Whole(bytes) = recorded(dir.path(), 30_000, PART_BYTES) else {
            panic!("30,000 findings fit one part");
        };
        assert!(bytes.len() > REPLAY_WHOLE, "{} bytes", bytes.len());
        let (whole, _) = shape(replay(&bytes).unwrap());
        let (streamed, batches) = replayed(&Held::Whole(&bytes)).unwrap();
        assert_eq!(streamed, whole);
        assert_eq!(whole.len(), 30_001);
        assert!(batches.iter().all(|&n| n <= 1024), "{batches:?}");

        let damaged = &bytes[..bytes.len() - 3];
        assert_eq!(
            replayed(&Held::Whole(damaged)),
            Err(0),
            "nothing of a damaged recording is delivered"
        );
    }

    /// A result past a part is cut into parts that each read alone (the
    /// first row of each names its path again) and together replay and
    /// compare exactly as the result in one piece, from the worker's file
    /// or from the state's rows; a missing part means no result at all.
    #[test]
    fn a_result_kept_in_parts_replays_as_the_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let Kept::Whole(whole) = recorded(dir.path(), 30_000, PART_BYTES) else {
            panic!("30,000 findings fit one part");
        };
        let (Kept::Parts(parts), ready) = recorded_parts(dir.path(), 30_000, 64 << 10) else {
            panic!("parts of 64 KiB");
        };
        assert!(parts.len() > 20, "{} parts", parts.len());
        // What the sink was handed, part by part, is what the worker keeps
        // (packed, and smaller).
        let seqs: Vec<u32> = ready.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (0..parts.len() as u32).collect::<Vec<_>>());
        let mut rows = Rows(ready.iter().map(|r| r.read().unwrap()).collect());
        let (mut i, mut unpacked) = (0, 0);
        parts
            .each(&mut |part| {
                assert!(replay(part).is_some());
                assert_eq!(part, unpack(&rows.0[i]).unwrap());
                unpacked += part.len();
                i += 1;
                Some(())
            })
            .unwrap();
        let packed: usize = rows.0.iter().map(Vec::len).sum();
        assert!(packed < unpacked / 2, "packed: {packed} of {unpacked} bytes");
        let expected = shape(replay(&whole).unwrap()).0;
        assert_eq!(replayed(&Held::Spilled(&parts)).unwrap().0, expected);
        let marker = parts_marker(parts.len());
        let stored = Held::of(&marker, &rows, "crm/kunder.csv").unwrap();
        assert_eq!(replayed(&stored).unwrap().0, expected);

        let mut paths = Vec::new();
        each_finding(Some(&stored), &mut |row| {
            paths.push((row.path.clone(), row.source.clone()))
        });
        assert_eq!(paths.len(), 30_000);
        assert!(
            paths
                .iter()
                .all(|(p, s)| &**p == "crm/kunder.csv" && &**s == "crm/kunder.csv"),
            "every row keeps its path across parts"
        );

        for bad in [
            rows.0[3][..rows.0[3].len() / 2].to_vec(),
            u32::MAX.to_le_bytes().to_vec(),
        ] {
            let mut damaged = Rows(rows.0.clone());
            damaged.0[3] = bad;
            let held = Held::of(&marker, &damaged, "crm/kunder.csv").unwrap();
            assert_eq!(replayed(&held), Err(0), "a damaged part is not replayed");
        }

        rows.0.pop();
        let short = Held::of(&marker, &rows, "crm/kunder.csv").unwrap();
        assert_eq!(
            replayed(&short),
            Err(0),
            "a result missing a part is not replayed"
        );
        assert!(Held::of(&[IN_PARTS], &rows, "crm/kunder.csv").is_none());
        assert!(Held::of(&[9, 1], &rows, "crm/kunder.csv").is_none());
    }
}
