//! Model-based test of the raw memory calls: random sequences of map,
//! unmap (whole and partial), protect, write, advise and remap on anonymous
//! memory, each step checked against a model of the address space.
//!
//! Everything happens inside one `PROT_NONE` reservation of `PAGES` pages,
//! fenced by a shared anonymous page at each end (a shared mapping never
//! merges with private ones, so the kernel cannot extend a model mapping
//! past the fences). Maps use `MAP_FIXED` inside the reservation, so the
//! addresses are known. The model holds, per page, "unmapped" or
//! `(prot, tag)`, where the tag is the value last written at both ends of
//! the page (0 for a fresh or discarded page). After every step:
//!
//! - the call's answer must be the predicted one (address, or errno);
//! - /proc/self/maps must show, page by page, the model's permissions, and
//!   nothing where the model has a hole (compared per page, because the
//!   kernel merges and splits ranges as it likes);
//! - every readable page must read back its tag.
//!
//! `mremap` needs its old range to lie in one kernel mapping (VMA), and
//! whether it can grow in place depends on where that VMA ends; which
//! adjacent ranges the kernel merged into one VMA is not part of the model:
//! the test asks /proc/self/maps (one line per VMA) and predicts from that.
//!
//! Under qemu-user the same sequences run against qemu's emulation, whose
//! documented answers differ (and are asserted): `madvise` returns 0 for
//! everything, even over holes, and only `MADV_DONTNEED` over a fully mapped
//! range reaches the kernel (and zeroes). `mprotect` over a range that has a
//! hole after its first page is not issued under qemu: qemu 7.2 passes the
//! whole range to the host kernel, which changes the pages before the hole
//! and fails with `ENOMEM`, and qemu then leaves its own page table
//! unchanged; the guest's view and the host's disagree from then on (its
//! /proc/self/maps shows the host's merged range with the wrong permissions,
//! and a read of a page qemu still calls readable faults). Under qemu such a
//! step is cut short before the hole (counted in the output); a range that
//! starts at a hole is still issued (`ENOMEM`, nothing changes, as natively).
//! `MREMAP_DONTUNMAP` is not issued under qemu either: qemu 7.2 drops the
//! old range from its page table while the host keeps it mapped, and its
//! /proc/self/maps emulation then hides the host mapping that contains it,
//! neighbours included; such steps run as a plain `MREMAP_FIXED` move.
//! Otherwise qemu's emulated /proc/self/maps agrees with the model.
//!
//! Nothing else in this binary maps memory while a sequence runs (one test),
//! so holes in the reservation stay holes.
mod common;

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use rawmap::{Advice, MapFlags, MremapFlags, ProtFlags, sys};

/// Pages the model covers.
const PAGES: usize = 40;
/// Longest range one step touches.
const MAX_RUN: usize = 8;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Prot {
    None,
    Read,
    ReadWrite,
}

