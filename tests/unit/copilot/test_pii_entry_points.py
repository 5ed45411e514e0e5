"""Issue #19: malformed personal numbers (wrong ID check character, card failing Luhn, mobile) sent
through every assistant's entry point — customer-service bot, QA inspection, loan review, copilot —
and then every file Puhui wrote in the data dir, plus every log line of the run, scanned: 0 in clear.

Shares the package's one real ``Services`` (built once for the copilot wiring tests), so it costs
only its own calls."""

from __future__ import annotations

import copy
import json
import logging

from agents.copilot.service import CopilotService
from agents.customer_service.service import CsService
from agents.loan_review.service import LoanReviewService
from agents.qa_inspection.service import QaService
from core.settings import PROJECT_ROOT
from tools import pii_logging
from tools.pii import id_card_valid, luhn_valid
from tools.pii_scan import scan_files, scan_text
from tools.qa.dialogs import Dialog

BAD_ID = "110105194912310021"  # wrong check character
BAD_ID_X = "32118119800412001X"  # wrong check character, X
BAD_CARD = "6222021234567890127"  # fails Luhn
MOBILE = "13912345670"
RAW = (BAD_ID, BAD_ID_X, BAD_CARD, MOBILE)


def _loan_case() -> dict:
    lines = (PROJECT_ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return copy.deepcopy(next(json.loads(x)["input"] for x in lines if json.loads(x)["id"] == "approve_danyang_eyewear"))


def test_malformed_numbers_through_every_entry_point_are_nowhere_in_clear(services, caplog):
    assert not id_card_valid(BAD_ID) and not id_card_valid(BAD_ID_X) and not luhn_valid(BAD_CARD)
    before = logging.getLogRecordFactory()
    pii_logging.install()
    try:
        with caplog.at_level(logging.DEBUG):
            bot = CsService.from_services(services)
            info, _ = bot.create_session("pii_customer", "api", history=[("user", f"我手机{MOBILE}")])
            for text in (f"我的身份证号{BAD_ID}，帮我查下贷款", f"卡号{BAD_CARD}丢了怎么挂失",
                         f"身份证{BAD_ID_X}，手机{MOBILE}收不到验证码"):
                reply = bot.send(info.id, "pii_customer", text).reply
                assert not any(r in reply.text for r in RAW)
            view = bot.view(info.id, "pii_customer").model_dump_json()
            assert not any(r in view for r in RAW)

            report = QaService.from_services(services).inspect(Dialog.model_validate({"id": "leak", "turns": [
                {"role": "agent", "text": f"您的卡号是{BAD_CARD}，身份证{BAD_ID}，手机{MOBILE}"},
                {"role": "customer", "text": "好的"}]}))
            dumped = report.model_dump_json()
            assert "pii" in dumped.lower() and not any(r in dumped for r in RAW)

            case = _loan_case()
            case["application_id"] = "PII0001"
            case["loan"]["purpose"] = f"采购原材料，回款入卡{BAD_CARD}，联系人身份证{BAD_ID}"
            case["enterprise"]["business_scope"] += f"；联系电话{MOBILE}"
            result = LoanReviewService.from_services(services).review(case)
            assert not any(r in result.model_dump_json() for r in RAW)

            answer = CopilotService.from_services(services).ask(f"客户身份证{BAD_ID}、卡号{BAD_CARD}问：银行卡丢了怎么办？")
            assert answer is not None
    finally:
        logging.setLogRecordFactory(before)
    files, findings = scan_files([services.settings.data_dir])
    findings += scan_text(caplog.text, "log")
    assert files > 0
    assert findings == [], [f"{f.where}: {f.kind} {f.masked}" for f in findings[:20]]
