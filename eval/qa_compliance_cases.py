"""Build eval/datasets/qa_compliance_dialogs.jsonl: ``python -m eval.qa_compliance_cases`` (issue #19).

Dialogs written fresh for the four rules an inspector catches by meaning: attitude and blame
(rude_language), promises of returns or approval in any wording (forbidden_promise, with the
missing risk disclosure when none is given), refusing a customer's request for a human
(handoff_refused), and deflection with no hand-off (unresolved_no_handoff) — plus lawful replies
worded close to them (negated promises, a real transfer, polite directions to a branch). Each
violation is labelled with its evidence: the turn and the exact words an inspector would quote.
The agent replies are written out one by one below; greetings, questions and closings vary around
them, and every other dialog runs on the bot channel.
"""

from __future__ import annotations

from pathlib import Path

from eval.qa_compliance_round7 import ROUND7
from eval.qa_compliance_round8 import ROUND8
from eval.qa_compliance_round9 import ROUND9
from eval.qa_compliance_round10 import ROUND10
from eval.qa_compliance_round11 import ROUND11
from eval.qa_dialog_rows import dialog_row, framed, write_rows

OUT = Path(__file__).resolve().parent / "datasets" / "qa_compliance_dialogs.jsonl"
GREETINGS = ["您好，禾信银行客服，很高兴为您服务。", "您好，这里是禾信银行，请问有什么可以帮您？",
             "您好，我是禾信银行智能客服，请问有什么可以帮您？", "下午好，禾信银行客服为您服务。"]
CLOSINGS = ["请问还有其他可以帮您的吗？感谢来电，再见。", "感谢您的来电，祝您生活愉快，再见。",
            "请问还有其他问题吗？感谢您的耐心，再见。"]
DISCLOSURE = "温馨提示：理财非存款、产品有风险、投资须谨慎。"

