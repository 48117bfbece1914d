//! The process wrappers of `rawmap::sys` (`getpid`, `kill`, `fork`,
//! `wait4`, `prlimit64`, `exit_group`) against the real kernel: every
//! success path and every errno path that can be provoked, asserting the
//! exact `Errno`.
//!
//! Other tests of this binary run in parallel threads and fork children of
//! their own, so no test here waits for "any child" (`wait4(-1, ..)`).
mod common;

use common::in_child;
use linux_raw_sys::general::{SIGKILL, SIGTERM, WNOHANG};
use rawmap::sys::{self, Resource, Rlimit, WaitStatus};
use rawmap::{Errno, Mode, OFlags};

/// Larger than any pid the kernel hands out (`pid_max` is at most 2^22).
const NO_SUCH_PID: i32 = i32::MAX;

/// Whether the process has capability `bit` in its effective set.
fn has_cap(bit: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("CapEff:")).unwrap();
    let mask = u64::from_str_radix(line["CapEff:".len()..].trim(), 16).unwrap();
    mask & (1 << bit) != 0
}
const CAP_SYS_RESOURCE: u32 = 24;

// ---------------------------------------------------------------- getpid

#[test]
fn getpid_is_the_process_id() {
    assert_eq!(sys::getpid() as u32, std::process::id());
}

#[test]
fn getpid_in_a_child_differs_and_is_what_fork_returned() {
    let parent = sys::getpid();
    // SAFETY: the child makes only system calls, then exit_group.
    let pid = unsafe { sys::fork() }.unwrap();
    if pid == 0 {
        // The child's exit code says whether its pid differs from the
        // parent's; the parent compares the pid itself below.
        sys::exit_group(i32::from(sys::getpid() == parent));
    }
    assert!(pid > 0 && pid != parent);
    let (got, st) = sys::wait4(pid, 0).unwrap();
    assert_eq!((got, st.exit_code()), (pid, Some(0)));
}

// ---------------------------------------------------------------- kill

#[test]
fn kill_signal_zero_to_self_checks_existence() {
    assert_eq!(sys::kill(sys::getpid(), 0), Ok(()));
}

#[test]
fn kill_no_such_process_is_esrch() {
    assert_eq!(sys::kill(NO_SUCH_PID, 0), Err(Errno::ESRCH));
}

#[test]
fn kill_bad_signal_is_einval() {
    assert_eq!(sys::kill(sys::getpid(), 1000), Err(Errno::EINVAL));
}

#[test]
fn kill_terminates_a_child_with_the_signal() {
    // SAFETY: the child only spins until it is killed.
    let pid = unsafe { sys::fork() }.unwrap();
    if pid == 0 {
        loop {
            std::hint::spin_loop();
        }
    }
    assert_eq!(sys::kill(pid, SIGKILL), Ok(()));
    let (got, st) = sys::wait4(pid, 0).unwrap();
    assert_eq!(got, pid);
    assert_eq!(st.term_signal(), Some(SIGKILL));
    assert_eq!(st.exit_code(), None);
    // Reaped: the pid is gone (unless already reused, which takes a full
    // wrap of the pid space).
    assert_eq!(sys::kill(pid, 0), Err(Errno::ESRCH));
}

// ---------------------------------------------------------------- fork / wait4

#[test]
fn fork_and_wait4_report_the_exit_code() {
    for code in [0, 1, 42, 255] {
        assert_eq!(in_child(move || code).exit_code(), Some(code));
    }
    // Only the low 8 bits of the code reach the parent.
    assert_eq!(in_child(|| 256 + 3).exit_code(), Some(3));
}

#[test]
fn fork_child_has_a_private_copy_of_memory() {
    let mut x = 1u32;
    let px = std::ptr::addr_of_mut!(x);
    let st = in_child(|| {
        // SAFETY: the child's own copy of `x`.
        unsafe { px.write_volatile(2) };
        // SAFETY: as above.
        (unsafe { px.read_volatile() }) as i32
    });
    assert_eq!(st.exit_code(), Some(2));
    // SAFETY: our own `x`, untouched by the child.
    assert_eq!(unsafe { px.read_volatile() }, 1);
}

#[test]
fn wait4_wnohang_on_a_running_child_returns_zero() {
    // SAFETY: the child only spins until it is killed.
    let pid = unsafe { sys::fork() }.unwrap();
    if pid == 0 {
        loop {
            std::hint::spin_loop();
        }
    }
    let (got, st) = sys::wait4(pid, WNOHANG).unwrap();
    // Still running: no pid, no status. (The child cannot end on its own.)
    assert_eq!((got, st), (0, WaitStatus(0)));
    sys::kill(pid, SIGTERM).unwrap();
    let (got, st) = sys::wait4(pid, 0).unwrap();
    assert_eq!((got, st.term_signal()), (pid, Some(SIGTERM)));
}

#[test]
fn wait4_for_a_process_that_is_not_our_child_is_echild() {
    assert_eq!(sys::wait4(sys::getpid(), 0), Err(Errno::ECHILD));
    assert_eq!(sys::wait4(NO_SUCH_PID, 0), Err(Errno::ECHILD));
}

#[test]
fn wait4_bad_options_is_einval() {
    assert_eq!(sys::wait4(sys::getpid(), 0x0800_0000), Err(Errno::EINVAL));
}

