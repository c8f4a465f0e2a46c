//! Breach impact: for the files or folders that leaked, how many distinct
//! people are affected, which types of data and special categories were
//! exposed, and the masked identifiers of everyone affected.
//!
//! People are counted by their identifiers (national IDs, e-mail, phone,
//! IBAN, card, name). Two identifiers are one person when a record holds
//! both (a CRM row, a letter) — a record among the leaked files or one
//! elsewhere in the index that holds two leaked values — and that record is
//! one person's by the rules of [`super::subject`]. Addresses, IP addresses
//! and special categories are counted as exposed, not as people.

use super::{LinkPolicy, StoredDoc, SubjectIndex, links_through, one_person};
use crate::Result;
use crate::model::DataType;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use tantivy::DocAddress;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

/// Exposure of one type.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Exposure {
    /// Findings of the type in the leaked files.
    pub findings: u64,
    /// Distinct values.
    pub values: u64,
}

/// One affected person.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Affected {
    /// `type masked` of each identifier, sorted.
    pub identifiers: Vec<String>,
    /// Types of data held about them in the leaked files.
    pub types: BTreeSet<String>,
    /// Special categories in their records.
    pub special_categories: BTreeSet<String>,
    /// Leaked files holding their data.
    pub files: BTreeSet<String>,
}

/// The breach impact of a set of paths.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Impact {
    /// Files (and inner files) with findings under the given paths.
    pub files: usize,
    /// Findings in them.
    pub findings: u64,
    /// Distinct people.
    pub subjects: usize,
    /// Per type.
    pub by_type: BTreeMap<String, Exposure>,
    /// Special-category findings per subtype.
    pub special_categories: BTreeMap<String, u64>,
    /// The people, most identifiers first.
    pub affected: Vec<Affected>,
}

/// A disjoint-set forest over value indices.
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The spellings of a path argument the index may hold: as given, and
/// relative to or joined with the current folder.
fn path_forms(arg: &str) -> Vec<String> {
    let trimmed = arg.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let mut forms = vec![trimmed.to_string()];
    if let Ok(cwd) = std::env::current_dir() {
        let p = std::path::Path::new(trimmed);
        let other = if p.is_absolute() {
            p.strip_prefix(&cwd)
                .ok()
                .map(|r| r.to_string_lossy().into_owned())
        } else {
            Some(cwd.join(p).to_string_lossy().into_owned())
        };
        forms.extend(other.filter(|o| !o.is_empty()));
    }
    forms
}

/// Documents whose path is one of `paths` or lies under it (a folder, or
/// the inner files of an archive). A document's path is its file on disk
/// unless it lies inside an archive ([`super::Fields::path`]), so both
/// fields are searched: the file for a file or a folder, the path for
/// what lies inside an archive.
fn docs_under(index: &SubjectIndex, paths: &[String]) -> Result<Vec<DocAddress>> {
    let f = index.fields();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for arg in paths {
        for p in path_forms(arg) {
            for (field, ends) in [(f.file, &[('/', '0')][..]), (f.path, &[('/', '0'), ('!', '"')])] {
                let t = |s: &str| tantivy::Term::from_field_text(field, s);
                clauses.push((
                    Occur::Should,
                    Box::new(TermQuery::new(t(&p), IndexRecordOption::Basic)),
                ));
                // Everything starting with `p/` or `p!`: the next byte up ends the range.
                for &(sep, next) in ends {
                    clauses.push((
                        Occur::Should,
                        Box::new(RangeQuery::new(
                            Bound::Included(t(&format!("{p}{sep}"))),
                            Bound::Excluded(t(&format!("{p}{next}"))),
                        )),
                    ));
                }
            }
        }
    }
    index.matching(&BooleanQuery::new(clauses))
}

/// A leaked record (all its parts), and what it says about people.
struct LeakedRecord<'d> {
    parts: Vec<&'d StoredDoc>,
    /// One person's record (may link).
    linking: bool,
    /// Holds an identifier of a [`links_through`] type.
    has_ids: bool,
}