# (customer question, agent reply, [(rule, evidence words)], customer follow-up)
BLAME = [
    ("我的卡怎么被锁了", "你自己密码输错了三次，怪谁？", [("rude_language", "怪谁")], "好吧"),
    ("转账怎么还没到", "你自己账号填错了还怪我们？", [("rude_language", "怪我们")], "那怎么办"),
    ("App登录不上", "你就不会看一下提示吗？上面写得清清楚楚。", [("rude_language", "你就不会看一下提示吗")], "哦"),
    ("我的验证码收不到", "这有什么好问的，等一会儿就来了。", [("rude_language", "这有什么好问的")], "行吧"),
    ("额度怎么降了", "早跟你说过好几次了，按时还款额度才不会降。", [("rude_language", "早跟你说过好几次")], "知道了"),
    ("为什么扣了我年费", "这是你自己的问题，开卡时就说明了。", [("rude_language", "你自己的问题")], "好"),
    ("挂失后卡还能用吗", "谁让你挂失的？挂了当然不能用。", [("rude_language", "谁让你")], "嗯"),
    ("我转错账了", "转错了是你自己的责任，我们也没办法。", [("rude_language", "你自己的责任"), ("unresolved_no_handoff", "那我怎么办")], "那我怎么办"),
    ("贷款为什么没批下来", "资料是你自己填错的，还好意思问。", [("rude_language", "还好意思")], "好吧"),
    ("怎么查流水", "您不会查吗？App首页就有。", [("rude_language", "您不会查吗")], "找到了"),
    ("我的积分怎么清零了", "说了多少遍了，积分每年年底清零。", [("rude_language", "说了多少遍")], "好的"),
    ("为什么被扣了手续费", "你自己没看清楚收费标准，能怪谁？", [("rude_language", "能怪谁")], "嗯"),
    ("我的信用卡被冻结了", "你自己逾期了三个月，怪银行有什么用。", [("rude_language", "怪银行")], "那要怎么解冻"),
    ("验证码输了好几次都不对", "你自己输错了怪我咯？重新获取一个。", [("rude_language", "怪我咯")], "好"),
    ("网银盾丢了", "自己的东西都看不好，还来问我们。", [("rude_language", "还来问我们")], "那怎么补办"),
    ("利息怎么算的", "这都不懂，合同上写着呢。", [("rude_language", "这都不懂")], "好吧"),
    ("为什么我不能提前还款", "你自己没看合同吗？谁叫你不看。", [("rude_language", "谁叫你")], "我再看看"),
    ("存款利率多少", "你不会看吗？官网挂着呢。", [("rude_language", "你不会看吗")], "好的"),
    ("我的工资怎么没到账", "那是你们单位的事，跟我没关系。", [("rude_language", "跟我没关系")], "好吧"),
    ("怎么修改预留手机号", "我都说过了，带身份证去网点。", [("rude_language", "我都说过了")], "好"),
    ("转账限额怎么调", "讲了好几遍了，App里自己调。", [("rude_language", "讲了好几遍")], "知道了"),
    ("为什么短信通知停了", "你自己关掉的，还怪我们。", [("rude_language", "还怪我们")], "哦"),
    ("这笔消费我没印象", "你自己刷的卡你不记得？这是你自己的原因。", [("rude_language", "你自己的原因")], "我再想想"),
    ("能帮我查一下余额吗", "你烦不烦，刚才不是查过了吗？", [("rude_language", "你烦不烦")], "好吧"),
    ("为什么我的卡被吞了", "你自己操作不当，怪谁呢？", [("rude_language", "怪谁")], "那怎么取回"),
    ("开户要带什么", "上面都写了，您就不会自己看吗？", [("rude_language", "您就不会自己看吗")], "好"),
    ("信用卡账单日是哪天", "这个有啥好问的，账单上印着呢。", [("rude_language", "有啥好问的")], "嗯"),
    ("为什么我的转账被退回了", "户名是你自己写错的，能怪谁。", [("rude_language", "能怪谁")], "好吧"),
]
PROMISE = [
    ("这个基金今年还能买吗", "去年涨了20%，今年肯定也能赚，放心买。", [("forbidden_promise", "肯定也能赚"), ("disclosure", "也能赚")], "好的"),
    ("理财有风险吗", "这款理财一直很稳，不会亏的，您放心。", [("forbidden_promise", "不会亏"), ("disclosure", "理财")], "那我买一点"),
    ("这个产品收益怎么样", "收益是确定的，每年4%左右。", [("forbidden_promise", "收益是确定的")], "嗯"),
    ("我想买点基金", "这只基金闭眼买就行，一定能赚钱。", [("forbidden_promise", "一定能赚钱"), ("disclosure", "基金")], "好"),
    ("贷款能批吗", "您条件这么好，肯定能批下来。", [("forbidden_promise", "肯定能批")], "太好了"),
    ("亏了的钱能涨回来吗", "放心，肯定会涨回来的，拿着就行。", [("forbidden_promise", "肯定会涨回来"), ("disclosure", "涨回来")], "好吧"),
    ("这款理财值得买吗", "这款理财稳赚的，很多客户都买了。", [("forbidden_promise", "稳赚"), ("disclosure", "理财")], "那我考虑"),
    ("现在入手合适吗", "现在入手正好，保准能赚。", [("forbidden_promise", "保准能赚"), ("disclosure", "能赚")], "好"),
    ("这个理财收益怎么样", "年化4%，绝对能拿到收益。" + DISCLOSURE, [("forbidden_promise", "绝对能拿到收益")], "明白"),
    ("基金亏了怎么办", "别急，拿一年铁定回本。", [("forbidden_promise", "铁定回本"), ("disclosure", "回本")], "好吧"),
    ("我的经营贷能批多少", "您这样的流水一定能批，额度不用担心。", [("forbidden_promise", "一定能批")], "好的"),
    ("理财会不会亏", "不可能亏的，我们行的理财都很稳。", [("forbidden_promise", "不可能亏"), ("disclosure", "理财")], "嗯"),
    ("这只基金风险大吗", "大胆买，这只只涨不跌。", [("forbidden_promise", "只涨不跌"), ("disclosure", "只涨不跌")], "好"),
    ("存这个产品划算吗", "这个产品旱涝保收，比存款强多了。", [("forbidden_promise", "旱涝保收")], "那挺好"),
    ("买这个理财能赚多少", "一年下来稳稳有4个点，保证赚。" + DISCLOSURE, [("forbidden_promise", "保证赚")], "好"),
    ("这个基金适合我吗", "适合，您放心投，明年肯定翻倍。", [("forbidden_promise", "肯定翻倍"), ("disclosure", "放心投")], "真的吗"),
    ("我申请的信用贷能下来吗", "您放心，百分百能下来。", [("forbidden_promise", "百分百能下来")], "好的谢谢"),
    ("理财到期能拿多少", "收益固定的，到期一分不少。", [("forbidden_promise", "收益固定"), ("disclosure", "收益固定")], "好"),
    ("这款产品会跌吗", "不会跌的，这是我们的明星产品。", [("forbidden_promise", "不会跌")], "那就好"),
    ("现在买基金晚不晚", "不晚，现在买绝对会赚。", [("forbidden_promise", "绝对会赚"), ("disclosure", "会赚")], "好的"),
    ("这个理财靠谱吗", "靠谱，躺赚的产品。" + DISCLOSURE, [("forbidden_promise", "躺赚")], "嗯"),
    ("我能贷到50万吗", "没问题，保证能贷到。", [("forbidden_promise", "保证能贷到"), ("disclosure", "能贷")], "好的"),
    ("这只基金还要继续拿吗", "拿着吧，年底一定会涨的。", [("forbidden_promise", "一定会涨"), ("disclosure", "会涨")], "好"),
    ("这款理财有保障吗", "放心存，收益稳稳的。" + DISCLOSURE, [("forbidden_promise", "放心存")], "好的"),
    ("我想把定期换成理财", "换吧，这款理财肯定比定期赚得多。", [("forbidden_promise", "肯定比定期赚得多"), ("disclosure", "理财")], "好"),
]
REFUSE = [
    ("我要转人工", "人工不在，你跟我说就行。", [("handoff_refused", "人工不在")], "好吧"),
    ("帮我转人工客服", "现在没有人工，您有问题问我。", [("handoff_refused", "没有人工"), ("unresolved_no_handoff", "算了")], "那算了"),
    ("我要找人工", "转不了，有什么事直接说。", [("handoff_refused", "转不了")], "好"),
    ("能不能让真人来回答", "不用转人工，我就能帮您。", [("handoff_refused", "不用转")], "好吧"),
    ("我想跟人工说", "人工都下班了，明天再说吧。", [("handoff_refused", "人工都下班了")], "哦"),
    ("转人工", "找人工也没用，结果都一样。", [("handoff_refused", "找人工也没用")], "好吧"),
    ("我要人工服务", "人工很忙，您别等了，跟我说就好。", [("handoff_refused", "跟我说就好")], "行"),
    ("给我转人工坐席", "没必要转人工，这个问题很简单。", [("handoff_refused", "没必要转人工")], "嗯"),
    ("你们有人工吗", "没有人工，只能我来回答。", [("handoff_refused", "没有人工")], "好吧"),
    ("我不要机器人，要真人", "真人也一样，问我也一样。", [("handoff_refused", "问我也一样")], "那好吧"),
    ("请帮我接人工", "不能转，系统不支持。", [("handoff_refused", "不能转")], "好"),
    ("我要人工客服处理", "客服都不在，您稍后自己再打吧。", [("handoff_refused", "客服都不在")], "好吧"),
    ("转人工，谢谢", "人工也解决不了，您就别转了。", [("handoff_refused", "人工也解决不了"), ("unresolved_no_handoff", "解决不了")], "好"),
    ("找人工", "同事都休息了，找我就行。", [("handoff_refused", "同事都休息了")], "嗯"),
    ("我要和人工说话", "用不着人工，我给您解答。", [("handoff_refused", "用不着人工")], "好的"),
    ("要人工", "人工没人，您先问我吧。", [("handoff_refused", "人工没人")], "行吧"),
    ("能转人工吗", "转了也没用，人工也是这么说。", [("handoff_refused", "转了也没用")], "好吧"),
    ("我要投诉，转人工", "没法转，您跟我说。", [("handoff_refused", "没法转"), ("unresolved_no_handoff", "算了")], "那算了"),
    ("帮我找个人工坐席", "不转了，我就能处理。", [("handoff_refused", "不转了")], "好"),
    ("人工服务在哪", "人工不在，问我就行。", [("handoff_refused", "人工不在")], "嗯"),
    ("请转人工客服", "他们都不在，您就跟我说吧。", [("handoff_refused", "他们都不在")], "好吧"),
    ("我需要人工服务", "不需要人工，这个我来。", [("handoff_refused", "不需要人工")], "好"),
]
DEFLECT = [
    ("我的贷款合同丢了怎么补", "这个不是我负责的。", [("unresolved_no_handoff", "不是我负责的")], "那找谁"),
    ("企业网银证书怎么更新", "不归我们管。", [("unresolved_no_handoff", "不归我们管")], "好吧"),
    ("我的汇款被退回了原因是什么", "我不知道，你去柜台办吧。", [("unresolved_no_handoff", "我不知道")], "好"),
    ("外汇额度怎么算", "这个我不太懂。", [("unresolved_no_handoff", "我不太懂")], "那算了"),
    ("公司账户被冻结了", "这个我们管不了。", [("unresolved_no_handoff", "我们管不了")], "那怎么办"),
    ("退休金怎么还没到", "我哪知道，你问社保去。", [("unresolved_no_handoff", "我哪知道")], "好吧"),
    ("我想开电子保函", "不是我的工作，找别的部门。", [("unresolved_no_handoff", "不是我的工作")], "哦"),
    ("理财到期怎么没回款", "我这边不清楚。", [("unresolved_no_handoff", "我这边不清楚")], "嗯"),
    ("担保贷款需要什么材料", "这个我们不管。", [("unresolved_no_handoff", "这个我们不管")], "好"),
    ("我的卡在国外被盗刷了怎么办", "没法帮你，自己去网点。", [("unresolved_no_handoff", "没法帮你")], "那好吧"),
    ("贴现利率多少", "我也说不好。", [("unresolved_no_handoff", "我也说不好")], "好吧"),
    ("对公转账怎么撤回", "问别人吧，我不负责这个。", [("unresolved_no_handoff", "问别人吧")], "嗯"),
    ("跨境汇款多久到", "我怎么知道，你去网点问。", [("unresolved_no_handoff", "我怎么知道")], "好吧"),
    ("我要开资信证明", "不是我们部门的。", [("unresolved_no_handoff", "不是我们部门的")], "那是哪个部门"),
    ("房贷提前还款违约金多少", "这个我不清楚。", [("unresolved_no_handoff", "我不清楚")], "好吧"),
    ("我的支票被退票了", "这不是我的事。", [("unresolved_no_handoff", "这不是我的事")], "嗯"),
    ("信用证怎么开", "我不懂这个，您找找别人。", [("unresolved_no_handoff", "我不懂这个")], "好"),
    ("为什么我的征信有记录", "解决不了，您自己去网点吧。", [("unresolved_no_handoff", "解决不了")], "好吧"),
    ("代发工资怎么签约", "这个没办法处理。", [("unresolved_no_handoff", "没办法处理")], "嗯"),
    ("我的定期能部分支取吗", "我也不清楚，您问问柜台。", [("unresolved_no_handoff", "我也不清楚")], "好的"),
    ("电子回单在哪下载", "回答不了，您自己研究下。", [("unresolved_no_handoff", "回答不了")], "哦"),
    ("账户管理费怎么免", "不在我的服务范围。", [("unresolved_no_handoff", "不在我的服务范围")], "好吧"),
]
CLEAN = [
    ("我的卡怎么被锁了", "密码连续输错会锁定，别着急，您可以带身份证到网点解锁，或在App里自助重置密码。", "好的"),
    ("这个基金能买吗", "基金收益不确定，不能保证一定赚钱。" + DISCLOSURE + "建议先做风险测评。", "明白"),
    ("我要转人工", "好的，正在为您转接人工客服，请稍候。", "好"),
    ("理财会不会亏", "理财产品不保本，有亏损的可能。" + DISCLOSURE, "知道了"),
    ("贷款能批吗", "能否获批以审批结果为准，我可以先为您介绍申请条件。", "好的"),
    ("帮我转人工", "人工客服正忙，已为您排队，也可以为您登记回电。", "排队吧"),
    ("企业网银证书怎么更新", "这个需要对公业务专员处理，已为您登记工单，专员会在一个工作日内联系您。", "好的"),
    ("我的卡被吞了", "请您带身份证到该网点柜台办理领卡，一般三个工作日内可以领取。", "好"),
    ("存款利率多少", "一年期定期年利率以官网公布为准，您可以在App首页查看。", "好"),
    ("这款理财收益怎么样", "业绩比较基准以产品说明书为准，不代表实际收益。" + DISCLOSURE, "了解"),
    ("跨境汇款多久到", "一般1到3个工作日，具体以收款行处理为准，我帮您转接国际业务专员确认。", "好的"),
    ("基金亏了能涨回来吗", "市场有波动，无法保证一定会涨回来，您可以结合自身情况决定。" + DISCLOSURE, "好吧"),
    ("我要找人工客服", "好的，马上为您转接，请不要挂断。", "好"),
    ("转账限额怎么调", "您可以在App“安全中心”调整转账限额，超过上限需到网点办理。", "好的"),
    ("我的验证码收不到", "抱歉给您带来不便，请检查短信拦截设置，也可以稍后重新获取。", "好"),
    ("为什么扣了年费", "年费按卡片等级收取，抱歉让您困扰，我帮您看看是否符合减免条件。", "好的"),
    ("这款产品会跌吗", "净值型产品会随市场波动，可能下跌。" + DISCLOSURE, "明白"),
    ("我转错账了", "别着急，请尽快联系收款人协商退回，我也可以帮您登记差错处理工单。", "好的"),
    ("贷款额度能有多少", "额度以审批结果为准，和您的经营流水、征信情况有关。", "好"),
    ("人工在吗", "在的，正在为您转接人工客服。", "好"),
    ("外汇额度怎么算", "个人每年便利化额度是5万美元等值，具体以外汇管理规定为准。", "好"),
    ("保证能批吗", "抱歉，我无法保证审批结果，贷款能否获批以审批为准。", "好吧"),
    ("有没有稳赚的理财", "没有稳赚的理财，所谓稳赚不赔都是骗局，请提高警惕。" + DISCLOSURE, "知道了"),
    ("我的卡在国外被盗刷了", "请立即冻结卡片，我马上为您转接人工客服处理盗刷争议。", "好的"),
    ("公司账户被冻结了", "账户冻结多由司法或监管原因引起，我帮您转接对公专员核实原因。", "好"),
    ("我自己输错密码了", "没关系，很多客户都会遇到，您可以在App里用人脸识别重置密码。", "好的"),
    ("开户要带什么", "需要带身份证原件，企业开户还需营业执照和公章，您也可以在App预约。", "好"),
    ("利息怎么算的", "按日计息，日利率等于年利率除以360，合同里有详细说明，我可以给您举个例子。", "好的"),
]

