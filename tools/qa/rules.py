"""QA rules: one small detector per rubric detector type, each a pure function over a dialog.

The rubric (kb/corpus/policies/qa_rubric.md) names each rule's detector type and parameters; phrase
lists shared with the bot (forbidden promises, rude phrases, disclosures) come from cs_compliance so
the bot and the inspector can never disagree about what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tools.cs.phrases import Span, contains_any, find_phrases, find_promises, is_negated
from tools.cs.policy import CsCompliance, QaRubric, QaRule
from tools.pii import find_pii
from tools.qa.classifier import clauses as clause_spans
from tools.qa.classifier import features as clause_features
from tools.qa.dialogs import Dialog
from tools.qa.facts import KbFacts
from tools.qa.models import Evidence, Finding

_PII_NAMES = {"id_card": "身份证号", "mobile": "手机号", "bank_card": "银行卡号"}


@dataclass
class RuleContext:
    rubric: QaRubric
    compliance: CsCompliance
    facts: KbFacts | None = None
    semantic: Any | None = None  # tools.qa.semantic.ExemplarMatcher (issue #19), when an embedder is configured
    classifier: Any | None = None  # tools.qa.classifier.ClauseClassifier (issue #19), the shipped clause models


def make_finding(rule: QaRule, message: str, dialog: Dialog | None = None, turn: int | None = None,
             span: tuple[int, int] | None = None) -> Finding:
    evidence = None
    if dialog is not None and turn is not None:
        t = dialog.turns[turn]
        start, end = span if span else (0, min(len(t.text), 60))
        evidence = Evidence(turn=turn, role=t.role, start=start, end=end, text=t.text[start:end])
    return Finding(rule_id=rule.id, rule_name=rule.name, severity=rule.severity, message=message,
                   suggestion=rule.suggestion, evidence=evidence)


def agent_turns(dialog: Dialog) -> list[int]:
    return [i for i, t in enumerate(dialog.turns) if t.role == "agent"]


def phrase_present(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """Greeting / closing: one of the phrases in the first (or last) N agent turns."""
    if rule.detector.param("only_complete") and not dialog.complete:
        return []
    agents = agent_turns(dialog)
    if not agents:
        return [make_finding(rule, "对话中没有坐席发言")]
    n = int(rule.detector.param("turns", 1))
    scope = rule.detector.param("scope", "first_agent_turns")
    window = agents[:n] if scope == "first_agent_turns" else agents[-n:]
    phrases = rule.detector.param("phrases", [])
    if any(contains_any(dialog.turns[i].text, phrases) for i in window):
        return []
    where = window[0] if scope == "first_agent_turns" else window[-1]
    return [make_finding(rule, f"{'开场' if scope == 'first_agent_turns' else '结束时'}缺少规范用语", dialog, where)]


def disclosure_given(text: str, disclosure_id: str, rule: QaRule, ctx: RuleContext) -> bool:
    """The agent gave that disclosure: one of the bot's key phrases (cs_compliance), or — an agent is not a
    bot reading a template — the rubric's ``accepted_patterns`` for it (「贵金属投资有风险，请审慎决策」,
    「这是典型的诈骗手法」)."""
    policy = ctx.compliance.disclosure(disclosure_id)
    if policy is not None and policy.present_in(text):
        return True
    accepted = (rule.detector.param("accepted_patterns") or {}).get(disclosure_id, [])
    return any(rx.search(text) for rx in compiled(tuple(accepted)))


def disclosure(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """A topic that needs a risk disclosure was discussed by the agent, and the disclosure never given."""
    out = []
    agents = agent_turns(dialog)
    agent_text = "\n".join(dialog.turns[i].text for i in agents)
    patterns = rule.detector.param("trigger_patterns") or {}
    for disclosure_id, triggers in (rule.detector.param("triggers") or {}).items():
        policy = ctx.compliance.disclosure(disclosure_id)
        if policy is None or disclosure_given(agent_text, disclosure_id, rule, ctx):
            continue
        extra = compiled(tuple(patterns.get(disclosure_id, [])))
        for i in agents:
            text = dialog.turns[i].text
            spans = sorted(find_phrases(text, triggers) + _pattern_spans(text, extra, disclosure_id), key=lambda s: s.start)
            if spans:
                s = spans[0]
                out.append(make_finding(rule, f"谈到“{s.text}”但未给出{policy.name}", dialog, i, (s.start, s.end)))
                break
    return out


def _spans_finding(rule: QaRule, dialog: Dialog, finder: Callable[[str], list[Span]], label: str) -> list[Finding]:
    out = []
    for i in agent_turns(dialog):
        for s in finder(dialog.turns[i].text):
            out.append(make_finding(rule, f"{label}“{s.text}”", dialog, i, (s.start, s.end)))
    return out


def _pattern_spans(text: str, patterns: list[re.Pattern[str]], label: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0), label) for rx in patterns for m in rx.finditer(text)]


def _merged(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order; of two overlapping ones the longer stays."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


@lru_cache(maxsize=64)
def compiled(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


def forbidden_promise(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """The fixed phrases of cs_compliance, plus the rubric's patterns for promises in any wording
    (「今年肯定也能赚，放心买」); a negated or reported one ("不能保证一定能赚") does not count."""
    policy = ctx.compliance.forbidden_promises
    patterns = compiled(tuple(rule.detector.param("patterns", [])))

    def finder(text: str) -> list[Span]:
        extra = [s for s in _pattern_spans(text, patterns, "forbidden_promise") if not is_negated(text, s, policy)]
        return _merged(find_promises(text, policy) + extra)
    return _spans_finding(rule, dialog, finder, "使用了禁止承诺用语")


def rude_phrase(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """Rude phrases (cs_compliance), plus the rubric's attitude/blame patterns (「你自己密码输错了怪谁」)."""
    phrases = ctx.compliance.rude_phrases
    patterns = compiled(tuple(rule.detector.param("patterns", [])))
    return _spans_finding(rule, dialog, lambda text: _merged(find_phrases(text, phrases)
                                                             + _pattern_spans(text, patterns, "rude")), "不当用语")


