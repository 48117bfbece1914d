//! Which signal a bad memory access raises, asserted by number in a child
//! process (the seed's FAQ 7 says only "段错误", a segmentation fault; the
//! truth depends on the access):
//!
//! - touching a page of a file mapping that lies wholly past the end of the
//!   file (because another descriptor, or `truncate(path)`, shrank the file,
//!   or because the mapping was longer than the file) raises **SIGBUS**,
//!   for shared and private mappings alike;
//! - touching `PROT_NONE` memory, writing to read-only memory, or touching
//!   unmapped memory (after `munmap`, or one page past a mapping) raises
//!   **SIGSEGV**;
//! - an access past the requested length but inside the mapping's last page
//!   raises nothing: the kernel maps whole pages.
//!
//! Each scenario first makes a valid access of the same memory and records
//! it in a shared page (so a child that died early is told apart), then the
//! bad access. The child has a single thread and makes only raw system
//! calls; `RLIMIT_CORE` is set to 0 in it so that no core file is written.
//! Under qemu-user the guest signal is delivered by qemu, which then dies
//! by the same signal: the numbers are asserted there too.
mod common;

use std::ffi::{CStr, c_void};
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use common::TmpFile;
use linux_raw_sys::general::{SIGBUS, SIGSEGV};
use rawmap::sys::{self, Resource, Rlimit};
use rawmap::{MapFlags, Mode, OFlags, ProtFlags};

/// Progress marks a child leaves in the shared page.
const STARTED: u32 = 1;
const VALID_ACCESS_DONE: u32 = 2;
const BAD_ACCESS_SURVIVED: u32 = 3;

struct Scenario {
    name: &'static str,
    /// The signal that must end the child, or `None`: it exits 0.
    signal: Option<u32>,
    run: fn(&Ctx) -> i32,
}

/// What a scenario's child gets: the progress word and a scratch file.
struct Ctx<'a> {
    progress: &'a AtomicU32,
    path: &'a CStr,
}

impl Ctx<'_> {
    fn mark(&self, v: u32) {
        self.progress.store(v, Ordering::SeqCst);
    }
}

fn rw() -> ProtFlags {
    ProtFlags::READ | ProtFlags::WRITE
}