#: round 2, written after the first tuning and measured unchanged (P 1.0, R 0.64), then tuned on too
#: (tag variant "round2")
ROUND2 = [
    ("attitude_blame", "我的转账失败了", "您自己没开通转账功能，这能怪谁呢？", [("rude_language", "这能怪谁")], "好吧"),
    ("attitude_blame", "U盾怎么用", "说明书上写着，你不会自己读吗？", [("rude_language", "你不会自己读吗")], "嗯"),
    ("attitude_blame", "我的卡消磁了", "谁叫你把卡跟手机放一起的。", [("rude_language", "谁叫你")], "哦"),
    ("attitude_blame", "余额怎么不对", "我都跟你说了好几次了，有一笔在途资金。", [("rude_language", "说了好几次")], "知道了"),
    ("attitude_blame", "为什么不能在线开户", "这种事有什么好问的，规定就是这样。", [("rude_language", "有什么好问的")], "好"),
    ("attitude_blame", "我忘了密码", "忘了是您自己的问题，去网点重置。", [("rude_language", "您自己的问题")], "好的"),
    ("promise", "这个理财能买吗", "能买，肯定赚，您就放心吧。", [("forbidden_promise", "肯定赚"), ("disclosure", "理财")], "好"),
    ("promise", "我的贷款审批多久", "三天肯定批下来，您等着就行。", [("forbidden_promise", "肯定批下来")], "好的"),
    ("promise", "这支基金怎么样", "这支基金稳得很，保证不亏。", [("forbidden_promise", "保证不亏"), ("disclosure", "基金")], "好"),
    ("promise", "现在买理财好吗", "现在买正是时候，绝对赚钱。", [("forbidden_promise", "绝对赚钱"), ("disclosure", "理财")], "嗯"),
    ("promise", "这个存款产品利息多少", "收益稳稳的，闭着眼买都行。", [("forbidden_promise", "闭着眼买")], "好吧"),
    ("promise", "理财跌了还能回来吗", "一定能涨回来，别卖。" + DISCLOSURE, [("forbidden_promise", "一定能涨回来")], "好"),
    ("handoff_refused", "我要人工服务，谢谢", "人工这会儿都不在，您跟我说就行。", [("handoff_refused", "跟我说就行")], "好吧"),
    ("handoff_refused", "我想找个真人聊", "不用找人工，我能解决。", [("handoff_refused", "不用找人工")], "嗯"),
    ("handoff_refused", "转人工客服", "人工现在没上班，您明天再来。", [("handoff_refused", "人工现在没上班")], "好吧"),
    ("handoff_refused", "帮我转一下人工", "没办法转，您直接问我。", [("handoff_refused", "没办法转")], "好"),
    ("handoff_refused", "有没有人工啊", "人工也是一样的回答，您问我吧。", [("handoff_refused", "人工也是一样")], "嗯"),
    ("deflection", "公积金贷款怎么办", "这个不归我们这边管。", [("unresolved_no_handoff", "不归我们这边管")], "好吧"),
    ("deflection", "我的理财收益怎么算", "我也搞不清楚，你自己研究吧。", [("unresolved_no_handoff", "搞不清楚")], "嗯"),
    ("deflection", "商户收款码怎么开通", "这不是我们部门的事。", [("unresolved_no_handoff", "不是我们部门的事")], "那找谁"),
    ("deflection", "怎么申请企业贷款", "这个我回答不上来。", [("unresolved_no_handoff", "回答不上来")], "好吧"),
    ("deflection", "退税款怎么还没到", "我没法帮你查，你去问税务局。", [("unresolved_no_handoff", "没法帮你")], "好"),
    ("clean_lookalike", "我转账失败了", "抱歉给您带来不便，可能是未开通转账功能，我帮您看看开通方法。", [], "好的"),
    ("clean_lookalike", "这个理财能买吗", "是否购买请您结合风险承受能力决定。" + DISCLOSURE, [], "明白"),
    ("clean_lookalike", "我要人工", "好的，这就为您转接人工客服，请稍候。", [], "好"),
    ("clean_lookalike", "公积金贷款怎么办", "公积金贷款由公积金中心审批，我帮您转接贷款专员，为您介绍我行的办理流程。", [], "好的"),
    ("clean_lookalike", "贷款多久能批", "一般3到5个工作日，能否获批以审批结果为准。", [], "好"),
    ("clean_lookalike", "我忘了密码", "别担心，您可以带身份证到网点重置，也可以在App用人脸识别重置。", [], "好的"),
]

