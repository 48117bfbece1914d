#!/usr/bin/env python3
"""Prints the ratio tables of the last `cargo bench` run (from
target/criterion/*/new/estimates.json): for every benchmark group, each
rawmap entry against each peer entry of the same group (and same sub-case,
the part of the name before the last '/'), as rawmap time / peer time.
Below 1: rawmap is faster. Then, for each peer name, the geometric mean of
its ratios.

    cargo bench && python3 benches/ratios.py [GROUP-PREFIX]

With GROUP-PREFIX (e.g. `suite`, the groups of benches/bumpalo_suite.rs),
only the groups whose name starts with it.

After the full table and the geometric means it prints the README's
Performance tables condensed: one row per bumpalo case family of
benches/bumpalo_suite.rs (each ratio, or for the 11 extend lengths the
range and geometric mean), the geometric mean over all suite cases with the
count above 1.00, and for GlobalBump each case's ratio to glibc and to
`new_single_thread()` (the issue's 1.5x goal).
"""
import re
import json
import math
import os
import sys
from collections import defaultdict

# RAWMAP_CRITERION_DIR: another run's criterion directory (e.g. one built
# with other RUSTFLAGS in its own CARGO_TARGET_DIR).
root = os.environ.get("RAWMAP_CRITERION_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "target", "criterion")
if not os.path.isdir(root):
    sys.exit("no target/criterion: run `cargo bench` first")


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


prefix = sys.argv[1] if len(sys.argv) > 1 else ""
groups = defaultdict(dict)
for dirpath, _, files in os.walk(root):
    if "estimates.json" in files and os.path.basename(dirpath) == "new":
        bench_dir = os.path.dirname(dirpath)
        bench = os.path.relpath(bench_dir, root)
        group, _, name = bench.partition(os.sep)
        if not name or not (group.startswith(prefix) or group.startswith(prefix.replace(" ", "_"))):
            continue
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        groups[group][name.replace(os.sep, "/")] = est["median"]["point_estimate"]


def is_ours(name):
    leaf = name.split("/")[-1]
    return "rawmap" in leaf or leaf.startswith("GlobalBump")


ratios = defaultdict(list)
print("| group | case | rawmap | peer | peer time | rawmap / peer |")
print("|---|---|---|---|---|---|")
for group in sorted(groups):
    cases = groups[group]
    by_sub = defaultdict(dict)
    for name, t in cases.items():
        sub, _, leaf = name.rpartition("/")
        by_sub[sub][leaf] = t
    for sub in sorted(by_sub):
        entries = by_sub[sub]
        ours = {k: v for k, v in entries.items() if is_ours(k)}
        peers = {k: v for k, v in entries.items() if not is_ours(k)}
        for o, ot in sorted(ours.items()):
            for p, pt in sorted(peers.items()):
                label = f"{sub}/{o}" if sub else o
                print(f"| {group} | {label} | {fmt(ot)} | {p} | {fmt(pt)} | {ot / pt:.2f} |")
                ratios[p].append(ot / pt)

print()
for p in sorted(ratios):
    rs = ratios[p]
    geo = math.exp(sum(math.log(r) for r in rs) / len(rs))
    worst = max(rs)
    over = sum(1 for r in rs if r > 1.0)
    print(f"rawmap / {p}: geometric mean {geo:.3f} over {len(rs)} cases; "
          f"max {worst:.2f}; {over} cases above 1.00")


# The README tables, condensed.
suite = {}  # (group, label) -> ratio against bumpalo
for group in groups:
    if not group.startswith("suite"):
        continue
    cases = groups[group]
    for name, t in cases.items():
        sub, _, leaf = name.rpartition("/")
        if leaf != "rawmap":
            continue
        peer = f"{sub}/bumpalo" if sub else "bumpalo"
        if peer in cases:
            suite[(group, sub)] = t / cases[peer]


def pick(pattern, sub=None):
    out = []
    for (g, s), r in suite.items():
        if re.fullmatch(pattern, g) and (sub is None or s == sub):
            out.append((g, s, r))
    return out


def row(label, items, order=None):
    if not items:
        return
    if order:
        key = {o: i for i, o in enumerate(order)}
        items = sorted(items, key=lambda x: min((key[o] for o in key if o in x[0] + x[1]), default=99))
        text = " / ".join(f"{r:.2f}" for _, _, r in items)
    else:
        rs = [r for _, _, r in items]
        geo = math.exp(sum(math.log(r) for r in rs) / len(rs))
        text = f"{min(rs):.2f}-{max(rs):.2f}, geomean {geo:.2f}"
    over = sum(1 for _, _, r in items if r > 1.0)
    print(f"| {label} ({len(items)}) | {text} | {over} |")


if suite:
    print()
    print("README: benches/bumpalo_suite.rs, rawmap / bumpalo")
    print()
    print("| case (bumpalo's group) | rawmap / bumpalo | above 1.00 |")
    print("|---|---:|---:|")
    sizes = ["small", "big"]
    pairs4 = ["small, small", "small, big", "big, small", "big, big"]
    for fam in ["alloc", "alloc-with", "try-alloc", "try-alloc-with"]:
        row(f"{fam} small / big", pick(rf"suite {re.escape(fam)} (small|big)"), sizes)
    for fam in ["alloc-try-with", "try-alloc-try-with", "alloc-try-with-err", "try-alloc-try-with-err"]:
        row(f"{fam} ss / sb / bs / bb", pick(rf"suite {re.escape(fam)} .*"), pairs4)
    for sub in ["extend", "extend_from_slice", "extend_from_slice_copy"]:
        row(f"extend N bytes, `{sub}`", pick(r"suite extend \d+ bytes", sub))
    for pre in ["false", "true"]:
        for sub in ["loop over extend_from_slice_copy", "extend_from_slices_copy"]:
            row(f"extend_from_slices, preallocated={pre}, {sub}",
                pick(rf"suite extend_from_slices num_slices=\d+, is_preallocated={pre}", sub))
    row("format-realloc 10 / 80 / 270 / 640", pick(r"suite format-realloc \d+"),
        ["realloc 10", "realloc 80", "realloc 270", "realloc 640"])
    row("from_str_in 16 bytes", pick(r"suite alloc from_str_in.*"), [""])
    row("push_str 16 KiB", pick(r"suite alloc push_str.*"), [""])
    rs = list(suite.values())
    geo = math.exp(sum(math.log(r) for r in rs) / len(rs))
    print(f"| **geometric mean, all {len(rs)} cases** | **{geo:.3f}** | "
          f"{sum(1 for r in rs if r > 1.0)} |")
    worst = sorted(suite.items(), key=lambda kv: -kv[1])[:8]
    print()
    print("worst suite cases: " + "; ".join(f"{g[6:]}{'/' + s if s else ''} {r:.2f}" for (g, s), r in worst))

glob = {g: c for g, c in groups.items() if g.startswith("global")}
if glob:
    print()
    print("README: GlobalBump (time; ratio to glibc; ratio to new_single_thread)")
    print()
    print("| case | GlobalBump | glibc | GlobalBump / glibc | new_stack_slots / glibc | new_single_thread / glibc | GlobalBump / new_single_thread |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    def order(g):
        n = g.rsplit(", ", 1)[-1]
        return (g.split(",")[0], int(n.split()[0]) if n[0].isdigit() else 0)
    for g in sorted(glob, key=order):
        c = glob[g]
        gb, sysm = c.get("GlobalBump"), c.get("System (glibc malloc)")
        st = c.get("GlobalBump__new_single_thread", c.get("GlobalBump::new_single_thread"))
        ss = c.get("GlobalBump__new_stack_slots", c.get("GlobalBump::new_stack_slots"))
        if gb is None or sysm is None:
            continue
        st_s = f"{st / sysm:.2f}" if st else ""
        ss_s = f"{ss / sysm:.2f}" if ss else ""
        gs = f"{gb / st:.2f}" if st else ""
        print(f"| {g[8:]} | {fmt(gb)} | {fmt(sysm)} | {gb / sysm:.2f} | {ss_s} | {st_s} | {gs} |")
