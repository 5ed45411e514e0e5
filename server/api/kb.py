"""Knowledge-base API: ``POST /v1/kb/search`` (hybrid dense + BM25 search), ``GET /v1/kb/sources``,
``POST /v1/kb/faq/import`` (a bank's FAQ spreadsheet → corpus FAQ files → incremental ingest, issue #13),
``POST /v1/kb/faq/calibrate`` (the verbatim threshold for the bot's FAQ from labelled questions, as
``puhui kb calibrate``; eval/kb_calibrate.py).

``source`` restricts a search to one corpus root (ours, ``puhui``, or a bank's, issue #20); an unknown
source is a 422 naming the field, with the sources the index holds. An import with bad rows is a 422
whose ``fields`` list every ``file:row: reason`` (nothing is written unless ``skip_invalid``); with
``replace`` the customer-service bot answers from that FAQ alone (kb/faq_scope.py), as with
``puhui kb import-faq --replace``, and with ``bank_name``/``hotline`` names that bank and its hotline
(a bad one, or one without ``replace``: a 422 naming ``body.bank_name``/``body.hotline``, nothing written).

The request model bounds every field (query 1..500 characters, k 1..50, type from a fixed set), so
bad input is a 422 naming the field. Authentication is added by app.py around this router.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field, field_validator

from eval.batch_search import QueryRow
from eval.kb_calibrate import LogError, calibrate_and_store, current_faq, label_rows
from eval.self_service import CONFIDENCE
from kb.faq_import import SUFFIXES, ColumnMap, FaqImportError, ImportReport, import_faq
from kb.faq_scope import BrandingError, FaqScope, after_import, check_branding
from kb.faq_threshold import ThresholdRecord
from kb.ingest import IngestReport, PruneRequired
from kb.retrieval.retrieve import Passage
from kb.service import KnowledgeBase
from kb.sources import NAME_PATTERN
from server.api.errors import FieldProblem, api_error
from server.security import require_staff

router = APIRouter(prefix="/v1/kb", tags=["knowledge base"], dependencies=[Depends(require_staff)])  # bank staff only


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=500, description="问题 / 关键词 (traditional input is normalised)")
    k: int = Field(5, ge=1, le=50, description="Number of passages")
    type: Literal["industry", "product", "faq", "policy"] | None = Field(None, description="Only this document type")
    industry: str | None = Field(None, max_length=64, pattern=r"^[a-z][a-z0-9_]{1,63}$",
                                 description="Only passages of this industry id")
    source: str | None = Field(None, max_length=32, pattern=NAME_PATTERN.pattern,
                               description="Only passages of this corpus root (e.g. puhui, or a bank's source name)")

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query must not be blank")
        return v


def get_kb(request: Request) -> KnowledgeBase:
    """The process-wide KnowledgeBase held by the composition root's Services."""
    return request.app.state.services.kb


@router.post("/search", response_model=list[Passage],
             responses={503: {"description": "the knowledge base index has not been built yet"}})
def search(body: SearchRequest, kb: KnowledgeBase = Depends(get_kb)) -> list[Passage]:
    """Top-k passages: FAQ entries (one per faq_id, with the approved answer) and document chunks."""
    if not kb.is_built():
        raise HTTPException(status_code=503, detail="knowledge base index not built: run `puhui ingest`")
    if body.source is not None and body.source not in (known := kb.sources()):
        raise api_error(422, f"unknown source {body.source!r}; the index holds: {', '.join(known)}", "body.source")
    return kb.search(body.query, k=body.k, doc_type=body.type, industry=body.industry, source=body.source)


@router.get("/sources", response_model=dict[str, int])
def sources(kb: KnowledgeBase = Depends(get_kb)) -> dict[str, int]:
    """Indexed chunks per corpus source (empty before the first ingest)."""
    return kb.stats().by_source if kb.is_built() else {}


#: an FAQ workbook of 10,000 rows is ~2-5 MB
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class FaqImportResult(BaseModel):
    imported: ImportReport
    ingest: IngestReport
    #: the FAQ the customer-service bot answers from after this import: one import alone (replace
    #: mode, kb/faq_scope.py), or null for every FAQ entry of the knowledge base
    faq_scope: FaqScope | None = None


@router.post("/faq/import", response_model=FaqImportResult,
             responses={413: {"description": "file too large"}, 422: {"description": "bad rows, one field each"}})
