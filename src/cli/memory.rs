//! Process-wide allocator settings, so that peak memory stays near what a
//! scan actually holds without its threads waiting on each other.
//!
//! Rust's allocations go through mimalloc, the binary's global allocator.
//! glibc's malloc, which served them before, gives each busy thread an
//! arena and keeps freed memory mapped; bounded to two arenas (peak RSS
//! 190-220 MB on the 264 MB tree, instead of about 400 MB) it made the
//! workers, the sink and tantivy's threads queue on the arena locks: on a
//! 67 MB CSV of 3.7 million findings a fifth of the worker's time went to
//! malloc and its lock. mimalloc gives every thread its own heap and takes
//! back blocks freed by another thread without a lock. Measured against
//! glibc (alternating runs, 2 threads): that CSV 16.7-18.9 s instead of
//! 23.0-24.8 s, 100,000 small files 8.4 s instead of 11.2 s, the 264 MB
//! tree the same (18.1-20.7 s), the 1 GB tree 94.2 s instead of 104.3 s
//! (one run each on a busy machine). Peak RSS is 15-30 MB higher: 201-207
//! MB on the 264 MB tree, 268 MB on the 1 GB tree.
//!
//! Two of its defaults would cost the memory bound: freed memory is kept
//! for a second before it is given back, and arenas are committed whole
//! (peak RSS 322-391 MB on the 264 MB tree).
//!
//! glibc's malloc still serves the C libraries (SQLite, zstd); its settings
//! ([`bound_heap`]) stay for them.

/// mimalloc's option numbers (`mi_option_t` in `mimalloc.h`, the same in
/// its v2 and v3): the crate names only the stable ones.
const MI_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// How long freed memory stays before mimalloc gives it back. 0 made a
/// scan of 100,000 small files take 30.1 s instead of 6.0 s (every file's
/// buffers went back to the kernel and were faulted in again); 100 ms put
/// the 264 MB tree at 245 MB instead of 211 MB.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// The environment variables by which a user sets the two options
/// themselves (their choice wins).
const MIMALLOC_OVERRIDES: [&std::ffi::CStr; 2] = [c"MIMALLOC_PURGE_DELAY", c"MIMALLOC_ARENA_EAGER_COMMIT"];

/// Whether the user set either option in the environment.
fn options_set_by_user() -> bool {
    MIMALLOC_OVERRIDES.iter().any(|name| {
        // SAFETY: getenv reads the environment; before `main` no thread
        // can be changing it, and the test only reads it.
        !unsafe { libc::getenv(name.as_ptr()) }.is_null()
    })
}

/// Sets mimalloc's options before anything is allocated: freed memory
/// goes back after [`PURGE_DELAY_MS`] and arenas are committed on demand,
/// unless the user set either option. It has to run before `main`:
/// mimalloc reserves its first arena at the first allocation, which the
/// runtime makes before `main`, and an arena keeps the commit mode it was
/// made with (set from `main`, the 264 MB tree peaked at 256 MB instead of
/// 201-210 MB).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
extern "C" fn set_allocator_options() {
    if options_set_by_user() {
        return;
    }
    // SAFETY: setting an option only changes what mimalloc does from then
    // on; nothing else runs yet.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, PURGE_DELAY_MS);
        libmimalloc_sys::mi_option_set(MI_ARENA_EAGER_COMMIT, 0);
    }
}

/// Runs [`set_allocator_options`] with the program's other initialisers,
/// before `main` and before the runtime's first allocation (an ELF
/// section: elsewhere mimalloc keeps its defaults).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = set_allocator_options;

/// Bounds glibc's malloc (still serving the C libraries) for a scan with
/// `threads` workers: bounded arenas and a fixed 1 MiB trim threshold
/// (which also keeps the mmap threshold at its 128 KiB default, so large
/// buffers are unmapped when freed), unless the user set any of
/// `MALLOC_ARENA_MAX`, `MALLOC_TRIM_THRESHOLD_` or
/// `MALLOC_MMAP_THRESHOLD_` (their choice wins). Does nothing outside
/// glibc.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers name the options meant, and they were set before
    /// `main` (this test binary has the same initialiser): the values are
    /// those set, where mimalloc's defaults for these two are a second's
    /// purge delay and eager commit on overcommitting systems (1000, 2).
    #[test]
    #[cfg(target_os = "linux")]
    fn the_purge_delay_and_arena_commit_options_are_set_before_main() {
        if options_set_by_user() {
            return; // the user's choice wins; nothing of ours to check
        }
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        assert_eq!(
            (get(MI_PURGE_DELAY), get(MI_ARENA_EAGER_COMMIT)),
            (PURGE_DELAY_MS, 0)
        );
    }
}
