"""The answer policy, the reply check and the hand-off — the nodes that decide what the customer reads.

Answer policy, in order:
1. a standard question matched at or above the calibrated threshold, about the same topic
   (agents/customer_service/topic_check.py) → the approved answer verbatim,
   with its source (and a hand-off when the FAQ entry or a sensitive topic requires one);
2. a complaint without such a match → hand-off;
3. a question about a named product (its facts, or two products compared) or about financing for a
   trade → the facts quoted from the product/industry documents with numbered citations
   (agents/customer_service/doc_answers.py);
4. retrieved passages that really share the question's content words → a grounded answer with
   numbered citations (phrased by the model when there is one, and only if the grounding check
   passes; otherwise the extractive answer). A streaming client reads the model's answer live, one
   checked sentence at a time (agents/common/gated_stream.py); from the first sentence that fails,
   the extractive answer finishes it;
5. otherwise an honest "not sure" with a hand-off offer — listing, when there are any, the top
   candidate standard questions below the threshold as suggestions (「您是不是想问」, suggest.py);
   N such turns in a row → hand-off.
The check then refuses forbidden promises and unmasked personal data and appends the disclosures
the compliance policy requires.
"""

from __future__ import annotations

import logging
import time
from typing import Literal

from langgraph.runtime import Runtime

from agents.common.gated_stream import gated_stream
from agents.common.grounding import anchored, check_grounding
from agents.common.llm import invoke_text
from agents.customer_service.compose import (
    disclosures_for,
    extractive_answer,
    handoff_summary,
    passage_sources,
    relevant,
    ticket_id,
)
from agents.customer_service.context import CsDeps, TurnContext
from agents.customer_service.schemas import BotReply, Handoff, Understanding
from agents.customer_service.state import CsState, faq_hits
from agents.customer_service.suggest import suggestion_text, suggestions
from prompts.loader import render
from tools.cs.phrases import contains_any, find_promises
from tools.pii import mask_pii

log = logging.getLogger(__name__)


class _Passage:
    """Attribute view of a stored passage dict (compose functions read attributes)."""

    def __init__(self, d: dict):
        self.__dict__.update({k: d.get(k) for k in ("chunk_id", "text", "score", "doc_id", "doc_type", "title", "section",
                                                   "source", "faq_id", "answer")})
        self.text = self.text or ""
        self.title = self.title or ""
        self.source = self.source or ""


