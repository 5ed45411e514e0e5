"""HTTP routers, one module per assistant; app.py mounts each behind the API-key dependency."""

from __future__ import annotations

from fastapi import APIRouter

from server.api import campaign, chain, copilot, cs, kb, loan, monitoring, openai_compat, qa


def routers() -> list[APIRouter]:
    return [kb.router, chain.router, loan.router, cs.router, openai_compat.router, qa.router,
            copilot.router, monitoring.router,
            campaign.router]
