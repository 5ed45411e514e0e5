"""The BQ/AFQMC pair suite on tiny fixture files shaped like the real ones (no shared data, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.pair_similarity import char_bigrams
from eval.run import EvalContext, run_all
from eval.suites.external_pairs import PairMatchingSuite, interleave, read_pairs, split_halves


class BigramEmbedder:
    """Deterministic stand-in for e5: hashed character-bigram counts, L2-normalised."""

    def __init__(self):
        self.roles = set()

    def embed(self, texts, role="passage", cache=True):
        self.roles.add(role)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for g in char_bigrams(t):
                out[i, sum(map(ord, g)) % 64] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class Services:
    def __init__(self):
        self.embedder = BigramEmbedder()


SAME = [("花呗怎么还款", "花呗如何还款"), ("借呗额度怎么提高", "怎么提高借呗额度"), ("更换绑定银行卡", "怎么更换绑定的银行卡"),
        ("花呗逾期了怎么办", "花呗逾期怎么办"), ("开通借呗", "如何开通借呗"), ("还款日是哪天", "还款日是几号")]
DIFF = [("花呗怎么还款", "借呗额度怎么提高"), ("开通借呗", "更换绑定银行卡"), ("还款日是哪天", "花呗支持高铁票吗"),
        ("逾期会上征信吗", "怎么注销账户"), ("手机号换了", "提前还款有违约金吗"), ("额度为什么降了", "如何开发票")]


def write_fixture(root: Path) -> Path:
    bq = root / "bank_qa" / "bq_corpus"
    bq.mkdir(parents=True)
    lines = ["sentence1,sentence2,label"] + [f"{a},{b},1" for a, b in SAME] + [f"{a},{b},0" for a, b in DIFF]
    (bq / "dev.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")  # with BOM, like the real file
    af = root / "bank_qa" / "afqmc"
    af.mkdir(parents=True)
    recs = [{"sentence1": a, "sentence2": b, "label": "1", "idx": i} for i, (a, b) in enumerate(SAME)]
    recs += [{"sentence1": a, "sentence2": b, "label": "0", "idx": 10 + i} for i, (a, b) in enumerate(DIFF)]
    (af / "dev.json").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    return root


def test_readers_handle_bom_csv_and_json_lines(tmp_path):
    root = write_fixture(tmp_path)
    bq = read_pairs("bq", root / "bank_qa/bq_corpus/dev.csv")
    af = read_pairs("afqmc", root / "bank_qa/afqmc/dev.json")
    assert bq[0] == (0, "花呗怎么还款", "花呗如何还款", True) and len(bq) == 12
    assert af[-1][3] is False and len(af) == 12


def test_halves_are_seeded_disjoint_and_interleaved():
    rows = list(range(11))
    a, b = split_halves(rows)
    assert (a, b) == split_halves(rows) and len(a) == 5 and set(a) | set(b) == set(rows) and not set(a) & set(b)
    assert interleave([[1, 2, 3], ["x"]]) == [1, "x", 2, 3]


def test_unavailable_without_data_names_the_folder(tmp_path):
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=tmp_path)
    reason = PairMatchingSuite().available(ctx)
    assert reason and "bank_qa" in reason and str(tmp_path) in reason


def test_run_reports_accuracy_f1_per_dataset_and_method(tmp_path):
    root = write_fixture(tmp_path / "shared")
    services = Services()
    ctx = EvalContext(services=services, llm_mode="none", shared_data_dir=root)
    run = run_all([PairMatchingSuite()], ctx, tmp_path / "run")
    entry = run["suites"]["external_pairs"]
    assert entry["status"] == "ok" and entry["cases"] == 12 and entry["errors"] == 0  # the test halves
    s = entry["summary"]
    for ds in ("bq", "afqmc"):
        assert s[f"{ds}.pairs"] == 6
        for m in ("e5", "bm25", "char"):
            assert 0.0 <= s[f"{ds}.{m}.accuracy"] <= 1.0 and 0.0 <= s[f"{ds}.{m}.f1"] <= 1.0
    # paraphrases share bigrams and unrelated pairs do not: the overlap baseline separates them well
    assert s["bq.char.auc"] > 0.8
    assert services.embedder.roles == {"query"}  # symmetric task: query role on both sides
    assert "bq.e5.threshold" in entry["ungated"] and "bq.e5.f1" not in entry["ungated"]
    first = json.loads((tmp_path / "run/external_pairs/results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["id"].startswith(("bq-", "afqmc-")) and set(first["output"]["similarity"]) == {"e5", "bm25", "char"}


def test_limit_samples_both_datasets(tmp_path):
    root = write_fixture(tmp_path / "shared")
    ctx = EvalContext(services=Services(), llm_mode="none", shared_data_dir=root)
    run = run_all([PairMatchingSuite()], ctx, tmp_path / "run", limit=4)
    assert run["suites"]["external_pairs"]["summary"]["bq.pairs"] == 2
    assert run["suites"]["external_pairs"]["summary"]["afqmc.pairs"] == 2


@pytest.mark.parametrize("missing", ["bq_corpus/dev.csv", "afqmc/dev.json"])
def test_one_dataset_present_is_enough(tmp_path, missing):
    root = write_fixture(tmp_path / "shared")
    (root / "bank_qa" / missing).unlink()
    ctx = EvalContext(services=Services(), llm_mode="none", shared_data_dir=root)
    assert PairMatchingSuite().available(ctx) is None
    assert len({c.tags.category for c in PairMatchingSuite().load_cases(ctx)}) == 1
