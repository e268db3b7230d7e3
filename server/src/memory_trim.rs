//! Hands memory that glibc's allocator keeps back to the system, once a minute.
//!
//! The server's Rust code allocates with jemalloc (`allocator`); glibc's allocator now serves
//! the C libraries, SQLite above all (its page caches, statements and sorts). glibc gives
//! each thread that allocates concurrently its own heap (arena) and returns an arena's free
//! memory only from its top, so after a burst the freed chunks below stay resident: in the
//! Postgres soak of 2026-12-07 (before jemalloc) the server's own memory stepped from 16.6 to
//! 25.4 MiB during a 4-second burst and stayed, and `malloc_trim(0)`, called into the running
//! server from gdb, brought it to 18.6 MiB at once. Trimming frees nothing in use, so a real
//! leak still shows in resident memory.

pub fn spawn_periodic_trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // Off the async workers: a trim walks every arena's free lists under their locks.
            // SAFETY: malloc_trim only releases free memory and takes the allocator's own locks.
            let trimmed = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
            if let Err(error) = trimmed {
                tracing::warn!(%error, "could not trim the allocator's free memory");
            }
        }
    });
}
