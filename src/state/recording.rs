//! A file's result as the state store keeps it: every message its worker
//! sent to the sink (findings, finished records, the file records of the
//! file and its inner files), in the order sent. A later scan that finds
//! the file unchanged replays them instead of reading the file, so the
//! sink builds exactly the outputs a fresh read would have given.
//!
//! Encoded with [`crate::wire`]; a row's path and source are written only
//! when they differ from the previous row's.

use crate::columns::Summary;
use crate::model::{Confidence, DataType};
use crate::records::RecordSummary;
use crate::sink::{FileRecord, FindingRow, Message, Status};
use crate::wire::{self, Reader};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// The layout's version: a recording of another is not replayed (the
/// file is read again).
const VERSION: u8 = 1;
/// A recording larger than this is not kept: such a file (about 150,000
/// findings) is read again by every scan. Each worker builds its file's
/// recording in memory, so this bounds what recordings add to a scan's
/// peak memory (64 MiB per worker was too much for the 300 MB bound).
pub const MAX_BYTES: usize = 16 << 20;

const FINDINGS: u8 = 1;
const RECORDS: u8 = 2;
const DONE: u8 = 3;

/// The messages of one file being recorded.
pub struct Recording {
    bytes: Vec<u8>,
    last_path: String,
    last_source: String,
    findings: u64,
}

impl Default for Recording {
    fn default() -> Self {
        Recording {
            bytes: vec![VERSION],
            last_path: String::new(),
            last_source: String::new(),
            findings: 0,
        }
    }
}

impl Recording {
    /// Records a message about to be sent.
    pub fn add(&mut self, msg: &Message) {
        if self.bytes.len() > MAX_BYTES {
            return;
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
            Message::Excluded | Message::Changes(_) | Message::Stored(_) | Message::Carried(_) => {}
        }
    }

    /// Findings recorded.
    pub fn findings(&self) -> u64 {
        self.findings
    }

    /// The recording, or `None` when it grew past [`MAX_BYTES`].
    pub fn finish(self) -> Option<Vec<u8>> {
        (self.bytes.len() <= MAX_BYTES).then_some(self.bytes)
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
/// small fixed set, so each is leaked once.
fn intern(s: String) -> &'static str {
    static TEXTS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut texts = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    let texts = texts.get_or_insert_with(HashSet::new);
    if let Some(&known) = texts.get(s.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    texts.insert(leaked);
    leaked
}

/// A piece of a recording as [`decode`] reads it, in recording order.
enum Part {
    /// A batch of this many findings starts; its rows follow.
    Findings(usize),
    /// One finding of the current batch.
    Row(FindingRow),
    /// Any other message.
    Other(Message),
}

/// Reads a recording piece by piece, so a caller that needs one finding at
/// a time never holds them all; `None` when it is damaged or of another
/// layout (after the pieces before the damage).
fn decode(bytes: &[u8], on: &mut dyn FnMut(Part)) -> Option<()> {
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
                on(Part::Findings(n));
                for _ in 0..n {
                    on(Part::Row(read_row(&mut r, &mut path, &mut source)?));
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
                on(Part::Other(Message::Records { path: file, records }));
            }
            DONE => on(Part::Other(Message::Done(read_done(&mut r)?))),
            _ => return None,
        }
    }
    Some(())
}

/// The messages of a recording, in the order they were sent; `None` when
/// it is damaged or of another layout.
pub fn replay(bytes: &[u8]) -> Option<Vec<Message>> {
    let mut msgs = Vec::new();
    decode(bytes, &mut |part| match part {
        Part::Findings(n) => msgs.push(Message::Findings(Vec::with_capacity(n.min(4096)))),
        Part::Row(row) => {
            if let Some(Message::Findings(rows)) = msgs.last_mut() {
                rows.push(row);
            }
        }
        Part::Other(msg) => msgs.push(msg),
    })?;
    Some(msgs)
}

/// Recordings up to this size are replayed from memory in one piece.
const REPLAY_WHOLE: usize = 1 << 20;

