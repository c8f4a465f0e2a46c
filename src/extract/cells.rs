//! Whole values of a structured file (CSV cells, SQL dump values, JSON
//! strings and numbers) collected across records and handed to the sink
//! together through [`UnitSink::units`], so one big export is searched by
//! every worker while its findings are still taken in file order.
//!
//! A batch copies its values into one text buffer and keeps, per value,
//! its range and a small key the extractor turns back into an [`Origin`]
//! when the batch is handed over (column and table names stay with the
//! extractor, which owns them).

use super::{ExtractError, Extracted, FileKind, Limits, Origin, Unit, UnitSink, chunk};
use std::ops::Range;
use std::time::Instant;

/// Text collected per search thread before a batch is handed over: large
/// enough that splitting it across threads costs little, small enough that
/// a batch per worker stays a few MiB.
pub const PER_THREAD: usize = 256 * 1024;

/// Values waiting to be handed over, with the key of each.
pub struct Cells<K> {
    text: String,
    cells: Vec<(Range<usize>, K)>,
    limit: usize,
}

impl<K: Copy> Cells<K> {
    /// An empty batch sized for the threads `sink` searches with
    /// ([`UnitSink::batch`]).
    pub fn for_sink(sink: &dyn UnitSink) -> Cells<K> {
        Cells::with_limit(PER_THREAD * sink.batch().max(1))
    }

    /// An empty batch that is full once it holds `limit` bytes of text.
    pub fn with_limit(limit: usize) -> Cells<K> {
        Cells {
            text: String::new(),
            cells: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Adds a value; it is handed over with the next [`Cells::flush`].
    pub fn push(&mut self, text: &str, key: K) {
        let start = self.text.len();
        self.text.push_str(text);
        self.cells.push((start..self.text.len(), key));
    }

    /// True once the batch holds its limit of text and should be flushed.
    pub fn is_full(&self) -> bool {
        self.text.len() >= self.limit
    }

    /// Hands every value held to `sink` as whole units, in the order they
    /// were pushed, `origin` giving each key's origin; empties the batch.
    pub fn flush<'o>(&mut self, sink: &mut dyn UnitSink, origin: impl Fn(K) -> Origin<'o>) {
        if self.cells.is_empty() {
            return;
        }
        let units: Vec<Unit<'_>> = self
            .cells
            .iter()
            .map(|(range, key)| Unit::whole(&self.text[range.clone()], origin(*key)))
            .collect();
        sink.units(&units);
        self.text.clear();
        self.cells.clear();
    }
}

/// Where a JSON value batched by [`JsonValues`] was: its record, line and
/// key path (a range of the batch's paths).
type JsonKey = (Option<u64>, u64, u32, u32);

/// A sink in front of another that batches the whole values of a JSON
/// file ([`Origin::Json`], handed over whole: strings shorter than a chunk,
/// numbers) into [`Cells`], so an NDJSON log is searched by every worker
/// like a CSV export. Anything else (a long string's chunks, a section,
/// an inner file) first hands over what is batched, so the sink sees
/// everything in file order. A batched value's resume offset is its end:
/// whole values are not followed by an overlapping chunk.
pub struct JsonValues<'s> {
    sink: &'s mut dyn UnitSink,
    cells: Cells<JsonKey>,
    /// The key paths of the batch, each once: values of one key share
    /// their path's text, so the sink can tell their column by address.
    paths: String,
    known: foldhash::HashMap<Box<str>, (u32, u32)>,
}

impl<'s> JsonValues<'s> {
    /// Batches in front of `sink`.
    pub fn new(sink: &'s mut dyn UnitSink) -> JsonValues<'s> {
        let cells = Cells::for_sink(&*sink);
        JsonValues {
            sink,
            cells,
            paths: String::new(),
            known: foldhash::HashMap::default(),
        }
    }

    /// Hands over what is batched.
    pub fn flush(&mut self) {
        let paths = &self.paths;
        self.cells
            .flush(&mut *self.sink, |(record, line, start, end)| Origin::Json {
                record,
                path: &paths[start as usize..end as usize],
                line,
            });
        self.paths.clear();
        self.known.clear();
    }

    /// Hands over what is batched and gives the sink back.
    pub fn finish(mut self) -> &'s mut dyn UnitSink {
        self.flush();
        self.sink
    }