impl Prot {
    fn flags(self) -> ProtFlags {
        match self {
            Prot::None => ProtFlags::NONE,
            Prot::Read => ProtFlags::READ,
            Prot::ReadWrite => ProtFlags::READ | ProtFlags::WRITE,
        }
    }
    fn perms(self) -> &'static str {
        match self {
            Prot::None => "---p",
            Prot::Read => "r--p",
            Prot::ReadWrite => "rw-p",
        }
    }
    fn from_perms(p: &str) -> Prot {
        match &p[..3] {
            "---" => Prot::None,
            "r--" => Prot::Read,
            "rw-" => Prot::ReadWrite,
            other => panic!("unexpected permissions {other} in the model area"),
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Page {
    prot: Prot,
    tag: u64,
}

#[derive(Copy, Clone, Debug)]
enum Remap {
    /// Shrink or grow where it is (flags 0).
    InPlace,
    /// `MAYMOVE | FIXED` to page `dest`.
    To(usize),
    /// `MAYMOVE | FIXED | DONTUNMAP` to page `dest` (same length).
    DontUnmap(usize),
}

#[derive(Copy, Clone, Debug)]
enum Op {
    Map {
        start: usize,
        n: usize,
        prot: Prot,
    },
    Unmap {
        start: usize,
        n: usize,
    },
    Protect {
        start: usize,
        n: usize,
        prot: Prot,
    },
    Write {
        start: usize,
        n: usize,
    },
    Advise {
        start: usize,
        n: usize,
        advice: u32,
    },
    Remap {
        start: usize,
        old_n: usize,
        new_n: usize,
        how: Remap,
    },
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Map { .. } => "map",
            Op::Unmap { .. } => "unmap",
            Op::Protect { .. } => "protect",
            Op::Write { .. } => "write",
            Op::Advise { .. } => "advise",
            Op::Remap { .. } => "remap",
        }
    }
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let prot = prop_oneof![Just(Prot::None), Just(Prot::Read), Just(Prot::ReadWrite)];
    let start = 0..PAGES;
    let n = 1..=MAX_RUN;
    let advice = proptest::sample::select(vec![
        Advice::DONTNEED.as_raw(),
        Advice::DONTNEED.as_raw(),
        Advice::WILLNEED.as_raw(),
        Advice::NORMAL.as_raw(),
        Advice::RANDOM.as_raw(),
        Advice::SEQUENTIAL.as_raw(),
        Advice::COLD.as_raw(),
        Advice::PAGEOUT.as_raw(),
        Advice::HUGEPAGE.as_raw(),
        Advice::NOHUGEPAGE.as_raw(),
    ]);
    let how = prop_oneof![
        3 => Just(Remap::InPlace),
        3 => (0..PAGES).prop_map(Remap::To),
        1 => (0..PAGES).prop_map(Remap::DontUnmap),
    ];
    prop_oneof![
        3 => (start.clone(), n.clone(), prot.clone())
            .prop_map(|(start, n, prot)| Op::Map { start, n, prot }),
        2 => (start.clone(), n.clone()).prop_map(|(start, n)| Op::Unmap { start, n }),
        3 => (start.clone(), n.clone(), prot)
            .prop_map(|(start, n, prot)| Op::Protect { start, n, prot }),
        3 => (start.clone(), n.clone()).prop_map(|(start, n)| Op::Write { start, n }),
        2 => (start.clone(), n.clone(), advice)
            .prop_map(|(start, n, advice)| Op::Advise { start, n, advice }),
        3 => (start, n.clone(), n, how).prop_map(|(start, old_n, new_n, how)| Op::Remap {
            start,
            old_n,
            new_n,
            how,
        }),
    ]
}

/// The reservation (with its two fence pages) and the model of its pages.
struct Space {
    /// Address of model page 0 (the first fence is one page below).
    base: usize,
    pages: Vec<Option<Page>>,
    next_tag: u64,
    qemu: bool,
    /// Protect steps cut short before a hole under qemu.
    qemu_cut: u32,
}

impl Space {
    fn new(qemu: bool) -> Self {
        let page = rawmap::page_size();
        let total = (PAGES + 2) * page;
        // SAFETY: a fresh reservation, no hint.
        let start = unsafe {
            sys::mmap(
                ptr::null_mut(),
                total,
                ProtFlags::NONE,
                MapFlags::PRIVATE | MapFlags::ANONYMOUS | MapFlags::NORESERVE,
                None,
                0,
            )
        }
        .unwrap() as usize;
        for fence in [start, start + (PAGES + 1) * page] {
            // SAFETY: MAP_FIXED over a page of our own fresh reservation.
            let p = unsafe {
                sys::mmap(
                    fence as *mut c_void,
                    page,
                    ProtFlags::NONE,
                    MapFlags::SHARED | MapFlags::ANONYMOUS | MapFlags::FIXED,
                    None,
                    0,
                )
            };
            assert_eq!(p, Ok(fence as *mut c_void));
        }
        Self {
            base: start + page,
            pages: vec![
                Some(Page {
                    prot: Prot::None,
                    tag: 0
                });
                PAGES
            ],
            next_tag: 1,
            qemu,
            qemu_cut: 0,
        }
    }

    fn at(&self, i: usize) -> *mut c_void {
        (self.base + i * rawmap::page_size()) as *mut c_void
    }

    /// Writes `tag` at both ends of page `i`.
    fn write_tag(&self, i: usize, tag: u64) {
        let page = rawmap::page_size();
        let p = self.at(i).cast::<u64>();
        // SAFETY: page `i` is mapped read-write (the model says so and the
        // maps check confirmed it); both words lie inside it.
        unsafe {
            p.write_volatile(tag);
            p.add(page / 8 - 1).write_volatile(tag);
        }
    }

