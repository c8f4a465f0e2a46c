//! Walk: parallel traversal of the scan roots. Stats files, never reads
//! them. Nothing is skipped silently: hidden files are included,
//! `.gitignore` and similar files are not honoured, and every entry that is
//! not scanned (symbolic link, special file, unreadable directory) is
//! reported as a [`WalkEvent`] so it reaches the scan-errors output.

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A regular file to scan.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as it is opened: the root as given joined with the path below it.
    pub path: PathBuf,
    /// Size in bytes at walk time.
    pub size: u64,
    /// Modification time at walk time.
    pub modified: Option<SystemTime>,
}

/// What the walk reports for one entry.
#[derive(Debug)]
pub enum WalkEvent {
    /// A regular file to scan.
    File(Source),
    /// An entry deliberately not scanned, with the reason in words.
    Skipped {
        /// The entry.
        path: PathBuf,
        /// Why (`symbolic link not followed`, `special file (fifo)`).
        reason: String,
    },
    /// An entry that could not be read (permission denied, symlink loop).
    Failed {
        /// The entry, when known.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A file or directory left out by the profile's globs.
    Excluded,
}

/// Walk settings resolved from the profile and command line.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Include globs (empty: all files).
    pub include: Vec<String>,
    /// Exclude globs (files and directories).
    pub exclude: Vec<String>,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Walker threads.
    pub threads: usize,
}

fn globset(globs: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g)?);
    }
    b.build()
}

/// Walks every root in turn, each in parallel, calling `on_event` from the
/// walker's threads for every entry below it. Globs match the path
/// relative to its root, with `/` separators.
pub fn walk(
    roots: &[PathBuf],
    options: &WalkOptions,
    on_event: &(dyn Fn(WalkEvent) + Sync),
) -> Result<(), globset::Error> {
    let include = globset(&options.include)?;
    let exclude = globset(&options.exclude)?;
    for root in roots {
        walk_root(root, options, &include, &exclude, on_event);
    }
    Ok(())
}

fn relative<'a>(root: &Path, path: &'a Path) -> std::borrow::Cow<'a, str> {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy()
}

/// Walks one root; returns how many folders were excluded.
fn walk_root(
    root: &Path,
    options: &WalkOptions,
    include: &GlobSet,
    exclude: &GlobSet,
    on_event: &(dyn Fn(WalkEvent) + Sync),
) -> u64 {
    let root_buf = root.to_path_buf();
    let excluded = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let excluded_count = excluded.clone();
    let exclude_dirs = exclude.clone();
    let excluded_root = root_buf.clone();
    let walker = WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .follow_links(options.follow_symlinks)
        .threads(options.threads.max(1))
        .filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let rel = relative(&excluded_root, entry.path());
            let keep = !exclude_dirs.is_match(rel.as_ref());
            if !keep {
                excluded_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            keep
        })
        .build_parallel();
    walker.run(|| {
        let root = &root_buf;
        Box::new(move |result| {
            match result {
                Ok(entry) => visit(root, entry, include, exclude, on_event),
                Err(err) => on_event(walk_error(err)),
            }
            WalkState::Continue
        })
    });
    excluded.load(std::sync::atomic::Ordering::Relaxed)
}

fn visit(
    root: &Path,
    entry: ignore::DirEntry,
    include: &GlobSet,
    exclude: &GlobSet,
    on_event: &(dyn Fn(WalkEvent) + Sync),
) {
    let path = entry.path().to_path_buf();
    let Some(file_type) = entry.file_type() else {
        return;
    };
    if file_type.is_dir() {
        return;
    }
    if entry.depth() > 0 {
        let rel = relative(root, &path);
        if exclude.is_match(rel.as_ref()) || (!include.is_empty() && !include.is_match(rel.as_ref())) {
            on_event(WalkEvent::Excluded);
            return;
        }
    }
    if file_type.is_symlink() {
        on_event(WalkEvent::Skipped {
            path,
            reason: "symbolic link not followed".into(),
        });
        return;
    }
    if !file_type.is_file() {
        on_event(WalkEvent::Skipped {
            path,
            reason: format!("special file ({})", special_kind(&file_type)),
        });
        return;
    }
    match entry.metadata() {
        Ok(meta) => on_event(WalkEvent::File(Source {
            path,
            size: meta.len(),
            modified: meta.modified().ok(),
        })),
        Err(err) => on_event(WalkEvent::Failed {
            path,
            reason: describe_ignore_error(&err),
        }),
    }
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "unknown type"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "unknown type"
}

fn walk_error(err: ignore::Error) -> WalkEvent {
    let path = error_path(&err).unwrap_or_default();
    WalkEvent::Failed {
        path,
        reason: describe_ignore_error(&err),
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// A reason in words for an error from the walker.
fn describe_ignore_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe_ignore_error(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop (points back to {})", ancestor.display())
        }
        ignore::Error::Io(io) => describe_io(io),
        other => other.to_string(),
    }
}

/// A short, plain-words reason for an I/O error, as scan_errors shows it.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        PermissionDenied => "permission denied".into(),
        NotFound => "file vanished before it could be read".into(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn events(root: &Path, exclude: &[&str]) -> (Vec<String>, usize) {
        let files = Mutex::new(Vec::new());
        let excluded = Mutex::new(0);
        let options = WalkOptions {
            include: vec![],
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            follow_symlinks: false,
            threads: 2,
        };
        walk(&[root.to_path_buf()], &options, &|e| match e {
            WalkEvent::File(s) => files.lock().unwrap().push(relative(root, &s.path).into_owned()),
            WalkEvent::Excluded => *excluded.lock().unwrap() += 1,
            _ => {}
        })
        .unwrap();
        let mut f = files.into_inner().unwrap();
        f.sort();
        (f, excluded.into_inner().unwrap())
    }

    #[test]
    fn hidden_and_gitignored_files_are_walked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*.txt\n").unwrap();
        std::fs::write(dir.path().join(".hidden.txt"), "x").unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        let (files, _) = events(dir.path(), &[]);
        assert_eq!(files, [".gitignore", ".hidden.txt", "a.txt"]);
    }

    #[test]
    fn excluded_directories_are_not_descended() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("skip")).unwrap();
        std::fs::write(dir.path().join("skip/a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("b.txt"), "x").unwrap();
        let (files, _) = events(dir.path(), &["skip"]);
        assert_eq!(files, ["b.txt"]);
    }
}