def faq_import(request: Request, file: UploadFile = File(..., description=".xlsx, .xls, .csv, .tsv or .jsonl"),
               name: str | None = Form(None, max_length=32, pattern=r"^[a-z][a-z0-9_]{0,31}$"),
               question_col: str | None = Form(None, max_length=64), answer_col: str | None = Form(None, max_length=64),
               similar_col: str | None = Form(None, max_length=64), category_col: str | None = Form(None, max_length=64),
               channel_col: str | None = Form(None, max_length=64), skip_invalid: bool = Form(False),
               replace: bool = Form(False, description="the bot answers from this FAQ alone (puhui kb import-faq --replace)"),
               bank_name: str | None = Form(None, max_length=64,
                                            description="with replace: the bank's name the bot says, e.g. 威海银行"),
               hotline: str | None = Form(None, max_length=64,
                                          description="with replace: the bank's hotline the bot gives, e.g. 96636"),
               kb: KnowledgeBase = Depends(get_kb)) -> FaqImportResult:
    """Import a bank's FAQ into the main corpus root (``faq/imported/<name>/``), then ingest. With
    ``replace`` the customer-service bot of this process answers from it alone from the next turn on
    (other worker processes after their restart), naming ``bank_name`` and ``hotline`` when given."""
    try:
        branding = check_branding(bank_name, hotline)
    except BrandingError as exc:
        raise api_error(422, exc.message, f"body.{exc.field}") from None
    if not replace and not branding.empty:
        field = "bank_name" if branding.bank_name else "hotline"
        raise api_error(422, f"{field} only with replace=true (it is stored with the replace-mode scope)", f"body.{field}")
    label = Path(file.filename or "upload").name
    if Path(label).suffix.lower() not in SUFFIXES:
        raise api_error(422, f"file type must be one of {', '.join(SUFFIXES)}", "file")
    if kb.corpus_dir is None:
        raise HTTPException(status_code=503, detail="no corpus directory configured")
    services = request.app.state.services
    settings = getattr(services, "settings", None)
    if replace and settings is None:
        raise HTTPException(status_code=503, detail="no data directory configured for replace mode")
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise api_error(413, f"file larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB", "file")
    columns = ColumnMap(question=question_col, answer=answer_col, similar=similar_col, category=category_col,
                        channel=channel_col)
    with tempfile.TemporaryDirectory(prefix="puhui-faq-import-") as tmp:
        path = Path(tmp) / f"upload{Path(label).suffix.lower()}"
        path.write_bytes(data)
        try:
            report = import_faq(path, kb.corpus_dir, name=name, columns=columns, skip_invalid=skip_invalid, label=label)
        except FaqImportError as exc:
            fields = [FieldProblem(field="file", message=p, type="invalid_row").model_dump() for p in exc.problems[:200]]
            raise HTTPException(422, detail={"error": str(exc), "fields": fields}) from None
    try:
        ingest = kb.ingest()
    except PruneRequired as exc:
        raise api_error(409, str(exc), "file") from None
    scope = None
    if settings is not None:
        scope = after_import(settings.data_dir, report.name, Path(report.folder), label, report.entries, replace,
                             branding=branding)
    if hasattr(services, "forget_corpus"):
        services.forget_corpus()  # the bot's FAQ matcher reads the new entries on its next turn
    return FaqImportResult(imported=report, ingest=ingest, faq_scope=scope)


class CalibrateRequest(BaseModel):
    questions: list[QueryRow] = Field(min_length=2, max_length=20_000,
                                      description="labelled questions: {query, expected: standard question or faq id}")
    precision: float = Field(0.95, gt=0.0, le=1.0, description="target share of right verbatim answers")
    seed: int = Field(0, ge=0, description="seed of the calibration/test split")
    confidence: float = Field(CONFIDENCE, ge=0.0, lt=1.0,
                              description="one-sided confidence that the precision is ≥ the target (0: observed share)")


class CalibrateResult(BaseModel):
    #: what was stored in <data_dir>/cs_threshold.json (kb/faq_threshold.py), with the held-out figures
    threshold: ThresholdRecord
    summary: list[str]


@router.post("/faq/calibrate", response_model=CalibrateResult,
             responses={422: {"description": "a row names no entry of the bot's FAQ"},
                        503: {"description": "no data directory, or the FAQ scope is unreadable"}})
def faq_calibrate(body: CalibrateRequest, request: Request) -> CalibrateResult:
    """Choose the verbatim threshold for the FAQ the bot answers from at ``precision`` on these
    questions (seeded halves; the bot runs over all of them, ~45 s per 1,000 with e5) and store it;
    this process's bot uses it from its next turn on (other workers after their restart)."""
    services = request.app.state.services
    if getattr(services, "settings", None) is None:
        raise HTTPException(status_code=503, detail="no data directory configured")
    try:
        faq = current_faq(services)
    except ValueError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None
    try:
        questions = label_rows(body.questions, faq.entries, lambda i: f"questions[{i}]", "questions")
    except LogError as exc:
        field = "body.questions" if exc.index is None else f"body.questions.{exc.index}.expected"
        raise api_error(422, str(exc), field) from None
    result, record = calibrate_and_store(services, faq, questions, body.precision, body.seed, "POST /v1/kb/faq/calibrate",
                                         confidence=body.confidence)
    if hasattr(services, "forget_corpus"):
        services.forget_corpus()  # the bot is rebuilt on its next turn, with this threshold
    return CalibrateResult(threshold=record, summary=result.lines())