    /// Reads the tags at both ends of page `i`.
    fn read_tag(&self, i: usize) -> (u64, u64) {
        let page = rawmap::page_size();
        let p = self.at(i).cast::<u64>();
        // SAFETY: page `i` is mapped readable (checked against maps first).
        unsafe { (p.read_volatile(), p.add(page / 8 - 1).read_volatile()) }
    }

    /// The kernel mapping (VMA) that contains page `i`, as model page
    /// indices `[first, end)` (clipped to the model area).
    fn vma_of(&self, i: usize) -> Option<(usize, usize)> {
        let page = rawmap::page_size();
        let addr = self.at(i) as usize;
        common::maps_ranges()
            .into_iter()
            .find(|(a, b, _)| (*a..*b).contains(&addr))
            .map(|(a, b, _)| {
                let first = a.max(self.base);
                let last = b.min(self.base + PAGES * page);
                ((first - self.base) / page, (last - self.base) / page)
            })
    }

    /// Runs one step and checks its answer against the model's prediction;
    /// updates the model. Returns the outcome for the tally.
    fn step(&mut self, op: Op) -> Result<Result<(), i32>, TestCaseError> {
        let page = rawmap::page_size();
        let clamp = |start: usize, n: usize| n.min(PAGES - start);
        match op {
            Op::Map { start, n, prot } => {
                let n = clamp(start, n);
                // SAFETY: MAP_FIXED inside the reservation, whose pages no
                // Rust reference points into.
                let r = unsafe {
                    sys::mmap(
                        self.at(start),
                        n * page,
                        prot.flags(),
                        MapFlags::PRIVATE | MapFlags::ANONYMOUS | MapFlags::FIXED,
                        None,
                        0,
                    )
                };
                prop_assert_eq!(r, Ok(self.at(start)));
                for p in &mut self.pages[start..start + n] {
                    *p = Some(Page { prot, tag: 0 });
                }
                Ok(Ok(()))
            }
            Op::Unmap { start, n } => {
                let n = clamp(start, n);
                // SAFETY: pages of the reservation, unused by Rust.
                let r = unsafe { sys::munmap(self.at(start), n * page) };
                prop_assert_eq!(r, Ok(()), "munmap succeeds even over holes");
                for p in &mut self.pages[start..start + n] {
                    *p = None;
                }
                Ok(Ok(()))
            }
            Op::Protect { start, n, prot } => {
                let mut n = clamp(start, n);
                if self.qemu
                    && let Some(h) = self.pages[start..start + n]
                        .iter()
                        .position(Option::is_none)
                    && h > 0
                {
                    // Cut short before the hole under qemu (module docs).
                    n = h;
                    self.qemu_cut += 1;
                }
                // SAFETY: pages of the reservation, unused by Rust.
                let r = unsafe { sys::mprotect(self.at(start), n * page, prot.flags()) };
                let range = start..start + n;
                let hole = self.pages[range.clone()].iter().position(Option::is_none);
                // The kernel changes the pages before the first hole.
                let changed = hole.unwrap_or(n);
                let expected = if hole.is_some() {
                    Err(rawmap::Errno::ENOMEM)
                } else {
                    Ok(())
                };
                prop_assert_eq!(r, expected);
                for p in self.pages[start..start + changed].iter_mut().flatten() {
                    p.prot = prot;
                }
                Ok(r.map_err(|e| e.into_raw()))
            }
            Op::Write { start, n } => {
                for i in start..start + clamp(start, n) {
                    if let Some(p) = self.pages[i]
                        && p.prot == Prot::ReadWrite
                    {
                        let tag = self.next_tag;
                        self.next_tag += 1;
                        self.write_tag(i, tag);
                        self.pages[i] = Some(Page { tag, ..p });
                    }
                }
                Ok(Ok(()))
            }
            Op::Advise { start, n, advice } => {
                let n = clamp(start, n);
                // SAFETY: pages of the reservation; DONTNEED discards
                // contents no Rust reference depends on.
                let r = unsafe { sys::madvise(self.at(start), n * page, Advice::from_raw(advice)) };
                let range = start..start + n;
                let full = self.pages[range.clone()].iter().all(Option::is_some);
                let expected = if full || self.qemu {
                    Ok(())
                } else {
                    Err(rawmap::Errno::ENOMEM)
                };
                prop_assert_eq!(r, expected);
                // The kernel discards every mapped page of the range; qemu
                // passes DONTNEED on only for a fully mapped range.
                if advice == Advice::DONTNEED.as_raw() && (full || !self.qemu) {
                    for p in self.pages[range].iter_mut().flatten() {
                        p.tag = 0;
                    }
                }
                Ok(r.map_err(|e| e.into_raw()))
            }
            Op::Remap {
                start,
                old_n,
                new_n,
                how,
            } => self.remap(start, old_n, new_n, how),
        }
    }

