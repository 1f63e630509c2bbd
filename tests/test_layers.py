"""Imports point one way only (../shared/DESIGN.md, Layers), checked on the source itself.

Every module of the package is parsed (not run) and each of its imports is checked
against the rules below, so an arrow running up fails here with the file, the line and
the import. The rules:

* the vocabulary: standard library and numpy, and ``staffing.errors``;
* the queueing core: numpy and scipy, and ``staffing.errors`` / ``staffing.vocabulary``
  (one exception: ``Metrics.to_frame`` imports pandas when it is called, to hand its
  numbers over as a DataFrame; importing and using the core stays free of pandas, which
  ``tests/test_import_light.py`` checks in a fresh interpreter);
* the domain packages (planner, calibration, contracts, simulation, scheduling,
  forecasting) and the frame helpers never import ``staffing.io``, ``staffing.cli`` or
  ``staffing.plotting`` (one exception: ``ForecastResult.plot`` imports its figure from
  ``staffing.plotting`` when it is called);
* ``staffing.io`` never imports ``staffing.cli`` or ``staffing.plotting``;
* only ``staffing.plotting`` imports matplotlib, and only ``staffing.cli`` imports click.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "staffing"
DOMAIN = (
    "planner",
    "calibration",
    "contracts",
    "simulation",
    "scheduling",
    "forecasting",
    "frames",
)
UPPER = ("staffing.io", "staffing.cli", "staffing.plotting")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "staffing.planner.models"
    line: int
    target: str  # what it imports, absolute: "pandas", "staffing.io.tables"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, *, package: bool = False) -> list[Import]:
    """Every import in ``source`` (module level or inside functions), made absolute."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append(Import(module, node.lineno, target))
    return found


def all_imports(root: Path = PACKAGE) -> list[Import]:
    out = []
    for path in sorted(root.rglob("*.py")):
        name = _module_name(path, root)
        out += imports_of(path.read_text(), name, package=path.name == "__init__.py")
    return out


def _top(name: str) -> str:
    return name.split(".")[0]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


# (module, import) allowed to break a rule, with the reason in the module notes
_ALLOWED = {
    ("staffing.queueing.performance", "pandas"),
    # ForecastResult.plot() hands itself to the plotting layer, imported when called
    ("staffing.forecasting.forecaster", "staffing.plotting.forecast"),
}


def violations(imports: list[Import]) -> list[str]:
    """Each import that breaks a rule of the module notes, as ``module:line -> target``."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    bad = []
    for imp in imports:
        m, t = imp.module, imp.target
        where = f"{m}:{imp.line} imports {t}"
        if _within(m, "staffing.vocabulary"):
            ok = _top(t) in stdlib | {"numpy"} or t == "staffing.errors"
            if not ok:
                bad.append(f"{where} (the vocabulary: standard library and numpy only)")
        if _within(m, "staffing.queueing") and (m, t) not in _ALLOWED:
            ok = (
                _top(t) in stdlib | {"numpy", "scipy"}
                or _within(t, "staffing.queueing")
                or t in ("staffing.errors", "staffing.vocabulary")
            )
            if not ok:
                bad.append(f"{where} (the queueing core: numpy and scipy only)")
        domain = any(_within(m, f"staffing.{d}") for d in DOMAIN)
        if domain and any(_within(t, u) for u in UPPER) and (m, t) not in _ALLOWED:
            bad.append(f"{where} (a domain package imports a layer above it)")
        if _within(m, "staffing.io") and any(_within(t, u) for u in UPPER[1:]):
            bad.append(f"{where} (io imports a layer above it)")
        if _top(t) == "matplotlib" and not _within(m, "staffing.plotting"):
            bad.append(f"{where} (only staffing.plotting imports matplotlib)")
        if _top(t) == "click" and not _within(m, "staffing.cli"):
            bad.append(f"{where} (only staffing.cli imports click)")
    return bad


def test_no_import_runs_up() -> None:
    """The package as it is: no import breaks a rule."""
    imports = all_imports()
    assert len({i.module for i in imports}) > 40  # the whole package was read
    assert violations(imports) == []


@pytest.mark.parametrize(
    ("module", "source", "needle"),
    [
        ("staffing.planner.models", "from staffing.io import read_forecast", "domain package"),
        ("staffing.calibration.patience", "from ..io import tables", "domain package"),
        ("staffing.contracts.credits", "import staffing.cli.options", "domain package"),
        ("staffing.queueing.solver", "import pandas as pd", "queueing core"),
        ("staffing.queueing.erlang", "import pandas as pd", "queueing core"),
        ("staffing.queueing.solver", "from staffing.planner import plan", "queueing core"),
        ("staffing.vocabulary", "import scipy", "the vocabulary"),
        ("staffing.io.tables", "from staffing.plotting import planner", "io imports"),
        ("staffing.cli.plan_cmd", "import matplotlib.pyplot as plt", "matplotlib"),
        ("staffing.planner.summary", "    import click", "click"),
    ],
)
def test_the_check_can_fail(module: str, source: str, needle: str) -> None:
    """The same check reports an arrow running up, naming the module and the rule."""
    text = source if not source.startswith(" ") else "def f():\n" + source
    found = violations(imports_of(text, module))
    assert len(found) == 1 and needle in found[0] and found[0].startswith(module)
