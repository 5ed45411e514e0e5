"""Chinese text normalisation: traditional → simplified, full-width → half-width, tidy whitespace.

Applied to every corpus file and every query, so 「臺灣」 finds 台湾 and ＡＢＣ１２３ finds ABC123.
``normalize_query`` goes further for what customers type (issue #17): a small table of common typos
(homophone slips of the input method: 代款 → 贷款, 利律 → 利率) and spoken fillers (嗯、那个、就是说) are
fixed before any matching. It is for queries only: corpus text is never rewritten, so the index, its
line numbers and the retrieval benchmarks stay what they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc  # opencc-python-reimplemented: pure Python, dictionaries ship in the wheel

_SPACES = re.compile(r"(?<=\S)[ \t\u3000\xa0]+")
_ODD_SPACES = str.maketrans({"\u3000": " ", "\xa0": " ", "\t": "    "})


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def fullwidth_to_halfwidth(text: str) -> str:
    """NFKC folds full-width ASCII letters/digits but would also fold CJK punctuation we keep."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in "，。！？；：（）":
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    """Normalise corpus or query text; line structure is preserved (line numbers stay valid)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = fullwidth_to_halfwidth(to_simplified(text))
    return "\n".join(_SPACES.sub(" ", line.translate(_ODD_SPACES)).rstrip() for line in text.split("\n"))


#: input-method slips seen in customer messages → the word meant. Only strings that are not words
#: themselves: a fix must never turn a correct word into another one.
TYPOS: tuple[tuple[str, str], ...] = (
    ("代款", "贷款"), ("货款利率", "贷款利率"), ("贷歀", "贷款"), ("还歀", "还款"), ("借歀", "借款"), ("利律", "利率"),
    ("力率", "利率"), ("利滤", "利率"), ("额渡", "额度"), ("额读", "额度"), ("手序费", "手续费"), ("手绪费", "手续费"),
    ("转帐", "转账"), ("帐户", "账户"), ("帐号", "账号"), ("对帐", "对账"), ("到帐", "到账"), ("开护", "开户"),
    ("密马", "密码"), ("验正码", "验证码"), ("验怔码", "验证码"), ("身分证", "身份证"), ("营业只照", "营业执照"),
    ("营业执找", "营业执照"), ("抵压", "抵押"), ("低押", "抵押"), ("担宝", "担保"), ("理材", "理财"), ("信用咔", "信用卡"),
    ("银行咔", "银行卡"), ("挂矢", "挂失"), ("挂史", "挂失"), ("提前换款", "提前还款"), ("换款", "还款"), ("放宽时间", "放款时间"),
    ("审皮", "审批"), ("申情", "申请"), ("申亲", "申请"), ("资格审察", "资格审查"), ("流水帐", "流水账"), ("税物贷", "税务贷"),
    ("税务代", "税务贷"), ("发票代", "发票贷"), ("经营代", "经营贷"), ("抵押代", "抵押贷"), ("担保代", "担保贷"), ("设备代", "设备贷"),
    ("收宽码", "收款码"), ("收款吗", "收款码"), ("代发公资", "代发工资"), ("代发共资", "代发工资"), ("结汇率", "结汇汇率"),
)
#: spoken fillers: removed where they stand alone (start of the message, or between commas)
#: spoken fillers: removed at the start of the message (or between commas). Those that are also words
#: (那个 a pronoun, 额 as in 额度) only when a pause follows them.
_FILLERS_ALWAYS = "嗯+|呃+|哎|唉|诶|欸|就是说|我想问一下|我想问下|想问一下|想问下|问一下|问下|请问一下|请问|麻烦问一下|麻烦问下"
_FILLERS_PAUSED = "啊|额|那个|这个|就是|然后|麻烦|您好|你好"
_PAUSE = r"[\s,，.。、!！~～…]"
_LEADING_FILLERS = re.compile(rf"^(?:(?:{_FILLERS_ALWAYS}){_PAUSE}*|(?:{_FILLERS_PAUSED}){_PAUSE}+)+(?=\S)")
_COMMA_FILLERS = re.compile(r"[,，、]\s*(?:嗯+|呃+|啊+|那个|就是说|就是|然后)\s*(?=[,，、])")
_DRAWN_OUT = re.compile(r"([啊呀哈哦嗯呢吧])\1+")
_TRAILING = re.compile(r"(?<=\S)[啊呀哈哦啦嘛捏][?？!！。~～…]*$")


def fix_typos(text: str) -> str:
    for wrong, right in TYPOS:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def strip_fillers(text: str) -> str:
    """嗯…那个，我想问一下税务贷利率多少啊 → 税务贷利率多少. A message that is only fillers is kept."""
    out = _DRAWN_OUT.sub(r"\1", text.strip())
    out = _COMMA_FILLERS.sub("", out)
    out = _LEADING_FILLERS.sub("", out)
    out = _TRAILING.sub("", out).strip(" ,，、")
    return out or text.strip()


def normalize_query(text: str) -> str:
    """A customer's message as every matcher should see it: normalised, typos fixed, fillers gone."""
    return strip_fillers(fix_typos(normalize(text)))