    fn remap(
        &mut self,
        start: usize,
        old_n: usize,
        new_n: usize,
        how: Remap,
    ) -> Result<Result<(), i32>, TestCaseError> {
        let page = rawmap::page_size();
        let how = match how {
            // Not issued under qemu (module docs): a plain move instead.
            Remap::DontUnmap(d) if self.qemu => Remap::To(d),
            how => how,
        };
        let Some(first) = self.pages[start] else {
            // Nothing mapped at the old address.
            // SAFETY: a hole of the reservation; nothing changes.
            let r = unsafe {
                sys::mremap(
                    self.at(start),
                    page,
                    2 * page,
                    MremapFlags::MAYMOVE,
                    ptr::null_mut(),
                )
            };
            prop_assert_eq!(r, Err(rawmap::Errno::EFAULT));
            return Ok(Err(libc::EFAULT));
        };
        let (_, vma_end) = self.vma_of(start).expect("a mapped page is in a VMA");
        // The old range must lie inside one VMA.
        let old_n = old_n.min(vma_end - start);
        let old = start..start + old_n;
        let (flags, dest, new_n) = match how {
            Remap::InPlace => (MremapFlags::empty(), start, new_n.min(PAGES - start)),
            Remap::To(d) => (
                MremapFlags::MAYMOVE | MremapFlags::FIXED,
                d,
                new_n.min(PAGES - d),
            ),
            Remap::DontUnmap(d) => {
                let d = d.min(PAGES - old_n);
                let f = MremapFlags::MAYMOVE | MremapFlags::FIXED | MremapFlags::DONTUNMAP;
                (f, d, old_n)
            }
        };
        let new = dest..dest + new_n;
        let overlap = !matches!(how, Remap::InPlace) && new.start < old.end && old.start < new.end;
        let expected = match how {
            _ if overlap => Err(rawmap::Errno::EINVAL),
            Remap::InPlace if new_n <= old_n => Ok(self.at(start)),
            Remap::InPlace => {
                let room = self.pages[old.end..start + new_n]
                    .iter()
                    .all(Option::is_none);
                if old.end == vma_end && room {
                    Ok(self.at(start))
                } else {
                    Err(rawmap::Errno::ENOMEM)
                }
            }
            Remap::To(_) | Remap::DontUnmap(_) => Ok(self.at(dest)),
        };
        let new_addr = if flags.contains(MremapFlags::FIXED) {
            self.at(dest)
        } else {
            ptr::null_mut()
        };
        // SAFETY: the old range is one mapping of the reservation, the
        // destination lies in the reservation; no Rust reference points
        // into either.
        let r = unsafe { sys::mremap(self.at(start), old_n * page, new_n * page, flags, new_addr) };
        prop_assert_eq!(
            r,
            expected,
            "mremap(page {}, {} -> {} pages, {:?}, page {}), VMA ends at page {}",
            start,
            old_n,
            new_n,
            flags,
            dest,
            vma_end
        );
        if r.is_err() {
            return Ok(r.map(|_| ()).map_err(|e| e.into_raw()));
        }
        // The pages that move (or stay), then the new ones.
        let kept: Vec<Option<Page>> = self.pages[start..start + old_n.min(new_n)].to_vec();
        match how {
            Remap::InPlace => {
                for p in &mut self.pages[start + new_n.min(old_n)..start + old_n] {
                    *p = None;
                }
            }
            Remap::To(_) => {
                for p in &mut self.pages[old.clone()] {
                    *p = None;
                }
            }
            Remap::DontUnmap(_) => {
                // The old range stays mapped, empty.
                for p in self.pages[old.clone()].iter_mut().flatten() {
                    p.tag = 0;
                }
            }
        }
        for (i, slot) in new.enumerate() {
            self.pages[slot] = match kept.get(i) {
                Some(p) => *p,
                None => Some(Page {
                    prot: first.prot,
                    tag: 0,
                }),
            };
        }
        Ok(Ok(()))
    }

