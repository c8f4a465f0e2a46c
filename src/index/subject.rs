//! Finding one person: turning a query into keyed hashes, looking them up,
//! and following links through records to the rest of the person's data.
//!
//! A subject starts from the hashes of the query (`direct`). Each hop
//! looks up the records holding a known hash; a record that is one
//! person's (at most [`LinkPolicy::max_record_values`] identifying values
//! and at most one national ID) contributes its other identifiers (of the
//! [`links_through`] types, and not shared by more than
//! [`LinkPolicy::shared_value_limit`] documents) as `linked via TYPE in
//! RECORD`. Every occurrence of a known hash is a hit, and so is every other
//! finding in a record of the person (`same record`: their name, address,
//! special categories).

use super::{LinkPolicy, StoredDoc, SubjectIndex, links_through, one_person, record_key};
use crate::detect::{Detector, DetectorSettings, Scratch, names};
use crate::keyed_hash::Hasher;
use crate::model::DataType;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use tantivy::DocAddress;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

/// Most identifiers one subject may grow to; expansion stops there (and
/// says so) rather than swallowing a whole organisation through a value
/// that slipped past the shared-value bound.
pub const MAX_IDENTIFIERS: usize = 1_000;

/// What a query was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One or more typed values, normalised as the scan normalises them
    /// (a number may be valid as more than one type).
    Values(Vec<(DataType, String)>),
    /// A person name: its normalised tokens, matched order-free.
    Name(Vec<String>),
}

/// Types a query may be: the identifiers, IP addresses and names.
const QUERY_TYPES: [DataType; 12] = [
    DataType::Email,
    DataType::Phone,
    DataType::NoFnr,
    DataType::NoDnr,
    DataType::DkCpr,
    DataType::SePnr,
    DataType::FiHetu,
    DataType::Iban,
    DataType::PaymentCard,
    DataType::Ipv4,
    DataType::Ipv6,
    DataType::PersonName,
];

/// Recognises `query` with the scan's own validators and normalisation.
/// `only` restricts it to one type. The error says what the query is not.
pub fn recognise(query: &str, phone_country: &str, only: Option<DataType>) -> Result<Lookup> {
    Recogniser::new(phone_country).recognise(query, only)
}

/// A query recogniser holding its detector, for recognising many values
/// (a block list) without building one per value.
pub struct Recogniser {
    detector: Detector,
}

impl Recogniser {
    /// A recogniser using `phone_country`'s numbering plan for numbers
    /// without a country code.
    pub fn new(phone_country: &str) -> Recogniser {
        let settings = DetectorSettings {
            phone_country: crate::detect::validate::phone::Country::parse(phone_country)
                .unwrap_or(crate::detect::validate::phone::Country::No),
            ..DetectorSettings::default()
        };
        Recogniser {
            detector: Detector::new(settings),
        }
    }