/// Replays a recording into `deliver`, message by message, as
/// [`replay`] would return them, but holding at most `batch` findings at a
/// time: a recording of [`MAX_BYTES`] decodes to about 60 MB of rows. `None`,
/// with nothing delivered, when it is damaged or of another layout (a
/// large recording is read twice: once to check it is whole).
pub fn replay_into(bytes: &[u8], batch: usize, deliver: &mut dyn FnMut(Message)) -> Option<()> {
    if bytes.len() <= REPLAY_WHOLE {
        replay(bytes)?.into_iter().for_each(deliver);
        return Some(());
    }
    decode(bytes, &mut |_| {})?;
    let mut rows = Vec::new();
    let _ = decode(bytes, &mut |part| match part {
        Part::Findings(_) => {}
        Part::Row(row) => {
            rows.push(row);
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
    });
    if !rows.is_empty() {
        deliver(Message::Findings(rows));
    }
    Some(())
}

/// Hands each finding of a recording to `f`, one at a time (none when
/// there is none; those before the damage when it is damaged): what a file
/// held, to compare with what it holds now, without holding it all. A
/// recording of [`MAX_BYTES`] decodes to about 60 MB of rows.
pub fn each_finding(bytes: Option<&[u8]>, f: &mut dyn FnMut(&FindingRow)) {
    if let Some(bytes) = bytes {
        let _ = decode(bytes, &mut |part| {
            if let Part::Row(row) = part {
                f(&row);
            }
        });
    }
}

fn read_shared(r: &mut Reader<'_>, last: &mut Arc<str>) -> Option<Arc<str>> {
    if let Some(text) = r.opt_text()? {
        *last = Arc::from(text);
    }
    Some(last.clone())
}

fn read_row(r: &mut Reader<'_>, path: &mut Arc<str>, source: &mut Arc<str>) -> Option<FindingRow> {
    let path = read_shared(r, path)?;
    let source = read_shared(r, source)?;
    let file_type = intern(r.text()?);
    let file_size = r.opt_u64()?;
    let file_modified = r.opt_i64()?;
    let location = r.text()?;
    let line = r.opt_u64()?;
    let column_name = r.opt_text()?;
    let ty = *DataType::ALL.get(usize::from(r.byte()?))?;
    let type_label = intern(r.text()?);
    let subtype = intern(r.text()?);
    let detail = r.text()?;
    let reason = intern(r.text()?);
    let confidence = match r.byte()? {
        0 => Confidence::Low,
        1 => Confidence::Medium,
        2 => Confidence::High,
        _ => return None,
    };
    let value_masked = r.text()?;
    let value_hash = r.hash()?;
    let value = r.opt_text()?;
    let record = r.text()?;
    let name_tokens = (0..r.varint()?).map(|_| r.hash()).collect::<Option<Vec<_>>>()?;
    Some(FindingRow {
        path,
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
        source,
        record,
        name_tokens,
    })
}

fn read_texts(r: &mut Reader<'_>) -> Option<Vec<String>> {
    (0..r.varint()?).map(|_| r.text()).collect()
}

fn read_done(r: &mut Reader<'_>) -> Option<FileRecord> {
    let path = Arc::from(r.text()?);
    let file_type = intern(r.text()?);
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
    let encoding = r.opt_text()?.map(intern);
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

    /// A recording of `n` findings then the file's record.
    fn recorded(n: usize) -> Vec<u8> {
        let mut recording = Recording::default();
        let rows: Vec<FindingRow> = (0..n)
            .map(|i| FindingRow::example(&format!("row {i}"), &format!("{i:064x}")))
            .collect();
        for batch in rows.chunks(5000) {
            recording.add(&Message::Findings(batch.to_vec()));
        }
        recording.add(&Message::Records {
            path: Arc::from("crm/kunder.csv"),
            records: Vec::new(),
        });
        recording.finish().expect("small enough to keep")
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

    #[test]
    fn a_large_recording_is_replayed_in_bounded_batches() {
        let bytes = recorded(30_000);
        assert!(bytes.len() > REPLAY_WHOLE, "{} bytes", bytes.len());
        let (whole, _) = shape(replay(&bytes).unwrap());
        let mut delivered = Vec::new();
        replay_into(&bytes, 1024, &mut |m| delivered.push(m)).unwrap();
        let (streamed, batches) = shape(delivered);
        assert_eq!(streamed, whole);
        assert_eq!(whole.len(), 30_001);
        assert!(batches.iter().all(|&n| n <= 1024), "{batches:?}");

        let damaged = &bytes[..bytes.len() - 3];
        let mut delivered = 0;
        assert!(replay_into(damaged, 1024, &mut |_| delivered += 1).is_none());
        assert_eq!(delivered, 0, "nothing of a damaged recording is delivered");
    }
}
