"""知识库 → FAQ 导入 without a browser: the preview writes nothing and shows the mapping, first rows and
bad rows; picked columns override the defaults; the import goes through kb.faq_import and re-indexes."""

from __future__ import annotations

from pathlib import Path

from server.ui import faq_import_view as view
from server.ui import kb_tab
from tests.unit.ui.test_kb_tab import Recorder, services  # noqa: F401 - the fixture

GOOD = "标准问题,答案,相似问题,分类\n网点周末营业吗,各营业网点周六上午9:00-12:00营业。,周六营业吗,网点\n" \
       "怎么开通短信提醒,可在手机银行中开通动账短信提醒。,,账户\n"
BAD = GOOD + ",没有问题的答案,,网点\n网点周末营业吗,重复的问题,,网点\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / "upload" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_preview_shows_mapping_first_rows_and_writes_nothing(tmp_path):
    p = view.preview(write(tmp_path, "weihai.csv", GOOD), "", {})
    assert p.ok and "导入名 `weihai`：共 2 行，有效 2 条（相似问题 1 条），有问题 0 行" in p.status
    assert p.mapping[:4] == [["标准问题", "标准问题"], ["答案", "答案"], ["相似问题", "相似问题"], ["分类", "分类"]]
    assert p.mapping[4] == ["渠道", "（无）"]
    assert p.header == ["行号", "标准问题", "答案", "相似问题", "分类"] and p.rows[0][:2] == ["2", "网点周末营业吗"]
    assert p.columns == ["标准问题", "答案", "相似问题", "分类"] and p.errors == ""
    assert not (tmp_path / "corpus").exists()


def test_preview_lists_bad_rows_and_file_level_problems(tmp_path):
    p = view.preview(write(tmp_path, "weihai.csv", BAD), "", {})
    assert not p.ok and "有问题 2 行" in p.status
    assert "`weihai.csv:4: question: String should have at least 1 character`" in p.errors
    assert "`weihai.csv:5: question '网点周末营业吗' duplicates row 2`" in p.errors
    p = view.preview(write(tmp_path, "faq.csv", "标题,内容\n挂失,请拨打热线。\n"), "", {})
    assert not p.ok and "无法导入" in p.status and "no question or answer column" in p.errors
    assert p.columns == ["标题", "内容"]  # what the pickers offer
    p = view.preview(write(tmp_path, "faq.csv", "标题,内容\n挂失,请拨打客服热线办理。\n"), "",
                     {"question": "标题", "answer": "内容", "similar": view.AUTO})  # picked columns
    assert p.ok and p.mapping[0] == ["标准问题", "标题"]
    assert "请先选择" in view.preview(None, "", {}).status
    assert "不支持的文件类型" in view.preview(write(tmp_path, "faq.txt", "x"), "", {}).status
    assert "must match" in view.preview(write(tmp_path, "faq.csv", GOOD), "Bad Name", {}).errors


def test_import_writes_through_the_shared_import_then_reindexes(services, tmp_path):  # noqa: F811
    progress = Recorder()
    text = kb_tab.import_faq_file(services, progress, write(tmp_path, "weihai.csv", BAD), "", {}, False)
    assert "未导入" in text and "weihai.csv:4" in text and services.kb.calls == []  # nothing written, no re-index
    assert not (services.settings.corpus_dir / "faq" / "imported").exists()
    assert "网点周末营业吗" not in {e.question for e in services.corpus.faqs}
    text = kb_tab.import_faq_file(services, progress, write(tmp_path, "weihai.csv", GOOD), "", {}, False)
    assert "已导入 `weihai`：2 行 → 2 条 FAQ" in text and "索引已更新" in text and services.kb.calls == [False]
    assert any(desc and desc.startswith("校验 FAQ 行") for _, desc in progress.calls)
    assert {e.question for e in services.corpus.faqs} >= {"网点周末营业吗", "怎么开通短信提醒"}  # cache refreshed
    text = kb_tab.import_faq_file(services, progress, write(tmp_path, "weihai.csv", BAD), "", {}, True)
    assert "已跳过 2 行" in text and "写入 0 个文件" in text


def test_import_in_replace_mode_records_the_scope_and_drops_the_cached_bot(services, tmp_path):  # noqa: F811
    from kb.faq_scope import load_scope

    services.cached("cs.bot", lambda: "the bot built on the old FAQ")
    text = kb_tab.import_faq_file(services, Recorder(), write(tmp_path, "weihai.csv", GOOD), "", {}, False, True)
    assert "替换模式" in text and "`weihai`" in text
    scope = load_scope(services.settings.data_dir)
    assert scope.name == "weihai" and scope.file == "weihai.csv" and scope.entries == 2
    assert "cs.bot" not in services.extras  # the next turn builds the bot on the bank's FAQ


def test_import_in_replace_mode_with_the_banks_name_and_hotline(services, tmp_path):  # noqa: F811
    from kb.faq_scope import load_scope

    path = write(tmp_path, "weihai.csv", GOOD)
    text = kb_tab.import_faq_file(services, Recorder(), path, "", {}, False, True, "威海银行", "96636")
    assert "替换模式" in text and "本行名称：威海银行，客服热线：96636" in text, text
    scope = load_scope(services.settings.data_dir)
    assert (scope.bank_name, scope.hotline) == ("威海银行", "96636")


def test_bad_bank_name_or_hotline_imports_nothing(services, tmp_path):  # noqa: F811
    path = write(tmp_path, "weihai.csv", GOOD)
    for replace_mode, bank, hotline, says in [(True, "威海银行", "call us", "客服热线（hotline）无效"),
                                              (True, "12345", "", "本行名称（bank_name）无效"),
                                              (False, "威海银行", "", "只用于替换模式")]:
        text = kb_tab.import_faq_file(services, Recorder(), path, "", {}, False, replace_mode, bank, hotline)
        assert "未导入" in text and says in text, text
    assert services.kb.calls == [] and not (services.settings.corpus_dir / "faq" / "imported").exists()
    assert not (services.settings.data_dir / "cs_faq_scope.json").exists()
