"""The business's own role in its chain, read from what it says it does — not from its segment.

A crab farm and a shop that sells crabs online link to the same segment (大闸蟹), but one is upstream
and the other downstream; a teapot maker and a livestream teapot seller likewise. So the stage is
decided from the business's own words (经营范围 and name) with the lexicon in data/roles.yaml:
cultivate/breed/mine → upstream, make/process → midstream, wholesale/retail/e-commerce/livestream →
downstream, transport/repair/design/… → support (service). Combined with the segment:

- when the text shows the segment's usual stage (a farm that also sells), the usual stage stands —
  most businesses sell what they make, so "销售" alone never demotes a maker;
- the segments whose usual stage is already downstream or support (shops, restaurants, fleets) keep
  it: their own trade *is* the service, and 面包房 "制售" stays a shop;
- otherwise the role found wins: production words first (a tea processor in a tea-growing segment is
  midstream), then trade or service words; a trader whose goods are the segment's own inputs
  (紫砂泥料, 蚕茧) supplies the segment and is upstream of it.

Deterministic (phrases longest-first, single-character verbs only as jieba words, name suffixes as
weaker evidence); every decision carries the matched words.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba
import yaml
from pydantic import BaseModel, Field

from agents.chain_map.schemas import RoleEvidence
from kb.schema import ChainStage, IndustryDoc
from kb.textnorm import normalize

DATA = Path(__file__).resolve().parent / "data" / "roles.yaml"
ORDER: tuple[ChainStage, ...] = ("upstream", "midstream", "downstream", "support")
ROLE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "support": "配套服务"}
_PAREN = re.compile(r"[（(][^（）()]*[）)]")  # 「（不含危险化学品）」「（除…外）」 say what it does NOT do
_BOILER = re.compile(r"依法须经批准的项目[^；;。]*|凭营业执照依法自主开展经营活动|具体经营项目以[^；;。]*为准")
NAME_WEIGHT, TOKEN_WEIGHT = 0.5, 0.8


class RoleSpec(BaseModel):
    label: str
    phrases: list[str]
    tokens: list[str] = Field(default_factory=list)
    name_words: list[str] = Field(default_factory=list)
    due_diligence: list[str] = Field(default_factory=list)
    watch_signals: list[str] = Field(default_factory=list)


class RoleLexicon(BaseModel):
    roles: dict[ChainStage, RoleSpec]

    def phrase_index(self) -> list[tuple[str, ChainStage]]:
        """Every phrase with its role, longest first (so the longer reading wins a position)."""
        pairs = [(p, r) for r, spec in self.roles.items() for p in spec.phrases]
        return sorted(pairs, key=lambda x: -len(x[0]))


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DATA) -> RoleLexicon:
    return RoleLexicon.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _jieba():
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def clean_scope(text: str) -> str:
    """Simplified, without parentheticals and registration boilerplate."""
    return _BOILER.sub("；", _PAREN.sub("", normalize(text or "")))


_CORPORATE_TAIL = re.compile(r"(股份有限公司|有限责任公司|有限公司|专业合作社|合作社|公司)$")


_CLAUSE = re.compile(r"[；;，,。、\n]+")
_FILLER = set("与和及并兼等的") | {"服务", "业务"}


def _phrases(text: str, lexicon: RoleLexicon, weight: float) -> tuple[list[tuple[int, int, ChainStage, str, float]], list[bool]]:
    """Non-overlapping phrases, longest first, as (start, end, role, word, weight), and the characters taken."""
    found: list[tuple[int, int, ChainStage, str, float]] = []
    taken = [False] * len(text)
    for phrase, role in lexicon.phrase_index():
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(phrase)
                found.append((start, end, role, phrase, weight))
            start = text.find(phrase, end)
    return sorted(found), taken


def _filler(gap: str) -> bool:
    for word in sorted(_FILLER, key=len, reverse=True):
        gap = gap.replace(word, "")
    return not gap.strip()


def _clause_words(clause: str, lexicon: RoleLexicon, weight: float = 1.0,
                  tokens: bool = True) -> list[tuple[ChainStage, str, float]]:
    """The role words of one clause. A registered scope item ends in its verb (注塑模具**维修**,
    眼镜的制造**与销售**): when the clause ends in role words, those are its activity and earlier ones
    only name the object (注塑, 印染机械). Spoken text puts the verb first (养殖螃蟹, 卖大闸蟹): with no
    role word at the end, every one counts. Single-character verbs (jieba words) always count."""
    found, taken = _phrases(clause, lexicon, weight)
    keep = found
    if found and _filler(clause[found[-1][1]:]):
        keep = [found[-1]]
        for m in reversed(found[:-1]):
            if not _filler(clause[m[1]:keep[0][0]]):
                break
            keep.insert(0, m)
    out = [(role, word, w) for _, _, role, word, w in keep]
    if not tokens:
        return out
    token_role = {t: r for r, spec in lexicon.roles.items() for t in spec.tokens}
    pos = 0
    for word in _jieba().lcut(clause):
        here, pos = pos, pos + len(word)
        if word in token_role and not taken[here]:
            out.append((token_role[word], word, TOKEN_WEIGHT))
    return out


def find_role_words(text: str, lexicon: RoleLexicon) -> list[tuple[ChainStage, str, float]]:
    """(role, word, weight) over every clause of the text (see _clause_words)."""
    return [hit for clause in _CLAUSE.split(text) if clause.strip() for hit in _clause_words(clause.strip(), lexicon)]


def find_name_words(name: str, lexicon: RoleLexicon) -> list[tuple[ChainStage, str, float]]:
    """Weaker evidence from the name: its phrases, else its suffix (…养殖场, …网店, …厂). A phrase
    before the suffix says what kind of place it is: 修理厂 is a repair shop, not a factory."""
    core = _CORPORATE_TAIL.sub("", normalize(name or "").strip())
    suffixes = sorted(((w, r) for r, spec in lexicon.roles.items() for w in spec.name_words if core.endswith(w)),
                      key=lambda x: -len(x[0]))
    found = _clause_words(core, lexicon, NAME_WEIGHT, tokens=False)  # 印染设备维修: the repair, not the dyeing
    if found and any(core.endswith(w) for _, w, _ in found):
        return found
    head = core[: len(core) - len(suffixes[0][0])] if suffixes else core  # 印染设备维修厂: the same without 厂
    found = _clause_words(head, lexicon, NAME_WEIGHT, tokens=False)
    return found or [(role, word, NAME_WEIGHT) for word, role in suffixes[:1]]


_MODIFIERS = ("进口", "本地", "国产", "优质", "客户")


def input_parts(doc: IndustryDoc) -> dict[str, str]:
    """Each name an input of the segment goes by → the input (紫砂泥料（紫泥、朱泥、段泥） → 紫砂泥料, 紫泥 …)."""
    parts: dict[str, str] = {}
    for item in doc.upstream_inputs:
        for part in re.split(r"[（()）、与及和,，]", normalize(item)):
            part = part.strip().removesuffix("等")
            for mod in _MODIFIERS:
                part = part.removeprefix(mod)
            if len(part) >= 2 and part not in doc.name and not any(part in p for p in doc.main_products):
                parts.setdefault(part, item)
    return parts


def _only_activity(rest: str, lexicon: RoleLexicon) -> bool:
    """Nothing but role words and filler: 「销售」「收购、销售」, not 「沙发」 (a product made of the input)."""
    for phrase, _ in lexicon.phrase_index():
        rest = rest.replace(phrase, "")
    return _filler(rest)


def _supplies_inputs(doc: IndustryDoc, text: str, products: list[str], lexicon: RoleLexicon) -> str | None:
    """The segment input the business trades in: a clause or a product that *is* the input
    (紫砂泥料销售, 电解铜), not one made of it (花梨木沙发 is furniture, not timber)."""
    parts = sorted(input_parts(doc).items(), key=lambda x: -len(x[0]))
    goods = [c.strip() for c in _CLAUSE.split(text) if c.strip()] + [normalize(p) for p in products]
    for part, item in parts:
        for g in goods:
            at = g.find(part)
            if at >= 0 and _only_activity(g[at + len(part):], lexicon):
                return item
    return None


def _mask_inputs(text: str, doc: IndustryDoc) -> str:
    """Inputs are goods, not activities: 镀膜材料销售 sells a material, it does not coat lenses
    (names of 3+ characters only, so 稻种 never eats into 水稻种植)."""
    for part in sorted(input_parts(doc), key=len, reverse=True):
        if len(part) >= 3:
            text = text.replace(part, "□" * len(part))
    return text


def decide_role(name: str, scope: str, products: list[str], doc: IndustryDoc,
                lexicon: RoleLexicon | None = None) -> RoleEvidence:
    """The business's stage in ``doc``'s chain, with the words that show it (see the module doc)."""
    lex = lexicon or load_lexicon()
    text = clean_scope(scope)
    hits = find_role_words(_mask_inputs(text, doc), lex) + find_name_words(name, lex)  # 眼镜厂 + 眼镜销售: still a maker
    weight = {r: sum(w for role, _, w in hits if role == r) for r in ORDER}
    words = {r: list(dict.fromkeys(word for role, word, _ in hits if role == r)) for r in ORDER}
    evidence = [f"{ROLE_ZH[r]}：{'、'.join(words[r])}" for r in ORDER if words[r]]
    default = doc.chain_stage

    def result(stage: ChainStage, basis: str, role: ChainStage | None = None) -> RoleEvidence:
        return RoleEvidence(role=role or stage, stage=stage, segment_stage=default, differs=stage != default,
                            words=words[role or stage], evidence=evidence, basis=basis)

    if not any(weight.values()):
        return result(default, "经营范围中未见经营环节用语，沿用细分行业的通常环节")
    if default in ("downstream", "support"):
        return result(default, f"{ROLE_ZH[default]}类细分行业，经营本身即其环节")
    if weight[default] > 0:
        return result(default, f"经营范围含本行业通常环节（{ROLE_ZH[default]}）的用语")
    other = "midstream" if default == "upstream" else "upstream"
    if weight[other] > 0:
        return result(other, f"只见{ROLE_ZH[other]}用语，不见本行业通常环节（{ROLE_ZH[default]}）的用语")
    role: ChainStage = "downstream" if weight["downstream"] >= weight["support"] else "support"
    if role == "downstream" and (item := _supplies_inputs(doc, text, products, lex)):
        return RoleEvidence(role="downstream", stage="upstream", segment_stage=default, differs=default != "upstream",
                            words=words["downstream"], evidence=evidence, input_supplied=item,
                            basis=f"经营的是本行业的投入品「{item}」：为本行业供货，位于其上游")
    return result(role, f"只见{ROLE_ZH[role]}用语（{lex.roles[role].label}），不见生产用语")
