//! Spreadsheets through calamine: xlsx, xlsm, xlsb (streamed cell by
//! cell), xls and ods (read a sheet at a time). Every sheet, hidden ones
//! included; every cell with its A1 reference; the first non-empty row of
//! a sheet names the columns. Formulas are read by their cached value,
//! dates as ISO dates, and numbers as the digits a person typed (see
//! [`super::numbers`] for identity numbers that lost a leading zero).

use super::cells::Cells;
use super::numbers::{float_text, integer_text};
use super::{Blob, ExtractError, Extracted, Origin, UnitSink, time_gap};
use calamine::{Data, DataRef, Reader};
use std::collections::HashMap;

/// Cells between two looks at the clock.
const CLOCK_EVERY: u64 = 4096;

/// The column letters of a 0-based column index (`0` → `A`, `27` → `AB`).
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// The text of a cell value, or `None` for cells that cannot hold
/// personal data (empty, booleans, errors).
fn data_ref_text(v: &DataRef<'_>) -> Option<String> {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.clone()),
        DataRef::SharedString(s) => Some(s.to_string()),
        DataRef::Int(i) => Some(integer_text(*i)),
        DataRef::Float(f) => Some(float_text(*f)),
        DataRef::DateTime(d) => d.as_datetime().map(|t| {
            if t.time() == chrono::NaiveTime::MIN {
                t.date().to_string()
            } else {
                t.to_string()
            }
        }),
        DataRef::Bool(_) | DataRef::Error(_) | DataRef::Empty => None,
    }
}

fn data_text(v: &Data) -> Option<String> {
    let r = match v {
        Data::String(s) => DataRef::SharedString(s),
        Data::DateTimeIso(s) => DataRef::SharedString(s),
        Data::DurationIso(s) => DataRef::SharedString(s),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::Bool(_) | Data::Error(_) | Data::Empty => return None,
    };
    data_ref_text(&r)
}

/// Turns the cells of one sheet, in row order, into units; the first
/// non-empty row becomes the column names. Cells are batched
/// ([`Cells`]) and handed over together, so a big sheet is searched by
/// every worker like a CSV export.
struct SheetUnits<'s> {
    sheet: &'s str,
    header_row: Option<u32>,
    headers: HashMap<u32, String>,
    /// The letters of each column met (`AB`), made once a column.
    letters: HashMap<u32, String>,
    /// The A1 references of the batched cells, one after another.
    refs: String,
    batch: Cells<CellKey>,
    cells: u64,
}

/// A batched cell: its column, its reference's range in
/// [`SheetUnits::refs`], and whether it is in the header row.
type CellKey = (u32, u32, u32, bool);

impl SheetUnits<'_> {
    fn cell(&mut self, row: u32, col: u32, text: &str, sink: &mut dyn UnitSink) {
        if text.trim().is_empty() {
            return;
        }
        self.cells += 1;
        let header_row = *self.header_row.get_or_insert(row);
        let letters = self.letters.entry(col).or_insert_with(|| column_letters(col));
        if row == header_row {
            self.headers.insert(col, text.trim().to_string());
        }
        let start = self.refs.len() as u32;
        self.refs.push_str(letters);
        self.refs.push_str(itoa::Buffer::new().format(row + 1));
        self.batch
            .push(text, (col, start, self.refs.len() as u32, row == header_row));
        if self.batch.is_full() {
            self.flush(sink);
        }
    }

    /// Hands the batched cells to `sink`, each named by its column's
    /// header (its letters in the header row, or where a column has none).
    fn flush(&mut self, sink: &mut dyn UnitSink) {
        let (sheet, headers, letters, refs) = (self.sheet, &self.headers, &self.letters, &self.refs);
        self.batch
            .flush(sink, |(col, start, end, in_header)| Origin::SheetCell {
                sheet,
                cell: &refs[start as usize..end as usize],
                column: match headers.get(&col) {
                    Some(h) if !in_header => h.as_str(),
                    _ => letters[&col].as_str(),
                },
            });
        self.refs.clear();
    }
}

/// Names a calamine error for a scan-errors row.
fn fail(format: &str, e: impl std::fmt::Display) -> ExtractError {
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("password") || text.to_ascii_lowercase().contains("encrypt") {
        ExtractError::Skipped(format!("encrypted {format} workbook: not checked"))
    } else {
        ExtractError::Failed(format!("invalid {format} workbook: {text}"))
    }
}

/// Streams every sheet of a workbook calamine reads cell by cell (xlsx,
/// xlsb: same methods, no shared trait, hence a macro).
macro_rules! stream_book {
    ($book:expr, $sink:expr, $out:expr) => {{
        let mut book = $book;
        for name in book.sheet_names() {
            let mut reader = match book.worksheet_cells_reader(&name) {
                Ok(r) => r,
                Err(e) => {
                    $out.gaps.push(format!("sheet {name}: unreadable: {e}"));
                    continue;
                }
            };
            let next = || reader.next_cell().map_err(|e| e.to_string());
            if !stream_sheet(&name, next, $sink, &mut $out) {
                break;
            }
        }
    }};
}

