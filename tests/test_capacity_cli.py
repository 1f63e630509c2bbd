"""``staffing capacity`` through click's CliRunner, in a fresh directory each time.

The sample requirement (``data/requirement.csv``, 52 weeks, two queues) solves in well
under a second. Bad options and bad files are one line on stderr, a non-zero exit, no
traceback and no output file.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.capacity import WEEK_COLUMNS
from staffing.cli import main
from staffing.data import sample_path

matplotlib.use("Agg")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    Path("requirement.csv").write_bytes(sample_path("requirement.csv").read_bytes())
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["capacity", "requirement.csv", *args])


def test_the_plan_is_printed_and_written(runner: CliRunner) -> None:
    """Totals side by side, the comparison, the first classes, the solver; the weeks
    table (with its total row), the classes, the figure and the report are written."""
    r = _run(
        runner, "--headcount", "195", "--out", "capacity.csv", "--classes", "classes.csv",
        "--plot", "capacity.png", "--report", "capacity.html",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "52 weeks (2026-07-06 to 2027-06-28), sales+service" in out
    assert "optimised" in out and "hire-to-gap" in out
    assert "The optimised plan is short 42.2% of hire-to-gap's FTE-weeks for +1.4% paid" in out
    assert "Solver (HiGHS): optimal" in out and "First classes: 18 decided 2026-07-06" in out
    assert "Warning: queue 'sales+service': 2 weeks (2026-08-24 to 2026-08-31) before" in r.stderr
    weeks = pd.read_csv("capacity.csv")
    assert list(weeks.columns) == list(WEEK_COLUMNS) and len(weeks) == 53
    assert weeks["week"].isna().sum() == 1
    assert pd.read_csv("classes.csv")["size"].sum() == 2 * 94
    assert Path("capacity.png").read_bytes()[:4] == b"\x89PNG"
    page = Path("capacity.html").read_text()
    assert "Totals over the horizon" in page and "data:image/png;base64" in page


def test_simulate_commit_and_every_table_in_one_workbook(runner: CliRunner) -> None:
    r = _run(
        runner, "--headcount", "195", "--simulate", "300", "--seed", "3", "--commit",
        "month", "--out", "capacity.xlsx", "--commitment", "partner.csv",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Random attrition, 300 simulations (seed 3):" in r.stdout
    assert "FTE to commit to a partner per month" in r.stdout and "2026-12" in r.stdout
    sheets = pd.read_excel("capacity.xlsx", sheet_name=None)
    assert set(sheets) == {"weeks", "totals", "classes", "solver", "simulation", "commitment"}
    partner = pd.read_csv("partner.csv")
    assert partner["contract"].eq("per-fte").all() and len(partner) == 13


def test_service_by_queue_and_the_spellings(runner: CliRunner) -> None:
    """Per-queue headcounts, weeks and rates in their spellings, a service level."""
    r = _run(
        runner, "--by", "queue", "--headcount", "sales=72", "--headcount", "service=124",
        "--horizon", "30w", "--attrition", "3%/month", "--hire-lead", "3w", "--classroom",
        "21d", "--ramp", "8 weeks", "--class-max", "15", "--service", "80%", "--simulate",
        "200", "--out", "-",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    table = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert set(table["queue"]) == {"sales", "service"} and len(table) == 2 * 31
    assert "attrition 30.6% a year" in r.stderr and "3w recruiting lead, 3w classroom" in r.stderr


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--attrition", "-5%/year"], "'-5%/year' must lie between 0% and 100%", 2),
        (["--attrition", "120%/year"], "'120%/year' must lie between 0% and 100%", 2),
        (["--attrition", "34%"], "'34%' needs its period", 2),
        (["--ramp-start", "120%"], "'120%' must lie between 0% and 100%", 2),
        (["--hire-lead", "5"], "'5' has no unit (a bare number is seconds): write 5w", 2),
        (["--horizon", "8w"], "a horizon of 8 weeks is not longer than --hire-lead + "
                              "--classroom (9 weeks)", 1),
        (["--horizon", "60w"], "the horizon of 60 weeks is longer than the requirement's 52", 1),
        (["--service", "90%", "--class-max", "2"],
         "no hiring plan covers the week of 2026-09-07", 1),
        (["--headcount", "sales=3"], "a --headcount per queue is for queues planned apart (--by)",
         1),
        (["--commitment", "p.csv"], "--commitment needs --commit", 2),
    ],
)  # fmt: skip
def test_bad_options_are_one_line_and_nothing_is_written(
    runner: CliRunner, args: list[str], message: str, code: int
) -> None:
    head = [] if any(a == "--headcount" for a in args) else ["--headcount", "195"]
    r = _run(runner, *head, *args, "--out", "out.csv")
    assert r.exit_code == code, r.output
    lines = r.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ") and message.replace("`", "") in lines[-1].replace(
        "`", ""
    ), lines
    assert "Traceback" not in r.output and not Path("out.csv").exists()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.drop(index=[4]), "weeks do not follow each other between 2026-07-27 and "
                                      "2026-08-10"),
        (lambda f: f.assign(fte=f["fte"].where(f.index != 3, -5.0)),
         "column 'fte': 1 row (row 5) negative or missing"),
    ],
)  # fmt: skip
def test_bad_requirements_are_one_line(runner: CliRunner, edit: object, message: str) -> None:
    frame = pd.read_csv("requirement.csv")
    edit(frame).to_csv("requirement.csv", index=False)  # type: ignore[operator]
    r = _run(runner, "--headcount", "195", "--out", "out.csv")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: requirement.csv: column ") and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not Path("out.csv").exists()


def test_a_plan_summary_by_week_is_a_requirement(runner: CliRunner) -> None:
    """``staffing plan --period week --summary`` feeds ``staffing capacity``; a summary by
    day is refused, naming the option that settles it."""
    frame = pd.read_csv("requirement.csv")
    summary = pd.DataFrame({"period_start": frame["week"], "queue": frame["queue"],
                            "fte": frame["fte"], "period_days": 7})  # fmt: skip
    summary.to_csv("summary.csv", index=False)
    r = runner.invoke(main, ["capacity", "summary.csv", "--headcount", "195", "--out", "o.csv"])
    assert r.exit_code == 0, r.output and len(pd.read_csv("o.csv")) == 53
    summary.assign(period_days=1).to_csv("summary.csv", index=False)
    r = runner.invoke(main, ["capacity", "summary.csv", "--headcount", "195"])
    assert r.exit_code == 1 and "--period week --summary" in r.stderr
