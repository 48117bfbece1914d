//! `rawmap::Errno`: names and descriptions, a `Display` that needs no std,
//! comparison against constants, conversion into `std::io::Error`, and the
//! decoding rule (only `-4095..=-1` is an error).
mod common;

use core::fmt::Write as _;
use std::io;

use linux_raw_sys::errno as e;
use rawmap::sys::{self, Whence};
use rawmap::{Errno, MapFlags, Mode, OFlags, ProtFlags};

/// A fixed-size `core::fmt::Write` sink: formatting with no allocation and
/// no std machinery.
struct Buf {
    bytes: [u8; 128],
    len: usize,
}

impl Buf {
    fn new() -> Self {
        Self {
            bytes: [0; 128],
            len: 0,
        }
    }
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap()
    }
}

impl core::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(core::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// (number from linux_raw_sys, name, description) for the errors rawmap's
/// wrappers document. The descriptions are the kernel's own (the comments
/// of `errno-base.h`/`errno.h`), which differ from glibc's `strerror` in a
/// few places: "Bad file number", "Out of memory".
const KNOWN: [(u32, &str, &str); 14] = [
    (e::EPERM, "EPERM", "Operation not permitted"),
    (e::ENOENT, "ENOENT", "No such file or directory"),
    (e::ESRCH, "ESRCH", "No such process"),
    (e::EBADF, "EBADF", "Bad file number"),
    (e::ECHILD, "ECHILD", "No child processes"),
    (e::ENOMEM, "ENOMEM", "Out of memory"),
    (e::EACCES, "EACCES", "Permission denied"),
    (e::EFAULT, "EFAULT", "Bad address"),
    (e::EEXIST, "EEXIST", "File exists"),
    (e::ENODEV, "ENODEV", "No such device"),
    (e::ENOTDIR, "ENOTDIR", "Not a directory"),
    (e::EISDIR, "EISDIR", "Is a directory"),
    (e::EINVAL, "EINVAL", "Invalid argument"),
    (
        e::EOVERFLOW,
        "EOVERFLOW",
        "Value too large for defined data type",
    ),
];

#[test]
fn name_and_description_come_from_the_tables() {
    for (n, name, desc) in KNOWN {
        let err = Errno::new(n as i32);
        assert_eq!(err.name(), Some(name));
        assert_eq!(err.description(), Some(desc));
        assert_eq!(err.into_raw(), n as i32);
    }
    assert_eq!(Errno::EINVAL.name(), Some("EINVAL"));
    assert_eq!(Errno::EINVAL.description(), Some("Invalid argument"));
}

#[test]
fn every_linux_errno_has_a_name() {
    // 1..=EHWPOISON is the whole errno space of Linux on these arches.
    for n in 1..=e::EHWPOISON as i32 {
        // Linux leaves 41 and 58 unused.
        if n == 41 || n == 58 {
            continue;
        }
        let err = Errno::new(n);
        assert!(err.name().is_some_and(|s| s.starts_with('E')), "{n}");
        assert!(err.description().is_some(), "{n}");
    }
}

#[test]
fn unknown_numbers_have_no_name() {
    assert_eq!(Errno::new(4000).name(), None);
    assert_eq!(Errno::new(4000).description(), None);
}

#[test]
fn display_formats_without_std_as_name_and_description() {
    // Exactly `NAME (description)`: no sign, no number (`into_raw()` is
    // the positive number; a `-2` in front would contradict it).
    let mut buf = Buf::new();
    write!(buf, "{}", Errno::EINVAL).unwrap();
    assert_eq!(buf.as_str(), "EINVAL (Invalid argument)");
    let mut buf = Buf::new();
    write!(buf, "{}", Errno::ENOENT).unwrap();
    assert_eq!(buf.as_str(), "ENOENT (No such file or directory)");
    // Debug is the bare name.
    let mut buf = Buf::new();
    write!(buf, "{:?}", Errno::EACCES).unwrap();
    assert_eq!(buf.as_str(), "EACCES");
    let mut buf = Buf::new();
    write!(buf, "{:?}", Err::<(), _>(Errno::ENODEV)).unwrap();
    assert_eq!(buf.as_str(), "Err(ENODEV)");
    // An unknown number still formats (no panic, no empty string).
    let mut buf = Buf::new();
    write!(buf, "{}", Errno::new(4000)).unwrap();
    assert_eq!(buf.as_str(), "unknown error 4000");
    let mut buf = Buf::new();
    write!(buf, "{:?}", Errno::new(4000)).unwrap();
    assert_eq!(buf.as_str(), "Errno(4000)");
}

#[test]
fn is_a_core_error_and_its_own_type() {
    // `core::error::Error` (not only `std::error::Error` with std).
    fn takes_core_error<E: core::error::Error + 'static>(e: E) -> &'static str {
        let b: Box<dyn core::error::Error> = Box::new(e);
        assert!(b.source().is_none());
        "ok"
    }
    assert_eq!(takes_core_error(Errno::EIO), "ok");
    // `#[repr(transparent)]` over an i32, and not `syscalls::Errno` (whose
    // `Display` starts with the negated number).
    assert_eq!(size_of::<Errno>(), size_of::<i32>());
    assert_eq!(align_of::<Errno>(), align_of::<i32>());
    assert_ne!(
        std::any::TypeId::of::<Errno>(),
        std::any::TypeId::of::<syscalls::Errno>()
    );
    assert_eq!(Errno::from_raw(22), Errno::EINVAL);
    assert_eq!(Errno::from_raw(-5).into_raw(), -5); // total: any i32
    assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    assert_eq!(Errno::EHWPOISON.into_raw(), e::EHWPOISON as i32);
}

#[test]
fn compares_against_constants_and_in_patterns() {
    assert_eq!(Errno::EINVAL, Errno::new(e::EINVAL as i32));
    assert_ne!(Errno::EINVAL, Errno::ENOMEM);
    assert_eq!(Errno::EINVAL.into_raw(), 22);
    // SAFETY: a zero-length munmap fails before unmapping anything.
    let r = unsafe { sys::munmap(rawmap::page_size() as *mut _, 0) };
    assert_eq!(r, Err(Errno::EINVAL));
    // Constants work as match patterns.
    let what = match r {
        Err(Errno::EINVAL) => "einval",
        Err(Errno::ENOMEM) => "enomem",
        _ => "other",
    };
    assert_eq!(what, "einval");
    // Errno is a plain i32, as cheap to copy and compare as one.
    assert_eq!(size_of::<Errno>(), size_of::<i32>());
}

#[test]
fn converts_into_std_io_error() {
    let err: io::Error = Errno::ENOENT.into();
    assert_eq!(err.raw_os_error(), Some(e::ENOENT as i32));
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    let err = io::Error::from(Errno::EACCES);
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    let err = io::Error::from(Errno::EINVAL);
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    for (errno, kind) in [
        (Errno::EEXIST, io::ErrorKind::AlreadyExists),
        (Errno::ENOMEM, io::ErrorKind::OutOfMemory),
        (Errno::EINTR, io::ErrorKind::Interrupted),
        (Errno::EAGAIN, io::ErrorKind::WouldBlock),
        (Errno::ENOTDIR, io::ErrorKind::NotADirectory),
        (Errno::EISDIR, io::ErrorKind::IsADirectory),
    ] {
        let err = io::Error::from(errno);
        assert_eq!(err.kind(), kind, "{errno}");
        // And back.
        assert_eq!(Errno::from_io_error(&err), Some(errno));
    }
    assert_eq!(Errno::from_io_error(&io::Error::other("x")), None);
    // The same error std reports for the same failure.
    let missing = common::TmpFile::new("errno-missing");
    let ours = sys::open(missing.c(), OFlags::RDONLY, Mode::empty()).unwrap_err();
    let std_err = std::fs::File::open(missing.path()).unwrap_err();
    assert_eq!(io::Error::from(ours).kind(), std_err.kind());
    assert_eq!(Some(ours.into_raw()), std_err.raw_os_error());
}

#[test]
fn question_mark_converts_in_io_result_functions() {
    fn open_missing(path: &std::ffi::CStr) -> io::Result<()> {
        sys::open(path, OFlags::RDONLY, Mode::empty())?;
        Ok(())
    }
    let missing = common::TmpFile::new("errno-q");
    let err = open_missing(missing.c()).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(e::ENOENT as i32));
    // And as a boxed std error.
    let boxed: Box<dyn std::error::Error> = Box::new(Errno::EBADF);
    assert!(boxed.to_string().contains("EBADF"));
}

