"""The copilot wired to the real assistants (real corpus, temp data dir, no model): each tool returns
what the assistant itself returns; the loan tool reviews stored and sample applications, and lists
the missing fields instead of inventing applicant data; a model set on Services drives the copilot."""

from __future__ import annotations

import copy
import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.chain_map.service import ChainMapService
from agents.copilot.assistants import CHANNEL, STAFF_CUSTOMER, assistant_tools, chain_map_request
from agents.copilot.loan_tool import sample_applications
from agents.copilot.schemas import ChainMapArgs
from agents.copilot.service import CopilotService, history_messages
from agents.customer_service.service import CsService
from agents.loan_review.service import LoanReviewService
from app import copilot_graph
from tests.llm_fakes import ScriptedChatModel, tool_reply
from tests.unit.copilot.conftest import WithModel

ZISHA = "帮我看看无锡市宜兴市丁蜀镇的陶都紫砂有限公司在产业链哪个环节，生产紫砂壶、茶具。"


@pytest.fixture(scope="module")
def tools(services):
    return assistant_tools(services)


def _loan(services) -> LoanReviewService:
    return LoanReviewService.from_services(services)


def _reviews_of(services, application_id: str) -> set[str]:
    return {r["thread_id"] for r in _loan(services).ctx.audit.records() if r["application_id"] == application_id}


# ---- customer service ---------------------------------------------------------------------

def test_customer_service_tool_returns_the_bots_reply_sources_and_outcome(services, tools):
    question = "银行卡丢了怎么挂失？"
    use = tools.run("customer_service", {"question": question})
    bot = CsService.from_services(services)
    info, _ = bot.create_session("test_customer", "cli")
    reply = bot.send(info.id, "test_customer", question).reply  # the bot asked directly
    assert use.ok and reply.outcome == "faq" and reply.sources
    assert reply.text in use.output and "标准问答原文" in use.output and reply.faq_id in use.output
    assert all(s.title in use.output for s in reply.sources)
    staff_sessions = bot.sessions.list(STAFF_CUSTOMER)
    assert staff_sessions and {s.channel for s in staff_sessions} == {CHANNEL}
    tools.run("customer_service", {"question": "网点营业时间是几点"})
    assert len(bot.sessions.list(STAFF_CUSTOMER)) == len(staff_sessions) + 1  # a fresh session per question


# ---- chain map ----------------------------------------------------------------------------

def test_chain_map_tool_summarises_segment_position_and_top_strategies(services, tools):
    args = ChainMapArgs(description=ZISHA, name="陶都紫砂有限公司", products=["紫砂壶", "茶具"], location="无锡市宜兴市丁蜀镇")
    use = tools.run("chain_map", args)
    result = ChainMapService.from_services(services).run(chain_map_request(args))  # the assistant asked directly
    assert use.ok and result.placement.verdict == "linked"
    assert f"细分行业：{result.placement.name}（{result.placement.segment_id}" in use.output
    assert result.position.stage_zh in use.output and result.position.chain_name in use.output
    assert result.position.upstream[0].name in use.output and result.position.downstream[0].name in use.output
    top = [m for m in result.marketing.products if m.status != "fails"][:3]
    assert top and all(f"{i}. {m.name}" in use.output for i, m in enumerate(top, 1))
    assert result.risk.summary in use.output


def test_chain_map_tool_drops_an_unknown_location_and_reports_bad_input(tools):
    use = tools.run("chain_map", {"description": "生产树脂镜片和眼镜架", "name": "星光眼镜有限公司",
                                  "products": ["树脂镜片"], "location": "火星市"})
    assert use.ok and "未能识别所在地「火星市」" in use.output and "细分行业：" in use.output
    bad = tools.run("chain_map", {"description": "壶"})
    assert bad.ok and "enterprise.business_scope" in bad.output and "细分行业" not in bad.output


# ---- loan review --------------------------------------------------------------------------

def test_loan_tool_reviews_a_sample_application_once_then_reads_the_stored_review(services, tools):
    app_id = "EV0002"
    assert sample_applications()[app_id]["enterprise"]["name"] == "苏州精工机械有限公司"
    first = tools.run("loan_review", {"request": f"审查申请编号 {app_id}", "application_id": app_id})
    threads = _reviews_of(services, app_id)
    assert first.ok and len(threads) == 1
    thread = threads.pop()
    result = _loan(services).get(thread)
    assert result.decision == "approve" and "同意授信" in first.output and "示例申请" in first.output
    assert f"{result.score['score']} 分" in first.output and thread in first.output
    again = tools.run("loan_review", {"request": f"{app_id} 能不能批", "application_id": app_id})
    by_thread = tools.run("loan_review", {"request": "看看这笔", "application_id": thread})
    assert "已找到该申请的审查记录" in again.output and thread in again.output and "同意授信" in again.output
    assert "已找到该申请的审查记录" in by_thread.output
    assert _reviews_of(services, app_id) == {thread}  # no second review of the same application


