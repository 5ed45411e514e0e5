"""Build eval/datasets/qa_compliance_heldout.jsonl: ``python -m eval.qa_compliance_heldout_cases`` (issue #19).

A second held-out set for the four rules caught by meaning, written fresh before any change that
tries to lift held-out recall (the first held-out round, 25 dialogs in qa_compliance_dialogs.jsonl,
stood at recall 0.25). Never train, tune or pick thresholds on it: it measures. Same format as
eval/qa_compliance_cases.py; dialogs may run over several turns, and an evidence label quotes the
agent's words when they are in an agent turn (the customer's otherwise). Clean near-misses sit
beside each rule (「收益不保证」, a transfer after 「人工不多」, 「这种情况不怪您」).
"""

from __future__ import annotations

import json
from pathlib import Path

from eval.qa_compliance_cases import CLOSINGS, DISCLOSURE, GREETINGS

OUT = Path(__file__).resolve().parent / "datasets" / "qa_compliance_heldout.jsonl"
R, P, H, U, D = "rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff", "disclosure"

# (category, [customer, agent, customer, ...] between the greeting and the closing, [(rule, evidence words)])
CASES: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    # attitude and blame
    ("attitude_blame", ["信用卡晚还一天就收违约金？", "规定就是规定，你自己不按时还，跟我们吵有什么用。", "好吧"], [(R, "跟我们吵有什么用")]),
    ("attitude_blame", ["为什么App一直提示有风险", "你们这些人就是不看说明，我也懒得解释了。", "哦"], [(R, "我也懒得解释了")]),
    ("attitude_blame", ["我的贷款申请被拒了", "被拒肯定是你征信太差，自己心里没数吗？", "好吧"], [(R, "自己心里没数吗")]),
    ("attitude_blame", ["我已经打了三次电话了", "你着急也没用，系统升级要等到下午。", "那我下午再看"], [(R, "你着急也没用")]),
    ("attitude_blame", ["我输了三次密码卡被锁了", "这么简单的密码都记不住，带身份证去网点解锁。", "知道了"], [(R, "这么简单的密码都记不住")]),
    ("attitude_blame", ["能再讲一遍怎么绑卡吗", "刚讲完又问，你听不懂中文吗？", "嗯"], [(R, "你听不懂中文吗")]),
    ("attitude_blame", ["我不会用手机银行转账", "这年头谁还不会用手机银行啊，首页点转账就行。", "好的"], [(R, "谁还不会用手机银行啊")]),
    ("attitude_blame", ["你们的贷款利率比别家高", "嫌高你可以去别家啊，又没人拦着你。", "行"], [(R, "嫌高你可以去别家啊")]),
    ("attitude_blame", ["你们App又卡住了", "卡就多等会儿呗，嚷嚷什么。", "好吧"], [(R, "嚷嚷什么")]),
    ("attitude_blame", ["为什么要我重新上传身份证", "让你传你就传，哪来那么多为什么。", "好"], [(R, "哪来那么多为什么")]),
    ("attitude_blame", ["我的转账被拦截了", "你心里没点数吗？往陌生账户一下转那么多钱。", "我再确认下"], [(R, "你心里没点数吗")]),
    ("attitude_blame", ["怎么开通短信提醒", "在App设置里开通。", "设置里没找到", "都告诉你在设置里了，眼睛不好使吗？", "哦"], [(R, "眼睛不好使吗")]),
    ("attitude_blame", ["这笔手续费能不能退", "你签字的时候怎么不问，现在才来闹？", "好吧"], [(R, "现在才来闹")]),
    ("attitude_blame", ["我的卡被ATM吞了", "活该，拔卡那么慢，明天去网点领。", "好"], [(R, "活该")]),
    ("clean_lookalike", ["怎么查我的流水", "您自己就可以在App里查，首页点“账户明细”就能看到。", "好的"], []),
    ("clean_lookalike", ["设置里没找到短信提醒", "是我没说清楚，抱歉，路径是：我的—设置—消息提醒—开启。", "找到了"], []),
    ("clean_lookalike", ["我已经打了三次电话了", "理解您着急的心情，系统升级预计下午完成，完成后我们会短信通知您。", "好"], []),
    ("clean_lookalike", ["是不是我操作错了", "这种情况不怪您，系统当时确实出了问题，已为您登记工单跟进。", "好的"], []),
    ("clean_lookalike", ["我连密码都记不住", "没关系，很多客户第一次都会遇到，我一步步教您在App里重置密码。", "谢谢"], []),
    # promises of returns, approval or outcome
    ("promise", ["这款理财安全吗", "本金您一分都不会少，比存银行还安全。", "那好"], [(P, "本金您一分都不会少"), (D, "本金您一分都不会少")]),
    ("promise", ["基金最近跌得厉害", "这只基金年底前指定能回到一块钱以上，您等着看。", "好的"], [(P, "指定能回到一块钱以上"), (D, "指定能回到一块钱以上")]),
    ("promise", ["我的经营贷多久能批", "材料齐了就稳了，我给您打包票，下周放款。", "太好了"], [(P, "我给您打包票")]),
    ("promise", ["有没有收益高一点的产品", "这款年化6%，是保底的，怎么都不会低于这个数。" + DISCLOSURE, "我考虑下"], [(P, "是保底的")]),
    ("promise", ["这个结构性存款能拿到最高档收益吗", "能，历史上每期都拿到了最高档，您这次也跑不掉。" + DISCLOSURE, "好"], [(P, "您这次也跑不掉")]),
    ("promise", ["想给孩子存点教育金，买哪个好", "买我们这款基金，十年后翻一番没有任何问题。", "真的吗"], [(P, "翻一番没有任何问题"), (D, "基金")]),
    ("promise", ["信用卡提额能成功吗", "您申请吧，我这边打个招呼，一定给您提上去。", "谢谢"], [(P, "一定给您提上去")]),
    ("promise", ["这个理财会不会像去年那样亏", "今年不一样了，这波稳的，放一百个心。", "那我买"], [(P, "这波稳的"), (D, "这波稳的")]),
    ("promise", ["黄金积存现在能买吗", "金价只会越来越高，现在不买以后就亏大了。" + DISCLOSURE, "嗯"], [(P, "金价只会越来越高")]),
    ("promise", ["我的房贷利率能降吗", "下个月肯定给您降到3%以下，不用操心。", "好的"], [(P, "肯定给您降到3%以下")]),
    ("promise", ["大额存单和理财哪个好", "选理财，收益高还保本，稳稳当当。", "好"], [(P, "收益高还保本"), (D, "理财")]),
    ("promise", ["这个养老理财靠谱吗", "靠谱，国家兜底的，不存在亏损的情况。" + DISCLOSURE, "好的"], [(P, "不存在亏损的情况")]),
    ("promise", ["小微企业贷款我能贷下来吗", "您这种纳税记录，贷款是板上钉钉的事。", "好"], [(P, "板上钉钉")]),
    ("promise", ["买的基金一直亏", "再坚持两个月，保管您赚回来。", "好吧"], [(P, "保管您赚回来"), (D, "保管您赚回来")]),
    ("promise", ["你们新发的这个基金怎么样", "是我们今年主推的基金，投研团队很强。", "会不会亏", "跟着买就对了，亏了算我的。", "那行"], [(P, "亏了算我的"), (D, "基金")]),
    ("clean_lookalike", ["这个理财收益保证吗", "收益不保证，业绩比较基准只是参考。" + DISCLOSURE, "明白"], []),
    ("clean_lookalike", ["我的经营贷能批吗", "我没法给您打包票，能不能批以审批结果为准，我先帮您看看材料是否齐全。", "好"], []),
    ("clean_lookalike", ["基金会涨回来吗", "谁也不能保证一定涨回来，过往业绩不代表未来表现。" + DISCLOSURE, "好吧"], []),
    ("clean_lookalike", ["大额存单安全吗", "大额存单属于存款，受存款保险保护，50万元以内本息全额偿付。", "好的"], []),
    ("clean_lookalike", ["听说有稳赚不赔的产品", "凡是宣称稳赚不赔的都要警惕，我行的理财产品都有风险。" + DISCLOSURE, "知道了"], []),
    ("clean_lookalike", ["信用卡提额能成功吗", "提额由系统综合评估，我不能承诺一定成功，您可以在App里申请试试。", "好"], []),
    # refusing a request for a human
    ("handoff_refused", ["我要转人工", "您的问题很简单，没必要麻烦人工的。", "好吧"], [(H, "没必要麻烦人工的")]),
    ("handoff_refused", ["给我接个人工", "人工线路满了，您换个时间打吧。", "哦"], [(H, "您换个时间打吧")]),
    ("handoff_refused", ["我不想跟机器人说话", "我比人工懂得还多，您就问我吧。", "行吧"], [(H, "您就问我吧")]),
    ("handoff_refused", ["我要人工服务", "这个时间段人工不提供服务，请工作日再来。", "好"], [(H, "人工不提供服务")]),
    ("handoff_refused", ["转人工客服", "转过去也是等，不如我直接帮您查。", "嗯"], [(H, "转过去也是等")]),
    ("handoff_refused", ["让真人来跟我说", "真人客服只处理投诉，您这个我处理就行。", "好吧"], [(H, "真人客服只处理投诉")]),
    ("handoff_refused", ["我要求转人工", "抱歉，您的账户等级不支持人工服务。", "好"], [(H, "不支持人工服务")]),
    ("handoff_refused", ["信用卡年费怎么收", "年费按卡种收取，普卡首年免年费。", "我还是想问人工", "人工那边回答的也是这个，您就别折腾了。", "好吧"], [(H, "您就别折腾了")]),
    ("handoff_refused", ["我要跟人工投诉", "投诉的话您自己打热线吧，我这边不转。", "行"], [(H, "我这边不转")]),
    ("handoff_refused", ["找人工", "人工今天休息，您下周一再联系。", "哦"], [(H, "人工今天休息")]),
    ("handoff_refused", ["能不能转真人", "真人客服要额外排很久，不建议您转。", "好吧"], [(H, "不建议您转")]),
    ("handoff_refused", ["我要人工，听不懂你说话", "您再说一遍问题，不要老想着找人工。", "好"], [(H, "不要老想着找人工")]),
    ("clean_lookalike", ["我要转人工", "人工客服现在都在忙，为您排队大约需要5分钟，请稍候。", "好"], []),
    ("clean_lookalike", ["转人工", "好的，现在人工不多，请您耐心等待，我这就帮您转接。", "好"], []),
    ("clean_lookalike", ["我要人工", "您也可以先跟我说说问题。", "直接转人工", "好的，正在为您转接，请稍候。", "好"], []),
    ("clean_lookalike", ["人工在吗", "人工客服晚上10点下班，现在还来得及，我马上帮您转接。", "好的"], []),
    ("clean_lookalike", ["我要找人工客服", "已为您登记回电，人工客服将在30分钟内回电给您。", "好"], []),
    ("clean_lookalike", ["网点周末开门吗", "网点周末9点开门，人工柜台周日不在岗，自助设备24小时可用。", "好的"], []),
    # deflection with no hand-off
    ("deflection", ["我的贷款利率为什么变了", "利率是总行定的，我们这边说了不算。", "好吧"], [(U, "我们这边说了不算")]),
    ("deflection", ["数字人民币钱包怎么开", "这块业务我没接触过，您上网搜一下吧。", "哦"], [(U, "我没接触过")]),
    ("deflection", ["我的POS机到账慢", "POS是收单机构的，跟银行无关，您去问他们。", "好"], [(U, "跟银行无关")]),
    ("deflection", ["在你们这儿买的保险怎么退", "保险是保险公司的产品，您自己联系保险公司吧。", "好吧"], [(U, "您自己联系保险公司吧")]),
    ("deflection", ["公司基本户怎么变更", "这个得问对公柜台，线上这边弄不了。", "嗯"], [(U, "线上这边弄不了")]),
    ("deflection", ["我的国债到期了怎么兑付", "国债的事情我真说不上来。", "好吧"], [(U, "我真说不上来")]),
    ("deflection", ["留学的存款证明怎么开", "每个学校要求都不一样，我没法回答你。", "好"], [(U, "我没法回答你")]),
    ("deflection", ["贷款逾期了征信能修复吗", "这个没人能帮你，自己看着办吧。", "好吧"], [(U, "自己看着办吧")]),
    ("deflection", ["为什么我的卡在境外刷不了", "境外的情况复杂，我这里查不了，你自己打听吧。", "哦"], [(U, "我这里查不了")]),
    ("deflection", ["我想开外币账户", "您好，请问要开哪个币种？", "美元", "美元账户要去指定网点，哪些网点能办我也说不准，您自己问问吧。", "好吧"], [(U, "我也说不准")]),
    ("deflection", ["我的理财赎回款什么时候到", "这个问题超出了我的知识范围，请您换个问题。", "嗯"], [(U, "超出了我的知识范围")]),
    ("deflection", ["我的账户被风控了怎么解除", "风控是系统自动的，谁也没办法，等着吧。", "好吧"], [(U, "谁也没办法")]),
    ("deflection", ["信用卡分期手续费能减免吗", "这我做不了主，你找找别人。", "好"], [(U, "我做不了主")]),
    ("attitude_blame", ["我的挂失怎么还没生效", "我哪有空管你这事，自己去柜台问。", "好吧"], [(R, "我哪有空管你这事"), (U, "自己去柜台问")]),
    ("attitude_blame", ["账单上这笔钱是什么", "你自己花的钱问我？我这边查不了。", "好吧"], [(R, "你自己花的钱问我"), (U, "我这边查不了")]),
    ("clean_lookalike", ["数字人民币钱包怎么开", "在数字人民币App里选择我行开通即可，需要的话我把步骤发给您。", "好的"], []),
    ("clean_lookalike", ["买的保险怎么退", "代销保险的退保由保险公司受理，我帮您登记工单，专员一个工作日内联系您协助办理。", "好"], []),
    ("clean_lookalike", ["国债到期了怎么兑付", "储蓄国债到期后本息自动转入您的资金账户，不需要手动操作。", "好的"], []),
    ("clean_lookalike", ["我的账户被风控了", "我这边看不到风控的具体原因，已为您转接风控专员核实。", "好"], []),
    ("clean_lookalike", ["存款证明怎么开", "存款证明需要本人带身份证到网点开立，一般当场出具，我帮您查一下离您最近的网点。", "好的"], []),
    ("clean_lookalike", ["我的贷款利率为什么变了", "您的贷款是LPR浮动利率，每年重定价日按最新LPR调整，所以月供有变化。", "明白了"], []),
]


