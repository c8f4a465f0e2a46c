//! The `data_map_folders` table: the data map rolled up per folder, for
//! auditors who think in shares and departments rather than files. Each
//! row covers the files directly in one folder (an inner file counts in
//! the folder of its outer file); a subtree's totals are the sum over the
//! folders whose path starts with it.

use super::table::{Cell, Kind, TableWriter, columns};
use crate::Result;
use crate::model::DataType;
use foldhash::HashMap;
use std::collections::BTreeSet;
use std::path::Path;

/// What one file adds to its folder.
#[derive(Debug, Clone, Copy)]
pub struct FileShare<'a> {
    /// Display path of the file.
    pub path: &'a str,
    /// Findings per type ([`DataType::index`] order).
    pub per_type: &'a [u64],
    /// Personal findings.
    pub personal: u64,
    /// Category name (`undeclared` for unclaimed personal data).
    pub category: Option<&'a str>,
    /// Special-category subtypes found.
    pub special: &'a [&'static str],
    /// Modified time.
    pub modified: Option<i64>,
    /// Violation rows written for the file.
    pub violations: u64,
    /// Region code.
    pub region: Option<&'a str>,
    /// Whether the file's data sits outside the EU/EEA.
    pub outside_eea: bool,
}

#[derive(Default)]
struct Folder {
    files: u64,
    files_with_personal_data: u64,
    personal_findings: u64,
    per_type: [u64; DataType::ALL.len()],
    categories: BTreeSet<String>,
    special: BTreeSet<&'static str>,
    undeclared_files: u64,
    files_in_violation: u64,
    violations: u64,
    oldest: Option<i64>,
    newest: Option<i64>,
    regions: BTreeSet<String>,
    files_outside_eea: u64,
}

/// Accumulates folders during the scan; written at the end.
#[derive(Default)]
pub struct Folders {
    folders: HashMap<String, Folder>,
    /// The last file's path up to its last separator, and its folder: the
    /// files of a folder come one after another, and working a folder out
    /// of a path ([`folder_of`]) was 2% of an unchanged rescan.
    last: Option<(String, String)>,
}

/// The folder a displayed path is counted in.
pub fn folder_of(path: &str) -> &str {
    Path::new(outer_file(path))
        .parent()
        .and_then(Path::to_str)
        .filter(|p| !p.is_empty())
        .unwrap_or(".")
}

/// The file on disk of a displayed path: an inner file's outer one.
fn outer_file(path: &str) -> &str {
    path.split('!').next().unwrap_or(path)
}

impl Folders {
    /// Counts one file in its folder.
    pub fn add(&mut self, f: FileShare<'_>) {
        // A name after the last file's folder, with no separator or inner
        // path of its own, is in the same folder.
        let same = self.last.as_ref().is_some_and(|(prefix, _)| {
            f.path
                .strip_prefix(prefix.as_str())
                .is_some_and(|name| !matches!(name, "" | "." | "..") && !name.contains(['/', '\\', '!']))
        });
        if !same {
            let outer = outer_file(f.path);
            let prefix = outer.rfind(['/', '\\']).map_or("", |i| &outer[..=i]);
            self.last = Some((prefix.to_string(), folder_of(f.path).to_string()));
        }
        let name = self.last.as_ref().map_or(".", |(_, folder)| folder.as_str());
        // Looked up before it is inserted: every file of a folder but the
        // first finds it without allocating its name.
        if !self.folders.contains_key(name) {
            self.folders.insert(name.to_string(), Folder::default());
        }
        let folder = self.folders.get_mut(name).expect("inserted above");
        folder.files += 1;
        if f.personal == 0 {
            return;
        }
        folder.files_with_personal_data += 1;
        folder.personal_findings += f.personal;
        for (sum, n) in folder.per_type.iter_mut().zip(f.per_type) {
            *sum += n;
        }
        if let Some(c) = f.category {
            if c == crate::category::UNDECLARED {
                folder.undeclared_files += 1;
            }
            if !folder.categories.contains(c) {
                folder.categories.insert(c.to_string());
            }
        }
        folder.special.extend(f.special.iter().copied());
        folder.files_in_violation += u64::from(f.violations > 0);
        folder.violations += f.violations;
        if let Some(t) = f.modified {
            folder.oldest = Some(folder.oldest.map_or(t, |o| o.min(t)));
            folder.newest = Some(folder.newest.map_or(t, |o| o.max(t)));
        }
        if let Some(r) = f.region
            && !folder.regions.contains(r)
        {
            folder.regions.insert(r.to_string());
        }
        folder.files_outside_eea += u64::from(f.outside_eea);
    }

