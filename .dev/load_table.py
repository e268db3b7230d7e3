"""Prints the load harness's table from the files .dev/load wrote. Usage: load_table.py DIR 'machine'"""
import json
import pathlib
import re
import sys

work = pathlib.Path(sys.argv[1])
machine = sys.argv[2]


def peak(name):
    path = work / f"{name}.peak"
    return f"{path.read_text().strip()} MiB" if path.exists() else "?"


rows = []
throughput = {}
for report in sorted(work.glob("*.json"), key=lambda path: path.stat().st_mtime):
    name = report.stem
    data = json.loads(report.read_text())
    summary = data["summary"]
    latency = data.get("latencyPercentiles", {})
    codes = data.get("statusCodeDistribution", {})
    errors = sum(n for code, n in codes.items() if not code.startswith("2")) + sum(data.get("errorDistribution", {}).values())
    rps = summary.get("requestsPerSec") or 0.0
    throughput[name] = rps
    ms = lambda key: f"{(latency.get(key) or 0) * 1000:.1f}"
    rows.append((name, f"{rps:,.0f} req/s", ms("p50"), ms("p95"), ms("p99"), str(errors), peak(name)))

for name, label in (("ingest-single", "ingestion API, 1 message per request, 64 in flight"), ("ingest-batch", "ingestion API, batches of 250, 4 in flight")):
    path = work / f"{name}.out"
    if path.exists():
        line = json.loads(path.read_text().strip().splitlines()[-1])
        rows.append((label, f"{line['per_second']:,.0f} msg/s", f"{line['p50_ms']:.1f}", f"{line['p95_ms']:.1f}", f"{line['p99_ms']:.1f}", "0", peak(name)))

fanout = work / "fanout.out"
if fanout.exists():
    last = [l for l in fanout.read_text().splitlines() if l.startswith("| ") and "subscribers" not in l][-1]
    cells = [c.strip() for c in last.strip("|").split("|")]
    delivered = cells[3]
    got, _, wanted = delivered.partition(" of ")
    errors = int(wanted) - int(got) if wanted else "?"
    rows.append((f"SSE fan-out, {cells[0]} subscribers × {cells[2]} story changes", f"{delivered} delivered", cells[4], cells[5], cells[6], str(errors), peak("fanout")))

print(f"Machine: {machine}\n")
print("| surface | throughput | p50 ms | p95 ms | p99 ms | errors | server peak RSS |")
print("|---|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
ssr = throughput.get("portal: home page")
static = throughput.get("static file, same bytes (bare axum)")
if ssr and static:
    print(f"\nSSR home page vs the same bytes as a static file: {ssr:,.0f} / {static:,.0f} req/s = **{ssr / static:.2f}**")
