"""Imports point one way only (../shared/DESIGN.md, Layers), checked on the source itself.

Every module of the package is parsed (not run) and each of its imports is checked
against the rules below, so an arrow running up fails here with the file, the line and
the import. The rules:

* the vocabulary: standard library and numpy, and ``staffing.errors``;
* the queueing core: numpy and scipy, and ``staffing.errors`` / ``staffing.vocabulary``
  (one exception: ``Metrics.to_frame`` imports pandas when it is called, to hand its
  numbers over as a DataFrame; importing and using the core stays free of pandas, which
  ``tests/test_import_light.py`` checks in a fresh interpreter);
* the prepared forecast (``staffing.prepared``) sits below every domain package: it
  imports the standard library, numpy, scipy, pandas, the queueing core, the frame
  helpers, the vocabulary and ``staffing.errors`` only;
* the domain packages (planner, simulation, scheduling, calibration, forecasting), the
  prepared forecast and the frame helpers never import ``staffing.io``, ``staffing.cli``
  or ``staffing.plotting`` (one exception: ``ForecastResult.plot`` imports its figure
  from ``staffing.plotting`` when it is called), nor the packages on the floor above
  them (contracts, risk, capacity: what users are judged on), which may use them; on
  that floor, capacity and risk use the contracts, never the other way;
* no circle between packages of the domain floors: at run time (imports guarded by
  ``if TYPE_CHECKING:`` are left out) the packages import each other one way only, and
  ``staffing.simulation`` never imports ``staffing.planner`` (the planner may call
  simulation-based staffing, through the prepared forecast, not the other way);
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
    "risk",
    "capacity",
    "prepared",
    "frames",
)
#: The floor of what users are judged on: above the domain packages, below io.
JUDGED = ("staffing.contracts", "staffing.risk", "staffing.capacity")
UPPER = ("staffing.io", "staffing.cli", "staffing.plotting")
#: What the prepared forecast may import besides the standard library.
PREPARED_USES = ("numpy", "scipy", "pandas")
PREPARED_PACKAGES = (
    "staffing.errors",
    "staffing.vocabulary",
    "staffing.queueing",
    "staffing.frames",
    "staffing.prepared",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "staffing.planner.models"
    line: int
    target: str  # what it imports, absolute: "pandas", "staffing.io.tables"
    typing_only: bool = False  # under ``if TYPE_CHECKING:``


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _typing_only_lines(tree: ast.AST) -> set[int]:
    """Lines of the statements inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for stmt in node.body:
                    lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def imports_of(source: str, module: str, *, package: bool = False) -> list[Import]:
    """Every import in ``source`` (module level or inside functions), made absolute."""
    found = []
    tree = ast.parse(source)
    typing_only = _typing_only_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                Import(module, node.lineno, alias.name, node.lineno in typing_only)
                for alias in node.names
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append(Import(module, node.lineno, target, node.lineno in typing_only))
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
        in_domain = any(_within(m, f"staffing.{d}") for d in DOMAIN)
        if in_domain and any(_within(t, u) for u in UPPER) and (m, t) not in _ALLOWED:
            bad.append(f"{where} (a domain package imports a layer above it)")
        judged = any(_within(m, j) for j in JUDGED)
        if in_domain and not judged and any(_within(t, j) for j in JUDGED):
            bad.append(f"{where} (a domain package imports the floor above it)")
        if _within(m, "staffing.prepared"):
            ok = _top(t) in stdlib | set(PREPARED_USES) or any(
                _within(t, p) for p in PREPARED_PACKAGES
            )
            if not ok:
                bad.append(f"{where} (the prepared forecast: below every domain package)")
        neighbours = ("staffing.capacity", "staffing.risk")
        if _within(m, "staffing.contracts") and any(_within(t, n) for n in neighbours):
            bad.append(f"{where} (capacity and risk use the contracts, not the other way)")
        if _within(m, "staffing.simulation") and _within(t, "staffing.planner"):
            bad.append(f"{where} (the simulation never imports the planner)")
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


