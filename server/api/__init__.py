"""HTTP routers, one module per assistant; app.py mounts each behind the API-key dependency."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from server.api import chain, copilot, cs, kb, loan, openai_compat, qa

    return [kb.router, chain.router, loan.router, cs.router, openai_compat.router, qa.router,
            copilot.router]
