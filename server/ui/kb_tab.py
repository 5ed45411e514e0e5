"""知识库 tab: hit-test a query, upload/replace a corpus document and re-index, import a bank's FAQ,
browse the industries.

Four sub-tabs, each one staff task: 检索测试 (ranked passages with sources), 文档上传与索引 (a file is
validated by server/ui/corpus_upload.py before anything is written; re-indexing is incremental and
reports progress), FAQ 导入 (server/ui/faq_import_view.py: preview the column mapping, first rows and
bad rows, then import and re-index with progress), 行业浏览 (server/ui/kb_browser.py: facts, body,
chain picture). Every handler turns a failure into a readable status line; details go to the server log.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import gradio as gr
import pandas as pd

from core.services import Services
from kb.faq_scope import BrandingError, after_import, check_branding
from kb.ingest import PruneRequired
from server.ui import faq_import_view, kb_browser
from server.ui.corpus_upload import check_upload, write_atomically

log = logging.getLogger("puhui.ui")

DOC_TYPES = {"全部": None, "行业": "industry", "产品": "product", "FAQ": "faq", "制度": "policy"}
DOC_TYPE_NAMES = {v: k for k, v in DOC_TYPES.items() if v}
STAGES = {"Scanning corpus": "扫描文档", "Embedding chunks": "计算向量", "Building BM25": "建立关键词索引",
          "Validating rows": "校验 FAQ 行"}
_INDEX_LOCK = threading.Lock()  # one re-index at a time per process; a second click gets a message


def hit_test(services: Services, query: str, k: int, doc_type_label: str):
    """Return (table rows, status text). Errors become a readable status line, never a traceback."""
    query = (query or "").strip()
    if not query:
        return [], "请输入要测试的问题。"
    if len(query) > 500:
        return [], "问题过长（最多 500 字）。"
    try:
        passages = services.kb.search(query, k=int(k), doc_type=DOC_TYPES.get(doc_type_label))
    except Exception as exc:  # shown to staff as a message; details are in the server log
        log.exception("kb hit-test failed")
        return [], f"检索失败：{type(exc).__name__}。请确认知识库已建立（puhui ingest）。"
    rows = [
        [i + 1, round(p.score, 4), DOC_TYPE_NAMES.get(p.doc_type, p.doc_type), p.title, p.section or "", p.source,
         p.text[:200]]
        for i, p in enumerate(passages)
    ]
    return rows, f"命中 {len(rows)} 条。"


def upload_document(services: Services, file_path: str | None) -> tuple[str, bool]:
    """Validate and (only if valid) write one uploaded file. Returns (markdown status, written?)."""
    if not file_path:
        return "请先选择要上传的文件（行业/产品/制度 .md，或 FAQ .yaml）。", False
    path = Path(file_path)
    try:
        data = path.read_bytes()
        check = check_upload(path.name, data, services.corpus)
    except Exception as exc:
        log.exception("kb upload check failed")
        return f"⚠ 校验失败：{type(exc).__name__}。详细信息已写入服务器日志。", False
    if not check.ok:
        lines = "\n".join(f"- `{e}`" for e in check.errors[:20])
        more = f"\n- ……另有 {len(check.errors) - 20} 处" if len(check.errors) > 20 else ""
        return f"✖ **未保存**：{check.name} 有 {len(check.errors)} 处问题，知识库未作任何修改。\n\n{lines}{more}", False
    try:
        write_atomically(services.settings.corpus_dir, check)
    except Exception as exc:
        log.exception("kb upload write failed")
        return f"⚠ 写入失败：{type(exc).__name__}。知识库未修改。", False
    services.forget_corpus()
    action = "已替换" if check.replaces else "已新增"
    return (f"✔ {action} `{check.target}`（{check.summary}）。点击「重建索引」后检索与问答即使用新内容。", True)


def _progress_fn(progress):
    """The KB's ``(stage, done, total)`` reports on a ``gr.Progress``, each stage in Chinese with its count."""
    def on_progress(stage: str, done: int, total: int) -> None:
        label = STAGES.get(stage, stage)
        progress((done, max(total, 1)), desc=f"{label} {done}/{total}")

    return on_progress


_BRAND_LABEL = {"bank_name": "本行名称", "hotline": "客服热线"}


