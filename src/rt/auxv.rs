//! The aux vector, kept for `getauxval`, and the `.init_array`
//! constructors, which `_start` runs like a C runtime would.
//!
//! On aarch64, `compiler_builtins` (the outline atomics behind
//! compare-and-swap, and CPU feature detection) registers constructors that
//! call `getauxval(AT_HWCAP)`: without them LSE atomics are never used, and
//! without a `getauxval` the program does not link.

use core::ffi::c_ulong;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

/// The aux vector `_start` found; null before that.
static AUXV: AtomicPtr<usize> = AtomicPtr::new(ptr::null_mut());

/// Records the aux vector for [`getauxval`].
///
/// # Safety
///
/// `auxv` must point to `(key, value)` pairs up to `AT_NULL` that stay
/// valid and unchanged for the rest of the process.
pub(super) unsafe fn set(auxv: *const usize) {
    AUXV.store(auxv.cast_mut(), Ordering::Relaxed);
}

/// The value of entry `key` in the aux vector recorded by [`set`].
fn get(key: usize) -> Option<usize> {
    let auxv = AUXV.load(Ordering::Relaxed);
    if auxv.is_null() {
        return None;
    }
    // SAFETY: `set`'s contract.
    unsafe { find(auxv, key) }
}

/// The value of entry `key` in the aux vector at `auxv`.
///
/// # Safety
///
/// `auxv` must point to `(key, value)` pairs up to `AT_NULL`.
pub(super) unsafe fn find(auxv: *const usize, key: usize) -> Option<usize> {
    let mut p = auxv;
    loop {
        // SAFETY: the caller's contract: pairs up to and including AT_NULL.
        let (k, v) = unsafe { (*p, *p.add(1)) };
        if k == 0 {
            return None;
        }
        if k == key {
            return Some(v);
        }
        // SAFETY: not AT_NULL yet, so another pair follows.
        p = unsafe { p.add(2) };
    }
}

/// `getauxval(3)`: the value of aux vector entry `key`, or 0 when absent
/// (there is no `errno` to set to `ENOENT`).
#[unsafe(no_mangle)]
pub extern "C" fn getauxval(key: c_ulong) -> c_ulong {
    get(key as usize).unwrap_or(0) as c_ulong
}

unsafe extern "C" {
    // Defined by the linker's default script around `.init_array`
    // (equal when there are no constructors).
    static __init_array_start: [unsafe extern "C" fn(); 0];
    static __init_array_end: [unsafe extern "C" fn(); 0];
}

/// Calls the `.init_array` constructors in order.
///
/// # Safety
///
/// Once, at start, single-threaded, after [`set`].
pub(super) unsafe fn run_constructors() {
    // SAFETY: the linker places the constructor pointers between the two
    // symbols; each is a function that takes no arguments we rely on
    // (glibc passes argc/argv/envp, which constructors may ignore).
    unsafe {
        let mut f = ptr::addr_of!(__init_array_start).cast::<unsafe extern "C" fn()>();
        let end = ptr::addr_of!(__init_array_end).cast::<unsafe extern "C" fn()>();
        while f < end {
            (*f)();
            f = f.add(1);
        }
    }
}
