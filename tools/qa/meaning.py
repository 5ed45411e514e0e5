"""What the QA inspector recognises by meaning, on top of the rubric's deterministic detectors (issue #19).

Two optional sources add findings the lexicons and patterns miss: the shipped clause classifiers
(tools/qa/classifier.py; evidence = the clause that scored) and the e5 similarity to labelled
exemplars (tools/qa/semantic.py; evidence = the whole turn). Both pass the same gates as the
deterministic rules (a refused hand-off needs the customer's request before it and no transfer
after; deflection counts only in a complete dialog with no hand-off after it), and a rule already
found in the dialog is not added twice; a scored clause that disclaims the guarantee (the rule's
``classifier_negated_by`` words, 「收益不保证」) does not count. A promise the classifier finds in a conversation about
wealth products, with no risk disclosure anywhere, also counts as the missing disclosure — the
rubric's own reading (a promise of returns is a wealth topic).
"""

from __future__ import annotations

from tools.cs.phrases import contains_any, find_phrases
from tools.cs.policy import QaRule
from tools.qa.dialogs import Dialog
from tools.qa.models import Finding
from tools.qa.requests import request_before
from tools.qa.rules import RuleContext, agent_turns, disclosure_given, hands_off_after, make_finding, run_rules


def inspect_rules(dialog: Dialog, ctx: RuleContext) -> list[Finding]:
    """The rubric's detectors, then the classifier's and the similarity's additions."""
    out = run_rules(dialog, ctx)
    found = {f.rule_id for f in out}
    if ctx.classifier is not None:
        out.extend(classifier_findings(dialog, ctx, found))
    if ctx.semantic is not None:
        out.extend(semantic_findings(dialog, ctx, found))
    return out


def gate_open(dialog: Dialog, rule: QaRule, ctx: RuleContext, i: int) -> bool:
    """What must hold around turn ``i`` for a finding by meaning to count (the deterministic rule's conditions)."""
    det = rule.detector
    if det.type == "handoff_refused":
        return request_before(dialog, i, rule, ctx) and not hands_off_after(dialog, rule, i)
    if det.type == "unresolved":
        return (dialog.complete or not det.param("only_complete")) and not hands_off_after(dialog, rule, i)
    return True


def classifier_findings(dialog: Dialog, ctx: RuleContext, found: set[str]) -> list[Finding]:
    """Rules the clause classifiers add: the first agent turn whose clause clears the rule's threshold."""
    rules = {r.id: r for r in ctx.rubric.rules}
    out: list[Finding] = []
    for i in agent_turns(dialog):
        for rule_id, (clause, p) in ctx.classifier.hits(dialog.turns[i].text).items():  # type: ignore[union-attr]
            if rule_id in found or rule_id not in rules or not gate_open(dialog, rules[rule_id], ctx, i):
                continue
            if contains_any(clause.text, rules[rule_id].detector.param("classifier_negated_by", [])):
                continue
            found.add(rule_id)
            out.append(make_finding(rules[rule_id], f"语义判断“{clause.text}”（分类器概率 {p:.2f}）", dialog, i,
                                    (clause.start, clause.end)))
            if rule_id == "forbidden_promise" and "disclosure" in rules and "disclosure" not in found:
                extra = _missing_disclosure(dialog, ctx, rules["disclosure"], i, (clause.start, clause.end))
                if extra is not None:
                    found.add("disclosure")
                    out.append(extra)
    return out


def _missing_disclosure(dialog: Dialog, ctx: RuleContext, rule: QaRule, i: int, span: tuple[int, int]) -> Finding | None:
    """The promise at turn ``i`` is about wealth (a trigger word in it or in the question before it)
    and no agent turn gives the disclosure that topic needs."""
    turns = dialog.turns
    asked = next((turns[j].text for j in range(i - 1, -1, -1) if turns[j].role == "customer"), "")
    agent_text = "\n".join(turns[k].text for k in agent_turns(dialog))
    for disclosure_id, triggers in (rule.detector.param("triggers") or {}).items():
        policy = ctx.compliance.disclosure(disclosure_id)
        if policy is None or disclosure_given(agent_text, disclosure_id, rule, ctx):
            continue
        if find_phrases(turns[i].text, triggers) or find_phrases(asked, triggers):
            return make_finding(rule, f"承诺收益却未给出{policy.name}", dialog, i, span)
    return None


def semantic_findings(dialog: Dialog, ctx: RuleContext, found: set[str]) -> list[Finding]:
    """Rules the e5 exemplar similarity adds (tools/qa/semantic.py): one finding per rule, the whole turn as evidence."""
    rules = {r.id: r for r in ctx.rubric.rules}
    out: list[Finding] = []
    for i in agent_turns(dialog):
        hit = ctx.semantic.rule_of(dialog.turns[i].text)  # type: ignore[union-attr]
        if hit is None or hit[0] in found or hit[0] not in rules or not gate_open(dialog, rules[hit[0]], ctx, i):
            continue
        found.add(hit[0])
        out.append(make_finding(rules[hit[0]], f"语义上接近已标注的违规样例（相似度高出正常答复 {hit[1]:.3f}）", dialog, i,
                                (0, len(dialog.turns[i].text))))
    return out
