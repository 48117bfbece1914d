//! `vminit`: the `/init` of the real-kernel lane (`.ci/vm-test`), and an
//! init program written with rawmap alone: no libc, no shell, no busybox.
//!
//! It is the only userspace of a VM booted from an initramfs. It mounts what
//! the tests need (`/proc`, `/sys`, `/dev`, a tmpfs on `/dev/shm`,
//! hugetlbfs, an ext4 scratch disk for `TMPDIR`), loads the
//! kernel modules listed in `/lib/modules/order`, reserves a huge-page pool,
//! prints the kernel, its page size (`AT_PAGESZ`) and the CPU's features,
//! runs every test binary listed in `/t/list` in a child (`fork`, `chdir`,
//! `execve`, `wait4`), reports each one's exit status and time, and powers
//! the machine off.
//!
//! Parameters come on the kernel command line (the kernel keeps dotted
//! words for itself; they are read back from `/proc/cmdline`):
//! `rawmap.vm=NAME` (exported as `RAWMAP_VM`), `rawmap.full=1` (exports
//! `RAWMAP_VM_FULL_LEAKS=1`: the leak suite's full cycle count), `rawmap.threads=N` (libtest's `--test-threads`),
//! `rawmap.only=a,b` (run only these binaries), `rawmap.pkg=DIR` (the
//! directory the tests run in: the package, mirrored at its host path).
//!
//! What rawmap has no wrapper for (it is a memory-mapping crate) goes
//! through the `syscalls` crate directly: `mount`, `mkdirat`, `chdir`,
//! `execve`, `finit_module`, `clock_gettime` (`clock_gettime64` on 32-bit),
//! `uname`, `sync`, `reboot`.
#![no_std]
#![no_main]

use core::ffi::CStr;
use core::fmt::{self, Write};

use rawmap::Errno;
use rawmap::rt::{Args, println};
use rawmap::sys;
use rawmap::{File, Mode, OFlags};
use syscalls::{Sysno, raw};

rawmap::rt::entry!(main);

/// A byte string built on the stack, NUL-terminated on demand.
struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }
    /// Appends what fits (one byte is kept for the NUL).
    fn push(&mut self, s: &[u8]) -> &mut Self {
        let n = s.len().min(N - 1 - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s[..n]);
        self.len += n;
        self
    }
    /// Appends `v` in decimal.
    fn push_num(&mut self, v: u64) -> &mut Self {
        let _ = write!(self, "{v}");
        self
    }
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
    fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("?")
    }
    /// The contents as a C string (the byte after them is always 0).
    fn as_c_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }
    fn clear(&mut self) {
        self.bytes = [0; N];
        self.len = 0;
    }
}

impl<const N: usize> fmt::Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Decodes a raw system-call return value.
fn ret(r: usize) -> Result<usize, Errno> {
    Errno::from_ret(r)
}

fn name(e: Errno) -> &'static str {
    e.name().unwrap_or("E?")
}

/// `mount(2)` with no data.
fn mount(source: &CStr, target: &CStr, fstype: &CStr) -> Result<(), Errno> {
    // SAFETY: three C strings, no data pointer.
    ret(unsafe {
        raw::syscall5(
            Sysno::mount as usize,
            source.as_ptr() as usize,
            target.as_ptr() as usize,
            fstype.as_ptr() as usize,
            0,
            0,
        )
    })
    .map(drop)
}

