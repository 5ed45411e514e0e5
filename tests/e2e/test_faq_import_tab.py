"""知识库 → FAQ 导入 in a real headless Chromium: upload a bank's FAQ (CSV), see the column mapping and
the first rows, see the bad rows of a bad file (nothing written), import a good one with progress and
find it in the index — in replace mode, with the bank's own name and hotline for the bot.

Its own small server (the real ``app.create_app`` under uvicorn on 127.0.0.1, the e2e corpus copy, a
hash embedder instead of e5): what is under test is the upload → preview → import → re-index path, not
retrieval quality, and the shared e2e server's e5 index is not needed for it.
Run: ``.venv/bin/python -m pytest tests/e2e/test_faq_import_tab.py -q``.
"""

from __future__ import annotations

import re

import pytest

from kb.faq_scope import load_scope
from tests.e2e.conftest import API_KEY, copy_test_corpus, login, new_context, save_screenshot, serving
from tests.e2e.test_workbench import LONG, choose, open_tab
from tests.unit.kb.fakes import HashEmbedder

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect

GOOD = ("标准问题,答案,相似问题,分类\n"
        "网点周末营业吗,威海银行各营业网点周六上午9:00-12:00营业，周日休息。,周六营业吗|周末能去网点吗,网点\n"
        "怎么开通动账短信提醒,可在手机银行「我的-账户管理」中开通动账短信提醒，每月2元。,,账户\n"
        "信用卡年费多少,首年免年费，当年刷卡满6次免次年年费。,,信用卡\n")
BAD = GOOD + ",这一行没有问题,,网点\n网点周末营业吗,重复的问题,,网点\n"


@pytest.fixture(scope="module")
def faq_server(tmp_path_factory):
    from app import create_app
    from core.settings import Settings

    data = tmp_path_factory.mktemp("e2e-faq")
    corpus = copy_test_corpus(data / "corpus")
    settings = Settings(_env_file=None, data_dir=data, corpus_dir=corpus, api_keys=f"{API_KEY}:staff:e2e",
                        llm_provider="none", ui_users="", embedding_adapter=False)
    app = create_app(settings)
    services = app.state.services
    services.__dict__["embedder"] = HashEmbedder()  # before the KB is first built from it
    services.kb.ingest()
    with serving(app, "e2e-faq-uvicorn") as url:
        yield url, services, corpus


@pytest.fixture(scope="module")
def faq_page(browser, faq_server):
    context = new_context(browser)
    context.set_default_timeout(60_000)
    page = context.new_page()
    login(page, faq_server[0])
    page.wait_for_selector("#mode-banner", timeout=60_000)
    yield page
    context.close()


def upload(page, path) -> None:
    box = page.locator("#faq-file")
    clear = box.get_by_role("button", name=re.compile("清除|clear", re.I))
    if clear.count():
        clear.first.click()
    box.locator("input[type=file]").set_input_files(str(path))


def test_faq_upload_previews_lists_bad_rows_then_imports_and_indexes(faq_page, faq_server, tmp_path):
    page, (_, services, corpus) = faq_page, faq_server
    imported = corpus / "faq" / "imported" / "weihai"
    open_tab(page, "知识库")
    open_tab(page, "FAQ 导入")

    bad = tmp_path / "bad" / "weihai.csv"
    bad.parent.mkdir()
    bad.write_text(BAD, encoding="utf-8")
    upload(page, bad)
    status, errors = page.locator("#faq-preview-status"), page.locator("#faq-errors")
    expect(status).to_contain_text("有问题 2 行", timeout=LONG)
    expect(errors).to_contain_text("weihai.csv:5: question: String should have at least 1 character")
    expect(errors).to_contain_text("weihai.csv:6: question '网点周末营业吗' duplicates row 2")
    expect(page.locator("#faq-mapping")).to_contain_text("相似问题")
    expect(page.locator("#faq-rows")).to_contain_text("网点周末营业吗")
    page.locator("#faq-import").click()
    expect(page.locator("#faq-import-status")).to_contain_text("未导入", timeout=LONG)
    assert not imported.exists()  # a bad row: nothing written
    save_screenshot(page, "05-kb-faq-import-rejected")

    good = tmp_path / "good" / "weihai.csv"
    good.parent.mkdir()
    good.write_text(GOOD, encoding="utf-8")
    upload(page, good)
    expect(status).to_contain_text("有效 3 条", timeout=LONG)
    expect(status).to_contain_text("可以导入")
    expect(page.locator("#faq-rows")).to_contain_text("怎么开通动账短信提醒")
    expect(page.locator("#faq-mapping")).to_contain_text("分类")
    expect(errors).not_to_contain_text("weihai.csv")
    page.locator("#faq-replace input[type=checkbox]").check()
    page.locator("#faq-bank-name textarea, #faq-bank-name input").first.fill("威海银行")
    page.locator("#faq-hotline textarea, #faq-hotline input").first.fill("96636")
    page.locator("#faq-import").click()
    result = page.locator("#faq-import-status")
    expect(result).to_contain_text("已导入", timeout=LONG)
    expect(result).to_contain_text("3 条 FAQ")
    expect(result).to_contain_text("索引已更新", timeout=LONG)
    expect(result).to_contain_text("本行名称：威海银行，客服热线：96636")
    scope = load_scope(services.settings.data_dir)
    assert scope is not None and (scope.name, scope.bank_name, scope.hotline) == ("weihai", "威海银行", "96636")
    expect(page.locator("#faq-kb-stats")).to_contain_text("片段")
    assert len(list(imported.glob("c_*.yaml"))) == 3
    assert services.kb.search("网点周末营业吗", k=1, doc_type="faq")[0].title == "网点周末营业吗"
    save_screenshot(page, "05-kb-faq-import")


def test_faq_columns_with_other_names_are_picked_then_previewed(faq_page, tmp_path):
    page = faq_page
    open_tab(page, "知识库")
    open_tab(page, "FAQ 导入")
    src = tmp_path / "custom" / "jining.csv"
    src.parent.mkdir()
    src.write_text("FAQ标题,回复内容\n挂失怎么办理,请携带身份证到任一网点办理挂失。\n", encoding="utf-8")
    upload(page, src)
    status = page.locator("#faq-preview-status")
    expect(status).to_contain_text("无法导入", timeout=LONG)
    expect(page.locator("#faq-errors")).to_contain_text("no question or answer column")
    choose(page, "faq-col-question", "FAQ标题")
    choose(page, "faq-col-answer", "回复内容")
    page.locator("#faq-preview").click()
    expect(status).to_contain_text("有效 1 条", timeout=LONG)
    expect(page.locator("#faq-mapping")).to_contain_text("FAQ标题")
    expect(page.locator("#faq-rows")).to_contain_text("挂失怎么办理")
