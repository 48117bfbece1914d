//! Who is calling: the two identities a thread has without libc, read in
//! one or two instructions, for [`GlobalBump`](super::GlobalBump)'s choice
//! of arena. Every arch's register is in this one file.
//!
//! - The **stack pointer**: always there, and threads' stacks are
//!   megabytes apart, but it moves with the call depth and says nothing
//!   about who owns what (it only spreads threads over arenas).
//! - The **thread pointer**: the register the arch's TLS ABI reserves for
//!   the address of the thread's control block. Every libc (glibc, musl,
//!   bionic) gives each thread its own before the thread runs any code and
//!   keeps it for the thread's whole life, and a block is reused for a new
//!   thread only after the old one has exited, so at any instant no two
//!   live threads have the same value. It is 0 where nobody set it (a
//!   program with no libc whose start-up sets no TLS).
//!
//! | arch        | stack pointer | thread pointer | read as |
//! |-------------|---------------|----------------|---------|
//! | x86_64      | `rsp`         | `fs` base      | `mov fs:[0]`: the TCB's first word points to itself (x86_64 TLS ABI); `fs:[0]` faults if the base is unset, so it is read only after [`thread_pointer_usable`] saw a set base (`arch_prctl(ARCH_GET_FS)`) that points to itself |
//! | i686        | `esp`         | `gs` base      | `mov gs:[0]`, the same self-pointer (i386 TLS ABI), after checking that `gs` holds a selector (0: none, and `gs:[0]` would fault) |
//! | aarch64     | `sp`          | `tpidr_el0`    | `mrs`; 0 if unset |
//! | riscv64     | `sp`          | `tp` (`x4`)    | `mv`; 0 if unset |
//! | powerpc64le | `r1`          | `r13`          | `mr`; 0 if unset |
//! | s390x       | `r15`         | `a0:a1`        | `ear` twice (high word in `a0`); 0 if unset |
//! | loongarch64 | `$sp`         | `$tp` (`$r2`)  | `move`; 0 if unset |
//! | armv7       | `sp`          | `TPIDRURO`     | `mrc p15, 0, _, c13, c0, 3` (set by the kernel, `set_tls`); 0 if unset |
//!
//! The one way to get two live threads with the same thread pointer is to
//! create a thread with a raw `clone(CLONE_VM)` without `CLONE_SETTLS`:
//! it inherits its parent's register. Such a thread cannot run std code
//! either (std's thread-locals would be its parent's); a program that makes
//! them uses [`GlobalBump::new_stack_slots`](super::GlobalBump::new_stack_slots).

/// The current stack pointer (approximately: any address in the current
/// frame will do).
#[inline(always)]
pub(super) fn stack_pointer() -> usize {
    let sp: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mov {}, rsp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mv {}, sp", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("mr {}, 1", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: reads a register into another; touches no memory or flags.
    unsafe {
        core::arch::asm!("lgr {}, %r15", out(reg) sp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x"
    )))]
    {
        let probe = 0u8;
        sp = core::hint::black_box(&probe) as *const u8 as usize;
    }
    sp
}

/// Whether this process has thread pointers: asked once, by the first
/// allocation. On x86_64 and i686 reading one touches memory through a
/// segment that must be set up first (else [`thread_pointer`] would fault);
/// elsewhere it is a register, always readable, and the calling thread's
/// being 0 means nobody set one up.
#[cold]
pub(super) fn thread_pointer_usable() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        match crate::sys::fs_base() {
            Ok(0) | Err(_) => false,
            Ok(base) => {
                let first: usize;
                // SAFETY: the fs base is set (to `base`); a base that is
                // set but not mapped would make every TLS access of the
                // program fault, so `fs:[0]` is readable here.
                unsafe {
                    core::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) first, options(nostack, readonly, preserves_flags));
                }
                first == base
            }
        }
    }
    #[cfg(target_arch = "x86")]
    {
        let sel: u32;
        // SAFETY: reads a segment register; touches no memory.
        unsafe {
            core::arch::asm!("mov {:e}, gs", out(reg) sel, options(nomem, nostack, preserves_flags));
        }
        sel != 0
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "x86")))]
    {
        // SAFETY: a register read on these arches; 0 when nobody set it
        // (then, as on x86, the process is taken to have none).
        unsafe { thread_pointer() != 0 }
    }
}