/// Extracts every sheet of a workbook. `name` (the file's name) only
/// shapes error messages.
pub fn extract(
    data: Box<dyn Blob>,
    format: &'static str,
    name: &str,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut out = Extracted::default();
    match format {
        "xlsx" | "xlsm" => {
            let book: calamine::Xlsx<_> = calamine::Xlsx::new(data).map_err(|e| fail(format, e))?;
            stream_book!(book, sink, out);
        }
        "xlsb" => {
            let book: calamine::Xlsb<_> = calamine::Xlsb::new(data).map_err(|e| fail(format, e))?;
            stream_book!(book, sink, out);
        }
        "xls" => {
            let book: calamine::Xls<_> = calamine::Xls::new(data).map_err(|e| {
                // calamine keeps its compound-file error type private, and
                // reports a Workbook stream it cannot read (truncated) the
                // same as one that is absent (a .doc, .ppt or .msg under
                // another name); the file name tells which is likelier.
                if !e.to_string().contains("Cannot find Workbook stream") {
                    fail(format, e)
                } else if matches!(
                    super::sniff::extension(std::path::Path::new(name)).as_str(),
                    "xls" | "xlt"
                ) {
                    ExtractError::Failed(
                        "invalid xls workbook: no readable Workbook stream (truncated or damaged)".into(),
                    )
                } else {
                    ExtractError::Skipped(
                        "OLE2 compound file without a workbook (legacy Word, PowerPoint or Outlook file): \
                         format not supported by this version, not checked"
                            .into(),
                    )
                }
            })?;
            whole_sheets(book, format, sink, &mut out)?;
        }
        _ => {
            let book: calamine::Ods<_> = calamine::Ods::new(data).map_err(|e| fail(format, e))?;
            whole_sheets(book, format, sink, &mut out)?;
        }
    }
    Ok(out)
}

impl<'s> SheetUnits<'s> {
    fn new(sheet: &'s str, sink: &dyn UnitSink) -> SheetUnits<'s> {
        SheetUnits {
            sheet,
            header_row: None,
            headers: HashMap::new(),
            letters: HashMap::new(),
            refs: String::new(),
            batch: Cells::for_sink(sink),
            cells: 0,
        }
    }
}

/// Reads one sheet from a streaming cell reader; false when the time
/// budget ran out (the gap is recorded).
fn stream_sheet<'c>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'c>>>, String>,
    sink: &mut dyn UnitSink,
    out: &mut Extracted,
) -> bool {
    let mut units = SheetUnits::new(name, sink);
    let whole = loop {
        match next() {
            Ok(Some(cell)) => {
                let (row, col) = cell.get_position();
                if let Some(text) = data_ref_text(cell.get_value()) {
                    units.cell(row, col, &text, sink);
                }
            }
            Ok(None) => break true,
            Err(e) => {
                out.gaps.push(format!(
                    "sheet {name}: unreadable after {} cells: {e}",
                    units.cells
                ));
                break true;
            }
        }
        if units.cells.is_multiple_of(CLOCK_EVERY) && sink.expired() {
            out.gaps.push(time_gap(
                sink.limits(),
                &format!("sheet {name} after {} cells", units.cells),
            ));
            break false;
        }
    };
    units.flush(sink);
    whole
}

/// Reads formats calamine can only read a whole sheet at a time.
fn whole_sheets<R>(
    mut book: R,
    format: &str,
    sink: &mut dyn UnitSink,
    out: &mut Extracted,
) -> Result<(), ExtractError>
where
    R: Reader<Box<dyn Blob>>,
    R::Error: std::fmt::Display,
{
    for name in book.sheet_names() {
        if sink.expired() {
            out.gaps.push(time_gap(
                sink.limits(),
                &format!("sheet {name} and those after it"),
            ));
            return Ok(());
        }
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                out.gaps
                    .push(format!("sheet {name}: unreadable {format} sheet: {e}"));
                continue;
            }
        };
        let Some((top, left)) = range.start() else {
            continue;
        };
        let mut units = SheetUnits::new(&name, sink);
        for (r, c, value) in range.used_cells() {
            if let Some(text) = data_text(value) {
                units.cell(top + r as u32, left + c as u32, &text, sink);
            }
        }
        units.flush(sink);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_typed_text() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |v| DataRef::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        // Serial 45597 is 1 November 2024; .5 is noon.
        assert_eq!(data_ref_text(&date(45597.0)).as_deref(), Some("2024-11-01"));
        assert_eq!(
            data_ref_text(&date(45597.5)).as_deref(),
            Some("2024-11-01 12:00:00")
        );
        assert_eq!(
            data_ref_text(&DataRef::Float(15108695088.0)).as_deref(),
            Some("15108695088")
        );
        assert_eq!(data_ref_text(&DataRef::Bool(true)), None);
        assert_eq!(data_text(&Data::String("x".into())).as_deref(), Some("x"));
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
