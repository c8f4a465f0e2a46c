//! The auditor's report: one self-contained HTML file made from a scan's
//! outputs (`scan.json`, `data_map.csv`, `retention_violations.csv`,
//! `scan_errors.csv`). No script, no external asset: it opens offline,
//! prints well, and can be mailed as it is. Charts are inline SVG
//! ([`svg`]). Tables are read streaming and only what the report shows is
//! kept, so a scan of millions of files makes a report in bounded memory.

pub mod svg;

use crate::category::UNDECLARED;
use crate::model::DataType;
use crate::sink::folders::folder_of;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

/// Rows listed per table in the report; totals always count every row.
pub const LIST: usize = 50;

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Age buckets of the histogram: (label, upper bound in days, exclusive).
const AGES: [(&str, u64); 7] = [
    ("< 90 days", 90),
    ("90 d – 1 y", 365),
    ("1 – 2 y", 730),
    ("2 – 5 y", 1826),
    ("5 – 10 y", 3652),
    ("10 – 20 y", 7305),
    ("> 20 y", u64::MAX),
];

/// One category's totals.
#[derive(Debug, Default, Clone)]
struct CategoryTotals {
    purpose: String,
    legal_basis: String,
    retention: String,
    on_expiry: String,
    files: u64,
    findings: u64,
    violations: u64,
    per_type: BTreeMap<String, u64>,
}

/// A listed row: its cells as text, and what it is ranked by.
#[derive(Debug, Clone)]
struct Listed {
    rank: u64,
    cells: Vec<String>,
}

/// Keeps the `LIST` highest-ranked rows and counts all.
#[derive(Debug, Default)]
struct Top {
    rows: Vec<Listed>,
    total: u64,
}

impl Top {
    /// The listed rows' cells, highest rank first.
    fn cells(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|l| l.cells.clone()).collect()
    }

    fn add(&mut self, rank: u64, cells: impl FnOnce() -> Vec<String>) {
        self.total += 1;
        if self.rows.len() == LIST && self.rows.last().is_some_and(|l| l.rank >= rank) {
            return;
        }
        let at = self.rows.partition_point(|l| l.rank >= rank);
        self.rows.insert(at, Listed { rank, cells: cells() });
        self.rows.truncate(LIST);
    }
}

/// Everything the report shows, aggregated from the outputs.
#[derive(Debug, Default)]
pub struct Report {
    scan: serde_json::Value,
    files_with_personal_data: u64,
    categories: BTreeMap<String, CategoryTotals>,
    ages: [u64; AGES.len()],
    overdue_by_folder: HashMap<String, u64>,
    violations: Top,
    blocked: Top,
    special: Top,
    undeclared_by_folder: HashMap<String, (u64, u64)>,
    transfers: Top,
    errors: Top,
    errors_by_status: BTreeMap<String, u64>,
}

/// A CSV table's column positions by name.
struct Columns(HashMap<String, usize>);

impl Columns {
    fn get<'r>(&self, row: &'r csv::StringRecord, name: &str) -> &'r str {
        self.0.get(name).and_then(|&i| row.get(i)).unwrap_or("")
    }
    fn number(&self, row: &csv::StringRecord, name: &str) -> u64 {
        self.get(row, name).parse().unwrap_or(0)
    }
}

/// Reads `dir/name` row by row; a missing table is an error naming it.
fn each_row(dir: &Path, name: &str, mut f: impl FnMut(&Columns, &csv::StringRecord)) -> Result<(), String> {
    let path = dir.join(name);
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_string(), i))
        .collect();
    let columns = Columns(headers);
    for row in reader.records() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        f(&columns, &row);
    }
    Ok(())
}

