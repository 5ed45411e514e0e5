"""Many enterprises at once: a prospects file (CSV or JSONL) in, one result line per row out.

A relationship manager's list of 500 prospects should not cost 500 process starts (each loads the
corpus, the graph and the embedding model): the CLI (``puhui map --batch``), the workbench upload and
the benchmark build the assistant once and call ``run_batch`` with it. A bad row (missing scope,
unknown location, a line that is not JSON) is recorded on its own line with its field errors and the
run goes on; the output is written to a temporary file and moved into place at the end, so a
crashed run never leaves a half-written results file that looks complete.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.chain_map.schemas import ChainMapErrors, ChainMapResult
from tools.pii import mask_pii

log = logging.getLogger("puhui.chain_map")

#: column names people use → EnterpriseInput fields (a CSV export of a CRM list, in Chinese or English)
COLUMNS: dict[str, str] = {
    "name": "name", "企业名称": "name", "名称": "name", "客户名称": "name", "字号": "name",
    "business_scope": "business_scope", "经营范围": "business_scope", "主营业务": "business_scope",
    "main_products": "main_products", "主营产品": "main_products", "产品": "main_products",
    "location": "location", "所在地": "location", "地址": "location", "地区": "location",
    "years_operating": "years_operating", "经营年限": "years_operating",
    "annual_revenue_wan": "annual_revenue_wan", "年营业收入": "annual_revenue_wan", "年营业收入（万元）": "annual_revenue_wan",
    "employee_count": "employee_count", "员工人数": "employee_count",
    "account_type": "account_type",
}
NUMERIC = {"years_operating": float, "annual_revenue_wan": float, "employee_count": int}
MAX_ROWS = 20_000


class BatchInputError(ValueError):
    """The file as a whole cannot be read (not the per-row errors, which are recorded and skipped)."""


class ProspectRow(BaseModel):
    """One input row: its 1-based row number in the file and the request, or why it could not be read."""

    row: int
    request: dict[str, Any] | None = None
    error: str | None = None


class BatchLine(BaseModel):
    """One line of results.jsonl: the placement essentials, or the row's errors."""

    row: int
    name: str = ""
    status: Literal["ok", "error"]
    errors: list[str] = Field(default_factory=list)
    verdict: Literal["linked", "unknown"] | None = None
    segment_id: str | None = None
    segment_name: str | None = None
    confidence: float | None = None
    stage: str | None = None
    stage_zh: str | None = None
    segment_stage: str | None = None
    role_basis: str | None = None
    role_evidence: list[str] = Field(default_factory=list)
    own_node: str | None = None
    upstream: list[str] = Field(default_factory=list)
    downstream: list[str] = Field(default_factory=list)
    fitting_products: list[str] = Field(default_factory=list)
    risk_grade: int | None = None
    result: dict[str, Any] | None = Field(None, description="the whole ChainMapResult (--full only)")


class BatchSummary(BaseModel):
    rows: int
    ok: int
    errors: int
    unknown_segment: int
    by_stage: dict[str, int] = Field(default_factory=dict)
    seconds: float
    rows_per_s: float
    out: str


