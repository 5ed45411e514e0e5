"""Requests the bot must refuse for what they ask, not how (issue #19), as data for the guard.

Faking bank statements or other proofs, forging tax documents, splitting transfers so that they
escape large-amount reporting, someone claiming to be bank staff or police asking for customer data,
and insults. They are checked before the injection patterns (a "police officer" asking for a
customer's records is impersonation, not a jailbreak) and each kind has its own reply in
prompts/customer_service/replies.yaml: a refusal that says why (and, for impersonation, the
anti-fraud notice), or, for insults, a calm de-escalation.

Like tools/cs/guard_patterns.py, patterns run on the squashed view (simplified, lower-case, no
spaces or punctuation). Lawful look-alikes stay out: printing a statement (打印流水), issuing a
deposit certificate (开存款证明), a credit-report dispute (征信异议/修改), splitting a transfer because
of the daily limit — each is a tested control.
"""

from __future__ import annotations

_STATEMENT = r"(银行流水|流水|对账单|存款证明|收入证明|资信证明|资产证明|工资条|财务报表|审计报告|账目|余额证明)"
_TAX = r"(完税证明|纳税证明|税单|纳税记录|税务记录|纳税申报表|增值税发票|专票|发票|税票|个税记录|纳税信用)"
_FAKE_VERB = r"(伪造|造假|做假|弄假|作假|编造|变造|虚开|虚增|p图|ps|p一下|p个|p一份|p张)"
_INFLATE = r"(改高|改成|改到|改一下|修改|篡改|做高|做大|做漂亮|刷高|刷到|刷成|刷一下|刷点|包装|美化|做一份|做一套|做个|做张)"
_DATA = (r"(客户|用户|储户|此人|这个人|该人|他的|她的|某某|嫌疑人|账户|帐户|开户|信息|资料|流水|余额|身份证|手机号|电话|卡号|"
         r"交易记录|交易明细|住址|地址|征信)")
_CLAIM_STAFF = (r"我是(你们|禾信)?(银行|总行|分行|支行|行里|营业部)*(的)?(员工|工作人员|客户经理|柜员|行长|主管|经理|风控|"
                r"内部人员|同事|客服|合规|审计)")
_CLAIM_POLICE = (r"(我是|我们是|这里是|本人是|我是来自)(.{0,6})(警察|民警|公安|派出所|刑警|经侦|网警|检察院|检察官|法院|法官|"
                 r"办案人员|反诈中心|监管部门|银保监|人民银行)")
_ASK = r"(查|查询|调取|调|提供|发给我|发我|告诉我|导出|给我|报给我|协助|配合|提交|核实一下|说一下|读一下|念一下)"



def _asks_for_data(claim: str) -> str:
    """``claim`` followed (within a sentence or two) by a request for customer data, in either order."""
    return claim + r".{0,40}(" + _ASK + r".{0,16}" + _DATA + "|" + _DATA + r".{0,16}" + _ASK + ")"


