//! Scan profiles: the TOML file that is the whole scan policy (what to
//! walk, what to detect, how data is categorised and how long it may be
//! kept). Parsed in two steps, as ripgrep does with its arguments:
//! [`ProfileSyntax`] mirrors the file exactly and rejects unknown keys;
//! [`Profile`] is the resolved, validated form the scan uses. Every
//! problem is collected with its line and column ([`problems`]), so
//! `datakart profile check` lists them all at once.

pub mod problems;

use crate::blocklist::{BlockList, BlockListSyntax};
use crate::category::{Category, CategorySyntax};
use crate::detect::catalogue::Catalogue;
use crate::detect::custom::{CustomDetector, CustomSyntax, MAX_CUSTOM, check_examples};
use crate::detect::validate::phone::Country;
use crate::extract::{DEFAULT_LIMITS, Limits};
use crate::index::LinkPolicy;
use crate::model::DataType;
use crate::records::MAX_DATE_COLUMNS;
use crate::region::{LocationSyntax, Regions};
use crate::suppress::{Allow, AllowSyntax};
use crate::{Error, Result};
pub use problems::Problem;
use problems::{Problems, Seg};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use toml::de::{DeTable, ValueDeserializer};

/// The default profile, compiled in so the tool runs with no configuration.
pub const DEFAULT_PROFILE: &str = include_str!("../../profiles/default.toml");
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
    /// What one file may cost.
    #[serde(default)]
    pub limits: LimitsSyntax,
    /// Findings reviewed and accepted: not reported, only counted.
    #[serde(default)]
    pub allow: AllowSyntax,
    /// How the subject index links values into people.
    #[serde(default)]
    pub subjects: SubjectsSyntax,
    /// Data categories: purpose, legal basis, retention, matchers.
    #[serde(default)]
    pub category: Vec<CategorySyntax>,
    /// Storage locations tagged with the country or region they are in.
    #[serde(default)]
    pub location: Vec<LocationSyntax>,
    /// Contacts that must not be used for marketing.
    pub block_list: Option<BlockListSyntax>,
}

/// The `[subjects]` table: bounds on linking (defaults in
/// [`LinkPolicy::default`]).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SubjectsSyntax {
    /// Records followed away from the searched value.
    pub max_hops: Option<u32>,
    /// Identifying values a record may hold and still be one person's.
    pub max_record_values: Option<usize>,
    /// Files and records a value may occur in and still be one person's.
    pub shared_value_limit: Option<u64>,
}

/// A byte size: a number of bytes or text such as `"512 MiB"`, `"8 GiB"`.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum SizeSyntax {
    /// Plain bytes.
    Bytes(u64),
    /// A number with a unit.
    Text(String),
}

/// The `[limits]` table; every key optional (defaults in
/// [`crate::extract::DEFAULT_LIMITS`]).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsSyntax {
    /// Text-like files are read up to this size.
    pub max_file_bytes: Option<SizeSyntax>,
    /// Seconds one file may take.
    pub max_file_seconds: Option<u64>,
    /// Largest PDF/xls/ods held in memory.
    pub max_document_bytes: Option<SizeSyntax>,
    /// Archive nesting depth.
    pub max_depth: Option<u32>,
    /// Unpacked bytes per file on disk.
    pub max_archive_bytes: Option<SizeSyntax>,
    /// Zip-bomb guard.
    pub max_compression_ratio: Option<u64>,
    /// Entries per archive.
    pub max_archive_entries: Option<u64>,
}

/// Parses `"512 MiB"`, `"8GiB"`, `"100 MB"`, `"4096"` into bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let number: u64 = t[..split].parse().ok()?;
    let factor: u64 = match t[split..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "kb" => 1_000,
        "m" | "mib" => 1 << 20,
        "mb" => 1_000_000,
        "g" | "gib" => 1 << 30,
        "gb" => 1_000_000_000,
        "t" | "tib" => 1 << 40,
        "tb" => 1_000_000_000_000,
        _ => return None,
    };
    number.checked_mul(factor)
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
    /// Country (ISO 3166 code) or `EU`/`EEA` where the scanned storage
    /// is, unless a `[[location]]` says otherwise.
    pub region: Option<String>,
}

