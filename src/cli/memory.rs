//! Process-wide allocator settings for a scan, so that peak memory stays
//! near what the scan actually holds.
//!
//! glibc's malloc gives each busy thread its own arena and, by default,
//! raises its mmap and trim thresholds as large blocks are freed, so
//! memory freed by one thread's file stays mapped for the next. On a 264 MB
//! tree with 2.7 M findings that put peak RSS at about 400 MB while the
//! heap itself peaked near 215 MB (heaptrack). Two arenas and a fixed 1 MiB
//! trim threshold bring the peak to 190-220 MB, at a cost of about 10% in
//! time (page faults on memory given back and taken again): two arenas
//! alone gave 300 MB, too close to the 300 MB bound a scan must keep.

/// Bounds malloc's arenas for a scan with `threads` workers and fixes its
/// trim threshold at 1 MiB (which also keeps the mmap threshold at its
/// 128 KiB default, so large buffers are unmapped when freed), unless the user set any of
/// `MALLOC_ARENA_MAX`, `MALLOC_TRIM_THRESHOLD_` or `MALLOC_MMAP_THRESHOLD_`
/// (their choice wins). Does nothing outside glibc.
pub fn bound_heap(threads: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let set_by_user = [
            "MALLOC_ARENA_MAX",
            "MALLOC_TRIM_THRESHOLD_",
            "MALLOC_MMAP_THRESHOLD_",
        ]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
        if set_by_user {
            return;
        }
        let arenas = (threads / 2).max(2) as libc::c_int;
        // SAFETY: mallopt only changes allocator parameters; it is called
        // before the scan starts its threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = threads;
}