def asks_for_human(text: str, rule: QaRule, ctx: RuleContext) -> bool:
    """One customer turn asks for a human: the bot's request phrases (cs_compliance
    ``handoff.request_phrases``) or the rubric's ``request_patterns`` of the hand-off rule — not when the
    customer declines one (``request_negated_by`` just before it: 「不用转人工了」)."""
    negators = rule.detector.param("request_negated_by", [])
    spans = [(s.start, s.end) for s in find_phrases(text, ctx.compliance.handoff.request_phrases)]
    spans += [m.span() for rx in compiled(tuple(rule.detector.param("request_patterns", []))) for m in rx.finditer(text)]
    return any(not text[max(0, a - 3):a].endswith(tuple(negators)) for a, _ in spans)


def hands_off(text: str, rule: QaRule) -> bool:
    """One agent utterance hands the customer over (转接, 接入, 回电, 工单…): the rule's ``handoff_phrases``
    or ``handoff_patterns`` — unless it says the transfer failed (``handoff_negated_by``: 「正在为您转接……
    转接失败」 hands nobody over)."""
    det = rule.detector
    if contains_any(text, det.param("handoff_negated_by", [])):
        return False
    if contains_any(text, det.param("handoff_phrases", [])):
        return True
    return any(rx.search(text) for rx in compiled(tuple(det.param("handoff_patterns", []))))


def hands_off_after(dialog: Dialog, rule: QaRule, i: int, offset: int = 0) -> bool:
    """An agent turn from ``i`` on (turn ``i`` from character ``offset``) hands off."""
    return any(hands_off(t.text[offset:] if j == i else t.text, rule)
               for j, t in enumerate(dialog.turns) if j >= i and t.role == "agent")


