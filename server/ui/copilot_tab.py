"""员工助手 tab: one chat box for staff; the copilot picks the customer-service, chain-map or loan
assistant. Each answer shows which assistants were called (expandable, with their arguments and
output) and whether the model or the deterministic keyword router answered.

``send`` does the work and returns plain values (tested without a browser); ``build_tab`` only lays
out components and wires them.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from agents.copilot.schemas import TOOL_LABELS, CopilotAnswer
from agents.copilot.service import CopilotService
from core.services import Services
from server.ui.llm_label import source_label

log = logging.getLogger("puhui.ui")
MAX_CHARS = 4000
EXAMPLES = ["客户问：银行卡丢了怎么办？该怎么回答",
            "帮我看看无锡市宜兴市丁蜀镇的陶都紫砂有限公司在产业链哪个环节，生产紫砂壶、茶具",
            "审查申请编号 EV0001 能不能批",
            "帮我审查一下常熟服装厂的贷款申请，申请50万，期限12个月"]
_REASONS = {"no_model": "未配置大模型", "ungrounded": "模型回答缺少工具结果支撑", "max_steps": "模型调用步数用尽",
            "empty_output": "模型没有给出回答", "timeout": "模型超时", "busy": "模型调用排队已满",
            "connection": "无法连接模型服务", "invalid_output": "模型输出无效"}


def tools_message(answer: CopilotAnswer) -> dict | None:
    """A collapsed assistant message (metadata.title): each assistant called, its arguments and output."""
    if not answer.tools_used:
        return None
    parts = []
    for use in answer.tools_used:
        args = "；".join(f"`{k}`={v}" for k, v in use.args.items() if v not in (None, "", [])) or "—"
        state = "成功" if use.ok else "失败"
        parts.append(f"**{TOOL_LABELS.get(use.tool, use.tool)}**（{state}）｜参数：{args}\n\n{use.output}")
    names = "、".join(TOOL_LABELS.get(u.tool, u.tool) for u in answer.tools_used)
    return {"role": "assistant", "content": "\n\n---\n\n".join(parts),
            "metadata": {"title": f"调用的助手：{names}", "status": "done"}}


def status_markdown(answer: CopilotAnswer) -> str:
    tools = "、".join(f"{TOOL_LABELS.get(u.tool, u.tool)}（`{u.tool}`{'' if u.ok else '，失败'}）"
                     for u in answer.tools_used) or "无"
    who = "大模型作答" if answer.llm == "llm" else "确定性关键词路由作答"
    line = f"**调用的助手** {tools} ｜ **作答** {who}（{source_label(answer.llm)}）"
    if answer.reason:
        line += f" ｜ **原因** {_REASONS.get(answer.reason, answer.reason)}（`{answer.reason}`）"
    return line


def _plain_history(history: list[dict]) -> list[dict[str, Any]]:
    """The conversation as the copilot sees it: user and answer messages, not the tool details."""
    return [{"role": m.get("role"), "content": m.get("content")} for m in history
            if isinstance(m, dict) and not m.get("metadata") and isinstance(m.get("content"), str)]


def send(services: Services, message: str, history: list[dict]) -> tuple[list[dict], str, str]:
    """Returns (chat history, cleared input, status markdown)."""
    message = (message or "").strip()
    if not message:
        return history, "", "请输入问题。"
    if len(message) > MAX_CHARS:
        return history, message, f"问题过长（最多 {MAX_CHARS} 字）。"
    try:
        answer = CopilotService.from_services(services).ask(message, _plain_history(history))
    except Exception as exc:  # the tab stays usable; details go to the log
        log.exception("copilot tab turn failed")
        return history, message, f"⚠ 回答失败：{type(exc).__name__}（详见服务器日志）"
    out: list[Any] = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": answer.answer}]
    if (details := tools_message(answer)) is not None:
        out.append(details)
    return out, "", status_markdown(answer)


def build_tab(services: Services) -> None:
    gr.Markdown("员工助手：用一句话提问，助手自动调用**客服**、**产业链地图**或**贷款审查**助手，并注明调用了哪个助手、"
                "由大模型还是确定性路由作答。事实与结论只来自各助手的结果。")
    chat = gr.Chatbot(label="对话", height=460, elem_id="copilot-chat")
    with gr.Row():
        box = gr.Textbox(placeholder="例如：客户问：税务贷额度多少？该怎么回答", show_label=False, scale=5,
                         elem_id="copilot-input")
        go = gr.Button("发送", variant="primary", scale=1, elem_id="copilot-send")
        clear = gr.Button("清空对话", scale=1, elem_id="copilot-clear")
    status = gr.Markdown(elem_id="copilot-status")
    gr.Examples(EXAMPLES, inputs=box)

    for trigger in (go.click, box.submit):
        trigger(lambda m, h: send(services, m, h or []), inputs=[box, chat], outputs=[chat, box, status])
    clear.click(lambda: ([], "", ""), outputs=[chat, box, status])
