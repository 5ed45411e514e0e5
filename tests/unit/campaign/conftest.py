"""A small campaign world: the real corpus's products and credit policy, 12 of its industries (so
linking stays fast), a 3,000-enterprise synthetic base and one campaign run shared by the tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from agents.campaign.context import build_context
from agents.campaign.service import CampaignService
from kb.corpus import load_corpus
from kb.linking.linker import EntityLinker

ROOT = Path(__file__).resolve().parents[3]
SEGMENTS = ("danyang_eyewear", "yixing_zisha", "changshu_garment", "yangchenghu_crab", "hog_farming",
            "cold_chain_logistics", "convenience_store", "cross_border_ecommerce", "auto_repair", "feed_mill",
            "advertising_print", "hardware_store")


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(ROOT / "kb" / "corpus")


@pytest.fixture(scope="session")
def service(corpus) -> CampaignService:
    ctx = build_context(corpus)
    industries = {k: v for k, v in ctx.industries.items() if k in SEGMENTS}
    return CampaignService(replace(ctx, industries=industries, linker=EntityLinker(industries.values())))


@pytest.fixture(scope="session")
def small_run(service):
    return service.run({"budget_yuan": 20000, "population": {"size": 3000, "seed": 7}, "top": 50})