/// `mkdirat(AT_FDCWD, path, 0755)`; an existing directory is fine.
fn mkdir(path: &CStr) -> Result<(), Errno> {
    // SAFETY: a C string.
    match ret(unsafe {
        raw::syscall3(
            Sysno::mkdirat as usize,
            linux_raw_sys::general::AT_FDCWD as isize as usize,
            path.as_ptr() as usize,
            0o755,
        )
    }) {
        Ok(_) | Err(Errno::EEXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Mounts and says so only when it fails.
fn mount_or_say(source: &CStr, target: &CStr, fstype: &CStr) -> bool {
    let r = mkdir(target).and_then(|()| mount(source, target, fstype));
    if let Err(e) = r {
        println!("vm: mount {:?} on {:?}: {}", fstype, target, name(e));
    }
    r.is_ok()
}

/// Reads a whole (small) file into `buf`.
fn read_file<const N: usize>(path: &CStr, buf: &mut Buf<N>) -> Result<(), Errno> {
    buf.clear();
    let file = File::open(path)?;
    loop {
        let room = N - 1 - buf.len;
        if room == 0 {
            return Ok(());
        }
        let n = sys::read(file.as_fd(), &mut buf.bytes[buf.len..buf.len + room])?;
        if n == 0 {
            return Ok(());
        }
        buf.len += n;
    }
}

/// Writes `bytes` to an existing file (a sysctl).
fn write_file(path: &CStr, bytes: &[u8]) -> Result<(), Errno> {
    let fd = sys::open(path, OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty())?;
    sys::write(fd.as_fd(), bytes).map(drop)
}

/// The value of `key: ` in a `/proc` file's lines (`Hugepagesize`, ...).
fn field<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    text.split(|&b| b == b'\n').find_map(|line| {
        let rest = line.strip_prefix(key)?;
        let rest = rest.trim_ascii_start().strip_prefix(b":")?;
        Some(rest.trim_ascii())
    })
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    let digits = s.split(|b| !b.is_ascii_digit()).next()?;
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |v, &d| {
        v.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// Seconds since boot, CLOCK_MONOTONIC, in milliseconds.
fn now_ms() -> u64 {
    let mut ts = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // `__kernel_timespec` has a 64-bit `tv_sec` everywhere; on 32-bit
    // arches `clock_gettime` writes the old 32-bit one, `clock_gettime64`
    // this one.
    #[cfg(target_pointer_width = "32")]
    let nr = Sysno::clock_gettime64;
    #[cfg(target_pointer_width = "64")]
    let nr = Sysno::clock_gettime;
    // SAFETY: the kernel writes one timespec.
    let r = unsafe {
        raw::syscall2(
            nr as usize,
            linux_raw_sys::general::CLOCK_MONOTONIC as usize,
            core::ptr::from_mut(&mut ts) as usize,
        )
    };
    if ret(r).is_err() {
        return 0;
    }
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// Loads the modules named in `/lib/modules/order`, in that order.
fn load_modules() {
    let mut order = Buf::<4096>::new();
    if read_file(c"/lib/modules/order", &mut order).is_err() {
        return; // everything built in (the 64K kernel)
    }
    for m in order
        .as_bytes()
        .split(|&b| b == b'\n')
        .filter(|m| !m.is_empty())
    {
        let mut path = Buf::<256>::new();
        path.push(b"/lib/modules/").push(m);
        // SAFETY: a NUL-terminated path.
        let path_c = unsafe { CStr::from_ptr(path.as_c_ptr().cast()) };
        let r = File::open(path_c).and_then(|f| {
            // SAFETY: an open module file and an empty parameter string.
            ret(unsafe {
                raw::syscall3(
                    Sysno::finit_module as usize,
                    f.as_fd().as_raw_fd() as usize,
                    c"".as_ptr() as usize,
                    0,
                )
            })
        });
        match r {
            Ok(_) | Err(Errno::EEXIST) => {}
            Err(e) => println!("vm: finit_module {}: {}", path.as_str(), name(e)),
        }
    }
}

/// The kernel (`uname -r`, `-m`), page size, memory and CPU features.
fn print_kernel(args: &Args, vm: &str, tmpdir: &str, tmpfs_type: &str) {
    let mut u = [0u8; 6 * 65];
    // SAFETY: a struct utsname is six 65-byte fields.
    let _ = ret(unsafe { raw::syscall1(Sysno::uname as usize, u.as_mut_ptr() as usize) });
    let uts = |i: usize| {
        let f = &u[i * 65..(i + 1) * 65];
        let n = f.iter().position(|&b| b == 0).unwrap_or(65);
        core::str::from_utf8(&f[..n]).unwrap_or("?")
    };
    let mut meminfo = Buf::<8192>::new();
    let _ = read_file(c"/proc/meminfo", &mut meminfo);
    let mem = field_str(meminfo.as_bytes(), b"MemTotal");
    let hp = field_str(meminfo.as_bytes(), b"Hugepagesize");
    let mut nr = Buf::<32>::new();
    let _ = read_file(c"/proc/sys/vm/nr_hugepages", &mut nr);
    println!(
        "vm: {vm}: Linux {} {}, AT_PAGESZ={}, page_size()={}, {} cpus, {mem}, huge pages {} x {hp}, TMPDIR={tmpdir} ({tmpfs_type})",
        uts(2),
        uts(4),
        aux(args, linux_raw_sys::auxvec::AT_PAGESZ),
        rawmap::page_size(),
        cpus(),
        core::str::from_utf8(nr.as_bytes().trim_ascii()).unwrap_or("?"),
    );
    let mut cpuinfo = Buf::<16384>::new();
    let _ = read_file(c"/proc/cpuinfo", &mut cpuinfo);
    let features = field(cpuinfo.as_bytes(), b"Features")
        .or_else(|| field(cpuinfo.as_bytes(), b"isa"))
        .unwrap_or(b"?");
    println!(
        "vm: cpu features: {}",
        core::str::from_utf8(features).unwrap_or("?")
    );
    println!(
        "vm: AT_HWCAP={:#x} AT_HWCAP2={:#x}",
        aux(args, linux_raw_sys::auxvec::AT_HWCAP),
        aux(args, linux_raw_sys::auxvec::AT_HWCAP2),
    );
}

fn field_str<'a>(text: &'a [u8], key: &[u8]) -> &'a str {
    field(text, key)
        .and_then(|v| core::str::from_utf8(v).ok())
        .unwrap_or("?")
}

fn aux(args: &Args, key: u32) -> usize {
    args.aux(key as usize).unwrap_or(0)
}

/// CPUs online, from `/sys/devices/system/cpu/online` ("0-1").
fn cpus() -> u64 {
    let mut b = Buf::<64>::new();
    if read_file(c"/sys/devices/system/cpu/online", &mut b).is_err() {
        return 1;
    }
    let s = b.as_bytes().trim_ascii();
    match s.iter().rposition(|&c| c == b'-') {
        Some(i) => parse_u64(&s[i + 1..]).map_or(1, |n| n + 1),
        None => 1,
    }
}

/// The command line's `rawmap.KEY=VALUE` words.
struct Params {
    vm: Buf<32>,
    full: bool,
    threads: Buf<8>,
    only: Buf<512>,
    pkg: Buf<512>,
}

fn params() -> Params {
    let mut p = Params {
        vm: Buf::new(),
        full: false,
        threads: Buf::new(),
        only: Buf::new(),
        pkg: Buf::new(),
    };
    let mut cmdline = Buf::<4096>::new();
    let _ = read_file(c"/proc/cmdline", &mut cmdline);
    for w in cmdline.as_bytes().split(|b| b.is_ascii_whitespace()) {
        let Some((k, v)) = w.strip_prefix(b"rawmap.").and_then(|kv| {
            kv.iter()
                .position(|&b| b == b'=')
                .map(|i| (&kv[..i], &kv[i + 1..]))
        }) else {
            continue;
        };
        match k {
            b"vm" => drop(p.vm.push(v)),
            b"full" => p.full = v == b"1",
            b"threads" => drop(p.threads.push(v)),
            b"only" => drop(p.only.push(v)),
            b"pkg" => drop(p.pkg.push(v)),
            _ => println!(
                "vm: unknown parameter rawmap.{}",
                core::str::from_utf8(k).unwrap_or("?")
            ),
        }
    }
    if p.vm.len == 0 {
        p.vm.push(b"vm");
    }
    if p.threads.len == 0 {
        p.threads.push_num(cpus());
    }
    if p.pkg.len == 0 {
        p.pkg.push(b"/");
    }
    p
}

/// Runs `/t/NAME --test-threads=N` in a child with `env`, in `dir`;
/// returns its wait status as text ("rc=0", "signal=11").
fn run_test(test: &[u8], threads: &[u8], dir: *const u8, env: &[*const u8]) -> Buf<32> {
    let mut path = Buf::<256>::new();
    path.push(b"/t/").push(test);
    let mut arg1 = Buf::<32>::new();
    arg1.push(b"--test-threads=").push(threads);
    let argv = [path.as_c_ptr(), arg1.as_c_ptr(), core::ptr::null()];
    let mut out = Buf::<32>::new();
    // SAFETY: one thread; the child only makes system calls (chdir, execve,
    // exit_group) on memory that fork copied.
    match unsafe { sys::fork() } {
        Ok(0) => {
            // SAFETY: C strings and null-terminated pointer arrays.
            unsafe {
                let r = raw::syscall1(Sysno::chdir as usize, dir as usize);
                if ret(r).is_err() {
                    println!("vm: chdir to the package directory: {}", name_of(r));
                }
                let r = raw::syscall3(
                    Sysno::execve as usize,
                    path.as_c_ptr() as usize,
                    argv.as_ptr() as usize,
                    env.as_ptr() as usize,
                );
                println!("vm: execve {}: {}", path.as_str(), name_of(r));
            }
            sys::exit_group(127)
        }
        Ok(pid) => match sys::wait4(pid, 0) {
            Ok((_, status)) => match (status.exit_code(), status.0 & 0x7f) {
                (Some(code), _) => drop(out.push(b"rc=").push_num(code as u64)),
                (None, sig) => drop(out.push(b"rc=128 signal=").push_num(sig as u64)),
            },
            Err(e) => drop(out.push(b"rc=999 wait4 ").push(name(e).as_bytes())),
        },
        Err(e) => drop(out.push(b"rc=999 fork ").push(name(e).as_bytes())),
    }
    out
}

fn name_of(r: usize) -> &'static str {
    ret(r).err().map_or("ok", name)
}

fn main(args: Args) -> i32 {
    let _ = mount(c"proc", c"/proc", c"proc");
    mount_or_say(c"sys", c"/sys", c"sysfs");
    mount_or_say(c"dev", c"/dev", c"devtmpfs");
    // No tmpfs over /tmp: the initramfs is already in memory, and the
    // package directory mirrored at its host path may lie under /tmp.
    let _ = mkdir(c"/tmp");
    mount_or_say(c"shm", c"/dev/shm", c"tmpfs");
    let p = params();
    load_modules();

    // TMPDIR on an ext4 scratch disk (a virtio-blk disk): tmpfs has no
    // useful maximum file size, and some cases need EFBIG.
    let (tmpdir, tmpfs_type) = if mkdir(c"/scratch").is_ok()
        && mount(c"/dev/vda", c"/scratch", c"ext4").is_ok()
        && mkdir(c"/scratch/tmp").is_ok()
    {
        ("/scratch/tmp", "ext4")
    } else {
        println!("vm: no ext4 scratch disk: TMPDIR is a tmpfs");
        ("/tmp", "tmpfs")
    };

    // A huge-page pool: 64 MiB of the default size, at least one page
    // (with 64K base pages the default huge page is 512 MiB).
    let mut meminfo = Buf::<8192>::new();
    let _ = read_file(c"/proc/meminfo", &mut meminfo);
    let hp_kb = field(meminfo.as_bytes(), b"Hugepagesize")
        .and_then(parse_u64)
        .unwrap_or(2048);
    let mut n = Buf::<24>::new();
    n.push_num((65536 / hp_kb).max(1));
    if let Err(e) = write_file(c"/proc/sys/vm/nr_hugepages", n.as_bytes()) {
        println!("vm: nr_hugepages: {}", name(e));
    }
    mount_or_say(c"hugetlbfs", c"/dev/hugepages", c"hugetlbfs");

    print_kernel(&args, p.vm.as_str(), tmpdir, tmpfs_type);

    // The environment of every test.
    let mut e_vm = Buf::<64>::new();
    e_vm.push(b"RAWMAP_VM=").push(p.vm.as_bytes());
    let mut e_tmp = Buf::<64>::new();
    e_tmp.push(b"TMPDIR=").push(tmpdir.as_bytes());
    let env = [
        e_vm.as_c_ptr(),
        e_tmp.as_c_ptr(),
        c"RAWMAP_NOLIBC_TARGET_DIR=/nolibc".as_ptr().cast(),
        c"HOME=/tmp".as_ptr().cast(),
        c"PATH=/".as_ptr().cast(),
        c"RUST_BACKTRACE=1".as_ptr().cast(),
        // the last entry: the full case counts, or the end of the list
        if p.full {
            c"RAWMAP_VM_FULL_LEAKS=1".as_ptr().cast()
        } else {
            core::ptr::null()
        },
        core::ptr::null(),
    ];

    let mut list = Buf::<8192>::new();
    if let Err(e) = read_file(c"/t/list", &mut list) {
        println!("vm: /t/list: {}", name(e));
    }
    let mut only = Buf::<514>::new();
    only.push(b",").push(p.only.as_bytes()).push(b",");
    for t in list
        .as_bytes()
        .split(|&b| b == b'\n')
        .filter(|t| !t.is_empty())
    {
        if p.only.len > 0 {
            let mut key = Buf::<256>::new();
            key.push(b",").push(t).push(b",");
            if !only
                .as_bytes()
                .windows(key.len)
                .any(|w| w == key.as_bytes())
            {
                continue;
            }
        }
        let t_name = core::str::from_utf8(t).unwrap_or("?");
        println!("=== RUN {t_name}");
        let start = now_ms();
        let status = run_test(t, p.threads.as_bytes(), p.pkg.as_c_ptr(), &env);
        let ms = now_ms() - start;
        println!(
            "=== END {t_name} {} {}.{:03}s",
            status.as_str(),
            ms / 1000,
            ms % 1000
        );
    }
    println!("=== VM done at {}s", now_ms() / 1000);
    // SAFETY: no arguments.
    unsafe { raw::syscall0(Sysno::sync as usize) };
    // init must not exit (the kernel panics then): power off.
    // SAFETY: reboot with the magic numbers and POWER_OFF takes no pointer.
    let r = unsafe {
        raw::syscall4(
            Sysno::reboot as usize,
            linux_raw_sys::general::LINUX_REBOOT_MAGIC1 as usize,
            linux_raw_sys::general::LINUX_REBOOT_MAGIC2 as usize,
            linux_raw_sys::general::LINUX_REBOOT_CMD_POWER_OFF as usize,
            0,
        )
    };
    println!("vm: reboot: {}", name_of(r));
    1
}
