#!/usr/bin/env python3
"""Generates app/tests/data/vader_reference.jsonl: the Python reference scores of
vaderSentiment==3.3.2 for every sentence of the four human-rated corpora of Hutto & Gilbert (2014).

    pip install vaderSentiment==3.3.2
    python3 app/tests/reference/generate_vader_reference.py [path/to/vader-groundtruth]

The Rust test `vader_reference` compares our engine with this file (compound within 1e-4).
"""
import json
import os
import sys

import vaderSentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

CORPORA = ["tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets"]

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", ".."))
source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "vader-groundtruth")
target = os.path.join(here, "..", "data", "vader_reference.jsonl")

analyzer = SentimentIntensityAnalyzer()
count = 0
with open(target, "w", encoding="utf-8", newline="\n") as out:
    for corpus in CORPORA:
        path = os.path.join(source, f"{corpus}_GroundTruth.txt")
        with open(path, encoding="utf-8", newline="") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if not line:
                    continue
                sentence_id, rating, text = line.split("\t", 2)
                scores = analyzer.polarity_scores(text)
                out.write(json.dumps({
                    "corpus": corpus,
                    "id": sentence_id,
                    "rating": float(rating),
                    "text": text,
                    "compound": scores["compound"],
                    "pos": scores["pos"],
                    "neu": scores["neu"],
                    "neg": scores["neg"],
                }, ensure_ascii=False) + "\n")
                count += 1
print(f"wrote {count} reference scores (vaderSentiment {getattr(vaderSentiment, '__version__', '3.3.2')}) to {target}")
