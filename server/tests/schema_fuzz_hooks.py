"""Schemathesis hooks for server/tests/integration/schema_fuzz.rs.

The OpenAPI document states every rule about a request's shape. What it cannot state is which
customers and conversations exist, and what "now" is: a request that follows the schema but
names an unknown customer, another customer's conversation or a time in the future is rightly
refused with 422. So every *positive* case (one Schemathesis expects to be accepted) is pointed
at the customers the test created first, and at their conversations, and its times are moved
into the past. Negative cases are sent as generated: the server must refuse them for what
makes them invalid.

JSON goes on the wire as UTF-8, as most clients send it (Python's `json` escapes every
non-ASCII character, up to 12 bytes for one character, which no other client does).
"""

import json
import os
import re
import zlib
from datetime import datetime, timezone

import schemathesis

# {"customer_ref": conversation_id, ...}, written by the test.
CUSTOMERS = json.loads(os.environ["RAPPORT_FUZZ_CUSTOMERS"])
REFS = sorted(CUSTOMERS)
TIME_FIELDS = ("sent_at", "occurred_at", "answered_at")
LEADING_YEAR = re.compile(r"^\d{4}")


def _pick(value):
    """A seeded customer, chosen by the generated value so that shrinking stays stable."""
    key = json.dumps(value, ensure_ascii=True).encode()
    return REFS[zlib.crc32(key) % len(REFS)]


def _in_the_past(value):
    """An RFC 3339 time from this year on (or unreadable) moved to the year 2000."""
    if not isinstance(value, str):
        return value
    match = LEADING_YEAR.match(value)
    if match and int(match.group()) >= datetime.now(timezone.utc).year - 1:
        return "2000" + value[4:]
    return value


def _point_at_seeds(item):
    if not isinstance(item, dict):
        return
    if isinstance(item.get("customer_ref"), str):
        ref = _pick(item["customer_ref"])
        item["customer_ref"] = ref
        # A number (`7` or `7.0`: both are integers to JSON Schema) names a conversation.
        if isinstance(item.get("conversation_id"), (int, float)) and not isinstance(item["conversation_id"], bool):
            item["conversation_id"] = CUSTOMERS[ref]
    for field in TIME_FIELDS:
        if field in item:
            item[field] = _in_the_past(item[field])


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    body = case.body
    if isinstance(body, dict):
        if isinstance(body.get("messages"), list):
            for message in body["messages"]:
                _point_at_seeds(message)
        else:
            _point_at_seeds(body)
    return case


@schemathesis.serializer("application/json")
def utf8_json(context, value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        # Lone surrogates or non-finite numbers: sent as Python would, escaped.
        return json.dumps(value).encode("ascii")