impl Report {
    /// Reads a scan's outputs from `out_dir`.
    pub fn load(out_dir: &Path) -> Result<Report, String> {
        let scan_json = out_dir.join("scan.json");
        let scan: serde_json::Value = std::fs::read(&scan_json)
            .map_err(|e| {
                format!(
                    "cannot read {}: {e} (is this a scan output folder?)",
                    scan_json.display()
                )
            })
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", scan_json.display())))?;
        let mut report = Report {
            scan,
            ..Report::default()
        };
        let personal: Vec<&str> = DataType::ALL
            .iter()
            .filter(|t| t.personal() && **t != DataType::Custom)
            .map(|t| t.as_str())
            .collect();
        each_row(out_dir, "data_map.csv", |c, row| {
            let findings = c.number(row, "personal_findings");
            if !c.get(row, "column_name").is_empty() || findings == 0 {
                return;
            }
            report.files_with_personal_data += 1;
            let path = c.get(row, "path");
            let name = c.get(row, "category");
            let cat = report.categories.entry(name.to_string()).or_default();
            if cat.files == 0 {
                cat.purpose = c.get(row, "purpose").to_string();
                cat.legal_basis = c.get(row, "legal_basis").to_string();
                cat.retention = c.get(row, "retention").to_string();
                cat.on_expiry = c.get(row, "on_expiry").to_string();
            }
            cat.files += 1;
            cat.findings += findings;
            cat.violations += c.number(row, "violations");
            for t in &personal {
                let n = c.number(row, t);
                if n > 0 {
                    *cat.per_type.entry(t.to_string()).or_default() += n;
                }
            }
            let custom = c.number(row, "custom");
            if custom > 0 {
                *cat.per_type.entry("custom".into()).or_default() += custom;
            }
            if let Ok(age) = c.get(row, "age_days").parse::<u64>() {
                let bucket = AGES
                    .iter()
                    .position(|(_, max)| age < *max)
                    .unwrap_or(AGES.len() - 1);
                report.ages[bucket] += 1;
            }
            let special = c.get(row, "special_categories");
            if !special.is_empty() {
                report.special.add(findings, || {
                    vec![
                        path.to_string(),
                        special.to_string(),
                        name.to_string(),
                        findings.to_string(),
                    ]
                });
            }
            if name == UNDECLARED {
                let f = report
                    .undeclared_by_folder
                    .entry(folder_of(path).to_string())
                    .or_default();
                f.0 += 1;
                f.1 += findings;
            }
            if c.get(row, "outside_eea") == "yes" {
                report.transfers.add(findings, || {
                    vec![
                        path.to_string(),
                        c.get(row, "region").to_string(),
                        c.get(row, "transfer").to_string(),
                        name.to_string(),
                        findings.to_string(),
                    ]
                });
            }
        })?;
        each_row(out_dir, "retention_violations.csv", |c, row| {
            let path = c.get(row, "path");
            let findings = c.number(row, "personal_findings");
            if c.get(row, "violation") == "blocked contact" {
                report.blocked.add(0, || {
                    vec![
                        path.to_string(),
                        c.get(row, "location").to_string(),
                        c.get(row, "category").to_string(),
                        c.get(row, "value_masked").to_string(),
                        c.get(row, "action").to_string(),
                    ]
                });
                return;
            }
            *report
                .overdue_by_folder
                .entry(folder_of(path).to_string())
                .or_default() += findings;
            let overdue = c.number(row, "overdue_days");
            report.violations.add(overdue, || {
                vec![
                    path.to_string(),
                    c.get(row, "location").to_string(),
                    c.get(row, "category").to_string(),
                    c.get(row, "retention").to_string(),
                    c.get(row, "age_days").to_string(),
                    overdue.to_string(),
                    c.get(row, "type_counts").to_string(),
                    c.get(row, "action").to_string(),
                ]
            });
        })?;
        each_row(out_dir, "scan_errors.csv", |c, row| {
            let status = c.get(row, "status");
            *report.errors_by_status.entry(status.to_string()).or_default() += 1;
            let rank = match status {
                "failed" => 3,
                "partial" => 2,
                _ => 1,
            };
            report.errors.add(rank, || {
                vec![
                    c.get(row, "path").to_string(),
                    status.to_string(),
                    c.get(row, "reason").to_string(),
                ]
            });
        })?;
        Ok(report)
    }

