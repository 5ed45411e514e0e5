"""The campaign brief: the result's figures through prompts/campaign/brief.md.j2 (no model needed)."""

from __future__ import annotations

from collections import Counter

from kb.schema import ProductDoc
from prompts.loader import render


def render_brief(result, products: dict[str, ProductDoc], top_n: int = 10) -> str:
    counts = Counter(t.product for t in result.targets)
    return render("campaign/brief.md.j2", campaign_id=result.campaign_id, s=result.summary, m=result.model,
                  channels=result.channels,
                  products=[(products[p].name if p in products else p, n) for p, n in counts.most_common()],
                  segments=list(result.value_by_segment.items())[:5], top=result.targets[:top_n],
                  declines=list(result.decline_reasons.items())[:5],
                  product_names={k: p.name for k, p in products.items()},
                  channel_names={c.channel: c.name for c in result.channels})
