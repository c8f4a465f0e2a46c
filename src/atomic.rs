//! Atomic output files: every output is written to a hidden temporary file
//! in the destination directory and renamed over the target only when it
//! is complete and flushed to disk. A killed scan leaves the previous
//! output (or nothing) in place, never half a file.

use crate::{Error, Result};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Prefix of temporary files, so a later run can sweep up after a crash.
pub const TEMP_PREFIX: &str = ".datakart-tmp-";

/// A file being written; becomes visible under its final name on
/// [`AtomicFile::commit`]. Dropped without commit, it is deleted.
pub struct AtomicFile {
    target: PathBuf,
    writer: BufWriter<NamedTempFile>,
    /// Bytes handed to the file so far (some may still be in the buffer).
    written: u64,
    /// How far the disk was asked to catch up.
    writeback: Writeback,
}

/// Asks the kernel to start writing a growing file to disk, a few MiB at a
/// time, while it is still being written. The final sync then waits for
/// the last few MiB instead of the whole file: at the end of a scan of a
/// million findings it waited 0.13–0.15 s for a 264 MB `findings.csv`, time in
/// which nothing else ran. Only a request: the sync at the end is what
/// makes the file durable, and where the request is not available (not
/// Linux) nothing changes but the wait.
#[derive(Debug, Default)]
pub struct Writeback {
    /// Where the next request starts.
    from: u64,
    /// Requests made, for tests.
    pub(crate) requests: u64,
}

impl Writeback {
    /// Bytes written between two requests.
    pub const STEP: u64 = 8 << 20;

    /// Notes that `file` has been written up to `end`; asks for the bytes
    /// since the last request once they are [`Writeback::STEP`] or more.
    pub fn written(&mut self, file: &fs::File, end: u64) {
        if end < self.from + Self::STEP {
            return;
        }
        start_writeback(file, self.from, end - self.from);
        self.from = end;
        self.requests += 1;
    }
}

/// Starts writing `len` bytes of `file` from `from` to disk without waiting
/// (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`). A failure is
/// ignored: the file's final sync still writes everything.
#[cfg(target_os = "linux")]
fn start_writeback(file: &fs::File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for the call; the kernel only reads
    // the arguments.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            from as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &fs::File, _from: u64, _len: u64) {}

impl AtomicFile {
    /// Starts writing `target` (its directory must exist).
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|source| Error::Output {
                path: target.to_path_buf(),
                source,
            })?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            writer: BufWriter::with_capacity(1 << 16, tmp),
            written: 0,
            writeback: Writeback::default(),
        })
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        let err = |source: std::io::Error| Error::Output {
            path: target.clone(),
            source,
        };
        let tmp = self.writer.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&target).map_err(|e| err(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.writer.write(buf)?;
        self.written += n as u64;
        // What the buffer still holds is not in the file yet.
        let end = self.written - self.writer.buffer().len() as u64;
        self.writeback.written(self.writer.get_ref().as_file(), end);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Writes a whole file atomically.
pub fn write_all(target: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes).map_err(|source| Error::Output {
        path: target.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Removes temporary files a killed run left in `dir`. Returns how many.
pub fn sweep_stale(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .filter(|e| fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_never_appears() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert!(!target.exists());
        write_all(&target, b"whole").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"whole");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_big_file_is_sent_to_disk_as_it_grows_and_arrives_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        // 20 MiB in pieces that straddle the buffer and the steps.
        let piece: Vec<u8> = (0..100_003u32).map(|i| (i % 251) as u8).collect();
        let mut expected = Vec::new();
        while expected.len() < 20 << 20 {
            f.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
        }
        // Asked at 8 and 16 MiB (give or take a piece), not at every write.
        assert_eq!(f.writeback.requests, 2);
        assert_eq!(f.written, expected.len() as u64);
        f.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), expected);
    }
}
