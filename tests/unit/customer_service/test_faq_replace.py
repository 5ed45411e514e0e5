"""Issue #13: ``puhui kb import-faq FILE --replace`` — the bot answers from the bank's FAQ alone.

Through the real CLI, the real KnowledgeBase (hash embedder, tmp Chroma) and the real CsService
built the way the server builds it (``CsService.from_services``): after a plain import the bot still
answers our FAQ; after ``--replace`` it answers the bank's question with the bank's approved answer and
its citation (file:row), and none of our FAQ entries or documents; ``faq-scope --all`` undoes it."""

from __future__ import annotations

import csv
import shutil

import pytest
import typer
from typer.testing import CliRunner

from agents.customer_service.build import build_deps
from agents.customer_service.service import CsService
from cli import faq_cmds, kb_cmds
from core.services import Services
from core.settings import PROJECT_ROOT, Settings
from kb.corpus import load_corpus
from kb.faq_scope import load_scope, save_scope, scope_entries
from kb.service import KnowledgeBase
from tests.unit.customer_service.conftest import FakeEmbedder, FakeKB, ask, passage
from tests.unit.kb.fakes import HashEmbedder

BANK = [("网点周末营业吗", "威海银行各营业网点周六上午9:00-12:00营业，周日休息。", "周六营业吗|周末能去网点办业务吗", "网点"),
        ("手机银行登录密码忘了怎么办", "请在登录页点击「忘记密码」，凭本人身份证和银行卡验证后重新设置。", "", "手机银行"),
        ("怎么开通动账短信提醒", "可在手机银行「我的-账户管理」中开通动账短信提醒，每月收费2元。", "", "账户")]
OURS = "银行卡丢了怎么挂失？"  # faq_cards_002 of our corpus