    /// Recognises `query`; `only` restricts it to one type. The error
    /// says what the query is not.
    pub fn recognise(&self, query: &str, only: Option<DataType>) -> Result<Lookup> {
        let text = query.trim();
        if let Some(ty) = only
            && !QUERY_TYPES.contains(&ty)
        {
            let names: Vec<&str> = QUERY_TYPES.iter().map(|t| t.as_str()).collect();
            return Err(Error::Query(format!(
                "--type {ty}: subjects are searched by {}",
                names.join(", ")
            )));
        }
        let looks_like_name = !text.is_empty()
            && text.chars().any(char::is_alphabetic)
            && text
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | ',' | '.'));
        if looks_like_name && only.is_none_or(|t| t == DataType::PersonName) {
            let normalized = names::normalize(text);
            let tokens: Vec<String> = normalized
                .split(' ')
                .filter(|t| t.chars().any(char::is_alphabetic))
                .map(str::to_string)
                .collect();
            return Ok(Lookup::Name(tokens));
        }
        // As if the column header named every identifier type, so a bare
        // number needs no keyword.
        let mask = QUERY_TYPES.iter().fold(0, |m, t| m | t.bit()) & !DataType::PersonName.bit();
        // As written first; then upper-cased (`no93…`, `131052-308t`); then
        // with dashes as spaces (`NO93-8601-…`, `4111-1111-…`).
        let upper = text.to_ascii_uppercase();
        let attempts = [text.to_string(), upper.clone(), upper.replace('-', " ")];
        let mut values: Vec<(DataType, String)> = Vec::new();
        let mut scratch = Scratch::default();
        for attempt in attempts.iter() {
            let mut hits = Vec::new();
            self.detector
                .detect(attempt, 0, attempt.len(), mask, &mut scratch, &mut hits);
            for hit in hits {
                let whole = hit.start == 0 && hit.end == attempt.len();
                if whole
                    && QUERY_TYPES.contains(&hit.ty)
                    && only.is_none_or(|t| t == hit.ty)
                    && !values.contains(&(hit.ty, hit.normalized.clone()))
                {
                    values.push((hit.ty, hit.normalized));
                }
            }
            if !values.is_empty() {
                break;
            }
        }
        if values.is_empty() {
            let what = match only {
                Some(t) => format!("a valid {t}"),
                None => "an e-mail address, phone number, national ID, IBAN, payment card number, IP address or name"
                    .into(),
            };
            return Err(Error::Query(format!(
                "{query:?} is not {what} that datakart can recognise (checksums and number plans are checked as in a scan)"
            )));
        }
        Ok(Lookup::Values(values))
    }
}

/// Why a hit belongs to the subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The value searched for.
    Direct,
    /// Another finding in a record of the subject (their name, address,
    /// special categories): `record` is that record.
    SameRecord,
    /// An identifier reached through a record: `via` is its type and
    /// `record` the record that tied it to the subject.
    Linked {
        /// Type of the linked identifier.
        via: String,
        /// The record that linked it, as `path row N`.
        record: String,
    },
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Match::Direct => f.write_str("direct"),
            Match::SameRecord => f.write_str("same record"),
            Match::Linked { via, record } => write!(f, "linked via {via} in {record}"),
        }
    }
}

/// One place the subject's data is held.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectHit {
    /// Path as in the findings table.
    pub path: String,
    /// Location in the file.
    pub location: String,
    /// Line, where the format has lines.
    pub line: Option<u64>,
    /// Column name for structured data.
    pub column: Option<String>,
    /// Type label.
    #[serde(rename = "type")]
    pub type_label: String,
    /// Special-category subtype.
    pub subtype: String,
    /// Confidence.
    pub confidence: &'static str,
    /// Masked value.
    pub value_masked: String,
    /// Keyed hash of the value.
    pub value_hash: String,
    /// How it matched (`direct`, `same record`, `linked via …`).
    #[serde(rename = "match")]
    pub matched: String,
    /// The record it is in (`crm/kunder.csv row 42`), or the file.
    pub record: String,
    /// File format.
    pub file_type: String,
    /// File modified time at the scan, microseconds since the epoch.
    pub file_modified: Option<i64>,
    /// File size at the scan.
    pub file_size: Option<u64>,
    /// The file on disk.
    pub source: String,
}

/// Everything found about one subject.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// Hits ordered by path and position.
    pub hits: Vec<SubjectHit>,
    /// Distinct identifier hashes the subject grew to.
    pub identifiers: usize,
    /// Set when expansion was cut short, saying why.
    pub stopped: Option<String>,
}

/// A record put together from its documents, and whether it links.
struct Record {
    docs: Vec<(DocAddress, StoredDoc)>,
    linking: bool,
}

