//! Data categories: why personal data is kept, on what legal basis, for how
//! long, and what happens when that time is up. A profile declares them as
//! `[[category]]` tables with matchers (path globs, file types, data types
//! present, column names); a file belongs to the first category whose
//! matchers all accept it. Retention checks, the data map and the erasure
//! plan (what may be erased, what must be kept under a legal retention
//! duty such as the bookkeeping acts) all rest on that assignment.

use crate::model::DataType;
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
    /// Globs matched against each file's path as shown in the outputs
    /// (case-insensitive, as file shares are).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Formats as in the `file_type` column (`csv`, `xlsx`, `pdf`…).
    #[serde(default)]
    pub file_types: Vec<String>,
    /// Data types (detector ids) of which the file must hold at least one.
    #[serde(default)]
    pub data_types: Vec<String>,
    /// Column-name globs (case-insensitive) of which structured data must
    /// have at least one.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Columns giving each row's date, in order of preference: a row of
    /// structured data is as old as the first of them that holds a date.
    #[serde(default, alias = "date_column", deserialize_with = "one_or_many")]
    pub date_columns: Vec<String>,
}

/// Accepts `"x"` as well as `["x", "y"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// What is known of a file when it is assigned a category: everything a
/// matcher can ask about.
#[derive(Debug, Clone, Copy)]
pub struct FileFacts<'a> {
    /// Path as shown in the outputs (`outer!inner` for inner files).
    pub path: &'a str,
    /// Format as in the `file_type` column.
    pub file_type: &'a str,
    /// Data types found in it, one bit per type ([`DataType::bit`]).
    pub types: u32,
    /// Column names of its structured data.
    pub columns: &'a [&'a str],
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
    /// Date columns, lower-cased, in order of preference.
    pub date_columns: Vec<String>,
    paths: Option<globset::GlobSet>,
    /// The path globs one by one, for [`PathMatcher`].
    path_globs: Vec<globset::Glob>,
    file_types: Vec<String>,
    data_types: u32,
    columns: Option<globset::GlobSet>,
}

