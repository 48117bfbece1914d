//! Process system calls the examples and tests need: exit, fork, wait,
//! resource limits, signals.

use core::ptr;

use linux_raw_sys::general as g;
use syscalls::{Sysno, raw};

use super::errno::{Errno, ret_c_int, ret_unit};

/// A process id.
pub type Pid = i32;

/// Ends the whole process (every thread):
/// [`exit_group(2)`](https://man7.org/linux/man-pages/man2/exit_group.2.html).
///
/// No destructor runs and nothing is flushed.
#[inline]
pub fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes no pointer and does not return.
    unsafe {
        raw::syscall1(Sysno::exit_group as usize, code as isize as usize);
    }
    // The kernel never returns from exit_group.
    #[allow(clippy::empty_loop)]
    loop {}
}

/// The calling process's id:
/// [`getpid(2)`](https://man7.org/linux/man-pages/man2/getpid.2.html).
#[inline]
#[must_use]
pub fn getpid() -> Pid {
    // SAFETY: getpid takes no argument and cannot fail.
    unsafe { raw::syscall0(Sysno::getpid as usize) as Pid }
}

/// `arch_prctl(ARCH_GET_FS)` (x86_64): the calling thread's `fs` base, its
/// thread pointer, 0 if nobody set one. For the allocator's choice of
/// arena; see
/// [`arch_prctl(2)`](https://man7.org/linux/man-pages/man2/arch_prctl.2.html).
///
/// # Errors
///
/// None in practice (`EINVAL` for an unknown code, `EFAULT`).
#[cfg(target_arch = "x86_64")]
pub(crate) fn fs_base() -> Result<usize, Errno> {
    /// `ARCH_GET_FS` of `<asm/prctl.h>`: linux-raw-sys 0.12 has
    /// `ARCH_SET_FS` (0x1002) but not its partner.
    const ARCH_GET_FS: usize = 0x1003;
    let mut base = 0usize;
    // SAFETY: the kernel writes one `unsigned long` to `&mut base`.
    let r = unsafe {
        raw::syscall2(
            Sysno::arch_prctl as usize,
            ARCH_GET_FS,
            ptr::from_mut(&mut base) as usize,
        )
    };
    ret_unit(r).map(|()| base)
}

/// Sends a signal:
/// [`kill(2)`](https://man7.org/linux/man-pages/man2/kill.2.html).
///
/// # Errors
///
/// `EINVAL` (bad signal), `ESRCH` (no such process), `EPERM`.
#[inline]
pub fn kill(pid: Pid, sig: u32) -> Result<(), Errno> {
    // SAFETY: no pointer is passed.
    ret_unit(unsafe { raw::syscall2(Sysno::kill as usize, pid as isize as usize, sig as usize) })
}

/// Creates a child process, like `fork()`: `clone(SIGCHLD, 0, ..)`, see
/// [`clone(2)`](https://man7.org/linux/man-pages/man2/clone.2.html).
///
/// Returns the child's pid in the parent and 0 in the child. The child gets
/// a copy of the address space: private mappings are copied on write,
/// shared mappings stay shared.
///
/// # Errors
///
/// `EAGAIN` (process limit), `ENOMEM`.
///
/// # Safety
///
/// In a multi-threaded parent, the child has only the calling thread; locks
/// held by other threads stay locked forever. The child should only make
/// system calls (everything in [`crate::sys`] is fine) and then
/// [`exit_group`]; it must not unwind back into code that expects to be in
/// the parent. In particular it must not allocate (nor panic, which
/// allocates) in a program that links libc: unlike glibc's `fork`, this
/// one runs no `pthread_atfork` handlers, so a malloc lock another thread
/// held stays locked in the child.
#[inline]
pub unsafe fn fork() -> Result<Pid, Errno> {
    // SAFETY: the caller upholds the contract above; `clone`'s argument
    // order differs per arch (`arch.rs`).
    ret_c_int(unsafe { super::arch::fork() })
}

/// How a child ended, as reported by [`wait4`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct WaitStatus(pub i32);

impl WaitStatus {
    /// The exit code if the child called `exit` (`WIFEXITED`/`WEXITSTATUS`).
    #[must_use]
    pub const fn exit_code(self) -> Option<i32> {
        if self.0 & 0x7f == 0 {
            Some((self.0 >> 8) & 0xff)
        } else {
            None
        }
    }

