//! Differential test of `rawmap::sys::mmap` against glibc's `mmap`.
//!
//! proptest (fixed seed) generates argument tuples — lengths from 0 to
//! "huge", `prot` with invalid bits, flags with invalid combinations and
//! unknown bits, every kind of descriptor, aligned, unaligned and negative
//! offsets — and each tuple goes to both. They must agree: both succeed, or
//! both fail with the same errno. Successes are unmapped at once.
//!
//! Under qemu-user both calls reach qemu's mmap emulation (glibc's `mmap`
//! makes the same emulated system call), so they must agree there too, with
//! one known exception: glibc itself answers `EINVAL` for an offset that is
//! not a multiple of 4096, before any system call. The kernel checks the
//! offset first too, so natively the answers agree; qemu 7.2 checks the
//! length first (a length that overflows when rounded up to a page is
//! `ENOMEM`), so under qemu rawmap may report `ENOMEM` where glibc reports
//! `EINVAL`. Those cases are asserted as such and counted in the output.
//!
//! `MAP_HUGETLB` is not tried under qemu: qemu 7.2 picks a guest range of
//! the asked length (whole 4 KiB pages) itself and hands the host
//! `MAP_FIXED | MAP_HUGETLB` at that address. The host answers `EINVAL`
//! when the pick is not huge-page aligned; otherwise, with `MAP_NORESERVE`,
//! it maps a whole huge page there, over whatever qemu or the guest had
//! next to the picked range (seen: the test process dies by SIGSEGV now and
//! then). So under qemu the generator leaves `MAP_HUGETLB` out (and says
//! so in the output); natively it is in and the answers agree exactly.
//!
//! Nothing here may clobber memory: `MAP_FIXED` (and `MAP_FIXED_NOREPLACE`)
//! only ever target a scratch reservation this test owns, with a length that
//! stays inside it, or the top page of the address space (always refused).
//! `MAP_POPULATE`/`MAP_LOCKED` only get small lengths.
mod common;

use std::ffi::c_void;
use std::ptr;

use common::{FdKind, FdZoo, Tally};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;
use rawmap::{BorrowedFd, MapFlags, ProtFlags, sys};

/// Pages in the scratch reservation that `MAP_FIXED` cases may replace.
const RES_PAGES: usize = 32;

/// Where the address argument points.
#[derive(Copy, Clone, Debug)]
enum Addr {
    Null,
    /// `pages` pages into the scratch reservation.
    InReservation(usize),
    /// One byte into the reservation (not page aligned).
    Unaligned,
    /// A high address nothing uses (a plain hint; never used with FIXED).
    HighHint,
    /// The last page of the address space ("negative" as a pointer).
    Top,
}

#[derive(Debug)]
struct Case {
    addr: Addr,
    /// Index into the length table (page-size dependent, see `lengths`).
    len: usize,
    prot: u32,
    flags: u32,
    fd: FdKind,
    /// Index into the offset table.
    offset: usize,
}

fn lengths(page: usize) -> Vec<usize> {
    vec![
        0,
        1,
        page - 1,
        page,
        page + 1,
        2 * page,
        3 * page - 7,
        8 * page,
        16 * page,
        1 << 30,
        1 << if cfg!(target_pointer_width = "64") {
            47
        } else {
            31
        },
        isize::MAX as usize + 1,
        usize::MAX - page + 2,
        usize::MAX,
    ]
}

fn offsets(page: u64) -> Vec<u64> {
    vec![
        0,
        page,
        2 * page,
        3 * page, // past the end of the 2-page file
        1,
        page - 1,
        4096 + 1,
        1 << 40,
        i64::MAX as u64 + 1 - page, // the largest aligned positive offset
        (-(page as i64)) as u64,    // "negative", aligned
        1 << 63,
        u64::MAX,
    ]
}

fn prot_strategy() -> impl Strategy<Value = u32> {
    let extra = prop_oneof![
        8 => Just(0u32),
        1 => select(vec![
            0x8,                          // PROT_SEM
            0x10,                         // PROT_BTI on arm64, unknown elsewhere
            0x20,                         // PROT_MTE on arm64, unknown elsewhere
            0x40,
            0x100,
            ProtFlags::GROWSDOWN.bits(),
            ProtFlags::GROWSUP.bits(),
            0x8000_0000,
        ]),
    ];
    (0u32..8, extra).prop_map(|(rwx, extra)| rwx | extra)
}

