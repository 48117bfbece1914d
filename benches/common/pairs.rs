//! Anonymous `mmap` + `munmap` pairs through each implementation, shared by
//! the `syscalls` bench and the instruction-count workload (`insns`). The
//! floor is bare inline assembly: no wrapper, no error decoding beyond the
//! check any caller makes.

#[cfg(target_pointer_width = "64")]
use core::arch::asm;

/// mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0).
///
/// # Safety
///
/// A fresh anonymous mapping replaces nothing; the caller must unmap it.
#[inline(always)]
pub unsafe fn mmap_anon(len: usize) -> usize {
    let ret: usize;
    let prot = (libc::PROT_READ | libc::PROT_WRITE) as usize;
    let flags = (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as usize;
    #[cfg(target_pointer_width = "64")]
    let sys_mmap = libc::SYS_mmap as usize;
    // i686 and armv7: mmap2 through the `syscalls` crate's own inline asm
    // (i686's sixth argument is `ebp`, and armv7's number register `r7`,
    // which `asm!` cannot name as operands).
    #[cfg(target_pointer_width = "32")]
    // SAFETY: as above.
    unsafe {
        ret = syscalls::raw::syscall6(libc::SYS_mmap2 as usize, 0, len, prot, flags, usize::MAX, 0);
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller accepts a new mapping; rcx/r11 are clobbered by `syscall`.
    unsafe {
        asm!("syscall", inlateout("rax") sys_mmap => ret, in("rdi") 0usize, in("rsi") len,
             in("rdx") prot, in("r10") flags, in("r8") usize::MAX, in("r9") 0usize,
             out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above; `svc 0` clobbers nothing but x0.
    unsafe {
        asm!("svc 0", in("x8") sys_mmap, inlateout("x0") 0usize => ret, in("x1") len,
             in("x2") prot, in("x3") flags, in("x4") usize::MAX, in("x5") 0usize,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: as above; `ecall` clobbers nothing but a0.
    unsafe {
        asm!("ecall", in("a7") sys_mmap, inlateout("a0") 0usize => ret, in("a1") len,
             in("a2") prot, in("a3") flags, in("a4") usize::MAX, in("a5") 0usize,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: as above; `sc` clobbers r0, r3-r12 and cr0, and reports an
    // error by setting CR0.SO with a positive errno (negated here).
    unsafe {
        asm!("sc", "bns 1f", "neg 3, 3", "1:",
             inlateout("r0") sys_mmap => _, inlateout("r3") 0usize => ret,
             inlateout("r4") len => _, inlateout("r5") prot => _, inlateout("r6") flags => _,
             inlateout("r7") usize::MAX => _, inlateout("r8") 0usize => _,
             lateout("r9") _, lateout("r10") _, lateout("r11") _, lateout("r12") _,
             lateout("cr0") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: as above; s390x's mmap takes a pointer to its six arguments
    // (the old mmap, see src/sys/arch/s390x.rs), which the kernel only reads.
    unsafe {
        let args = [0usize, len, prot, flags, usize::MAX, 0];
        asm!("svc 0", in("r1") sys_mmap, inlateout("r2") args.as_ptr() as usize => ret,
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
    let sys_munmap = libc::SYS_munmap as usize;
    #[cfg(target_pointer_width = "32")]
    // SAFETY: the caller gives up the range (see mmap_anon for why not asm!).
    unsafe {
        ret = syscalls::raw::syscall2(sys_munmap, addr, len);
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller gives up the range; rcx/r11 are clobbered by `syscall`.
    unsafe {
        asm!("syscall", inlateout("rax") sys_munmap => ret, in("rdi") addr, in("rsi") len,
             out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    unsafe {
        asm!("svc 0", in("x8") sys_munmap, inlateout("x0") addr => ret, in("x1") len,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: as above.
    unsafe {
        asm!("ecall", in("a7") sys_munmap, inlateout("a0") addr => ret, in("a1") len,
             options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: as above (see mmap_anon for the clobbers).
    unsafe {
        asm!("sc", "bns 1f", "neg 3, 3", "1:",
             inlateout("r0") sys_munmap => _, inlateout("r3") addr => ret,
             inlateout("r4") len => _, lateout("r5") _, lateout("r6") _, lateout("r7") _,
             lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
             lateout("r12") _, lateout("cr0") _, options(nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: as above.
    unsafe {
        asm!("svc 0", in("r1") sys_munmap, inlateout("r2") addr => ret, in("r3") len,
             options(nostack, preserves_flags));
    }
    ret
}

/// One anonymous mmap + munmap pair through the bare asm, checked as a real
/// caller would check it.
#[inline(always)]
pub fn pair_bare(len: usize) {
    // SAFETY: a fresh anonymous mapping, unmapped right away.
    unsafe {
        let p = mmap_anon(len);
        assert!(p <= -4096isize as usize, "mmap failed");
        assert_eq!(munmap(p, len), 0, "munmap failed");
    }
}

/// The pair through rawmap's raw layer.
#[inline(always)]
pub fn pair_rawmap(len: usize) {
    use rawmap::{MapFlags, ProtFlags, sys};
    // SAFETY: a fresh anonymous mapping, unmapped right away.
    unsafe {
        let p = sys::mmap(
            core::ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
        .unwrap();
        sys::munmap(p, len).unwrap();
    }
}

/// The pair through glibc.
#[inline(always)]
pub fn pair_glibc(len: usize) {
    // SAFETY: a fresh anonymous mapping, unmapped right away.
    unsafe {
        let p = libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        assert_eq!(libc::munmap(p, len), 0);
    }
}

/// The pair through rustix.
#[inline(always)]
pub fn pair_rustix(len: usize) {
    use rustix::mm;
    // SAFETY: a fresh anonymous mapping, unmapped right away.
    unsafe {
        let p = mm::mmap_anonymous(
            core::ptr::null_mut(),
            len,
            mm::ProtFlags::READ | mm::ProtFlags::WRITE,
            mm::MapFlags::PRIVATE,
        )
        .unwrap();
        mm::munmap(p, len).unwrap();
    }
}

/// rawmap's safe anonymous map, dropped.
#[inline(always)]
pub fn pair_rawmap_safe(len: usize) {
    core::hint::black_box(rawmap::MapOptions::new().len(len).map_anon().unwrap());
}

/// memmap2's anonymous map, dropped.
#[inline(always)]
pub fn pair_memmap2(len: usize) {
    core::hint::black_box(memmap2::MmapMut::map_anon(len).unwrap());
}