    /// Where `path` is in the batch's paths, added when new.
    fn path(&mut self, path: &str) -> Option<(u32, u32)> {
        if let Some(&range) = self.known.get(path) {
            return Some(range);
        }
        let start = u32::try_from(self.paths.len()).ok()?;
        let end = u32::try_from(self.paths.len() + path.len()).ok()?;
        self.paths.push_str(path);
        self.known.insert(path.into(), (start, end));
        Some((start, end))
    }
}

impl UnitSink for JsonValues<'_> {
    fn unit(&mut self, unit: Unit<'_>) -> usize {
        if let Origin::Json { record, path, line } = unit.origin
            && unit.from == 0
            && unit.until == unit.text.len()
            && let Some((start, end)) = self.path(path)
        {
            self.cells.push(unit.text, (record, line, start, end));
            if self.cells.is_full() {
                self.flush();
            }
            return unit.until;
        }
        self.flush();
        self.sink.unit(unit)
    }

    fn batch(&self) -> usize {
        self.sink.batch()
    }

    fn pieces<'o>(&mut self, pieces: &[chunk::Piece<'_>], origin: &dyn Fn(u64) -> Origin<'o>) -> usize {
        self.flush();
        self.sink.pieces(pieces, origin)
    }

    fn units(&mut self, units: &[Unit<'_>]) {
        self.flush();
        self.sink.units(units);
    }

    fn limits(&self) -> &Limits {
        self.sink.limits()
    }

    fn deadline(&self) -> Option<Instant> {
        self.sink.deadline()
    }

    fn depth(&self) -> u32 {
        self.sink.depth()
    }

    fn expand(&mut self, bytes: u64) -> Result<(), String> {
        self.sink.expand(bytes)
    }

    fn section(&mut self, label: Option<&str>) {
        self.flush();
        self.sink.section(label);
    }

    fn begin_member(&mut self, name: &str, modified: Option<i64>, kind: FileKind, size: u64) {
        self.flush();
        self.sink.begin_member(name, modified, kind, size);
    }

    fn end_member(&mut self, result: Result<Extracted, ExtractError>) {
        self.flush();
        self.sink.end_member(result);
    }
}

/// The column names of a table whose header may leave some unnamed: a
/// missing or empty name reads `column N` (1-based). Numbers are made
/// before a batch is handed over ([`ColumnNames::number`]), so every name
/// can be borrowed while it is.
#[derive(Debug, Default)]
pub struct ColumnNames {
    named: Vec<String>,
    numbered: Vec<String>,
}

impl ColumnNames {
    /// Names from a header (trimmed by the caller as the format wants).
    pub fn new(named: Vec<String>) -> ColumnNames {
        ColumnNames {
            named,
            numbered: Vec::new(),
        }
    }

    /// Makes sure column `i` has a name (its number when the header gives
    /// none).
    pub fn number(&mut self, i: usize) {
        if self.named.get(i).is_none_or(|n| n.is_empty()) {
            while self.numbered.len() <= i {
                self.numbered.push(format!("column {}", self.numbered.len() + 1));
            }
        }
    }

