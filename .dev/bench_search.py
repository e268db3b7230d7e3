"""Times the forum search server function over HTTP. Usage: bench_search.py BASE_URL"""
import statistics
import sys
import time
import urllib.parse
import urllib.request

base = sys.argv[1]

def search(query, category="", solved=False):
    fields = {"query": query, "category": category, "solved": "true" if solved else "false"}
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(base + "/api/community/search", data=data, headers={
        "Origin": base, "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status, response.read()

variants = {
    "common word 'plan'": {"query": "plan"},
    "two words": {"query": "refund card"},
    "prefix 'deliv'": {"query": "deliv"},
    "rarer word 'family'": {"query": "family"},
    "category filter": {"query": "invoice", "category": "billing"},
    "solved only": {"query": "order", "solved": True},
}
all_times = []
print(f"{'variant':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>5}")
for name, args in variants.items():
    times = []
    hits = 0
    for i in range(45):
        started = time.perf_counter()
        status, body = search(**args)
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 200, (status, body[:200])
        hits = body.count(b'"post_id"')
        if i >= 5:  # warm-up
            times.append(elapsed)
    times.sort()
    all_times += times
    print(f"{name:<22} {statistics.median(times):8.1f} {times[int(len(times) * 0.95) - 1]:8.1f} {times[-1]:8.1f} {hits:5d}")
all_times.sort()
print(f"{'all':<22} {statistics.median(all_times):8.1f} {all_times[int(len(all_times) * 0.95) - 1]:8.1f} {all_times[-1]:8.1f}")