/// Computes the impact of `paths`.
pub fn assess(index: &SubjectIndex, paths: &[String], policy: &LinkPolicy) -> Result<Impact> {
    let leaked_addresses = docs_under(index, paths)?;
    let mut docs = Vec::with_capacity(leaked_addresses.len());
    for &a in &leaked_addresses {
        docs.push(index.load(a)?);
    }
    // Records among the leaked files, whole (all their parts are leaked).
    let mut records: BTreeMap<String, LeakedRecord> = BTreeMap::new();
    for d in &docs {
        if let Some(key) = d.key() {
            let r = records.entry(key).or_insert_with(|| LeakedRecord {
                parts: Vec::new(),
                linking: false,
                has_ids: false,
            });
            r.parts.push(d);
            r.has_ids |= d.items.iter().any(|i| links_through(i.ty()));
        }
    }
    for r in records.values_mut() {
        r.linking = one_person(r.parts.iter().copied(), policy.max_record_values);
    }
    let record_of = |d: &StoredDoc| d.key().and_then(|k| records.get(&k));
    let mut impact = Impact::default();
    // People are counted by identifiers; a name counts as a person of its
    // own only where no identifier stands beside it in one person's record.
    let mut node: HashMap<String, usize> = HashMap::new();
    let mut label: Vec<String> = Vec::new();
    let mut values_seen: HashMap<String, DataType> = HashMap::new();
    let mut files = BTreeSet::new();
    for d in &docs {
        files.insert(d.path.clone());
        let name_alone = !record_of(d).is_some_and(|r| r.linking && r.has_ids);
        for item in &d.items {
            let hash = &d.hashes[item.h as usize];
            impact.findings += 1;
            let e = impact.by_type.entry(item.t.clone()).or_default();
            e.findings += 1;
            if values_seen.insert(hash.clone(), item.ty()).is_none() {
                e.values += 1;
            }
            if !item.s.is_empty() {
                *impact.special_categories.entry(item.s.clone()).or_default() += 1;
            }
            let person = links_through(item.ty()) || (item.ty() == DataType::PersonName && name_alone);
            if person && !node.contains_key(hash) {
                node.insert(hash.clone(), label.len());
                label.push(format!("{} {}", item.t, item.m));
            }
        }
    }
    impact.files = files.len();
    let mut sets = Sets((0..label.len()).collect());
    let unite = |sets: &mut Sets, record: &[&StoredDoc]| {
        if !one_person(record.iter().copied(), policy.max_record_values) {
            return;
        }
        let mut first = None;
        for d in record {
            for item in &d.items {
                if let Some(&n) = node.get(&d.hashes[item.h as usize]) {
                    match first {
                        None => first = Some(n),
                        Some(f) => sets.union(f, n),
                    }
                }
            }
        }
    };
    for record in records.values() {
        unite(&mut sets, &record.parts);
    }
    // Records elsewhere that hold two leaked values tie them together too.
    let f = index.fields();
    let leaked: std::collections::HashSet<DocAddress> = leaked_addresses.iter().copied().collect();
    let mut outside: BTreeMap<String, Vec<StoredDoc>> = BTreeMap::new();
    for a in index.holding(f.hash, node.keys())? {
        if leaked.contains(&a) {
            continue;
        }
        let d = index.load(a)?;
        let held = d.hashes.iter().filter(|h| node.contains_key(*h)).count();
        if let Some(key) = d.key().filter(|_| held >= 2) {
            outside.entry(key).or_default().push(d);
        }
    }
    // Where every part of the records among them written in parts is,
    // found in one go (a query per record looked a term up in every
    // segment for each); the parts are read again one record at a time,
    // so they are not all held at once.
    let split = outside
        .iter()
        .filter(|(_, parts)| parts[0].split)
        .map(|(key, _)| key);
    let mut places: HashMap<String, Vec<DocAddress>> = HashMap::new();
    for a in index.holding_texts(f.rec, split)? {
        if let Some(key) = index.load(a)?.key() {
            places.entry(key).or_default().push(a);
        }
    }
    for (key, mut parts) in outside {
        if let Some(all) = places.remove(&key).filter(|all| all.len() > parts.len()) {
            parts = all.into_iter().map(|a| index.load(a)).collect::<Result<_>>()?;
        }
        let refs: Vec<&StoredDoc> = parts.iter().collect();
        unite(&mut sets, &refs);
    }
    // Gather each person's identifiers, types, categories and files.
    let mut people: BTreeMap<usize, Affected> = BTreeMap::new();
    for d in &docs {
        let record = record_of(d).filter(|r| r.linking);
        let members: BTreeSet<usize> = record
            .map(|r| r.parts.as_slice())
            .unwrap_or(std::slice::from_ref(&d))
            .iter()
            .flat_map(|p| p.items.iter().map(|i| &p.hashes[i.h as usize]))
            .filter_map(|h| node.get(h).map(|&n| sets.find(n)))
            .collect();
        for item in &d.items {
            let own = node.get(&d.hashes[item.h as usize]).map(|&n| (n, sets.find(n)));
            let owners: Vec<usize> = match own {
                Some((_, root)) => vec![root],
                // Other findings of a one-person record belong to its people.
                None if record.is_some() => members.iter().copied().collect(),
                None => Vec::new(),
            };
            for root in owners {
                let p = people.entry(root).or_default();
                if let Some((n, _)) = own
                    && !p.identifiers.contains(&label[n])
                {
                    p.identifiers.push(label[n].clone());
                }
                p.types.insert(item.t.clone());
                p.files.insert(d.path.clone());
                if !item.s.is_empty() {
                    p.special_categories.insert(item.s.clone());
                }
            }
        }
    }
    impact.affected = people.into_values().collect();
    for p in &mut impact.affected {
        p.identifiers.sort();
    }
    impact.affected.sort_by(|a, b| {
        b.identifiers
            .len()
            .cmp(&a.identifiers.len())
            .then(a.identifiers.cmp(&b.identifiers))
    });
    impact.subjects = impact.affected.len();
    Ok(impact)
}
