//! Contact block lists: phone numbers and e-mail addresses that must not
//! be used for marketing (the Norwegian marketing act §12 and its
//! Reservasjonsregisteret, the Swedish NIX register, the company's own
//! "do not contact" list). A profile names the files in `[block_list]`;
//! the scan recognises each entry with the search validators, hashes it
//! with the scan key and keeps only the hashes. A blocked contact found in
//! a file of a listed category (by default `marketing`) is a violation
//! with the action `remove from list`.

use crate::category::CategorySyntax;
use crate::index::subject::{Lookup, Recogniser};
use crate::keyed_hash::Hasher;
use crate::model::DataType;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The `[block_list]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockListSyntax {
    /// Text or CSV files of phone numbers and e-mail addresses, relative
    /// to the profile's folder.
    pub files: Vec<String>,
    /// Categories in which a blocked contact is a violation.
    #[serde(default = "marketing")]
    pub categories: Vec<String>,
}

fn marketing() -> Vec<String> {
    vec!["marketing".into()]
}

/// The resolved `[block_list]`: files checked to exist, categories
/// checked to be declared. The files are read at scan time, with the key.
#[derive(Debug, Clone, Default)]
pub struct BlockList {
    /// The files, resolved against the profile's folder.
    pub files: Vec<PathBuf>,
    /// Categories where a blocked contact is a violation.
    pub categories: Vec<String>,
}

/// Why `[block_list]` is invalid: the key (and list position) at fault.
#[derive(Debug, Clone)]
pub struct BlockListError {
    /// The key at fault.
    pub key: &'static str,
    /// The position in its list.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl BlockList {
    /// Resolves the table against the profile's folder and categories.
    pub fn resolve(
        syntax: &BlockListSyntax,
        base: Option<&Path>,
        categories: &[CategorySyntax],
    ) -> Result<BlockList, BlockListError> {
        if syntax.files.is_empty() {
            return Err(BlockListError {
                key: "files",
                index: None,
                message: "no files: name at least one list of phone numbers and e-mail addresses".into(),
            });
        }
        let mut files = Vec::new();
        for (i, f) in syntax.files.iter().enumerate() {
            let path = match base {
                Some(dir) if Path::new(f).is_relative() => dir.join(f),
                _ => PathBuf::from(f),
            };
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => files.push(path),
                Ok(_) => {
                    return Err(BlockListError {
                        key: "files",
                        index: Some(i),
                        message: format!("{} is not a file", path.display()),
                    });
                }
                Err(e) => {
                    return Err(BlockListError {
                        key: "files",
                        index: Some(i),
                        message: format!("cannot read {}: {e}", path.display()),
                    });
                }
            }
        }
        for (i, c) in syntax.categories.iter().enumerate() {
            if !categories.iter().any(|k| &k.name == c) {
                return Err(BlockListError {
                    key: "categories",
                    index: Some(i),
                    message: format!("no [[category]] is named {c:?}"),
                });
            }
        }
        Ok(BlockList {
            files,
            categories: syntax.categories.clone(),
        })
    }

    /// Reads every file and hashes its contacts with the scan key. Fields
    /// are split at commas, semicolons, tabs and bars; a line whose fields
    /// hold no phone number or e-mail address is counted as unrecognised
    /// (a header line, a typo), never guessed at.
    pub fn load(&self, hasher: &Hasher, phone_country: &str) -> Result<Blocked, String> {
        let recogniser = Recogniser::new(phone_country);
        let mut blocked = Blocked {
            categories: self.categories.clone(),
            ..Blocked::default()
        };
        for path in &self.files {
            let bytes = std::fs::read(path).map_err(|e| format!("block list {}: {e}", path.display()))?;
            let text = String::from_utf8_lossy(&bytes);
            for line in text.lines() {
                let line = line.trim().trim_start_matches('\u{feff}');
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut found = false;
                for field in line.split([',', ';', '\t', '|']) {
                    let field = field.trim().trim_matches('"');
                    let only = if field.contains('@') {
                        DataType::Email
                    } else {
                        DataType::Phone
                    };
                    if let Ok(Lookup::Values(values)) = recogniser.recognise(field, Some(only)) {
                        for (_, normalized) in values {
                            blocked.hashes.insert(key(&hasher.hash(&normalized)));
                            found = true;
                        }
                    }
                }
                if found {
                    blocked.entries += 1;
                } else {
                    blocked.unrecognised += 1;
                }
            }
        }
        Ok(blocked)
    }
}

/// A keyed hash cut to 128 bits: a block list of millions of numbers
/// stays small, and a chance collision is out of reach.
fn key(hash_hex: &str) -> [u8; 16] {
    let mut k = [0u8; 16];
    let _ = hex::decode_to_slice(&hash_hex[..32], &mut k);
    k
}

/// A loaded block list: hashes only, never the contacts.
#[derive(Debug, Clone, Default)]
pub struct Blocked {
    hashes: HashSet<[u8; 16]>,
    /// Lines that held a recognised contact.
    pub entries: u64,
    /// Lines that held none.
    pub unrecognised: u64,
    /// Categories where a blocked contact is a violation.
    pub categories: Vec<String>,
}

impl Blocked {
    /// Whether a finding with this value hash (hex) is blocked.
    pub fn contains(&self, value_hash: &str) -> bool {
        value_hash.len() >= 32 && self.hashes.contains(&key(value_hash))
    }

    /// Whether a blocked contact in this category is a violation.
    pub fn applies_to(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c == category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_recognised_normalised_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("nix.csv"),
            "telefon;epost\n# own list\n+47 912 34 567;\n\"Ola@Example.NO\"\n41 23 45 67, kari@example.no\nnot a contact\n",
        )
        .unwrap();
        let syntax = BlockListSyntax {
            files: vec!["nix.csv".into()],
            categories: marketing(),
        };
        let category: CategorySyntax = toml::from_str(
            "name='marketing'\npurpose='p'\nlegal_basis='consent'\nretention='2y'\naction='delete'\npaths=['**']\n",
        )
        .unwrap();
        let list = BlockList::resolve(&syntax, Some(dir.path()), std::slice::from_ref(&category)).unwrap();
        let hasher = Hasher::new(b"k");
        let blocked = list.load(&hasher, "NO").unwrap();
        assert_eq!((blocked.entries, blocked.unrecognised), (3, 2));
        for value in ["+4791234567", "ola@example.no", "+4741234567", "kari@example.no"] {
            assert!(blocked.contains(&hasher.hash(value)), "{value}");
        }
        assert!(!blocked.contains(&hasher.hash("+4799999999")));
        assert!(blocked.applies_to("marketing") && !blocked.applies_to("hr"));

        let missing = BlockListSyntax {
            files: vec!["nope.txt".into()],
            categories: vec!["sales".into()],
        };
        let e = BlockList::resolve(&missing, Some(dir.path()), std::slice::from_ref(&category)).unwrap_err();
        assert_eq!((e.key, e.index), ("files", Some(0)));
        let e = BlockList::resolve(
            &BlockListSyntax {
                files: vec!["nix.csv".into()],
                categories: vec!["sales".into()],
            },
            Some(dir.path()),
            &[category],
        )
        .unwrap_err();
        assert_eq!((e.key, e.index), ("categories", Some(0)));
    }
}
