//! Progress on stderr with indicatif: files, bytes, speed, and an ETA once
//! the walk has finished and the totals are known. Shown only on a
//! terminal and never with --quiet; updates are batched per file.

use datakart::scan::Observer;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// An indicatif-backed [`Observer`].
pub struct Progress {
    bar: ProgressBar,
    files: AtomicU64,
    findings: AtomicU64,
    total_files: AtomicU64,
}

impl Progress {
    /// A progress display, or `None` when stderr is not a terminal.
    pub fn new_if_terminal() -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {binary_bytes} read, {binary_bytes_per_sec} {msg}")
                .expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(125));
        Some(Progress {
            bar,
            files: AtomicU64::new(0),
            findings: AtomicU64::new(0),
            total_files: AtomicU64::new(0),
        })
    }

    /// Removes the display.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn message(&self) {
        let files = self.files.load(Ordering::Relaxed);
        let total = self.total_files.load(Ordering::Relaxed);
        let findings = self.findings.load(Ordering::Relaxed);
        let files = if total > 0 {
            format!("{files}/{total} files")
        } else {
            format!("{files} files")
        };
        self.bar.set_message(format!("{files}, {findings} findings"));
    }
}

impl Observer for Progress {
    fn file_done(&self, bytes: u64, findings: u64) {
        self.bar.inc(bytes);
        self.findings.fetch_add(findings, Ordering::Relaxed);
        let n = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(32) {
            self.message();
        }
    }

    fn walk_done(&self, files: u64, bytes: u64) {
        self.total_files.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.message();
    }
}
