"""The staff workbench driven in a real headless Chromium: login, mode banner, and each tab's main task.

Each tab test opens its tab, does what a staff member would do there, asserts what they should see,
and saves a screenshot (test-artifacts/screenshots/, and docs/screenshots/ for the README tour when
PUHUI_UPDATE_SCREENSHOTS=1). Tabs whose module has not landed yet are skipped by importorskip with
the module's name; they run as soon as the module exists.

Run: ``.venv/bin/python -m pytest tests/e2e -q`` (about 1–3 minutes; the first run on a machine also
embeds the test corpus).
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import login, new_context, save_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect

LONG = 90_000  # ms: a CPU-bound action on a shared 2-core machine


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def fill(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id}").locator("textarea, input").first.fill(text)


def choose(page, elem_id: str, option: str) -> None:
    """Pick an option of a Gradio Dropdown by typing a filter and clicking the matching item."""
    box = page.locator(f"#{elem_id} input").first
    box.click()
    box.fill(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()


# ---- access and mode ----------------------------------------------------------------------

def test_unauthenticated_visitor_gets_the_login_page_not_the_workbench(browser, server):
    r = httpx.get(f"{server.url}/ui", follow_redirects=True, timeout=30)
    assert r.status_code == 200 and '"auth_required":true' in r.text
    assert "内置确定性模式" not in r.text and "kb-query" not in r.text  # no workbench component before login
    assert httpx.get(f"{server.url}/ui/config", timeout=30).status_code == 401
    assert httpx.get(f"{server.url}/ui/gradio_api/info", timeout=30).status_code == 401
    join = httpx.post(f"{server.url}/ui/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"},
                      timeout=30)
    assert join.status_code == 401  # no handler runs without a staff login

    context = new_context(browser)
    try:
        page = context.new_page()
        login(page, server.url, password="wrong-password")
        expect(page.get_by_text(re.compile("凭据不正确|Incorrect Credentials", re.I))).to_be_visible(timeout=30_000)
        expect(page.locator("#mode-banner")).to_have_count(0)
        expect(page.locator("input[type=password]")).to_be_visible()
        save_screenshot(page, "00-login")
    finally:
        context.close()


def test_mode_banner_shows_the_deterministic_mode(page):
    banner = page.locator("#mode-banner")
    expect(banner).to_contain_text("内置确定性模式")
    expect(banner).to_contain_text("禾信银行")
    for name in ("产业链地图", "贷款审查", "客服", "质检", "知识库", "评测"):
        expect(page.get_by_role("tab", name=name, exact=True)).to_be_visible()


# ---- 知识库 -------------------------------------------------------------------------------

def test_kb_hit_test_returns_ranked_passages_with_sources(page):
    open_tab(page, "知识库")
    open_tab(page, "检索测试")
    fill(page, "kb-query", "丹阳眼镜企业的旺季是几月？")
    page.locator("#kb-search").click()
    expect(page.locator("#kb-status")).to_contain_text("命中 5 条", timeout=LONG)
    results = page.locator("#kb-results")
    expect(results).to_contain_text("丹阳眼镜")
    expect(results).to_contain_text("industries/danyang_eyewear.md")
    save_screenshot(page, "05-kb-hit-test")


def test_kb_industry_browser_shows_facts_body_and_chain(page):
    open_tab(page, "知识库")
    open_tab(page, "行业浏览")
    choose(page, "kb-industry", "丹阳眼镜制造")
    expect(page.locator("#kb-facts")).to_contain_text("眼镜产业链", timeout=LONG)
    expect(page.locator("#kb-facts")).to_contain_text("中游")
    expect(page.locator("#kb-industry-body")).to_contain_text("行业概况")
    expect(page.locator("#kb-chain-line")).to_contain_text("→")
    try:
        import kb.graph.render  # noqa: F401
    except ImportError:
        expect(page.locator("#kb-chain-line")).to_contain_text("文字版")
    else:
        expect(page.locator("#kb-chain-picture img")).to_be_visible(timeout=LONG)
    save_screenshot(page, "05-kb-industry-browser")


def test_kb_upload_rejects_a_malformed_file_then_replaces_and_reindexes(page, server, tmp_path):
    target = server.corpus_dir / "industries" / "danyang_eyewear.md"
    original = target.read_text(encoding="utf-8")
    open_tab(page, "知识库")
    open_tab(page, "文档上传与索引")

    broken = tmp_path / "danyang_eyewear.md"
    broken.write_text(original.replace("chain_stage: midstream", "chain_stage: [oops"), encoding="utf-8")
    page.locator("#kb-upload-file input[type=file]").set_input_files(str(broken))
    page.locator("#kb-upload-save").click()
    status = page.locator("#kb-upload-status")
    expect(status).to_contain_text("未保存", timeout=LONG)
    expect(status).to_contain_text(re.compile(r"danyang_eyewear\.md:\d+:"))
    assert target.read_text(encoding="utf-8") == original  # nothing was written
    save_screenshot(page, "05-kb-upload-rejected")

    marker = "E2E7731"
    fixed = tmp_path / "upload" / "丹阳眼镜-修订.md"
    fixed.parent.mkdir()
    fixed.write_text(original.replace("## 行业概况\n", f"## 行业概况\n丹阳眼镜行业协会发布镜片出口白皮书，编号{marker}。\n", 1),
                     encoding="utf-8")
    page.locator("#kb-upload-file").get_by_role("button", name=re.compile("清除|clear", re.I)).click()
    page.locator("#kb-upload-file input[type=file]").set_input_files(str(fixed))
    page.locator("#kb-upload-save").click()
    expect(status).to_contain_text("已替换", timeout=LONG)
    expect(status).to_contain_text("industries/danyang_eyewear.md")
    assert marker in target.read_text(encoding="utf-8")

    page.locator("#kb-reindex").click()
    expect(page.locator("#kb-reindex-status")).to_contain_text("索引已更新", timeout=LONG * 2)
    expect(page.locator("#kb-reindex-status")).to_contain_text("修改 1")
    expect(page.locator("#kb-stats")).to_contain_text("片段")
    save_screenshot(page, "05-kb-upload-reindex")

    open_tab(page, "检索测试")
    fill(page, "kb-query", f"镜片出口白皮书 {marker}")
    page.locator("#kb-search").click()
    expect(page.locator("#kb-results")).to_contain_text(marker, timeout=LONG)


# ---- 产业链地图 ---------------------------------------------------------------------------

def test_chain_map_places_the_example_enterprise_with_picture_strategies_and_flags(page):
    pytest.importorskip("server.ui.chain_tab", reason="产业链地图 tab (server/ui/chain_tab.py) not written yet")
    open_tab(page, "产业链地图")
    page.locator("#chain-example").click()  # fills the form and attaches a synthetic year of flows
    expect(page.locator("#chain-name textarea, #chain-name input").first).to_have_value(re.compile("眼镜"), timeout=LONG)
    expect(page.locator("#chain-upload")).to_contain_text(".csv", timeout=LONG)
    page.locator("#chain-run").click()
    expect(page.locator("#chain-status")).to_contain_text("完成", timeout=LONG * 2)
    expect(page.locator("#chain-status")).to_contain_text("丹阳眼镜")
    expect(page.locator("#chain-placement")).to_contain_text("丹阳眼镜制造")
    expect(page.locator("#chain-placement")).to_contain_text("中游")
    expect(page.locator("#chain-picture img")).to_be_visible()
    save_screenshot(page, "01-chain-map")

    open_tab(page, "营销与风险策略")
    expect(page.locator("#chain-strategies")).to_contain_text("营销策略")
    expect(page.locator("#chain-strategies")).to_contain_text("风险策略")
    open_tab(page, "可疑交易预警")
    flags = page.locator("#chain-flags")
    expect(flags).to_contain_text(re.compile("资金循环|拆分交易|产业链位置不符"))
    save_screenshot(page, "01-chain-map-flags")


def test_chain_map_batch_upload_places_each_prospect_and_offers_the_results_file(page, tmp_path):
    pytest.importorskip("server.ui.chain_batch", reason="批量定位 (server/ui/chain_batch.py) not written yet")
    open_tab(page, "产业链地图")
    open_tab(page, "批量定位")
    prospects = tmp_path / "prospects.csv"
    prospects.write_text("企业名称,经营范围,所在地\n阳澄湖蟹鲜生网店,大闸蟹网上销售；直播带货,苏州市相城区\n"
                         "丹阳市明瑞眼镜有限公司,眼镜制造；眼镜销售,镇江市丹阳市\n空范围,,\n", encoding="utf-8")
    page.locator("#chain-batch-upload input[type=file]").set_input_files(str(prospects))
    expect(page.locator("#chain-batch-upload")).to_contain_text("prospects.csv", timeout=LONG)
    page.locator("#chain-batch-run").click()
    status = page.locator("#chain-batch-status")
    expect(status).to_contain_text("【完成】3 家：成功 2，出错 1", timeout=LONG * 2)
    table = page.locator("#chain-batch-table")
    expect(table).to_contain_text("下游")  # the crab e-shop sits downstream, not with the farms
    expect(table).to_contain_text("business_scope")
    expect(page.locator("#chain-batch-result")).to_contain_text("results.jsonl")
    save_screenshot(page, "01-chain-map-batch")


# ---- 贷款审查 -------------------------------------------------------------------------------

def test_loan_review_decides_then_a_reviewer_approves_a_referred_application(page):
    pytest.importorskip("server.ui.loan_tab", reason="贷款审查 tab (server/ui/loan_tab.py) not written yet")
    pytest.importorskip("agents.loan_review.service", reason="loan-review assistant (agents/loan_review) not written")
    open_tab(page, "贷款审查")
    tab = page.locator("#tab-loan")  # labels such as 企业名称 also exist on other tabs
    tab.get_by_role("button", name="填入示例").click()
    name = tab.get_by_label("企业名称", exact=True).first
    expect(name).to_have_value(re.compile("眼镜"), timeout=LONG)
    # 5 loan inquiries in 3 months: the credit policy refers the application to a human reviewer
    tab.get_by_label("近3月查询", exact=True).fill("5")
    tab.get_by_label("近6月查询", exact=True).fill("6")
    page.locator("#loan-submit").click()
    summary = page.locator("#loan-summary")
    expect(summary).to_contain_text("转人工复核", timeout=LONG * 2)
    expect(summary).to_contain_text("评分")
    expect(tab.get_by_text("RF01", exact=False).first).to_be_visible()
    expect(page.locator("#loan-memo")).not_to_be_empty()
    save_screenshot(page, "02-loan-review")

    queue = page.locator("#loan-queue")
    row = queue.get_by_role("gridcell", name=re.compile("眼镜")).first
    expect(row).to_be_visible(timeout=LONG)
    row.click()
    expect(page.locator("#loan-thread textarea, #loan-thread input").first).not_to_have_value("", timeout=LONG)
    tab.get_by_label("审查人", exact=True).fill("张审查")
    tab.get_by_label("审查意见", exact=True).fill("多头查询系同期比价，经电话核实属实，同意授信。")
    approve = tab.get_by_role("button", name="同意", exact=True)
    approve.scroll_into_view_if_needed()
    save_screenshot(page, "02-loan-review-queue", full_page=False)
    approve.click()
    expect(tab.get_by_text(re.compile("已记录：.*同意授信"))).to_be_visible(timeout=LONG)
    expect(queue.get_by_role("gridcell", name=re.compile("眼镜"))).to_have_count(0, timeout=LONG)  # left the queue


# ---- 客服 -----------------------------------------------------------------------------------

def test_customer_service_answers_with_citations_and_hands_off_a_complaint(page):
    pytest.importorskip("server.ui.cs_tab", reason="客服 tab (server/ui/cs_tab.py) or its assistant not written yet")
    open_tab(page, "客服")
    page.locator("#cs-new").click()  # a fresh conversation: the shared page may hold an earlier test's chat
    chat, status = page.locator("#cs-chat"), page.locator("#cs-status")
    fill(page, "cs-input", "贷款要准备哪些材料")
    page.locator("#cs-send").click()
    expect(status).to_contain_text("结果", timeout=LONG * 2)
    expect(chat).to_contain_text("营业执照", timeout=LONG)
    sources = chat.get_by_text(re.compile("引用来源（\\d+）")).last
    expect(sources).to_be_visible()
    sources.click()  # expand the collapsed sources message
    expect(chat).to_contain_text("faq_loans_003")

    fill(page, "cs-input", "我要投诉你们")
    page.locator("#cs-send").click()
    expect(status).to_contain_text("已转人工", timeout=LONG)
    expect(status).to_contain_text("工单")
    save_screenshot(page, "03-customer-service")


# ---- 质检 -----------------------------------------------------------------------------------

DIALOGS = [
    {"id": "good_001", "turns": [
        {"role": "坐席", "text": "您好，禾信银行客服，很高兴为您服务。"},
        {"role": "客户", "text": "怎么开通手机银行？"},
        {"role": "坐席", "text": "您可以下载禾信银行App，用本人银行卡和预留手机号注册开通。请问还有其他可以帮您的吗？"},
        {"role": "客户", "text": "没有了，谢谢。"},
        {"role": "坐席", "text": "感谢您的来电，祝您生活愉快，再见。"}]},
    {"id": "bad_002", "turns": [
        {"role": "坐席", "text": "喂，说吧。"},
        {"role": "客户", "text": "你们这个理财产品能保本吗？"},
        {"role": "坐席", "text": "放心，这款理财保本稳赚，一年收益率5%。"},
        {"role": "客户", "text": "那我买一点。"},
        {"role": "坐席", "text": "请把手机收到的短信验证码告诉我，我帮您直接办理。"}]},
]


def test_qa_inspection_scores_uploaded_dialogs_with_highlighted_evidence(page, tmp_path):
    pytest.importorskip("server.ui.qa_tab", reason="质检 tab (server/ui/qa_tab.py) or its inspector not written yet")
    import json

    upload = tmp_path / "dialogs.json"
    upload.write_text(json.dumps(DIALOGS, ensure_ascii=False), encoding="utf-8")
    open_tab(page, "质检")
    page.locator("#qa-file input[type=file]").set_input_files(str(upload))
    page.locator("#qa-run").click()
    summary = page.locator("#qa-summary")
    expect(summary).to_contain_text("2 通对话", timeout=LONG * 2)
    expect(summary).to_contain_text("合格 1")
    findings = page.locator("#qa-findings")
    expect(findings).to_contain_text("违规承诺")
    expect(findings).to_contain_text("索要密码或验证码")
    expect(page.locator("#qa-marked mark").first).to_be_visible()
    expect(page.locator("#qa-marked")).to_contain_text("bad_002")
    expect(page.locator("#qa-chart img")).to_be_visible()
    save_screenshot(page, "04-qa-inspection")


# ---- 评测 -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def eval_run(server) -> Path:
    """A small real eval run for the 评测 tab: retrieval cases against the e2e KB.

    Mostly cases whose document is in the e2e corpus, plus a few whose document was left out of it, so
    the dashboard has failed cases to drill into.
    """
    from eval.report import write_reports
    from eval.run import EvalContext, run_all
    from eval.suites.retrieval import RetrievalSuite
    from kb.corpus import load_corpus

    corpus = load_corpus(server.corpus_dir)
    known = {*corpus.industries, *corpus.products, *corpus.policies, *(e.id for e in corpus.faqs)}

    class E2ERetrieval(RetrievalSuite):
        def load_cases(self, ctx):
            cases = super().load_cases(ctx)
            inside = [c for c in cases if c.expected["doc_id"] in known]
            outside = [c for c in cases if c.expected["doc_id"] not in known]
            return inside[:20] + outside[:4]

    out = server.settings.data_dir / "eval" / "20250101-000000-e2e"
    ctx = EvalContext(services=server.services, llm_mode="none", shared_data_dir=server.settings.shared_data_dir)
    run_all([E2ERetrieval()], ctx, out, workers=1)
    write_reports(out)
    return out


def test_eval_dashboard_shows_runs_charts_and_failed_cases(page, eval_run):
    pytest.importorskip("server.ui.eval_tab", reason="评测 tab (server/ui/eval_tab.py) not written yet")
    open_tab(page, "评测")
    page.locator("#tab-eval-refresh").click()
    expect(page.locator("#tab-eval-run input").first).to_have_value(eval_run.name, timeout=LONG)
    expect(page.locator("#tab-eval-summary")).to_contain_text("retrieval", timeout=LONG)
    expect(page.locator("#tab-eval-charts img").first).to_be_visible(timeout=LONG)
    failed = page.locator("#tab-eval-failed")
    first_case = failed.get_by_role("gridcell").first  # a case whose document is not in the e2e corpus
    expect(first_case).to_be_visible(timeout=LONG)
    first_case.click()
    expect(page.locator("#tab-eval-detail")).to_contain_text("未通过", timeout=LONG)
    expect(page.locator("#tab-eval-detail")).to_contain_text("期望")
    save_screenshot(page, "06-eval")
