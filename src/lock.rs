//! One scan at a time per output folder: `OUT/.datakart.lock` holds the
//! running scan's process id under an exclusive `flock`. The kernel drops
//! the `flock` when the process dies however it dies, so a second scan
//! knows a live holder (it stops with exit code 3) from a lock file left
//! by a killed one (it takes it over with a warning).

use crate::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

/// The lock file in an output folder.
pub const LOCK_FILE: &str = ".datakart.lock";

/// The held lock; dropping it empties the file and releases it (the file
/// stays: removing it would let two scans lock different files).
pub struct OutLock {
    file: File,
    /// The process id a killed scan left in the lock file, if any.
    pub stale_pid: Option<u32>,
}

impl OutLock {
    /// Takes the lock of `out_dir` (which must exist), or fails with
    /// [`Error::Locked`] naming the scan that holds it.
    pub fn acquire(out_dir: &Path) -> Result<OutLock> {
        let path = out_dir.join(LOCK_FILE);
        let io = |e: std::io::Error| Error::Output {
            path: path.clone(),
            source: e,
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let mut previous = String::new();
        // SAFETY: flock on a file descriptor this function owns.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        let _ = file.read_to_string(&mut previous);
        let previous_pid = previous.trim().parse::<u32>().ok();
        if !locked {
            let holder =
                previous_pid.map_or_else(|| "another process".to_string(), |p| format!("process {p}"));
            return Err(Error::Locked(format!(
                "another datakart scan ({holder}) is writing to {}; wait for it to finish",
                out_dir.display()
            )));
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.sync_data().map_err(io)?;
        Ok(OutLock {
            file,
            stale_pid: previous_pid,
        })
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        // SAFETY: unlocking the descriptor this lock owns.
        unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_UN) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_a_dead_ones_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutLock::acquire(dir.path()).unwrap();
        assert_eq!(first.stale_pid, None);
        // flock is per open file: a second open in this process conflicts too.
        let Err(Error::Locked(message)) = OutLock::acquire(dir.path()) else {
            panic!("second lock taken");
        };
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        drop(first);
        assert_eq!(std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap(), "");
        assert_eq!(OutLock::acquire(dir.path()).unwrap().stale_pid, None);
        // A file left by a killed scan: no flock, a pid inside.
        std::fs::write(dir.path().join(LOCK_FILE), "999999").unwrap();
        let taken = OutLock::acquire(dir.path()).unwrap();
        assert_eq!(taken.stale_pid, Some(999_999));
    }
}