def package_of(name: str) -> str | None:
    """The domain-floor package a module belongs to (``staffing.planner``), if any."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "staffing" and parts[1] in DOMAIN:
        return ".".join(parts[:2])
    return None


def package_cycles(imports: list[Import]) -> list[list[str]]:
    """Circles between domain-floor packages at run time (typing-only imports left out)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        a, b = package_of(imp.module), package_of(imp.target)
        if a and b and a != b and not imp.typing_only:
            graph.setdefault(a, set()).add(b)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_circle_between_domain_packages() -> None:
    """Planner, simulation, scheduling, calibration, forecasting, the prepared forecast and
    the packages above them use each other one way only."""
    assert package_cycles(all_imports()) == []


def test_the_circle_check_can_fail() -> None:
    """Two packages importing each other are reported, a typing-only import is not."""
    both = [
        *imports_of("from staffing.simulation import x", "staffing.planner.voice"),
        *imports_of("from staffing.planner import y", "staffing.simulation.plan"),
    ]
    assert package_cycles(both) == [["staffing.planner", "staffing.simulation", "staffing.planner"]]
    typed = imports_of(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from staffing.planner import y",
        "staffing.simulation.plan",
    )
    assert package_cycles([both[0], *typed]) == []


@pytest.mark.parametrize(
    ("module", "source", "needle"),
    [
        ("staffing.prepared.model", "from staffing.planner import plan", "prepared forecast"),
        ("staffing.simulation.plan", "from staffing.planner import plan", "never imports"),
        ("staffing.planner.summary", "from staffing.contracts import compare", "floor above"),
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
        ("staffing.capacity.plan", "from staffing.io import read_table", "domain package"),
        ("staffing.capacity.model", "from ..plotting import capacity", "domain package"),
        ("staffing.planner.summary", "from staffing.capacity import plan", "floor above"),
        ("staffing.contracts.commitment", "import staffing.capacity", "use the contracts"),
    ],
)
def test_the_check_can_fail(module: str, source: str, needle: str) -> None:
    """The same check reports an arrow running up, naming the module and the rule."""
    text = source if not source.startswith(" ") else "def f():\n" + source
    found = violations(imports_of(text, module))
    assert len(found) == 1 and needle in found[0] and found[0].startswith(module)


#: Target kinds: only the queueing core (which defines and solves them) and the deferred
#: planner (whose kind has its own solver) may switch on them; everyone else asks the
#: target set (``met_by``, ``margins``, ``service_levels``, ``abandon_cap``...).
TARGET_KINDS = {"ServiceLevel", "Asa", "AbandonRate", "Occupancy", "CustomerAbandon"}
MAY_SWITCH = ("staffing/queueing/", "staffing/planner/deferred.py")


def _target_switches(source: str) -> list[int]:
    """Lines of ``isinstance(x, Kind)`` tests on a target kind, and of ``parse_targets(``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "parse_targets":
            found.append(node.lineno)
        elif node.func.id == "isinstance" and len(node.args) == 2:
            names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            if names & TARGET_KINDS:
                found.append(node.lineno)
    return found


def test_consumers_ask_the_target_set() -> None:
    """No module above the queueing core re-derives a target's facts from its kind or
    parses target text except through ``TargetSet`` (issue: targets that judge themselves)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel.startswith(MAY_SWITCH[0]) or rel == MAY_SWITCH[1]:
            continue
        offenders += [f"{rel}:{line}" for line in _target_switches(path.read_text())]
    assert offenders == []


def test_the_target_switch_check_can_fail() -> None:
    source = "def f(t, s):\n    if isinstance(t, ServiceLevel | Asa):\n        parse_targets(s)\n"
    assert _target_switches(source) == [2, 3]
    assert _target_switches("isinstance(t, float)\nTargetSet.parse('80/20')\n") == []


def _private_imports(source: str) -> list[str]:
    """``from staffing.x import _name`` where ``x`` is not itself a private module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        module = getattr(node, "module", None) or ""
        if isinstance(node, ast.ImportFrom) and module.startswith("staffing"):
            if module.rsplit(".", 1)[-1].startswith("_"):
                continue  # a private module shares its names within its package
            found += [
                f"{module}.{a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    return found


def test_private_names_stay_in_their_module() -> None:
    """A name another module needs has a public name (issue: curated namespaces)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        offenders += [f"{rel}: {name}" for name in _private_imports(path.read_text())]
    assert offenders == []


def test_the_private_name_check_can_fail() -> None:
    assert _private_imports("from staffing.scheduling.model import _gap, cost_unit") == [
        "staffing.scheduling.model._gap"
    ]
    assert _private_imports("from staffing.contracts._measures import _x") == []
