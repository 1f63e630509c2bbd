"""``staffing schedule`` through click's CliRunner, and the schedule's staff read back.

Each test runs in its own empty directory. The plans are the sample forecast's Monday
(three queues pooled) planned at 80/20, so every solve takes a second or two. A bad
shift file, an impossible cover or a bad option is one line on stderr, a non-zero exit,
no traceback and no output file.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import staffing
from staffing.cli import main
from staffing.data import sample_path
from staffing.io import read_roster, read_shifts, write_table
from staffing.planner.tables import EVALUATION_COLUMNS
from staffing.scheduling import (
    AGENT_COLUMNS,
    COVERAGE_COLUMNS,
    SCHEDULE_COLUMNS,
    SUMMARY_COLUMNS,
    schedule_coverage,
)

MONDAY = "2025-03-04"  # forecast rows before this: the sample Monday


def _forecast(queue: str | None = None) -> pd.DataFrame:
    f = pd.read_csv(sample_path("forecast.csv"))
    f = f[f["interval_start"] < MONDAY]
    return f if queue is None else f[f["queue"] == queue]


@pytest.fixture(scope="module")
def plan_table() -> pd.DataFrame:
    """The sample Monday planned at 80/20 (what `staffing plan --out` writes)."""
    forecast = staffing.read_forecast(sample_path("forecast.csv"))
    return staffing.plan(forecast[forecast["interval_start"] < MONDAY], "80/20").intervals


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan_table: pd.DataFrame) -> CliRunner:
    """A runner in a fresh directory holding plan.csv and the sample shifts.csv."""
    monkeypatch.chdir(tmp_path)
    write_table(plan_table, "plan.csv")
    Path("shifts.csv").write_bytes(sample_path("shifts.csv").read_bytes())
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def _files() -> list[str]:
    return sorted(p.name for p in Path().iterdir())


def test_plan_then_schedule_writes_every_table(runner: CliRunner) -> None:
    """The README's two commands on the sample Monday: every output with its columns, the
    coverage file equal to the coverage recomputed from the schedule rows, people adding
    up to the shifts, the figure and a self-contained report; the summary and the solver
    line on standard output."""
    _forecast().to_csv("forecast.csv", index=False)
    result = _run(runner, "plan", "forecast.csv", "--target", "80/20", "--out", "mine.csv")
    assert result.exit_code == 0, result.output
    result = _run(
        runner, "schedule", "mine.csv", "--shifts", "shifts.csv", "--out", "out/schedule.csv",
        "--agents", "out/agents.csv", "--coverage", "out/coverage.csv",
        "--summary", "out/summary.csv", "--plot", "out/schedule.png",
        "--report", "out/schedule.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "wrote out/schedule.csv, out/agents.csv, out/coverage.csv, out/summary.csv, "
        "out/schedule.png, out/schedule.html\n"
    )
    shifts = pd.read_csv("out/schedule.csv", parse_dates=["day", "start", "end"])
    agents = pd.read_csv("out/agents.csv")
    coverage = pd.read_csv("out/coverage.csv", parse_dates=["interval_start"])
    summary = pd.read_csv("out/summary.csv")
    assert tuple(shifts.columns) == SCHEDULE_COLUMNS
    assert tuple(agents.columns) == AGENT_COLUMNS
    assert tuple(coverage.columns) == COVERAGE_COLUMNS
    assert tuple(summary.columns) == SUMMARY_COLUMNS

    # coverage recomputed from the schedule file alone equals the coverage file
    again = schedule_coverage(pd.read_csv("out/schedule.csv"), pd.read_csv("mine.csv"))
    pd.testing.assert_frame_equal(
        again, coverage, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9
    )
    assert len(coverage) == 48 and set(coverage["queue"]) == {"premium+sales+service"}
    planned = pd.read_csv("mine.csv").groupby("interval_start")["agents"].sum()
    on = coverage.set_index(coverage["interval_start"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    assert (on.loc[planned.index, "on_phones"] >= planned - 1e-9).all()  # cover: never under
    assert coverage["under"].max() == 0.0

    # people: one row per person (no tours), adding up to the shifts and their paid hours
    assert len(agents) == shifts["count"].sum() == agents["agent"].max()
    assert agents["paid_hours"].sum() == pytest.approx(shifts["paid_hours"].sum())
    total = summary.iloc[-1]
    assert total["period"] == "total"
    assert total["paid_hours"] == pytest.approx(shifts["paid_hours"].sum())
    assert total["required_hours"] == pytest.approx(planned.sum() / 2)

    png = Path("out/schedule.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    page = Path("out/schedule.html").read_text()
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "Solver (HiGHS)" in page and "Summary per day and week" in page
    assert "<th>breaks</th>" in page and "Mon 03 Mar" in page

    lines = result.stdout.splitlines()
    assert lines[0].startswith("mine.csv, premium+sales+service, Mon 03 Mar to Mon 03 Mar 2025")
    assert f"{total['paid_hours']:,.1f} paid hours" in lines[0]
    # the plan's and the schedule's hours side by side, then the solver's line
    assert lines[1].startswith(f"Schedule: {total['paid_hours']:,.1f} paid hours = ")
    assert "the plan's scheduled hours 807.5" in lines[1]
    assert re.match(
        r"Solver \(HiGHS\): (optimal \(proven: no schedule costs less\)|best found, gap "
        r"\d+\.\d\d% \(within the 1\.00% asked\)); \d+\.\d s; ",
        lines[2],
    )
    assert lines[3].split()[:4] == ["period", "shifts", "paid", "h"]
    assert lines[-1].split()[0] == "total"


def test_xlsx_holds_the_four_tables(runner: CliRunner) -> None:
    result = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--out", "s.xlsx")
    assert result.exit_code == 0, result.output
    book = pd.read_excel("s.xlsx", sheet_name=None)
    assert list(book) == ["schedule", "agents", "coverage", "summary"]
    assert tuple(book["coverage"].columns) == COVERAGE_COLUMNS


def test_stdout_csv_is_clean_even_when_the_solver_prints(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A line the solver writes to file descriptor 1 at C level (as HiGHS may) does not
    reach standard output: ``--out -`` is the CSV alone, the report lines go to stderr."""
    import staffing.scheduling as scheduling

    real = scheduling.schedule

    def noisy(*args: object, **kwargs: object) -> object:
        os.write(1, b"Running HiGHS 1.x: stray line\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scheduling, "schedule", noisy)
    result = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--out", "-")
    assert result.exit_code == 0, result.output
    assert "stray" not in capfd.readouterr().out
    assert result.stdout.startswith(",".join(SCHEDULE_COLUMNS) + "\n")
    table = pd.read_csv(StringIO(result.stdout))
    assert tuple(table.columns) == SCHEDULE_COLUMNS and table["count"].min() >= 1
    assert "Solver (HiGHS)" in result.stderr and "paid hours" in result.stderr


@pytest.mark.slow
def test_stdout_csv_is_clean_in_a_real_process(tmp_path: Path, plan_table: pd.DataFrame) -> None:
    """The same through a real process and pipe: every stdout line is a schedule row."""
    write_table(plan_table, tmp_path / "plan.csv")
    program = "from staffing.cli import main; main()"
    run = subprocess.run(
        [sys.executable, "-c", program, "schedule", "plan.csv", "--shifts",
         str(sample_path("shifts.csv")), "--out", "-"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = run.stdout.splitlines()
    assert rows[0] == ",".join(SCHEDULE_COLUMNS)
    assert all(re.match(r"^2025-03-03,", r) for r in rows[1:]), rows[:3]
    assert run.stderr.startswith("plan.csv, premium+sales+service")


BAD_SHIFTS = [
    pytest.param(
        "early,06:00-09:00/30min,8h,30min@7h-8h unpaid",
        r"column 'breaks': 1 row \(row 2\) '30min@7h-8h unpaid': the break can end after "
        r"its shift \(8h30 > 8 h\)",
        id="break-outside",
    ),
    pytest.param(
        "early,06:00-09:00,8h,",
        r"column 'start': 1 row \(row 2\) '06:00-09:00': a range needs a step, e\.g\. "
        r"06:00-09:00/15min",
        id="range-without-step",
    ),
    pytest.param(
        "early,06:00-09:00/30min,0,",
        r"column 'length': 1 row \(row 2\) 0: a shift must last longer than 0 s",
        id="zero-length",
    ),
]


@pytest.mark.parametrize(("row", "message"), BAD_SHIFTS)
def test_bad_shift_file_is_one_line_and_writes_nothing(
    runner: CliRunner, row: str, message: str
) -> None:
    Path("bad.csv").write_text(f"shift,start,length,breaks\n{row}\n")
    before = _files()
    result = _run(
        runner, "schedule", "plan.csv", "--shifts", "bad.csv", "--out", "s.csv",
        "--coverage", "c.csv", "--plot", "s.png",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.fullmatch(rf"Error: bad\.csv: {message}\n", result.stderr), result.stderr
    assert _files() == before


def test_read_shifts_names_file_column_and_row(tmp_path: Path) -> None:
    """The Python reader: the sample families, and a bad row named as a spreadsheet shows
    it (the header is row 1)."""
    families = read_shifts(sample_path("shifts.csv"))
    assert [f.name for f in families] == ["early", "day", "late", "part"]
    assert families[3].cost == 1.1 and families[3].days == frozenset(range(6))
    path = tmp_path / "mine.csv"
    path.write_text("shift,start,length\nearly,07:00,8h\nlate,14:00-16:00/1h,-8h\n")
    with pytest.raises(staffing.InputError, match=r"^mine\.csv: column 'length': 1 row \(row 3\)"):
        read_shifts(path)


def test_no_shift_on_the_days_soft_says_no_efficiency(runner: CliRunner) -> None:
    """Families that work Saturdays only, on a weekday plan, with --objective soft: no
    shift at all, and the headline said "efficiency ," with nothing after it."""
    lines = Path("shifts.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    day = header.split(",").index("days")
    sat = [",".join([*r.split(",")[:day], "Sat", *r.split(",")[day + 1 :]]) for r in rows]
    Path("sat.csv").write_text("\n".join([header, *sat]) + "\n")
    result = _run(runner, "schedule", "plan.csv", "--shifts", "sat.csv", "--objective", "soft")
    assert result.exit_code == 0, result.output
    assert "0 shifts for 0 people" in result.stdout
    assert "no efficiency (no paid hours)" in result.stdout and "efficiency ," not in result.stdout


def test_impossible_cover_says_where_and_offers_soft(runner: CliRunner) -> None:
    """Early shifts only (starts 06:30-09:00, 8h30 long) cannot cover the evening: one
    line naming the first intervals, by how much, and --objective soft; nothing written.
    With --objective soft the same families schedule, the evening short."""
    header, early = Path("shifts.csv").read_text().splitlines()[:2]
    Path("early.csv").write_text(f"{header}\n{early}\n")
    result = _run(runner, "schedule", "plan.csv", "--shifts", "early.csv", "--out", "s.csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert re.fullmatch(
        r"Error: cannot cover \d+ intervals \(Mon 2025-03-03 17:30 by \d+, "
        r"Mon 2025-03-03 18:00 by \d+, .* and \d+ more\): no allowed shift works them "
        r"\(open hours, start times or days\); use --objective soft to schedule anyway "
        r"\(shortfall priced by --under-cost\)\n",
        result.stderr,
    ), result.stderr
    assert not Path("s.csv").exists()
    result = _run(runner, "schedule", "plan.csv", "--shifts", "early.csv", "--objective",
                  "soft", "--under-cost", "3", "--coverage", "c.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    coverage = pd.read_csv("c.csv", parse_dates=["interval_start"])
    evening = coverage["interval_start"].dt.hour >= 18
    assert (coverage.loc[evening, "under"] == coverage.loc[evening, "required"]).all()
    assert coverage.loc[evening, "required"].sum() > 0


def test_service_objective_is_cheaper_and_meets_the_target(runner: CliRunner) -> None:
    """--objective service at 80/20 over the day pays fewer hours than cover, some
    intervals fall below 80% and the day's calls-weighted level still meets it."""
    cover = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--summary",
                 "cover.csv")  # fmt: skip
    service = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--objective",
                   "service", "--target", "80/20", "--service-period", "day", "--summary",
                   "service.csv", "--coverage", "coverage.csv")  # fmt: skip
    assert cover.exit_code == 0 and service.exit_code == 0, service.output
    a, b = pd.read_csv("cover.csv").iloc[-1], pd.read_csv("service.csv").iloc[-1]
    assert b["paid_hours"] < a["paid_hours"]
    assert b["service_level"] >= 0.80 - 1e-9
    coverage = pd.read_csv("coverage.csv")
    assert (coverage["service_level"].dropna() < 0.80).any()
    assert "(service)" in service.stdout.splitlines()[0]


def test_options_checked_before_any_work(runner: CliRunner) -> None:
    """Bad or misplaced options: one line, exit status 2 (a usage error)."""
    cases = [
        (["--open", "Mon-Fry 07:00-22:00"], r"Invalid value for '--open': .*Mon-Fry"),
        (["--open", "Mon-Fri 07:00"], r"Invalid value for '--open': .*not a time range"),
        (["--under-cost", "2"], r"--under-cost applies to --objective soft"),
        (["--interval-floor", "60%"], r"--interval-floor applies to --objective service"),
        (["--consecutive-days-off"], r"--consecutive-days-off needs --days-off"),
        (["--time-limit", "0"], r"Invalid value for '--time-limit'"),
        (["--gap", "100%"], r"Invalid value for '--gap'"),
    ]
    for extra, message in cases:
        result = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert len(result.stderr.splitlines()) == 1 and re.search(message, result.stderr)


def test_open_hours_and_start_step_reach_the_schedule(runner: CliRunner) -> None:
    """--open keeps every shift inside the hours; --start-step 1h keeps starts on the hour."""
    result = _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--open",
                  "Mon-Fri 06:30-22:30; Sat 08:00-20:00", "--start-step", "1h", "--out",
                  "s.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    s = pd.read_csv("s.csv", parse_dates=["start", "end"])
    assert (s["start"].dt.minute == 0).all()
    assert (s["start"] >= pd.Timestamp("2025-03-03 06:30")).all()
    assert (s["end"] <= pd.Timestamp("2025-03-03 22:30")).all()


def test_evaluate_and_simulate_take_the_coverage_as_roster(runner: CliRunner) -> None:
    """One queue scheduled alone: ``evaluate --roster coverage.csv`` staffs each interval
    with the coverage's on-phone agents, and predicts the service level the coverage
    states; ``simulate FORECAST --roster coverage.csv`` runs on them too."""
    _forecast("service").to_csv("service.csv", index=False)
    assert _run(runner, "schedule", "plan.csv", "--shifts", "shifts.csv", "--queue",
                "service", "--coverage", "coverage.csv").exit_code == 0  # fmt: skip
    result = _run(runner, "evaluate", "service.csv", "--roster", "coverage.csv", "--target",
                  "80/20", "--out", "evaluation.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    evaluation = pd.read_csv("evaluation.csv")
    assert tuple(evaluation.columns) == EVALUATION_COLUMNS
    coverage = pd.read_csv("coverage.csv")
    coverage["interval_start"] = pd.to_datetime(coverage["interval_start"])
    evaluation["interval_start"] = pd.to_datetime(evaluation["interval_start"])
    both = evaluation.merge(coverage, on=["interval_start", "queue"], suffixes=("", "_cov"))
    assert len(both) == len(evaluation) == len(_forecast("service"))
    np.testing.assert_allclose(both["agents"], both["on_phones"])
    np.testing.assert_allclose(both["service_level"], both["service_level_cov"], rtol=1e-9)
    result = _run(runner, "simulate", "service.csv", "--roster", "coverage.csv", "--target",
                  "80/20", "--replications", "20", "--summary", "days.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pd.read_csv("days.csv")["agent_hours"].iloc[0] == pytest.approx(both["agents"].sum() / 2)


def test_read_roster_takes_on_phones_only_without_agents(tmp_path: Path) -> None:
    """A coverage table's on_phones become the agents; a file with agents keeps them."""
    cov = pd.DataFrame(
        {"interval_start": ["2025-03-03 09:00"], "queue": ["sales"], "required": [3.0],
         "scheduled": [5.0], "on_phones": [4.5]}
    )  # fmt: skip
    cov.to_csv(tmp_path / "c.csv", index=False)
    assert read_roster(tmp_path / "c.csv")["agents"].tolist() == [4.5]
    cov.assign(agents=[7.0]).to_csv(tmp_path / "r.csv", index=False)
    roster = read_roster(tmp_path / "r.csv")
    assert roster["agents"].tolist() == [7.0] and roster["on_phones"].tolist() == [4.5]


def test_top_level_names() -> None:
    from staffing import scheduling

    assert staffing.schedule is scheduling.schedule and staffing.Schedule is scheduling.Schedule
