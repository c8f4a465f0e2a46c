//! Whole values of a structured file (CSV cells, SQL dump values) collected
//! across records and handed to the sink together through
//! [`UnitSink::units`], so one big export is searched by every worker
//! while its findings are still taken in file order.
//!
//! A batch copies its values into one text buffer and keeps, per value,
//! its range and a small key the extractor turns back into an [`Origin`]
//! when the batch is handed over (column and table names stay with the
//! extractor, which owns them).

use super::{Origin, Unit, UnitSink};
use std::ops::Range;

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