#[test]
fn wait_status_decodes_exit_and_signal() {
    assert_eq!(WaitStatus(42 << 8).exit_code(), Some(42));
    assert_eq!(WaitStatus(42 << 8).term_signal(), None);
    assert_eq!(WaitStatus(9).term_signal(), Some(9));
    assert_eq!(WaitStatus(9).exit_code(), None);
    // A core dump sets bit 7; the signal is still the low 7 bits.
    assert_eq!(WaitStatus(0x80 | 11).term_signal(), Some(11));
    // Stopped (0x7f in the low byte) is neither.
    assert_eq!(WaitStatus((19 << 8) | 0x7f).term_signal(), None);
    assert_eq!(WaitStatus((19 << 8) | 0x7f).exit_code(), None);
}

// ---------------------------------------------------------------- exit_group

#[test]
fn exit_group_in_a_child_sets_its_exit_code() {
    let st = in_child(|| sys::exit_group(17));
    assert_eq!(st.exit_code(), Some(17));
    // No destructor runs: a guard's drop would mark a shared page.
    let ps = rawmap::page_size();
    // SAFETY: a new shared anonymous page, no hint.
    let page = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            ps,
            rawmap::ProtFlags::READ | rawmap::ProtFlags::WRITE,
            rawmap::MapFlags::SHARED | rawmap::MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap()
    .cast::<u8>();
    struct Guard(*mut u8);
    impl Drop for Guard {
        fn drop(&mut self) {
            // SAFETY: the shared page outlives the child.
            unsafe { self.0.write_volatile(1) };
        }
    }
    let st = in_child(|| {
        let _guard = Guard(page);
        sys::exit_group(5)
    });
    assert_eq!(st.exit_code(), Some(5));
    // SAFETY: our shared page.
    assert_eq!(unsafe { page.read_volatile() }, 0, "a destructor ran");
    // Dropping the guard normally does mark it (the check can fail).
    drop(Guard(page));
    // SAFETY: as above.
    assert_eq!(unsafe { page.read_volatile() }, 1);
    // SAFETY: our mapping, unused afterwards.
    unsafe { sys::munmap(page.cast(), ps) }.unwrap();
}

// ---------------------------------------------------------------- prlimit64

#[test]
fn prlimit64_gets_the_limit_as_getrlimit_does() {
    let got = sys::prlimit64(0, Resource::NOFILE, None).unwrap();
    // getrlimit64: 64-bit limits on the 32-bit arches too, as prlimit64's.
    let mut lim = libc::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit64 writes one struct rlimit64.
    assert_eq!(
        unsafe { libc::getrlimit64(libc::RLIMIT_NOFILE, &mut lim) },
        0
    );
    assert_eq!(
        got,
        Rlimit {
            cur: lim.rlim_cur,
            max: lim.rlim_max
        }
    );
    assert!(got.cur <= got.max);
    // Our own pid is the same as 0.
    assert_eq!(
        sys::prlimit64(sys::getpid(), Resource::NOFILE, None),
        Ok(got)
    );
}

#[test]
fn prlimit64_lower_nofile_in_a_child_then_open_is_emfile() {
    let st = in_child(|| {
        let old = match sys::prlimit64(0, Resource::NOFILE, None) {
            Ok(l) => l,
            Err(_) => return 1,
        };
        // Only descriptors 0..3 allowed: the next open fails.
        let new = Rlimit {
            cur: 3,
            max: old.max,
        };
        if sys::prlimit64(0, Resource::NOFILE, Some(new)) != Ok(old) {
            return 2;
        }
        if sys::prlimit64(0, Resource::NOFILE, None) != Ok(new) {
            return 3;
        }
        match sys::open(c"/", OFlags::RDONLY, Mode::empty()) {
            Err(Errno::EMFILE) => 0,
            _ => 4,
        }
    });
    assert_eq!(st.exit_code(), Some(0));
}

#[test]
fn prlimit64_soft_above_hard_is_einval() {
    let old = sys::prlimit64(0, Resource::CORE, None).unwrap();
    let r = sys::prlimit64(0, Resource::CORE, Some(Rlimit { cur: 2, max: 1 }));
    assert_eq!(r, Err(Errno::EINVAL));
    assert_eq!(sys::prlimit64(0, Resource::CORE, None), Ok(old));
}

#[test]
fn prlimit64_unknown_resource_is_einval() {
    assert_eq!(sys::prlimit64(0, Resource(1000), None), Err(Errno::EINVAL));
}

#[test]
fn prlimit64_no_such_process_is_esrch() {
    assert_eq!(
        sys::prlimit64(NO_SUCH_PID, Resource::NOFILE, None),
        Err(Errno::ESRCH)
    );
}

#[test]
fn prlimit64_raising_the_hard_limit_needs_cap_sys_resource() {
    let privileged = has_cap(CAP_SYS_RESOURCE);
    let st = in_child(|| {
        let low = Rlimit { cur: 0, max: 0 };
        if sys::prlimit64(0, Resource::CORE, Some(low)).is_err() {
            return 1;
        }
        let r = sys::prlimit64(0, Resource::CORE, Some(Rlimit { cur: 0, max: 1 }));
        match (r, privileged) {
            (Ok(_), true) | (Err(Errno::EPERM), false) => 0,
            _ => 2,
        }
    });
    assert_eq!(st.exit_code(), Some(0), "privileged: {privileged}");
}