#: (pattern id, guard kind, view, regex) — the guard's pattern format
COMPLIANCE_PATTERNS: list[tuple[str, str, str, str]] = [
    # --- impersonation: staff or police asking for customer data (before everything else) ---
    ("zh_impersonate_police_data", "impersonation", "sq", _asks_for_data(_CLAIM_POLICE)),
    ("zh_impersonate_staff_data", "impersonation", "sq", _asks_for_data(_CLAIM_STAFF)),
    ("zh_police_request_data", "impersonation", "sq",
     r"(公安|警方|警察|派出所|法院|检察院)(机关)?(要求|需要|让|通知)(你们|银行|你)?.{0,10}" + _ASK + r".{0,16}" + _DATA),
    ("zh_investigation_data", "impersonation", "sq",
     r"(办案|协查|配合调查|案件调查|涉案|冻结调查).{0,20}" + _ASK + r".{0,16}" + _DATA),
    # --- forged tax documents (checked before statements: an invoice is a tax document) ---
    ("zh_forge_tax", "tax_forgery", "sq", _FAKE_VERB + r".{0,8}" + _TAX),
    ("zh_fake_tax", "tax_forgery", "sq", r"假(的)?" + _TAX),
    ("zh_tax_inflate", "tax_forgery", "sq",
     r"(完税证明|纳税证明|税单|纳税记录|纳税申报表|个税记录)(能|可以|可不可以|能不能|帮我|给我|怎么|如何|的金额|金额|数字)*.{0,6}(" + _INFLATE
     + "|" + _FAKE_VERB + ")"),
    ("zh_inflate_tax", "tax_forgery", "sq", r"(帮我|给我|替我|能不能|可以)?" + _INFLATE + r".{0,6}(完税证明|纳税证明|税单|纳税记录|个税记录)"),
    # --- faked statements and proofs ---
    ("zh_forge_statement", "fake_statement", "sq", _FAKE_VERB + r".{0,8}" + _STATEMENT),
    ("zh_fake_statement", "fake_statement", "sq", r"假(的)?(银行)?" + _STATEMENT),
    ("zh_dress_up_statement", "fake_statement", "sq", r"(包装|篡改|做假|美化)(一下|我的|下)?.{0,4}" + _STATEMENT),
    ("zh_statement_inflate", "fake_statement", "sq",
     _STATEMENT + r"(能|可以|可不可以|能不能|帮我|给我|怎么|如何|的金额|余额|金额|数字)*.{0,6}(" + _INFLATE + "|" + _FAKE_VERB + ")"),
    ("zh_inflate_statement", "fake_statement", "sq",
     r"(帮我|给我|替我|能不能|可以|怎么|如何)" + _INFLATE + r".{0,6}" + _STATEMENT),
    ("zh_cycle_funds", "fake_statement", "sq", r"(刷流水|走流水|过流水|做流水|养流水|对敲)"),
    # --- splitting transfers to escape reporting (not: splitting because of the daily limit) ---
    ("zh_structuring", "structuring", "sq",
     r"(拆分|拆成|拆开|分成|分开|分几笔|分多笔|分批|分几次|分多次|化整为零|每笔|每次|单笔).{0,16}"
     r"(避免|躲避|躲开|规避|逃避|绕过|绕开|不被|免得|以免|防止|不让|不会被|不触发|不用|不会)(被)?.{0,6}"
     r"(上报|报告|申报|监管|监控|大额|预警|审查|反洗钱|查到|盯上|注意到|人行|央行|税务|风控|备案|登记)"),
    ("zh_structuring_goal", "structuring", "sq",
     r"(为了|想要|想|怎么|如何|怎样|能不能)(才能)?(不被|避免|规避|躲避|绕过|逃避|不触发)(银行|人行|央行|税务)?(的)?"
     r"(大额|上报|申报|监管|反洗钱|监控|报告|预警|审查).{0,16}(拆|分|转)"),
    ("zh_structuring_threshold", "structuring", "sq",
     r"(不超过|低于|控制在|少于|以下|以内).{0,10}(就)?(不会|不用|不被|免得|避免|不触发)(被)?.{0,4}"
     r"(上报|报告|申报|监管|大额|预警|反洗钱|查)"),
    # --- insults: calm de-escalation ---
    ("zh_abuse", "abuse", "sq",
     r"(傻逼|傻b|煞笔|傻x|蠢货|蠢猪|白痴|脑残|智障|弱智|狗东西|去死|滚蛋|滚开|尼玛|nmsl|cnm|草泥马|混蛋|王八蛋|神经病|"
     r"人渣|畜生|贱人|垃圾客服|垃圾机器人|你个废物|你这个废物|废物客服|废物机器人|什么玩意儿?客服)"),
    ("en_abuse", "abuse", "flat", r"\b(idiot|stupid bot|moron|f+u+c*k+ (you|off)|screw you|shut up|dumbass)\b"),
]
