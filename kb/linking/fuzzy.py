"""Near-miss matching for entity linking: homophone slips and character-bigram overlap.

Most misspellings in Chinese business text come from pinyin input: the right sound, the wrong
character (紫沙壶 for 紫砂壶, 电线电揽 for 电线电缆, 羊毛杉 for 羊毛衫). So a one-character
substitution only counts when the two characters can be read alike (tones ignored, and the
z/zh, c/ch, s/sh, -n/-ng pairs that many Jiangsu speakers merge treated as equal). Reorderings
(普通货物道路运输 vs 道路货物运输) are caught by bigram overlap instead.

pypinyin supplies the readings; without it (a trimmed install) any one-character substitution in a
term of four or more characters is accepted instead, which is looser but still bounded.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, pinyin


@lru_cache(maxsize=1)
def _pinyin():
    return lambda ch: pinyin(ch, style=Style.NORMAL, heteronym=True)[0]


def _loose(reading: str) -> str:
    for hard, soft in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if reading.startswith(hard):
            reading = soft + reading[2:]
    return reading[:-1] if reading.endswith("ng") else reading


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """Loose pinyin readings of one character (empty for non-Chinese or without pypinyin)."""
    reader = _pinyin()
    if reader is None or not ("\u4e00" <= ch <= "\u9fff"):
        return frozenset()
    return frozenset(_loose(r) for r in reader(ch))


def sounds_alike(a: str, b: str) -> bool:
    """True when two characters share a (loose) reading."""
    return bool(readings(a) & readings(b))


def homophone_slip(term: str, text: str) -> bool:
    """Some window of ``text`` equals ``term`` except one character that sounds the same."""
    n = len(term)
    strict = _pinyin() is None
    if strict and n < 4:
        return False
    for i in range(len(text) - n + 1):
        window = text[i:i + n]
        slip = None
        for j, (a, b) in enumerate(zip(term, window)):
            if a != b:
                if slip is not None:
                    slip = -1
                    break
                slip = j
        if slip is not None and slip >= 0 and (strict or sounds_alike(term[slip], window[slip])):
            return True
    return False


def one_insertion(term: str, text: str) -> bool:
    """``term`` appears in ``text`` with one extra character inside it (强化地板 in 强化木地板)."""
    if len(term) < 4:
        return False
    for k in range(2, len(term) - 1):
        left, right = term[:k], term[k:]
        start = text.find(left)
        while start >= 0:
            if text.startswith(right, start + k + 1):
                return True
            start = text.find(left, start + 1)
    return False


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}
