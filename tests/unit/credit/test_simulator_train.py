"""The simulator is seeded and the training script reproducible (small sizes keep this fast)."""

import numpy as np

from tools.credit.simulator import simulate
from tools.credit.train import train


def test_simulator_is_reproducible_and_plausible(corpus, policy):
    industries = {k: d.meta for k, d in corpus.industries.items()}
    a = simulate(150, 11, industries, policy)
    b = simulate(150, 11, industries, policy)
    assert [c.application.model_dump() for c in a] == [c.application.model_dump() for c in b]
    assert [c.default for c in a] == [c.default for c in b]
    assert {c.application.enterprise.industry_id for c in a} <= set(policy.industry_access)
    big = simulate(1200, 3, industries, policy)
    rate = np.mean([c.default for c in big])
    assert 0.05 < rate < 0.16  # through-the-door bad rate ≈ 10%
    stressed = simulate(1200, 3, industries, policy, stress=1.0)
    assert np.mean([c.default for c in stressed]) > rate


def test_training_is_reproducible(corpus):
    c1, info = train(corpus, n=1000, seed=5, holdout_n=200, holdout_seed=6)
    c2, _ = train(corpus, n=1000, seed=5, holdout_n=200, holdout_seed=6)
    assert c1.model_dump_json() == c2.model_dump_json()
    assert info["train_metrics"]["auc"] > 0.7 and c1.reference_scores["proportions"]
