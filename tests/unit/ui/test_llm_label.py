"""Who-wrote-this labels shown on the chain, loan and customer-service tabs."""

from server.ui.llm_label import source_label, sources_line


def test_source_labels():
    assert [source_label(s) for s in ("llm", "fallback", "none", "template", None)] == \
        ["大模型", "回退", "确定性", "确定性", "确定性"]


def test_sources_line_names_each_node():
    assert sources_line({"extract": "llm", "prose": "fallback"}) == "要素抽取：大模型；策略文字：回退"
    assert sources_line({}) == "确定性"