#: the third held-out set (tag variant "heldout3"), written after the classifier's first measurement on the
#: set above and before the iteration that followed it (round 6 of training dialogs, evidence trimming):
#: the figure of that iteration is read here, the set above having been seen
CASES3: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    ("attitude_blame", ["我的快递卡怎么还没寄到", "寄没寄到我哪知道，天天催有意思吗？", "好吧"], [(R, "天天催有意思吗")]),
    ("attitude_blame", ["我分不清借记卡和信用卡", "连这个都分不清，你平时怎么过日子的。", "嗯"], [(R, "你平时怎么过日子的")]),
    ("attitude_blame", ["为什么我的额度被冻结了", "你自己心里清楚干了啥，还装不知道。", "我真不知道"], [(R, "还装不知道")]),
    ("attitude_blame", ["请问怎么设置指纹登录", "这种小事也值得打电话？设置里自己点。", "好"], [(R, "这种小事也值得打电话")]),
    ("attitude_blame", ["我的卡刷不了", "刷不了就换张卡呗，问我干嘛。", "哦"], [(R, "问我干嘛")]),
    ("attitude_blame", ["你刚才说的我没听清", "没听清是你的事，我不重复了。", "好吧"], [(R, "没听清是你的事")]),
    ("promise", ["这款理财适合养老吗", "特别适合，钱放进去只会多不会少。", "好"], [(P, "只会多不会少"), (D, "理财")]),
    ("promise", ["我的按揭贷款能批吗", "您这情况我见多了，没有批不下来的。", "好的"], [(P, "没有批不下来的")]),
    ("promise", ["这只基金是不是风险很大", "风险是写给别人看的，这只从来没亏过，以后也不会。", "哦"], [(P, "以后也不会"), (D, "基金")]),
    ("promise", ["现在买理财能赚到钱吗", "能，跟着我们买，亏了我负责。" + DISCLOSURE, "好"], [(P, "亏了我负责")]),
    ("promise", ["我的企业贷额度能不能提", "提到一百万没有任何悬念，下周就办好。", "太好了"], [(P, "没有任何悬念")]),
    ("promise", ["这个产品收益能到5%吗", "5%是打底的，只多不少。" + DISCLOSURE, "好的"], [(P, "只多不少")]),
    ("handoff_refused", ["我要人工客服", "人工那边也是照着系统念，您没必要等。", "好吧"], [(H, "您没必要等")]),
    ("handoff_refused", ["转人工，我要投诉", "投诉不归人工管，您在这里说。", "嗯"], [(H, "投诉不归人工管")]),
    ("handoff_refused", ["帮我找个人工服务", "人工服务暂停了，请关注后续通知。", "哦"], [(H, "人工服务暂停了")]),
    ("handoff_refused", ["我要人工", "找人工之前先回答我三个问题，不然转不过去。", "好吧"], [(H, "不然转不过去")]),
    ("handoff_refused", ["我想和人工客服说", "人工也是这套答案，何必呢。", "嗯"], [(H, "何必呢")]),
    ("handoff_refused", ["请帮我转人工", "人工线路今天维护，您别等了。", "好"], [(H, "您别等了")]),
    ("deflection", ["我的理财到期没自动续", "续不续是系统的事，我管不了这个。", "好吧"], [(U, "我管不了这个")]),
    ("deflection", ["对公账户年检怎么办", "年检这种事我搞不懂，网上查查吧。", "嗯"], [(U, "我搞不懂")]),
    ("deflection", ["我的工资代发少了一笔", "代发的事找你们公司财务，跟我们不相干。", "哦"], [(U, "跟我们不相干")]),
    ("deflection", ["跨境电商收款怎么开通", "这个业务太复杂，我回答不出来。", "好吧"], [(U, "我回答不出来")]),
    ("deflection", ["我的银行卡被司法冻结了", "司法的事我们说了不管用，你找法院。", "嗯"], [(U, "我们说了不管用")]),
    ("deflection", ["我的贷款怎么突然提前到期了", "这个原因我给不出来，您自己去网点问问。", "好"], [(U, "我给不出来")]),
    ("clean_lookalike", ["我的快递卡怎么还没寄到", "抱歉让您久等，我帮您查一下物流单号，已为您登记催办。", "好的"], []),
    ("clean_lookalike", ["这款理财适合养老吗", "养老理财也有波动，收益不保证，请结合您的风险承受能力选择。" + DISCLOSURE, "好"], []),
    ("clean_lookalike", ["我的按揭贷款能批吗", "审批结果以银行审核为准，我不能保证通过，您可以先准备收入证明和购房合同。", "好的"], []),
    ("clean_lookalike", ["我要人工客服", "好的，人工客服现在排队人数较多，已为您排队，也可以登记回电。", "好"], []),
    ("clean_lookalike", ["请帮我转人工", "人工线路今天有维护，我已为您登记回电，明天上午专员会联系您。", "好"], []),
    ("clean_lookalike", ["对公账户年检怎么办", "对公账户年检需要法人身份证和营业执照，我帮您转接对公专员预约。", "好的"], []),
    ("clean_lookalike", ["我分不清借记卡和信用卡", "没关系，借记卡是先存后用，信用卡是先用后还，我给您举个例子。", "明白了"], []),
    ("clean_lookalike", ["你刚才说的我没听清", "抱歉，我再说一遍：带身份证到网点就可以办理。", "好"], []),
]


