"""Times the inbox server function over HTTP. Usage: bench_inbox.py BASE_URL"""
import http.cookiejar
import sys
import urllib.parse
import urllib.request

from latency import row, time_calls

base = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
# Redirects are not followed: the sign-in answer is enough to get the session cookie.
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
opener.add_handler(NoRedirect())

def post(path, fields):
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(base + path, data=data, headers={
        "Origin": base, "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        with opener.open(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()

status, _ = post("/api/auth/sign_in", {"email": "agent@rapport.demo", "password": "rapport-demo-password", "next": "/workspace"})
assert status in (200, 302, 303), status

def inbox(page=1, **filters):
    fields = {"page": page}
    for key in ("status", "channel", "risk", "situation", "assignee", "q"):
        fields[f"filter[{key}]"] = filters.get(key, "")
    return post("/api/workspace/inbox", fields)

variants = {
    "default view": {},
    "page 200": {"page": 200},
    "risk=high": {"risk": "high"},
    "channel=email": {"channel": "email"},
    "situation=billing": {"situation": "billing"},
    "assignee=unassigned": {"assignee": "unassigned"},
    "search 'refund'": {"q": "refund"},
}
all_times = []
print(f"{'variant':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for name, args in variants.items():
    times, _ = time_calls(lambda: inbox(**args), 60)
    all_times += times
    print(row(name, times))
print(row("all", all_times))