/// The hashes a lookup starts from.
fn seeds(index: &SubjectIndex, hasher: &Hasher, lookup: &Lookup) -> Result<Vec<String>> {
    match lookup {
        Lookup::Values(values) => Ok(values.iter().map(|(_, v)| hasher.hash(v)).collect()),
        Lookup::Name(tokens) => {
            let wanted: Vec<String> = tokens.iter().map(|t| hasher.name_token(t)).collect();
            let f = index.fields();
            let query = BooleanQuery::new(
                wanted
                    .iter()
                    .map(|t| {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(
                                super::hash_term(f.token, t),
                                IndexRecordOption::Basic,
                            )) as Box<dyn Query>,
                        )
                    })
                    .collect(),
            );
            let mut found = Vec::new();
            for address in index.matching(&query)? {
                let doc = index.load(address)?;
                for item in &doc.items {
                    let has_all = wanted
                        .iter()
                        .all(|w| item.tk.iter().any(|&t| doc.tokens[t as usize] == *w));
                    let hash = &doc.hashes[item.h as usize];
                    if item.ty() == DataType::PersonName && has_all && !found.contains(hash) {
                        found.push(hash.clone());
                    }
                }
            }
            Ok(found)
        }
    }
}

/// Finds every place the subject of `lookup` is held. With `links`,
/// follows records up to `policy.max_hops` away.
pub fn find(
    index: &SubjectIndex,
    hasher: &Hasher,
    lookup: &Lookup,
    links: bool,
    policy: &LinkPolicy,
) -> Result<Subject> {
    let f = index.fields();
    let mut known: HashMap<String, Match> = HashMap::new();
    let mut frontier = Vec::new();
    for h in seeds(index, hasher, lookup)? {
        if known.insert(h.clone(), Match::Direct).is_none() {
            frontier.push(h);
        }
    }
    let mut records: HashMap<String, Record> = HashMap::new();
    // Documents holding each value looked at for links, by hash.
    let mut shared: HashMap<String, u64> = HashMap::new();
    let mut stopped = None;
    let hops = if links { policy.max_hops } else { 0 };
    for hop in 0..=hops {
        if frontier.is_empty() || !links {
            break;
        }
        // The records holding the frontier's values, put together whole.
        let mut fresh = Vec::new();
        let mut split = Vec::new();
        let wanted: HashSet<&String> = frontier.iter().collect();
        for address in index.holding(f.hash, &frontier)? {
            let doc = index.load(address)?;
            // Terms are hash prefixes: a document counts only when it
            // holds one of the whole hashes.
            if !doc.hashes.iter().any(|h| wanted.contains(h)) {
                continue;
            }
            let Some(key) = doc.key() else { continue };
            if records.contains_key(&key) {
                continue;
            }
            if doc.split {
                split.push(key.clone());
            }
            let docs = vec![(address, doc)];
            records.insert(key.clone(), Record { docs, linking: false });
            fresh.push(key);
        }
        // Every part of the records written in parts, found in one read
        // of their keys (a query per record looked its key up in every
        // segment).
        let mut parts: HashMap<String, Vec<(DocAddress, StoredDoc)>> = HashMap::new();
        for a in index.holding_texts(f.rec, &split)? {
            let doc = index.load(a)?;
            if let Some(key) = doc.key() {
                parts.entry(key).or_default().push((a, doc));
            }
        }
        for key in &fresh {
            let record = records.get_mut(key).expect("added above");
            if let Some(all) = parts.remove(key) {
                record.docs = all;
            }
            record.linking = one_person(record.docs.iter().map(|(_, d)| d), policy.max_record_values);
        }
        if hop == hops {
            break;
        }
        frontier.clear();
        'records: for key in fresh {
            let record = &records[&key];
            if !record.linking {
                continue;
            }
            for (_, doc) in &record.docs {
                for item in &doc.items {
                    let hash = &doc.hashes[item.h as usize];
                    if !links_through(item.ty()) || known.contains_key(hash) {
                        continue;
                    }
                    // A shared value (a switchboard number) turns up in
                    // record after record: its count is looked up once.
                    let documents = match shared.get(hash) {
                        Some(&n) => n,
                        None => {
                            let n = index.doc_freq(f.hash, hash);
                            shared.insert(hash.clone(), n);
                            n
                        }
                    };
                    if documents > policy.shared_value_limit {
                        continue;
                    }
                    if known.len() >= MAX_IDENTIFIERS {
                        stopped = Some(format!(
                            "stopped at {MAX_IDENTIFIERS} identifiers; some value links too many records (lower [subjects] shared_value_limit)"
                        ));
                        // Nothing later adds an identifier.
                        break 'records;
                    }
                    known.insert(
                        hash.clone(),
                        Match::Linked {
                            via: item.t.clone(),
                            record: doc.describe_record(),
                        },
                    );
                    frontier.push(hash.clone());
                }
            }
        }
    }
    // Every document holding a known value, plus every part of a linking
    // record (its other findings are the subject's too).
    let mut addresses: Vec<DocAddress> = index.holding(f.hash, known.keys())?;
    for record in records.values().filter(|r| r.linking) {
        addresses.extend(record.docs.iter().map(|(a, _)| *a));
    }
    addresses.sort();
    addresses.dedup();
    let mut hits = Vec::new();
    for address in addresses {
        let doc = index.load(address)?;
        let linking = doc.key().and_then(|k| records.get(&k)).is_some_and(|r| r.linking);
        for item in &doc.items {
            let hash = &doc.hashes[item.h as usize];
            let matched = match known.get(hash) {
                Some(m) => m.clone(),
                None if linking => Match::SameRecord,
                None => continue,
            };
            hits.push(SubjectHit {
                path: doc.path.clone(),
                location: item.l.clone(),
                line: item.n,
                column: item.c.clone(),
                type_label: item.t.clone(),
                subtype: item.s.clone(),
                confidence: item.confidence(),
                value_masked: item.m.clone(),
                value_hash: hash.clone(),
                matched: matched.to_string(),
                record: doc.describe_record(),
                file_type: doc.file_type.clone(),
                file_modified: doc.modified,
                file_size: doc.size,
                source: doc.source.clone(),
            });
        }
    }
    hits.sort_by(|a, b| {
        (
            a.path.as_str(),
            a.line,
            natural(&a.location),
            a.type_label.as_str(),
        )
            .cmp(&(
                b.path.as_str(),
                b.line,
                natural(&b.location),
                b.type_label.as_str(),
            ))
    });
    Ok(Subject {
        identifiers: known.len(),
        hits,
        stopped,
    })
}

