"""The copilot's three tools, supplied by the real assistants of this process.

Each tool goes through the assistant's public entry point (``XService.from_services``) — the same one
its own API router and CLI command use — so the copilot hands staff exactly what the assistant's own
tab would. Each returns a short text rendered from prompts/copilot/*.md.j2: that text is the tool
result the model reads and, without a model, the answer staff read. The graph itself (graph.py,
nodes.py) only knows the three plain functions in ``CopilotTools``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.chain_map.schemas import ChainMapErrors
from agents.chain_map.service import ChainMapService
from agents.copilot.loan_tool import loan_review_tool
from agents.copilot.schemas import ChainMapArgs, CustomerServiceArgs
from agents.copilot.tools import CopilotTools
from agents.customer_service.service import CsService
from agents.loan_review.service import LoanReviewService
from prompts.loader import render

STAFF_CUSTOMER = "staff_copilot"  # the customer id of the copilot's own customer-service sessions
CHANNEL = "copilot"
UNNAMED = "（未提供企业名称）"  # the chain map requires a name; a label, never used as a fact
TOP_PRODUCTS = 3


def customer_service_tool(services: Any) -> Callable[[CustomerServiceArgs], str]:
    """One question to the customer-service bot in a fresh session: reply, outcome, sources."""

    def answer(args: CustomerServiceArgs) -> str:
        bot = CsService.from_services(services)
        info, _ = bot.create_session(STAFF_CUSTOMER, CHANNEL)
        result = bot.send(info.id, STAFF_CUSTOMER, args.question)
        return render("copilot/customer_service.md.j2", question=args.question, reply=result.reply).strip()

    return answer


def chain_map_request(args: ChainMapArgs, with_location: bool = True) -> dict:
    """The chain-map request from the copilot's arguments: the staff description stands in for the
    business scope when none was given (it is what the staff member said the business does)."""
    return {"enterprise": {"name": args.name or UNNAMED, "business_scope": args.business_scope or args.description,
                           "main_products": list(args.products),
                           "location": args.location if with_location else None}}


def chain_map_tool(services: Any) -> Callable[[ChainMapArgs], str]:
    """Run the chain-map assistant; summarise segment, chain position and the top strategies.

    An unrecognised location read from free text is dropped (and said so) rather than failing the
    whole analysis: the segment is found from scope and products, the location only refines it."""

    def summarise(args: ChainMapArgs) -> str:
        chain_map = ChainMapService.from_services(services)
        notes: list[str] = []
        result = chain_map.run(chain_map_request(args))
        if isinstance(result, ChainMapErrors) and args.location and \
                all(e.loc == "enterprise.location" for e in result.errors):
            notes.append(f"未能识别所在地「{args.location}」，已不按地区分析。")
            result = chain_map.run(chain_map_request(args, with_location=False))
        if isinstance(result, ChainMapErrors):
            return render("copilot/chain_map_errors.md.j2", errors=result.errors).strip()
        products = [m for m in result.marketing.products if m.status != "fails"][:TOP_PRODUCTS]
        return render("copilot/chain_map.md.j2", result=result, pos=result.position, products=products,
                      notes=notes + list(result.warnings)).strip()

    return summarise


def assistant_tools(services: Any) -> CopilotTools:
    """The three assistants of this process as the copilot's tools (each built on first use)."""
    return CopilotTools(customer_service=customer_service_tool(services), chain_map=chain_map_tool(services),
                        loan_review=loan_review_tool(lambda: LoanReviewService.from_services(services)))
