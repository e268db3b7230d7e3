"""Splits a WASM build's code by feature area, from the symbol names that twiggy lists (the
pre-wasm-opt file cargo-leptos leaves in target/front keeps them). Code whose name mentions
app::<area> counts for that area; generic code instantiated for app types (serde, Leptos
views) often carries no app path and counts as "framework". Compressed sizes are estimates:
each area's share of the code times the gzip size of the shipped bundle.
Usage: wasm_areas.py NAMED.wasm SHIPPED.wasm"""
import csv
import gzip
import io
import re
import subprocess
import sys

named, shipped = sys.argv[1], sys.argv[2]
rows = subprocess.run(["twiggy", "top", "-n", "10000000", "--format", "csv", named], check=True, capture_output=True, text=True).stdout
areas = {}
app_path = re.compile(r"\bapp(?:\[[0-9a-f]+\])?::([a-z_]+)")
for row in csv.DictReader(io.StringIO(rows)):
    name = row["Name"]
    size = int(row["ShallowSize"])
    if name.startswith('"function names"') or name.startswith("custom section") or name.startswith('"'):
        continue  # names and metadata are stripped from the shipped file
    match = app_path.search(name)
    if match:
        area = match.group(1)
    elif name.startswith("data segment"):
        area = "(static data)"
    elif re.search(r"\b(leptos|tachys|reactive_graph|leptos_router|leptos_meta|server_fn|hydration_context|any_spawner|wasm_bindgen|web_sys|js_sys|serde|serde_json|gloo)", name):
        area = "(framework: Leptos, serde, bindings)"
    elif re.search(r"\b(core|alloc|std|dlmalloc|compiler_builtins)\b|^core|^alloc|^std", name):
        area = "(Rust std)"
    else:
        area = "(other crates and unnamed)"
    areas[area] = areas.get(area, 0) + size
total = sum(areas.values())
with open(shipped, "rb") as handle:
    shipped_bytes = handle.read()
shipped_gzip = len(gzip.compress(shipped_bytes, 9))
print(f"shipped {shipped}: {len(shipped_bytes):,} bytes, {shipped_gzip:,} gzip")
print(f"{'area':<40} {'code bytes':>12} {'share':>7} {'≈ gzip':>9}")
for area, size in sorted(areas.items(), key=lambda item: -item[1]):
    print(f"{area:<40} {size:>12,} {size / total:>6.1%} {size / total * shipped_gzip:>9,.0f}")