    /// The signal that killed the child (`WIFSIGNALED`/`WTERMSIG`).
    #[must_use]
    pub const fn term_signal(self) -> Option<u32> {
        let sig = self.0 & 0x7f;
        if sig != 0 && sig != 0x7f {
            Some(sig as u32)
        } else {
            None
        }
    }
}

/// Waits for a child to change state:
/// [`wait4(2)`](https://man7.org/linux/man-pages/man2/wait4.2.html)
/// (without resource usage).
///
/// `pid` -1 waits for any child. `options` are the `W*` bits
/// (`WNOHANG` = 1). Returns the pid and its status.
///
/// # Errors
///
/// `ECHILD` (no such child), `EINTR`, `EINVAL` (bad options).
#[inline]
pub fn wait4(pid: Pid, options: u32) -> Result<(Pid, WaitStatus), Errno> {
    let mut status: i32 = 0;
    // SAFETY: the kernel writes one int into `status`; rusage is null.
    let ret = unsafe {
        raw::syscall4(
            Sysno::wait4 as usize,
            pid as isize as usize,
            ptr::addr_of_mut!(status) as usize,
            options as usize,
            0,
        )
    };
    ret_c_int(ret).map(|p| (p, WaitStatus(status)))
}

/// A resource for [`prlimit64`]; values from `linux_raw_sys`.
#[repr(transparent)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Resource(pub u32);

impl Resource {
    /// `RLIMIT_AS`: the size of the address space, in bytes.
    pub const AS: Self = Self(g::RLIMIT_AS);
    /// `RLIMIT_DATA`: data segment and private mappings, in bytes.
    pub const DATA: Self = Self(g::RLIMIT_DATA);
    /// `RLIMIT_FSIZE`: the largest file the process may create (SIGXFSZ,
    /// then `EFBIG`).
    pub const FSIZE: Self = Self(g::RLIMIT_FSIZE);
    /// `RLIMIT_MEMLOCK`: bytes that may be locked into RAM.
    pub const MEMLOCK: Self = Self(g::RLIMIT_MEMLOCK);
    /// `RLIMIT_NOFILE`: one more than the highest descriptor number.
    pub const NOFILE: Self = Self(g::RLIMIT_NOFILE);
    /// `RLIMIT_STACK`: the main thread's stack size.
    pub const STACK: Self = Self(g::RLIMIT_STACK);
    /// `RLIMIT_CORE`: the largest core dump.
    pub const CORE: Self = Self(g::RLIMIT_CORE);
}

/// A soft and hard limit (`struct rlimit64`); `u64::MAX` is infinity
/// (`RLIM64_INFINITY`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Rlimit {
    /// The soft limit (`rlim_cur`), enforced.
    pub cur: u64,
    /// The hard limit (`rlim_max`), the ceiling for the soft one.
    pub max: u64,
}

impl Rlimit {
    /// `RLIM64_INFINITY`.
    pub const INFINITY: u64 = u64::MAX;
}

/// Gets and optionally sets a resource limit:
/// [`prlimit64(2)`](https://man7.org/linux/man-pages/man2/prlimit.2.html).
///
/// `pid` 0 is the calling process. Returns the old limit.
///
/// # Errors
///
/// `EINVAL` (bad resource, or soft above hard), `EPERM` (raising the hard
/// limit without privilege), `ESRCH`.
#[inline]
pub fn prlimit64(pid: Pid, resource: Resource, new: Option<Rlimit>) -> Result<Rlimit, Errno> {
    let mut old = Rlimit { cur: 0, max: 0 };
    let new_ptr = match &new {
        Some(n) => ptr::from_ref(n) as usize,
        None => 0,
    };
    // SAFETY: `Rlimit` has the layout of `struct rlimit64`; the kernel reads
    // `new` (if any) and writes `old`.
    let ret = unsafe {
        raw::syscall4(
            Sysno::prlimit64 as usize,
            pid as isize as usize,
            resource.0 as usize,
            new_ptr,
            ptr::addr_of_mut!(old) as usize,
        )
    };
    ret_unit(ret).map(|()| old)
}

// `Rlimit` is passed to the kernel as a `struct rlimit64`.
const _: () = assert!(
    core::mem::size_of::<Rlimit>() == core::mem::size_of::<g::rlimit64>()
        && core::mem::align_of::<Rlimit>() == core::mem::align_of::<g::rlimit64>()
);
