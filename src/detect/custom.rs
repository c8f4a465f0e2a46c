//! Custom detectors: company-specific identifiers (customer numbers,
//! employee numbers, case numbers) that a profile defines with a regular
//! expression, keywords and examples. Their findings get the detector's id
//! as `type` and count as personal data: a number that singles out a
//! customer or an employee identifies a person.
//!
//! ```toml
//! [[detect.custom]]
//! id = "acme_customer"
//! name = "ACME customer number"
//! pattern = 'KD-[0-9]{6}'
//! keywords = ["kundenummer", "kundenr"]
//! requires_keyword = false
//! confidence = "medium"
//! examples = ["Kundenummer: [KD-123456]"]
//! negative_examples = ["KD-12345"]
//! ```
//!
//! A profile is refused when a pattern does not compile, an example is not
//! found (with the bracketed value as the finding), or a negative example
//! is found: the examples are the detector's specification.

use super::catalogue::{example_value, verify_examples};
use crate::model::Confidence;
use regex::Regex;
use serde::Deserialize;

/// Most custom detectors a profile may define (each has its own keyword
/// bit next to the built-in types'; bit 30 marks name-part headers and
/// bit 31 anti-keywords).
pub const MAX_CUSTOM: usize = 14;

/// First keyword-mask bit of custom detectors.
pub const FIRST_BIT: u32 = 16;

/// One `[[detect.custom]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomSyntax {
    /// Identifier: the `type` of its findings, and its id in `enable`/`disable`.
    pub id: String,
    /// Human name.
    pub name: Option<String>,
    /// Regular expression (Rust `regex` syntax) matching one value.
    pub pattern: String,
    /// Words that name the value near it or in a column header.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Report only values with a keyword or column header naming them.
    #[serde(default)]
    pub requires_keyword: bool,
    /// Confidence without a keyword: `low`, `medium` or `high`.
    pub confidence: Option<String>,
    /// Characters either side of a value searched for keywords.
    pub window: Option<usize>,
    /// Texts it must find, the value in `[brackets]`.
    pub examples: Vec<String>,
    /// Texts it must not report.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A compiled custom detector.
#[derive(Debug, Clone)]
pub struct CustomDetector {
    /// Identifier, also the findings' `type` (leaked once per profile load
    /// so rows can carry it as `&'static str`).
    pub id: &'static str,
    /// Human name.
    pub name: String,
    /// The compiled pattern.
    pub regex: Regex,
    /// Keywords, lower case.
    pub keywords: Vec<String>,
    /// Only with a keyword.
    pub requires_keyword: bool,
    /// Base confidence.
    pub base: Confidence,
    /// Keyword window in characters.
    pub window: usize,
    /// Examples, checked when the profile loads.
    pub examples: Vec<String>,
    /// Negative examples, checked when the profile loads.
    pub negative_examples: Vec<String>,
}

impl CustomDetector {
    /// Compiles one definition; the error names the detector and the key.
    /// `taken` says whether an id is already used (built-in or earlier).
    pub fn compile(s: &CustomSyntax, taken: &dyn Fn(&str) -> bool) -> Result<CustomDetector, String> {
        let at = format!("[[detect.custom]] {:?}", s.id);
        let id_ok = !s.id.is_empty()
            && s.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !id_ok {
            return Err(format!("{at}: id must be lower-case letters, digits and _"));
        }
        if taken(&s.id) {
            return Err(format!("{at}: id is already used by another detector"));
        }
        let regex = Regex::new(&s.pattern).map_err(|e| format!("{at}: pattern: {e}"))?;
        if regex.is_match("") {
            return Err(format!("{at}: pattern matches empty text"));
        }
        let base = match s.confidence.as_deref() {
            None | Some("medium") => Confidence::Medium,
            Some("low") => Confidence::Low,
            Some("high") => Confidence::High,
            Some(other) => return Err(format!("{at}: confidence {other:?} is not low, medium or high")),
        };
        if s.examples.is_empty() {
            return Err(format!("{at}: give at least one example"));
        }
        for e in &s.examples {
            example_value(e).ok_or_else(|| format!("{at}: example {e:?} has no [value]"))?;
        }
        for k in &s.keywords {
            if k.trim().is_empty() || k.len() > super::context::MAX_KEYWORD_BYTES {
                return Err(format!(
                    "{at}: keyword {k:?} must be 1 to {} bytes",
                    super::context::MAX_KEYWORD_BYTES
                ));
            }
        }
        let window = s.window.unwrap_or(300);
        if window > 10_000 {
            return Err(format!(
                "{at}: window {window} is larger than the maximum of 10000"
            ));
        }
        Ok(CustomDetector {
            id: Box::leak(s.id.clone().into_boxed_str()),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            regex,
            keywords: s.keywords.iter().map(|k| k.to_lowercase()).collect(),
            requires_keyword: s.requires_keyword,
            base,
            window,
            examples: s.examples.clone(),
            negative_examples: s.negative_examples.clone(),
        })
    }
}

/// Checks every custom detector's examples against the full detector
/// (built-in detectors included, as in a scan), with
/// [`verify_examples`]. The error names the detector and the example.
pub fn check_examples(custom: &[CustomDetector]) -> Result<(), String> {
    if custom.is_empty() {
        return Ok(());
    }
    let detector = super::Detector::new(super::DetectorSettings {
        custom: custom.to_vec(),
        ..super::DetectorSettings::default()
    });
    for c in custom {
        verify_examples(&detector, c.id, &c.examples, &c.negative_examples)
            .map_err(|e| format!("[[detect.custom]] {:?}: {e}", c.id))?;
    }
    Ok(())
}

/// The value as hashed: upper case, whitespace removed, so `kd-123 456`
/// and `KD-123456` are one value.
pub fn normalize(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}