    /// Compares /proc/self/maps and the memory contents with the model.
    fn verify(&self) -> Result<(), TestCaseError> {
        let page = rawmap::page_size();
        let seen = common::page_perms(self.base - page, PAGES + 2);
        for fence in [seen[0].as_deref(), seen[PAGES + 1].as_deref()] {
            prop_assert_eq!(fence, Some("---s"), "a fence page changed");
        }
        let seen = &seen[1..=PAGES];
        let want: Vec<Option<&str>> = self
            .pages
            .iter()
            .map(|p| p.map(|p| p.prot.perms()))
            .collect();
        let got: Vec<Option<&str>> = seen.iter().map(|p| p.as_deref()).collect();
        prop_assert_eq!(
            got,
            want,
            "/proc/self/maps differs from the model (page by page)"
        );
        for (i, p) in self.pages.iter().enumerate() {
            if let Some(p) = p
                && p.prot != Prot::None
            {
                // The permission check above makes this read safe.
                debug_assert_eq!(Prot::from_perms(seen[i].as_deref().unwrap()), p.prot);
                let (head, tail) = self.read_tag(i);
                prop_assert_eq!((head, tail), (p.tag, p.tag), "contents of page {}", i);
            }
        }
        Ok(())
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        let page = rawmap::page_size();
        // SAFETY: the whole reservation with its fences, unused from here on.
        let _ = unsafe { sys::munmap((self.base - page) as *mut c_void, (PAGES + 2) * page) };
    }
}

#[test]
fn address_space_follows_the_model() {
    if common::qemu_32bit_guest() {
        // With a 32-bit guest qemu-user 7.2 keeps every hole reserved with
        // a host PROT_NONE mapping (common::qemu_32bit_guest): mprotect
        // over a hole succeeds on the host, the VMAs the mremap
        // predictions read from /proc/self/maps are the host's merged
        // reservation, and qemu's maps shows or hides PROT_NONE pages by
        // their neighbours; a run ends in SIGSEGV. The model runs on i686
        // natively (the real compat kernel) and on every 64-bit arch.
        eprintln!(
            "skipped: qemu-user 7.2 with a 32-bit guest keeps holes as host reservations; the model needs a kernel's holes (runs natively on i686)"
        );
        return;
    }
    let qemu = common::under_qemu().is_some();
    let sequences = common::cases(600, 100);
    let steps = std::cell::Cell::new(0u64);
    let qemu_cut = std::cell::Cell::new(0u32);
    let by_op = std::cell::RefCell::new(BTreeMap::<String, u32>::new());
    let tally = common::Tally::default();
    let mut runner = TestRunner::new(common::fixed_config(0x6d6f_6465, sequences));
    let strategy = proptest::collection::vec(op_strategy(), 1..60);
    let result = runner.run(&strategy, |ops| {
        let mut space = Space::new(qemu);
        space.verify()?;
        for (i, op) in ops.iter().enumerate() {
            let outcome = space.step(*op).map_err(|e| {
                TestCaseError::fail(format!("step {i} {op:?}: {e}\nmodel: {:?}", space.pages))
            })?;
            space.verify().map_err(|e| {
                TestCaseError::fail(format!(
                    "after step {i} {op:?}: {e}\nmodel: {:?}",
                    space.pages
                ))
            })?;
            steps.set(steps.get() + 1);
            let key = match &outcome {
                Ok(()) => format!("{} ok", op.kind()),
                Err(e) => format!("{} {}", op.kind(), common::errno_name(*e)),
            };
            *by_op.borrow_mut().entry(key).or_insert(0) += 1;
            tally.record(&outcome);
        }
        qemu_cut.set(qemu_cut.get() + space.qemu_cut);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let by_op = by_op.into_inner();
    println!(
        "model: {sequences} sequences, {} steps, each checked against /proc/self/maps and \
         the page contents; steps by outcome: {:?}",
        steps.get(),
        by_op
    );
    if qemu {
        println!(
            "model: under qemu, MREMAP_DONTUNMAP steps run as plain MREMAP_FIXED moves \
             (qemu 7.2 loses track of the old range; see the module docs)"
        );
        println!(
            "model: under qemu, {} protect steps were cut short before a hole (qemu 7.2 \
             leaves its page table and the host's out of step; see the module docs)",
            qemu_cut.get()
        );
    }
    tally.finish("model", &["ok", "ENOMEM", "EFAULT", "EINVAL"]);
    for key in ["remap ok", "protect ENOMEM", "remap ENOMEM"] {
        assert!(by_op.contains_key(key), "no step reached {key}");
    }
}