    /// Writes `data_map_folders.csv` and `.parquet`, folders in path order.
    pub fn write(self, out_dir: &Path, scan_id: &str) -> Result<()> {
        let mut spec = columns(&[
            ("scan_id", Kind::Str),
            ("folder", Kind::Str),
            ("files", Kind::U64),
            ("files_with_personal_data", Kind::U64),
            ("personal_findings", Kind::U64),
            ("types", Kind::Str),
            ("categories", Kind::Str),
            ("special_categories", Kind::Str),
            ("undeclared_files", Kind::U64),
            ("files_in_violation", Kind::U64),
            ("violations", Kind::U64),
            ("oldest_modified", Kind::Time),
            ("newest_modified", Kind::Time),
            ("regions", Kind::Str),
            ("files_outside_eea", Kind::U64),
        ]);
        spec.extend(super::type_columns());
        let mut table = TableWriter::create(out_dir, "data_map_folders", spec)?;
        let mut folders: Vec<(String, Folder)> = self.folders.into_iter().collect();
        folders.sort_by(|a, b| a.0.cmp(&b.0));
        let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(",");
        for (name, f) in folders {
            let types: Vec<&str> = DataType::ALL
                .iter()
                .filter(|t| f.per_type[t.index()] > 0 && t.personal())
                .map(|t| t.as_str())
                .collect();
            let mut row = vec![
                Cell::from(scan_id),
                Cell::from(name),
                Cell::U64(f.files),
                Cell::U64(f.files_with_personal_data),
                Cell::U64(f.personal_findings),
                Cell::from(types.join(",")),
                Cell::from(join(&f.categories)),
                Cell::from(f.special.iter().copied().collect::<Vec<_>>().join(",")),
                Cell::U64(f.undeclared_files),
                Cell::U64(f.files_in_violation),
                Cell::U64(f.violations),
                f.oldest.map_or(Cell::Null, Cell::Time),
                f.newest.map_or(Cell::Null, Cell::Time),
                Cell::from(join(&f.regions)),
                Cell::U64(f.files_outside_eea),
            ];
            row.extend(f.per_type.iter().map(|&n| Cell::U64(n)));
            table.push(&row)?;
        }
        table.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_files_count_in_the_folder_of_their_outer_file() {
        assert_eq!(folder_of("share/crm/kunder.csv"), "share/crm");
        assert_eq!(folder_of("share/arkiv.zip!2019/kunder.csv"), "share");
        assert_eq!(folder_of("kunder.csv"), ".");
    }

    #[test]
    fn files_one_after_another_count_in_the_folder_of_their_own_path() {
        let paths = [
            "share/crm/a.csv",
            "share/crm/b.csv",
            "share/crm/old/c.csv",
            "share/crm/d.csv",
            "share/crm/arkiv.zip!2019/e.csv",
            "share/crm/f.csv",
            "share/crm/..",
            "g.csv",
            "h.csv",
            "share/x\\y.csv",
            "share/x\\z.csv",
            "share/crm//i.csv",
            "/j.csv",
            "/k.csv",
        ];
        let mut folders = Folders::default();
        for path in paths {
            folders.add(FileShare {
                path,
                per_type: &[],
                personal: 0,
                category: None,
                special: &[],
                modified: None,
                violations: 0,
                region: None,
                outside_eea: false,
            });
        }
        let mut expected: HashMap<&str, u64> = HashMap::default();
        paths
            .iter()
            .for_each(|p| *expected.entry(folder_of(p)).or_default() += 1);
        let counted: HashMap<&str, u64> = folders
            .folders
            .iter()
            .map(|(k, f)| (k.as_str(), f.files))
            .collect();
        assert_eq!(counted, expected);
        assert_eq!(counted["share/crm"], 7, "{counted:?}");
    }
}