    /// The value at `path` in `scan.json` (null when missing).
    fn scan_at(&self, path: &[&str]) -> &serde_json::Value {
        path.iter().fold(&self.scan, |v, key| &v[*key])
    }

    fn scan_str(&self, path: &[&str]) -> String {
        match self.scan_at(path) {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    fn scan_u64(&self, path: &[&str]) -> u64 {
        self.scan_at(path).as_u64().unwrap_or(0)
    }

    /// The report as one HTML document.
    pub fn render(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        let scan_id = self.scan_str(&["scan_id"]);
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>datakart report {id}</title><style>{css}</style></head><body>",
            id = escape(&scan_id),
            css = CSS
        );
        let roots: Vec<String> = self.scan["roots"]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let _ = write!(
            h,
            "<header><h1>Personal data report</h1><p class=\"meta\">Scan <code>{id}</code> of {roots}, profile <b>{profile}</b>, ages counted to <b id=\"as-of\">{as_of}</b>. Started {start}, datakart {version}. Values are masked; this report holds no personal value in plain text.</p></header>",
            id = escape(&scan_id),
            roots = escape(&roots.join(", ")),
            profile = escape(&self.scan_str(&["profile", "name"])),
            as_of = escape(self.scan_str(&["retention", "as_of"]).get(..10).unwrap_or("")),
            start = escape(&self.scan_str(&["started_at"])),
            version = escape(&self.scan_str(&["version"])),
        );
        self.summary(&mut h);
        self.category_table(&mut h);
        self.charts(&mut h);
        self.violation_tables(&mut h);
        self.special_and_undeclared(&mut h);
        self.error_tables(&mut h);
        h.push_str("<footer>Made by datakart from the scan's own outputs. Retention periods and legal bases are the profile's, not legal advice.</footer></body></html>\n");
        h
    }

    fn summary(&self, h: &mut String) {
        let coverage = self.scan["coverage"]["bytes"].as_f64().unwrap_or(0.0) * 100.0;
        let not_checked = self.scan_u64(&["files", "partial"])
            + self.scan_u64(&["files", "skipped"])
            + self.scan_u64(&["files", "failed"]);
        let cards = [
            (
                "files-seen",
                "files seen",
                self.scan_u64(&["files", "seen"]).to_string(),
            ),
            (
                "files-personal",
                "files with personal data",
                self.files_with_personal_data.to_string(),
            ),
            (
                "personal-findings",
                "personal findings",
                self.scan_u64(&["findings", "personal"]).to_string(),
            ),
            (
                "violations",
                "retention violations",
                self.scan_u64(&["retention", "violations"]).to_string(),
            ),
            (
                "overdue-findings",
                "findings kept too long",
                self.scan_u64(&["retention", "overdue_findings"]).to_string(),
            ),
            (
                "undeclared-files",
                "files of undeclared data",
                self.scan_u64(&["retention", "undeclared_files"]).to_string(),
            ),
            (
                "special-files",
                "files with special categories",
                self.special.total.to_string(),
            ),
            (
                "outside-eea-files",
                "files outside the EU/EEA",
                self.scan_u64(&["retention", "files_outside_eea"]).to_string(),
            ),
            ("not-checked", "files not fully checked", not_checked.to_string()),
            ("coverage", "bytes fully checked", format!("{coverage:.1}%")),
        ];
        h.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
        for (id, label, value) in cards {
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"num\" id=\"{id}\">{v}</div><div>{l}</div></div>",
                v = escape(&value),
                l = escape(label)
            );
        }
        h.push_str("</div></section>");
    }

