"""Composition root: Settings → Services → FastAPI (API + bot endpoint) with the Gradio workbench at /ui.

Only this module and the CLI read settings. ``create_app`` is also what the integration tests start
under uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from fastapi import Depends, FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from agents.copilot.service import CopilotService  # noqa: E402
from core.services import Services  # noqa: E402
from core.settings import Settings  # noqa: E402
from server.api import routers  # noqa: E402
from server.security import ApiKeys, RateLimiter, ensure_dev_key, require_caller  # noqa: E402

log = logging.getLogger("puhui")


def _field_errors(exc: RequestValidationError) -> list[dict]:
    """422 body: one entry per bad field, with a readable path and message (inputs are not echoed)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        out.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid"), "type": err.get("type")})
    return out


def create_app(settings: Settings | None = None, *, with_ui: bool = True) -> FastAPI:
    settings = settings or Settings()
    services = Services(settings)
    app = FastAPI(
        title="Puhui 普惠 agent suite",
        version="0.1.0",
        description="Industry-chain map, inclusive-loan review, customer-service bot and QA inspection.",
    )
    app.state.services = services
    app.state.api_keys = ApiKeys(ensure_dev_key(settings.api_keys, settings.data_dir))
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_min)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"error": "invalid request", "fields": _field_errors(exc)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"error": "internal error; the request was not applied"})

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict:
        return {"status": "ok", "llm": settings.llm_provider, "embedding": settings.embedding_provider}

    for router in routers():
        app.include_router(router, dependencies=[Depends(require_caller)])

    if with_ui:
        import gradio as gr  # gradio (~3 s to import) only when the workbench is mounted

        from server.ui.workbench import build_ui, make_auth  # imports gradio (see above)

        app = gr.mount_gradio_app(app, build_ui(services), path="/ui", auth=make_auth(settings, app.state.api_keys),
                                  auth_message="禾信银行 普惠助手工作台：请使用员工账号登录", show_error=False,
                                  run_history=False, footer_links=[])  # no customer data kept in browser storage
    return app


def copilot_graph():
    """langgraph.json's "copilot" entry: the copilot over the default Services (settings from env/.env)."""
    return CopilotService.from_services(Services(Settings())).graph
