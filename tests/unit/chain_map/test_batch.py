"""Batch mapping (issue 17 part 3): the core, the CLI and the workbench handler, on the mini corpus."""

import json

import pytest
from typer.testing import CliRunner

from agents.chain_map.batch import BatchInputError, read_prospects, run_batch
from agents.chain_map.service import ChainMapService
from server.ui.chain_batch import run_upload
from tests.unit.chain_map.test_interfaces import FakeServices, _cli

CSV = ("企业名称,经营范围,主营产品,所在地,经营年限\n"
       "丹阳市明瑞眼镜有限公司,眼镜制造；眼镜销售,树脂镜片、眼镜架,镇江市丹阳市,6\n"
       "蟹鲜生网店,大闸蟹网上销售；直播带货,,苏州市相城区,两年\n"
       "空范围,,,,\n"
       "巴城蟹塘,大闸蟹养殖,,火星,3\n")


@pytest.fixture()
def prospects(tmp_path):
    path = tmp_path / "prospects.csv"
    path.write_bytes(CSV.encode("gb18030"))  # Excel on a Chinese Windows saves GBK
    return path


def test_read_prospects_csv_and_jsonl(prospects, tmp_path):
    rows = read_prospects(prospects)
    assert [r.row for r in rows] == [2, 3, 4, 5]
    ent = rows[0].request["enterprise"]
    assert ent["name"] == "丹阳市明瑞眼镜有限公司" and ent["years_operating"] == 6.0 and ent["main_products"] == "树脂镜片、眼镜架"
    jl = tmp_path / "p.jsonl"
    jl.write_text('{"name": "a", "business_scope": "眼镜制造"}\n\nnot json\n[1]\n'
                  '{"enterprise": {"name": "b", "business_scope": "大闸蟹养殖"}}\n', encoding="utf-8")
    rows = read_prospects(jl)
    assert [r.row for r in rows] == [1, 3, 4, 5]
    assert rows[0].request == {"enterprise": {"name": "a", "business_scope": "眼镜制造"}}
    assert "第3行不是有效的 JSON" in rows[1].error and "JSON 对象" in rows[2].error
    assert rows[3].request["enterprise"]["name"] == "b"


@pytest.mark.parametrize("name, content, message", [
    ("p.txt", "x", "只支持"), ("p.csv", "", "没有可识别的列"), ("p.csv", "foo,bar\n1,2\n", "没有可识别的列"),
    ("p.jsonl", "\n\n", "没有企业记录"),
])
def test_read_prospects_rejects_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BatchInputError, match=message):
        read_prospects(path)
    with pytest.raises(BatchInputError, match="无法读取"):
        read_prospects(tmp_path / "missing.csv")


def test_run_batch_records_row_errors_and_goes_on(ctx, prospects, tmp_path):
    service = ChainMapService(ctx)
    calls = []

    def run(request):  # the third mapped row blows up: recorded, the run goes on
        calls.append(request)
        if request["enterprise"]["name"] == "蟹鲜生网店":
            raise RuntimeError("boom 13812345678")
        return service.run(request)

    out = tmp_path / "out" / "results.jsonl"
    seen = []
    summary = run_batch(run, read_prospects(prospects), out, progress=seen.append)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["row"] for x in lines] == [2, 3, 4, 5] and len(seen) == 4 and len(calls) == 4
    assert lines[0]["status"] == "ok" and lines[0]["segment_id"] == "danyang_eyewear" and lines[0]["stage"] == "midstream"
    assert lines[1] == {"row": 3, "name": "蟹鲜生网店", "status": "error", "errors": ["运行失败：RuntimeError"],
                        "role_evidence": [], "upstream": [], "downstream": [], "fitting_products": []}
    assert any("business_scope" in e for e in lines[2]["errors"])
    assert any("location" in e for e in lines[3]["errors"])
    assert (summary.rows, summary.ok, summary.errors) == (4, 1, 3) and summary.by_stage == {"midstream": 1}
    assert summary.rows_per_s > 0 and not list(out.parent.glob("*.part"))


def test_run_batch_full_and_no_half_written_file(ctx, tmp_path):
    service = ChainMapService(ctx)
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "蟹鲜生网店", "business_scope": "大闸蟹网上销售"}\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    run_batch(service.run, read_prospects(path), out, full=True)
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["stage"] == "downstream" and line["segment_stage"] == "upstream"
    assert line["result"]["position"]["role"]["words"] and "产业链地图报告" in line["result"]["report_markdown"]

    def interrupted(_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(interrupted, read_prospects(path), tmp_path / "never.jsonl")
    assert not (tmp_path / "never.jsonl").exists() and not list(tmp_path.glob("*.part"))


def test_cli_map_batch(ctx, prospects, tmp_path, monkeypatch):
    app, runner = _cli(ctx, monkeypatch), CliRunner()
    out = tmp_path / "results.jsonl"
    r = runner.invoke(app, ["map", "--batch", str(prospects), "--out", str(out)])
    assert r.exit_code == 1, r.output  # some rows had errors: recorded, the run finished
    assert "批量产业链定位" in r.output and "出错" in r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    good = tmp_path / "good.jsonl"
    good.write_text('{"name": "明瑞眼镜", "business_scope": "眼镜制造"}\n', encoding="utf-8")
    assert runner.invoke(app, ["map", "--batch", str(good), "--out", str(out)]).exit_code == 0
    r = runner.invoke(app, ["map", "--batch", str(good)])
    assert r.exit_code == 2 and "--out" in r.output
    r = runner.invoke(app, ["map", "--batch", str(tmp_path / "none.csv"), "--out", str(out)])
    assert r.exit_code == 2 and "无法读取" in r.output and "Traceback" not in r.output
    assert runner.invoke(app, ["map"]).exit_code == 2


def test_workbench_upload_handler(ctx, prospects):
    services = FakeServices(ctx)
    status, path, rows = run_upload(services, str(prospects))
    assert status.startswith("【完成】4 家：成功 1，出错 3") and path and path.endswith("results.jsonl")
    assert len(rows) == 4 and rows[0][2] == "成功" and rows[0][3] == "丹阳眼镜制造" and rows[2][2] == "出错"
    assert rows[0][4].startswith("中游") and rows[0][5] == "中游" and "环节：中游 1" in status
    assert run_upload(services, None)[1] is None
    txt = prospects.with_suffix(".txt")
    txt.write_text(CSV, encoding="utf-8")
    assert "只支持" in run_upload(services, str(txt))[0]
