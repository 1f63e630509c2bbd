"""Importing the package or its queueing core loads neither pandas, matplotlib nor click.

Quick calculations must start fast: the table-level layers load lazily. Each check runs
in a fresh interpreter, since this test session itself has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "matplotlib", "click")

PROGRAM = """
import sys
{statement}
heavy = [m for m in {heavy!r} if m in sys.modules]
print(",".join(heavy))
"""


@pytest.mark.parametrize(
    "statement",
    [
        "import staffing",
        "import staffing.queueing",
        "from staffing.queueing import erlang_c, evaluate, required_agents, parse_targets",
        # using the core, not just importing it, stays light too
        "import staffing; staffing.evaluate(100, 180, 14, patience_s=120); "
        "staffing.required_agents([100.0, 250.0], 180, ['80/20', 'abandon<=5%'], "
        "patience_s=90); staffing.erlang_b(10, 12); staffing.parse_targets('90/10+99/300')",
    ],
)
def test_import_is_light(statement: str) -> None:
    """``{statement}`` leaves pandas, matplotlib and click unloaded."""
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(statement=statement, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"


def test_the_check_can_fail() -> None:
    """The same probe reports a heavy module once something imports it."""
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(statement="import staffing, click", heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "click"


@pytest.mark.parametrize(
    "statement",
    [
        "import staffing.cli.plan_cmd",
        "import staffing.io",
        "from staffing import plan_file",
    ],
)
def test_planning_does_not_load_calibration(statement: str) -> None:
    """Planning a forecast file loads neither the calibration layer nor scipy.stats (about a
    second of start-up for every ``staffing plan``); reading ``calibration.json`` does."""
    unwanted = ("staffing.calibration", "scipy.stats", "matplotlib")
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(statement=statement, heavy=unwanted)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"
