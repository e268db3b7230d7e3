"""Shared by the latency benchmarks: timing repeated HTTP calls and printing p50/p95/max rows."""
import statistics
import time


def time_calls(call, runs, warmup=5):
    """Calls `call()` `runs` times (it returns (status, body)); returns the timed
    milliseconds after the warm-up and the last body. Any status but 200 stops the run."""
    times, body = [], b""
    for i in range(runs):
        started = time.perf_counter()
        status, body = call()
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 200, (status, body[:200])
        if i >= warmup:
            times.append(elapsed)
    return sorted(times), body


def row(name, times, extra=""):
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    return f"{name:<22} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}{extra}"
