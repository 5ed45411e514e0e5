"""Round 9 of the qa_compliance training dialogs (tag variant ``round9``; issue #19, branch qa-recall4).

Written for iteration 4 without looking at any held-out dialog, aimed at the two rules whose recall
stayed low on other authors' wording: rude_language in its quieter forms (sarcasm, mock politeness
「您真是太会了」, blame dressed as advice) and handoff_refused after requests that do not say 人工
(主管, 领导, 经理, 负责人, 能做主的人, "your boss"), with refusals that stall rather than say no. The
clean near-misses are polite firmness, apologies, and honest 「我这边看不到，马上给您转…」 that must not
be flagged. Same shape as round 7 (eval/qa_compliance_round7.py): ``(category, turns, labels)``.
"""

from __future__ import annotations

D = "温馨提示：理财非存款、产品有风险、投资须谨慎。"

RUDE = [
    ("attitude_blame", ["我转账转错人了", "哎呀，您可真是细心呢，这么长的卡号一位都没核对。", "……"], [("rude_language", "您可真是细心呢")]),
    ("attitude_blame", ["我的验证码一直收不到", "您确定手机开机了吗？别是欠费停机了还来找银行。", "没欠费"], [("rude_language", "欠费停机了还来找银行")]),
    ("attitude_blame", ["信用卡逾期了一天会怎样", "会怎样？您自己不按时还，还好意思问会怎样。", "好吧"], [("rude_language", "还好意思问")]),
    ("attitude_blame", ["我想问下存款利率", "官网首页就挂着呢，亲，眼睛睁大点就看到了。", "哦"], [("rude_language", "眼睛睁大点")]),
    ("attitude_blame", ["为什么我贷款没批下来", "您征信什么样您自己心里不清楚吗，还用我说？", "我不清楚"], [("rude_language", "您自己心里不清楚吗")]),
    ("attitude_blame", ["App更新后找不到转账了", "转账按钮那么大，您这找东西的本事也是没谁了。", "……"], [("rude_language", "也是没谁了")]),
    ("attitude_blame", ["我的卡过期了怎么办", "过期了换新卡呗，这种事还要打电话问，真够闲的。", "嗯"], [("rude_language", "真够闲的")]),
    ("attitude_blame", ["手续费能不能免", "免？您怎么不干脆让我们倒贴您钱呢。", "我就问问"], [("rude_language", "让我们倒贴您钱")]),
    ("attitude_blame", ["刚才说的我没听清", "好的，那我再慢慢地、一个字一个字地给您讲一遍，这回您可得听清了哦。", "好"], [("rude_language", "一个字一个字地给您讲")]),
    ("attitude_blame", ["我被骗了五千块", "现在的骗局那么老套您都能上当，也真是佩服。", "……"], [("rude_language", "也真是佩服")]),
    ("attitude_blame", ["为什么我的积分清零了", "积分有效期写得清清楚楚，是您自己没用掉，怨不得别人。", "好吧"], [("rude_language", "怨不得别人")]),
    ("attitude_blame", ["你们网点排队太久了", "嫌久您早点来啊，谁让您挑人最多的时候来。", "嗯"], [("rude_language", "谁让您挑人最多的时候来")]),
    ("attitude_blame", ["我的密码被锁了", "输错五次才锁，您这手速我是服气的。", "……"], [("rude_language", "您这手速我是服气的")]),
    ("attitude_blame", ["请问怎么开通手机银行", "这年头还有人不会开手机银行啊，稀奇。", "我年纪大了"], [("rude_language", "稀奇")]),
    ("attitude_blame", ["我要投诉你们", "投诉呗，您随意，反正也不是第一个了。", "什么态度"], [("rude_language", "您随意，反正也不是第一个了")]),
    ("attitude_blame", ["怎么又扣了年费", "又？去年就给您讲过了，您是金鱼记忆吗。", "……"], [("rude_language", "您是金鱼记忆吗")]),
    ("attitude_blame", ["贷款利率能解释一下吗", "解释了您也听不懂，您就按月还就行了。", "我听得懂"], [("rude_language", "解释了您也听不懂")]),
    ("attitude_blame", ["我卡里怎么有一笔不明扣款", "不明？您自己的消费您都不明，那谁能明。", "我没消费"], [("rude_language", "那谁能明")]),
    ("attitude_blame", ["我想修改预留手机号", "好嘞，这么简单的事，难为您专门跑一趟电话了。", "嗯"], [("rude_language", "难为您专门跑一趟电话了")]),
    ("attitude_blame", ["转账限额怎么提高", "您先把现有限额花明白再说提高的事吧。", "什么意思"], [("rude_language", "您先把现有限额花明白再说")]),
    ("attitude_blame", ["我要取消自动扣款", "当初是您自己签的，现在又要取消，您可真有意思。", "嗯"], [("rude_language", "您可真有意思")]),
    ("attitude_blame", ["网银盾丢了", "又丢？您这保管东西的能力也是让人开眼界。", "……"], [("rude_language", "让人开眼界")]),
    ("attitude_blame", ["理财亏了我很生气", "亏了冲我生气有什么用，买的时候怎么不生气。", "……"], [("rude_language", "买的时候怎么不生气")]),
    ("attitude_blame", ["请问你们几点下班", "您这问题问得真有水平，门口牌子写着呢。", "哦"], [("rude_language", "您这问题问得真有水平")]),
    ("attitude_blame", ["能不能快点，我赶时间", "赶时间您就别打电话了嘛，谁还没点事啊。", "好吧"], [("rude_language", "谁还没点事啊")]),
    ("attitude_blame", ["我的房贷多扣了两百", "多扣？您那小学数学没学好吧，利息本来就这么多。", "我算过"], [("rude_language", "小学数学没学好吧")]),
    ("attitude_blame", ["我的快捷支付解绑不了", "呵呵，那您慢慢研究，研究明白了再来。", "你什么意思"], [("rude_language", "研究明白了再来")]),
    ("attitude_blame", ["我的卡被冻结三天了", "冻了就冻了呗，又不是我冻的，您找我也没用，怪您自己操作异常。", "……"], [("rude_language", "怪您自己操作异常")]),
    ("attitude_blame", ["大额存单还有额度吗", "早没了，都被手快的抢光了，您这反应速度嘛，呵呵。", "好吧"], [("rude_language", "您这反应速度嘛")]),
    ("attitude_blame", ["为什么还没给我回电", "我们又不是专门伺候您一个人的，排着吧。", "……"], [("rude_language", "又不是专门伺候您一个人的")]),
    ("attitude_blame", ["这个表我不会填", "这都不会填？亲，您上过学吧。", "……"], [("rude_language", "您上过学吧")]),
    ("attitude_blame", ["我的账户被风控了能解吗", "能解，不过下回您长点心，别什么链接都点。", "好"], [("rude_language", "下回您长点心")]),
]