fn flags_strategy(qemu: bool) -> impl Strategy<Value = u32> {
    let kind = prop_oneof![
        8 => Just(MapFlags::PRIVATE.bits()),
        6 => Just(MapFlags::SHARED.bits()),
        // SHARED | PRIVATE, which is also the value of MAP_SHARED_VALIDATE.
        2 => Just((MapFlags::SHARED | MapFlags::PRIVATE).bits()),
        1 => Just(0u32),
        1 => 4u32..16, // unknown map types, and MAP_DROPPABLE (8)
    ];
    let mut modifiers = vec![
        MapFlags::FIXED,
        MapFlags::FIXED_NOREPLACE,
        MapFlags::POPULATE,
        MapFlags::NONBLOCK,
        MapFlags::NORESERVE,
        MapFlags::HUGETLB,
        MapFlags::HUGETLB | MapFlags::HUGE_2MB,
        MapFlags::HUGETLB | MapFlags::HUGE_1GB,
        MapFlags::LOCKED,
        MapFlags::STACK,
        MapFlags::GROWSDOWN,
        MapFlags::SYNC,
        MapFlags::UNINITIALIZED,
        // Unknown bits and legacy ones (MAP_32BIT on x86_64, MAP_DENYWRITE,
        // MAP_EXECUTABLE), which plain MAP_SHARED ignores and
        // MAP_SHARED_VALIDATE rejects.
        MapFlags::from_bits_retain(0x40),
        MapFlags::from_bits_retain(0x80),
        MapFlags::from_bits_retain(0x200),
        MapFlags::from_bits_retain(0x800),
        MapFlags::from_bits_retain(0x1000),
        MapFlags::from_bits_retain(0x20_0000),
        MapFlags::from_bits_retain(0x200_0000),
    ];
    if qemu {
        // Not under qemu: see the module docs.
        modifiers.retain(|m| !m.contains(MapFlags::HUGETLB));
    }
    (
        kind,
        proptest::bool::weighted(0.6),
        proptest::collection::vec(proptest::bool::weighted(0.1), modifiers.len()),
    )
        .prop_map(move |(kind, anon, on)| {
            let mut f = kind;
            if anon {
                f |= MapFlags::ANONYMOUS.bits();
            }
            for (m, on) in modifiers.iter().zip(on) {
                if on {
                    f |= m.bits();
                }
            }
            f
        })
}

fn case_strategy(n_len: usize, n_off: usize, qemu: bool) -> impl Strategy<Value = Case> {
    let addr = prop_oneof![
        6 => Just(Addr::Null),
        3 => (0..RES_PAGES + 2).prop_map(Addr::InReservation),
        1 => Just(Addr::Unaligned),
        1 => Just(Addr::HighHint),
        1 => Just(Addr::Top),
    ];
    (
        addr,
        0..n_len,
        prot_strategy(),
        flags_strategy(qemu),
        select(FdKind::ALL.to_vec()),
        prop_oneof![3 => Just(0usize), 4 => 0..n_off],
    )
        .prop_map(|(addr, len, prot, flags, fd, offset)| Case {
            addr,
            len,
            prot,
            flags,
            fd,
            offset,
        })
}

/// A PROT_NONE reservation that `MAP_FIXED` cases may replace; `reset`
/// puts it back (a failed `MAP_FIXED` may also have unmapped the range).
struct Reservation {
    base: usize,
    len: usize,
}

