//! Triage: what people decided about findings after reviewing them. A
//! decision names findings one of three ways (one finding by its
//! `finding_id`, one value wherever it is by its keyed hash, or every
//! finding in the files a path glob matches, optionally of one type) and
//! says what they are:
//!
//! - `false-positive`: not personal data. Later scans leave such findings
//!   out of the findings table, the data map, the retention report and the
//!   change report, and count them per decision in `scan.json`, so nothing
//!   disappears silently.
//! - `accepted`: personal data the organisation holds on purpose.
//! - `resolved`: dealt with (erased, moved, corrected). While a resolved
//!   finding is still found, the decision's count in `scan.json` says the
//!   fix has not happened yet.
//!
//! Accepted and resolved findings stay in every output, marked in the
//! `triage` column. Decisions live in the state store
//! (`OUT/state/state.sqlite`, table `triage`) and apply to every later
//! scan of the folder: they change how results are judged, not what a file
//! yields, so no file is read again for them. The subject index is not
//! touched: a search answers with everything found.

use crate::model::DataType;
use crate::state::{db_error, open_existing};
use crate::suppress::{check_hash, glob};
use crate::{Error, Result};
use globset::GlobMatcher;
use rusqlite::{Connection, params};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::path::Path;

/// What a reviewer decided a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Not personal data: suppressed from the outputs, counted.
    FalsePositive,
    /// Personal data held on purpose.
    Accepted,
    /// Dealt with.
    Resolved,
}

impl Decision {
    /// Every decision, in the order `scan.json` counts them.
    pub const ALL: [Decision; 3] = [Decision::FalsePositive, Decision::Accepted, Decision::Resolved];

    /// The name used on the command line and in the `triage` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::FalsePositive => "false-positive",
            Decision::Accepted => "accepted",
            Decision::Resolved => "resolved",
        }
    }

    /// Parses [`Decision::as_str`].
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Which findings a decision covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// One finding, by its `finding_id`.
    Finding(u64),
    /// One value wherever it is, by its keyed hash (`value_hash`).
    Value(String),
    /// Every finding in the files whose displayed path matches a glob.
    Path(String),
}

impl Selector {
    /// The selector's kind as stored: `finding`, `value` or `path`.
    pub fn kind(&self) -> &'static str {
        match self {
            Selector::Finding(_) => "finding",
            Selector::Value(_) => "value",
            Selector::Path(_) => "path",
        }
    }

    /// What it names, as stored and shown.
    pub fn pattern(&self) -> String {
        match self {
            Selector::Finding(id) => format_id(*id),
            Selector::Value(h) | Selector::Path(h) => h.clone(),
        }
    }

    /// Reads a stored selector back.
    fn parse(kind: &str, pattern: &str) -> Option<Selector> {
        match kind {
            "finding" => parse_id(pattern).map(Selector::Finding),
            "value" => Some(Selector::Value(pattern.to_string())),
            "path" => Some(Selector::Path(pattern.to_string())),
            _ => None,
        }
    }
}

/// One stored decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its number, shown by `triage --list` and used by `--undo`.
    pub id: i64,
    /// What the findings are.
    pub decision: Decision,
    /// Which findings.
    pub selector: Selector,
    /// Only findings of this type (the `type` column), if given.
    pub type_label: Option<String>,
    /// Why, in the reviewer's words.
    pub note: Option<String>,
    /// When it was decided, RFC 3339.
    pub decided_at: String,
}

impl Rule {
    /// A one-line description: `value 9f86d081884c… (email)`.
    pub fn describe(&self) -> String {
        let what = match &self.selector {
            Selector::Value(h) => format!("value {}…", &h[..12.min(h.len())]),
            s => format!("{} {}", s.kind(), s.pattern()),
        };
        match &self.type_label {
            Some(t) => format!("{what} ({t})"),
            None => what,
        }
    }
}

/// The identifier of a finding: a hash of its path, location, type and
/// value hash, so the same finding has the same id in every scan while
/// its file keeps its name and the finding its place.
pub fn finding_id(path: &str, location: &str, type_label: &str, value_hash: &str) -> u64 {
    let parts = [path, location, type_label, value_hash].map(str::as_bytes);
    crate::digest::xxh3_64(&parts, 0)
}

/// A finding id as written in the `finding_id` column: 16 hex digits.
pub fn format_id(id: u64) -> String {
    IdText::new(id).as_str().to_owned()
}

