//! SQLite allocates through mimalloc, without its memory statistics.
//!
//! Left alone, the bundled SQLite calls glibc's `malloc` and wraps every call in a global
//! mutex to keep `sqlite3_memory_used` current. Counted with callgrind on the bench's
//! `cases(first: 20)` with persons, that was 12% of a request's instructions (glibc's
//! arenas and `malloc_consolidate`, and two mutex calls per allocation); nothing here
//! reads SQLite's statistics. The Rust side already allocates with mimalloc (`main.rs`),
//! so SQLite's rows, pages and statements now come from the same allocator, and there is
//! one allocator's retained memory to reason about instead of two.
//!
//! SQLite takes its allocator only before it is initialised, that is, before the first
//! connection in the process opens. [`install`] runs once, from the first SQLite
//! [`super::Db`] connect; if something opened SQLite earlier, SQLite refuses the change,
//! which is logged and changes nothing.

use std::ffi::{c_int, c_void};
use std::sync::Once;

use libsqlite3_sys as ffi;

/// Sets SQLite's allocator and turns its memory statistics off, once per process.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // SAFETY: `sqlite3_config` is called before any SQLite connection of this process
        // exists (the first connect calls this first; `Once` keeps it to one call). If
        // SQLite was already initialised it returns SQLITE_MISUSE and changes nothing.
        // The methods are plain functions over mimalloc, which is thread-safe; SQLite
        // copies the struct, so a temporary is fine.
        let (malloc, statistics) = unsafe {
            let methods = ffi::sqlite3_mem_methods {
                xMalloc: Some(allocate),
                xFree: Some(free),
                xRealloc: Some(reallocate),
                xSize: Some(size_of),
                xRoundup: Some(round_up),
                xInit: Some(init),
                xShutdown: Some(shutdown),
                pAppData: std::ptr::null_mut(),
            };
            (
                ffi::sqlite3_config(
                    ffi::SQLITE_CONFIG_MALLOC,
                    &methods as *const ffi::sqlite3_mem_methods,
                ),
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int),
            )
        };
        if malloc != ffi::SQLITE_OK || statistics != ffi::SQLITE_OK {
            tracing::warn!(
                malloc,
                statistics,
                "SQLite was initialised before its allocator could be set; it keeps the system's"
            );
        }
    });
}

/// A request SQLite makes is never negative; a negative one would be its bug, answered
/// as out of memory rather than as a huge allocation.
fn requested(bytes: c_int) -> Option<usize> {
    usize::try_from(bytes).ok()
}

unsafe extern "C" fn allocate(bytes: c_int) -> *mut c_void {
    match requested(bytes) {
        // SAFETY: mimalloc's malloc takes any size and returns null when it cannot.
        Some(bytes) => unsafe { libmimalloc_sys::mi_malloc(bytes) },
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn free(block: *mut c_void) {
    // SAFETY: SQLite frees only what `allocate` or `reallocate` gave it.
    unsafe { libmimalloc_sys::mi_free(block) }
}

unsafe extern "C" fn reallocate(block: *mut c_void, bytes: c_int) -> *mut c_void {
    match requested(bytes) {
        // SAFETY: `block` came from `allocate` or `reallocate` (SQLite's contract).
        Some(bytes) => unsafe { libmimalloc_sys::mi_realloc(block, bytes) },
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn size_of(block: *mut c_void) -> c_int {
    // SAFETY: `block` came from `allocate` or `reallocate`.
    let usable = unsafe { libmimalloc_sys::mi_usable_size(block) };
    c_int::try_from(usable).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn round_up(bytes: c_int) -> c_int {
    let Some(asked) = requested(bytes) else {
        return bytes;
    };
    // SAFETY: a pure function of its argument.
    let good = unsafe { libmimalloc_sys::mi_good_size(asked) };
    c_int::try_from(good).unwrap_or(bytes)
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_allocates_through_mimalloc_once_installed() {
        install();
        install();
        // SAFETY: plain allocation calls through SQLite's public API.
        unsafe {
            let block = ffi::sqlite3_malloc(1000);
            assert!(!block.is_null());
            // SQLite asks its allocator for the size; mimalloc's usable size is at least
            // what was asked and is what mimalloc itself reports for the block.
            let size = ffi::sqlite3_msize(block);
            assert!(size >= 1000);
            assert_eq!(size as usize, libmimalloc_sys::mi_usable_size(block));
            let grown = ffi::sqlite3_realloc(block, 5000);
            assert!(!grown.is_null());
            assert!(ffi::sqlite3_msize(grown) >= 5000);
            ffi::sqlite3_free(grown);
        }
    }
}