impl Reservation {
    fn new(len: usize) -> Self {
        // SAFETY: a fresh mapping, no hint.
        let base = unsafe {
            libc::mmap64(
                ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        Self {
            base: base as usize,
            len,
        }
    }

    fn reset(&self) {
        // SAFETY: MAP_FIXED over our own reservation, which nothing else uses.
        let p = unsafe {
            libc::mmap64(
                self.base as *mut c_void,
                self.len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        assert_eq!(p as usize, self.base, "restoring the scratch reservation");
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: our own reservation, unused from here on.
        unsafe { libc::munmap(self.base as *mut c_void, self.len) };
    }
}

/// The concrete arguments of one call.
#[derive(Debug, Clone, Copy)]
struct Args {
    addr: usize,
    len: usize,
    prot: u32,
    flags: u32,
    fd: i32,
    offset: u64,
}

/// A free address high in the user range: 2^46 (2^31 on 32-bit).
const HIGH_HINT: usize = 1 << if usize::BITS == 64 { 46 } else { 31 };

/// Populating lengths below this are cut to 16 pages (a 2 GiB
/// `MAP_POPULATE` succeeds on 32-bit, and takes long).
const POPULATE_CAP_BELOW: usize = if usize::BITS == 64 {
    1 << 62
} else {
    isize::MAX as usize + 2
};

fn concrete(c: &Case, zoo: &FdZoo, res: &Reservation, lens: &[usize], offs: &[u64]) -> Args {
    let page = rawmap::page_size();
    let fixed_bits = (MapFlags::FIXED | MapFlags::FIXED_NOREPLACE).bits();
    let fixed = c.flags & fixed_bits != 0;
    let mut addr = match c.addr {
        Addr::Null => 0,
        Addr::InReservation(p) => res.base + (p % RES_PAGES) * page,
        Addr::Unaligned => res.base + 1,
        Addr::HighHint => HIGH_HINT,
        Addr::Top => usize::MAX - page + 1,
    };
    if fixed && (addr == 0 || addr == HIGH_HINT) {
        // MAP_FIXED at 0 would succeed for root; at a free high address it
        // would succeed too, outside the reservation: keep FIXED inside.
        addr = res.base;
    }
    let mut len = lens[c.len];
    let in_res = (res.base..res.base + res.len).contains(&addr);
    if fixed && in_res {
        len = len.min(res.base + res.len - addr);
        let flags = MapFlags::from_bits_retain(c.flags);
        if flags.contains(MapFlags::HUGETLB) {
            // The kernel rounds a MAP_HUGETLB length up to whole huge pages
            // before MAP_FIXED unmaps the range, and unmaps it even when the
            // call then fails (no huge page in the pool: ENOMEM). A huge
            // page is larger than the reservation, so that would unmap
            // whatever lies beyond it: a thread's stack, once in a while
            // (ASLR), which crashed this test with SIGSEGV. Such a case
            // asks for 0 bytes instead: EINVAL from both, before anything
            // is unmapped.
            let huge = flags.huge_page_size().unwrap_or_else(default_huge_page);
            let end = len
                .checked_next_multiple_of(huge)
                .and_then(|l| addr.checked_add(l))
                .unwrap_or(usize::MAX);
            if end > res.base + res.len {
                len = 0;
            }
        }
    }
    let populating = (MapFlags::POPULATE | MapFlags::LOCKED).bits();
    if c.flags & populating != 0 && len > 16 * page && len < POPULATE_CAP_BELOW {
        len = 16 * page;
    }
    Args {
        addr,
        len,
        prot: c.prot,
        flags: c.flags,
        fd: zoo.raw(c.fd),
        offset: offs[c.offset],
    }
}

fn rawmap_mmap(a: Args) -> Result<usize, i32> {
    let fd = if a.fd == -1 {
        None
    } else {
        // SAFETY: an open descriptor of the zoo for the call, or a number
        // that is not open (used only to provoke EBADF).
        Some(unsafe { BorrowedFd::borrow_raw(a.fd) })
    };
    // SAFETY: MAP_FIXED only targets the test's own reservation (see
    // `concrete`); every other mapping is new and unmapped right away.
    unsafe {
        sys::mmap(
            a.addr as *mut c_void,
            a.len,
            ProtFlags::from_bits_retain(a.prot),
            MapFlags::from_bits_retain(a.flags),
            fd,
            a.offset,
        )
    }
    .map(|p| p as usize)
    .map_err(|e| e.into_raw())
}

fn glibc_mmap(a: Args) -> Result<usize, i32> {
    // SAFETY: as for `rawmap_mmap`.
    let p = unsafe {
        libc::mmap64(
            a.addr as *mut c_void,
            a.len,
            a.prot as i32,
            a.flags as i32,
            a.fd,
            a.offset as i64,
        )
    };
    if p == libc::MAP_FAILED {
        Err(common::libc_errno())
    } else {
        Ok(p as usize)
    }
}

/// Undoes a successful call: unmap a new mapping, or restore the
/// reservation a FIXED one replaced.
fn undo(a: Args, got: usize, res: &Reservation) {
    let page = rawmap::page_size();
    if (res.base..res.base + res.len).contains(&got) {
        res.reset();
    } else {
        let mut len = a.len.next_multiple_of(page);
        let flags = MapFlags::from_bits_retain(a.flags);
        if flags.contains(MapFlags::HUGETLB) {
            // A huge page mapping is unmapped in whole huge pages.
            let huge = flags.huge_page_size().unwrap_or_else(default_huge_page);
            len = len.next_multiple_of(huge);
        }
        // SAFETY: the mapping the call just made; nothing uses it.
        let r = unsafe { libc::munmap(got as *mut c_void, len) };
        assert_eq!(r, 0, "unmapping {got:#x}+{len:#x} after {a:?}");
    }
}

/// `Hugepagesize` from /proc/meminfo.
fn default_huge_page() -> usize {
    let info = std::fs::read_to_string("/proc/meminfo").unwrap();
    let kb = info
        .lines()
        .find_map(|l| l.strip_prefix("Hugepagesize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .unwrap_or(2048);
    kb * 1024
}

/// Asserts that both answers agree.
fn agree(
    a: Args,
    ours: Result<usize, i32>,
    theirs: Result<usize, i32>,
) -> Result<(), TestCaseError> {
    let page = rawmap::page_size();
    match (ours, theirs) {
        (Ok(p), Ok(q)) => {
            prop_assert_eq!(p % page, 0);
            prop_assert_eq!(q % page, 0);
            if a.flags & MapFlags::FIXED.bits() != 0 {
                prop_assert_eq!(p, a.addr, "MAP_FIXED must land at addr");
                prop_assert_eq!(q, a.addr, "MAP_FIXED must land at addr");
            }
        }
        (Err(e), Err(f)) => prop_assert_eq!(
            common::errno_name(e),
            common::errno_name(f),
            "different errno for {:?}",
            a
        ),
        (o, t) => prop_assert!(false, "rawmap {:?} but glibc {:?} for {:?}", o, t, a),
    }
    Ok(())
}

#[test]
fn mmap_agrees_with_glibc() {
    let page = rawmap::page_size();
    let lens = lengths(page);
    let offs = offsets(page as u64);
    let zoo = FdZoo::new();
    let res = Reservation::new(RES_PAGES * page);
    let qemu = common::under_qemu().is_some();
    let tally = Tally::default();
    let qemu_order = Tally::default();
    let n = common::cases(20_000, 5000);
    let mut runner = TestRunner::new(common::fixed_config(0x6d6d_6170, n));
    let result = runner.run(&case_strategy(lens.len(), offs.len(), qemu), |c| {
        let a = concrete(&c, &zoo, &res, &lens, &offs);
        let ours = rawmap_mmap(a);
        if let Ok(p) = ours {
            undo(a, p, &res);
        }
        let theirs = glibc_mmap(a);
        if let Ok(p) = theirs {
            undo(a, p, &res);
        }
        // A failed MAP_FIXED may have unmapped part of the reservation.
        res.reset();
        zoo.restore();
        tally.record(&ours);
        if qemu && !a.offset.is_multiple_of(4096) && ours != theirs {
            // glibc's own offset check versus qemu's order (module docs).
            prop_assert_eq!(theirs, Err(libc::EINVAL), "glibc rejects the offset itself");
            if common::under_qemu_7() {
                prop_assert_eq!(ours, Err(libc::ENOMEM), "qemu checks the length first");
            } else {
                // qemu 10 checks the length, then MAP_SHARED_VALIDATE's
                // flags (EOPNOTSUPP), before the offset.
                prop_assert!(
                    [Err(libc::ENOMEM), Err(libc::EOPNOTSUPP)].contains(&ours),
                    "qemu 10 checks the length and the flags first: {:?}",
                    ours
                );
            }
            qemu_order.record(&ours);
            return Ok(());
        }
        if cfg!(target_pointer_width = "32")
            && a.offset >= 1 << 44
            && a.offset.is_multiple_of(4096)
            && ours != theirs
        {
            // mmap2's offset is a 32-bit count of 4096-byte units: glibc's
            // mmap64 rejects one past 2^44 with EINVAL, rawmap with
            // EOVERFLOW, the kernel's answer for a page offset out of range
            // (`do_mmap`); everything else about the case is the same.
            prop_assert_eq!(theirs, Err(libc::EINVAL), "glibc's mmap64 range check");
            prop_assert_eq!(ours, Err(libc::EOVERFLOW), "rawmap's mmap2 range check");
            return Ok(());
        }
        #[cfg(target_arch = "x86_64")]
        if a.flags & MapFlags::BIT32.bits() != 0
            && a.flags & (MapFlags::FIXED | MapFlags::FIXED_NOREPLACE).bits() == 0
            && a.len > (1 << 30) - (32 << 20)
            && ours.is_ok() != theirs.is_ok()
        {
            // MAP_32BIT places a mapping in [1 GiB, 2 GiB), whose start the
            // kernel randomizes by up to 32 MiB on each call under ASLR
            // (arch/x86/kernel/sys_x86_64.c, find_start_end): a length near
            // 1 GiB fits on some calls and not on others, so two calls with
            // the same arguments may give a map and ENOMEM.
            let failed = if ours.is_ok() { theirs } else { ours };
            prop_assert_eq!(failed, Err(libc::ENOMEM), "MAP_32BIT window full");
            return Ok(());
        }
        agree(a, ours, theirs)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    if qemu {
        println!(
            "mmap vs glibc: {} cases with an unaligned offset where qemu answered for the \
             length first and glibc for the offset (expected under qemu only)",
            qemu_order.total()
        );
        println!(
            "mmap vs glibc: MAP_HUGETLB is not generated under qemu: qemu 7.2 places such maps \
             itself and the host may map a whole huge page over qemu's neighbouring memory"
        );
    }
    let mut expected = vec![
        "ok", "EINVAL", "EBADF", "EACCES", "ENODEV", "ENOMEM", "EPERM",
    ];
    if !qemu {
        // qemu-user treats MAP_FIXED_NOREPLACE as a hint (never EEXIST) and
        // rejects MAP_SHARED_VALIDATE outright (EINVAL, never EOPNOTSUPP).
        expected.extend(["EEXIST", "EOPNOTSUPP", "EOVERFLOW"]);
    }
    tally.finish("mmap vs glibc", &expected);
}
