"""The role lexicon (agents/chain_map/data/roles.yaml) on public data: chain_kg's listed companies.

chain_kg has no 经营范围 text, but it has each company's business lines with their revenue share
(company_product.csv, e.g. 「商品销售 0.62」「物流服务 0.21」) and its Shenwan industry. The truth role
comes from the industry (a proxy, stated here so nobody mistakes it for labels): 种植业/渔业/林业/养殖业,
煤炭开采, 油气开采 → upstream; manufacturing industries → midstream; 商贸零售 and 医药商业 →
downstream; 交通运输 and 专业服务 → support. Other industries (finance, media, utilities …) are left out.

The predicted role is the one whose words carry the largest revenue share of the company's lines
(each line read with role.find_role_words, so the same phrases, head-verb rule and jieba verbs as the
assistant), when that role's lines carry at least half of the company's revenue; otherwise the
company abstains — its lines are mostly plain products (「动力电池」), which in the assistant means
the segment's usual stage stands (coverage says how many abstain). This tests the lexicon, not the
segment combination: these are not Puhui's segments.

    .venv/bin/python -m bench.chain_role_kg [--data <shared_data_dir>/chain_kg]   # PUHUI_SHARED_DATA_DIR
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

from agents.chain_map.role import ORDER, find_role_words, load_lexicon
from core.settings import Settings
from kb.textnorm import normalize

UP_L2 = {"110100", "110200", "110300", "110700", "740100", "750100"}
MID_L1 = {"机械设备", "电子", "电力设备", "汽车", "基础化工", "轻工制造", "家用电器", "建筑材料", "钢铁", "食品饮料", "国防军工"}
MID_L2 = {"350100", "350200", "370100", "370200", "370300", "370500", "110400", "110500", "740200"}
DOWN_L2 = {"370400"}
SUPPORT_L2 = {"460800"}


def truth(code: str, l1_name: str) -> str | None:
    l2 = code[:4] + "00"
    if l2 in UP_L2:
        return "upstream"
    if l1_name in MID_L1 or l2 in MID_L2:
        return "midstream"
    if l1_name == "商贸零售" or l2 in DOWN_L2:
        return "downstream"
    if l1_name == "交通运输" or l2 in SUPPORT_L2:
        return "support"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="role lexicon on chain_kg company business lines")
    ap.add_argument("--data", type=Path, default=None, help="chain_kg folder (default: shared data dir/chain_kg)")
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
    args = ap.parse_args(argv)
    args.data = args.data or Settings().shared_data_dir / "chain_kg"
    if not (args.data / "company_product.csv").exists():
        print(f"chain_kg not found at {args.data}")
        return 2
    l1 = {}
    for line in (args.data / "industry.json").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["code"].endswith("0000"):
            l1[d["code"][:2]] = d["name"]
    industry: dict[str, str] = {}
    for line in (args.data / "company_industry.json").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        industry.setdefault(d["company_code"], d["industry_code"])
    lines: dict[str, list[tuple[float, str]]] = defaultdict(list)
    with (args.data / "company_product.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            lines[r["company_code"]].append((float(r["weight"] or 0) or 0.01, r["product"]))
    lex = load_lexicon()
    per: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for company, code in industry.items():
        want = truth(code, l1.get(code[:2], ""))
        if want is None:
            continue
        weight: Counter = Counter()
        total = sum(share for share, _ in lines.get(company, [])) or 1.0
        for share, product in lines.get(company, []):
            for role in {r for r, _, _ in find_role_words(normalize(product), lex)}:
                weight[role] += share
        per[want]["n"] += 1
        if not weight or max(weight.values()) < 0.5 * total:
            per[want]["abstain"] += 1
            continue
        got = max(ORDER, key=lambda r: (weight[r], -ORDER.index(r)))
        per[want]["covered"] += 1
        per[want]["correct"] += got == want
        if got != want:
            misses.append((company, want, got, [p for _, p in sorted(lines[company], reverse=True)[:4]]))
    n = sum(c["n"] for c in per.values())
    cov = sum(c["covered"] for c in per.values())
    ok = sum(c["correct"] for c in per.values())
    print(f"chain_kg companies with a role-bearing industry: {n}; with role words in their lines: {cov} ({cov / n:.1%})")
    print(f"role accuracy where words were found: {ok}/{cov} = {ok / cov:.1%}")
    for role in ORDER:
        c = per[role]
        if c["n"]:
            acc = f"{c['correct']}/{c['covered']} = {c['correct'] / c['covered']:.1%}" if c["covered"] else "—"
            print(f"  {role:10s} n={c['n']:4d} covered={c['covered']:4d} accuracy {acc}")
    for m in misses[: args.show]:
        print("  MISS", *m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
