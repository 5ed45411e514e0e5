"""Live model tokens for a reader who must never see an unchecked claim: release whole sentences.

``stream_text`` passes tokens through as they arrive, but a token already sent cannot be recalled,
and the grounding check (agents/common/grounding.py) judges sentences. So this sits in between:
tokens are buffered until a sentence ends (the grounding module's own sentence end), each complete
sentence is checked (``check`` returns None to accept it, or a reason), masked, and only then handed
to ``sink``. Sentences without a number or product term pass the grounding check at once, so the
customer sees text sentence by sentence while the model is still writing.

With ``anchor``, claim-free sentences are held back until a sentence the sources support has been
released (``anchor(sentence)`` True): an answer that never says anything from its sources ("{not
json", chatter) is never shown; it ends in the fallback with reason "ungrounded".

At the first sentence that fails — or when the stream times out or breaks — no further model text
is released: the customer gets what was already released, then ``separator``, then the fallback
(the extractive answer); with nothing released, just the fallback. The result's ``value`` is exactly
what ``sink`` received, so the transcript records what the customer saw.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from agents.common.grounding import SENTENCE_END
from agents.common.llm_call import LlmResult
from agents.common.textgen import stream_text
from tools.pii import mask_pii

log = logging.getLogger("puhui.llm")


class _Release:
    """What has been handed to the sink; whitespace between sentences travels with the next one, so
    the released text never starts or ends with blank lines the model left dangling."""

    def __init__(self, sink: Callable[[str], None], mask: Callable[[str], str]):
        self._sink, self._mask = sink, mask
        self.parts: list[str] = []
        self._gap = ""

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def gap(self, whitespace: str) -> None:
        if self.parts:
            self._gap += whitespace

    def send(self, piece: str) -> None:
        piece = self._mask(self._gap + piece if self.parts else piece.lstrip())
        self._gap = ""
        if piece:
            self.parts.append(piece)
            self._sink(piece)


def gated_stream(model: Any, messages: Sequence[Any], *, timeout_s: float, fallback: Callable[[], str],
                 check: Callable[[str], str | None], sink: Callable[[str], None], separator: str = "\n\n",
                 mask: Callable[[str], str] = mask_pii,
                 anchor: Callable[[str], bool] | None = None) -> LlmResult[str]:
    """Stream the model's answer to ``sink`` one checked sentence at a time; returns within ~``timeout_s``.

    ``source`` is "llm" when the whole answer was the model's, "fallback" when the fallback had to
    finish (or replace) it — ``reason`` says why: the failing sentence's reason ("ungrounded",
    "forbidden_promise" …), "timeout", an error class, or "empty_output" — and "none" without a model.
    """
    t0 = time.monotonic()
    out = _Release(sink, mask)

    def finish(source: str, reason: str | None) -> LlmResult[str]:
        if source != "llm":
            tail = fallback()
            out.send(separator + tail if out.parts else tail)
        return LlmResult(out.text, source, reason, 0 if model is None else 1,  # type: ignore[arg-type]
                         (time.monotonic() - t0) * 1000)

    if model is None:
        return finish("none", "no_model")

    held: list[str] = []  # checked sentences waiting for the first anchored one
    anchored = anchor is None

    def offer(piece: str) -> str | None:
        """Check one sentence and release it; the reason it was held back, or None."""
        nonlocal anchored
        sentence = piece.strip()
        if not sentence:
            if anchored:
                out.gap(piece)
            else:
                held.append(piece)
            return None
        reason = check(sentence)
        if reason is not None:
            return reason
        if not anchored and anchor is not None and anchor(sentence):
            anchored = True
            for earlier in held:
                if earlier.strip():
                    out.send(earlier)
                else:
                    out.gap(earlier)
            held.clear()
        if anchored:
            out.send(piece)
        else:
            held.append(piece)
        return None

    stream = stream_text(model, messages, timeout_s=timeout_s)
    chunks = iter(stream)
    buffer, failed = "", None
    try:
        for chunk in chunks:
            buffer += chunk
            *complete, buffer = SENTENCE_END.split(buffer)
            for piece in complete:
                if (failed := offer(piece)) is not None:
                    break
            if failed is not None:
                break
    finally:
        chunks.close()  # a held-back sentence ends the model call too (the producer stops at its next chunk)
    if failed is None and stream.reason is None and buffer.strip():
        failed = offer(buffer)  # the last sentence may lack its full stop
    if failed is None and not anchored and any(p.strip() for p in held):
        failed = "ungrounded"  # the model said nothing its sources support
    reason = failed or stream.reason or (None if out.parts else "empty_output")
    if reason is not None:
        log.info("live answer cut after %d released chars (%s)", len(out.text), reason)
        return finish("fallback", reason)
    return finish("llm", None)