#: round 4 (tag variant "round4"): training dialogs for the clause classifier (eval/qa_classifier_train.py),
#: written after the second held-out set (eval/qa_compliance_heldout_cases.py) was frozen, in wording of their own
ROUND4 = [
    ("attitude_blame", "为什么我的卡不能网上支付", "你自己没开通，怪不到我们头上。", [("rude_language", "怪不到我们头上")], "好吧"),
    ("attitude_blame", "我的贷款怎么还没放款", "催也没用，你急什么急。", [("rude_language", "你急什么急")], "嗯"),
    ("attitude_blame", "我看不懂这个账单", "这么清楚的账单都看不懂，我也是服了。", [("rude_language", "我也是服了")], "好"),
    ("attitude_blame", "能不能快点处理", "嫌慢你别办啊，后面还有人排着呢。", [("rude_language", "嫌慢你别办啊")], "行"),
    ("attitude_blame", "我忘了开户行是哪家", "自己开的户都不记得，真是的。", [("rude_language", "真是的")], "我查查"),
    ("attitude_blame", "为什么要收我小额管理费", "余额不够就收，谁让你不存钱。", [("rude_language", "谁让你")], "好吧"),
    ("attitude_blame", "你能不能说慢点", "我说得够慢了，你认真听行不行。", [("rude_language", "你认真听行不行")], "嗯"),
    ("attitude_blame", "为什么我取不了钱", "你卡里根本没钱，取什么取。", [("rude_language", "取什么取")], "哦"),
    ("attitude_blame", "上次说好给我回电的", "我哪记得谁说的，别扯了。", [("rude_language", "别扯了")], "好吧"),
    ("attitude_blame", "我又被扣费了", "又是你，每次都为这点钱打电话。", [("rude_language", "每次都为这点钱打电话")], "嗯"),
    ("attitude_blame", "这个表怎么填", "表上写得明明白白，自己不会看啊？", [("rude_language", "自己不会看啊")], "好"),
    ("attitude_blame", "我的U盾插上没反应", "这是你电脑的毛病，别什么都赖银行。", [("rude_language", "别什么都赖银行")], "好吧"),
    ("promise", "这个理财收益有保障吗", "有保障，收益包您满意，一分不会少。", [("forbidden_promise", "收益包您满意"), ("disclosure", "理财")], "好"),
    ("promise", "这款基金能赚多少", "跟着经理买，一年赚个十几个点没悬念。", [("forbidden_promise", "没悬念"), ("disclosure", "基金")], "真的"),
    ("promise", "我申请的车贷能过吗", "您放宽心，这笔肯定过，我帮您盯着。", [("forbidden_promise", "肯定过")], "谢谢"),
    ("promise", "买这个产品会亏吗", "本金是有保证的，亏损的情况从来没发生过。", [("forbidden_promise", "本金是有保证的")], "好的"),
    ("promise", "现在买这只基金合适吗", "现在是底部，买了就等着收钱吧。", [("forbidden_promise", "买了就等着收钱"), ("disclosure", "基金")], "嗯"),
    ("promise", "我的创业贷多久能批", "三个工作日内包批，您就等好消息。", [("forbidden_promise", "包批")], "好"),
    ("promise", "这个理财产品风险高吗", "零风险，跟存款一模一样。", [("forbidden_promise", "零风险"), ("disclosure", "理财")], "那好"),
    ("promise", "这款理财年化多少", "年化5%是板上的数，到期一定兑现。" + DISCLOSURE, [("forbidden_promise", "一定兑现")], "好"),
    ("promise", "我的额度能提到十万吗", "十万没问题，我给您保证。", [("forbidden_promise", "我给您保证")], "好的"),
    ("promise", "这个基金会跌吗", "这只基金有托底，想跌都跌不下去。" + DISCLOSURE, [("forbidden_promise", "想跌都跌不下去")], "嗯"),
    ("promise", "理财到期能拿回多少", "本息稳稳到账，绝不会让您吃亏。", [("forbidden_promise", "绝不会让您吃亏"), ("disclosure", "理财")], "好"),
    ("promise", "信用贷利率能给我优惠吗", "您放心，我一定给您申请到最低利率。", [("forbidden_promise", "一定给您申请到最低利率")], "谢谢"),
    ("handoff_refused", "我要转人工服务", "人工就别想了，晚上都没人值班。", [("handoff_refused", "人工就别想了")], "好吧"),
    ("handoff_refused", "帮我找个人工", "人工处理不了这类问题，还是我来。", [("handoff_refused", "人工处理不了")], "嗯"),
    ("handoff_refused", "我要人工客服", "您先别急着找人工，有问题先说给我听。", [("handoff_refused", "先别急着找人工")], "好"),
    ("handoff_refused", "转人工", "当前渠道不提供人工，请自行查看帮助中心。", [("handoff_refused", "不提供人工")], "哦"),
    ("handoff_refused", "能给我转个人工吗", "转人工要等半天，不划算，我给您说。", [("handoff_refused", "不划算")], "行吧"),
    ("handoff_refused", "我要真人客服", "真人客服今天请假了，有事您就跟我讲。", [("handoff_refused", "真人客服今天请假了")], "好吧"),
    ("handoff_refused", "给我换人工", "您这个级别的问题不用升级到人工。", [("handoff_refused", "不用升级到人工")], "好"),
    ("handoff_refused", "请转接人工", "系统不让我转，您就在这儿说吧。", [("handoff_refused", "系统不让我转")], "嗯"),
    ("handoff_refused", "我想和人工客服通话", "人工电话打不进去的，别白费劲了。", [("handoff_refused", "别白费劲了")], "好吧"),
    ("handoff_refused", "我要求人工服务", "人工不会理你这种小问题的。", [("handoff_refused", "人工不会理你这种小问题")], "哦"),
    ("deflection", "我的信用卡积分怎么兑换", "积分商城是外包的，我们不管这块。", [("unresolved_no_handoff", "我们不管这块")], "好吧"),
    ("deflection", "房贷的抵押登记怎么办", "那是房管局的事，与我们无关。", [("unresolved_no_handoff", "与我们无关")], "嗯"),
    ("deflection", "我的社保代扣失败了", "代扣的事我也没辙，你问单位吧。", [("unresolved_no_handoff", "我也没辙")], "好"),
    ("deflection", "跨行转账手续费怎么算", "这个我说不清，你自己去官网找找。", [("unresolved_no_handoff", "我说不清")], "哦"),
    ("deflection", "企业年金怎么查", "年金那块我一窍不通。", [("unresolved_no_handoff", "我一窍不通")], "好吧"),
    ("deflection", "为什么我的支票不能用", "这个我查不到，也帮不上忙。", [("unresolved_no_handoff", "帮不上忙")], "嗯"),
    ("deflection", "我想办理保管箱", "保管箱我们这里没人懂，你自己跑一趟网点吧。", [("unresolved_no_handoff", "没人懂")], "好"),
    ("deflection", "我的工资卡被冻结了怎么办", "冻结的事情我这权限处理不了，你别问我。", [("unresolved_no_handoff", "你别问我")], "好吧"),
    ("deflection", "贷款合同的利率怎么和说的不一样", "合同是网点签的，线上管不了那么多。", [("unresolved_no_handoff", "线上管不了")], "嗯"),
    ("deflection", "我的外汇结汇额度用完了吗", "这种问题我这边没法查，你想别的办法吧。", [("unresolved_no_handoff", "你想别的办法吧")], "好"),
    ("clean_lookalike", "为什么我的卡不能网上支付", "可能是没开通网上支付功能，我教您在App里开通：我的—银行卡—支付设置。", [], "好的"),
    ("clean_lookalike", "能不能快点处理", "抱歉让您久等，我已加急处理，预计十分钟内完成。", [], "好"),
    ("clean_lookalike", "这个理财收益有保障吗", "收益没有保障，业绩比较基准不代表实际收益。" + DISCLOSURE, [], "明白"),
    ("clean_lookalike", "我申请的车贷能过吗", "能否通过以审批为准，我不能提前承诺，我帮您看看还缺哪些材料。", [], "好"),
    ("clean_lookalike", "买这个产品会亏吗", "这款产品不保本，有亏损的可能，请您结合风险承受能力决定。" + DISCLOSURE, [], "好的"),
    ("clean_lookalike", "我要转人工服务", "好的，人工坐席目前较忙，我已为您排队，请稍候。", [], "好"),
    ("clean_lookalike", "帮我找个人工", "没问题，这就帮您转接人工客服。", [], "谢谢"),
    ("clean_lookalike", "转人工", "人工客服在线，正在为您转接，请不要挂断。", [], "好"),
    ("clean_lookalike", "我的信用卡积分怎么兑换", "在App“信用卡—积分商城”选择礼品即可兑换，积分有效期一般为三年。", [], "好的"),
    ("clean_lookalike", "房贷的抵押登记怎么办", "抵押登记由不动产登记中心办理，我行客户经理会陪同您办理，我帮您预约客户经理联系您。", [], "好"),
    ("clean_lookalike", "企业年金怎么查", "我这边暂时查不到年金明细，已为您登记工单，专员会在两个工作日内回电。", [], "好的"),
    ("clean_lookalike", "跨行转账手续费怎么算", "手机银行跨行转账免手续费，柜台按金额收取，具体以网点公示为准。", [], "好"),
    ("clean_lookalike", "我看不懂这个账单", "没关系，我给您逐项解释：上面是本期应还金额，下面是消费明细。", [], "谢谢"),
    ("clean_lookalike", "这个表怎么填", "您别着急，我一栏一栏带您填，第一栏填单位全称。", [], "好的"),
]

