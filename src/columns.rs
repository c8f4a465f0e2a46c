//! Column classification for structured data (CSV, SQL dumps, sheets,
//! SQLite, Parquet): what share of a column's values validate as each
//! type, and what that says about the values that do not.
//!
//! A column is judged on a sample of its first [`SAMPLE`] non-empty values
//! (or all of them, when the file ends first). While it is sampled, its
//! findings and its unvalidated look-alikes are held back; the verdict then
//! decides what happens to them and to every later value:
//!
//! - **dominant** (at least [`DOMINANT`] of the values validate as one
//!   type): values of that type's rough shape that do not validate (a typo,
//!   a wrong check digit, a number that lost its leading zero) are reported
//!   too, as `low`, reason `column classification`;
//! - otherwise, a finding of a type that is rare in the column so far (at
//!   least [`RARE_MIN`] values seen and under [`RARE`] of them valid as
//!   that type, the header not naming it) is a chance hit among order
//!   numbers and is lowered to `low`; other findings pass unchanged.
//!
//! The counts keep running to the end of the file and go into the data map
//! (`column_type`, `column_values`, `column_share`). Memory is bounded: at
//! most [`SAMPLE`] held cells per column, and at most [`MAX_COLUMNS`]
//! columns per file are classified.

use crate::model::DataType;
use crate::rotation::Rotation;

/// Values sampled before a column's verdict.
pub const SAMPLE: u64 = 100;
/// Share of valid values that makes a column an identifier column.
pub const DOMINANT: f64 = 0.9;
/// Share under which valid values are chance hits.
pub const RARE: f64 = 0.02;
/// Values needed before a column can be judged rare.
pub const RARE_MIN: u64 = 100;
/// Fewest values a verdict is given on at the end of a file.
pub const MIN_VALUES: u64 = 10;
/// Columns classified per file; further columns pass unchanged.
pub const MAX_COLUMNS: usize = 1024;

/// A finding row as the classifier needs to see it.
pub trait Finding {
    /// The finding's type.
    fn ty(&self) -> DataType;
    /// Lowers the finding to `low`, noting why in its detail.
    fn demote(&mut self, note: &'static str);
}

/// A cell no validator accepted, held until its column's verdict: its
/// text, and a row at its location that the caller's `finalize` turns into
/// a finding of the column's type when the text has that type's shape.
struct LookAlike<R> {
    text: String,
    template: R,
}

/// Turns a look-alike's template into a finding: (row, type, normalised
/// value) → row. The caller owns masking, hashing and the reason text.
pub type Finalize<'f, R> = &'f mut dyn FnMut(R, DataType, String) -> R;

/// One value of a structured file, as the classifier sees it.
#[derive(Debug, Clone, Copy)]
pub struct CellText<'a> {
    /// The column's name (header).
    pub column: &'a str,
    /// The value's text.
    pub text: &'a str,
    /// Types the header names (bit per type), from the keyword lists.
    pub header_mask: u32,
}

/// What a column holds, for the data map.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The type most of its valid values have (None: no valid value).
    pub ty: Option<DataType>,
    /// Non-empty values seen.
    pub values: u64,
    /// Share of the values that validate as `ty`.
    pub share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    /// One type dominates: look-alikes of it are reported.
    Dominant(DataType),
    /// No type dominates: findings of a type rare in the column so far
    /// are lowered.
    Other,
}

struct Column<R> {
    values: u64,
    valid: [u64; DataType::ALL.len()],
    /// Whether the header names each type (bit per type).
    header: u32,
    verdict: Option<Verdict>,
    held: Vec<R>,
    look_alikes: Vec<LookAlike<R>>,
}

impl<R> Column<R> {
    /// A column not seen yet, whose header names the types in `header`.
    fn new(header: u32) -> Column<R> {
        Column {
            values: 0,
            valid: [0; DataType::ALL.len()],
            header,
            verdict: None,
            held: Vec::new(),
            look_alikes: Vec::new(),
        }
    }

    fn top(&self) -> Option<(DataType, u64)> {
        DataType::ALL
            .iter()
            .map(|&t| (t, self.valid[t.index()]))
            .filter(|&(_, n)| n > 0)
            .max_by_key(|&(t, n)| (n, std::cmp::Reverse(t.index())))
    }

    fn judge(&self) -> Verdict {
        match self.top() {
            Some((ty, n)) if ty.personal() && n as f64 / self.values as f64 >= DOMINANT => {
                Verdict::Dominant(ty)
            }
            _ => Verdict::Other,
        }
    }