def handoff_refused(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """The customer asked for a human and no agent turn after it hands over (转接, 回电, 工单…): the
    next agent turn refused or brushed it off (its refusal words are the evidence), or — in a complete
    dialog, with ``unanswered_request_counts`` — the request simply went unanswered (iteration 5: in 268
    of the 276 labelled dialogs where that held it was a refusal; the bot's 「请简单描述您的问题」 after 「人工」
    is one in any wording). The evidence of an unanswered request is the clause of the agent turns after it
    that the clause classifier scores highest (the refusal often comes after a clarifying question), or
    the whole next agent turn without a classifier."""
    refusals = compiled(tuple(rule.detector.param("refusal_patterns", [])))
    turns = dialog.turns
    unanswered = None
    for i, t in enumerate(turns):
        if t.role != "customer" or not asks_for_human(t.text, rule, ctx):
            continue
        nxt = next((j for j in range(i + 1, len(turns)) if turns[j].role == "agent"), None)
        if nxt is None or hands_off_after(dialog, rule, nxt):
            continue
        spans = _merged(_pattern_spans(turns[nxt].text, refusals, "handoff_refused"))
        if spans:
            s = spans[0]
            return [make_finding(rule, f"客户要求人工服务，坐席回复“{s.text}”且未转接", dialog, nxt, (s.start, s.end))]
        unanswered = nxt if unanswered is None else unanswered
    if unanswered is None or not (dialog.complete and rule.detector.param("unanswered_request_counts")):
        return []
    later = [j for j in range(unanswered, len(turns)) if turns[j].role == "agent"]
    turn, span = _likeliest_clause(dialog, later, "handoff_refused", ctx)
    return [make_finding(rule, f"客户要求人工服务，坐席回复“{span.text}”，对话结束也未转接", dialog, turn,
                         (span.start, span.end))]


def _likeliest_clause(dialog: Dialog, turn_ids: list[int], rule_id: str, ctx: RuleContext) -> tuple[int, Span]:
    """The clause of those turns the rule's clause classifier scores highest (the first turn whole without one)."""
    model = ctx.classifier.models.get(rule_id) if ctx.classifier is not None else None
    parts = [(j, c) for j in turn_ids for c in clause_spans(dialog.turns[j].text)] if model is not None else []
    if not parts:
        text = dialog.turns[turn_ids[0]].text
        return turn_ids[0], Span(0, len(text), text)
    j, best = max(parts, key=lambda p: model.probability(clause_features(p[1].text)))
    return j, Span(best.start, best.end, best.text)


def pii(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    roles = set(rule.detector.param("roles", ["agent"]))
    out = []
    for i, t in enumerate(dialog.turns):
        if t.role in roles:
            for m in find_pii(t.text):
                out.append(make_finding(rule, f"发言中出现完整{_PII_NAMES[m.kind]}", dialog, i, (m.start, m.end)))
    return out


def credential_request(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    patterns = [re.compile(p) for p in rule.detector.param("patterns", [])]
    negators = rule.detector.param("negated_by", [])
    out = []
    for i in agent_turns(dialog):
        text = dialog.turns[i].text
        for rx in patterns:
            for m in rx.finditer(text):
                before = re.split(r"[，。！？；]", text[max(0, m.start() - 10):m.start() + 2])[-1]
                if not any(n in before or n in m.group(0) for n in negators):
                    out.append(make_finding(rule, f"向客户索要敏感凭证：“{m.group(0)}”", dialog, i, m.span()))
    return out


def kb_facts(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    if ctx.facts is None:
        return []
    out = []
    for i in agent_turns(dialog):
        asked = next((dialog.turns[j].text for j in range(i - 1, -1, -1) if dialog.turns[j].role == "customer"), "")
        for issue in ctx.facts.check(dialog.turns[i].text, asked):
            out.append(make_finding(rule, issue.message, dialog, i, (issue.start, issue.end)))
    return out


def unresolved(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    """The agent said it could not help, or the customer ended unsatisfied, and no hand-off followed."""
    det = rule.detector
    if det.param("only_complete") and not dialog.complete:
        return []
    turns = dialog.turns
    customer_idx = [i for i, t in enumerate(turns) if t.role == "customer"]
    last_customers = set(customer_idx[-int(det.param("last_customer_turns", 2)):])
    trigger: tuple[int, Span] | None = None
    unable_rx = compiled(tuple(det.param("agent_unable_patterns", [])))
    for i, t in enumerate(turns):
        phrases = det.param("agent_unable", []) if t.role == "agent" else (
            det.param("customer_unresolved", []) if i in last_customers else [])
        spans = find_phrases(t.text, phrases) or (_pattern_spans(t.text, unable_rx, "unable") if t.role == "agent" else [])
        if spans:
            trigger = (i, spans[0])
    if trigger is None and turns[-1].role == "customer" and re.search(r"[？?]\s*$", turns[-1].text):
        trigger = (len(turns) - 1, Span(0, len(turns[-1].text), turns[-1].text))
    if trigger is None:
        return []
    i, span = trigger
    if hands_off_after(dialog, rule, i, span.end):
        return []
    return [make_finding(rule, "问题未解决，且没有转人工、登记工单或约定回电", dialog, i, (span.start, span.end))]


def response_time(dialog: Dialog, rule: QaRule, ctx: RuleContext) -> list[Finding]:
    det = rule.detector
    max_resp = float(det.param("max_response_seconds", 60))
    max_hold = float(det.param("max_hold_seconds", 120))
    holds = det.param("hold_phrases", [])
    out = []
    turns = dialog.turns
    for i, t in enumerate(turns):
        if t.ts is None:
            continue
        nxt = next((j for j in range(i + 1, len(turns)) if turns[j].role == "agent"), None)
        if nxt is None or turns[nxt].ts is None:
            continue
        gap = turns[nxt].ts - t.ts
        if t.role == "customer" and (i + 1 == nxt) and gap > max_resp:
            out.append(make_finding(rule, f"客户发言后等待 {gap:.0f} 秒才得到回复（时限 {max_resp:.0f} 秒）", dialog, nxt))
        elif t.role == "agent" and contains_any(t.text, holds) and gap > max_hold:
            out.append(make_finding(rule, f"请客户稍等后 {gap:.0f} 秒才回来（时限 {max_hold:.0f} 秒）", dialog, nxt))
    return out


DETECTORS: dict[str, Callable[[Dialog, QaRule, RuleContext], list[Finding]]] = {
    "phrase_present": phrase_present,
    "disclosure": disclosure,
    "forbidden_promise": forbidden_promise,
    "rude_phrase": rude_phrase,
    "pii": pii,
    "credential_request": credential_request,
    "kb_facts": kb_facts,
    "unresolved": unresolved,
    "handoff_refused": handoff_refused,
    "response_time": response_time,
}


def run_rules(dialog: Dialog, ctx: RuleContext) -> list[Finding]:
    """Every rubric rule's deterministic detector over one dialog; an unknown detector type is a policy
    error, not a skip. What is recognised by meaning on top of these: tools/qa/meaning.py."""
    out: list[Finding] = []
    for rule in ctx.rubric.rules:
        detector = DETECTORS.get(rule.detector.type)
        if detector is None:
            raise ValueError(f"qa_rubric rule {rule.id}: unknown detector type {rule.detector.type!r}; "
                             f"known: {sorted(DETECTORS)}")
        out.extend(detector(dialog, rule, ctx))
    return out


def score(findings: list[Finding], rubric: QaRubric) -> tuple[float, bool]:
    """Deduct once per violated rule (its severity); fail on any finding of a fail_on severity."""
    s = rubric.scoring
    worst: dict[str, str] = {f.rule_id: f.severity for f in findings}
    total = max(0.0, s.start - sum(s.deduction[sev] for sev in worst.values()))  # type: ignore[index]
    passed = total >= s.pass_score and not any(f.severity in s.fail_on for f in findings)
    return total, passed
