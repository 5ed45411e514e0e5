"""Embeddings are consulted only when the dictionary signal is unsure (latency: ~100 ms per embedding)."""

from agents.chain_map.context import build_context
from agents.chain_map.service import run_chain_map
from kb.graph import build_graph


class CountingEmbedder:
    """Bag-of-characters vectors: enough to rank, and it counts the queries it embeds."""

    def __init__(self):
        self.queries = 0

    @staticmethod
    def _vec(text):
        v = [0.0] * 512
        for ch in text:
            v[hash(ch) % 512] += 1.0
        return v

    def embed_query(self, text):
        self.queries += 1
        return self._vec(text)

    def embed_documents(self, texts):
        return [self._vec(t) for t in texts]


def test_semantic_linker_only_for_unsure_cases(mini_corpus):
    emb = CountingEmbedder()
    ctx = build_context(mini_corpus, build_graph(mini_corpus), embedder=emb, gbt_names={})
    clear = run_chain_map({"name": "丹阳光学", "business_scope": "眼镜制造；眼镜销售；光学玻璃制造", "main_products": "树脂镜片"}, ctx)
    assert clear.placement.segment_id == "danyang_eyewear" and emb.queries == 0
    unsure = run_chain_map({"name": "老李", "business_scope": "帮人看看东西，做点小买卖"}, ctx)
    assert emb.queries == 1 and unsure.placement.verdict in ("linked", "unknown")