def test_loan_tool_lists_missing_fields_and_never_invents_applicant_data(services, tools):
    use = tools.run("loan_review", {"request": "帮我审查一下常熟服装厂的贷款申请，申请50万，期限12个月，用于采购面料",
                                    "business_name": "常熟服装厂", "amount_wan": 50, "term_months": 12,
                                    "purpose": "采购面料"})
    assert use.ok and "无法审查" in use.output
    assert "企业名称 常熟服装厂；申请金额 50 万元；期限 12 个月；用途 采购面料" in use.output
    for field in ("owner.id_number", "owner.credit_report.inquiries_3m", "enterprise.business_scope",
                  "loan.product", "bank_flow"):
        assert f"〔{field}〕" in use.output
    for given in ("enterprise.name", "loan.requested_amount_wan", "loan.tenor_months", "loan.purpose"):
        assert given not in use.output
    unknown = tools.run("loan_review", {"request": "审查 LA-20240117", "application_id": "LA-20240117"})
    assert "没有找到申请编号或审查流水「LA-20240117」" in unknown.output and "〔owner.name〕" in unknown.output
    assert not _reviews_of(services, "LA-20240117")
    invalid = tools.run("loan_review", {"request": "审查 EV0081", "application_id": "EV0081"})  # sample without owner
    assert "示例申请 EV0081 未通过校验" in invalid.output and "owner" in invalid.output


def test_loan_tool_reviews_an_application_pasted_as_json(services, tools):
    app = copy.deepcopy(sample_applications()["EV0003"])
    app["application_id"] = "PASTED-0003"
    del app["loan"]["purpose"]  # the named argument fills the gap the JSON leaves
    use = tools.run("loan_review", {"request": "请审查：" + json.dumps(app, ensure_ascii=False), "purpose": "日常经营周转"})
    threads = _reviews_of(services, "PASTED-0003")
    assert use.ok and len(threads) == 1 and "已按完整流程审查" in use.output
    stored = _loan(services).get(threads.pop())
    assert stored.enterprise == app["enterprise"]["name"] and "审批结论：" in use.output


# ---- the copilot over Services ------------------------------------------------------------

def test_ask_without_a_model_routes_to_the_real_assistant(services):
    answer = CopilotService.from_services(services).ask(ZISHA)
    assert answer.llm == "none" and answer.reason == "no_model"
    assert [u.tool for u in answer.tools_used] == ["chain_map"] and answer.tools_used[0].ok
    assert "产业链地图助手" in answer.answer and "宜兴紫砂壶制作" in answer.answer
    assert CopilotService.from_services(services) is CopilotService.from_services(services)  # built once per process
    with pytest.raises(ValueError):
        CopilotService.from_services(services).ask("  ")


def test_the_model_on_services_drives_the_copilot_with_real_tool_output(services):
    CsService.from_services(services)  # the assistant the model calls, built without a model

    def grounded(messages, kwargs) -> str:
        tool_text = next(m.content for m in reversed(messages) if isinstance(m, ToolMessage))
        return next(line for line in tool_text.splitlines() if "400-800-1234" in line)

    model = ScriptedChatModel(script=[tool_reply("customer_service", {"question": "银行卡丢了怎么挂失？"}), grounded])
    answer = CopilotService.from_services(WithModel(services, model)).ask(
        "客户问银行卡丢了怎么办", [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "您好"}])
    assert answer.llm == "llm" and answer.reason is None and "400-800-1234" in answer.answer
    assert [u.tool for u in answer.tools_used] == ["customer_service"] and "标准问答原文" in answer.tools_used[0].output
    first_messages = model.calls[0][0]
    assert [type(m) for m in first_messages[1:]] == [HumanMessage, AIMessage, HumanMessage]


def test_history_messages_and_the_langgraph_factory():
    msgs = history_messages([{"role": "user", "content": "甲"}, {"role": "assistant", "content": "乙"},
                             {"role": "user", "content": "  "}])
    assert [(type(m), m.content) for m in msgs] == [(HumanMessage, "甲"), (AIMessage, "乙")]
    graph = copilot_graph()  # langgraph.json's "copilot" entry: compiled, nothing run
    assert graph.name == "copilot" and {"start", "agent", "tools", "route", "check", "finish"} <= set(graph.nodes)
