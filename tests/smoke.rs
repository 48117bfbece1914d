//! Smoke test of the shared helpers and the raw layer's basic path.
mod common;

use rawmap::sys;
use rawmap::{MapFlags, ProtFlags};

#[test]
fn anonymous_map_write_read_unmap() {
    let len = rawmap::page_size();
    // SAFETY: fresh anonymous mapping, no hint.
    let p = unsafe {
        sys::mmap(
            std::ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .unwrap();
    assert_eq!(p as usize % len, 0);
    assert!(common::maps_entry(p as usize).unwrap().contains("rw-p"));
    // SAFETY: `p` maps `len` writable bytes.
    unsafe { p.cast::<u8>().add(len - 1).write(7) };
    // SAFETY: our own mapping, unused afterwards.
    unsafe { sys::munmap(p, len) }.unwrap();
    assert!(common::maps_entry(p as usize).is_none());
}

#[test]
fn child_exit_code_and_qemu_flag() {
    let st = common::in_child(|| 42);
    assert_eq!(st.exit_code(), Some(42));
    assert_eq!(
        common::under_qemu().is_some(),
        !cfg!(target_arch = "x86_64"),
        "the cargo runner sets RAWMAP_QEMU for cross targets only"
    );
}
