//! Printing tables on stdout: CSV, JSON, and aligned text columns, for
//! every command that answers with rows.

use datakart::sink::table::{Cell, Columns, cell_text, json_rows};
use std::io::Write;

/// Prints rows as CSV on stdout.
pub fn print_csv(columns: &Columns, rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record(columns.iter().map(|(n, _)| n.as_str()))?;
    for row in rows {
        w.write_record(row.iter().map(cell_text))?;
    }
    w.flush()?;
    Ok(())
}

/// Prints rows as a JSON array on stdout.
pub fn print_json(columns: &Columns, rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &json_rows(columns, rows))?;
    writeln!(out)?;
    Ok(())
}

/// The position of column `name`.
pub fn at(columns: &Columns, name: &str) -> usize {
    columns.iter().position(|(n, _)| n == name).expect("known column")
}

/// The widest text of each of the columns `idx` over `rows` (and
/// `header`, when given).
pub fn widths(rows: &[Vec<Cell>], idx: &[usize], header: &[&str]) -> Vec<usize> {
    idx.iter()
        .enumerate()
        .map(|(k, &i)| {
            rows.iter()
                .map(|r| cell_text(&r[i]).chars().count())
                .chain(header.get(k).map(|h| h.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// One line of `cells` padded to `widths`, two spaces apart.
pub fn aligned(cells: impl IntoIterator<Item = String>, widths: &[usize]) -> String {
    let line: Vec<String> = cells
        .into_iter()
        .zip(widths)
        .map(|(c, &w)| format!("{c:<w$}"))
        .collect();
    line.join("  ").trim_end().to_string()
}

/// Prints the `shown` columns of `rows` as a table with a header line.
pub fn print_table(columns: &Columns, rows: &[Vec<Cell>], shown: &[&str]) {
    let idx: Vec<usize> = shown.iter().map(|n| at(columns, n)).collect();
    let widths = widths(rows, &idx, shown);
    println!("{}", aligned(shown.iter().map(|s| s.to_string()), &widths));
    for row in rows {
        println!("{}", aligned(idx.iter().map(|&i| cell_text(&row[i])), &widths));
    }
}