#[test]
fn only_minus_4095_to_minus_1_decodes_as_an_error() {
    let neg = |n: isize| n as usize;
    assert_eq!(Errno::from_ret(0), Ok(0));
    assert_eq!(Errno::from_ret(neg(-1)), Err(Errno::EPERM));
    assert_eq!(Errno::from_ret(neg(-22)), Err(Errno::EINVAL));
    assert_eq!(Errno::from_ret(neg(-4095)), Err(Errno::new(4095)));
    // -4096 and everything below: a success value, even in the top half
    // of the address space.
    assert_eq!(Errno::from_ret(neg(-4096)), Ok(neg(-4096)));
    let top_bit = 1usize << (usize::BITS - 1);
    assert_eq!(Errno::from_ret(top_bit), Ok(top_bit));
    assert_eq!(Errno::from_ret(usize::MAX / 2), Ok(usize::MAX / 2));
}

/// User mappings never reach the top half of the address space (user space
/// ends at 2^47, 2^48, 2^52 or 2^56 depending on arch and paging mode), so
/// `mmap` cannot show the decoding rule on a top-half address. `lseek` on
/// `/proc/self/mem` can: its file position is a raw address and the kernel
/// forces a successful return for any value, so a position in the top half
/// travels through the same decoder.
///
/// 64-bit only: on the 32-bit arches `lseek` is `_llseek`, which returns 0
/// and writes the position to memory, and only for a non-negative one
/// (`fs/read_write.c`); `lseek_past_4_gib_on_32_bit` below checks what it
/// carries there.
#[cfg(target_pointer_width = "64")]
#[test]
fn top_half_value_from_the_kernel_is_not_an_error() {
    let mem = sys::open(c"/proc/self/mem", OFlags::RDONLY, Mode::empty()).unwrap();
    let top = (-4096i64) as u64; // 0xffff_ffff_ffff_f000
    assert_eq!(sys::lseek(mem.as_fd(), -4096, Whence::Set), Ok(top));
    assert_eq!(sys::lseek(mem.as_fd(), i64::MIN, Whence::Set), Ok(1 << 63));
    // The limit of any decoder: a position of -1 is indistinguishable from
    // the kernel's -EPERM. rawmap (like libc) reports it as EPERM.
    assert_eq!(sys::lseek(mem.as_fd(), -1, Whence::Set), Err(Errno::EPERM));
}

/// On the 32-bit arches a file position does not fit the return register:
/// `_llseek` carries it (a plain `lseek` there has a 32-bit `off_t` and
/// answers `EOVERFLOW`). `/proc/self/mem` takes any position.
#[cfg(target_pointer_width = "32")]
#[test]
fn lseek_past_4_gib_on_32_bit() {
    let mem = sys::open(c"/proc/self/mem", OFlags::RDONLY, Mode::empty()).unwrap();
    let far = (5u64 << 30) + 4096;
    assert_eq!(sys::lseek(mem.as_fd(), far as i64, Whence::Set), Ok(far));
    assert_eq!(sys::lseek(mem.as_fd(), 4096, Whence::Cur), Ok(far + 4096));
}

#[test]
fn mmap_addresses_are_never_in_the_error_range() {
    // The highest address mmap returned is still far below -4095.
    let ps = rawmap::page_size();
    // SAFETY: a new mapping, no hint.
    let p = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            ps,
            ProtFlags::READ,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap();
    assert!((p as usize) < 0usize.wrapping_sub(4095));
    assert!(Errno::from_ret(p as usize).is_ok());
    // SAFETY: our mapping, unused.
    unsafe { sys::munmap(p, ps) }.unwrap();
}