/// A finding id's 16 hex digits without an allocation: the sink writes one
/// per finding.
pub struct IdText([u8; 16]);

impl IdText {
    /// The digits of `id`.
    pub fn new(id: u64) -> IdText {
        let mut text = [0u8; 16];
        crate::wire::hex_into(&id.to_be_bytes(), &mut text);
        IdText(text)
    }

    /// The digits as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

/// Parses a finding id written by [`format_id`].
pub fn parse_id(s: &str) -> Option<u64> {
    let s = s.trim();
    (s.len() == 16).then(|| u64::from_str_radix(s, 16).ok()).flatten()
}

/// How many findings each decision covered in one scan, for `scan.json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TriageCounts {
    /// Findings left out of the outputs as false positives.
    pub false_positive: u64,
    /// Findings marked accepted.
    pub accepted: u64,
    /// Findings marked resolved (still found).
    pub resolved: u64,
    /// Per decision, oldest first.
    pub by_decision: Vec<DecisionCount>,
}

/// One decision's count in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionCount {
    /// The decision's number.
    pub id: i64,
    /// What it decided.
    pub decision: Decision,
    /// What it names ([`Rule::describe`]).
    pub selects: String,
    /// Findings of this scan it covered.
    pub findings: u64,
}

/// The decisions applied during one scan: answers, per finding, which
/// decision covers it (the most specific: a finding id before a value
/// hash before a path; among equals the newest) and counts what each
/// decision covered.
#[derive(Default)]
pub struct Triage {
    rules: Vec<Rule>,
    by_finding: FxHashMap<u64, usize>,
    by_value: FxHashMap<String, Vec<usize>>,
    /// Path globs, newest first.
    paths: Vec<(GlobMatcher, usize)>,
    /// The last path asked about and the path rules matching it (findings
    /// arrive file by file).
    last_path: Option<(String, Vec<usize>)>,
    matched: Vec<u64>,
}

impl Triage {
    /// Prepares `rules` (oldest first) for matching.
    pub fn new(rules: Vec<Rule>) -> Result<Triage> {
        let mut t = Triage {
            matched: vec![0; rules.len()],
            ..Triage::default()
        };
        for (i, rule) in rules.iter().enumerate() {
            match &rule.selector {
                Selector::Finding(id) => {
                    t.by_finding.insert(*id, i);
                }
                Selector::Value(h) => t.by_value.entry(h.clone()).or_default().insert(0, i),
                Selector::Path(p) => t.paths.insert(0, (glob(p).map_err(Error::State)?, i)),
            }
        }
        t.rules = rules;
        Ok(t)
    }

    /// Whether there are no decisions (nothing to check per finding).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The decision covering a finding, without counting it.
    pub fn lookup(&mut self, id: u64, path: &str, type_label: &str, value_hash: &str) -> Option<&Rule> {
        let at = self.covering(id, path, type_label, value_hash)?;
        Some(&self.rules[at])
    }

    /// The position in `rules` of the decision covering a finding.
    fn covering(&mut self, id: u64, path: &str, type_label: &str, value_hash: &str) -> Option<usize> {
        if self.rules.is_empty() {
            return None;
        }
        let rules = &self.rules;
        let of_type = |&i: &usize| rules[i].type_label.as_deref().is_none_or(|t| t == type_label);
        self.by_finding
            .get(&id)
            .copied()
            .or_else(|| self.by_value.get(value_hash)?.iter().copied().find(of_type))
            .or_else(|| {
                if self.last_path.as_ref().is_none_or(|(p, _)| p != path) {
                    let matching = self
                        .paths
                        .iter()
                        .filter(|(g, _)| g.is_match(path))
                        .map(|&(_, i)| i)
                        .collect();
                    self.last_path = Some((path.to_string(), matching));
                }
                let (_, matching) = self.last_path.as_ref()?;
                matching.iter().copied().find(of_type)
            })
    }

    /// The decision covering a finding of this scan, counted.
    pub fn judge(
        &mut self,
        id: u64,
        path: &str,
        type_label: &str,
        value_hash: &str,
    ) -> Option<(i64, Decision)> {
        let at = self.covering(id, path, type_label, value_hash)?;
        self.matched[at] += 1;
        Some((self.rules[at].id, self.rules[at].decision))
    }

