"""LLM-judge metrics — faithfulness and helpfulness of an answer — with rule-based stand-ins.

A judge model reads the question, the answer, the passages the answer cites and (when the dataset
has one) the reference answer, and returns a ``JudgeVerdict`` (score in {0, .25, .5, .75, 1},
rationale, unsupported claims) through ``invoke_structured``: bounded, validated, one repair turn,
deterministic fallback. The prompts are prompts/eval/judge_*.md.

The rules are the same type and always computed, so every run has a figure that does not depend on a
model: faithfulness = share of claim sentences the grounding check supports (``claim_support``, the
bot's own definition), helpfulness = character-bigram F1 against the reference answer
(``reference_overlap``; no reference → no rule figure). Each verdict records who scored it, and the
suites store model-judged and rule-judged scores under different keys (``<metric>_llm_judge``,
``<metric>_rule``), so an aggregate never mixes the two.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from agents.common.llm import invoke_structured
from eval.metrics.answers import claim_support, reference_overlap
from eval.suite import LLM_JUDGE_SUFFIX, RULE_SUFFIX, JudgeMetric, JudgeRecord
from prompts.loader import read, render


class JudgeVerdict(BaseModel):
    """评审结论：分数、理由、找不到依据的原句。"""

    score: float = Field(ge=0, le=1, description="0、0.25、0.5、0.75 或 1")
    rationale: str = Field("", max_length=600, description="一两句中文理由")
    unsupported_claims: list[str] = Field(default_factory=list, max_length=20,
                                          description="回答中找不到依据的原句；没有则为空列表")


@dataclass(frozen=True)
class JudgeItem:
    """What a judge sees of one case. ``passages`` maps citation key ("1", "2" …) → passage text."""

    question: str
    answer: str
    passages: Mapping[str, str] = field(default_factory=dict)
    reference: str | None = None
    history: Sequence[str] = ()
    product_terms: Collection[str] = ()


@dataclass(frozen=True)
class Judge:
    """The judge model (None: rules only) and its time budget per verdict."""

    model: Any = None
    timeout_s: float = 30.0


def rule_faithfulness(item: JudgeItem) -> JudgeVerdict:
    share, unsupported = claim_support(item.answer, item.passages, item.product_terms)
    return JudgeVerdict(score=share, unsupported_claims=unsupported[:20],
                        rationale=f"规则：{len(unsupported)} 个含数字或产品术语的句子在引用资料中找不到依据")


def rule_helpfulness(item: JudgeItem) -> JudgeVerdict | None:
    if not item.reference:
        return None
    overlap = reference_overlap(item.answer, item.reference)
    return JudgeVerdict(score=overlap, rationale=f"规则：与参考答案的字符二元组重合 F1={overlap:.2f}")


_RULES = {"faithfulness": rule_faithfulness, "helpfulness": rule_helpfulness}


def _messages(metric: JudgeMetric, item: JudgeItem) -> list[tuple[str, str]]:
    passages = [{"key": k, "text": v} for k, v in item.passages.items()] if metric == "faithfulness" else []
    user = render("eval/judge_input.md.j2", question=item.question, answer=item.answer, passages=passages,
                  reference=item.reference if metric == "helpfulness" else None, history=list(item.history))
    return [("system", read(f"eval/judge_{metric}.md")), ("human", user)]


def judge(metric: JudgeMetric, item: JudgeItem, judge: Judge) -> JudgeRecord | None:
    """The verdict of the judge model, or the rule's when there is no model or it failed.

    None when neither can score (helpfulness without a reference and without a model). When the model
    fails and no rule applies, the record says so (``judge="none"``, no score) so the failure is counted.
    """
    return _judge(metric, item, judge, _RULES[metric](item))


def _judge(metric: JudgeMetric, item: JudgeItem, judge: Judge, rule: JudgeVerdict | None) -> JudgeRecord | None:
    if judge.model is None:
        return None if rule is None else _record(metric, "rule", rule, "none", None)
    # invoke_structured needs a value of the schema's type to fall back to; without a rule this
    # placeholder is never recorded as a score (the record below has judge="none")
    res = invoke_structured(judge.model, _messages(metric, item), JudgeVerdict, timeout_s=judge.timeout_s,
                            fallback=lambda: rule or JudgeVerdict(score=0.0))
    if res.source == "llm":
        return _record(metric, "llm", res.value, "llm", None)
    if rule is None:
        return JudgeRecord(metric=metric, judge="none", llm=res.source, llm_reason=res.reason)
    return _record(metric, "rule", rule, res.source, res.reason)


def _record(metric: JudgeMetric, who: str, v: JudgeVerdict, llm: str, reason: str | None) -> JudgeRecord:
    return JudgeRecord(metric=metric, judge=who, score=v.score, rationale=v.rationale,  # type: ignore[arg-type]
                       unsupported_claims=v.unsupported_claims, llm=llm, llm_reason=reason)  # type: ignore[arg-type]


def judge_scores(metric: JudgeMetric, item: JudgeItem, judge_: Judge) -> tuple[dict[str, float], list[JudgeRecord]]:
    """Per-case scores and records for one metric: ``<metric>_rule`` whenever the rule applies
    (also when the model judged, so runs with and without a model share a figure) and
    ``<metric>_llm_judge`` when the model judged."""
    scores: dict[str, float] = {}
    rule = _RULES[metric](item)
    if rule is not None:
        scores[metric + RULE_SUFFIX] = rule.score
    record = _judge(metric, item, judge_, rule)
    if record is None:
        return scores, []
    if record.judge == "llm" and record.score is not None:
        scores[metric + LLM_JUDGE_SUFFIX] = record.score
    return scores, [record]