def import_faq_file(services: Services, progress, file_path: str | None, name: str | None,
                    choices: dict[str, str | None], skip_invalid: bool, replace: bool = False,
                    bank_name: str | None = None, hotline: str | None = None) -> str:
    """Import an uploaded FAQ file (validated rows → corpus files), then re-index with progress; with
    ``replace`` the bot answers from this FAQ alone (kb/faq_scope.py, as ``import-faq --replace``),
    naming ``bank_name`` and ``hotline`` when given (checked first: a bad one writes nothing)."""
    try:
        branding = check_branding(bank_name, hotline)
    except BrandingError as exc:
        return f"✖ **未导入**：{_BRAND_LABEL[exc.field]}（{exc.field}）无效：{exc.message}。知识库未作任何修改。"
    if not replace and not branding.empty:
        return "✖ **未导入**：本行名称和客服热线只用于替换模式，请勾选「替换模式」或清空这两项。知识库未作任何修改。"
    progress(0, desc="校验 FAQ 行")
    report, text = faq_import_view.import_upload(services.settings.corpus_dir, file_path, name, choices, skip_invalid,
                                                 progress=_progress_fn(progress))
    if report is None:
        return text
    scope = after_import(services.settings.data_dir, report.name, Path(report.folder), Path(str(file_path)).name,
                         report.entries, bool(replace), branding=branding)
    services.forget_corpus()
    text += "\n\n" + reindex(services, progress)
    if scope is not None:
        text += (f"\n\n**替换模式**：客服机器人只用导入 `{scope.name}` 的 FAQ 作答，内置 FAQ 与产品/行业文档不再作答"
                 "（恢复：命令行 `puhui kb faq-scope --all`）。")
        if replace and not branding.empty:
            text += (f"机器人话术中的本行名称：{scope.bank_name or '（默认）'}，客服热线：{scope.hotline or '（默认）'}。")
    return text


def reindex(services: Services, progress, full: bool = False) -> str:
    """Re-index (incremental unless ``full``) with a progress bar; returns a one-paragraph report.

    ``progress`` is a ``gr.Progress`` (or any callable with its signature); the KB reports
    ``(stage, done, total)`` and each stage is shown in Chinese with its count.
    """
    if not _INDEX_LOCK.acquire(blocking=False):
        return "⚠ 已有一个重建索引任务正在进行，请稍后再试。"
    try:
        progress(0, desc="准备中")
        report = services.kb.ingest(progress=_progress_fn(progress), full=bool(full))
        services.forget_corpus()
    except PruneRequired as exc:  # the workbench never removes many files at once: say what and how
        return (f"⚠ 未做任何修改：本次索引将移除 {len(exc.paths)} 个已索引文件（如 `{exc.paths[0]}`）。"
                "请检查语料目录配置；确需移除请在命令行运行 `puhui ingest --prune`。")
    except Exception as exc:
        log.exception("kb re-index failed")
        return f"⚠ 重建索引失败：{type(exc).__name__}。原索引保持不变，详细信息已写入服务器日志。"
    finally:
        _INDEX_LOCK.release()
    changed = len(report.added) + len(report.changed) + len(report.deleted)
    text = (f"✔ 索引已更新：新增 {len(report.added)}、修改 {len(report.changed)}、删除 {len(report.deleted)} 个文件，"
            f"未变 {report.unchanged} 个；片段 +{report.chunks_added} / −{report.chunks_deleted}，共 {report.chunks_total} 个；"
            f"用时 {report.seconds:.1f} 秒。")
    if not changed:
        text += "（文档没有变化。）"
    if report.errors:
        text += "\n\n以下文件有问题，已跳过（若之前建过索引则保留旧版本）：\n" + "\n".join(f"- `{e}`" for e in report.errors[:20])
    return text


def kb_stats_text(services: Services) -> str:
    """One line on the index: files, chunks by document type, embedder and store."""
    try:
        stats = services.kb.stats()
    except Exception as exc:
        log.exception("kb stats failed")
        return f"⚠ 无法读取索引状态：{type(exc).__name__}。"
    if not stats.chunks:
        return "知识库索引尚未建立：点击「重建索引」。"
    parts = "、".join(f"{DOC_TYPE_NAMES.get(k, k)} {v}" for k, v in sorted(stats.by_doc_type.items()))
    store = f"Chroma 服务 {stats.vector_store}" if stats.vector_store.startswith("http") else "嵌入式 Chroma"
    return (f"索引状态：{stats.files} 个文件，{stats.chunks} 个片段（{parts}）｜ 向量模型 `{stats.embedder}` ｜ "
            f"向量库 {store} ｜ 关键词索引 `{stats.lexical}`")


