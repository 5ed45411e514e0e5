"""Suite registry: every module in this package exports ``SUITES`` (a list of Suite subclasses).

Discovery keeps suites independent: adding an assistant's suite is adding one module here.
"""

from __future__ import annotations

import importlib
import pkgutil

from eval.suite import Suite


def all_suites() -> dict[str, type[Suite]]:
    found: dict[str, type[Suite]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for cls in getattr(module, "SUITES", []):
            found[cls.name] = cls
    return found


def select(names: list[str] | None, fast_only: bool = False) -> list[Suite]:
    """Instantiate the named suites (all when None); unknown names raise KeyError with the list."""
    registry = all_suites()
    if names:
        unknown = [n for n in names if n not in registry]
        if unknown:
            raise KeyError(f"unknown suite(s) {unknown}; known: {sorted(registry)}")
        chosen = [registry[n] for n in names]
    else:
        chosen = list(registry.values())
    return [cls() for cls in chosen if cls.fast or not fast_only]