/// The `[detect]` table.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DetectSyntax {
    /// Detector ids to run, all others off (empty: every detector).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Detector ids not to run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Keyword window in characters.
    pub keyword_window: Option<usize>,
    /// Preferred phone plan, `NO`, `DK`, `SE` or `FI`.
    pub phone_country: Option<String>,
    /// Company-specific detectors.
    #[serde(default)]
    pub custom: Vec<CustomSyntax>,
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
    pub enabled_types: u32,
    /// Keyword window in characters for every detector (None: each
    /// detector's own window from the catalogue).
    pub keyword_window: Option<usize>,
    /// Preferred phone plan.
    pub phone_country: Country,
    /// Custom detectors that are enabled, compiled and checked.
    pub custom: Vec<CustomDetector>,
    /// Per-file limits.
    pub limits: Limits,
    /// Suppressed findings.
    pub allow: Allow,
    /// Bounds on linking values into subjects.
    pub links: LinkPolicy,
    /// Data categories, in profile order (the first match claims a file).
    pub categories: Vec<Category>,
    /// Where storage is, for the data map's transfer flags.
    pub regions: Regions,
    /// Contacts blocked for marketing (the files are read at scan time).
    pub block_list: Option<BlockList>,
}

impl Profile {
    /// The embedded default profile.
    pub fn embedded_default() -> Profile {
        Profile::parse(DEFAULT_PROFILE, DEFAULT_PROFILE_NAME).expect("embedded default profile is valid")
    }

    /// Reads and resolves a profile file; files it names are found from
    /// its folder.
    pub fn load(path: &Path) -> Result<Profile> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Profile {
            path: origin.clone(),
            message: e.to_string(),
        })?;
        Profile::check(&text, &origin, path.parent()).map_err(|problems| problems_error(&origin, &problems))
    }

    /// Parses and resolves profile text; `origin` names it in errors, and
    /// files the profile names (block lists) are found from the current
    /// folder. Every problem is reported, one per line.
    pub fn parse(text: &str, origin: &str) -> Result<Profile> {
        Profile::check(text, origin, None).map_err(|problems| problems_error(origin, &problems))
    }

    /// Parses and resolves profile text, collecting every problem with its
    /// line and column. Relative file names in the profile are resolved
    /// against `base` (the profile's folder; None: the current folder).
    pub fn check(
        text: &str,
        origin: &str,
        base: Option<&Path>,
    ) -> std::result::Result<Profile, Vec<Problem>> {
        let (root, syntax_errors) = DeTable::parse_recoverable(text);
        if !syntax_errors.is_empty() {
            let mut problems = Problems::new(text, root.get_ref());
            for e in &syntax_errors {
                problems.toml(e);
            }
            return Err(problems.into_sorted());
        }
        let root = root.into_inner();
        let mut problems = Problems::new(text, &root);
        let (syntax, category_at) = read_syntax(&root, &mut problems);
        let profile = resolve(syntax, &category_at, text, origin, base, &mut problems);
        if problems.any() {
            return Err(problems.into_sorted());
        }
        Ok(profile)
    }
}

/// The error for a profile with problems: one problem per line.
fn problems_error(origin: &str, problems: &[Problem]) -> Error {
    Error::Profile {
        path: origin.to_string(),
        message: problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Deserialises each top-level key on its own, so one bad section does
/// not hide the problems of the next; unknown keys are problems too.
/// Also returns, for each category read, its position in the file (a
/// category that could not be read is left out).
fn read_syntax(root: &DeTable<'_>, problems: &mut Problems<'_>) -> (ProfileSyntax, Vec<usize>) {
    fn value<T: serde::de::DeserializeOwned>(
        root: &DeTable<'_>,
        key: &str,
        problems: &mut Problems<'_>,
    ) -> Option<T> {
        let v = root.get(key)?;
        T::deserialize(ValueDeserializer::from(v.clone()))
            .map_err(|e| problems.toml(&e))
            .ok()
    }
    const KEYS: [&str; 10] = [
        "name",
        "description",
        "scan",
        "detect",
        "limits",
        "allow",
        "subjects",
        "category",
        "location",
        "block_list",
    ];
    for (key, _) in root.iter() {
        if !KEYS.contains(&key.get_ref().as_ref()) {
            problems.at_span(
                Some(key.span()),
                format!(
                    "unknown key `{}`; expected one of {}",
                    key.get_ref(),
                    KEYS.join(", ")
                ),
            );
        }
    }
    // Categories one by one: each bad table is its own problem.
    let (mut category, mut category_at) = (Vec::new(), Vec::new());
    match root.get("category").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Array(list)) => {
            for (i, item) in list.iter().enumerate() {
                if let Ok(c) = CategorySyntax::deserialize(ValueDeserializer::from(item.clone()))
                    .map_err(|e| problems.toml(&e))
                {
                    category.push(c);
                    category_at.push(i);
                }
            }
        }
        Some(_) => problems.at(
            &[Seg::Key("category")],
            "category must be an array of tables: write [[category]]",
        ),
        None => {}
    }
    let syntax = ProfileSyntax {
        name: value(root, "name", problems),
        description: value(root, "description", problems),
        scan: value(root, "scan", problems).unwrap_or_default(),
        detect: value(root, "detect", problems).unwrap_or_default(),
        limits: value(root, "limits", problems).unwrap_or_default(),
        allow: value(root, "allow", problems).unwrap_or_default(),
        subjects: value(root, "subjects", problems).unwrap_or_default(),
        category,
        location: value(root, "location", problems).unwrap_or_default(),
        block_list: value(root, "block_list", problems),
    };
    (syntax, category_at)
}