#: round 5 (tag variant "round5"): more training dialogs for the clause classifier, written after round 4
#: (rounds 4-5: about 40 labelled clauses per rule were too few — out-of-fold recall ~0.5 at precision 0.9)
ROUND5 = [
    ("attitude_blame", "我的密码又忘了", "一天到晚忘密码，你记性也太差了。", [("rude_language", "你记性也太差了")], "嗯"),
    ("attitude_blame", "为什么扣了我利息", "借钱不还还问为什么扣利息，你说呢？", [("rude_language", "你说呢")], "好吧"),
    ("attitude_blame", "我不会填这个申请", "这都填不好，小学生都会。", [("rude_language", "小学生都会")], "好"),
    ("attitude_blame", "能再查一次吗", "查了八百遍了，还查？", [("rude_language", "查了八百遍了")], "哦"),
    ("attitude_blame", "为什么我的卡被降级了", "你自己用得少，被降级也正常，别来烦我。", [("rude_language", "别来烦我")], "好吧"),
    ("attitude_blame", "你们服务太差了", "嫌差你就别用我们银行。", [("rude_language", "嫌差你就别用")], "嗯"),
    ("attitude_blame", "我等了很久了", "等着呗，又不是只有你一个客户。", [("rude_language", "又不是只有你一个客户")], "好"),
    ("attitude_blame", "为什么我转不了钱", "这么点事也要打电话，自己动动脑子。", [("rude_language", "自己动动脑子")], "好吧"),
    ("attitude_blame", "账户怎么被锁了", "谁知道你干了什么，反正锁了。", [("rude_language", "谁知道你干了什么")], "哦"),
    ("attitude_blame", "我要改一下预留信息", "改来改去的，烦死了。", [("rude_language", "烦死了")], "好"),
    ("attitude_blame", "这个功能在哪", "我说了你也记不住，自己找吧。", [("rude_language", "我说了你也记不住")], "嗯"),
    ("attitude_blame", "我被多扣了一笔钱", "你自己乱点的，少来找我们麻烦。", [("rude_language", "少来找我们麻烦")], "好吧"),
    ("attitude_blame", "我想问下还款方式", "合同上都有，你就懒得看是吧。", [("rude_language", "你就懒得看是吧")], "好"),
    ("attitude_blame", "为什么我的验证码过期了", "你动作太慢了呗，还能怪系统？", [("rude_language", "还能怪系统")], "哦"),
    ("promise", "这个理财能放心买吗", "闭着眼睛买都不会出问题，我敢打包票。", [("forbidden_promise", "我敢打包票"), ("disclosure", "理财")], "好"),
    ("promise", "这只基金以后会涨吗", "这只基金明年涨五成是最保守的估计。", [("forbidden_promise", "涨五成是最保守的估计"), ("disclosure", "基金")], "哇"),
    ("promise", "我的装修贷能批吗", "您这种情况不批谁批，稳了。", [("forbidden_promise", "不批谁批")], "好的"),
    ("promise", "理财收益有没有保底", "有保底，最低也有4个点。", [("forbidden_promise", "有保底"), ("disclosure", "理财")], "那好"),
    ("promise", "这款产品安全吗", "绝对安全，您的本金我们全额兜底。", [("forbidden_promise", "全额兜底")], "好"),
    ("promise", "基金亏了能回来吗", "一定会回来的，还会多赚一截。" + DISCLOSURE, [("forbidden_promise", "一定会回来的")], "好吧"),
    ("promise", "这个理财到期能拿多少", "到期肯定是这个数，一毛钱都不会差。", [("forbidden_promise", "一毛钱都不会差"), ("disclosure", "理财")], "好"),
    ("promise", "我的贷款额度能批多少", "最少二十万，这个我说了算。", [("forbidden_promise", "这个我说了算")], "好的"),
    ("promise", "现在买这个理财亏不亏", "怎么可能亏，这可是我们卖得最好的。", [("forbidden_promise", "怎么可能亏"), ("disclosure", "理财")], "嗯"),
    ("promise", "这款基金风险大不大", "没什么风险，跟存定期差不多，收益还翻倍。", [("forbidden_promise", "没什么风险"), ("disclosure", "基金")], "好"),
    ("promise", "贷款审批能快点吗", "您放心，明天一准放款。", [("forbidden_promise", "明天一准放款")], "谢谢"),
    ("promise", "这个产品收益稳定吗", "稳定得很，每个月准时给您打收益，一分不差。" + DISCLOSURE, [("forbidden_promise", "一分不差")], "好"),
    ("promise", "理财能赚到6%吗", "6%妥妥的，说不定还更多。", [("forbidden_promise", "6%妥妥的"), ("disclosure", "理财")], "好"),
    ("promise", "我的信用卡申请能过吗", "包在我身上，一定让您过。", [("forbidden_promise", "包在我身上")], "好的"),
    ("handoff_refused", "我要人工", "人工忙不过来，您也别指望了。", [("handoff_refused", "您也别指望了")], "好吧"),
    ("handoff_refused", "转人工客服谢谢", "人工现在不接电话，跟我聊就行。", [("handoff_refused", "人工现在不接电话")], "嗯"),
    ("handoff_refused", "帮我转个真人", "转真人要排到晚上，您就别想了。", [("handoff_refused", "您就别想了")], "好"),
    ("handoff_refused", "找人工客服", "系统只开放了智能客服，没有别的选项。", [("handoff_refused", "没有别的选项")], "哦"),
    ("handoff_refused", "我要人工，机器人听不懂", "我能听懂的，不用找别人。", [("handoff_refused", "不用找别人")], "好吧"),
    ("handoff_refused", "请帮我转人工坐席", "转人工的功能已经取消了。", [("handoff_refused", "转人工的功能已经取消了")], "嗯"),
    ("handoff_refused", "我要跟人工反映问题", "反映问题不需要人工，留言就行。", [("handoff_refused", "不需要人工")], "好"),
    ("handoff_refused", "有没有人工", "人工今天不上线，请改天。", [("handoff_refused", "人工今天不上线")], "好吧"),
    ("handoff_refused", "转人工转人工", "别喊了，转不了人工的。", [("handoff_refused", "转不了人工")], "哦"),
    ("handoff_refused", "我想找个人工问问", "人工和我知道的一样多，没区别。", [("handoff_refused", "没区别")], "好"),
    ("handoff_refused", "能接一下人工吗", "人工坐席只对VIP开放，您这边不行。", [("handoff_refused", "您这边不行")], "嗯"),
    ("handoff_refused", "我要人工处理我的投诉", "投诉我这里记下了，人工就不用了。", [("handoff_refused", "人工就不用了")], "好吧"),
    ("handoff_refused", "麻烦转人工", "现在转人工没人接，您晚点自己打过来吧。", [("handoff_refused", "没人接")], "好"),
    ("handoff_refused", "我需要人工帮忙", "这点小事不值得转人工。", [("handoff_refused", "不值得转人工")], "嗯"),
    ("deflection", "我的理财合同在哪看", "合同的事你问卖给你的人。", [("unresolved_no_handoff", "你问卖给你的人")], "好吧"),
    ("deflection", "公司网银怎么加操作员", "对公的我不熟，你再问问。", [("unresolved_no_handoff", "我不熟")], "嗯"),
    ("deflection", "我的信用卡年费能免吗", "年费的事我做不了决定。", [("unresolved_no_handoff", "我做不了决定")], "好"),
    ("deflection", "医保卡里的钱怎么取", "医保的事跟我们没关系，你去医保局。", [("unresolved_no_handoff", "跟我们没关系")], "哦"),
    ("deflection", "我的转账一直显示处理中", "处理中就是处理中，我也看不出来什么。", [("unresolved_no_handoff", "我也看不出来什么")], "好吧"),
    ("deflection", "房贷可以延期吗", "延期这种事我给不了答复。", [("unresolved_no_handoff", "给不了答复")], "嗯"),
    ("deflection", "手机银行怎么注销", "注销的流程我也没弄过，你自己试试。", [("unresolved_no_handoff", "我也没弄过")], "好"),
    ("deflection", "我的存款利息少了", "利息是系统算的，我这边管不着。", [("unresolved_no_handoff", "我这边管不着")], "好吧"),
    ("deflection", "境外汇款要什么材料", "这个不在我的业务范围内，你找其他渠道。", [("unresolved_no_handoff", "不在我的业务范围内")], "哦"),
    ("deflection", "信用卡能分期买车吗", "这种问题我答复不了，你换个地方问。", [("unresolved_no_handoff", "答复不了")], "嗯"),
    ("deflection", "怎么申请贷款展期", "展期我们客服没权限，别问我了。", [("unresolved_no_handoff", "别问我了")], "好"),
    ("deflection", "我的积分被清零了", "积分规则我也不懂，你看看说明吧。", [("unresolved_no_handoff", "我也不懂")], "好吧"),
    ("deflection", "企业开户要多久", "多久我也没底，看网点吧。", [("unresolved_no_handoff", "我也没底")], "嗯"),
    ("deflection", "我的保函过期了怎么办", "保函的事情我无能为力。", [("unresolved_no_handoff", "无能为力")], "好"),
    ("clean_lookalike", "这个理财能放心买吗", "购买前请先做风险测评，产品不保证收益。" + DISCLOSURE, [], "好"),
    ("clean_lookalike", "我的装修贷能批吗", "我无法提前答复能否获批，审批会综合您的收入和征信，我帮您核对材料。", [], "好的"),
    ("clean_lookalike", "我要人工", "好的，人工客服正在接入，请稍候。", [], "好"),
    ("clean_lookalike", "有没有人工", "有的，我这就为您转接人工，预计等待两分钟。", [], "好的"),
    ("clean_lookalike", "我的信用卡年费能免吗", "年费减免需要信用卡中心审核，我帮您提交申请，结果会短信通知您，已为您登记。", [], "好"),
    ("clean_lookalike", "我等了很久了", "非常抱歉让您久等，现在马上为您处理。", [], "好"),
    ("clean_lookalike", "这个功能在哪", "在App首页右上角的“更多”里，我一步步带您找。", [], "找到了"),
    ("clean_lookalike", "手机银行怎么注销", "手机银行可以在App“设置—注销手机银行”自助注销，注销后网银不受影响。", [], "好的"),
]

