"""Nodes of the customer-service graph, except answering (nodes/answer.py): guard, understand, retrieve,
the short paths (refuse, chit-chat, account, pending hand-off) and finish.

Each node returns only the state keys it sets; routers return Literal names (graph.py wires them).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Literal

from langgraph.runtime import Runtime

from agents.common.llm import invoke_structured
from agents.customer_service.compose import pii_notice
from agents.customer_service.context import CsDeps, TurnContext
from agents.customer_service.retrieval import search as kb_search
from agents.customer_service.schemas import BotReply, FaqHit, Understanding
from agents.customer_service.state import CsState
from agents.customer_service.topic_check import check_topic
from agents.customer_service.understand import message_text, same_question, sensitive_topic, subject_of, understand
from prompts.loader import render
from tools.cs.accounts import answer_account_query
from tools.cs.guard import GuardVerdict

log = logging.getLogger(__name__)
_LOCKED_INTENTS = {"handoff_request", "complaint", "account_specific"}  # the model may not talk us out of these
_THANKS = re.compile(r"谢|感谢|多谢")
_BYE = re.compile(r"再见|拜拜|bye", re.I)
_WHO = re.compile(r"你是|你叫|你能|你会")
_ACK = re.compile(r"^(好的|好|嗯|嗯嗯|ok|明白了|知道了|没事了|没有了|没问题了)", re.I)


class CsNodes:
    def __init__(self, deps: CsDeps):
        self.deps = deps

    # --- guard -------------------------------------------------------------------------------
    def guard(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        ctx, deps = runtime.context, self.deps
        reset = {"understanding": {}, "sensitive": None, "faq_hits": [], "passages": [], "draft": {},
                 "pending_handoff": None, "reply": {}}
        if state.get("handoff"):
            return {**reset, "guard": GuardVerdict().model_dump()}
        message = state["message"]
        if deps.embed_query is not None:
            t0 = time.perf_counter()
            try:  # the text every later step uses: normalised, masked numbers removed
                ctx.query_vec = deps.embed_query(message_text(message))
            except Exception as exc:  # lexical matching still works without the vector
                log.warning("query embedding failed (%s); continuing lexical-only", type(exc).__name__)
                ctx.query_vec = None
            ctx.timed("embedding", t0)
        t0 = time.perf_counter()
        verdict = deps.guard.check(message, ctx.query_vec)
        ctx.timed("guard", t0)
        return {**reset, "guard": verdict.model_dump()}

    @staticmethod
    def route_guard(state: CsState) -> Literal["pending", "refuse", "understand"]:
        if state.get("handoff"):
            return "pending"
        return "refuse" if GuardVerdict.model_validate(state.get("guard") or {}).blocked else "understand"

    def refuse(self, state: CsState) -> dict:
        kind = state["guard"]["kind"]
        reply = BotReply(text=self.deps.reply(f"refused.{kind}"), outcome="out_of_scope" if kind == "out_of_scope" else "refused",
                         guard=kind, confidence=1.0)
        return {"draft": reply.model_dump()}

    def pending(self, state: CsState) -> dict:
        ticket = (state.get("handoff") or {}).get("ticket_id", "")
        return {"draft": BotReply(text=self.deps.reply("handoff_pending", ticket=ticket), outcome="handoff_pending").model_dump()}

    # --- understand ----------------------------------------------------------------------------
    def understand(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        ctx, deps = runtime.context, self.deps
        t0 = time.perf_counter()
        message = state["message"]
        det = understand(message, state.get("topic"), deps.compliance, deps.lexicon)
        result = det
        if deps.llm is not None:
            history = [("human" if t["role"] == "customer" else "ai", t["text"]) for t in state.get("transcript", [])[-4:]]
            system = render("customer_service/understand.md", products=", ".join(sorted(deps.lexicon.short)),
                            bank=deps.compliance.bank_name)
            out = invoke_structured(deps.llm, [("system", system), *history, ("human", message)], Understanding,
                                    timeout_s=deps.llm_timeout_s, fallback=lambda: det)
            ctx.mark_llm(out.source, out.reason)
            if out.source == "llm":
                llm_u = out.value
                known = [p for p in llm_u.products if p in deps.lexicon.short]
                result = Understanding(
                    intent=det.intent if det.intent in _LOCKED_INTENTS else llm_u.intent,
                    query=llm_u.query.strip() or det.query, products=known or det.products,
                    slots={**llm_u.slots, **det.slots}, follow_up=llm_u.follow_up or det.follow_up)
        ctx.timed("understand", t0)
        return {"understanding": result.model_dump(),
                "sensitive": sensitive_topic(message, deps.compliance)}

    @staticmethod
    def route_intent(state: CsState) -> Literal["handoff", "chitchat", "account", "retrieve"]:
        intent = state["understanding"]["intent"]
        if intent == "handoff_request":
            return "handoff"
        if intent == "chitchat":
            return "chitchat"
        if intent == "account_specific":
            return "account"
        return "retrieve"

    def request_handoff(self, state: CsState) -> dict:
        """Explicit request: the hand-off node does the rest."""
        return {"pending_handoff": {"reason": "customer_request", "detail": ""},
                "draft": BotReply(text="", outcome="handoff", intent="handoff_request").model_dump()}

    # --- chit-chat and account ---------------------------------------------------------------------
    def chitchat(self, state: CsState) -> dict:
        text = state["message"]
        kind = ("bye" if _BYE.search(text) else "thanks" if _THANKS.search(text) else "identity" if _WHO.search(text)
                else "ack" if _ACK.search(text) else "hello")
        reply = BotReply(text=self.deps.reply(f"chitchat.{kind}"), outcome="chitchat", intent="chitchat", confidence=1.0)
        return {"draft": reply.model_dump()}

    def account(self, state: CsState) -> dict:
        u = Understanding.model_validate(state["understanding"])
        ans = answer_account_query(self.deps.accounts, state["customer_id"], state["message"], u.slots,
                                   bank=self.deps.compliance.bank_name)
        if ans.status == "no_records":
            return {"pending_handoff": {"reason": "account_verification", "detail": ""},
                    "draft": BotReply(text="", outcome="handoff", intent=u.intent).model_dump()}
        if ans.status == "ok":
            reply = BotReply(text=ans.text, outcome="account", intent=u.intent, confidence=1.0)
        else:
            reply = BotReply(text=self.deps.reply(f"account.{ans.status}", ref=ans.ref), outcome="account", intent=u.intent,
                             confidence=1.0)
        return {"draft": reply.model_dump()}

    # --- retrieve ------------------------------------------------------------------------------
    def _same_question_prior(self, message: str, prev: str | None, rewritten: list[FaqHit], hits: list[FaqHit]) -> list[FaqHit]:
        """"跨行的呢" after an answered question asks the same question for another case: when the
        previous answer covers that case (names it) or is still a candidate, it is the answer."""
        qualifier = same_question(message)
        entry = self.deps.matcher.by_id.get(prev or "")
        if not qualifier or entry is None:
            return hits
        covers = qualifier in entry.answer or any(qualifier in q for q in [entry.question, *entry.similar])
        if not covers and prev not in [h.faq_id for h in rewritten[:3]]:
            return hits
        threshold = self.deps.matcher.params.threshold
        prior = next((h for h in rewritten if h.faq_id == prev), None)
        score = max(prior.score if prior else 0.0, threshold)
        top = FaqHit(faq_id=entry.id, question=entry.question, answer=entry.answer, category=entry.category, score=score,
                     handoff=entry.handoff, products=entry.products, disclosure=entry.disclosure,
                     matched_text=entry.question)
        return [top, *[h for h in hits if h.faq_id != prev]][:3]

    def _embed(self, ctx: TurnContext, text: str):
        """A query vector for a rewritten query (None in lexical-only mode)."""
        if self.deps.embed_query is None or not self.deps.matcher.uses_dense:
            return None
        t0 = time.perf_counter()
        try:
            return self.deps.embed_query(text)
        except Exception as exc:
            log.warning("query embedding failed (%s)", type(exc).__name__)
            return None
        finally:
            ctx.timed("embedding", t0)

    def _topic_checked(self, u: Understanding, hits: list[FaqHit]) -> list[FaqHit]:
        """Mark the candidates whose entry is about something else (topic_check.py); a candidate that
        agrees and passes the threshold moves ahead of one that does not."""
        deps = self.deps
        trade = deps.docs.trade_of(u.query, u.products) if deps.docs is not None and hits else None
        for h in hits:
            entry = deps.matcher.by_id.get(h.faq_id)
            if entry is not None:
                verdict = check_topic(u.query, u.products, entry, deps.product_categories, trade)
                h.topic_ok, h.topic_reason = verdict.agrees, verdict.reason
        if hits and not hits[0].topic_ok:
            ok = [h for h in hits if h.topic_ok and h.score >= deps.matcher.params.threshold]
            hits = ok[:1] + [h for h in hits if h not in ok[:1]]
        return hits

    def retrieve(self, state: CsState, runtime: Runtime[TurnContext]) -> dict:
        ctx, deps = runtime.context, self.deps
        u = Understanding.model_validate(state["understanding"])
        message = state["message"]
        t0 = time.perf_counter()
        raw_text = message_text(message)
        query_vec = None
        if not u.follow_up:
            query_vec = ctx.query_vec if u.query == raw_text else self._embed(ctx, u.query)
            hits = deps.matcher.match(u.query, query_vec, k=3)
        else:  # a follow-up: score the message as written and with the previous topic made explicit
            prev = (state.get("topic") or {}).get("faq_id")
            raw_vec = ctx.query_vec
            # a follow-up asks something new: the previous answer is not a candidate
            raw = [h for h in deps.matcher.match(raw_text, raw_vec, k=4) if h.faq_id != prev]
            query_vec = self._embed(ctx, u.query)
            rewritten = [h for h in deps.matcher.match(u.query, query_vec, k=4) if h.faq_id != prev]
            if raw and raw[0].score >= deps.matcher.params.threshold:
                hits = raw[:3]
            else:
                hits = (rewritten if rewritten and (not raw or rewritten[0].score >= raw[0].score) else raw)[:3]
            hits = self._same_question_prior(message, (state.get("topic") or {}).get("faq_id"), rewritten, hits)
        hits = self._topic_checked(u, hits)
        ctx.timed("faq_match", t0)
        passages: list[dict] = []
        best = hits[0].score if hits and hits[0].topic_ok else 0.0
        if deps.kb is not None and best < deps.matcher.params.threshold:
            t0 = time.perf_counter()
            try:
                vec = deps.kb_vector(query_vec) if (deps.kb_vector is not None and query_vec is not None) else None
                found = [p for p in kb_search(deps.kb, u.query, deps.kb_fetch, vec) if deps.may_quote(p.doc_type, p.faq_id)]
                passages = [{f: getattr(p, f, None) for f in ("chunk_id", "text", "score", "doc_id", "doc_type", "title",
                                                           "section", "source", "faq_id", "answer")} for p in found[:deps.kb_k]]
            except Exception as exc:  # no index yet, store down: answer from the FAQ matcher alone
                log.warning("KB search failed (%s: %s); answering without passages", type(exc).__name__, exc)
            ctx.timed("retrieval", t0)
        return {"faq_hits": [h.model_dump() for h in hits], "passages": passages}

    # --- finish --------------------------------------------------------------------------------
    def finish(self, state: CsState) -> dict:
        reply = BotReply.model_validate(state["draft"])
        reply.pii_masked = list(state.get("pii") or [])
        if reply.pii_masked and reply.outcome not in ("handoff", "handoff_pending"):
            reply.text = f"{reply.text}\n\n{pii_notice(reply.pii_masked, self.deps.compliance.bank_name)}"
        turn = int(state.get("turn_index", 0)) + 1
        now = time.time()
        customer = {"role": "customer", "text": state["message"], "ts": state.get("received_at", now),
                    "meta": {"pii": reply.pii_masked, "guard": (state.get("guard") or {}).get("kind", "ok")}}
        bot = {"role": "bot", "text": reply.text, "ts": now,
               "meta": {"outcome": reply.outcome, "intent": reply.intent, "confidence": reply.confidence,
                        "faq_id": reply.faq_id, "sources": [s.model_dump() for s in reply.sources],
                        "disclosures": reply.disclosures, "handoff": reply.handoff.model_dump() if reply.handoff else None,
                        "llm": reply.llm, "llm_reason": reply.llm_reason,
                        "suggestions": [s.faq_id for s in reply.suggestions]}}
        update: dict = {"reply": reply.model_dump(), "transcript": [customer, bot], "turn_index": turn}
        u = state.get("understanding") or {}
        if reply.outcome in ("faq", "grounded", "account") or u.get("intent") == "product_inquiry":
            named = self.deps.lexicon.find_with_names(state["message"])
            update["topic"] = {"products": u.get("products", []), "subject": subject_of(u.get("query", "")),
                               "faq_id": reply.faq_id, "query": u.get("query", ""),
                               "product_name": named[0][1] if named else (state.get("topic") or {}).get("product_name", "")
                               if u.get("follow_up") else ""}
        return update