impl Category {
    /// Compiles a category. An error names the offending key and value
    /// (the caller adds the category and its position).
    pub fn resolve(syntax: &CategorySyntax) -> Result<Category, CategoryError> {
        // File shares are case-insensitive, and so are column headers.
        // globset ignores the case of ASCII letters only, so the globs are
        // lower-cased here and the text they match by [`folded`].
        let compile = |key: &'static str, list: &[String], is_path: bool| {
            list.iter()
                .enumerate()
                .map(|(i, glob)| {
                    globset::GlobBuilder::new(&glob.to_lowercase())
                        .literal_separator(is_path)
                        .case_insensitive(true)
                        .build()
                        .map_err(|e| CategoryError {
                            key,
                            index: Some(i),
                            message: format!("invalid glob {glob:?}: {}", e.kind()),
                        })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let set = |key: &'static str, globs: &[globset::Glob]| {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut set = globset::GlobSetBuilder::new();
            for g in globs {
                set.add(g.clone());
            }
            set.build().map(Some).map_err(|e| CategoryError {
                key,
                index: None,
                message: e.to_string(),
            })
        };
        let path_globs = compile("paths", &syntax.paths, true)?;
        let mut data_types = 0;
        for (i, id) in syntax.data_types.iter().enumerate() {
            match DataType::parse(id).filter(|t| *t != DataType::Custom) {
                Some(t) => data_types |= t.bit(),
                None => {
                    return Err(CategoryError {
                        key: "data_types",
                        index: Some(i),
                        message: format!(
                            "unknown data type {id:?}; known types: {}",
                            DataType::ALL[..DataType::ALL.len() - 1]
                                .iter()
                                .map(|t| t.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
        }
        let c = Category {
            name: syntax.name.clone(),
            purpose: syntax.purpose.clone(),
            legal_basis: syntax.legal_basis,
            retention: syntax.retention,
            action: syntax.action,
            date_columns: syntax
                .date_columns
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect(),
            paths: set("paths", &path_globs)?,
            path_globs,
            file_types: syntax
                .file_types
                .iter()
                .map(|t| t.trim().to_lowercase())
                .collect(),
            data_types,
            columns: set("columns", &compile("columns", &syntax.columns, false)?)?,
        };
        if c.paths.is_none() && c.file_types.is_empty() && c.data_types == 0 && c.columns.is_none() {
            return Err(CategoryError {
                key: "name",
                index: None,
                message: "matches no file: give at least one of paths, file_types, data_types, columns"
                    .into(),
            });
        }
        Ok(c)
    }

    /// Whether the file belongs to this category: every matcher the
    /// category gives must accept it. Paths of inner files (`outer!inner`)
    /// are matched as written and by their outer file.
    pub fn claims(&self, file: &FileFacts<'_>) -> bool {
        let paths = || {
            self.paths
                .as_ref()
                .is_none_or(|set| match file.path.split_once('!') {
                    Some((outer, _)) => set.is_match(&*folded(outer)) || set.is_match(&*folded(file.path)),
                    None => set.is_match(&*folded(file.path)),
                })
        };
        self.claims_where(file, paths)
    }

    /// [`Category::claims`] with the path test given: `paths` says whether
    /// the category's path globs accept the file (asked last, as it is the
    /// dearest test).
    fn claims_where(&self, file: &FileFacts<'_>, paths: impl FnOnce() -> bool) -> bool {
        (self.file_types.is_empty() || self.file_types.iter().any(|t| t == file.file_type))
            && (self.data_types == 0 || self.data_types & file.types != 0)
            && paths()
            && self
                .columns
                .as_ref()
                .is_none_or(|set| file.columns.iter().any(|c| set.is_match(&*folded(c))))
    }
}

/// `text` as category globs match it: lower-cased when it holds letters
/// past ASCII. globset ignores the case of ASCII letters only, and Nordic
/// shares and headers are often in capitals (`LØNN`, `FØDSELSNUMMER`);
/// the globs are lower-cased when they are compiled.
fn folded(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    }
}

/// Every category's path globs in two sets, so that judging a file matches
/// its path once rather than once per category (the scan of an unchanged
/// tree judges every file again). Globs ending in `/**` (`**/hr/**`, most
/// of a profile's) accept a path by its folder alone, so what they say of
/// a folder is kept for the files after it in [`ClaimMemo`]: matching them
/// on every path was 8% of an unchanged rescan's instructions.
#[derive(Debug, Clone, Default)]
pub struct PathMatcher {
    /// The globs ending in `/**`, matched on a folder.
    folders: Globs,
    /// The globs of a file name ending (`**/*.log`), compared by hand.
    endings: Endings,
    /// The others, matched on each path.
    files: Globs,
}

/// The globs `**/*` + a literal ASCII ending (`**/*.log`, `**/*.eml`).
/// globset matches a case-insensitive glob with a regex, about 1,000
/// instructions a path (3% of an unchanged rescan), byte by byte and
/// ignoring the case of ASCII letters only; with `*` kept within a name,
/// such a glob accepts exactly the paths whose bytes end in the ending,
/// ignoring ASCII case, which costs a few instructions to compare.
#[derive(Debug, Clone, Default)]
struct Endings {
    /// Each ending and its category (compared ignoring ASCII case, as
    /// globset does).
    endings: Vec<(String, usize)>,
}

impl Endings {
    /// Takes the ending globs out of `globs`; hands back the others.
    fn split(globs: Vec<(&globset::Glob, usize)>) -> (Endings, Vec<(&globset::Glob, usize)>) {
        let mut endings = Vec::new();
        let mut others = Vec::new();
        for (glob, category) in globs {
            match ending_glob(glob.glob()) {
                Some(ending) => endings.push((ending.to_string(), category)),
                None => others.push((glob, category)),
            }
        }
        (Endings { endings }, others)
    }

    /// Marks the categories whose ending globs accept `path` in `accepted`.
    fn mark(&self, path: &str, accepted: &mut [bool]) {
        for (ending, category) in &self.endings {
            let tail = path
                .len()
                .checked_sub(ending.len())
                .map(|at| &path.as_bytes()[at..]);
            if tail.is_some_and(|tail| tail.eq_ignore_ascii_case(ending.as_bytes())) {
                accepted[*category] = true;
            }
        }
    }
}

/// The ending of a glob `**/*` + ending, when the ending is literal ASCII
/// text (letters, digits, `.`, `-`, `_`): no wildcard, class, brace,
/// escape or separator.
fn ending_glob(glob: &str) -> Option<&str> {
    let ending = glob.strip_prefix("**/*")?;
    let literal = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    (!ending.is_empty() && ending.bytes().all(literal)).then_some(ending)
}

/// A set of globs and the category of each, by position.
#[derive(Debug, Clone, Default)]
struct Globs {
    set: globset::GlobSet,
    owner: Vec<usize>,
}

impl Globs {
    fn build(globs: Vec<(&globset::Glob, usize)>) -> Globs {
        let mut set = globset::GlobSetBuilder::new();
        let mut owner = Vec::with_capacity(globs.len());
        for (g, category) in globs {
            set.add(g.clone());
            owner.push(category);
        }
        Globs {
            set: set
                .build()
                .expect("globs that compiled one by one compile together"),
            owner,
        }
    }

    /// The categories of the globs matching `path` (`hits` is reused).
    fn categories<'s>(&'s self, path: &str, hits: &'s mut Vec<usize>) -> impl Iterator<Item = usize> + 's {
        hits.clear();
        if !self.set.is_empty() {
            self.set.matches_into(path, hits);
        }
        hits.iter().map(|&g| self.owner[g])
    }
}

/// Whether `glob` accepts a path by its folder alone: it ends in `/**`,
/// which globset makes `/.*` (any rest, new lines too). A path then
/// matches when some part of it before a `/` matches what comes before,
/// and those parts are the same for the folder followed by `/`.
fn folder_glob(glob: &str) -> bool {
    glob.strip_suffix("/**").is_some_and(|head| !head.ends_with('\\'))
}

/// What [`PathMatcher::first_claim`] keeps from one file to the next: its
/// buffers, and the folders it judged last with the categories their
/// `/**` globs accept. A few are kept, as files of two or three folders
/// arrive interleaved from the parallel walk.
#[derive(Debug, Default)]
pub struct ClaimMemo {
    hits: Vec<usize>,
    /// Whether each category's path globs accept the file.
    accepted: Vec<bool>,
    /// Folders and the categories their `/**` globs accept.
    folders: Vec<(String, Vec<usize>)>,
    /// The slot of `folders` to be taken next once it is full.
    next: usize,
}

impl ClaimMemo {
    /// Folders remembered.
    const FOLDERS: usize = 8;
}

impl PathMatcher {
    /// The matcher for `categories`, in their order.
    pub fn new(categories: &[Category]) -> PathMatcher {
        let (folders, rest): (Vec<_>, Vec<_>) = categories
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.path_globs.iter().map(move |g| (g, i)))
            .partition(|(g, _)| folder_glob(g.glob()));
        let (endings, files) = Endings::split(rest);
        PathMatcher {
            folders: Globs::build(folders),
            endings,
            files: Globs::build(files),
        }
    }

    /// The position of the first of `categories` (those given to
    /// [`PathMatcher::new`]) that claims `file`. `memo` is kept between
    /// calls.
    pub fn first_claim(
        &self,
        categories: &[Category],
        file: &FileFacts<'_>,
        memo: &mut ClaimMemo,
    ) -> Option<usize> {
        memo.accepted.clear();
        memo.accepted.resize(categories.len(), false);
        if let Some((outer, _)) = file.path.split_once('!') {
            self.claim(outer, memo);
        }
        self.claim(file.path, memo);
        let accepted = &memo.accepted;
        categories
            .iter()
            .enumerate()
            .position(|(i, c)| c.claims_where(file, || c.paths.is_none() || accepted[i]))
    }

    /// Marks the categories whose path globs match `path` in
    /// `memo.accepted`.
    fn claim(&self, path: &str, memo: &mut ClaimMemo) {
        let path = &*folded(path);
        let ClaimMemo {
            hits,
            accepted,
            folders,
            next,
        } = memo;
        for c in self.files.categories(path, hits) {
            accepted[c] = true;
        }
        self.endings.mark(path, accepted);
        if self.folders.set.is_empty() {
            return;
        }
        // Without a separator no `/**` glob matches.
        let Some((folder, _)) = path.rsplit_once(['/', std::path::MAIN_SEPARATOR]) else {
            return;
        };
        let slot = match folders.iter().position(|(f, _)| f == folder) {
            Some(slot) => slot,
            None => {
                let categories = self.folders.categories(&format!("{folder}/"), hits).collect();
                let entry = (folder.to_string(), categories);
                if folders.len() < ClaimMemo::FOLDERS {
                    folders.push(entry);
                    folders.len() - 1
                } else {
                    let slot = *next;
                    *next = (slot + 1) % ClaimMemo::FOLDERS;
                    folders[slot] = entry;
                    slot
                }
            }
        };
        for &c in &folders[slot].1 {
            accepted[c] = true;
        }
    }
}

/// A file's category as the scan recorded it in the data map (the
/// `category`, `purpose`, `legal_basis`, `retention` and `on_expiry`
/// columns), so later commands judge a file exactly as its scan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Category name, or `undeclared` for personal data no category claims.
    pub name: String,
    /// Purpose.
    pub purpose: String,
    /// Legal basis as spelled in profiles.
    pub legal_basis: String,
    /// Retention as written (`5y`).
    pub retention: String,
    /// What happens on expiry.
    pub on_expiry: String,
}

/// The name recorded for personal data that no category claims.
pub const UNDECLARED: &str = "undeclared";

impl Recorded {
    /// What an erasure request means here: data under a legal obligation
    /// stays, data of a category is erased, undeclared data needs review.
    pub fn erasure(&self) -> &'static str {
        if self.name == UNDECLARED {
            "review: no category claims this file"
        } else if self.legal_basis == LegalBasis::LegalObligation.as_str() {
            "keep: legal obligation"
        } else {
            "erase"
        }
    }
}

/// Reads the file-level rows of a scan's `data_map.csv` and returns the
/// recorded category of each wanted path.
pub fn recorded(
    data_map_csv: &std::path::Path,
    wanted: &std::collections::HashSet<&str>,
) -> std::io::Result<std::collections::HashMap<String, Recorded>> {
    let mut reader = csv::Reader::from_path(data_map_csv).map_err(std::io::Error::other)?;
    let headers = reader.headers().map_err(std::io::Error::other)?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            std::io::Error::other(format!(
                "{} has no {name} column: it was written by an older datakart; scan again",
                data_map_csv.display()
            ))
        })
    };
    let [path, column, name, purpose, basis, retention, expiry] = [
        col("path")?,
        col("column_name")?,
        col("category")?,
        col("purpose")?,
        col("legal_basis")?,
        col("retention")?,
        col("on_expiry")?,
    ];
    let mut out = std::collections::HashMap::new();
    for row in reader.records() {
        let row = row.map_err(std::io::Error::other)?;
        let p = &row[path];
        if !row[column].is_empty() || row[name].is_empty() || !wanted.contains(p) {
            continue;
        }
        out.insert(
            p.to_string(),
            Recorded {
                name: row[name].to_string(),
                purpose: row[purpose].to_string(),
                legal_basis: row[basis].to_string(),
                retention: row[retention].to_string(),
                on_expiry: row[expiry].to_string(),
            },
        );
    }
    Ok(out)
}