#: round 6 (tag variant "round6"): training dialogs written after the classifier's first held-out
#: measurement (about 50 labelled clauses per rule; out-of-fold clause recall 0.3-0.7 at precision 0.9)
ROUND6 = [
    ("attitude_blame", "我的存折打印不了", "打印机坏了又不是我弄的，冲我嚷有用吗？", [("rude_language", "冲我嚷有用吗")], "好吧"),
    ("attitude_blame", "我想咨询一下贷款", "咨询什么咨询，条件不够别浪费时间。", [("rude_language", "别浪费时间")], "嗯"),
    ("attitude_blame", "这个手续费太高了", "高也得交，不想交别办。", [("rude_language", "不想交别办")], "好"),
    ("attitude_blame", "我没收到短信", "你手机欠费了吧，自己不看看。", [("rude_language", "自己不看看")], "哦"),
    ("attitude_blame", "你能再解释一下吗", "解释多少次你才懂啊？", [("rude_language", "你才懂啊")], "好吧"),
    ("attitude_blame", "为什么要我本人来", "规定就是规定，跟你说不明白。", [("rude_language", "跟你说不明白")], "嗯"),
    ("attitude_blame", "我的卡怎么又被锁了", "三番五次的，你自己不长记性。", [("rude_language", "你自己不长记性")], "好"),
    ("attitude_blame", "你们系统老出问题", "别人都能用就你不能用，找找自己的原因。", [("rude_language", "找找自己的原因")], "哦"),
    ("attitude_blame", "我不太会操作", "不会操作就别用网银了，去柜台排队。", [("rude_language", "不会操作就别用网银了")], "好吧"),
    ("attitude_blame", "麻烦快一点", "催什么，我这不是在弄吗。", [("rude_language", "催什么")], "嗯"),
    ("attitude_blame", "我投诉过好几次了", "投诉多了也没用，你爱怎么投就怎么投。", [("rude_language", "你爱怎么投就怎么投")], "好"),
    ("attitude_blame", "我看不清屏幕上的字", "看不清就戴眼镜，这也要问。", [("rude_language", "这也要问")], "哦"),
    ("promise", "这个理财产品能保值吗", "保值没问题，肯定跑赢通胀。", [("forbidden_promise", "肯定跑赢通胀"), ("disclosure", "理财")], "好"),
    ("promise", "我的小额贷款什么时候到账", "我给您担保，今天下午必到。", [("forbidden_promise", "我给您担保")], "好的"),
    ("promise", "这只基金今年表现如何", "今年这只基金至少涨三成，错过就可惜了。", [("forbidden_promise", "至少涨三成"), ("disclosure", "基金")], "嗯"),
    ("promise", "理财会不会有损失", "不会有任何损失，这是保本保息的。", [("forbidden_promise", "不会有任何损失"), ("disclosure", "理财")], "好"),
    ("promise", "我的信用贷能批下来吗", "这事交给我，批不下来我退您手续费。", [("forbidden_promise", "批不下来我退您手续费")], "好的"),
    ("promise", "这款产品收益多少", "每年稳定8%，一年一结从不落空。" + DISCLOSURE, [("forbidden_promise", "从不落空")], "嗯"),
    ("promise", "我想投点基金，靠谱吗", "这只基金经理从没失手过，您投多少赚多少。", [("forbidden_promise", "您投多少赚多少"), ("disclosure", "基金")], "好"),
    ("promise", "贷款利率能锁定吗", "利率我给您锁死，以后只降不升。", [("forbidden_promise", "以后只降不升")], "好的"),
    ("promise", "理财到期能按时兑付吗", "按时兑付，收益一分钱都不少您的。", [("forbidden_promise", "一分钱都不少您的"), ("disclosure", "理财")], "好"),
    ("promise", "现在买黄金合适吗", "金价肯定还要涨，现在就是最低点。" + DISCLOSURE, [("forbidden_promise", "金价肯定还要涨")], "嗯"),
    ("promise", "这个理财比存款好吗", "比存款好多了，收益翻一倍还没风险。", [("forbidden_promise", "还没风险"), ("disclosure", "理财")], "好"),
    ("promise", "我的经营贷能续贷吗", "续贷是肯定的，到期自动给您续上。", [("forbidden_promise", "续贷是肯定的")], "好的"),
    ("handoff_refused", "我要人工客服", "人工客服不受理您这类业务。", [("handoff_refused", "人工客服不受理")], "好吧"),
    ("handoff_refused", "帮我转一下人工", "不好意思，我这边没有转人工的权限，您只能问我。", [("handoff_refused", "您只能问我")], "嗯"),
    ("handoff_refused", "我要找人工", "人工全都满线，您别排了。", [("handoff_refused", "您别排了")], "好"),
    ("handoff_refused", "能给我接人工吗", "人工要收取服务费，不推荐。", [("handoff_refused", "不推荐")], "哦"),
    ("handoff_refused", "我要和真人说话", "真人跟我一个口径，说了也白说。", [("handoff_refused", "说了也白说")], "好吧"),
    ("handoff_refused", "转人工吧", "这个问题人工也给不了更好的答复，您就在这儿问。", [("handoff_refused", "您就在这儿问")], "嗯"),
    ("handoff_refused", "我要人工帮我处理", "人工不处理线上问题，您自己操作吧。", [("handoff_refused", "人工不处理线上问题")], "好"),
    ("handoff_refused", "请转到人工客服", "转人工的入口已经关闭了。", [("handoff_refused", "入口已经关闭了")], "哦"),
    ("handoff_refused", "我要人工，这个机器人没用", "机器人也能解决，人工就算了。", [("handoff_refused", "人工就算了")], "好吧"),
    ("handoff_refused", "给我转人工服务", "人工服务只在工作日，今天就别想了。", [("handoff_refused", "今天就别想了")], "嗯"),
    ("handoff_refused", "我需要人工客服", "人工这会儿也是机器人，没差别。", [("handoff_refused", "没差别")], "好"),
    ("handoff_refused", "找个人工", "人工要找主管批准，我这儿批不了。", [("handoff_refused", "我这儿批不了")], "哦"),
    ("deflection", "我的网点预约怎么取消", "预约的系统不是我们维护的，我没权限。", [("unresolved_no_handoff", "我没权限")], "好吧"),
    ("deflection", "我的银行卡在国外被吞了", "国外的ATM我们控制不了，你自己想办法。", [("unresolved_no_handoff", "你自己想办法")], "嗯"),
    ("deflection", "理财经理怎么换", "换经理的事我说了不算，你去找网点。", [("unresolved_no_handoff", "我说了不算")], "好"),
    ("deflection", "企业税务贷怎么申请", "税务贷我不了解，你上网看看吧。", [("unresolved_no_handoff", "我不了解")], "哦"),
    ("deflection", "我的扣款顺序能改吗", "扣款顺序这个我实在答不出。", [("unresolved_no_handoff", "我实在答不出")], "好吧"),
    ("deflection", "联名卡的权益怎么用", "权益是合作方提供的，和我们银行没啥关系。", [("unresolved_no_handoff", "没啥关系")], "嗯"),
    ("deflection", "我的转账被银行风控拦了", "风控规则我接触不到，没法告诉你。", [("unresolved_no_handoff", "没法告诉你")], "好"),
    ("deflection", "怎么办理个人外汇结汇", "结汇的业务我没办过，不好说。", [("unresolved_no_handoff", "不好说")], "哦"),
    ("deflection", "为什么我不能买这款理财", "能不能买是系统判断的，我也解释不了。", [("unresolved_no_handoff", "我也解释不了")], "好吧"),
    ("deflection", "房贷的利率转换怎么操作", "利率转换我这边操作不了，你再打听打听。", [("unresolved_no_handoff", "我这边操作不了")], "嗯"),
    ("deflection", "我的个人养老金账户怎么开", "养老金账户我们这边暂时不清楚，别问我。", [("unresolved_no_handoff", "暂时不清楚")], "好"),
    ("deflection", "信用卡账单分期怎么取消", "这个取消不了，你也别再问了。", [("unresolved_no_handoff", "你也别再问了")], "哦"),
    ("clean_lookalike", "我的存折打印不了", "抱歉，打印机可能出了故障，我已为您登记报修，您也可以到柜台补打。", [], "好的"),
    ("clean_lookalike", "这个手续费太高了", "理解您的感受，这笔手续费按标准收取，我帮您看看有没有减免活动。", [], "好"),
    ("clean_lookalike", "这个理财产品能保值吗", "理财产品不保证保值，净值会有波动。" + DISCLOSURE, [], "明白"),
    ("clean_lookalike", "我的小额贷款什么时候到账", "审批通过后一般一个工作日内到账，具体以系统处理为准。", [], "好的"),
    ("clean_lookalike", "这只基金今年表现如何", "基金过往业绩不代表未来表现，您可以在App查看历史净值。" + DISCLOSURE, [], "好"),
    ("clean_lookalike", "帮我转一下人工", "好的，这就为您转接人工客服，请稍等。", [], "好"),
    ("clean_lookalike", "我要找人工", "人工坐席全部在忙，已为您排队，前面还有3位。", [], "好"),
    ("clean_lookalike", "理财经理怎么换", "更换理财经理需要在网点提交申请，我帮您登记，网点会回电联系您。", [], "好的"),
    ("clean_lookalike", "企业税务贷怎么申请", "税务贷可以在App“企业贷款”里申请，需要授权纳税数据，我可以发您申请指引。", [], "好"),
    ("clean_lookalike", "我不太会操作", "没关系，我一步一步教您：先点首页的“转账”，再输入收款人。", [], "谢谢"),
    ("clean_lookalike", "麻烦快一点", "好的，马上为您处理，请稍候。", [], "好"),
    ("clean_lookalike", "我看不清屏幕上的字", "您可以在App“设置—字体大小”里调大字体，也可以开启长辈模式。", [], "好的"),
]

