//! The index folder as tantivy sees it: memory-mapped, except for the
//! document stores, which are read with positioned reads.
//!
//! A scan's peak memory was set by tantivy's segment merges, not by the
//! scan itself. A merge copies each source segment's document store whole
//! into the new segment; through memory maps every page of every source
//! store stays resident (and counts in the process's RSS) until the merge
//! ends. On a 1 GB tree eight 25 MB stores were resident at once, which
//! took the scan from 300 MB to 510 MB. Read with `pread`, a store is a
//! heap buffer that lives for one copy and is freed before the next, and a
//! search reads just the compressed blocks of the documents it returns.
//! Term dictionaries and postings stay memory-mapped: searches jump around
//! in them, and they are a fifth of the store's size.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle,
    WritePtr,
};
use tantivy::schema::Schema;
use tantivy::{HasLen, Index, IndexSettings};

/// The extension of tantivy's document store files.
const STORE_EXTENSION: &str = "store";

/// An index folder: tantivy's [`MmapDirectory`] with document stores read
/// through [`PositionedFile`] (see the module documentation).
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    root: PathBuf,
    mapped: MmapDirectory,
}

impl IndexDirectory {
    /// Opens the existing folder `root`.
    pub fn open(root: &Path) -> Result<IndexDirectory, OpenDirectoryError> {
        Ok(IndexDirectory {
            root: root.to_path_buf(),
            mapped: MmapDirectory::open(root)?,
        })
    }
}

/// Opens the index in the folder `root` through an [`IndexDirectory`].
pub fn open_index(root: &Path) -> tantivy::Result<Index> {
    Index::open(IndexDirectory::open(root)?)
}

/// Creates an empty index with `schema` in the existing folder `root`,
/// through an [`IndexDirectory`].
pub fn create_index(root: &Path, schema: Schema) -> tantivy::Result<Index> {
    Index::create(IndexDirectory::open(root)?, schema, IndexSettings::default())
}

/// Whether `path` is a document store.
fn is_store(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == STORE_EXTENSION)
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !is_store(path) {
            return self.mapped.get_file_handle(path);
        }
        let opened = File::open(self.root.join(path)).and_then(PositionedFile::new);
        match opened {
            Ok(file) => Ok(Arc::new(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
            }
            Err(e) => Err(OpenReadError::wrap_io_error(e, path.to_path_buf())),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

/// A file read with positioned reads: each read is a fresh buffer of just
/// the requested range, so nothing stays resident after it is dropped.
#[derive(Debug)]
pub struct PositionedFile {
    file: File,
    len: usize,
}

impl PositionedFile {
    /// Wraps an open file, taking its current length.
    pub fn new(file: File) -> io::Result<PositionedFile> {
        let len = usize::try_from(file.metadata()?.len()).map_err(io::Error::other)?;
        Ok(PositionedFile { file, len })
    }
}

impl HasLen for PositionedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for PositionedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("read of {range:?} past the end of a {}-byte file", self.len),
            ));
        }
        let mut buffer = vec![0; range.len()];
        read_at(&self.file, &mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

/// Fills `buffer` from `file` at `offset` without moving a shared cursor.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// Fills `buffer` from `file` at `offset` without moving a shared cursor.
#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_read(buffer, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn positioned_reads_return_exactly_the_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.store");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(b"0123456789")
            .unwrap();
        let file = PositionedFile::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(file.len(), 10);
        assert_eq!(file.read_bytes(2..5).unwrap().as_slice(), b"234");
        assert_eq!(file.read_bytes(10..10).unwrap().as_slice(), b"");
        assert!(file.read_bytes(8..11).is_err());
    }

    #[test]
    fn stores_are_read_with_positioned_reads_and_the_rest_mapped() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["seg.store", "seg.term"] {
            std::fs::write(dir.path().join(name), b"bytes").unwrap();
        }
        let directory = IndexDirectory::open(dir.path()).unwrap();
        let store = directory.get_file_handle(Path::new("seg.store")).unwrap();
        let terms = directory.get_file_handle(Path::new("seg.term")).unwrap();
        assert!(format!("{store:?}").starts_with("PositionedFile"));
        assert!(!format!("{terms:?}").starts_with("PositionedFile"));
        assert_eq!(store.read_bytes(1..3).unwrap().as_slice(), b"yt");
        assert!(matches!(
            directory.get_file_handle(Path::new("gone.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
