"""Three reason codes per target, from the model's own attributions and the offer's economics.

Reasons 1 and 2 are the two features that raised this offer's take-up score most (LightGBM's SHAP
contributions for this very row), written as the fact behind them (「近3个月流水较年初增长35%」);
reason 3 is the economics (expected value, uplift, channel). Built column-wise: each template turns a
whole column into text once, and each row picks its two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.campaign.economics import Channel


def _pct(x: pd.Series) -> pd.Series:
    return (x * 100).round().astype(int).astype(str) + "%"


def _num(x: pd.Series, digits: int = 0) -> pd.Series:
    return x.round(digits).astype(int if digits == 0 else float).astype(str)


def templates(base: pd.DataFrame, ent: pd.DataFrame, segment_names: pd.Series) -> dict[str, pd.Series]:
    """Reason text per feature for the given rows (aligned with ``base``/``ent`` rows)."""
    growth = np.exp(ent["growth"].astype(float)) - 1
    return {
        "growth": "近3个月流水较年初" + np.where(growth >= 0, "增长", "回落") + _pct(growth.abs()),
        "season_ahead": "行业旺季临近（未来3个月季节指数" + ent["season_ahead"].astype(float).round(2).astype(str) + "）",
        "log_inflow": "月均入账流水" + _num(base["monthly_inflow_wan"]) + "万元",
        "log_revenue": "年营业收入" + _num(base["annual_revenue_wan"]) + "万元",
        "log_employees": "员工" + base["employee_count"].astype(str) + "人",
        "log_tax": "年纳税" + base["annual_tax_paid_wan"].round(1).astype(str) + "万元",
        "grade": "纳税信用" + base["tax_credit_grade"].replace("", "未评") + "级",
        "invoice_months": "近12个月" + base["invoice_months_12m"].astype(str) + "个月有开票",
        "fitting": pd.Series("产品列入所属细分行业的适配产品", index=base.index),
        "segment": "所属细分行业：" + segment_names,
        "stage": "产业链环节与产品匹配（" + segment_names + "）",
        "years": "持续经营" + base["years_operating"].round(1).astype(str) + "年",
        "has_core_enterprise_orders": pd.Series("有核心企业订单或应收账款", index=base.index),
        "has_collateral": pd.Series("可提供抵押物", index=base.index),
        "has_guarantee": pd.Series("有担保或保证人", index=base.index),
        "has_cross_border_sales": pd.Series("有跨境电商销售收入", index=base.index),
        "is_agricultural": pd.Series("从事农业生产经营", index=base.index),
        "flow_cv": "流水波动系数" + ent["flow_cv"].astype(float).round(2).astype(str),
        "owns": pd.Series("尚未持有该产品", index=base.index),
    }


def reason_codes(contrib: np.ndarray, feature_names: list[str], base: pd.DataFrame, ent: pd.DataFrame,
                 segment_names: pd.Series, offers: pd.DataFrame, channels: dict[str, Channel]
                 ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(reason 1, reason 2, reason 3) for rows aligned with ``offers``; ``contrib`` from the model."""
    texts = templates(base, ent, segment_names)
    usable = np.array([f in texts for f in feature_names])
    scores = np.where(usable[None, :], contrib, -np.inf)
    top = np.argsort(-scores, axis=1)[:, :2]
    picked = []
    for k in range(2):
        out = pd.Series("客户画像与产品匹配", index=base.index, dtype=object)
        for j in np.unique(top[:, k]):
            if usable[j]:
                m = (top[:, k] == j) & (scores[np.arange(len(top)), top[:, k]] > 0)
                out[m] = texts[feature_names[j]][m]
        picked.append(out.reset_index(drop=True))
    names = offers["channel"].map({c.id: c.name for c in channels.values()})
    third = ("预期价值" + offers["value"].round().astype(int).astype(str) + "元（" + names.to_numpy()
             + "触达提升响应" + _pct(offers["uplift"]).to_numpy() + "）")
    return picked[0], picked[1], third.reset_index(drop=True)