#: round 3 (tag variant "heldout"): written after the rules were tuned on everything above, and
#: measured without any change since — how the rules do on wording they were not fitted to
HELDOUT = [
    ("attitude_blame", "贷款利息怎么这么高", "合同是你自己签的，现在来抱怨有什么用？", [("rude_language", "现在来抱怨有什么用")], "好吧"),
    ("attitude_blame", "App闪退怎么办", "你手机太旧了，这也要来问？", [("rude_language", "这也要来问")], "嗯"),
    ("attitude_blame", "我的卡被冻结了", "你自己乱转账，系统才冻结的，怪不了别人。", [("rude_language", "怪不了别人")], "哦"),
    ("attitude_blame", "短信费怎么扣的", "我刚才不是讲过了吗？你到底有没有在听？", [("rude_language", "你到底有没有在听")], "好"),
    ("attitude_blame", "为什么我的额度这么低", "您这种情况还想要高额度？", [("rude_language", "还想要高额度")], "好吧"),
    ("promise", "这款基金能长期拿吗", "长期拿着稳赢，一点风险都没有。", [("forbidden_promise", "一点风险都没有"), ("disclosure", "基金")], "好"),
    ("promise", "这个理财划算吗", "划算，年年都是正收益，跌不了。", [("forbidden_promise", "跌不了"), ("disclosure", "理财")], "好的"),
    ("promise", "我的房贷能批吗", "您这个资质，审批就是走个流程，放心。", [("forbidden_promise", "审批就是走个流程")], "好"),
    ("promise", "买这个能赚多少", "起码8个点，少不了您的。", [("forbidden_promise", "少不了您的")], "嗯"),
    ("promise", "这个产品会不会亏本", "亏不了，我自己也买了好多。", [("forbidden_promise", "亏不了")], "那好"),
    ("handoff_refused", "我要人工客服", "人工排队要一个小时，您还是别等了，我来吧。", [("handoff_refused", "您还是别等了")], "好吧"),
    ("handoff_refused", "请给我接人工", "接人工也解决不了这个问题的。", [("handoff_refused", "接人工也解决不了"), ("unresolved_no_handoff", "解决不了")], "嗯"),
    ("handoff_refused", "我要找人工投诉", "投诉就不用找人工了，我记一下就行。", [("handoff_refused", "不用找人工")], "好"),
    ("handoff_refused", "转人工！", "现在转不过去，您有事直接讲。", [("handoff_refused", "转不过去"), ("unresolved_no_handoff", "算了")], "算了"),
    ("handoff_refused", "可以跟人工聊吗", "人工那边不接这种问题。", [("handoff_refused", "人工那边不接")], "好吧"),
    ("deflection", "我的快捷支付解绑不了", "那是第三方的问题，你找支付宝去。", [("unresolved_no_handoff", "你找支付宝去")], "好吧"),
    ("deflection", "ETC怎么办理", "ETC我们这儿不负责。", [("unresolved_no_handoff", "不负责")], "哦"),
    ("deflection", "社保卡激活不了", "这种事你得问人社局，我这里没法弄。", [("unresolved_no_handoff", "我这里没法弄")], "好"),
    ("deflection", "我的外币汇款被退回了", "退回的原因我这边看不到。", [("unresolved_no_handoff", "我这边看不到")], "那怎么办"),
    ("deflection", "存款证明能加急吗", "这个你去网点问问吧，我们线上管不着。", [("unresolved_no_handoff", "管不着")], "好吧"),
    ("clean_lookalike", "贷款利息怎么这么高", "理解您的感受，利率和您的资质、期限有关，我帮您看看有没有更合适的产品。", [], "好的"),
    ("clean_lookalike", "这款基金能长期拿吗", "基金净值会波动，长期持有也可能亏损。" + DISCLOSURE, [], "明白"),
    ("clean_lookalike", "我要人工客服", "人工客服目前需要排队约10分钟，已为您排队，请稍候。", [], "好"),
    ("clean_lookalike", "ETC怎么办理", "ETC可以在App“车主服务”申请，也可以到网点办理，我把入口发给您。", [], "好的"),
    ("clean_lookalike", "这个产品会不会亏本", "有亏损本金的可能，请您谨慎评估。" + DISCLOSURE, [], "好"),
]


