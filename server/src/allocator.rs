//! The server's memory allocator, jemalloc, and what it reports.
//!
//! With glibc's allocator the server's own memory did not follow its live data: in the
//! Postgres soak of 2026-12-07 the heap in use stayed at 4.8–6.2 MiB for half an hour while
//! resident anonymous memory wandered between 9.0 and 12.8 MiB, stepping up with each burst of
//! pages and coming down only minutes later, if at all (glibc keeps freed chunks inside
//! partly used pages; the minutely `malloc_trim` returns only whole free pages). jemalloc
//! gives freed pages back on a clock (`dirty_decay_ms`, 10 s) and keeps allocations of one
//! size class together, so resident memory follows the data. The C libraries (SQLite) keep
//! glibc's allocator, which `memory_trim` still trims.
//!
//! Declared in the library, not in `main.rs`, so the integration tests run on the same
//! allocator as the server.

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Bytes the server's Rust code has allocated and not freed: its live data, where resident
/// memory also counts pages the allocator has not given back yet. None where jemalloc is not
/// used (MSVC) or its statistics cannot be read.
pub fn heap_in_use_bytes() -> Option<usize> {
    #[cfg(not(target_env = "msvc"))]
    {
        // The statistics are a snapshot taken when the epoch advances.
        tikv_jemalloc_ctl::epoch::advance().ok()?;
        tikv_jemalloc_ctl::stats::allocated::read().ok()
    }
    #[cfg(target_env = "msvc")]
    None
}

/// Bytes of memory jemalloc holds resident: live data, its own metadata and freed pages not
/// yet given back.
pub fn heap_resident_bytes() -> Option<usize> {
    #[cfg(not(target_env = "msvc"))]
    {
        tikv_jemalloc_ctl::epoch::advance().ok()?;
        tikv_jemalloc_ctl::stats::resident::read().ok()
    }
    #[cfg(target_env = "msvc")]
    None
}
