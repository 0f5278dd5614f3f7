//! Keeping the app's own process small (glibc only; elsewhere the system
//! allocator decommits freed pages by itself and these do nothing).
//!
//! A long list (ten thousand units, a page of outstanding receipts) is built
//! and serialised on one of the command runtime's threads. glibc gives each
//! thread that allocates at once an arena of its own (up to eight per core)
//! and returns a freed page to the system only when it sits at the top of
//! its arena's heap, so after such answers the process kept its peak in
//! every arena for as long as it ran. Measured on a province register
//! (BENCHMARKS.md), after visiting every screen: the app's process 214 MB
//! resident, 200 MB with `give_back`, 185–193 MB with both.

/// Caps glibc's arenas at two: the commands seldom allocate at once, and
/// each arena keeps its own freed pages. Called first in `run`, before any
/// other thread starts (arenas are made as threads first allocate).
pub fn few_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` takes no pointer; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Releases the allocator's free pages to the system; cheap when there are
/// none (a walk of the free lists). Called when the window is idle (its
/// periodic check for other programs' writes).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and may be called from any
    // thread at any time; it takes each arena's lock while it trims it.
    unsafe {
        libc::malloc_trim(0);
    }
}