/// A sort key that orders the numbers inside a location by value
/// (`row 9` before `row 10`).
pub fn natural(s: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push((rest[..digits].parse().unwrap_or(u64::MAX), String::new()));
            rest = &rest[digits..];
        } else {
            let text = rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            out.push((0, rest[..text].to_string()));
            rest = &rest[text..];
        }
    }
    out
}

/// The record key of a hit's record (for grouping by record).
pub fn hit_record_key(hit: &SubjectHit) -> String {
    record_key(&hit.path, &hit.record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_recognised_and_normalised_like_scanned_values() {
        let values = |q: &str| match recognise(q, "NO", None).unwrap() {
            Lookup::Values(v) => v,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            values("15108695088"),
            vec![(DataType::NoFnr, "15108695088".into())]
        );
        assert_eq!(
            values(" Ola@Example.no "),
            vec![(DataType::Email, "ola@example.no".into())]
        );
        assert_eq!(
            values("+47 412 34 567"),
            vec![(DataType::Phone, "+4741234567".into())]
        );
        assert_eq!(
            values("412 34 567"),
            vec![(DataType::Phone, "+4741234567".into())]
        );
        assert_eq!(
            recognise("Nordmann, Ola", "NO", None).unwrap(),
            Lookup::Name(vec!["ola".into(), "nordmann".into()])
        );
        let err = recognise("123", "NO", None).unwrap_err().to_string();
        assert!(err.contains("\"123\" is not an e-mail address"), "{err}");
        assert!(recognise("15108695089", "NO", None).is_err());
        assert!(recognise("15108695088", "NO", Some(DataType::Email)).is_err());
    }

    #[test]
    fn locations_sort_by_their_numbers() {
        let mut v = vec!["row 10, column a", "row 9, column a", "row 9, column b"];
        v.sort_by_key(|s| natural(s));
        assert_eq!(v, ["row 9, column a", "row 9, column b", "row 10, column a"]);
    }
}