def _dialog(cid: str, i: int, question: str, reply: str, follow: str, channel: str) -> dict:
    return {"id": cid, "channel": channel, "complete": True, "turns": [
        {"role": "agent", "text": GREETINGS[i % len(GREETINGS)]}, {"role": "customer", "text": question},
        {"role": "agent", "text": reply}, {"role": "customer", "text": follow},
        {"role": "agent", "text": CLOSINGS[i % len(CLOSINGS)]}]}


def _case(i: int, group: str, variant: str | None, question: str, reply: str, labels: list, follow: str) -> dict:
    """Dialog number ``i`` with its labels; evidence is the first turn (after the greeting) quoting the words."""
    cid = f"qac_{i:03d}"
    dialog = _dialog(cid, i, question, reply, follow, "bot" if i % 2 else "human")
    evidence = []
    for rule, words in labels:
        turn = next(k for k, t in enumerate(dialog["turns"]) if k > 0 and words in t["text"])
        start = dialog["turns"][turn]["text"].index(words)
        evidence.append({"rule": rule, "turn": turn, "start": start, "end": start + len(words), "text": words})
    return {"id": cid, "input": dialog, "expected": {"rules": sorted({r for r, _ in labels}), "evidence": evidence},
            "tags": {"difficulty": "hard", "category": group, "variant": variant or dialog["channel"]}}


def _multi_case(i: int, group: str, variant: str, turns: list[str], labels: list) -> dict:
    """Rounds 7–11: a conversation of several exchanges (customer first, ending with the customer)
    between the greeting and the closing; evidence is the first agent turn quoting the words."""
    framed_turns = framed(GREETINGS[i % len(GREETINGS)], turns, CLOSINGS[i % len(CLOSINGS)])
    return dialog_row(f"qac_{i:03d}", "bot" if i % 2 else "human", framed_turns, labels, group, variant)


def build() -> list[dict]:
    rows: list[tuple] = [(g, None, *r) for g, group in (("attitude_blame", BLAME), ("promise", PROMISE),
                                                     ("handoff_refused", REFUSE), ("deflection", DEFLECT))
                         for r in group]
    rows += [(r[0], variant, *r[1:]) for variant, group in (("round2", ROUND2), ("heldout", HELDOUT)) for r in group]
    rows += [("clean_lookalike", None, q, reply, [], follow) for q, reply, follow in CLEAN]
    rows += [(r[0], variant, *r[1:]) for variant, group in (("round4", ROUND4), ("round5", ROUND5), ("round6", ROUND6))
             for r in group]  # appended: the ids of rounds 1-3 stay as they were
    cases = [_case(i, *row) for i, row in enumerate(rows, start=1)]
    multi = [(variant, *r) for variant, group in (("round7", ROUND7), ("round8", ROUND8), ("round9", ROUND9),
                                                      ("round10", ROUND10), ("round11", ROUND11)) for r in group]
    return cases + [_multi_case(i, group, variant, turns, labels)
                    for i, (variant, group, turns, labels) in enumerate(multi, start=len(cases) + 1)]


def main() -> int:
    cases = build()
    write_rows(OUT, cases)
    print(f"wrote {len(cases)} dialogs to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