REFUSE = [
    ("handoff_refused", ["这事你做不了主，让你们主管来跟我说", "主管很忙的，这点小事就别惊动领导了。", "这不是小事"], [("handoff_refused", "就别惊动领导了")]),
    ("handoff_refused", ["我要找你们经理", "经理不接待个人客户的，您有什么跟我讲。", "好吧"], [("handoff_refused", "经理不接待个人客户的")]),
    ("handoff_refused", ["叫你们领导来", "领导也是按这个规定，叫来也一样。", "……"], [("handoff_refused", "叫来也一样")]),
    ("handoff_refused", ["我想跟能做主的人谈", "这事谁来都做不了主，您就别找了。", "嗯"], [("handoff_refused", "您就别找了")]),
    ("handoff_refused", ["请帮我找一下负责人", "负责人不对外，有问题在我这里反映就行。", "好"], [("handoff_refused", "负责人不对外")]),
    ("handoff_refused", ["let me talk to your manager", "我们经理不处理这种事情，您先听我说完。", "ok"], [("handoff_refused", "我们经理不处理这种事情")]),
    ("handoff_refused", ["能不能换个懂行的人跟我说", "换谁都一样，大家都是按同一套口径答的。", "好吧"], [("handoff_refused", "换谁都一样")]),
    ("handoff_refused", ["我要找客服专员", "专员现在都在开会，您等会儿自己再打进来吧。", "……"], [("handoff_refused", "您等会儿自己再打进来吧")]),
    ("handoff_refused", ["麻烦给我接一个真人", "先别急着找真人，我们再试试别的办法。", "我就要真人"], [("handoff_refused", "先别急着找真人")]),
    ("handoff_refused", ["我要和你们上级反映", "上级那边也是转回到我这儿，您直接跟我说吧。", "好吧"], [("handoff_refused", "您直接跟我说吧")]),
    ("handoff_refused", ["给我找个有权限的人", "权限都一样的，找谁都是这个答复。", "嗯"], [("handoff_refused", "找谁都是这个答复")]),
    ("handoff_refused", ["你这说不明白，换个人来", "我说得很明白了，换人也没有别的说法。", "……"], [("handoff_refused", "换人也没有别的说法")]),
    ("handoff_refused", ["我要投诉，找你们值班经理", "值班经理的电话不方便给您，投诉我记一下就行。", "好"], [("handoff_refused", "值班经理的电话不方便给您")]),
    ("handoff_refused", ["我不想跟机器聊了，有没有人", "有人也是看同样的资料，您还是问我更快。", "好吧"], [("handoff_refused", "您还是问我更快")]),
    ("handoff_refused", ["I want a real person please", "真人坐席不提供英文服务，您就用我吧。", "ok"], [("handoff_refused", "您就用我吧")]),
    ("handoff_refused", ["请让你们主管给我回个电话", "主管不给客户回电的，这个没办法安排。", "为什么"], [("handoff_refused", "主管不给客户回电的")]),
    ("handoff_refused", ["我要找领导，你们这服务太差了", "领导不会管这个的，您消消气，我们聊聊。", "……"], [("handoff_refused", "领导不会管这个的")]),
    ("handoff_refused", ["找个能拍板的来跟我说", "能拍板的人也是听我们汇报，您找不找都一样。", "好吧"], [("handoff_refused", "您找不找都一样")]),
    ("handoff_refused", ["我想和人工客服沟通一下贷款", "人工那边这会儿排不上，您改天再说吧。", "改天？"], [("handoff_refused", "您改天再说吧")]),
    ("handoff_refused", ["我要找你们行长", "行长哪有空接电话，您就别为难我了。", "……"], [("handoff_refused", "行长哪有空接电话")]),
    ("handoff_refused", ["转给你们的信用卡专员", "专员也就是多个头衔，跟我说没区别。", "好吧"], [("handoff_refused", "跟我说没区别")]),
]

