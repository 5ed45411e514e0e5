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
from starlette.exceptions import HTTPException as StarletteHTTPException  # noqa: E402

from agents.copilot.service import CopilotService  # noqa: E402
from core.services import Services  # noqa: E402
from core.settings import Settings  # noqa: E402
from server.api import routers  # noqa: E402
from server.api.errors import http_error_body  # noqa: E402
from server.ops import WorkerHeader, readiness  # noqa: E402
from server.ratelimit import RateLimiter, SharedRateLimiter  # noqa: E402
from server.security import ApiKeys, ensure_dev_key, require_caller  # noqa: E402
from tools import pii_logging  # noqa: E402
from tools.storage import SqliteDatabase, is_unavailable  # noqa: E402

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
    pii_logging.install()  # issue #19: no log record of this process carries a number in clear
    services = Services(settings)
    app = FastAPI(
        title="Puhui 普惠 agent suite",
        version="0.1.0",
        description="Industry-chain map, inclusive-loan review, customer-service bot and QA inspection.",
    )
    app.state.services = services
    app.state.api_keys = ApiKeys(ensure_dev_key(settings.api_keys, settings.data_dir))
    app.state.rate_limiter = _rate_limiter(settings, services)
    app.add_middleware(WorkerHeader)
    retry_after = {"Retry-After": str(settings.retry_after_s)}
    app.state.retry_after_s = settings.retry_after_s

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"error": "invalid request", "fields": _field_errors(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        return JSONResponse(status_code=exc.status_code, content=http_error_body(exc.status_code, exc.detail),
                            headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        if is_unavailable(exc):  # database or vector server down/restarting: retry, nothing was applied
            log.warning("store unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
            return JSONResponse(status_code=503, headers=retry_after,
                                content={"error": "a data store is unavailable; retry shortly", "fields": []})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"error": "internal error; the request was not applied"})

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict:
        """Liveness: the process answers (no store is touched)."""
        return {"status": "ok", "llm": settings.llm_provider, "embedding": settings.embedding_provider}

    @app.get("/readyz", tags=["ops"], responses={503: {"description": "a store is unreachable (Retry-After)"}})
    def readyz() -> JSONResponse:
        """Readiness for a load balancer: the state database and the vector store answer."""
        ok, checks = readiness(services)
        return JSONResponse(status_code=200 if ok else 503, content={"status": "ok" if ok else "unavailable", **checks},
                            headers=None if ok else retry_after)

    for router in routers():
        app.include_router(router, dependencies=[Depends(require_caller)])

    if with_ui:
        import gradio as gr  # gradio (~3 s to import) only when the workbench is mounted

        from server.ui.workbench import build_ui, make_auth  # imports gradio (see above)

        app = gr.mount_gradio_app(app, build_ui(services), path="/ui", auth=make_auth(settings, app.state.api_keys),
                                  auth_message="禾信银行 普惠助手工作台：请使用员工账号登录", show_error=False,
                                  run_history=False, footer_links=[])  # no customer data kept in browser storage
    return app


def _rate_limiter(settings: Settings, services: Services):
    """In memory for one process; shared through the state store when several workers (or hosts,
    with Postgres) serve the same keys, so N workers do not grant N times the limit."""
    if settings.uses_postgres:
        return SharedRateLimiter(settings.rate_limit_per_min, services.database)
    if settings.workers > 1:
        return SharedRateLimiter(settings.rate_limit_per_min, SqliteDatabase(settings.ratelimit_db, synchronous="OFF"))
    return RateLimiter(settings.rate_limit_per_min)


def serve_app() -> FastAPI:
    """uvicorn factory of ``puhui serve`` (each worker builds its own app from env/.env)."""
    return create_app(Settings())


def serve_api() -> FastAPI:
    """uvicorn factory of ``puhui serve --no-ui``."""
    return create_app(Settings(), with_ui=False)


def copilot_graph():
    """langgraph.json's "copilot" entry: the copilot over the default Services (settings from env/.env)."""
    return CopilotService.from_services(Services(Settings())).graph