def browse_industry(services: Services, industry_id: str | None):
    """(picture or None, chain line, facts rows, body markdown) for one industry."""
    if not industry_id:
        return None, "请选择一个细分行业。", [], ""
    try:
        corpus = services.corpus
        if industry_id not in corpus.industries:
            return None, f"⚠ 未找到行业 {industry_id}。", [], ""
        picture = None
        try:
            picture = kb_browser.render_chain_picture(services.graph, industry_id)
        except Exception:
            log.exception("industry graph unavailable")
        line = kb_browser.chain_line(corpus, industry_id)
        if picture is None:
            line += "\n\n（产业链图暂不可用，以上为文字版。）"
        return (picture, line, kb_browser.industry_facts(corpus, industry_id),
                kb_browser.industry_markdown(corpus, industry_id))
    except Exception as exc:
        log.exception("industry browser failed")
        return None, f"⚠ 无法显示该行业：{type(exc).__name__}。", [], ""


def _hit_test_ui(services: Services) -> None:
    with gr.Row():
        query = gr.Textbox(label="测试问题", placeholder="例如：丹阳眼镜企业的旺季是几月？", scale=4, elem_id="kb-query")
        k = gr.Slider(1, 20, value=5, step=1, label="返回条数")
        doc_type = gr.Dropdown(list(DOC_TYPES), value="全部", label="文档类型")
    run = gr.Button("检索", variant="primary", elem_id="kb-search")
    status = gr.Markdown(elem_id="kb-status")
    table = gr.Dataframe(headers=["排名", "得分", "类型", "标题", "章节", "来源", "片段"], interactive=False, wrap=True,
                         column_widths=["5%", "7%", "6%", "13%", "11%", "18%", "40%"], elem_id="kb-results")
    run.click(lambda q, n, t: hit_test(services, q, n, t), [query, k, doc_type], [table, status])
    query.submit(lambda q, n, t: hit_test(services, q, n, t), [query, k, doc_type], [table, status])


def _upload_ui(services: Services, industry: gr.Dropdown) -> gr.Markdown:
    gr.Markdown("上传一个文档以新增或替换：行业/产品/制度为带 YAML 头的 Markdown（按文件中的 id 保存），FAQ 为 YAML 列表。"
                "文件先按入库规则校验，有错误时列出「文件:行号」且不写入任何内容。")
    with gr.Row():
        file = gr.File(label="选择文档（.md / .yaml）", file_types=[".md", ".yaml", ".yml"], type="filepath",
                       elem_id="kb-upload-file")
        with gr.Column():
            save = gr.Button("校验并保存", variant="primary", elem_id="kb-upload-save")
            index = gr.Button("重建索引", elem_id="kb-reindex")
            full = gr.Checkbox(False, label="完全重建（重新计算全部向量，较慢；仅在更换向量模型或索引损坏时使用）",
                               elem_id="kb-reindex-full")
    upload_status = gr.Markdown(elem_id="kb-upload-status")
    index_status = gr.Markdown(elem_id="kb-reindex-status")
    stats = gr.Markdown(elem_id="kb-stats")

    def on_save(path):
        text, written = upload_document(services, path)
        choices = kb_browser.industry_choices(services.corpus) if written else None
        return text, (gr.update(choices=choices) if written else gr.update())

    def on_index(full_rebuild, progress=gr.Progress()):
        return reindex(services, progress, full_rebuild), kb_stats_text(services)

    save.click(on_save, file, [upload_status, industry])
    index.click(on_index, full, [index_status, stats], concurrency_limit=1)
    return stats


def _frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=header) if header else pd.DataFrame()


