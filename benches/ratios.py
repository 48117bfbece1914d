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
"""
import json
import math
import os
import sys
from collections import defaultdict

root = os.path.join(os.path.dirname(__file__), "..", "target", "criterion")
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
