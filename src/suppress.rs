//! Suppression: the profile's allow list of findings an organisation has
//! reviewed and accepted (a switchboard number printed on every letter,
//! test fixtures, a published contact address). A suppressed finding is
//! left out of the findings tables and the index, and counted per entry in
//! `scan.json`, so nothing disappears silently.
//!
//! Three kinds of entry, all in the `[allow]` table:
//!
//! ```toml
//! [allow]
//! values = ["<value_hash>"]          # one value, wherever it is
//! paths = ["**/testdata/**"]         # everything found in these files
//! [[allow.rule]]                     # a combination; every key given must match
//! type = "phone"
//! path = "**/switchboard/**"
//! ```

use crate::model::DataType;
use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The `[allow]` table as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AllowSyntax {
    /// Value hashes (the `value_hash` column) never to report.
    #[serde(default)]
    pub values: Vec<String>,
    /// Globs of paths whose findings are not reported.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Combined rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSyntax>,
}

/// One `[[allow.rule]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    /// Type identifier (`phone`, `email`…).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Glob of paths.
    pub path: Option<String>,
    /// A value hash.
    pub value: Option<String>,
    /// Why the rule exists, for people reading the profile and `scan.json`.
    pub note: Option<String>,
}

/// One resolved entry.
#[derive(Debug, Clone)]
struct Entry {
    label: String,
    ty: Option<DataType>,
    path: Option<GlobMatcher>,
    value: Option<String>,
}

/// The resolved allow list.
#[derive(Debug, Clone, Default)]
pub struct Allow {
    /// The `values` entries first, then `paths`, then rules.
    entries: Vec<Entry>,
    /// Value hash → entry index, for `values` (looked up per finding
    /// instead of scanning them).
    by_value: HashMap<String, usize>,
    /// Index of the first entry after the `values` ones.
    scan_from: usize,
}

impl Allow {
    /// Resolves and checks the `[allow]` table; errors name the key.
    pub fn resolve(syntax: &AllowSyntax) -> Result<Allow, String> {
        let mut allow = Allow::default();
        for v in &syntax.values {
            let hash = check_hash(v).map_err(|e| format!("[allow] values: {e}"))?;
            allow.entries.push(Entry {
                label: format!("value {}…", &hash[..12]),
                ty: None,
                path: None,
                value: None,
            });
            allow.by_value.insert(hash, allow.entries.len() - 1);
        }
        allow.scan_from = allow.entries.len();
        for p in &syntax.paths {
            allow.entries.push(Entry {
                label: format!("path {p}"),
                ty: None,
                path: Some(glob(p).map_err(|e| format!("[allow] paths: {e}"))?),
                value: None,
            });
        }
        for (i, r) in syntax.rules.iter().enumerate() {
            let at = format!("[[allow.rule]] number {}", i + 1);
            if r.ty.is_none() && r.path.is_none() && r.value.is_none() {
                return Err(format!("{at}: give at least one of type, path, value"));
            }
            let ty = match &r.ty {
                None => None,
                Some(t) => Some(DataType::parse(t).ok_or_else(|| {
                    format!(
                        "{at}: unknown type {t:?}; known types: {}",
                        DataType::ALL.map(DataType::as_str).join(", ")
                    )
                })?),
            };
            let path = match &r.path {
                None => None,
                Some(p) => Some(glob(p).map_err(|e| format!("{at}: {e}"))?),
            };
            let value = match &r.value {
                None => None,
                Some(v) => Some(check_hash(v).map_err(|e| format!("{at}: {e}"))?),
            };
            let mut label = format!("rule {}", i + 1);
            let parts: Vec<String> = [
                r.ty.as_ref().map(|t| format!("type={t}")),
                r.path.as_ref().map(|p| format!("path={p}")),
                r.value.as_ref().map(|v| format!("value={}…", &v[..12])),
                r.note.as_ref().map(|n| format!("note={n}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            label += &format!(" ({})", parts.join(", "));
            allow.entries.push(Entry {
                label,
                ty,
                path,
                value,
            });
        }
        Ok(allow)
    }

    /// Whether the list is empty (nothing to check per finding).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Labels of the entries, in the order [`Allow::matches`] indexes them.
    pub fn labels(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.label.clone()).collect()
    }

    /// The first entry that suppresses a finding of type `ty` with hash
    /// `hash` in the file at `path` (relative to its scan root).
    pub fn matches(&self, path: &str, ty: DataType, hash: &str) -> Option<usize> {
        if let Some(&i) = self.by_value.get(hash) {
            return Some(i);
        }
        self.entries[self.scan_from..]
            .iter()
            .position(|e| {
                e.ty.is_none_or(|t| t == ty)
                    && e.path.as_ref().is_none_or(|g| g.is_match(path))
                    && e.value.as_deref().is_none_or(|v| v == hash)
            })
            .map(|i| self.scan_from + i)
    }
}

/// The allow list applied during one scan: matches paths relative to
/// their scan root (as the profile's `[scan]` globs do) and counts what
/// each entry suppressed. Shared by all workers.
pub struct Suppressor<'a> {
    allow: &'a Allow,
    roots: Vec<String>,
    counts: Vec<AtomicU64>,
}

/// How many findings one allow-list entry suppressed, for `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    /// The entry (`value 9f86d081884c…`, `path **/testdata/**`, `rule 1 (…)`).
    pub entry: String,
    /// Findings it suppressed.
    pub findings: u64,
}

