//! The server's memory allocator, jemalloc, and what it reports.
//!
//! With glibc's allocator the server's own memory did not follow its live data: in the
//! Postgres soak of 2026-12-07 the heap in use stayed at 4.7–6.2 MiB for half an hour while
//! resident anonymous memory wandered between 9.0 and 12.8 MiB, stepping up with each burst of
//! pages and coming down only minutes later, if at all (glibc keeps freed chunks inside
//! partly used pages; the minutely `malloc_trim` returns only whole free pages). jemalloc
//! returns pages that have stayed unused for about 10 s (`dirty_decay_ms`; checked as the
//! server allocates, so an idle server keeps them until its next request) and keeps
//! allocations of one size class together, so resident memory follows the data. The C
//! libraries (SQLite) keep glibc's allocator, which `memory_trim` still trims.
//!
//! Declared in the library, not in `main.rs`, so the integration tests run on the same
//! allocator as the server.

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The allocator's figures at one moment.
#[derive(Clone, Copy, Debug)]
pub struct HeapReading {
    /// Bytes the server's Rust code has allocated and not freed: its live data, where resident
    /// memory also counts pages the allocator has not given back yet.
    pub in_use: usize,
    /// Bytes jemalloc holds resident: live data, its own metadata and freed pages not yet
    /// given back.
    pub resident: usize,
}

/// None where jemalloc is not the allocator (MSVC) or its statistics cannot be read.
pub fn heap_reading() -> Option<HeapReading> {
    #[cfg(not(target_env = "msvc"))]
    {
        // jemalloc's statistics are a snapshot refreshed when the epoch advances: once, so
        // both figures are of the same moment.
        tikv_jemalloc_ctl::epoch::advance().ok()?;
        Some(HeapReading {
            in_use: tikv_jemalloc_ctl::stats::allocated::read().ok()?,
            resident: tikv_jemalloc_ctl::stats::resident::read().ok()?,
        })
    }
    #[cfg(target_env = "msvc")]
    None
}
