//! The floor: anonymous `mmap` + `munmap` as bare inline assembly, no
//! wrapper, no error decoding. Shared by the `syscalls` bench and the
//! instruction-count program.

use core::arch::asm;

/// mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0).
///
/// # Safety
///
/// A fresh anonymous mapping replaces nothing; the caller must unmap it.
#[inline(always)]
pub unsafe fn mmap_anon(len: usize) -> usize {
    let ret: usize;
    let prot = 3usize; // PROT_READ | PROT_WRITE
    let flags = 0x22usize; // MAP_PRIVATE | MAP_ANONYMOUS (same on all three arches)
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller accepts a new mapping; rcx/r11 are clobbered by `syscall`.
    unsafe {
        asm!("syscall", inlateout("rax") 9usize => ret, in("rdi") 0usize, in("rsi") len,
             in("rdx") prot, in("r10") flags, in("r8") usize::MAX, in("r9") 0usize,
             out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above; `svc 0` clobbers nothing but x0.
    unsafe {
        asm!("svc 0", in("x8") 222usize, inlateout("x0") 0usize => ret, in("x1") len,
             in("x2") prot, in("x3") flags, in("x4") usize::MAX, in("x5") 0usize,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: as above; `ecall` clobbers nothing but a0.
    unsafe {
        asm!("ecall", in("a7") 222usize, inlateout("a0") 0usize => ret, in("a1") len,
             in("a2") prot, in("a3") flags, in("a4") usize::MAX, in("a5") 0usize,
             options(nostack, preserves_flags));
    }
    ret
}

/// munmap(addr, len).
///
/// # Safety
///
/// `addr..addr+len` must be a mapping nothing uses any more.
#[inline(always)]
pub unsafe fn munmap(addr: usize, len: usize) -> usize {
    let ret: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller gives up the range; rcx/r11 are clobbered by `syscall`.
    unsafe {
        asm!("syscall", inlateout("rax") 11usize => ret, in("rdi") addr, in("rsi") len,
             out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    unsafe {
        asm!("svc 0", in("x8") 215usize, inlateout("x0") addr => ret, in("x1") len,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: as above.
    unsafe {
        asm!("ecall", in("a7") 215usize, inlateout("a0") addr => ret, in("a1") len,
             options(nostack, preserves_flags));
    }
    ret
}
