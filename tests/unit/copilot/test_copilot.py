"""Staff copilot: keyword routing without a model, tool-calling with a scripted model, and every
fallback (model failure, ungrounded prose, bad arguments, failing assistant, step limit)."""

from __future__ import annotations

import time

import pytest

from agents.copilot.graph import build_graph
from agents.copilot.routing import fallback_args, route
from agents.copilot.schemas import ChainMapArgs, CustomerServiceArgs, LoanReviewArgs
from agents.copilot.service import ask
from agents.copilot.tools import CopilotTools
from tests.llm_fakes import ScriptedChatModel, Sleep, tool_reply

CS_OUT = "禾信税务贷额度最高300万元，期限最长12个月。[faq-tax-limit]"
MAP_OUT = "细分行业：宜兴紫砂壶；产业链环节：中游制作；推荐产品：禾信普惠经营贷。"
LOAN_OUT = "审批结论：转人工。评分 612，违约概率 4.1%，建议额度 30万元。"


class Recorder:
    def __init__(self, fail: str | None = None):
        self.calls: list[tuple[str, object]] = []
        self.fail = fail

    def _do(self, name, args, out):
        self.calls.append((name, args))
        if self.fail == name:
            raise RuntimeError("assistant unavailable")
        return out

    def tools(self) -> CopilotTools:
        return CopilotTools(customer_service=lambda a: self._do("customer_service", a, CS_OUT),
                            chain_map=lambda a: self._do("chain_map", a, MAP_OUT),
                            loan_review=lambda a: self._do("loan_review", a, LOAN_OUT))


@pytest.mark.parametrize("text, tool", [
    ("客户问：税务贷额度多少？该怎么回答", "customer_service"),
    ("网点营业时间是几点", "customer_service"),
    ("随便问问", "customer_service"),
    ("帮我审查一下宜兴丁山紫砂工作室的贷款申请，申请50万，期限12个月", "loan_review"),
    ("申请编号 LA-20240117 能不能批？", "loan_review"),
    ("这家企业在产业链哪个环节：丁蜀镇的陶都紫砂有限公司，生产紫砂壶", "chain_map"),
    ("给这家服装厂做一份营销策略和风险策略", "chain_map"),
])
def test_keyword_routing(text, tool):
    assert route(text) == tool


def test_fallback_args_are_read_from_the_request():
    loan = fallback_args("loan_review", "审查申请编号 LA-20240117：常熟服装厂申请80万元，期限2年，用于采购面料")
    assert isinstance(loan, LoanReviewArgs)
    assert (loan.application_id, loan.business_name, loan.amount_wan, loan.term_months, loan.purpose) == \
        ("LA-20240117", "常熟服装厂", 80.0, 24, "采购面料")
    cm = fallback_args("chain_map", "分析无锡市宜兴市丁蜀镇的陶都紫砂有限公司，生产紫砂壶、茶具。")
    assert isinstance(cm, ChainMapArgs)
    assert (cm.name, cm.location, cm.products) == ("陶都紫砂有限公司", "无锡市宜兴市丁蜀镇", ["紫砂壶", "茶具"])
    cs = fallback_args("customer_service", "客户问：“发票贷怎么申请？”该怎么回答")
    assert cs == CustomerServiceArgs(question="发票贷怎么申请？")


def test_no_model_routes_by_keywords():
    rec = Recorder()
    answer = ask(build_graph(rec.tools()), "帮我审查一下常熟服装厂的贷款申请，申请50万")
    assert answer.llm == "none" and answer.reason == "no_model"
    assert [u.tool for u in answer.tools_used] == ["loan_review"] and rec.calls[0][1].amount_wan == 50
    assert LOAN_OUT in answer.answer and "普惠贷款审查助手" in answer.answer


def test_model_calls_a_tool_then_writes_a_grounded_answer():
    rec = Recorder()
    model = ScriptedChatModel(script=[
        tool_reply("loan_review", {"request": "审查常熟服装厂", "business_name": "常熟服装厂", "amount_wan": 50}),
        "审批结论：转人工。评分 612，违约概率 4.1%，建议额度 30万元。",
    ])
    answer = ask(build_graph(rec.tools(), model), "审查常熟服装厂的贷款申请")
    assert answer.llm == "llm" and answer.reason is None
    assert answer.answer.startswith("审批结论：转人工") and rec.calls[0][1].business_name == "常熟服装厂"
    first_messages, first_kwargs = model.calls[0]
    assert first_kwargs["tool_choice"] == "auto"
    assert {t["function"]["name"] for t in first_kwargs["tools"]} == {"customer_service", "chain_map", "loan_review"}
    assert "员工助手" in first_messages[0].content  # the system prompt from prompts/copilot/system.md
    second_messages, _ = model.calls[1]
    assert second_messages[-1].content == LOAN_OUT  # the tool result went back to the model