@pytest.fixture
def setup(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    for folder in ("products", "policies", "faq"):
        shutil.copytree(PROJECT_ROOT / "kb" / "corpus" / folder, corpus / folder)
    settings = Settings(_env_file=None, corpus_dir=corpus, data_dir=tmp_path / "var", embedding_adapter=False)
    kb = KnowledgeBase(index_dir=settings.index_dir, corpus_dir=corpus, embedder=HashEmbedder(), collection="test-replace")
    monkeypatch.setattr(kb_cmds, "kb_of", lambda get_settings: kb)
    monkeypatch.setattr(faq_cmds, "kb_of", lambda get_settings: kb)
    monkeypatch.chdir(tmp_path)
    app = typer.Typer()
    faq_cmds.register(app, lambda: settings)
    src = tmp_path / "weihai.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("标准问题", "答案", "相似问题", "分类"))
        w.writerows(BANK)
    bots: list[CsService] = []

    def bot() -> CsService:
        """The bot as a freshly started server builds it (services read the data dir again)."""
        services = Services(settings)
        services.__dict__["kb"], services.__dict__["embedder"] = kb, FakeEmbedder()
        bots.append(CsService.from_services(services))
        return bots[-1]

    def run(*args):
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.output

    yield settings, src, run, bot
    for b in bots:
        b.close()


def test_replace_makes_the_bot_answer_from_the_imported_faq_alone(setup):
    settings, src, run, bot = setup
    code, out = run("kb", "import-faq", str(src))  # a plain import: ours and theirs side by side
    assert code == 0 and "替换模式" not in out
    before = bot()
    assert ask(before, OURS).faq_id == "faq_cards_002"
    assert ask(before, "网点周末营业吗").faq_id.startswith("faq_weihai_")

    code, out = run("kb", "import-faq", str(src), "--replace")
    assert code == 0 and "written=0 unchanged=3" in out, out  # same file: nothing re-written or re-indexed
    assert "替换模式" in out and "'weihai' 的 3 条 FAQ" in out and "puhui kb faq-scope --all" in out
    scope = load_scope(settings.data_dir)
    assert scope is not None and scope.name == "weihai" and scope.file == "weihai.csv" and scope.entries == 3

    replaced = bot()
    assert replaced.deps.faq_only is not None and len(replaced.deps.matcher.entries) == 3
    for question, answer, _, _ in BANK:
        r = ask(replaced, question)
        assert r.outcome == "faq" and r.faq_id.startswith("faq_weihai_") and r.text.startswith(answer), r
    r = ask(replaced, "周末能去网点办业务吗")  # a similar question of the bank's entry
    assert r.outcome == "faq" and r.text.startswith(BANK[0][1])
    assert r.sources[0].kind == "faq" and r.sources[0].title == "网点周末营业吗"
    assert r.sources[0].source == "weihai.csv:2"  # the citation: the bank's file and row
    ours = ask(replaced, OURS)  # our FAQ (and our documents) no longer answer
    assert ours.outcome != "faq" and ours.faq_id is None, ours
    assert all(s.id.startswith("faq_weihai_") for s in ours.sources)
    our_answer = next(e.answer for e in load_corpus(settings.corpus_dir).faqs if e.id == "faq_cards_002")
    assert our_answer[:15] not in ours.text

    code, out = run("kb", "faq-scope")
    assert code == 0 and "只用导入 'weihai' 的 3 条 FAQ" in out
    code, out = run("kb", "faq-scope", "--all")
    assert code == 0 and "已取消替换模式" in out and load_scope(settings.data_dir) is None
    assert ask(bot(), OURS).faq_id == "faq_cards_002"  # back to every entry
    assert "未启用替换模式" in run("kb", "faq-scope")[1]


def test_a_plain_import_while_replace_mode_holds_says_so(setup):
    settings, src, run, bot = setup
    assert run("kb", "import-faq", str(src), "--replace", "--no-ingest")[0] == 0
    other = src.with_name("jining.csv")
    other.write_text("问题,答案\n营业时间,周一至周五9:00-17:00营业。\n", encoding="utf-8")
    code, out = run("kb", "import-faq", str(other), "--no-ingest")
    assert code == 0 and "替换模式仍生效" in out and "'weihai'" in out
    assert load_scope(settings.data_dir).name == "weihai"


def test_a_scope_whose_import_is_gone_answers_no_faq_never_ours(setup, tmp_path):
    settings, _, run, bot = setup
    save_scope(settings.data_dir, "gone", tmp_path / "corpus" / "faq" / "imported" / "gone")
    entries, problems = scope_entries(load_scope(settings.data_dir))
    assert entries == [] and "has no folder" in problems[0]
    r = ask(bot(), OURS)
    assert r.faq_id is None and r.outcome != "faq"
    code, out = run("kb", "faq-scope")
    assert code == 1 and "has no folder" in out
    (settings.data_dir / "cs_faq_scope.json").write_text("{oops", encoding="utf-8")
    code, out = run("kb", "faq-scope")
    assert code == 2 and "not a valid FAQ scope" in out and "Traceback" not in out
    assert ask(bot(), OURS).faq_id is None  # a corrupt scope: no FAQ, not ours


def test_scoped_deps_quote_only_the_scoped_faq_passages(corpus):
    """Replace mode's grounded path: a retrieved passage of ours (product document or FAQ) is never quoted."""
    bank = [e for e in corpus.faqs if e.id == "faq_cards_002"]  # any one entry stands in for the bank's FAQ
    deps = build_deps(corpus, faqs=bank, kb=FakeKB([passage("禾信银行保管箱按年收费，小号保管箱每年300元。")]))
    assert deps.faq_only == {"faq_cards_002"} and deps.answer_doc_types == ("faq",) and deps.docs is None
    assert not deps.may_quote("product", None) and not deps.may_quote("faq", "faq_loans_001")
    assert deps.may_quote("faq", "faq_cards_002")
    everything = build_deps(corpus)
    assert everything.faq_only is None and everything.may_quote("product", None)