fn anon(len: usize, prot: ProtFlags) -> *mut u8 {
    // SAFETY: a fresh anonymous mapping, no hint.
    unsafe {
        sys::mmap(
            ptr::null_mut(),
            len,
            prot,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap()
    .cast()
}

/// Opens the scratch file read-write, `size` bytes long, and maps `len`
/// bytes of it.
fn file_map(ctx: &Ctx, size: u64, len: usize, flags: MapFlags) -> (rawmap::OwnedFd, *mut u8) {
    let fd = sys::open(
        ctx.path,
        OFlags::RDWR | OFlags::CREAT,
        Mode::from_octal(0o600),
    )
    .unwrap();
    sys::ftruncate(fd.as_fd(), size).unwrap();
    // SAFETY: a new mapping of our own file, no hint.
    let p = unsafe { sys::mmap(ptr::null_mut(), len, rw(), flags, Some(fd.as_fd()), 0) }.unwrap();
    (fd, p.cast())
}

fn read(p: *mut u8) -> u8 {
    // SAFETY: deliberately unchecked: the scenarios touch memory that may
    // fault; the fault ends the child process, never the test harness.
    unsafe { p.read_volatile() }
}

fn write(p: *mut u8, v: u8) {
    // SAFETY: as for `read`.
    unsafe { p.write_volatile(v) }
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "shared file map, file truncated to 0 through another descriptor, read",
        signal: Some(SIGBUS),
        run: |ctx| {
            let page = rawmap::page_size();
            let (_fd, p) = file_map(ctx, 2 * page as u64, 2 * page, MapFlags::SHARED);
            write(p, 1);
            ctx.mark(VALID_ACCESS_DONE);
            let other = sys::open(ctx.path, OFlags::RDWR, Mode::empty()).unwrap();
            sys::ftruncate(other.as_fd(), 0).unwrap();
            read(p) as i32
        },
    },
    Scenario {
        name: "shared file map, truncate(path) to 1 page, page 0 still works, write page 1",
        signal: Some(SIGBUS),
        run: |ctx| {
            let page = rawmap::page_size();
            let (_fd, p) = file_map(ctx, 2 * page as u64, 2 * page, MapFlags::SHARED);
            sys::truncate(ctx.path, page as u64).unwrap();
            write(p, 1);
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: inside the 2-page mapping.
            write(unsafe { p.add(page) }, 1);
            0
        },
    },
    Scenario {
        name: "private file map, file truncated to 0 through another descriptor, read",
        signal: Some(SIGBUS),
        run: |ctx| {
            let page = rawmap::page_size();
            let (_fd, p) = file_map(ctx, 2 * page as u64, 2 * page, MapFlags::PRIVATE);
            // SAFETY: inside the mapping.
            read(unsafe { p.add(page) });
            ctx.mark(VALID_ACCESS_DONE);
            let other = sys::open(ctx.path, OFlags::RDWR, Mode::empty()).unwrap();
            sys::ftruncate(other.as_fd(), 0).unwrap();
            read(p) as i32
        },
    },
    Scenario {
        name: "map 3 pages of a file of 1 page + 10 bytes: page 1 reads zeros, page 2",
        signal: Some(SIGBUS),
        run: |ctx| {
            let page = rawmap::page_size();
            let (_fd, p) = file_map(ctx, page as u64 + 10, 3 * page, MapFlags::SHARED);
            // SAFETY: inside the mapping; past EOF but in EOF's page.
            if read(unsafe { p.add(page + 100) }) != 0 {
                return 10;
            }
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: inside the mapping, wholly past EOF.
            read(unsafe { p.add(2 * page) }) as i32
        },
    },
    Scenario {
        name: "PROT_NONE anonymous memory, read",
        signal: Some(SIGSEGV),
        run: |ctx| {
            let page = rawmap::page_size();
            let p = anon(2 * page, rw());
            write(p, 1);
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: our own mapping, no reference into it.
            unsafe { sys::mprotect(p.cast(), 2 * page, ProtFlags::NONE) }.unwrap();
            read(p) as i32
        },
    },
    Scenario {
        name: "PROT_NONE anonymous memory (mapped so), write",
        signal: Some(SIGSEGV),
        run: |ctx| {
            let page = rawmap::page_size();
            let p = anon(page, ProtFlags::NONE);
            ctx.mark(VALID_ACCESS_DONE);
            write(p, 1);
            0
        },
    },
    Scenario {
        name: "PROT_READ anonymous memory, write",
        signal: Some(SIGSEGV),
        run: |ctx| {
            let page = rawmap::page_size();
            let p = anon(page, ProtFlags::READ);
            if read(p) != 0 {
                return 10;
            }
            ctx.mark(VALID_ACCESS_DONE);
            write(p, 1);
            0
        },
    },
    Scenario {
        name: "anonymous memory after munmap, read",
        signal: Some(SIGSEGV),
        run: |ctx| {
            let page = rawmap::page_size();
            let p = anon(page, rw());
            write(p, 1);
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: our own mapping, unused afterwards except to fault.
            unsafe { sys::munmap(p.cast(), page) }.unwrap();
            read(p) as i32
        },
    },
    Scenario {
        name: "FAQ 7: one page past a mapping (the next page unmapped), write",
        signal: Some(SIGSEGV),
        run: |ctx| {
            let page = rawmap::page_size();
            let p = anon(2 * page, rw());
            // SAFETY: the second page of our own mapping; the child has one
            // thread, so nothing maps anything there afterwards.
            unsafe { sys::munmap(p.add(page).cast::<c_void>(), page) }.unwrap();
            // SAFETY: the last byte of the first page.
            write(unsafe { p.add(page - 1) }, 1);
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: deliberately one byte past the mapping.
            write(unsafe { p.add(page) }, 1);
            0
        },
    },
    Scenario {
        name: "FAQ 7: past the requested length but inside the last page (no signal)",
        signal: None,
        run: |ctx| {
            let page = rawmap::page_size();
            let len = page / 2;
            let p = anon(len, rw());
            write(p, 1);
            ctx.mark(VALID_ACCESS_DONE);
            // SAFETY: past `len` but inside the mapped page.
            write(unsafe { p.add(len) }, 2);
            // SAFETY: likewise.
            if read(unsafe { p.add(page - 1) }) != 0 {
                return 10;
            }
            0
        },
    },
];

#[test]
fn bad_accesses_raise_the_documented_signal() {
    let page = rawmap::page_size();
    let shared = {
        // SAFETY: a fresh shared anonymous page: the child's progress marks
        // stay visible to the parent.
        let p = unsafe {
            sys::mmap(
                ptr::null_mut(),
                page,
                rw(),
                MapFlags::SHARED | MapFlags::ANONYMOUS,
                None,
                0,
            )
        }
        .unwrap();
        // SAFETY: the page is zeroed, aligned and lives until the unmap below.
        unsafe { &*p.cast::<AtomicU32>() }
    };
    for s in SCENARIOS {
        let file = TmpFile::new("signals");
        shared.store(0, Ordering::SeqCst);
        let ctx = Ctx {
            progress: shared,
            path: file.c(),
        };
        let status = common::in_child(|| {
            ctx.mark(STARTED);
            let no_core = Rlimit { cur: 0, max: 0 };
            sys::prlimit64(0, Resource::CORE, Some(no_core)).unwrap();
            let code = (s.run)(&ctx);
            ctx.mark(BAD_ACCESS_SURVIVED);
            code
        });
        let progress = shared.load(Ordering::SeqCst);
        match s.signal {
            Some(sig) => {
                assert_eq!(
                    (status.term_signal(), progress),
                    (Some(sig), VALID_ACCESS_DONE),
                    "{}: child ended with {:?} (exit {:?}) after progress mark {}",
                    s.name,
                    status,
                    status.exit_code(),
                    progress
                );
            }
            None => assert_eq!(
                (status.exit_code(), progress),
                (Some(0), BAD_ACCESS_SURVIVED),
                "{}: child ended with {:?}",
                s.name,
                status
            ),
        }
        let what = s.signal.map_or(
            "no signal",
            |n| if n == SIGBUS { "SIGBUS" } else { "SIGSEGV" },
        );
        println!("signals: {} -> {what}", s.name);
    }
    // SAFETY: the progress page, unused from here on.
    unsafe { sys::munmap(ptr::from_ref(shared).cast_mut().cast(), page) }.unwrap();
    println!(
        "signals: {} scenarios, each in its own child",
        SCENARIOS.len()
    );
}
