//! Scan profiles: the TOML file that is the whole scan policy (what to
//! walk, what to detect). Parsed in two steps, as ripgrep does with its
//! arguments: [`ProfileSyntax`] mirrors the file exactly and rejects
//! unknown keys; [`Profile`] is the resolved, validated form the scan uses.

use crate::detect::validate::phone::Country;
use crate::model::DataType;
use crate::{Error, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The default profile, compiled in so the tool runs with no configuration.
pub const DEFAULT_PROFILE: &str = include_str!("../profiles/default.toml");
/// How the embedded default is named in messages and `scan.json`.
pub const DEFAULT_PROFILE_NAME: &str = "<embedded default>";

/// The profile file exactly as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProfileSyntax {
    /// Profile name, shown in `scan.json`.
    pub name: Option<String>,
    /// Free text for people reading the profile.
    pub description: Option<String>,
    /// What to walk.
    #[serde(default)]
    pub scan: ScanSyntax,
    /// What to detect.
    #[serde(default)]
    pub detect: DetectSyntax,
}

/// The `[scan]` table.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ScanSyntax {
    /// Globs of files to scan (empty: all).
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files and directories to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Follow symbolic links.
    #[serde(default)]
    pub follow_symlinks: bool,
}

/// The `[detect]` table.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DetectSyntax {
    /// Type identifiers not to report.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Keyword window in characters.
    pub keyword_window: Option<usize>,
    /// Preferred phone plan, `NO`, `DK`, `SE` or `FI`.
    pub phone_country: Option<String>,
}

/// A resolved profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Name from the file, or its file name.
    pub name: String,
    /// Where it came from: a path or [`DEFAULT_PROFILE_NAME`].
    pub origin: String,
    /// SHA-256 of the profile text, hex, recorded in `scan.json`.
    pub sha256: String,
    /// Include globs.
    pub include: Vec<String>,
    /// Exclude globs.
    pub exclude: Vec<String>,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Types to report, as a bit mask ([`DataType::bit`]).
    pub enabled_types: u16,
    /// Keyword window in characters.
    pub keyword_window: usize,
    /// Preferred phone plan.
    pub phone_country: Country,
}

impl Profile {
    /// The embedded default profile.
    pub fn embedded_default() -> Profile {
        Profile::parse(DEFAULT_PROFILE, DEFAULT_PROFILE_NAME).expect("embedded default profile is valid")
    }

    /// Reads and resolves a profile file.
    pub fn load(path: &Path) -> Result<Profile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Profile {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Profile::parse(&text, &path.display().to_string())
    }

    /// Parses and resolves profile text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Profile> {
        let fail = |message: String| Error::Profile {
            path: origin.to_string(),
            message,
        };
        let syntax: ProfileSyntax =
            toml::from_str(text).map_err(|e| fail(e.to_string().trim_end().to_string()))?;
        let mut enabled_types = DataType::ALL.iter().fold(0u16, |m, t| m | t.bit());
        for id in &syntax.detect.disable {
            let ty = DataType::parse(id).ok_or_else(|| {
                fail(format!(
                    "[detect] disable: unknown type {id:?}; known types: {}",
                    DataType::ALL.map(DataType::as_str).join(", ")
                ))
            })?;
            enabled_types &= !ty.bit();
        }
        let phone_country = match &syntax.detect.phone_country {
            None => Country::No,
            Some(c) => Country::parse(c).ok_or_else(|| {
                fail(format!(
                    "[detect] phone_country: {c:?} is not one of NO, DK, SE, FI"
                ))
            })?,
        };
        let keyword_window = syntax.detect.keyword_window.unwrap_or(300);
        if keyword_window > 10_000 {
            return Err(fail(format!(
                "[detect] keyword_window: {keyword_window} is larger than the maximum of 10000"
            )));
        }
        for glob in syntax.scan.include.iter().chain(&syntax.scan.exclude) {
            globset::Glob::new(glob).map_err(|e| fail(format!("[scan] invalid glob {glob:?}: {e}")))?;
        }
        let name = syntax.name.clone().unwrap_or_else(|| {
            Path::new(origin)
                .file_stem()
                .map_or_else(|| origin.to_string(), |s| s.to_string_lossy().into_owned())
        });
        Ok(Profile {
            name,
            origin: origin.to_string(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            include: syntax.scan.include,
            exclude: syntax.scan.exclude,
            follow_symlinks: syntax.scan.follow_symlinks,
            enabled_types,
            keyword_window,
            phone_country,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_enables_everything() {
        let p = Profile::embedded_default();
        assert_eq!(p.name, "default");
        assert_eq!(p.enabled_types.count_ones(), 11);
        assert_eq!(p.sha256.len(), 64);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = Profile::parse("[scan]\nfollow_links = true\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("follow_links"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn unknown_type_is_named() {
        let err = Profile::parse("[detect]\ndisable = [\"ssn\"]\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"ssn\""), "{err}");
    }

    #[test]
    fn disable_removes_a_type() {
        let p = Profile::parse("[detect]\ndisable = [\"ipv4\"]\n", "p.toml").unwrap();
        assert_eq!(p.enabled_types & DataType::Ipv4.bit(), 0);
    }
}