CLEAN = [
    ("clean_lookalike", ["让你们主管来跟我说", "好的，我马上为您联系值班主管，请您稍候一两分钟。", "好"], []),
    ("clean_lookalike", ["我要找你们经理", "理解您的心情，我已为您登记，值班经理会在30分钟内回电给您。", "好"], []),
    ("clean_lookalike", ["叫你们负责人来", "好的，我这就把您的诉求升级给负责人，并为您登记工单，今天下班前会有人联系您。", "好"], []),
    ("clean_lookalike", ["我的贷款审批到哪了", "我这边看不到审批系统的进度，我马上把您转到贷款专员那里查询。", "好"], []),
    ("clean_lookalike", ["这笔境外扣款是什么", "这笔交易的商户信息我这里看不到，我帮您转接信用卡专员核实。", "好"], []),
    ("clean_lookalike", ["手续费能免吗", "抱歉，这项手续费按规定不能减免，我可以告诉您哪些方式可以少付手续费。", "好"], []),
    ("clean_lookalike", ["你们这规定太不合理了", "非常理解您的感受，规定确实给您带来了不便，您的意见我已记录并反馈。", "好"], []),
    ("clean_lookalike", ["都怪你们系统出问题", "是的，这次是我们系统的问题，不怪您，给您添麻烦了，已为您补发。", "好"], []),
    ("clean_lookalike", ["我刚才没听清", "没关系，我再给您说一遍：补卡需要带身份证到任一网点办理。", "好"], []),
    ("clean_lookalike", ["密码又输错被锁了", "别担心，很多客户都遇到过，第二天会自动解锁，也可以在App刷脸解锁。", "好"], []),
    ("clean_lookalike", ["我想跟真人说", "好的，正在为您转接人工客服，当前排队两位，请稍候。", "好"], []),
    ("clean_lookalike", ["找个能做主的人", "明白，我马上为您转接值班主管，他可以处理您的减免申请。", "好"], []),
    ("clean_lookalike", ["你们能不能快点", "抱歉让您久等，我正在加急处理，大约两分钟，请您稍候。", "好"], []),
    ("clean_lookalike", ["我被骗了怎么办", "请您先别着急，我马上帮您冻结账户，同时建议您尽快报警，我们会配合警方调查。", "好"], []),
    ("clean_lookalike", ["这个理财会不会亏", "会有亏损的可能，产品不保本，请您根据自己的风险承受能力决定。" + D, "好"], []),
    ("clean_lookalike", ["贷款肯定能批吧", "能否获批以审批结果为准，我没法向您保证，但可以帮您把材料准备齐全。", "好"], []),
    ("clean_lookalike", ["这个问题你是不是答不了", "这个确实超出我能确认的范围，我已为您登记工单，专员会在一个工作日内回电。", "好"], []),
    ("clean_lookalike", ["人工怎么这么难找", "抱歉，现在人工坐席比较忙，我已为您排队，前面还有三位，也可以为您登记回电。", "好"], []),
    ("clean_lookalike", ["我要投诉你们网点", "非常抱歉给您带来不好的体验，我这就为您转接投诉专席记录。", "好"], []),
    ("clean_lookalike", ["积分怎么清零了", "积分有效期为两年，到期会清零，这点我们提醒得不够，我帮您看看能否申请延期。", "好"], []),
    ("clean_lookalike", ["我卡里多了一笔钱", "这笔可能是退款或代发，我这边看不到付款方信息，我帮您转给账户专员查询。", "好"], []),
    ("clean_lookalike", ["你说的我听不懂", "是我没讲清楚，我换个说法：这笔利息是按天计算的，存一天算一天。", "好"], []),
    ("clean_lookalike", ["我要找你们领导", "好的，我把您的情况整理给值班领导，他会在一小时内回电给您，请保持电话畅通。", "好"], []),
    ("clean_lookalike", ["你们能不能保证我的钱安全", "您的存款受存款保险保护，我们也会持续监测账户风险，有异常第一时间通知您。", "好"], []),
    ("clean_lookalike", ["不想跟机器说了", "理解，我这就为您转接人工客服，请稍候。", "好"], []),
    ("clean_lookalike", ["这个规定谁定的", "这是监管和我行的统一规定，我不能为您破例，不过可以帮您走加急通道。", "好"], []),
    ("clean_lookalike", ["我是不是操作错了", "不是您的问题，这个页面确实容易误点，我一步一步带您重新操作。", "好"], []),
]

ROUND9 = RUDE + REFUSE + CLEAN
