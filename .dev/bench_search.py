"""Times the forum search server function over HTTP. Usage: bench_search.py BASE_URL"""
import sys
import urllib.parse
import urllib.request

from latency import row, time_calls

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
    times, body = time_calls(lambda: search(**args), 45)
    all_times += times
    hits = body.count(b'"post_id"')
    print(row(name, times, f" {hits:5d}"))
print(row("all", all_times))