def test_ungrounded_prose_is_replaced_by_the_tool_results():
    model = ScriptedChatModel(script=[tool_reply("customer_service", {"question": "税务贷额度"}),
                                      "税务贷额度最高500万元，利率低至2%。"])
    answer = ask(build_graph(Recorder().tools(), model), "客户问税务贷额度")
    assert answer.llm == "fallback" and answer.reason == "ungrounded"
    assert CS_OUT in answer.answer and "500" not in answer.answer


def test_model_failure_falls_back_to_the_router():
    rec = Recorder()
    answer = ask(build_graph(rec.tools(), ScriptedChatModel(script=[ConnectionError("refused")])),
                 "这家企业在产业链哪个环节：陶都紫砂有限公司")
    assert answer.llm == "fallback" and answer.reason == "error:ConnectionError"
    assert [u.tool for u in answer.tools_used] == ["chain_map"] and MAP_OUT in answer.answer


def test_timeout_after_a_tool_call_keeps_the_result_without_calling_again():
    rec = Recorder()
    model = ScriptedChatModel(script=[tool_reply("chain_map", {"description": "陶都紫砂"}), Sleep(3, "late")])
    t0 = time.monotonic()
    answer = ask(build_graph(rec.tools(), model, timeout_s=0.5), "分析陶都紫砂有限公司的产业链位置")
    assert time.monotonic() - t0 < 0.5 + 1.0
    assert answer.llm == "fallback" and answer.reason == "timeout" and len(rec.calls) == 1
    assert MAP_OUT in answer.answer


def test_bad_arguments_are_reported_to_the_model_not_raised():
    rec = Recorder()
    model = ScriptedChatModel(script=[tool_reply("loan_review", {"amount_wan": -5}),
                                      tool_reply("loan_review", {"request": "审查", "amount_wan": 5}, call_id="c2"),
                                      "审批结论：转人工。"])
    answer = ask(build_graph(rec.tools(), model), "审查这笔贷款")
    bad, good = answer.tools_used
    assert not bad.ok and "request" in bad.output and "amount_wan" in bad.output
    assert good.ok and answer.llm == "llm" and len(rec.calls) == 1
    assert "参数" in model.calls[1][0][-1].content


def test_failing_assistant_is_reported():
    answer = ask(build_graph(Recorder(fail="customer_service").tools()), "客户问开户要带什么")
    assert not answer.tools_used[0].ok and "调用失败" in answer.answer and "assistant unavailable" in answer.answer


def test_step_limit_stops_a_model_that_keeps_calling_tools():
    rec = Recorder()
    calls = [tool_reply("customer_service", {"question": f"q{i}"}, call_id=f"c{i}") for i in range(5)]
    answer = ask(build_graph(rec.tools(), ScriptedChatModel(script=calls), max_steps=2), "客户问题")
    assert len(rec.calls) == 2 and answer.reason == "max_steps" and CS_OUT in answer.answer


def test_small_talk_without_claims_is_accepted_and_claims_without_tools_are_not():
    hello = ask(build_graph(Recorder().tools(), ScriptedChatModel(script=["您好，请问需要查询什么？"])), "你好")
    assert hello.llm == "llm" and hello.answer == "您好，请问需要查询什么？" and not hello.tools_used
    rec = Recorder()
    invented = ask(build_graph(rec.tools(), ScriptedChatModel(script=["税务贷利率是3.5%。"])), "客户问税务贷利率")
    assert invented.llm == "fallback" and invented.reason == "ungrounded"
    assert [u.tool for u in invented.tools_used] == ["customer_service"] and CS_OUT in invented.answer


def test_tool_schemas_and_input_validation():
    schemas = Recorder().tools().schemas()
    assert [s["function"]["name"] for s in schemas] == ["customer_service", "chain_map", "loan_review"]
    assert all(s["function"]["description"] for s in schemas)
    assert "amount_wan" in schemas[2]["function"]["parameters"]["properties"]
    with pytest.raises(ValueError, match="question"):
        ask(build_graph(Recorder().tools()), "  ")
    assert Recorder().tools().run("transfer_money", {}).ok is False
