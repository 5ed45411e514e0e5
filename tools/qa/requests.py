"""Did the customer ask for a human? The gate of the refused hand-off (issue #19, iteration 4).

A refusal only counts after a request, so the request detector bounds the rule's recall. Customers ask
in many ways besides 「转人工」: for a role (主管, 领导, 经理, 负责人, 专员, 行长), for someone with
authority (能做主的, 能拍板的, 有权限的), for "another person", or in English ("your manager"). The
bot's request phrases (cs_compliance ``handoff.request_phrases``) and the rubric's ``request_patterns``
say which (``rules.asks_for_human``, the same check the deterministic rule makes on the turn just
before a refusal); here they gate the findings by meaning. A request
also stays open across a clarifying exchange (「我要人工」「您先说什么事」「信用卡的事」「人工也一样」):
the rubric's ``request_lookback`` customer turns are searched, stopping at an agent turn that hands off.
"""

from __future__ import annotations

from tools.cs.policy import QaRule
from tools.qa.dialogs import Dialog
from tools.qa.rules import RuleContext, asks_for_human, hands_off


def request_before(dialog: Dialog, i: int, rule: QaRule, ctx: RuleContext) -> bool:
    """A customer turn before turn ``i`` asked for a human and no agent turn since handed off."""
    lookback = int(rule.detector.param("request_lookback", 1) or 1)
    seen = 0
    for j in range(i - 1, -1, -1):
        t = dialog.turns[j]
        if t.role == "agent":
            if hands_off(t.text, rule):
                return False
            continue
        if asks_for_human(t.text, rule, ctx):
            return True
        seen += 1
        if seen >= lookback:
            return False
    return False