/// Why a `[[category]]` table is invalid: the key (and list position)
/// at fault, so the profile checker can point at its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryError {
    /// The key at fault.
    pub key: &'static str,
    /// The position in the key's list, for list keys.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CategoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(paths: &[&str], basis: LegalBasis) -> CategorySyntax {
        CategorySyntax {
            name: "c".into(),
            purpose: "p".into(),
            legal_basis: basis,
            retention: Retention::try_from("5y".to_string()).unwrap(),
            action: Expiry::Delete,
            paths: paths.iter().map(|s| s.to_string()).collect(),
            file_types: vec![],
            data_types: vec![],
            columns: vec![],
            date_columns: vec![],
        }
    }

    fn file<'a>(path: &'a str, file_type: &'a str, types: u32, columns: &'a [&'a str]) -> FileFacts<'a> {
        FileFacts {
            path,
            file_type,
            types,
            columns,
        }
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
        let c = Category::resolve(&syntax(&["**/Regnskap/**"], LegalBasis::LegalObligation)).unwrap();
        assert!(c.claims(&file("share/Regnskap/2019/bilag.pdf", "pdf", 0, &[])));
        assert!(c.claims(&file("share/Regnskap/arkiv.zip!kunder.csv", "csv", 0, &[])));
        assert!(!c.claims(&file("share/Salg/regnskap.txt", "text", 0, &[])));
        assert!(
            c.claims(&file("share/REGNSKAP/bilag.pdf", "pdf", 0, &[])),
            "case-insensitive"
        );
    }

    #[test]
    fn nordic_letters_match_in_either_case() {
        // globset alone ignores the case of ASCII letters only.
        let c = Category::resolve(&syntax(&["**/henkilöstö/**", "**/LØNN*"], LegalBasis::Contract)).unwrap();
        let matcher = PathMatcher::new(std::slice::from_ref(&c));
        let mut memo = ClaimMemo::default();
        for (path, claimed) in [
            ("share/HENKILÖSTÖ/a.txt", true),
            ("share/Henkilöstö/a.txt", true),
            ("share/lønn-2024.xlsx", true),
            ("share/LØNN.csv", true),
            ("share/LØNN/a.csv", false),
            ("share/LONN/a.csv", false),
            ("share/HENKILOSTO/a.txt", false),
        ] {
            let f = file(path, "text", 0, &[]);
            assert_eq!(c.claims(&f), claimed, "{path}");
            assert_eq!(
                matcher.first_claim(std::slice::from_ref(&c), &f, &mut memo),
                claimed.then_some(0),
                "{path}"
            );
        }
        let mut s = syntax(&[], LegalBasis::Contract);
        s.columns = vec!["*fødselsnummer*".into()];
        let c = Category::resolve(&s).unwrap();
        assert!(c.claims(&file("a.csv", "csv", 0, &["KUNDE_FØDSELSNUMMER"])));
        assert!(!c.claims(&file("a.csv", "csv", 0, &["KUNDE_FODSELSNUMMER"])));
    }

    #[test]
    fn ending_globs_accept_what_globset_accepts() {
        // Globs the comparison of endings takes, and others it leaves alone.
        // Paths include non-ASCII letters that Unicode case folding makes
        // equal to ASCII ones (the long s, the Kelvin sign): globset's
        // case-insensitive globs do not, and neither do endings.
        assert_eq!(ending_glob("**/*.log"), Some(".log"));
        assert_eq!(ending_glob("**/*.tar.gz"), Some(".tar.gz"));
        for other in [
            "**/*",
            "**/*.[lL]og",
            "**/*.lo?",
            "**/a*.log",
            "*.log",
            "**/*.l/g",
            "**/*.l\\og",
        ] {
            assert_eq!(ending_glob(other), None, "{other}");
        }
        let paths = [
            "a.log",
            "A.LOG",
            "share/x.Log",
            ".log",
            "dir/.log",
            "log",
            "a.log/b",
            "a.logx",
            "a.lo",
            "",
            "ø/æ.log",
            "dir/é.LOG",
            "a.lo\ng",
            "x.xlſ",
            "x.XLS",
            "x.ſ",
            "y.k",
            "y.\u{212a}",
            "y.\u{212a}x",
            "løg",
            "z.tar.gz",
            "z.TAR.GZ",
            "z.tar.gz.bak",
            "/abs/z.tar.gz",
        ];
        for glob in ["**/*.log", "**/*.xls", "**/*.s", "**/*.k", "**/*.tar.gz"] {
            let compiled = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .case_insensitive(true)
                .build()
                .unwrap();
            let (endings, others) = Endings::split(vec![(&compiled, 0)]);
            assert!(others.is_empty(), "{glob}");
            let reference = compiled.compile_matcher();
            for path in paths {
                let mut accepted = [false];
                endings.mark(path, &mut accepted);
                assert_eq!(accepted[0], reference.is_match(path), "{glob} on {path:?}");
            }
        }
    }

    #[test]
    fn the_path_matcher_claims_as_each_category_does() {
        let categories: Vec<Category> = [
            &["**/*.log", "**/logs/**"][..],
            &["**/Regnskap/**", "arkiv/**"],
            &["**/hr/**", "**/personal/*.csv"],
            &["**/kunder/**/eksport/**"],
            // An escaped separator before the `**`: matched on the path.
            &["**/odd\\/**"],
        ]
        .iter()
        .map(|globs| Category::resolve(&syntax(globs, LegalBasis::Contract)).unwrap())
        .collect();
        let matcher = PathMatcher::new(&categories);
        assert_eq!(
            (
                matcher.folders.owner.len(),
                matcher.endings.endings.len(),
                matcher.files.owner.len()
            ),
            (5, 1, 2),
            "the `/**` globs are matched by folder, `**/*.log` by its ending"
        );
        let paths = [
            "share/logs/a.txt",
            "share/logs",
            "share/app.log",
            "share/regnskap/2019/bilag.pdf",
            "share/Regnskap",
            "arkiv/x.pdf",
            "arkiv",
            "x/arkiv/y.pdf",
            "hr",
            "hr/a.txt",
            "/hr/a.txt",
            "share/HR/lønn/a.xlsx",
            "share/personal/a.csv",
            "share/personal/sub/a.csv",
            "share/kunder/eksport/a.csv",
            "share/kunder/2020/eksport/b.csv",
            "share/kunder/eksport",
            "share/logs/arkiv.zip!inner/a.csv",
            "share/x/arkiv.zip!hr/a.csv",
            "share/x/arkiv.zip!a.log",
            "share/odd/**",
            "share/odd/x.txt",
            "share/new\nline/hr/a.txt",
            "share/hr\n/a.txt",
            "",
            "/",
        ];
        let mut memo = ClaimMemo::default();
        // Twice over, and again after the remembered folders were all
        // replaced: a folder judged before gives the same answer.
        for round in 0..3 {
            for path in paths {
                let f = file(path, "text", 0, &[]);
                let each = categories.iter().position(|c| c.claims(&f));
                assert_eq!(
                    matcher.first_claim(&categories, &f, &mut memo),
                    each,
                    "{path:?}, round {round}"
                );
            }
            if round == 1 {
                for i in 0..ClaimMemo::FOLDERS {
                    let other = format!("elsewhere/{i}/a.txt");
                    matcher.first_claim(&categories, &file(&other, "text", 0, &[]), &mut memo);
                }
            }
        }
    }

    #[test]
    fn erasure_keeps_legal_obligations_and_reviews_undeclared_data() {
        let recorded = |name: &str, basis: LegalBasis| Recorded {
            name: name.into(),
            purpose: String::new(),
            legal_basis: basis.as_str().into(),
            retention: "5y".into(),
            on_expiry: "delete".into(),
        };
        let accounting = recorded("accounting", LegalBasis::LegalObligation);
        assert_eq!(accounting.erasure(), "keep: legal obligation");
        assert_eq!(recorded("marketing", LegalBasis::Consent).erasure(), "erase");
        let mut undeclared = recorded(UNDECLARED, LegalBasis::Consent);
        undeclared.legal_basis.clear();
        assert_eq!(undeclared.erasure(), "review: no category claims this file");
    }

    #[test]
    fn every_given_matcher_must_accept_the_file() {
        let mut s = syntax(&["crm/**"], LegalBasis::Contract);
        s.file_types = vec!["CSV".into(), "xlsx".into()];
        s.data_types = vec!["email".into(), "phone".into()];
        s.columns = vec!["sist_*".into()];
        let c = Category::resolve(&s).unwrap();
        let email = DataType::Email.bit();
        assert!(c.claims(&file("crm/kunder.csv", "csv", email, &["navn", "Sist_kontakt"])));
        assert!(
            !c.claims(&file("hr/kunder.csv", "csv", email, &["sist_kontakt"])),
            "path"
        );
        assert!(
            !c.claims(&file("crm/kunder.pdf", "pdf", email, &["sist_kontakt"])),
            "file type"
        );
        assert!(
            !c.claims(&file(
                "crm/kunder.csv",
                "csv",
                DataType::Iban.bit(),
                &["sist_kontakt"]
            )),
            "data type"
        );
        assert!(
            !c.claims(&file("crm/kunder.csv", "csv", email, &["navn"])),
            "column"
        );
    }

    #[test]
    fn bad_matchers_name_their_key_and_position() {
        let mut s = syntax(&["ok/**", "bad/[x"], LegalBasis::Consent);
        let e = Category::resolve(&s).unwrap_err();
        assert_eq!((e.key, e.index), ("paths", Some(1)));
        s.paths.clear();
        s.data_types = vec!["email".into(), "ssn".into()];
        let e = Category::resolve(&s).unwrap_err();
        assert_eq!((e.key, e.index), ("data_types", Some(1)));
        assert!(e.message.contains("no_fnr"), "{e}");
        s.data_types.clear();
        let e = Category::resolve(&s).unwrap_err();
        assert!(e.message.contains("matches no file"), "{e}");
    }

    #[test]
    fn date_column_takes_one_name_or_a_list() {
        let one: CategorySyntax = toml::from_str(
            "name='m'\npurpose='p'\nlegal_basis='consent'\nretention='2y'\naction='delete'\npaths=['**']\ndate_column='Sist_Kontakt'\n",
        )
        .unwrap();
        assert_eq!(Category::resolve(&one).unwrap().date_columns, ["sist_kontakt"]);
        let many: CategorySyntax = toml::from_str(
            "name='m'\npurpose='p'\nlegal_basis='consent'\nretention='2y'\naction='anonymize'\npaths=['**']\ndate_columns=['avsluttet','last_contact']\n",
        )
        .unwrap();
        let c = Category::resolve(&many).unwrap();
        assert_eq!(c.date_columns, ["avsluttet", "last_contact"]);
        assert_eq!(c.action, Expiry::Anonymise);
    }
}
