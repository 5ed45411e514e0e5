import numpy as np
import pandas as pd
import pytest

from tools.credit.psi import psi, score_psi, status_of
from tools.credit.scorecard import Scorecard


def test_psi_formula():
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5]))[0] == 0.0
    total, terms = psi(np.array([0.5, 0.5]), np.array([0.7, 0.3]))
    assert total == pytest.approx(0.2 * np.log(0.7 / 0.5) - 0.2 * np.log(0.3 / 0.5))
    assert [status_of(x) for x in (0.05, 0.2, 0.3)] == ["stable", "monitor", "shifted"]


def test_score_psi_against_the_shipped_reference():
    card = Scorecard.load()
    ref = card.reference_scores
    edges = np.array(ref["edges"])
    # a batch drawn to match the reference shares is stable; one piled into the lowest bin is shifted
    rng = np.random.default_rng(0)
    mids = np.r_[edges[0] - 5, (edges[:-1] + edges[1:]) / 2, edges[-1] + 5]
    same = pd.DataFrame({"score": rng.choice(mids, size=5000, p=np.array(ref["proportions"]) / sum(ref["proportions"]))})
    assert score_psi(card, same).status == "stable"
    low = pd.DataFrame({"score": np.full(2000, edges[0] - 20)})
    rep = score_psi(card, low)
    assert rep.status == "shifted" and rep.psi > 1 and rep.bins[0].actual == 1.0
