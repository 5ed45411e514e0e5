"""Knowledge-base API: ``POST /v1/kb/search`` (hybrid dense + BM25 search), ``GET /v1/kb/sources``.

``source`` restricts a search to one corpus root (ours, ``puhui``, or a bank's, issue #20); an unknown
source is a 422 naming the field, with the sources the index holds.

The request model bounds every field (query 1..500 characters, k 1..50, type from a fixed set), so
bad input is a 422 naming the field. Authentication is added by app.py around this router.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, field_validator

from kb.retrieval.retrieve import Passage
from kb.service import KnowledgeBase
from kb.sources import NAME_PATTERN
from server.api.errors import api_error
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