/// Resolves the syntax into a profile, recording every problem found.
fn resolve(
    syntax: ProfileSyntax,
    category_at: &[usize],
    text: &str,
    origin: &str,
    base: Option<&Path>,
    problems: &mut Problems<'_>,
) -> Profile {
    use Seg::{Index, Key};
    let catalogue = Catalogue::builtin();
    let mut custom = Vec::new();
    for (i, c) in syntax.detect.custom.iter().enumerate() {
        let taken =
            |id: &str| catalogue.get(id).is_some() || custom.iter().any(|d: &CustomDetector| d.id == id);
        match CustomDetector::compile(c, &taken) {
            Ok(d) => custom.push(d),
            Err(e) => problems.at(&[Key("detect"), Key("custom"), Index(i)], e),
        }
    }
    if custom.len() > MAX_CUSTOM {
        problems.at(
            &[Key("detect"), Key("custom")],
            format!(
                "[[detect.custom]]: {} detectors; at most {MAX_CUSTOM} are supported",
                custom.len()
            ),
        );
    }
    // Every id in enable/disable must name a detector; then a detector
    // runs when `enable` is empty or names it, and `disable` does not.
    for (key, ids) in [
        ("enable", &syntax.detect.enable),
        ("disable", &syntax.detect.disable),
    ] {
        for (i, id) in ids.iter().enumerate() {
            if catalogue.get(id).is_none() && !custom.iter().any(|c| c.id == id.as_str()) {
                let customs: String = custom.iter().map(|c| format!(", {}", c.id)).collect();
                problems.at(
                    &[Key("detect"), Key(key), Index(i)],
                    format!(
                        "[detect] {key}: unknown detector {id:?}; known detectors: {}{customs} (see `datakart detectors`)",
                        catalogue.ids()
                    ),
                );
            }
        }
    }
    let on = |id: &str| {
        let named = |ids: &[String]| ids.iter().any(|i| i == id);
        (syntax.detect.enable.is_empty() || named(&syntax.detect.enable)) && !named(&syntax.detect.disable)
    };
    // Custom detectors are switched one by one through their list.
    let enabled_types = catalogue
        .detectors
        .iter()
        .filter(|d| on(&d.id))
        .fold(DataType::Custom.bit(), |m, d| m | d.ty().bit());
    custom.retain(|c| on(c.id));
    if let Err(e) = check_examples(&custom) {
        problems.at(&[Key("detect"), Key("custom")], e);
    }
    let phone_country = match &syntax.detect.phone_country {
        None => Country::No,
        Some(c) => Country::parse(c).unwrap_or_else(|| {
            problems.at(
                &[Key("detect"), Key("phone_country")],
                format!("[detect] phone_country: {c:?} is not one of NO, DK, SE, FI"),
            );
            Country::No
        }),
    };
    let keyword_window = syntax.detect.keyword_window;
    if let Some(w) = keyword_window
        && w > 10_000
    {
        problems.at(
            &[Key("detect"), Key("keyword_window")],
            format!("[detect] keyword_window: {w} is larger than the maximum of 10000"),
        );
    }
    for (key, globs) in [
        ("include", &syntax.scan.include),
        ("exclude", &syntax.scan.exclude),
    ] {
        for (i, glob) in globs.iter().enumerate() {
            if let Err(e) = globset::Glob::new(glob) {
                problems.at(
                    &[Key("scan"), Key(key), Index(i)],
                    format!("[scan] {key}: invalid glob {glob:?}: {}", e.kind()),
                );
            }
        }
    }
    let limits = resolve_limits(&syntax.limits).unwrap_or_else(|(key, e)| {
        problems.at(&[Key("limits"), Key(key)], e);
        DEFAULT_LIMITS
    });
    let allow = Allow::resolve(&syntax.allow).unwrap_or_else(|e| {
        problems.at(&[Key("allow")], e);
        Allow::default()
    });
    let links = resolve_links(&syntax.subjects).unwrap_or_else(|(key, e)| {
        problems.at(&[Key("subjects"), Key(key)], e);
        LinkPolicy::default()
    });
    let mut categories: Vec<Category> = Vec::new();
    for (i, c) in syntax.category.iter().enumerate() {
        let at = |key: &'static str| [Key("category"), Index(category_at[i]), Key(key)];
        if syntax.category[..i].iter().any(|k| k.name == c.name) {
            problems.at(
                &at("name"),
                format!("[[category]] {:?} is declared twice", c.name),
            );
            continue;
        }
        match Category::resolve(c) {
            Ok(resolved) => categories.push(resolved),
            Err(e) => {
                let mut path = at(e.key).to_vec();
                path.extend(e.index.map(Index));
                problems.at(&path, format!("[[category]] {:?}: {e}", c.name));
            }
        }
    }
    let mut date_columns: Vec<String> = Vec::new();
    for c in &categories {
        for d in &c.date_columns {
            if !date_columns.contains(d) {
                date_columns.push(d.clone());
            }
        }
    }
    if date_columns.len() > MAX_DATE_COLUMNS {
        problems.at(
            &[Key("category")],
            format!(
                "[[category]]: {} different date columns; at most {MAX_DATE_COLUMNS} are supported",
                date_columns.len()
            ),
        );
    }
    let regions = Regions::resolve(syntax.scan.region.as_deref(), &syntax.location).unwrap_or_else(|e| {
        let mut path = match e.location {
            Some(i) => vec![Key("location"), Index(i), Key(e.key)],
            None => vec![Key("scan"), Key("region")],
        };
        path.extend(e.index.map(Index));
        problems.at(&path, e.message);
        Regions::default()
    });
    let block_list = syntax.block_list.as_ref().map(|b| {
        BlockList::resolve(b, base, &syntax.category).unwrap_or_else(|e| {
            let mut path = vec![Key("block_list"), Key(e.key)];
            path.extend(e.index.map(Index));
            problems.at(&path, format!("[block_list] {}: {}", e.key, e.message));
            BlockList::default()
        })
    });
    let name = syntax.name.clone().unwrap_or_else(|| {
        Path::new(origin)
            .file_stem()
            .map_or_else(|| origin.to_string(), |s| s.to_string_lossy().into_owned())
    });
    Profile {
        name,
        origin: origin.to_string(),
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        include: syntax.scan.include,
        exclude: syntax.scan.exclude,
        follow_symlinks: syntax.scan.follow_symlinks,
        enabled_types,
        keyword_window,
        phone_country,
        custom,
        limits,
        allow,
        links,
        categories,
        regions,
        block_list,
    }
}

