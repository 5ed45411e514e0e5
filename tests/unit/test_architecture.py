"""The house rules of docs/architecture.md, checked on the source (ast, no imports executed).

- imports point down the layers: kb → tools → agents → server/eval/cli (core.settings and prompts
  at the bottom, core.services between agents/common and the assistants);
- an assistant package never imports a sibling assistant (the copilot may use their ``service`` and
  ``schemas`` modules: it is the one assistant built on the others);
- no router imports another router;
- no module imports another module's private (``_name``) names;
- an import inside a function says why on its line (heavy optional libraries only);
- only the composition roots (app.py, cli/, bench/) construct ``Settings``;
- every assistant package has the same roles: state, schemas, nodes, graph (``build_graph``) and
  service (one ``XService`` class with ``from_services``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "prompts", "kb", "tools", "agents", "eval", "server", "app", "cli", "bench")
ASSISTANTS = ("chain_map", "loan_review", "customer_service", "qa_inspection", "copilot", "monitoring", "campaign")
SERVICES = {"chain_map": "ChainMapService", "loan_review": "LoanReviewService", "customer_service": "CsService",
            "qa_inspection": "QaService", "copilot": "CopilotService", "monitoring": "MonitoringService",
            "campaign": "CampaignService"}


def layer(module: str) -> int:
    """Rank of a project module: a module may import modules of its own rank or below."""
    parts = module.split(".")
    if module == "core.settings" or parts[0] == "prompts" or module == "core":
        return 0
    if parts[0] == "kb":
        return 1
    if parts[0] == "tools":
        return 2
    if parts[:2] == ["agents", "common"]:
        return 3
    if parts[0] == "core":  # core.services builds kb objects and the chat model
        return 4
    if parts[0] == "agents":
        return 5
    return {"eval": 6, "server": 7, "app": 8, "cli": 9, "bench": 10}[parts[0]]


def modules() -> list[tuple[str, Path]]:
    out = []
    for pkg in PACKAGES:
        paths = [ROOT / "app.py"] if pkg == "app" else sorted((ROOT / pkg).rglob("*.py"))
        for path in paths:
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out.append((name.removesuffix(".__init__"), path))
    return out


MODULES = modules()


def project_imports(tree: ast.Module):
    """(node, imported module, imported names) for every import of a project module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in PACKAGES:
                yield node, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    yield node, alias.name, []


def assistant_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "agents" and len(parts) > 1 and parts[1] in ASSISTANTS else None


def violations(name: str, tree: ast.Module) -> list[str]:
    found = []
    for node, target, names in project_imports(tree):
        where = f"{name}:{node.lineno} imports {target}"
        if layer(target) > layer(name):
            found.append(f"{where}: upward import")
        mine, theirs = assistant_of(name), assistant_of(target)
        if mine and theirs and mine != theirs:
            allowed = mine == "copilot" and target.split(".")[-1] in ("service", "schemas")
            if not allowed:
                found.append(f"{where}: sibling assistant")
        if name.startswith("server.api.") and target.startswith("server.api.") and target not in (
                "server.api", "server.api.errors") and target != name:
            found.append(f"{where}: router imports another router")
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private:
            found.append(f"{where}: private names {private}")
    return found


@pytest.mark.parametrize("name,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_follow_the_layers(name, path):
    assert violations(name, ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_rules_catch_what_they_forbid():
    bad = ast.parse("from agents.chain_map.service import ChainMapService\nfrom kb.store import _x\n")
    assert {v.split(": ")[-1] for v in violations("tools.products", bad)} == {"upward import", "private names ['_x']"}
    sibling = ast.parse("from agents.customer_service.nodes import CsNodes\n")
    assert violations("agents.loan_review.nodes", sibling)[0].endswith("sibling assistant")
    assert violations("agents.copilot.assistants", ast.parse("from agents.chain_map.service import X\n")) == []
    assert violations("agents.copilot.assistants", ast.parse("from agents.chain_map.nodes import X\n"))
    router = ast.parse("from server.api.cs import caller_of\n")
    assert violations("server.api.qa", router)[0].endswith("router imports another router")


def _function_level_imports(tree: ast.Module):
    top = {id(n) for n in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` / try-blocks at module level are top level too
        if isinstance(node, (ast.If, ast.Try)):
            top |= {id(n) for n in ast.walk(node)}
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in top]


def test_imports_inside_functions_say_why():
    missing = []
    for name, path in MODULES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in _function_level_imports(ast.parse("\n".join(lines))):
            if "#" not in lines[node.end_lineno - 1]:
                missing.append(f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert missing == [], "an import inside a function needs a one-line reason (heavy optional library)"


def test_only_composition_roots_construct_settings():
    # kb.check_corpus is `python -m kb.check_corpus`, a command-line entry that must check the
    # configured corpus (PUHUI_CORPUS_DIR, issue #20), so it reads Settings like the CLI does
    roots = ("app", "cli.", "bench.", "core.settings", "kb.check_corpus")
    calls = []
    for name, path in MODULES:
        if name == "app" or name.startswith(roots):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Settings":
                calls.append(f"{name}:{node.lineno}")
    assert calls == []


@pytest.mark.parametrize("assistant", ASSISTANTS)
def test_every_assistant_has_the_same_shape(assistant):
    folder = ROOT / "agents" / assistant
    for role in ("state", "schemas", "graph", "service"):
        assert (folder / f"{role}.py").is_file(), f"agents/{assistant}/{role}.py"
    assert (folder / "nodes.py").is_file() or (folder / "nodes" / "__init__.py").is_file()
    graph = ast.parse((folder / "graph.py").read_text(encoding="utf-8"))
    assert "build_graph" in {n.name for n in graph.body if isinstance(n, ast.FunctionDef)}
    service = ast.parse((folder / "service.py").read_text(encoding="utf-8"))
    classes = {n.name: n for n in service.body if isinstance(n, ast.ClassDef)}
    cls = classes.get(SERVICES[assistant])
    assert cls is not None, f"agents/{assistant}/service.py defines {SERVICES[assistant]}"
    assert "from_services" in {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert not any(p.suffix in (".json", ".npz", ".pkl") for p in folder.glob("*")), "data files go under data/"