def _faq_import_ui(services: Services) -> gr.Markdown:
    gr.Markdown("导入银行自己的 FAQ 表格（.xlsx / .xls / .csv / .tsv / .jsonl，列如 标准问题、答案、相似问题、分类）。"
                "上传后先预览：各字段取自哪一列、前几行内容、有问题的行（「文件:行号: 原因」），此时不写入任何内容；"
                "确认后点「导入」，写入 FAQ 并增量重建索引。命令行与接口同此：`puhui kb import-faq`、`POST /v1/kb/faq/import`。")
    with gr.Row():
        file = gr.File(label="选择 FAQ 文件", file_types=list(faq_import_view.SUFFIXES), type="filepath",
                       elem_id="faq-file")
        with gr.Column():
            name = gr.Textbox(label="导入名（可选，小写字母/数字/下划线；默认取文件名）", elem_id="faq-name")
            skip = gr.Checkbox(False, label="跳过有问题的行（只导入有效行）", elem_id="faq-skip-invalid")
            replace = gr.Checkbox(False, label="替换模式：客服机器人只用此 FAQ 作答（用于以本行数据评估）",
                                  elem_id="faq-replace")
            with gr.Row():
                bank = gr.Textbox(label="本行名称（可选，仅替换模式；如 威海银行）", elem_id="faq-bank-name")
                hotline = gr.Textbox(label="客服热线（可选，仅替换模式；如 96636）", elem_id="faq-hotline")
            with gr.Row():
                show = gr.Button("预览", elem_id="faq-preview")
                run = gr.Button("导入", variant="primary", elem_id="faq-import")
    with gr.Row():
        pickers = [gr.Dropdown([faq_import_view.AUTO], value=faq_import_view.AUTO, label=f"{label}列",
                               elem_id=f"faq-col-{f}") for f, label in faq_import_view.FIELDS.items()]
    status = gr.Markdown(elem_id="faq-preview-status")
    with gr.Row():
        mapping = gr.Dataframe(headers=["字段", "文件中的列"], interactive=False, label="列映射", scale=1,
                               elem_id="faq-mapping")
        rows = gr.Dataframe(interactive=False, wrap=True, label="前几行（与文件一致）", scale=3, elem_id="faq-rows")
    errors = gr.Markdown(elem_id="faq-errors")
    result = gr.Markdown(elem_id="faq-import-status")
    stats = gr.Markdown(elem_id="faq-kb-stats")
    fields = list(faq_import_view.FIELDS)

    def show_preview(path, import_name, *picked, reset: bool = False):
        """A new file resets the pickers to automatic; 预览 keeps the columns picked."""
        picked = [faq_import_view.AUTO] * len(fields) if reset else list(picked)
        p = faq_import_view.preview(path, import_name, dict(zip(fields, picked)))
        options = [faq_import_view.AUTO, *p.columns]
        updates = [gr.update(choices=options, value=v if v in options else faq_import_view.AUTO) for v in picked]
        return (p.status, [[a, b] for a, b in p.mapping], _frame(p.header, p.rows), p.errors, "", *updates)

    outputs = [status, mapping, rows, errors, result, *pickers]
    file.change(lambda path, n, *c: show_preview(path, n, *c, reset=True), [file, name, *pickers], outputs)
    show.click(show_preview, [file, name, *pickers], outputs)

    def on_import(path, import_name, skip_invalid, replace_mode, bank_name, bank_hotline, *picked,
                  progress=gr.Progress()):
        text = import_faq_file(services, progress, path, import_name, dict(zip(fields, picked)), skip_invalid,
                               replace_mode, bank_name, bank_hotline)
        return text, kb_stats_text(services)

    run.click(on_import, [file, name, skip, replace, bank, hotline, *pickers], [result, stats], concurrency_limit=1)
    return stats


def _browser_ui(services: Services) -> gr.Dropdown:
    try:
        choices = kb_browser.industry_choices(services.corpus)
    except Exception:
        log.exception("industry list unavailable")
        choices = []
    industry = gr.Dropdown(choices, value=None, label="细分行业（可输入筛选）", filterable=True, elem_id="kb-industry")
    line = gr.Markdown(elem_id="kb-chain-line")
    picture = gr.Image(label="产业链图（上游 → 本行业 → 下游）", type="pil", interactive=False, elem_id="kb-chain-picture")
    with gr.Row():
        facts = gr.Dataframe(headers=["字段", "内容"], interactive=False, wrap=True, label="行业要素", scale=1,
                             elem_id="kb-facts")
        body = gr.Markdown(elem_id="kb-industry-body", max_height=640)
    industry.change(lambda i: browse_industry(services, i), industry, [picture, line, facts, body])
    return industry


def build_tab(services: Services) -> None:
    with gr.Tabs():
        with gr.Tab("检索测试", id="kb-hit"):
            _hit_test_ui(services)
        with gr.Tab("行业浏览", id="kb-browse"):
            industry = _browser_ui(services)
        with gr.Tab("文档上传与索引", id="kb-upload") as upload_tab:
            stats = _upload_ui(services, industry)
        with gr.Tab("FAQ 导入", id="kb-faq-import"):
            _faq_import_ui(services)
    upload_tab.select(lambda: kb_stats_text(services), None, stats)
