//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, which the
//! compiler calls (and core's `CStr::from_ptr` calls `strlen`) but which
//! `compiler_builtins` does not export on `*-linux-gnu` targets, where libc
//! is expected to have them.
//!
//! LLVM recognises byte-copy and byte-fill loops and replaces them with a
//! call to `memcpy`/`memset`, which here would be the function itself: an
//! infinite recursion. Every loop below therefore contains an empty `asm!`
//! statement, which LLVM must treat as a side effect it cannot move or
//! remove, so the loop is never rewritten into a call (nor vectorised). The
//! loops move a machine word at a time when source and destination are
//! equally aligned, and a byte at a time otherwise.

use core::ffi::{c_char, c_int, c_void};

const WORD: usize = core::mem::size_of::<usize>();

/// Whether `addr` is a multiple of the word size.
#[inline(always)]
const fn word_aligned(addr: usize) -> bool {
    addr & (WORD - 1) == 0
}

/// Keeps LLVM from turning the enclosing loop into a call to `memcpy` or
/// `memset` (see the module documentation).
#[inline(always)]
fn barrier() {
    // SAFETY: an empty instruction sequence; it touches nothing.
    unsafe { core::arch::asm!("", options(nostack, preserves_flags)) }
}

/// Copies `n` bytes from `src` to `dst`, lowest address first.
///
/// # Safety
///
/// `src` readable and `dst` writable for `n` bytes; if they overlap, `dst`
/// must not be above `src`.
#[inline(always)]
unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    let mut i = 0;
    // SAFETY: every access is at an index below `n`; word accesses are
    // aligned because `dst + i` is, and `src` has the same alignment.
    unsafe {
        if word_aligned(dst as usize ^ src as usize) {
            while i < n && !word_aligned(dst as usize + i) {
                *dst.add(i) = *src.add(i);
                i += 1;
                barrier();
            }
            while n - i >= WORD {
                *dst.add(i).cast::<usize>() = *src.add(i).cast::<usize>();
                i += WORD;
                barrier();
            }
        }
        while i < n {
            *dst.add(i) = *src.add(i);
            i += 1;
            barrier();
        }
    }
}

/// Copies `n` bytes from `src` to `dst`, highest address first.
///
/// # Safety
///
/// `src` readable and `dst` writable for `n` bytes; if they overlap, `dst`
/// must not be below `src`.
#[inline(always)]
unsafe fn copy_backward(dst: *mut u8, src: *const u8, n: usize) {
    let mut i = n;
    // SAFETY: every access is at an index below `n`; word accesses are
    // aligned because `dst + i` is, and `src` has the same alignment.
    unsafe {
        if word_aligned(dst as usize ^ src as usize) {
            while i > 0 && !word_aligned(dst as usize + i) {
                i -= 1;
                *dst.add(i) = *src.add(i);
                barrier();
            }
            while i >= WORD {
                i -= WORD;
                *dst.add(i).cast::<usize>() = *src.add(i).cast::<usize>();
                barrier();
            }
        }
        while i > 0 {
            i -= 1;
            *dst.add(i) = *src.add(i);
            barrier();
        }
    }
}

/// `memcpy(3)`: copies `n` bytes between non-overlapping buffers.
///
/// # Safety
///
/// `src` readable and `dst` writable for `n` bytes, not overlapping.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: the caller's contract; forward copy is right without overlap.
    unsafe { copy_forward(dst.cast(), src.cast(), n) };
    dst
}

/// `memmove(3)`: copies `n` bytes between buffers that may overlap.
///
/// # Safety
///
/// `src` readable and `dst` writable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // If `dst` is below `src`, or at least `n` bytes above it, copying from
    // the low end never overwrites a source byte before it is read.
    // SAFETY: the caller's contract; the direction is chosen as above.
    unsafe {
        if (dst as usize).wrapping_sub(src as usize) >= n {
            copy_forward(dst.cast(), src.cast(), n);
        } else {
            copy_backward(dst.cast(), src.cast(), n);
        }
    }
    dst
}

/// `memset(3)`: fills `n` bytes with the byte `c`.
///
/// # Safety
///
/// `dst` writable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dst: *mut c_void, c: c_int, n: usize) -> *mut c_void {
    let d = dst.cast::<u8>();
    let byte = c as u8;
    let word = (byte as usize).wrapping_mul(usize::MAX / 0xff);
    let mut i = 0;
    // SAFETY: every access is at an index below `n`; word stores are
    // aligned because `d + i` is.
    unsafe {
        while i < n && !word_aligned(d as usize + i) {
            *d.add(i) = byte;
            i += 1;
            barrier();
        }
        while n - i >= WORD {
            *d.add(i).cast::<usize>() = word;
            i += WORD;
            barrier();
        }
        while i < n {
            *d.add(i) = byte;
            i += 1;
            barrier();
        }
    }
    dst
}

/// `memcmp(3)`: compares `n` bytes as unsigned chars; negative, zero or
/// positive like the first differing byte pair.
///
/// # Safety
///
/// `a` and `b` readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    let mut i = 0;
    // SAFETY: every access is at an index below `n`; word loads are aligned
    // because `a + i` is, and `b` has the same alignment.
    unsafe {
        if word_aligned(a as usize ^ b as usize) {
            while i < n && !word_aligned(a as usize + i) {
                if *a.add(i) != *b.add(i) {
                    return c_int::from(*a.add(i)) - c_int::from(*b.add(i));
                }
                i += 1;
                barrier();
            }
            // Skip equal words; the byte loop below finds the difference.
            while n - i >= WORD && *a.add(i).cast::<usize>() == *b.add(i).cast::<usize>() {
                i += WORD;
                barrier();
            }
        }
        while i < n {
            if *a.add(i) != *b.add(i) {
                return c_int::from(*a.add(i)) - c_int::from(*b.add(i));
            }
            i += 1;
            barrier();
        }
    }
    0
}

/// `bcmp(3)`: zero if the `n` bytes are equal, non-zero otherwise (LLVM
/// calls it for `==` on byte slices).
///
/// # Safety
///
/// `a` and `b` readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
    // SAFETY: the same contract.
    unsafe { memcmp(a, b, n) }
}

/// `strlen(3)`: the length of a NUL-terminated string (core's
/// `CStr::from_ptr` calls it).
///
/// # Safety
///
/// `s` must point to a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn strlen(s: *const c_char) -> usize {
    let mut n = 0;
    // SAFETY: the string is NUL-terminated; we stop at the NUL.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
        barrier();
    }
    n
}