impl<'a> Suppressor<'a> {
    /// A suppressor for a scan of `roots`.
    pub fn new(allow: &'a Allow, roots: &[PathBuf]) -> Suppressor<'a> {
        Suppressor {
            allow,
            roots: roots.iter().map(|r| r.to_string_lossy().into_owned()).collect(),
            counts: allow.entries.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether there is anything to check.
    pub fn active(&self) -> bool {
        !self.allow.is_empty()
    }

    /// Whether a finding is reported; a suppressed one is counted.
    /// `path` is the path as displayed (root joined with the path below).
    pub fn keep(&self, path: &str, ty: DataType, hash: &str) -> bool {
        match self.entry_for(path, ty, hash) {
            Some(i) => {
                self.counts[i].fetch_add(1, Ordering::Relaxed);
                false
            }
            None => true,
        }
    }

    /// Whether a finding will be reported, without counting anything (for
    /// callers that look at a finding before it is kept or dropped).
    pub fn allows(&self, path: &str, ty: DataType, hash: &str) -> bool {
        self.entry_for(path, ty, hash).is_none()
    }

    /// The entry suppressing a finding, if any.
    fn entry_for(&self, path: &str, ty: DataType, hash: &str) -> Option<usize> {
        if self.allow.is_empty() {
            return None;
        }
        let rel = self
            .roots
            .iter()
            .filter_map(|r| path.strip_prefix(r.as_str()))
            .map(|rest| rest.trim_start_matches('/'))
            .find(|rest| !rest.is_empty())
            .unwrap_or(path);
        self.allow.matches(rel, ty, hash)
    }

    /// What each entry suppressed, in profile order.
    pub fn counts(&self) -> Vec<Suppressed> {
        self.allow
            .labels()
            .into_iter()
            .zip(&self.counts)
            .map(|(entry, n)| Suppressed {
                entry,
                findings: n.load(Ordering::Relaxed),
            })
            .collect()
    }
}

pub(crate) fn glob(p: &str) -> Result<GlobMatcher, String> {
    Glob::new(p)
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob {p:?}: {e}"))
}

/// A value hash as written in the findings table: 64 hex digits.
pub(crate) fn check_hash(v: &str) -> Result<String, String> {
    let v = v.trim().to_ascii_lowercase();
    if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(v)
    } else {
        Err(format!(
            "{v:?} is not a value hash (64 hex digits, as in the value_hash column)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn allow(toml_text: &str) -> Result<Allow, String> {
        let s: AllowSyntax = toml::from_str(toml_text).unwrap();
        Allow::resolve(&s)
    }

    #[test]
    fn each_kind_of_entry_matches_what_it_names() {
        let a = allow(&format!(
            "values = [\"{H}\"]\npaths = [\"**/testdata/**\"]\n[[rule]]\ntype = \"phone\"\npath = \"**/switchboard/**\"\n"
        ))
        .unwrap();
        assert_eq!(a.matches("x/y.txt", DataType::Email, H), Some(0));
        assert_eq!(a.matches("a/testdata/b.csv", DataType::NoFnr, "00"), Some(1));
        assert_eq!(
            a.matches("hr/switchboard/list.txt", DataType::Phone, "00"),
            Some(2)
        );
        assert_eq!(a.matches("hr/switchboard/list.txt", DataType::Email, "00"), None);
        assert_eq!(a.matches("x/y.txt", DataType::Email, "00"), None);
        assert_eq!(a.labels()[2], "rule 1 (type=phone, path=**/switchboard/**)");
        // A rule may name only a value (here: twice the same value in
        // `values` does not shift the rules).
        let b = allow(&format!(
            "values = [\"{H}\", \"{H}\"]\n[[rule]]\nvalue = \"{}\"\n",
            "ab".repeat(32)
        ))
        .unwrap();
        assert_eq!(b.matches("x", DataType::Email, &"ab".repeat(32)), Some(2));
        assert_eq!(b.matches("x", DataType::Email, "00"), None);
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            allow("values = [\"abc\"]")
                .unwrap_err()
                .contains("not a value hash")
        );
        assert!(
            allow("[[rule]]\ntype = \"telefon\"")
                .unwrap_err()
                .contains("unknown type \"telefon\"")
        );
        assert!(
            allow("[[rule]]\nnote = \"x\"")
                .unwrap_err()
                .contains("at least one of")
        );
        assert!(allow("paths = [\"a/[\"]").unwrap_err().contains("invalid glob"));
    }
}
