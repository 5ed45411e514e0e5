"""The customer-service load benchmarks' messages and the Server-Timing parser, shared by the locust
users (bench/cs_locustfile.py), the profiler (bench/cs_profile.py) and the soak (bench/cs_soak.py):
eval and calibration questions, single-turn, no hand-off requests, so the FAQ, grounded and
not-sure paths all run."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _messages() -> list[str]:
    out = []
    for line in (ROOT / "eval" / "datasets" / "customer_service.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if not case["input"].get("history") and not case["expected"]["handoff"]:
            out.append(case["input"]["message"])
    for line in (ROOT / "bench" / "data" / "cs_calibration.jsonl").read_text(encoding="utf-8").splitlines():
        out.append(json.loads(line)["question"])
    return out


MESSAGES = _messages()


def parse_server_timing(header: str) -> dict[str, float]:
    out = {}
    for part in header.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name and dur:
            out[name] = float(dur)
    return out