class AnswerNodes:
    def __init__(self, deps: CsDeps):
        self.deps = deps

    # --- answer --------------------------------------------------------------------------------
    def answer(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        ctx, deps = runtime.context, self.deps
        t0 = time.perf_counter()
        u = Understanding.model_validate(state["understanding"])
        hits = faq_hits(state)
        threshold = deps.matcher.params.threshold
        unresolved = int(state.get("unresolved_turns", 0))
        if contains_any(state["message"], deps.compliance.handoff.frustration_phrases):
            unresolved += 1  # the customer says the last answer did not help
        pending = None
        if state.get("sensitive"):
            pending = {"reason": "sensitive_topic", "detail": state["sensitive"]}
        best = hits[0] if hits else None
        if best is not None and best.score >= threshold and best.topic_ok:
            reply = BotReply(text=best.answer, outcome="faq", intent=u.intent, confidence=best.score, faq_id=best.faq_id,
                             sources=[{"n": 1, "kind": "faq", "id": best.faq_id, "title": best.question,
                                       "source": best.origin or f"faq/{best.category}", "text": best.answer}])
            if best.handoff and pending is None:
                pending = {"reason": "complaint" if u.intent == "complaint" else "faq_policy", "detail": best.faq_id}
            unresolved = 0
        elif u.intent == "complaint" or pending is not None:
            pending = pending or {"reason": "complaint", "detail": ""}
            reply = BotReply(text="", outcome="handoff", intent=u.intent, confidence=best.score if best else 0.0)
        else:
            reply = self._answer_from_kb(state, u, ctx)
            if reply.outcome == "not_sure":
                unresolved += 1
                if best is not None:
                    reply.confidence = best.score
            else:
                unresolved = 0
        if pending is None and unresolved >= deps.compliance.handoff.max_unresolved_turns:
            pending = {"reason": "repeated_failure", "detail": f"{unresolved}轮"}
            if reply.outcome == "not_sure":
                reply.text = ""
        if reply.outcome == "not_sure" and pending is None:
            reply.suggestions = suggestions(hits, min(deps.matcher.params.suggest_threshold, threshold))
            if reply.suggestions:
                reply.text = suggestion_text(reply.suggestions, deps.compliance.official_hotline,
                                             deps.compliance.bank_name)
        ctx.timed("answer", t0)
        return {"draft": reply.model_dump(), "pending_handoff": pending, "unresolved_turns": unresolved}

    def _answer_from_kb(self, state: CsState, u: Understanding, ctx: TurnContext) -> BotReply:
        """A comparison, a trade's financing question or a product attribute that is a document fact
        (rate, amount, tenor …) is answered from the documents' facts; other questions from the
        retrieved passages' sentences, and, when no sentence answers, from the named product's
        overview (doc_answers.py); else "not sure"."""
        deps = self.deps
        retrieved = state.get("passages") or []
        industries = list(dict.fromkeys(p["doc_id"] for p in retrieved[:3] if p.get("doc_type") == "industry"))
        doc = deps.docs.answer(u.query, u.products, industries) if deps.docs is not None else None
        if doc is not None and (doc.kind in ("compare", "industry") or doc.specific):
            return self._phrase(u, ctx, doc.sources, doc.text, doc.confidence, rewrite=doc.kind != "compare")
        passages = relevant(u.query, [_Passage(p) for p in state.get("passages") or []], deps.passage_min_overlap)
        ranked = passages[:deps.max_sources]
        sources = passage_sources(ranked)
        extractive = (extractive_answer(u.query, sources, min_overlap=deps.passage_min_overlap,
                                        bank=deps.compliance.bank_name) if sources else "")
        if extractive:
            conf = float(max((p.score or 0.0) for p in ranked)) if ranked else 0.0
            return self._phrase(u, ctx, sources, extractive, conf)
        if doc is not None:
            return self._phrase(u, ctx, doc.sources, doc.text, doc.confidence)
        return BotReply(text=deps.reply("not_sure"), outcome="not_sure", intent=u.intent)

    def _phrase(self, u: Understanding, ctx: TurnContext, sources: list, extractive: str, conf: float,
                rewrite: bool = True) -> BotReply:
        """The grounded answer: the model's wording of the cited sources when there is a model (each
        sentence checked: no promise, grounded, anchored), else — or when it fails — the extractive one."""
        deps = self.deps
        text = extractive
        if deps.llm is not None and rewrite:
            system = render("customer_service/grounded_answer.md", passages=sources, bank=deps.compliance.bank_name)
            cited = {str(s.n): s.text for s in sources}
            terms = [a for a, _ in deps.lexicon.names]

            def check(candidate: str) -> str | None:
                if find_promises(candidate, deps.compliance.forbidden_promises):
                    return "forbidden_promise"
                report = check_grounding(candidate, cited, product_terms=terms)
                return None if report.grounded else "ungrounded"

            def answer_check(candidate: str) -> str | None:  # the whole answer must also be anchored
                return check(candidate) or (None if anchored(candidate, cited) else "ungrounded")

            messages = [("system", system), ("human", u.query)]
            if ctx.live and not find_promises(extractive, deps.compliance.forbidden_promises):
                # Live: each sentence is checked before the customer sees it. (An extractive answer
                # the check node would hold back is never streamed: it goes the non-live way.)
                ctx.start(BotReply(text="", outcome="grounded", intent=u.intent, sources=sources, confidence=conf))
                out = gated_stream(deps.llm, messages, timeout_s=deps.llm_timeout_s, fallback=lambda: extractive,
                                   check=check, sink=ctx.emit, separator=deps.reply("live_cut"),
                                   anchor=lambda sentence: anchored(sentence, cited))
            else:
                out = invoke_text(deps.llm, messages, timeout_s=deps.llm_timeout_s, fallback=lambda: extractive,
                                  check=answer_check)
            ctx.mark_llm(out.source, out.reason)
            text = out.value
        used = [s for s in sources if f"[{s.n}]" in text] or sources
        return BotReply(text=text, outcome="grounded", intent=u.intent, sources=used, confidence=conf)

    # --- check ---------------------------------------------------------------------------------
    def check(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        """Last line of defence before the customer reads anything. A reply streamed live was checked
        sentence by sentence (the same promise check, grounding and masking) before each sentence
        left; the customer has read it, so it is never replaced or rewritten here — only appended to."""
        deps = self.deps
        reply = BotReply.model_validate(state["draft"])
        sent = runtime.context.streamed
        live = bool(sent) and reply.text.startswith(sent)
        if reply.text and find_promises(reply.text, deps.compliance.forbidden_promises):
            if live:  # cannot happen: every released sentence passed find_promises
                log.error("forbidden promise in a reply already streamed (%s answer)", reply.outcome)
            else:
                log.warning("reply held back: forbidden promise in %s answer", reply.outcome)
                reply = BotReply(text=deps.reply("not_sure"),
                                 outcome="not_sure", intent=reply.intent)
        if live:
            reply.text = sent + mask_pii(reply.text[len(sent):])
        else:
            reply.text = mask_pii(reply.text)
        if reply.outcome in ("faq", "grounded", "account") and reply.text:
            u = state.get("understanding") or {}
            hits = faq_hits(state)
            top = hits[0] if hits and reply.faq_id == hits[0].faq_id else None
            needed = disclosures_for(deps.compliance, reply.text, u.get("query", ""),
                                     [top.category] if top else [], list(u.get("products", [])) + (top.products if top else []),
                                     [top.disclosure] if top and top.disclosure else [])
            if needed:
                reply.text = reply.text + "\n\n" + "\n".join(t for _, t in needed)
                reply.disclosures = [i for i, _ in needed]
        reply.llm = runtime.context.llm  # type: ignore[assignment]
        reply.llm_reason = runtime.context.llm_reason
        return {"draft": reply.model_dump()}

    @staticmethod
    def route_check(state: CsState) -> Literal["handoff", "finish"]:
        return "handoff" if state.get("pending_handoff") else "finish"

    # --- hand-off ------------------------------------------------------------------------------
    def handoff(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        deps = self.deps
        pending = state.get("pending_handoff") or {"reason": "customer_request", "detail": ""}
        reply = BotReply.model_validate(state.get("draft") or {"text": "", "outcome": "handoff"})
        turn = int(state.get("turn_index", 0)) + 1
        ticket = ticket_id(state.get("session_id", ""), turn)
        summary = handoff_summary(state.get("customer_id", ""), pending["reason"], pending.get("detail", ""),
                                  state.get("transcript", []), state["message"], int(state.get("unresolved_turns", 0)))
        handoff = Handoff(reason=pending["reason"], ticket_id=ticket, summary=summary, at_turn=turn)  # type: ignore[arg-type]
        notice = deps.reply(f"handoff.{pending['reason']}", ticket=ticket)
        reply.text = f"{reply.text}\n\n{notice}" if reply.text else notice
        reply.outcome = "handoff" if reply.outcome != "faq" else reply.outcome
        reply.handoff = handoff
        reply.llm = runtime.context.llm  # type: ignore[assignment]
        reply.llm_reason = runtime.context.llm_reason
        return {"draft": reply.model_dump(), "handoff": handoff.model_dump()}