    /// What each decision covered.
    pub fn counts(&self) -> TriageCounts {
        let mut counts = TriageCounts::default();
        for (rule, &n) in self.rules.iter().zip(&self.matched) {
            *match rule.decision {
                Decision::FalsePositive => &mut counts.false_positive,
                Decision::Accepted => &mut counts.accepted,
                Decision::Resolved => &mut counts.resolved,
            } += n;
            counts.by_decision.push(DecisionCount {
                id: rule.id,
                decision: rule.decision,
                selects: rule.describe(),
                findings: n,
            });
        }
        counts
    }
}

/// The table of decisions, created with the rest of the state schema.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS triage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decision TEXT NOT NULL,
    selector TEXT NOT NULL,
    pattern TEXT NOT NULL,
    type TEXT,
    note TEXT,
    decided_at TEXT NOT NULL
);
";

/// Every decision in a state database, oldest first.
pub(crate) fn read_rules(conn: &Connection) -> rusqlite::Result<Vec<Rule>> {
    let mut stmt = conn
        .prepare("SELECT id, decision, selector, pattern, type, note, decided_at FROM triage ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut rules = Vec::new();
    for row in rows {
        let (id, decision, kind, pattern, type_label, note, decided_at) = row?;
        // A row this version cannot read (written by a later one) is
        // skipped rather than failing every scan.
        let (Some(decision), Some(selector)) = (Decision::parse(&decision), Selector::parse(&kind, &pattern))
        else {
            continue;
        };
        rules.push(Rule {
            id,
            decision,
            selector,
            type_label,
            note,
            decided_at,
        });
    }
    Ok(rules)
}

/// A new decision as given on the command line, checked.
pub struct NewRule {
    /// What the findings are.
    pub decision: Decision,
    /// Which findings.
    pub selector: Selector,
    /// Only findings of this type.
    pub type_label: Option<String>,
    /// Why.
    pub note: Option<String>,
}

impl NewRule {
    /// The decision as it will be stored, numbered `id`.
    pub fn rule(&self, id: i64) -> Rule {
        Rule {
            id,
            decision: self.decision,
            selector: self.selector.clone(),
            type_label: self.type_label.clone(),
            note: self.note.clone(),
            decided_at: String::new(),
        }
    }

    /// Checks a selector given as text: a finding id (16 hex digits), a
    /// value hash (64 hex digits) or a path glob.
    pub fn selector(finding: Option<&str>, value_hash: Option<&str>, path: Option<&str>) -> Result<Selector> {
        match (finding, value_hash, path) {
            (Some(f), None, None) => parse_id(f).map(Selector::Finding).ok_or_else(|| {
                Error::Query(format!(
                    "{f:?} is not a finding id (16 hex digits, as in the finding_id column)"
                ))
            }),
            (None, Some(h), None) => check_hash(h).map(Selector::Value).map_err(Error::Query),
            (None, None, Some(p)) => {
                glob(p).map_err(Error::Query)?;
                Ok(Selector::Path(p.to_string()))
            }
            _ => Err(Error::Query(
                "name the findings one way: a FINDING_ID, --value-hash or --path".into(),
            )),
        }
    }
}

/// The decisions of an output folder, opened for the `triage` command.
pub struct Decisions {
    conn: Connection,
    path: std::path::PathBuf,
}

impl Decisions {
    /// Opens the state of `out_dir`; `write` for adding or undoing. Fails
    /// when no scan has written to the folder yet.
    pub fn open(out_dir: &Path, write: bool) -> Result<Decisions> {
        let (conn, path) = open_existing(out_dir, write)?;
        if write {
            conn.execute_batch(SCHEMA).map_err(|e| db_error(&path, e))?;
        }
        Ok(Decisions { conn, path })
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Every decision, oldest first.
    pub fn list(&self) -> Result<Vec<Rule>> {
        read_rules(&self.conn).map_err(|e| self.error(e))
    }

    /// Stores a decision; returns its number.
    pub fn add(&self, rule: &NewRule) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO triage (decision, selector, pattern, type, note, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    rule.decision.as_str(),
                    rule.selector.kind(),
                    rule.selector.pattern(),
                    rule.type_label,
                    rule.note,
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ],
            )
            .map_err(|e| self.error(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Removes decision `id`; false when there is none.
    pub fn undo(&self, id: i64) -> Result<bool> {
        self.conn
            .execute("DELETE FROM triage WHERE id = ?1", [id])
            .map(|n| n > 0)
            .map_err(|e| self.error(e))
    }
}

/// Whether `type_label` names a type findings can have (a built-in type;
/// custom detectors' ids are checked against the findings themselves).
pub fn known_type(type_label: &str) -> bool {
    DataType::parse(type_label).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, decision: Decision, selector: Selector, ty: Option<&str>) -> Rule {
        Rule {
            id,
            decision,
            selector,
            type_label: ty.map(str::to_string),
            note: None,
            decided_at: "2026-11-23T00:00:00Z".into(),
        }
    }

    #[test]
    fn the_most_specific_and_then_the_newest_decision_wins_and_is_counted() {
        let h = "ab".repeat(32);
        let id = finding_id("hr/a.csv", "row 1", "email", &h);
        let mut t = Triage::new(vec![
            rule(1, Decision::Accepted, Selector::Path("**/hr/**".into()), None),
            rule(
                2,
                Decision::Resolved,
                Selector::Path("hr/*".into()),
                Some("phone"),
            ),
            rule(
                3,
                Decision::FalsePositive,
                Selector::Value(h.clone()),
                Some("no_fnr"),
            ),
            rule(4, Decision::FalsePositive, Selector::Finding(id), None),
        ])
        .unwrap();
        // The finding's own decision first.
        assert_eq!(
            t.judge(id, "hr/a.csv", "email", &h),
            Some((4, Decision::FalsePositive))
        );
        // The value rule is for another type; the newest matching path
        // rule of the right type wins.
        assert_eq!(t.judge(7, "hr/a.csv", "phone", &h), Some((2, Decision::Resolved)));
        assert_eq!(t.judge(8, "hr/a.csv", "email", &h), Some((1, Decision::Accepted)));
        assert_eq!(
            t.judge(9, "x/b.csv", "no_fnr", &h),
            Some((3, Decision::FalsePositive))
        );
        assert_eq!(t.judge(9, "x/b.csv", "email", &h), None);
        let counts = t.counts();
        assert_eq!(
            (counts.false_positive, counts.accepted, counts.resolved),
            (2, 1, 1)
        );
        assert_eq!(counts.by_decision[2].selects, "value abababababab… (no_fnr)");
        assert_eq!(counts.by_decision[0].selects, "path **/hr/**");
    }

    #[test]
    fn finding_ids_are_stable_and_written_as_16_hex_digits() {
        let a = finding_id("a.csv", "row 1", "email", "00");
        assert_eq!(a, finding_id("a.csv", "row 1", "email", "00"));
        assert_ne!(a, finding_id("a.csv", "row 2", "email", "00"));
        // Field boundaries count: "a.csvr" + "ow 1" is another finding.
        assert_ne!(a, finding_id("a.csvr", "ow 1", "email", "00"));
        assert_eq!(parse_id(&format_id(a)), Some(a));
        assert_eq!(format_id(1), "0000000000000001");
        assert_eq!(format_id(0xfedc_ba98_7654_3210), "fedcba9876543210");
        assert_eq!(parse_id("123"), None);
    }

    /// Ids name findings in triage decisions kept across scans: they must
    /// stay those earlier versions gave.
    #[test]
    fn finding_ids_are_those_of_earlier_versions() {
        assert_eq!(finding_id("a.csv", "row 1", "email", "00"), 0xa91c_22ae_40dc_9225);
    }

    #[test]
    fn selectors_are_checked() {
        assert!(matches!(
            NewRule::selector(Some("xyz"), None, None),
            Err(Error::Query(m)) if m.contains("not a finding id")
        ));
        assert!(matches!(
            NewRule::selector(None, Some("abc"), None),
            Err(Error::Query(m)) if m.contains("not a value hash")
        ));
        assert!(matches!(
            NewRule::selector(None, None, Some("a/[")),
            Err(Error::Query(m)) if m.contains("invalid glob")
        ));
        assert!(matches!(
            NewRule::selector(Some("0000000000000001"), None, Some("x")),
            Err(Error::Query(m)) if m.contains("one way")
        ));
        assert_eq!(
            NewRule::selector(None, None, Some("**/hr/**")).unwrap(),
            Selector::Path("**/hr/**".into())
        );
    }
}