    fn category_table(&self, h: &mut String) {
        h.push_str("<section id=\"categories\"><h2>Categories</h2><p>Where personal data lives by purpose. <em>undeclared</em> is personal data no category of the profile claims: a data-minimisation finding.</p>");
        let rows: Vec<Vec<String>> = self
            .categories
            .iter()
            .map(|(name, c)| {
                vec![
                    name.clone(),
                    c.purpose.clone(),
                    c.legal_basis.clone(),
                    c.retention.clone(),
                    c.on_expiry.clone(),
                    c.files.to_string(),
                    c.findings.to_string(),
                    c.violations.to_string(),
                ]
            })
            .collect();
        table(
            h,
            "category-table",
            &[
                "category",
                "purpose",
                "legal basis",
                "retention",
                "on expiry",
                "files",
                "findings",
                "violations",
            ],
            &rows,
            &[5, 6, 7],
        );
        h.push_str("</section>");
    }

    fn charts(&self, h: &mut String) {
        h.push_str("<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">");
        let mut types: Vec<&str> = Vec::new();
        for c in self.categories.values() {
            for t in c.per_type.keys() {
                if !types.contains(&t.as_str()) {
                    types.push(t);
                }
            }
        }
        types.sort_by_key(|t| DataType::parse(t).map_or(usize::MAX, DataType::index));
        let rows: Vec<(String, Vec<u64>)> = self
            .categories
            .iter()
            .map(|(name, c)| {
                (
                    name.clone(),
                    types
                        .iter()
                        .map(|t| c.per_type.get(*t).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect();
        let _ = write!(
            h,
            "<figure id=\"chart-types\"><figcaption>Data types by category (findings)</figcaption>{}</figure>",
            svg::stacked_bars("Data types by category", &rows, &types)
        );
        let ages: Vec<(String, u64)> = AGES
            .iter()
            .zip(self.ages)
            .map(|((label, _), n)| (label.to_string(), n))
            .collect();
        let _ = write!(
            h,
            "<figure id=\"chart-ages\"><figcaption>Age of files with personal data (last modified)</figcaption>{}</figure>",
            svg::columns("Age histogram", &ages, &|i| if i >= 3 {
                "#D55E00"
            } else {
                "#0072B2"
            })
        );
        let mut folders: Vec<(String, u64)> = self
            .overdue_by_folder
            .iter()
            .map(|(f, n)| (f.clone(), *n))
            .collect();
        folders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        folders.truncate(12);
        if folders.is_empty() {
            h.push_str("<figure id=\"chart-overdue\"><figcaption>Overdue findings by folder</figcaption><p class=\"none\">Nothing is kept past its retention.</p></figure>");
        } else {
            let _ = write!(
                h,
                "<figure id=\"chart-overdue\"><figcaption>Overdue findings by folder (top {})</figcaption>{}</figure>",
                folders.len(),
                svg::bars("Overdue findings by folder", &folders, "overdue findings")
            );
        }
        h.push_str("</div></section>");
    }

    fn violation_tables(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"violations-section\"><h2>Top retention violations</h2><p>Violations in total: {}; the {} most overdue are listed here. All rows are in <code>retention_violations.csv</code>.</p>",
            self.violations.total,
            self.violations.rows.len()
        );
        table(
            h,
            "violation-table",
            &[
                "path",
                "location",
                "category",
                "retention",
                "age (days)",
                "overdue (days)",
                "data",
                "action",
            ],
            &self.violations.cells(),
            &[4, 5],
        );
        if self.blocked.total > 0 {
            let _ = write!(
                h,
                "<h3>Blocked contacts in marketing data</h3><p>{} contacts on the block list were found where they must not be used.</p>",
                self.blocked.total
            );
            table(
                h,
                "blocked-table",
                &["path", "location", "category", "contact (masked)", "action"],
                &self.blocked.cells(),
                &[],
            );
        }
        h.push_str("</section>");
    }

    fn special_and_undeclared(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"special\"><h2>Special categories (GDPR art. 9 and 10)</h2><p>{} files hold text revealing health, religion, union membership, ethnicity, sexual orientation, politics, biometrics, genetics or criminal records.</p>",
            self.special.total
        );
        table(
            h,
            "special-table",
            &["path", "special categories", "category", "personal findings"],
            &self.special.cells(),
            &[3],
        );
        h.push_str("</section>");
        let mut folders: Vec<(&String, &(u64, u64))> = self.undeclared_by_folder.iter().collect();
        folders.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(b.0)));
        let rows: Vec<Vec<String>> = folders
            .iter()
            .take(LIST)
            .map(|(f, (files, n))| vec![f.to_string(), files.to_string(), n.to_string()])
            .collect();
        let _ = write!(
            h,
            "<section id=\"undeclared\"><h2>Undeclared personal data</h2><p>{} files in {} folders hold personal data that no category claims: declare a purpose or remove it.</p>",
            self.scan_u64(&["retention", "undeclared_files"]),
            self.undeclared_by_folder.len()
        );
        table(
            h,
            "undeclared-table",
            &["folder", "files", "personal findings"],
            &rows,
            &[1, 2],
        );
        h.push_str("</section>");
        if self.transfers.total > 0 {
            let _ = write!(
                h,
                "<section id=\"transfers\"><h2>Stored outside the EU/EEA (GDPR chapter V)</h2><p>{} files.</p>",
                self.transfers.total
            );
            table(
                h,
                "transfer-table",
                &["path", "region", "transfer", "category", "personal findings"],
                &self.transfers.cells(),
                &[4],
            );
            h.push_str("</section>");
        }
    }

    fn error_tables(&self, h: &mut String) {
        let counts: Vec<String> = self
            .errors_by_status
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let _ = write!(
            h,
            "<section id=\"errors\"><h2>Scan errors and blind spots</h2><p>Files that could not be checked, or only in part: personal data in them is not in this report. {}</p>",
            if counts.is_empty() {
                "Every file was checked.".to_string()
            } else {
                escape(&counts.join(", "))
            }
        );
        table(
            h,
            "error-table",
            &["path", "status", "reason"],
            &self.errors.cells(),
            &[],
        );
        h.push_str("</section>");
    }
}

/// Writes an HTML table; `numeric` columns are right-aligned.
fn table(h: &mut String, id: &str, head: &[&str], rows: &[Vec<String>], numeric: &[usize]) {
    if rows.is_empty() {
        let _ = write!(h, "<p class=\"none\" id=\"{id}\">None.</p>");
        return;
    }
    let _ = write!(h, "<table id=\"{id}\"><thead><tr>");
    for (i, c) in head.iter().enumerate() {
        let class = if numeric.contains(&i) { " class=\"n\"" } else { "" };
        let _ = write!(h, "<th{class}>{}</th>", escape(c));
    }
    h.push_str("</tr></thead><tbody>");
    for row in rows {
        h.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if numeric.contains(&i) { " class=\"n\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", escape(c));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;max-width:1100px;margin:0 auto;padding:24px}h1{margin:0 0 4px}h2{border-bottom:2px solid #0072B2;padding-bottom:3px;margin-top:32px}.meta{color:#555}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}.card{border:1px solid #ccd;border-radius:6px;padding:10px}.num{font-size:26px;font-weight:600}table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;word-break:break-word}th{background:#f1f4f8}.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}.chart text{font-size:11px;fill:#1b1b1b}.none{color:#555;font-style:italic}code{font-size:12px}footer{margin-top:40px;color:#666;font-size:12px}@media print{body{padding:0;max-width:none}section,figure,tr{break-inside:avoid}h2{break-after:avoid}}";

/// Writes the report for `out_dir` to `to` atomically.
pub fn write(out_dir: &Path, to: &Path) -> crate::Result<()> {
    let report = Report::load(out_dir).map_err(crate::Error::Report)?;
    crate::atomic::write_all(to, report.render().as_bytes())
}
