//! Data categories: why personal data is kept, on what legal basis, for how
//! long, and what happens when that time is up. A profile declares them as
//! `[[category]]` tables; a file belongs to the first category whose path
//! globs match it. The erasure plan uses them to tell what may be erased
//! and what must be kept (a legal retention duty, such as accounting
//! records under the bookkeeping acts).

use serde::Deserialize;
use std::fmt;

/// A legal basis for processing under GDPR art. 6(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// (a) The person agreed.
    Consent,
    /// (b) Needed for a contract with the person.
    Contract,
    /// (c) A law requires it (bookkeeping, tax, employment records).
    LegalObligation,
    /// (d) Protects someone's life.
    VitalInterests,
    /// (e) A task in the public interest or official authority.
    PublicTask,
    /// (f) The organisation's legitimate interests, balanced.
    LegitimateInterests,
}

impl LegalBasis {
    /// The profile and output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::VitalInterests => "vital_interests",
            LegalBasis::PublicTask => "public_task",
            LegalBasis::LegitimateInterests => "legitimate_interests",
        }
    }
}

/// What is done with data of a category once its retention has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    /// Erase it.
    Delete,
    /// Remove what identifies the person, keep the rest.
    #[serde(alias = "anonymize")]
    Anonymise,
}

impl Expiry {
    /// The profile and output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Expiry::Delete => "delete",
            Expiry::Anonymise => "anonymise",
        }
    }
}

/// A retention period as written: a count of days, weeks, months or years
/// (`"90d"`, `"6w"`, `"18m"`, `"5y"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Retention {
    /// The count.
    pub count: u32,
    /// `d`, `w`, `m` or `y`.
    pub unit: char,
}

impl Retention {
    /// The period in days (a month counted as 30.44 days, a year as
    /// 365.25), for comparing ages.
    pub fn days(self) -> u64 {
        let per = match self.unit {
            'd' => 1.0,
            'w' => 7.0,
            'm' => 30.436_875,
            _ => 365.242_5,
        };
        (f64::from(self.count) * per).round() as u64
    }
}

impl TryFrom<String> for Retention {
    type Error = String;
    fn try_from(text: String) -> Result<Retention, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "retention {text:?} is not a period: write a number and d, w, m or y (\"90d\", \"18m\", \"5y\")"
            )
        };
        let unit = t.chars().last().ok_or_else(bad)?.to_ascii_lowercase();
        let count: u32 = t[..t.len() - 1].trim().parse().map_err(|_| bad())?;
        if !matches!(unit, 'd' | 'w' | 'm' | 'y') || count == 0 {
            return Err(bad());
        }
        Ok(Retention { count, unit })
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, self.unit)
    }
}

/// A `[[category]]` table exactly as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySyntax {
    /// Short name, unique in the profile.
    pub name: String,
    /// What the data is kept for.
    pub purpose: String,
    /// Why keeping it is lawful.
    pub legal_basis: LegalBasis,
    /// How long it may be kept.
    pub retention: Retention,
    /// What to do when the retention has passed.
    pub action: Expiry,
    /// Globs matched against each file's path as shown in the outputs.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// A resolved category with its globs compiled.
#[derive(Debug, Clone)]
pub struct Category {
    /// Name.
    pub name: String,
    /// Purpose.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Retention period.
    pub retention: Retention,
    /// Action on expiry.
    pub action: Expiry,
    paths: globset::GlobSet,
}

impl Category {
    /// Compiles a category; the error names the category and the glob.
    pub fn resolve(syntax: &CategorySyntax) -> Result<Category, String> {
        let mut set = globset::GlobSetBuilder::new();
        for glob in &syntax.paths {
            let g = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("[[category]] {:?}: invalid path glob {glob:?}: {e}", syntax.name))?;
            set.add(g);
        }
        Ok(Category {
            name: syntax.name.clone(),
            purpose: syntax.purpose.clone(),
            legal_basis: syntax.legal_basis,
            retention: syntax.retention,
            action: syntax.action,
            paths: set.build().map_err(|e| e.to_string())?,
        })
    }

    /// Whether the file at `path` (as shown in the outputs; an inner file
    /// `outer!inner` is judged by its outer file) belongs to this category.
    pub fn claims(&self, path: &str) -> bool {
        let outer = path.split('!').next().unwrap_or(path);
        self.paths.is_match(outer) || self.paths.is_match(path)
    }

    /// What an erasure request means for data of this category: data kept
    /// under a legal obligation stays (`keep: legal obligation`),
    /// everything else is erased.
    pub fn erasure(&self) -> &'static str {
        match self.legal_basis {
            LegalBasis::LegalObligation => "keep: legal obligation",
            _ => "erase",
        }
    }
}

/// The category that claims `path`: the first in profile order.
pub fn of<'c>(categories: &'c [Category], path: &str) -> Option<&'c Category> {
    categories.iter().find(|c| c.claims(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(paths: &[&str], basis: LegalBasis) -> Category {
        Category::resolve(&CategorySyntax {
            name: "c".into(),
            purpose: "p".into(),
            legal_basis: basis,
            retention: Retention::try_from("5y".to_string()).unwrap(),
            action: Expiry::Delete,
            paths: paths.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    #[test]
    fn retention_periods_parse_and_convert_to_days() {
        let r = |s: &str| Retention::try_from(s.to_string());
        assert_eq!(r("90d").unwrap().days(), 90);
        assert_eq!(r("2y").unwrap().days(), 730);
        assert_eq!(r("18m").unwrap().days(), 548);
        assert_eq!(r("6w").unwrap().days(), 42);
        assert_eq!(r("5y").unwrap().to_string(), "5y");
        for bad in ["", "y", "2 years", "0d", "12", "-3m"] {
            assert!(r(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn globs_match_folders_anywhere_and_inner_files_by_their_outer_file() {
        let c = category(&["**/Regnskap/**"], LegalBasis::LegalObligation);
        assert!(c.claims("share/Regnskap/2019/bilag.pdf"));
        assert!(c.claims("share/Regnskap/arkiv.zip!kunder.csv"));
        assert!(!c.claims("share/Salg/regnskap.txt"));
        assert_eq!(c.erasure(), "keep: legal obligation");
        assert_eq!(category(&["**"], LegalBasis::Consent).erasure(), "erase");
    }
}
