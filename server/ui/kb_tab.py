"""知识库 tab: hit-test a query against the knowledge base and see ranked passages with sources."""

from __future__ import annotations

import gradio as gr

from server.services import Services

DOC_TYPES = {"全部": None, "行业": "industry", "产品": "product", "FAQ": "faq", "制度": "policy"}


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
        return [], f"检索失败：{type(exc).__name__}。请确认知识库已建立（puhui ingest）。"
    rows = [
        [i + 1, round(p.score, 4), p.doc_type, p.title, p.section or "", p.source, p.text[:160]]
        for i, p in enumerate(passages)
    ]
    return rows, f"命中 {len(rows)} 条。"


def build_tab(services: Services) -> None:
    with gr.Row():
        query = gr.Textbox(label="测试问题", placeholder="例如：丹阳眼镜企业的旺季是几月？", scale=4, elem_id="kb-query")
        k = gr.Slider(1, 20, value=5, step=1, label="返回条数")
        doc_type = gr.Dropdown(list(DOC_TYPES), value="全部", label="文档类型")
    run = gr.Button("检索", variant="primary", elem_id="kb-search")
    status = gr.Markdown(elem_id="kb-status")
    table = gr.Dataframe(
        headers=["排名", "得分", "类型", "标题", "章节", "来源", "片段"],
        interactive=False,
        wrap=True,
        elem_id="kb-results",
    )
    run.click(lambda q, n, t: hit_test(services, q, n, t), [query, k, doc_type], [table, status])
    query.submit(lambda q, n, t: hit_test(services, q, n, t), [query, k, doc_type], [table, status])
