//! Scheduling priority of the scan's workers against its later stages.
//!
//! On two cores a scan runs more threads than cores: two workers, the
//! walker, the sink, a Parquet thread per big table, tantivy's indexing
//! thread and the index feed. With equal priorities the workers took
//! their full share while the later stages fell behind, so the queues
//! between them filled; when tantivy then wrote a segment out, or the
//! sink waited for a Parquet thread, the workers had nowhere to put
//! their output and a core stood idle. Workers now run a few nice steps
//! below the rest of the scan: a later stage runs as soon as it has
//! work, the queues stay short, and the workers use whatever CPU is left,
//! which is all of it.
//!
//! Measured on the million-finding tree (`gen-bench-tree tree DIR 100`,
//! 2 threads), six alternating runs, twice: the cores' idle time (twice
//! the wall time less the CPU time) 0.33 and 0.35 s at 3 steps against
//! 0.61 and 0.54 s at 0 (1 step: 0.56 s; 6 steps: 0.38 s), wall time
//! medians 4.86 and 4.92 s against 5.25 and 5.01 s, and peak RSS about
//! 10 MB lower, as the queues hold less.

/// Nice steps the workers run below the thread that starts them.
pub const WORKER_STEPS: i32 = 3;

/// Lowers the calling thread's priority by [`WORKER_STEPS`] nice steps
/// (never past 19, the lowest). Only Linux sets a priority per thread;
/// elsewhere this does nothing. A failure is ignored: the scan runs as it
/// would have with equal priorities.
pub fn run_behind_later_stages() {
    #[cfg(target_os = "linux")]
    if let Some(nice) = nice() {
        // SAFETY: setpriority only changes the scheduling priority of the
        // thread whose id it is given, here the calling thread.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, thread_id(), (nice + WORKER_STEPS).min(19));
        }
    }
}

/// The calling thread's id, as the kernel's per-thread calls take it.
#[cfg(target_os = "linux")]
fn thread_id() -> libc::id_t {
    // SAFETY: gettid takes no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as libc::id_t }
}

/// The calling thread's nice value (`None` if it cannot be read).
#[cfg(target_os = "linux")]
fn nice() -> Option<i32> {
    // SAFETY: getpriority only reads the priority of the given thread;
    // errno is cleared first because -1 is also a valid nice value.
    unsafe {
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, thread_id());
        (nice != -1 || *libc::__errno_location() == 0).then_some(nice)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_worker_runs_the_given_steps_below_the_thread_that_started_it() {
        let before = nice().expect("the test's nice value is readable");
        let after = std::thread::spawn(|| {
            run_behind_later_stages();
            nice()
        })
        .join()
        .unwrap();
        assert_eq!(after, Some((before + WORKER_STEPS).min(19)));
        assert_eq!(nice(), Some(before), "only the calling thread is lowered");
    }
}
