"""The staff copilot assembled from the real assistants: what the API, the CLI, the workbench tab and
langgraph.json share.

agents/copilot only knows three functions (it must not import another assistant); this module
supplies them from ``Services`` through each assistant's public entry point — the same ones its own
API router and CLI command use — so the copilot hands staff exactly what the assistant's own tab
would. Each function returns a short text rendered from prompts/copilot/*.md.j2: that text is the
tool result the model reads and, without a model, the answer staff read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.copilot import (
    ChainMapArgs,
    CopilotAnswer,
    CopilotTools,
    CustomerServiceArgs,
    ask,
    build_copilot,
)
from prompts.loader import render
from server.copilot_loan import loan_review_tool

STAFF_CUSTOMER = "staff_copilot"  # the customer id of the copilot's own customer-service sessions
CHANNEL = "copilot"
UNNAMED = "（未提供企业名称）"  # the chain map requires a name; a label, never used as a fact
TOP_PRODUCTS = 3
MAX_HISTORY = 20  # earlier messages passed to the model (the keyword router reads only the question)


def customer_service_tool(services: Any) -> Callable[[CustomerServiceArgs], str]:
    """One question to the customer-service bot in a fresh session: reply, outcome, sources."""

    def answer(args: CustomerServiceArgs) -> str:
        from agents.customer_service.build import bot_from_services

        bot = bot_from_services(services)
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
        from agents.chain_map.context import context_for
        from agents.chain_map.graph import run_chain_map
        from agents.chain_map.schemas import ChainMapErrors

        context = context_for(services)
        notes: list[str] = []
        result = run_chain_map(chain_map_request(args), context)
        if isinstance(result, ChainMapErrors) and args.location and \
                all(e.loc == "enterprise.location" for e in result.errors):
            notes.append(f"未能识别所在地「{args.location}」，已不按地区分析。")
            result = run_chain_map(chain_map_request(args, with_location=False), context)
        if isinstance(result, ChainMapErrors):
            return render("copilot/chain_map_errors.md.j2", errors=result.errors).strip()
        products = [m for m in result.marketing.products if m.status != "fails"][:TOP_PRODUCTS]
        return render("copilot/chain_map.md.j2", result=result, pos=result.position, products=products,
                      notes=notes + list(result.warnings)).strip()

    return summarise


def copilot_tools(services: Any) -> CopilotTools:
    """The three assistants of this process as the copilot's tools (each built on first use)."""
    from agents.loan_review.service import LoanReviewService

    return CopilotTools(customer_service=customer_service_tool(services), chain_map=chain_map_tool(services),
                        loan_review=loan_review_tool(lambda: LoanReviewService.for_services(services)))


def copilot_for(services: Any):
    """The process-wide compiled copilot: ``services.llm`` (None → keyword routing), bounded by
    ``settings.llm_timeout_s`` per model turn."""
    return services.cached("copilot.graph", lambda: build_copilot(
        copilot_tools(services), services.llm, timeout_s=services.settings.llm_timeout_s))


def history_messages(history: Iterable[Mapping[str, Any]]) -> list[BaseMessage]:
    """Chat history as ``{"role": "user"|"assistant", "content": str}`` → messages (last MAX_HISTORY)."""
    out: list[BaseMessage] = []
    for item in history:
        content = str(item.get("content") or "").strip()
        if not content:
            continue
        out.append(HumanMessage(content=content) if item.get("role") == "user" else AIMessage(content=content))
    return out[-MAX_HISTORY:]


def ask_copilot(services: Any, question: str, history: Iterable[Mapping[str, Any]] = ()) -> CopilotAnswer:
    """One staff request → the copilot's answer. Raises ValueError for an empty question."""
    return ask(copilot_for(services), question, history_messages(history))


def make_graph():
    """langgraph.json factory: the copilot over the default Services (settings from env/.env)."""
    from agents.common.context import Services
    from agents.common.settings import Settings

    return copilot_for(Services(Settings()))
