//! Inline SVG charts for the report: no script, no external asset, and
//! crisp when printed. Each function returns one `<svg>` element sized to
//! its data, with a text fallback (`<title>`) for screen readers.

use super::escape;
use std::fmt::Write;

/// Colours for series, chosen to stay apart in print and for common
/// colour-vision deficiencies (Okabe–Ito, then darker variants).
const PALETTE: [&str; 16] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#004C7A",
    "#9C6B00", "#006B4E", "#8F3F00", "#8A4F71", "#2F7FA8", "#A39A2C", "#666666",
];

/// The colour of series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A horizontal stacked bar per row: `rows` are (label, values per
/// series), `series` names the series (legend order).
pub fn stacked_bars(title: &str, rows: &[(String, Vec<u64>)], series: &[&str]) -> String {
    let label_w = 170.0;
    let bar_w = 520.0;
    let row_h = 26.0;
    let max: u64 = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let used: Vec<usize> = (0..series.len())
        .filter(|&s| rows.iter().any(|(_, v)| v.get(s).copied().unwrap_or(0) > 0))
        .collect();
    let legend_rows = used.len().div_ceil(4);
    let height = rows.len() as f64 * row_h + 20.0 + legend_rows as f64 * 18.0 + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {w} {height}" width="{w}" height="{height}"><title>{t}</title>"#,
        w = label_w + bar_w + 70.0,
        t = escape(title)
    );
    for (r, (label, values)) in rows.iter().enumerate() {
        let y = r as f64 * row_h + 4.0;
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="label">{l}</text>"#,
            x = label_w - 8.0,
            ty = y + 14.0,
            l = escape(label)
        );
        let mut x = label_w;
        for (s, &v) in values.iter().enumerate() {
            if v == 0 {
                continue;
            }
            let w = v as f64 / max as f64 * bar_w;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="18" fill="{c}"><title>{l}: {name} {v}</title></rect>"#,
                c = colour(s),
                l = escape(label),
                name = escape(series[s]),
            );
            x += w;
        }
        let total: u64 = values.iter().sum();
        let _ = write!(
            svg,
            r#"<text x="{tx:.1}" y="{ty}" class="value">{total}</text>"#,
            tx = x + 5.0,
            ty = y + 14.0
        );
    }
    let top = rows.len() as f64 * row_h + 20.0;
    for (i, &s) in used.iter().enumerate() {
        let (col, row) = (i % 4, i / 4);
        let x = label_w + col as f64 * 135.0;
        let y = top + row as f64 * 18.0;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{ry}" width="11" height="11" fill="{c}"/><text x="{tx}" y="{ty}" class="legend">{n}</text>"#,
            ry = y - 9.0,
            c = colour(s),
            tx = x + 15.0,
            ty = y + 1.0,
            n = escape(series[s])
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical bars: one per (label, value), e.g. an age histogram.
pub fn columns(title: &str, bars: &[(String, u64)], colour_of: &dyn Fn(usize) -> &'static str) -> String {
    let bar_w = 70.0;
    let gap = 14.0;
    let plot_h = 170.0;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let width = bars.len() as f64 * (bar_w + gap) + 20.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {h}" width="{width}" height="{h}"><title>{t}</title>"#,
        h = plot_h + 50.0,
        t = escape(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let x = 10.0 + i as f64 * (bar_w + gap);
        let h = *v as f64 / max as f64 * plot_h;
        let y = 15.0 + plot_h - h;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{y:.1}" width="{bar_w}" height="{h:.1}" fill="{c}"><title>{l}: {v}</title></rect><text x="{cx}" y="{vy:.1}" text-anchor="middle" class="value">{v}</text><text x="{cx}" y="{ly}" text-anchor="middle" class="label">{l}</text>"#,
            c = colour_of(i),
            l = escape(label),
            cx = x + bar_w / 2.0,
            vy = y - 3.0,
            ly = plot_h + 33.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars: one per (label, value), in the order given; `series`
/// names what is counted (the legend).
pub fn bars(title: &str, rows: &[(String, u64)], series: &str) -> String {
    let stacked: Vec<(String, Vec<u64>)> = rows.iter().map(|(l, v)| (l.clone(), vec![*v])).collect();
    stacked_bars(title, &stacked, &[series])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_to_the_largest_value() {
        let svg = stacked_bars(
            "t",
            &[("a<b".into(), vec![10, 0]), ("c".into(), vec![5, 5])],
            &["email", "phone"],
        );
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        assert!(svg.contains(r#"width="520.0""#), "the longest bar fills the plot");
        assert!(svg.contains(r#"width="260.0""#), "half the total, half the width");
        let cols = columns("ages", &[("< 30 d".into(), 4), ("> 10 y".into(), 0)], &|_| "#000");
        assert!(cols.contains("&lt; 30 d") && cols.contains(r#"height="0.0""#));
    }
}
