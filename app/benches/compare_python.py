#!/usr/bin/env python3
"""Compares our VADER with the Python reference (vaderSentiment==3.3.2) on the same 23,703
corpus sentences, one core each, and prints the speed ratio.

    pip install vaderSentiment==3.3.2
    python3 app/benches/compare_python.py
"""
import json
import os
import subprocess
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
with open(os.path.join(root, "app", "tests", "data", "vader_reference.jsonl"), encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f]

analyzer = SentimentIntensityAnalyzer()
started = time.perf_counter()
for text in texts:
    analyzer.polarity_scores(text)
python_seconds = time.perf_counter() - started
python_rate = len(texts) / python_seconds

result = subprocess.run(
    ["cargo", "run", "--quiet", "--release", "-p", "app", "--example", "vader_corpus_rate"],
    cwd=root, check=True, capture_output=True, text=True, env={**os.environ, "CARGO_PROFILE_RELEASE_LTO": "false"},
)
rust = json.loads(result.stdout.strip().splitlines()[-1])
print(f"Python vaderSentiment 3.3.2: {python_rate:,.0f} sentences/s ({len(texts)} sentences in {python_seconds:.2f} s)")
print(f"Rapport (Rust, release):     {rust['per_second']:,.0f} sentences/s ({rust['sentences']} sentences in {rust['seconds']:.2f} s)")
print(f"speed-up: {rust['per_second'] / python_rate:.0f}x")
