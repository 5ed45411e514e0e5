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


def _phrases(text: str, lexicon: RoleLexicon, weight: float) -> tuple[list[tuple[ChainStage, str, float]], list[bool]]:
    """Non-overlapping phrases, longest first, and which characters they took."""
    found: list[tuple[ChainStage, str, float]] = []
    taken = [False] * len(text)
    for phrase, role in lexicon.phrase_index():
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(phrase)
                found.append((role, phrase, weight))
            start = text.find(phrase, end)
    return found, taken


def find_role_words(text: str, lexicon: RoleLexicon) -> list[tuple[ChainStage, str, float]]:
    """(role, word, weight) for every phrase and every free-standing single-character verb (jieba word)."""
    found, taken = _phrases(text, lexicon, 1.0)
    token_role = {t: r for r, spec in lexicon.roles.items() for t in spec.tokens}
    pos = 0
    for word in _jieba().lcut(text):
        here, pos = pos, pos + len(word)
        if word in token_role and not taken[here]:
            found.append((token_role[word], word, TOKEN_WEIGHT))
    return found


def find_name_words(name: str, lexicon: RoleLexicon) -> list[tuple[ChainStage, str, float]]:
    """Weaker evidence from the name: its phrases and its suffix (…养殖场, …网店, …物流)."""
    core = _CORPORATE_TAIL.sub("", normalize(name or "").strip())
    found, _ = _phrases(core, lexicon, NAME_WEIGHT)
    for role, spec in lexicon.roles.items():
        suffix = next((w for w in sorted(spec.name_words, key=len, reverse=True) if core.endswith(w)), None)
        if suffix and all(suffix != w for _, w, _ in found):
            found.append((role, suffix, NAME_WEIGHT))
    return found


def _supplies_inputs(doc: IndustryDoc, text: str, products: list[str]) -> str | None:
    """The segment input (or upstream industry name) the business trades in, if any: 紫砂泥料 → 紫砂泥料（紫泥…）."""
    goods = text + "；" + "；".join(normalize(p) for p in products)
    for item in doc.upstream_inputs:
        head = re.split(r"[（(与及和、]", item)[0]
        for k in range(len(head), 1, -1):  # the longest leading part of the input's name that the text names
            if len(head[:k]) >= 2 and head[:k] in goods and head[:k] not in doc.name:
                return item
    return None


def decide_role(name: str, scope: str, products: list[str], doc: IndustryDoc,
                lexicon: RoleLexicon | None = None) -> RoleEvidence:
    """The business's stage in ``doc``'s chain, with the words that show it (see the module doc)."""
    lex = lexicon or load_lexicon()
    text = clean_scope(scope)
    hits = find_role_words(text, lex) + find_name_words(name, lex)
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
    if role == "downstream" and (item := _supplies_inputs(doc, text, products)):
        return RoleEvidence(role="downstream", stage="upstream", segment_stage=default, differs=default != "upstream",
                            words=words["downstream"], evidence=evidence, input_supplied=item,
                            basis=f"经营的是本行业的投入品「{item}」：为本行业供货，位于其上游")
    return result(role, f"只见{ROLE_ZH[role]}用语（{lex.roles[role].label}），不见生产用语")