    /// The name of column `i`, which [`ColumnNames::number`] has seen.
    pub fn name(&self, i: usize) -> &str {
        match self.named.get(i) {
            Some(n) if !n.is_empty() => n,
            _ => &self.numbered[i],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it is handed, and how.
    #[derive(Default)]
    struct Seen {
        units: Vec<(String, u64)>,
        calls: usize,
    }

    impl UnitSink for Seen {
        fn unit(&mut self, unit: Unit<'_>) -> usize {
            let Origin::Cell { row, .. } = unit.origin else {
                panic!("a cell origin")
            };
            assert_eq!((unit.from, unit.until), (0, unit.text.len()));
            self.units.push((unit.text.to_string(), row));
            unit.until
        }

        fn units(&mut self, units: &[Unit<'_>]) {
            self.calls += 1;
            for u in units {
                self.unit(*u);
            }
        }
    }

    #[test]
    fn values_are_handed_over_whole_and_in_order_once() {
        let mut cells = Cells::with_limit(8);
        let mut seen = Seen::default();
        let origin = |row| Origin::Cell {
            row,
            line: row + 1,
            column: "epost",
        };
        cells.push("ola@example.no", 1);
        assert!(cells.is_full());
        cells.flush(&mut seen, origin);
        assert!(!cells.is_full());
        cells.push("", 2);
        cells.push("kari", 3);
        assert!(!cells.is_full());
        cells.flush(&mut seen, origin);
        cells.flush(&mut seen, origin);
        assert_eq!(seen.calls, 2, "an empty batch is not handed over");
        assert_eq!(
            seen.units,
            [
                ("ola@example.no".to_string(), 1),
                (String::new(), 2),
                ("kari".to_string(), 3)
            ]
        );
    }

    /// Records every unit it is handed, with how (`unit` alone, in a batch
    /// of `units`, or a section mark).
    #[derive(Default)]
    struct Log(Vec<String>);

    impl UnitSink for Log {
        fn unit(&mut self, unit: Unit<'_>) -> usize {
            let Origin::Json { record, path, line } = unit.origin else {
                panic!("a JSON origin")
            };
            self.0.push(format!(
                "{} {path} {record:?}:{line} {}..{}",
                unit.text, unit.from, unit.until
            ));
            unit.until - 1
        }

        fn units(&mut self, units: &[Unit<'_>]) {
            self.0.push(format!("batch of {}", units.len()));
            for u in units {
                self.unit(*u);
            }
        }

        fn section(&mut self, label: Option<&str>) {
            self.0.push(format!("section {label:?}"));
        }
    }

    /// Whole JSON values reach the sink in batches, everything else on its
    /// own, all in the order given; a chunk's resume offset is the sink's.
    #[test]
    fn json_values_are_batched_and_the_rest_passes_in_order() {
        let mut log = Log::default();
        let mut values = JsonValues::new(&mut log);
        let json = |path, line| Origin::Json {
            record: Some(line),
            path,
            line,
        };
        values.unit(Unit::whole("ola@example.no", json("$.epost", 1)));
        values.unit(Unit::whole("41234567", json("$.tlf", 1)));
        values.unit(Unit::whole("kari@example.no", json("$.epost", 2)));
        // A chunk of a long string: handed on after the batch, with the
        // sink's resume offset.
        let chunk = Unit {
            text: "lang tekst",
            from: 0,
            until: 6,
            origin: json("$.notat", 3),
        };
        assert_eq!(values.unit(chunk), 5);
        values.section(Some("message 2"));
        values.unit(Unit::whole("per@example.no", json("$.epost", 4)));
        values.finish();
        assert_eq!(
            log.0,
            [
                "batch of 3",
                "ola@example.no $.epost Some(1):1 0..14",
                "41234567 $.tlf Some(1):1 0..8",
                "kari@example.no $.epost Some(2):2 0..15",
                "lang tekst $.notat Some(3):3 0..6",
                "section Some(\"message 2\")",
                "batch of 1",
                "per@example.no $.epost Some(4):4 0..14",
            ]
        );
    }

    #[test]
    fn unnamed_columns_are_numbered_from_one() {
        let mut names = ColumnNames::new(vec!["epost".into(), String::new()]);
        for i in [0, 1, 3] {
            names.number(i);
        }
        assert_eq!(names.name(0), "epost");
        assert_eq!(names.name(1), "column 2");
        assert_eq!(names.name(3), "column 4");
    }
}