    /// Whether `ty` is a chance hit here: a type random digits can pass,
    /// enough values seen, few of them valid as `ty`, and the header does
    /// not name it.
    fn rare(&self, ty: DataType) -> bool {
        ty.chance_valid()
            && self.values >= RARE_MIN
            && (self.valid[ty.index()] as f64 / self.values as f64) < RARE
            && self.header & ty.bit() == 0
    }
}

/// The columns of one file being classified.
pub struct ColumnBook<R> {
    /// The columns' names, by slot: cells come column after column, so
    /// comparing one name is nearly always enough to find a cell's column.
    names: Rotation<String>,
    /// The columns, by slot.
    columns: Vec<Column<R>>,
}

impl<R> Default for ColumnBook<R> {
    fn default() -> Self {
        ColumnBook {
            names: Rotation::default(),
            columns: Vec::new(),
        }
    }
}

impl<R: Finding> ColumnBook<R> {
    /// Records one non-empty cell and the findings detection made in it.
    /// Emits into `out` what is due now: nothing while the column is
    /// sampled, the held rows when the sample completes, the cell's
    /// (adjusted) findings afterwards. `template` makes a row at the cell's
    /// location, asked for only when the cell is a look-alike to hold or
    /// report.
    pub fn cell(
        &mut self,
        cell: CellText<'_>,
        rows: &mut Vec<R>,
        template: impl FnOnce() -> R,
        finalize: Finalize<'_, R>,
        out: &mut Vec<R>,
    ) {
        let CellText {
            column,
            text,
            header_mask,
        } = cell;
        let slot = match self.names.find(column) {
            Some(slot) => slot,
            None if self.columns.len() >= MAX_COLUMNS => {
                out.append(rows);
                return;
            }
            None => {
                self.columns.push(Column::new(header_mask));
                self.names.insert(column.to_string())
            }
        };
        self.columns[slot].cell(text, rows, template, finalize, out);
    }

    /// Ends the file: gives a verdict to columns still being sampled,
    /// emits what they held, and returns each column's summary, sorted by
    /// column name.
    pub fn finish(&mut self, finalize: Finalize<'_, R>, out: &mut Vec<R>) -> Vec<(String, Summary)> {
        let mut summaries = Vec::with_capacity(self.columns.len());
        for (name, mut col) in self.names.take().into_iter().zip(self.columns.drain(..)) {
            if col.verdict.is_none() {
                let verdict = if col.values >= MIN_VALUES {
                    col.judge()
                } else {
                    Verdict::Other
                };
                release(&mut col, verdict, finalize, out);
            }
            let (ty, share) = match col.top() {
                Some((t, n)) => (Some(t), n as f64 / col.values as f64),
                None => (None, 0.0),
            };
            summaries.push((
                name,
                Summary {
                    ty,
                    values: col.values,
                    share,
                },
            ));
        }
        summaries.sort_by(|a, b| a.0.cmp(&b.0));
        summaries
    }
}

impl<R: Finding> Column<R> {
    /// [`ColumnBook::cell`] for this column.
    fn cell(
        &mut self,
        text: &str,
        rows: &mut Vec<R>,
        template: impl FnOnce() -> R,
        finalize: Finalize<'_, R>,
        out: &mut Vec<R>,
    ) {
        self.values += 1;
        let mut seen = 0u32;
        for r in rows.iter() {
            if seen & r.ty().bit() == 0 {
                self.valid[r.ty().index()] += 1;
                seen |= r.ty().bit();
            }
        }
        match self.verdict {
            None => {
                if rows.is_empty() && looks_like_any(text) {
                    self.look_alikes.push(LookAlike {
                        text: text.to_string(),
                        template: template(),
                    });
                }
                self.held.append(rows);
                if self.values >= SAMPLE {
                    let verdict = self.judge();
                    self.verdict = Some(verdict);
                    release(self, verdict, finalize, out);
                }
            }
            Some(verdict) => {
                apply(self, verdict, rows);
                if rows.is_empty()
                    && let Verdict::Dominant(ty) = verdict
                    && let Some(v) = shape(ty, text)
                {
                    out.push(finalize(template(), ty, v));
                }
                out.append(rows);
            }
        }
    }
}

