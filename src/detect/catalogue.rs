//! The detector catalogue: every built-in detector described as data
//! (`catalogue.toml`, compiled in). The keyword lists and windows it holds
//! drive detection; its descriptions are what `datakart detectors` prints;
//! its examples and negative examples are checked by the test suite, so
//! the catalogue cannot drift from what the code does.

use super::{Detector, Hit, Scratch};
use crate::model::DataType;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The catalogue text, as shipped.
pub const CATALOGUE: &str = include_str!("catalogue.toml");

/// One detector.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorDef {
    /// Identifier used in profiles (`[detect] disable`/`enable`).
    pub id: String,
    /// The `type` column of its findings.
    #[serde(rename = "type")]
    pub type_id: String,
    /// Human name.
    pub name: String,
    /// What a value looks like.
    pub shape: String,
    /// How a value is validated.
    pub validator: String,
    /// How confidence is decided.
    pub confidence: String,
    /// Characters either side of a value searched for its keywords.
    pub window: usize,
    /// Words that name the type near a value or in a column header.
    pub keywords: Vec<String>,
    /// Texts it must find; the value is in `[brackets]`.
    pub examples: Vec<String>,
    /// Texts it must not report as its type.
    pub negative_examples: Vec<String>,
}

impl DetectorDef {
    /// The finding type.
    pub fn ty(&self) -> DataType {
        DataType::parse(&self.type_id).expect("catalogue types are checked when it loads")
    }
}

/// Words that name a non-personal number.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AntiDef {
    /// Bytes before a value searched for them.
    pub window: usize,
    /// The words.
    pub keywords: Vec<String>,
}

/// The whole catalogue.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Detectors in listing order.
    #[serde(rename = "detector")]
    pub detectors: Vec<DetectorDef>,
    /// Anti-keywords.
    pub anti: AntiDef,
}

impl Catalogue {
    /// Parses and checks catalogue text: known types, unique ids, one
    /// bracketed value per example.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let c: Catalogue = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut ids = std::collections::HashSet::new();
        for d in &c.detectors {
            if DataType::parse(&d.type_id).is_none() {
                return Err(format!("detector {}: unknown type {:?}", d.id, d.type_id));
            }
            if !ids.insert(d.id.as_str()) {
                return Err(format!("detector {} is listed twice", d.id));
            }
            for e in &d.examples {
                example_value(e).ok_or_else(|| format!("detector {}: example {e:?} has no [value]", d.id))?;
            }
        }
        Ok(c)
    }

    /// The built-in catalogue.
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| Catalogue::parse(CATALOGUE).expect("the built-in catalogue is valid"))
    }

    /// The detector with this id.
    pub fn get(&self, id: &str) -> Option<&DetectorDef> {
        self.detectors.iter().find(|d| d.id == id)
    }

    /// Every id, comma-separated, for error messages.
    pub fn ids(&self) -> String {
        self.detectors
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Keyword window per mask bit (a type's [`DataType::index`]): the
    /// largest window of the type's detectors.
    pub fn windows(&self) -> [usize; 32] {
        let mut w = [0; 32];
        for d in &self.detectors {
            let i = d.ty().index();
            w[i] = w[i].max(d.window);
        }
        w
    }
}

/// An example's text without brackets, and the byte range of the value.
pub fn example_value(example: &str) -> Option<(String, std::ops::Range<usize>)> {
    let open = example.find('[')?;
    let close = example[open..].find(']')? + open;
    let text = format!(
        "{}{}{}",
        &example[..open],
        &example[open + 1..close],
        &example[close + 1..]
    );
    Some((text, open..close - 1))
}

/// Runs a detector's examples through `detector`: each example's
/// bracketed value must be reported with the type label `label`, and no
/// negative example may be reported with it. Used for the built-in
/// catalogue (by the test suite) and for a profile's custom detectors
/// (when the profile loads). Returns how many texts were checked.
pub fn verify_examples(
    detector: &Detector,
    label: &str,
    examples: &[String],
    negatives: &[String],
) -> Result<usize, String> {
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    for e in examples {
        let (text, value) = example_value(e).ok_or_else(|| format!("example {e:?} has no [value]"))?;
        hits.clear();
        detector.detect(&text, 0, text.len(), 0, &mut scratch, &mut hits);
        if !hits.iter().any(|h| h.label == label && (h.start..h.end) == value) {
            return Err(format!(
                "example {e:?} is not found (found: {:?})",
                found(&text, &hits)
            ));
        }
    }
    for e in negatives {
        hits.clear();
        detector.detect(e, 0, e.len(), 0, &mut scratch, &mut hits);
        if hits.iter().any(|h| h.label == label) {
            return Err(format!(
                "negative example {e:?} is found (found: {:?})",
                found(e, &hits)
            ));
        }
    }
    Ok(examples.len() + negatives.len())
}

/// What a detector reported in `text`, as (type, value) for messages.
fn found<'t>(text: &'t str, hits: &[Hit]) -> Vec<(&'static str, &'t str)> {
    hits.iter().map(|h| (h.label, &text[h.start..h.end])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_covers_every_type() {
        let c = Catalogue::builtin();
        for t in DataType::ALL.into_iter().filter(|&t| t != DataType::Custom) {
            assert!(c.detectors.iter().any(|d| d.ty() == t), "{t}");
        }
        assert_eq!(c.windows()[DataType::NoFnr.index()], 300);
    }

    #[test]
    fn mistakes_in_a_catalogue_are_named() {
        let base = "[anti]\nwindow = 1\nkeywords = []\n";
        let det = |id: &str, ty: &str, ex: &str| {
            format!(
                "[[detector]]\nid = \"{id}\"\ntype = \"{ty}\"\nname = \"\"\nshape = \"\"\nvalidator = \"\"\nconfidence = \"\"\nwindow = 1\nkeywords = []\nexamples = [\"{ex}\"]\nnegative_examples = []\n"
            )
        };
        let e = Catalogue::parse(&format!("{}{base}", det("x", "nope", "[1]"))).unwrap_err();
        assert!(e.contains("unknown type \"nope\""), "{e}");
        let e = Catalogue::parse(&format!(
            "{}{}{base}",
            det("x", "email", "[1]"),
            det("x", "email", "[1]")
        ))
        .unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        let e = Catalogue::parse(&format!("{}{base}", det("x", "email", "no brackets"))).unwrap_err();
        assert!(e.contains("has no [value]"), "{e}");
    }

    #[test]
    fn example_values_are_located() {
        assert_eq!(example_value("fnr [123] x"), Some(("fnr 123 x".into(), 4..7)));
        assert_eq!(example_value("none"), None);
    }
}
