"""What the campaign graph needs at run time (LangGraph ``context``): the KB's industries, products
and credit policy, the linker and its scope cache, the channels and economics, and per run the chosen
products and channels and a progress callback. Built once per process; ``for_run`` adds the per-run part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kb.corpus import Corpus
from kb.linking.linker import EntityLinker
from kb.schema import IndustryDoc, ProductDoc
from tools.campaign.economics import Channel, Economics
from tools.credit.policy import CreditPolicy

CHANNELS_FILE = Path(__file__).resolve().parent / "data" / "channels.yaml"
Progress = Callable[[str, float], None]


def default_channels() -> list[Channel]:
    return [Channel.model_validate(c) for c in yaml.safe_load(CHANNELS_FILE.read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class CampaignContext:
    industries: dict[str, IndustryDoc]
    products: dict[str, ProductDoc]
    policy: CreditPolicy
    linker: EntityLinker
    channels: tuple[Channel, ...]
    economics: Economics = field(default_factory=Economics)
    link_cache: dict[str, Any] = field(default_factory=dict)  # scope text -> (segment, score), shared by runs
    chosen_products: tuple[ProductDoc, ...] = ()
    chosen_channels: tuple[Channel, ...] = ()
    month: int = 3
    budget_yuan: float = 0.0
    progress: Progress | None = None

    def for_run(self, products: list[ProductDoc], channels: list[Channel], month: int, budget: float,
                progress: Progress | None) -> "CampaignContext":
        return replace(self, chosen_products=tuple(products), chosen_channels=tuple(channels), month=month,
                       budget_yuan=budget, progress=progress)

    def tick(self, step: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(step, fraction)


def build_context(corpus: Corpus, linker: Any | None = None) -> CampaignContext:
    doc = corpus.policy("credit")
    if doc is None:
        raise ValueError(f"the corpus at {corpus.root} has no credit policy (policy_kind: credit)")
    industries = {k: d.meta for k, d in corpus.industries.items()}
    return CampaignContext(industries=industries,  # type: ignore[arg-type]
                           products={k: d.meta for k, d in corpus.products.items()},  # type: ignore[misc]
                           policy=CreditPolicy.from_doc(doc),  # type: ignore[arg-type]
                           linker=linker or EntityLinker(industries.values()),  # type: ignore[arg-type]
                           channels=tuple(default_channels()))