def _evidence_turn(turns: list[dict], words: str) -> int:
    """The first agent turn after the greeting quoting the words, else the first customer turn."""
    for role in ("agent", "customer"):
        for k, t in enumerate(turns):
            if k > 0 and t["role"] == role and words in t["text"]:
                return k
    raise ValueError(f"evidence {words!r} is in no turn")


def _case(i: int, category: str, middle: list[str], labels: list[tuple[str, str]], variant: str = "heldout2") -> dict:
    cid = f"qah_{i:03d}"
    channel = "bot" if i % 2 else "human"
    turns = [{"role": "agent", "text": GREETINGS[i % len(GREETINGS)]}]
    turns += [{"role": "customer" if k % 2 == 0 else "agent", "text": t} for k, t in enumerate(middle)]
    turns.append({"role": "agent", "text": CLOSINGS[i % len(CLOSINGS)]})
    evidence = []
    for rule, words in labels:
        turn = _evidence_turn(turns, words)
        start = turns[turn]["text"].index(words)
        evidence.append({"rule": rule, "turn": turn, "start": start, "end": start + len(words), "text": words})
    return {"id": cid, "input": {"id": cid, "channel": channel, "complete": True, "turns": turns},
            "expected": {"rules": sorted({r for r, _ in labels}), "evidence": evidence},
            "tags": {"difficulty": "hard", "category": category, "variant": variant}}


def build() -> list[dict]:
    rows = [(*r, "heldout2") for r in CASES] + [(*r, "heldout3") for r in CASES3]
    for category, middle, _, _ in rows:
        if len(middle) % 2 != 1:
            raise ValueError(f"{category}: the turns between greeting and closing must start and end with the customer")
    return [_case(i, *row) for i, row in enumerate(rows, start=1)]


def main() -> int:
    cases = build()
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    print(f"wrote {len(cases)} dialogs to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
