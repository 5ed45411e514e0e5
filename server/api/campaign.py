"""营销获客 API (bank staff only).

- ``POST /v1/campaigns`` — plan a campaign over a synthetic base (size, seed): targets with product,
  channel, bid, expected value and three reasons, the channel plan, the model's quality and the brief.

A bank's own base is loaded from files with the CLI (``puhui campaign build --base``): the API never
reads server paths named by a caller. A request plans at most ``PUHUI_CAMPAIGN_API_MAX_SIZE``
enterprises (default 20,000, ~10–30 s); a 200k campaign is a batch job for the CLI. Bad fields (negative budget, unknown product or channel) are
422 naming the field, in the shared ``{error, fields}`` shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from agents.campaign.schemas import CampaignRequest, CampaignResult
from agents.campaign.service import CampaignService, InvalidCampaign
from server.api.errors import ErrorBody, FieldProblem
from server.security import require_staff

router = APIRouter(prefix="/v1", tags=["campaigns"], dependencies=[Depends(require_staff)])  # bank staff only


def _error(problems: list[tuple[str, str]]) -> JSONResponse:
    body = ErrorBody(error="invalid request", fields=[FieldProblem(field=f, message=m, type="value_error")
                                                      for f, m in problems])
    return JSONResponse(status_code=422, content=body.model_dump())


@router.post("/campaigns", response_model=CampaignResult,
             responses={422: {"model": ErrorBody, "description": "invalid fields (each named)"}})
def create_campaign(body: CampaignRequest, request: Request) -> Any:
    """Plan a campaign: segment linking, product fit, risk pre-screen, propensity, budget and bid."""
    services = request.app.state.services
    if body.population.source != "synthetic":
        return _error([("population.source", "接口只支持 synthetic；自有客户名单请用 puhui campaign build --base 导入")])
    cap = services.settings.campaign_api_max_size
    if body.population.size > cap:
        return _error([("population.size", f"接口单次最多 {cap} 户（PUHUI_CAMPAIGN_API_MAX_SIZE）；更大的名单请用 "
                                           "puhui campaign build 批量运行")])
    try:
        return CampaignService.from_services(services).run(body).result
    except InvalidCampaign as exc:
        return _error(exc.errors)
