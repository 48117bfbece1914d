//! The test set-up itself: the cargo runner tells the tests when they run
//! under qemu-user, and the raw fork helper reports a child's exit code.
mod common;

#[test]
fn the_runner_sets_rawmap_qemu_for_cross_targets_only() {
    match common::in_vm() {
        // The real-kernel lane runs the binaries itself, with no cargo
        // runner: RAWMAP_VM instead, and never both.
        Some(kernel) => assert!(
            common::under_qemu().is_none(),
            "RAWMAP_VM={kernel} and RAWMAP_QEMU both set"
        ),
        // i686 also runs natively (.ci/test-all: the x86_64 kernel's ia32
        // compat layer), with a runner that sets RAWMAP_NATIVE instead.
        None => assert_eq!(
            common::under_qemu().is_some(),
            !cfg!(target_arch = "x86_64") && std::env::var_os("RAWMAP_NATIVE").is_none(),
            "the cargo runner (.cargo/config.toml) sets RAWMAP_QEMU for the cross targets"
        ),
    }
}

#[test]
fn in_a_vm_the_kernel_is_the_one_the_lane_booted() {
    let Some(kernel) = common::in_vm() else {
        eprintln!("not in the real-kernel lane's VM: nothing to check");
        return;
    };
    // .ci/vm-test names its kernels by arch and page size.
    let arch = if cfg!(target_arch = "aarch64") {
        "a64-"
    } else if cfg!(target_arch = "arm") {
        "a32"
    } else {
        "rv64"
    };
    assert!(
        kernel.starts_with(arch),
        "RAWMAP_VM={kernel} on {}",
        std::env::consts::ARCH
    );
    let want = match kernel.as_str() {
        "a64-16k" => 16384,
        "a64-64k" => 65536,
        _ => 4096,
    };
    assert_eq!(rawmap::page_size(), want, "page size on {kernel}");
}

#[test]
fn in_child_reports_the_exit_code() {
    assert_eq!(common::in_child(|| 42).exit_code(), Some(42));
    assert_eq!(
        common::in_child(|| panic!("in the child")).exit_code(),
        Some(101)
    );
}
