"""Batch search over a bank's own question log: one model load, every query, hit@k when labelled.

``puhui search --queries FILE --out results.jsonl`` (issue #20) calls this. A bank evaluates Puhui on
its own customers' wording without reloading the model per question (1.5–1.9 s each with one
``puhui search`` per query). The query file is JSONL — ``{"query": …, "expected": <standard question
or faq id>}``, ``expected`` optional — or plain text, one query per line. A row is a hit at rank r
when the r-th passage's standard question (its title) or its FAQ/doc id equals ``expected``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from eval.metrics.latency import percentile
from eval.metrics.retrieval import hit_at_k, reciprocal_rank
from kb.retrieval.retrieve import Passage
from kb.textnorm import normalize

SearchFn = Callable[[str], list[Passage]]


class QueryRow(BaseModel):
    query: str = Field(min_length=1, max_length=500)
    expected: str | None = None

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query must not be blank")
        return v.strip()


class BatchSummary(BaseModel):
    queries: int
    labelled: int
    k: int
    hit_at_1: float | None = None
    hit_at_k: float | None = None
    mrr: float | None = None
    p50_ms: float
    seconds: float

    def lines(self) -> list[str]:
        out = [f"queries={self.queries} labelled={self.labelled} p50={self.p50_ms:.1f} ms total={self.seconds:.1f}s"]
        if self.labelled:
            out.append(f"hit@1={self.hit_at_1:.3f} hit@{self.k}={self.hit_at_k:.3f} MRR@{self.k}={self.mrr:.3f}")
        return out


def read_queries(path: Path) -> list[QueryRow]:
    """Rows of a JSONL or text query file; ValueError with ``file:line: reason`` on the first bad line."""
    return [row for _, row in read_numbered_queries(path)]


def read_numbered_queries(path: Path) -> list[tuple[int, QueryRow]]:
    """``read_queries`` with each row's line in the file (blank lines are skipped), for callers that
    report a later problem of a row as ``file:line``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from exc
    rows: list[tuple[int, QueryRow]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            if line.lstrip().startswith("{"):
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("a JSONL row must be an object")
                data = {"query": data.get("query", data.get("question")), "expected": data.get("expected")}
                rows.append((n, QueryRow.model_validate(data)))
            else:
                rows.append((n, QueryRow(query=line)))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ValueError(f"{path}:{n}: {'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg']}") from exc
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
    if not rows:
        raise ValueError(f"{path}: no queries")
    return rows


def _keys(p: Passage) -> set[str]:
    return {normalize(p.title).strip(), p.faq_id or "", p.doc_id} - {""}


def run_batch(rows: Sequence[QueryRow], search: SearchFn, out: Path, k: int) -> BatchSummary:
    """Search every row, write one JSONL result per row to ``out`` (atomically), return the figures."""
    start = time.perf_counter()
    hits1, hitsk, rr, times = [], [], [], []
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            t0 = time.perf_counter()
            passages = search(row.query)
            times.append((time.perf_counter() - t0) * 1000)
            record: dict[str, object] = {"query": row.query, "expected": row.expected,
                                         "hits": [{"rank": i, "title": p.title, "faq_id": p.faq_id, "doc_id": p.doc_id,
                                                   "score": p.score, "corpus": p.corpus, "source": p.source}
                                                  for i, p in enumerate(passages, 1)]}
            if row.expected:
                want = normalize(row.expected).strip()
                ranked = [want if want in _keys(p) else p.chunk_id for p in passages]
                hits1.append(hit_at_k(ranked, want, 1))
                hitsk.append(hit_at_k(ranked, want, k))
                rr.append(reciprocal_rank(ranked, want, k))
                record["hit_rank"] = ranked.index(want) + 1 if want in ranked else None
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(out)
    n = len(hits1)
    return BatchSummary(queries=len(rows), labelled=n, k=k, p50_ms=round(percentile(times, 50), 2),
                        seconds=round(time.perf_counter() - start, 2),
                        hit_at_1=round(sum(hits1) / n, 4) if n else None, hit_at_k=round(sum(hitsk) / n, 4) if n else None,
                        mrr=round(sum(rr) / n, 4) if n else None)