fn resolve_links(s: &SubjectsSyntax) -> std::result::Result<LinkPolicy, (&'static str, String)> {
    let d = LinkPolicy::default();
    let links = LinkPolicy {
        max_hops: s.max_hops.unwrap_or(d.max_hops),
        max_record_values: s.max_record_values.unwrap_or(d.max_record_values),
        shared_value_limit: s.shared_value_limit.unwrap_or(d.shared_value_limit),
    };
    if links.max_hops > 10 {
        return Err((
            "max_hops",
            format!("[subjects] max_hops: {} is more than 10", links.max_hops),
        ));
    }
    if links.max_record_values < 2 {
        return Err((
            "max_record_values",
            "[subjects] max_record_values must be at least 2".into(),
        ));
    }
    if links.shared_value_limit == 0 {
        return Err((
            "shared_value_limit",
            "[subjects] shared_value_limit must be at least 1".into(),
        ));
    }
    Ok(links)
}

fn resolve_limits(l: &LimitsSyntax) -> std::result::Result<Limits, (&'static str, String)> {
    let size = |key: &'static str, v: &Option<SizeSyntax>, default: u64| match v {
        None => Ok(default),
        Some(SizeSyntax::Bytes(n)) => Ok(*n),
        Some(SizeSyntax::Text(t)) => parse_size(t).ok_or_else(|| {
            (
                key,
                format!("[limits] {key}: {t:?} is not a size (examples: 4096, \"512 MiB\", \"8 GiB\")"),
            )
        }),
    };
    let d = DEFAULT_LIMITS;
    let limits = Limits {
        max_file_bytes: size("max_file_bytes", &l.max_file_bytes, d.max_file_bytes)?,
        max_file_seconds: l.max_file_seconds.unwrap_or(d.max_file_seconds),
        max_document_bytes: size("max_document_bytes", &l.max_document_bytes, d.max_document_bytes)?,
        max_depth: l.max_depth.unwrap_or(d.max_depth),
        max_archive_bytes: size("max_archive_bytes", &l.max_archive_bytes, d.max_archive_bytes)?,
        max_compression_ratio: l.max_compression_ratio.unwrap_or(d.max_compression_ratio),
        max_archive_entries: l.max_archive_entries.unwrap_or(d.max_archive_entries),
    };
    for (key, value) in [
        ("max_file_bytes", limits.max_file_bytes),
        ("max_file_seconds", limits.max_file_seconds),
        ("max_compression_ratio", limits.max_compression_ratio),
        ("max_archive_entries", limits.max_archive_entries),
    ] {
        if value == 0 {
            return Err((key, format!("[limits] {key}: must be greater than 0")));
        }
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_enables_everything() {
        let p = Profile::embedded_default();
        assert_eq!(p.name, "default");
        assert_eq!(p.enabled_types.count_ones(), DataType::ALL.len() as u32);
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
        assert!(err.contains("unknown detector \"ssn\""), "{err}");
        assert!(err.contains("no_fnr, no_dnr"), "{err}");
    }

    #[test]
    fn enable_keeps_only_the_named_detectors() {
        let p = Profile::parse(
            "[detect]\nenable = [\"email\", \"no_fnr\"]\ndisable = [\"email\"]\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(p.enabled_types & !DataType::Custom.bit(), DataType::NoFnr.bit());
        let err = Profile::parse("[detect]\nenable = [\"cpr\"]\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("[detect] enable: unknown detector \"cpr\""), "{err}");
    }

    #[test]
    fn limits_accept_sizes_with_units() {
        let p = Profile::parse(
            "[limits]\nmax_file_bytes = \"2 GiB\"\nmax_document_bytes = 1000\nmax_depth = 2\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(p.limits.max_file_bytes, 2 << 30);
        assert_eq!(p.limits.max_document_bytes, 1000);
        assert_eq!(p.limits.max_depth, 2);
        assert_eq!(p.limits.max_file_seconds, DEFAULT_LIMITS.max_file_seconds);
        let err = Profile::parse("[limits]\nmax_archive_bytes = \"lots\"\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_archive_bytes"), "{err}");
        assert_eq!(parse_size("100 MB"), Some(100_000_000));
        assert_eq!(parse_size("3 parsecs"), None);
    }

    #[test]
    fn categories_and_link_bounds_resolve_and_bad_ones_name_their_line() {
        let p = Profile::parse(
            "[subjects]\nmax_hops = 1\n\n[[category]]\nname = \"marketing\"\npurpose = \"Newsletters\"\nlegal_basis = \"consent\"\nretention = \"2y\"\naction = \"delete\"\npaths = [\"**/Marketing/**\"]\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(p.links.max_hops, 1);
        assert_eq!(p.categories[0].retention.days(), 730);
        assert!(p.categories[0].claims(&crate::category::FileFacts {
            path: "share/Marketing/list.csv",
            file_type: "csv",
            types: 0,
            columns: &[],
        }));
        let err = Profile::parse(
            "[[category]]\nname = \"m\"\npurpose = \"x\"\nlegal_basis = \"consent\"\nretention = \"2 years\"\naction = \"delete\"\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 5") && err.contains("not a period"), "{err}");
        let err = Profile::parse(
            "[[category]]\nname = \"m\"\npurpose = \"x\"\nlegal_basis = \"because\"\nretention = \"2y\"\naction = \"delete\"\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("line 4") && err.contains("legal_obligation"),
            "{err}"
        );
    }

    #[test]
    fn disable_removes_a_type() {
        let p = Profile::parse("[detect]\ndisable = [\"ipv4\"]\n", "p.toml").unwrap();
        assert_eq!(p.enabled_types & DataType::Ipv4.bit(), 0);
    }
}