def _cell(key: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if key in NUMERIC:
            try:
                return NUMERIC[key](float(value)) if NUMERIC[key] is int else float(value)
            except ValueError:
                return value  # the model's validator names the field
    return value


def _request(record: dict[str, Any]) -> dict[str, Any]:
    """A CSV row or a JSON object → {"enterprise": {...}} (JSON may already be a full request)."""
    if "enterprise" in record:
        return record
    ent: dict[str, Any] = {}
    for key, value in record.items():
        if key is None:
            continue
        field = COLUMNS.get(str(key).strip().lstrip("\ufeff"), COLUMNS.get(str(key).strip().lower()))
        if field and field not in ent and (v := _cell(field, value)) is not None:
            ent[field] = v
    return {"enterprise": ent}


def decode_upload(data: bytes) -> str:
    """A user's file as text: UTF-8, else GB18030. One rule for every chain-map upload (batch files,
    transaction statements from the CLI and the workbench)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # Excel's CSV export on a Chinese Windows


def read_prospects(path: Path) -> list[ProspectRow]:
    """Rows of a .csv (header row; Chinese or English column names) or .jsonl/.json (one object per line)."""
    try:
        text = decode_upload(path.read_bytes()).lstrip("\ufeff")
    except OSError as exc:
        raise BatchInputError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BatchInputError(f"{path} 既不是 UTF-8 也不是 GB18030 编码") from exc
    rows: list[ProspectRow] = []
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                rows.append(ProspectRow(row=n, error=f"第{n}行不是有效的 JSON：{exc.msg}"))
                continue
            rows.append(ProspectRow(row=n, request=_request(obj)) if isinstance(obj, dict)
                        else ProspectRow(row=n, error=f"第{n}行应为 JSON 对象（企业信息）"))
    elif path.suffix.lower() == ".csv":
        try:
            reader = csv.DictReader(io.StringIO(text))
            if not reader.fieldnames or not any(COLUMNS.get(f.strip()) for f in reader.fieldnames if f):
                raise BatchInputError(f"{path.name} 的表头里没有可识别的列（需要 企业名称/name、经营范围/business_scope 等）")
            for n, rec in enumerate(reader, 2):  # row 1 is the header
                rows.append(ProspectRow(row=n, request=_request(rec)))
        except csv.Error as exc:
            raise BatchInputError(f"{path.name} 无法按 CSV 解析：{exc}") from exc
    else:
        raise BatchInputError(f"{path.name}：只支持 .csv 或 .jsonl 文件")
    if not rows:
        raise BatchInputError(f"{path.name} 中没有企业记录")
    if len(rows) > MAX_ROWS:
        raise BatchInputError(f"{path.name} 有 {len(rows)} 行，单次最多 {MAX_ROWS} 行，请拆分文件")
    return rows


def result_line(row: int, result: ChainMapResult, full: bool = False) -> BatchLine:
    p, pos = result.placement, result.position
    role = pos.role if pos is not None else None
    return BatchLine(
        row=row, name=result.enterprise.name, status="ok", verdict=p.verdict, segment_id=p.segment_id,
        segment_name=p.name, confidence=p.confidence, stage=pos.stage if pos else None,
        stage_zh=pos.stage_zh if pos else None, segment_stage=pos.segment_stage if pos else None,
        role_basis=role.basis if role else None, role_evidence=role.evidence if role else [],
        own_node=role.own_node_name if role else None,
        upstream=[u.name for u in pos.upstream[:5]] if pos else [], downstream=[d.name for d in pos.downstream[:5]] if pos else [],
        fitting_products=[m.name for m in result.marketing.products if m.status == "fits"][:3],
        risk_grade=result.risk.risk_grade, result=result.model_dump(mode="json") if full else None)


def run_row(run: Callable[[Any], ChainMapResult | ChainMapErrors], item: ProspectRow, full: bool = False) -> BatchLine:
    """One row, never raising: input errors and unexpected failures both become an error line."""
    name = str(((item.request or {}).get("enterprise") or {}).get("name") or "")
    if item.error is not None:
        return BatchLine(row=item.row, name=name, status="error", errors=[item.error])
    try:
        res = run(item.request)
    except Exception as exc:  # one broken row must not stop a 500-row run; the log has the details
        log.exception("batch row %s failed", item.row)
        return BatchLine(row=item.row, name=name, status="error", errors=[f"运行失败：{type(exc).__name__}"])
    if isinstance(res, ChainMapErrors):
        return BatchLine(row=item.row, name=name, status="error", errors=[f"{e.loc}: {e.msg}" for e in res.errors])
    return result_line(item.row, res, full)


def run_batch(run: Callable[[Any], ChainMapResult | ChainMapErrors], rows: Iterable[ProspectRow], out: Path,
              full: bool = False, progress: Callable[[BatchLine], None] | None = None) -> BatchSummary:
    """Run every row, write results.jsonl atomically, and summarise (counts, stages, rows/s)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    counts: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for item in rows:
                line = run_row(run, item, full)
                line = line.model_copy(update={"errors": [mask_pii(e) for e in line.errors]})
                fh.write(line.model_dump_json(exclude_none=True) + "\n")
                counts[line.status] += 1
                counts["unknown"] += line.verdict == "unknown"
                if line.stage:
                    stages[line.stage] += 1
                if progress is not None:
                    progress(line)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - t0
    n = counts["ok"] + counts["error"]
    return BatchSummary(rows=n, ok=counts["ok"], errors=counts["error"], unknown_segment=counts["unknown"],
                        by_stage=dict(stages), seconds=round(seconds, 3),
                        rows_per_s=round(n / seconds, 2) if seconds > 0 else 0.0, out=str(out))
