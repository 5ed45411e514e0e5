"""The Gradio tab's handler and layout (no browser): outputs for a good run, field errors for bad input."""

import gradio as gr

from server.ui import chain_tab
from tests.unit.chain_map.test_interfaces import FakeServices


def _form(**over):
    values = dict(name="丹阳市明瑞眼镜有限公司", scope="眼镜制造；光学玻璃制造", products="树脂镜片", location="镇江市丹阳市",
                  years=6, revenue=None, account="自动判断", grade="B", tax_paid=12, inv_months=None, inv_amount=None)
    values.update(over)
    return list(values.values())


def test_run_map_with_statement_shows_picture_profile_strategies_and_flags(ctx):
    services = FakeServices(ctx)
    path = chain_tab.example_statement(services)
    out = chain_tab.run_map(services, *_form(), path)
    status, picture, placement, flows, profile, strategies, timeline, rows, report = out
    assert status.startswith("【完成】") and "丹阳眼镜制造" in status
    assert picture is not None and picture.size[0] > 100  # the chain picture with the enterprise
    assert "中游" in placement and flows is not None and timeline is not None
    assert "资金特征" in profile and "营销策略" in strategies and "尽调问题" in strategies
    assert rows and {r[2] for r in rows} & {"资金循环（闭环回流）", "交易对手与产业链位置不符", "拆分交易规避大额报告"}
    assert "六、可疑交易筛查" in report


def test_run_map_bad_input_lists_fields(ctx):
    out = chain_tab.run_map(FakeServices(ctx), *_form(scope="", location="火星", years=-3), None)
    assert out[0].startswith("【输入有误】")
    for field in ("enterprise.business_scope", "enterprise.location", "enterprise.years_operating"):
        assert field in out[0]


def test_form_maps_to_request():
    req = chain_tab.form_to_request(*_form(grade="未知", tax_paid=None, inv_months=10, inv_amount=300))
    ent = req["enterprise"]
    assert "tax" not in ent and ent["invoices"] == {"invoice_months_12m": 10, "annual_invoice_wan": 300.0}
    assert ent["account_type"] is None


def test_build_tab_lays_out(ctx):
    with gr.Blocks():
        chain_tab.build_tab(FakeServices(ctx))