/// The calling thread's thread pointer (see the [module docs](self)); 0 if
/// nobody set it.
///
/// # Safety
///
/// [`thread_pointer_usable`] returned `true` in this process (x86_64 and
/// i686 fault otherwise).
#[inline(always)]
pub(super) unsafe fn thread_pointer() -> usize {
    let tp: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller checked that `fs` is set up and points to a TCB
    // whose first word is itself.
    unsafe {
        core::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) tp, options(pure, readonly, nostack, preserves_flags));
    }
    #[cfg(target_arch = "x86")]
    // SAFETY: the caller checked that `gs` holds a TLS selector, whose
    // first word is the TCB's own address.
    unsafe {
        core::arch::asm!("mov {}, dword ptr gs:[0]", out(reg) tp, options(pure, readonly, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: reads a system register user space may read.
    unsafe {
        core::arch::asm!("mrs {}, tpidr_el0", out(reg) tp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: reads a register into another.
    unsafe {
        core::arch::asm!("mv {}, tp", out(reg) tp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: reads a register into another.
    unsafe {
        core::arch::asm!("mr {}, 13", out(reg) tp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: reads the two access registers into one general register
    // (`ear` sets its low 32 bits, `sllg` moves them up).
    unsafe {
        core::arch::asm!(
            "ear {t}, %a0",
            "sllg {t}, {t}, 32",
            "ear {t}, %a1",
            t = out(reg) tp,
            options(pure, nomem, nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "loongarch64")]
    // SAFETY: reads a register into another.
    unsafe {
        core::arch::asm!("move {}, $tp", out(reg) tp, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "arm")]
    // SAFETY: reads the user read-only thread ID register.
    unsafe {
        core::arch::asm!("mrc p15, 0, {}, c13, c0, 3", out(reg) tp, options(pure, nomem, nostack, preserves_flags));
    }
    tp
}

/// The control block `rt` gives the main thread: its first word holds its
/// own address (the x86 TLS ABIs' self-pointer; harmless elsewhere).
#[cfg(feature = "rt")]
#[repr(C, align(64))]
struct MainTcb([core::sync::atomic::AtomicUsize; 8]);

#[cfg(feature = "rt")]
static MAIN_TCB: MainTcb = MainTcb([const { core::sync::atomic::AtomicUsize::new(0) }; 8]);

/// Gives the main thread of an `rt` program a thread pointer of its own
/// (nothing else in the process has one: no libc set one up), so that
/// [`GlobalBump`](super::GlobalBump) can tell it owns an arena. Called once
/// by the runtime's start-up before any allocation; a failure (the kernel
/// refusing `arch_prctl`, `set_thread_area` or `set_tls`) leaves the
/// pointer unset, and the allocator then uses its shared arenas.
///
/// # Safety
///
/// Only at process start, on the main thread, before anything reads the
/// thread pointer; nothing else in the program may use it (a program with
/// no libc and no TLS).
#[cfg(feature = "rt")]
pub(crate) unsafe fn set_main_thread_pointer() {
    use core::sync::atomic::Ordering;
    let tcb = MAIN_TCB.0.as_ptr() as usize;
    MAIN_TCB.0[0].store(tcb, Ordering::Relaxed);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: sets this thread's fs base to our static block; nothing in
    // an `rt` program uses fs otherwise (the caller's promise).
    unsafe {
        let _ = syscalls::raw::syscall2(
            syscalls::Sysno::arch_prctl as usize,
            linux_raw_sys::general::ARCH_SET_FS as usize,
            tcb,
        );
    }
    #[cfg(target_arch = "x86")]
    {
        let mut desc = linux_raw_sys::general::user_desc {
            entry_number: u32::MAX, // any free TLS entry
            base_addr: tcb as u32,
            limit: 0xfffff,
            _bitfield_align_1: [],
            _bitfield_1: Default::default(),
            __bindgen_padding_0: [0; 3],
        };
        desc.set_seg_32bit(1);
        desc.set_limit_in_pages(1);
        desc.set_useable(1);
        // SAFETY: the kernel reads and updates `desc` (the entry it chose).
        let r = unsafe {
            syscalls::raw::syscall1(
                syscalls::Sysno::set_thread_area as usize,
                core::ptr::from_mut(&mut desc) as usize,
            )
        };
        if r == 0 {
            // A GDT selector: entry * 8, table indicator 0, privilege 3.
            let sel = (desc.entry_number << 3) | 3;
            // SAFETY: loads the selector of the entry just set up; nothing
            // in an `rt` program uses gs otherwise.
            unsafe {
                core::arch::asm!("mov gs, {:e}", in(reg) sel, options(nostack, preserves_flags));
            }
        }
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: user space may write tpidr_el0; nothing else uses it here.
    unsafe {
        core::arch::asm!("msr tpidr_el0, {}", in(reg) tcb, options(nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: `tp` is reserved for the thread pointer; nothing else uses
    // it here.
    unsafe {
        core::arch::asm!("mv tp, {}", in(reg) tcb, options(nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "powerpc64")]
    // SAFETY: `r13` is reserved for the thread pointer by the ELFv2 ABI;
    // nothing else uses it here.
    unsafe {
        core::arch::asm!("mr 13, {}", in(reg) tcb, options(nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "s390x")]
    // SAFETY: the access registers a0:a1 hold the thread pointer (high
    // word, low word); nothing else uses them here.
    unsafe {
        core::arch::asm!(
            "srlg {t}, {v}, 32",
            "sar %a0, {t}",
            "sar %a1, {v}",
            v = in(reg) tcb,
            t = out(reg) _,
            options(nomem, nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "loongarch64")]
    // SAFETY: `$tp` is reserved for the thread pointer; nothing else uses
    // it here.
    unsafe {
        core::arch::asm!("move $tp, {}", in(reg) tcb, options(nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "arm")]
    // SAFETY: `set_tls` sets this thread's TPIDRURO; nothing else uses it.
    unsafe {
        let _ = syscalls::raw::syscall1(linux_raw_sys::general::__ARM_NR_set_tls as usize, tcb);
    }
}