/// Emits a column's held rows under its verdict, with its look-alikes
/// turned into findings when the column is dominated by one type.
fn release<R: Finding>(col: &mut Column<R>, verdict: Verdict, finalize: Finalize<'_, R>, out: &mut Vec<R>) {
    let mut held = std::mem::take(&mut col.held);
    apply(col, verdict, &mut held);
    out.append(&mut held);
    for candidate in std::mem::take(&mut col.look_alikes) {
        if let Verdict::Dominant(ty) = verdict
            && let Some(v) = shape(ty, &candidate.text)
        {
            out.push(finalize(candidate.template, ty, v));
        }
    }
}

fn apply<R: Finding>(col: &Column<R>, verdict: Verdict, rows: &mut [R]) {
    if verdict == Verdict::Other {
        for r in rows.iter_mut().filter(|r| col.rare(r.ty())) {
            r.demote("rare in its column");
        }
    }
}

/// Cheap pre-check before holding a cell: some digit or an `@`.
fn looks_like_any(text: &str) -> bool {
    text.len() <= 64 && text.bytes().any(|b| b.is_ascii_digit() || b == b'@')
}

/// The normalised value of `text` when it has the rough shape of `ty`
/// (right length and characters) without validating.
pub fn shape(ty: DataType, text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let only = |extra: &[char]| t.chars().all(|c| c.is_ascii_digit() || extra.contains(&c));
    let ok = match ty {
        DataType::NoFnr | DataType::NoDnr => only(&[' ', '-', '.']) && (10..=11).contains(&digits.len()),
        DataType::DkCpr => only(&[' ', '-']) && (9..=10).contains(&digits.len()),
        DataType::SePnr => only(&[' ', '-', '+']) && matches!(digits.len(), 10 | 12),
        DataType::PaymentCard => only(&[' ', '-']) && (13..=19).contains(&digits.len()),
        DataType::Phone => only(&[' ', '-', '+', '(', ')']) && (8..=15).contains(&digits.len()),
        DataType::FiHetu => {
            let b = t.as_bytes();
            b.len() == 11 && b[..6].iter().all(u8::is_ascii_digit) && b[7..10].iter().all(u8::is_ascii_digit)
        }
        DataType::Iban => {
            let c: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            let b = c.as_bytes();
            (15..=34).contains(&b.len())
                && b[..2].iter().all(u8::is_ascii_alphabetic)
                && b[2..].iter().all(u8::is_ascii_alphanumeric)
        }
        DataType::Email => t.matches('@').count() == 1 && !t.contains(char::is_whitespace),
        DataType::Ipv4
        | DataType::Ipv6
        | DataType::OrgNumber
        | DataType::PersonName
        | DataType::PostalAddress
        | DataType::SpecialCategory
        | DataType::Custom => false,
    };
    if !ok {
        return None;
    }
    Some(match ty {
        DataType::Email => t.to_lowercase(),
        DataType::FiHetu | DataType::Iban => t
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase(),
        _ => digits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Row {
        ty: DataType,
        text: String,
        low: bool,
    }

    impl Finding for Row {
        fn ty(&self) -> DataType {
            self.ty
        }
        fn demote(&mut self, _: &'static str) {
            self.low = true;
        }
    }

    fn low(mut r: Row, ty: DataType, _: String) -> Row {
        r.ty = ty;
        r.low = true;
        r
    }

    /// Feeds one cell of `column`, whose header names the types in
    /// `header`.
    fn cell(
        book: &mut ColumnBook<Row>,
        (column, header): (&str, u32),
        text: &str,
        ty: Option<DataType>,
        out: &mut Vec<Row>,
    ) {
        let row = |ty| Row {
            ty,
            text: text.to_string(),
            low: false,
        };
        let mut rows: Vec<Row> = ty.map(row).into_iter().collect();
        let cell = CellText {
            column,
            text,
            header_mask: header,
        };
        book.cell(cell, &mut rows, || row(DataType::Email), &mut low, out);
    }

    /// Feeds `cells` to one column, `c`.
    fn feed(book: &mut ColumnBook<Row>, header: u32, cells: &[(&str, Option<DataType>)]) -> Vec<Row> {
        let mut out = Vec::new();
        for &(text, ty) in cells {
            cell(book, ("c", header), text, ty, &mut out);
        }
        out
    }

    #[test]
    fn a_dominant_column_reports_its_look_alikes_as_low() {
        let mut book = ColumnBook::default();
        let mut cells: Vec<(&str, Option<DataType>)> = vec![("15108695088", Some(DataType::NoFnr)); 190];
        cells.extend([("15108695077", None); 5]); // wrong check digit
        cells.extend([("ukjent", None); 5]);
        let mut out = feed(&mut book, 0, &cells);
        let summary = book.finish(&mut low, &mut out);
        assert_eq!(out.len(), 195);
        assert_eq!(out.iter().filter(|r| r.low).count(), 5);
        assert!(out.iter().filter(|r| r.low).all(|r| r.text == "15108695077"));
        assert_eq!(summary[0].1.ty, Some(DataType::NoFnr));
        assert_eq!(summary[0].1.values, 200);
        assert!((summary[0].1.share - 0.95).abs() < 1e-9);
    }

    #[test]
    fn a_lone_valid_value_among_order_numbers_is_lowered() {
        let mut book = ColumnBook::default();
        let mut cells: Vec<(&str, Option<DataType>)> = vec![("12345678901", None); 500];
        cells[40] = ("15108695088", Some(DataType::NoFnr));
        cells[300] = ("01017002038", Some(DataType::NoFnr));
        let mut out = feed(&mut book, 0, &cells);
        book.finish(&mut low, &mut out);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|r| r.low));
        // When the header names the type, they stand.
        let mut book = ColumnBook::default();
        let mut out = feed(&mut book, DataType::NoFnr.bit(), &cells);
        book.finish(&mut low, &mut out);
        assert!(out.iter().all(|r| !r.low));
    }

    /// Columns met interleaved, some rows missing a cell, one column
    /// appearing late, are each judged on their own cells alone.
    #[test]
    fn interleaved_and_ragged_columns_are_judged_apart() {
        let mut book = ColumnBook::default();
        let mut out = Vec::new();
        for i in 0..500 {
            let fnr = if i % 100 == 7 {
                ("15108695077", None)
            } else {
                ("15108695088", Some(DataType::NoFnr))
            };
            cell(&mut book, ("fnr", 0), fnr.0, fnr.1, &mut out);
            if i % 7 != 3 {
                let order = if i == 250 {
                    ("01017002038", Some(DataType::NoFnr))
                } else {
                    ("12345678901", None)
                };
                cell(&mut book, ("ordre", 0), order.0, order.1, &mut out);
            }
            if i >= 100 {
                cell(&mut book, ("notat", 0), "ring kunden", None, &mut out);
            }
        }
        let summary = book.finish(&mut low, &mut out);
        let names: Vec<(&str, u64)> = summary.iter().map(|(n, s)| (n.as_str(), s.values)).collect();
        assert_eq!(names, [("fnr", 500), ("notat", 400), ("ordre", 429)]);
        assert_eq!(summary[0].1.ty, Some(DataType::NoFnr));
        let mut lowered: Vec<&str> = out.iter().filter(|r| r.low).map(|r| r.text.as_str()).collect();
        lowered.sort();
        assert_eq!(
            lowered,
            [
                "01017002038",
                "15108695077",
                "15108695077",
                "15108695077",
                "15108695077",
                "15108695077"
            ]
        );
        assert_eq!(out.len(), 495 + 5 + 1);
    }

    /// Past [`MAX_COLUMNS`] a new column's findings pass unjudged.
    #[test]
    fn columns_past_the_limit_pass_unjudged() {
        let mut book = ColumnBook::default();
        let mut out = Vec::new();
        for c in 0..=MAX_COLUMNS {
            cell(
                &mut book,
                (&format!("c{c}"), 0),
                "15108695088",
                Some(DataType::NoFnr),
                &mut out,
            );
        }
        assert_eq!(out.len(), 1, "only the column past the limit passes at once");
        assert_eq!(book.finish(&mut low, &mut out).len(), MAX_COLUMNS);
        assert_eq!(out.len(), MAX_COLUMNS + 1);
    }

    #[test]
    fn small_and_mixed_columns_pass_unchanged() {
        let mut book = ColumnBook::default();
        let cells = [("15108695088", Some(DataType::NoFnr)), ("15108695077", None)];
        let mut out = feed(&mut book, 0, &cells);
        book.finish(&mut low, &mut out);
        assert_eq!(out.len(), 1);
        assert!(!out[0].low);
    }

    #[test]
    fn shapes_are_loose_but_typed() {
        assert_eq!(
            shape(DataType::NoFnr, " 151086 95077 "),
            Some("15108695077".into())
        );
        assert_eq!(shape(DataType::NoFnr, "ukjent"), None);
        assert_eq!(shape(DataType::Email, "Ola@Example"), Some("ola@example".into()));
        assert_eq!(
            shape(DataType::Iban, "no93 8601 1117 948"),
            Some("NO9386011117948".into())
        );
        assert_eq!(shape(DataType::Ipv4, "10.0.0.1"), None);
    }
}
