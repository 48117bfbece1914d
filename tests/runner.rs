//! The test set-up itself: the cargo runner tells the tests when they run
//! under qemu-user, and the raw fork helper reports a child's exit code.
mod common;

#[test]
fn the_runner_sets_rawmap_qemu_for_cross_targets_only() {
    assert_eq!(
        common::under_qemu().is_some(),
        !cfg!(target_arch = "x86_64"),
        "the cargo runner (.cargo/config.toml) sets RAWMAP_QEMU for the cross targets"
    );
}

#[test]
fn in_child_reports_the_exit_code() {
    assert_eq!(common::in_child(|| 42).exit_code(), Some(42));
    assert_eq!(
        common::in_child(|| panic!("in the child")).exit_code(),
        Some(101)
    );
}
