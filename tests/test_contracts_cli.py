"""`staffing compare`, `staffing outsource` and `staffing credits` through CliRunner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.contracts import (
    COMMITMENT_COLUMNS,
    COMPARE_COLUMNS,
    CREDIT_COLUMNS,
    EXPOSURE_COLUMNS,
    OUTSOURCE_SUMMARY_COLUMNS,
    SWEEP_COLUMNS,
    compare,
)
from staffing.data import sample_path
from staffing.io import read_forecast
from staffing.planner import FteRules

FORECAST = str(sample_path("forecast.csv"))
# Every test runs in its own empty directory (tmp_path), so relative output paths land there.
PERFORMANCE = str(sample_path("performance.csv"))
ACTUALS = str(sample_path("actuals.csv"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(args: list[str]) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1, err
    assert lines[0].startswith("Error:"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# --- compare -----------------------------------------------------------------------------


def test_compare_csv_matches_the_library(tmp_path: Path) -> None:
    """The CSV holds exactly the library's table (same scenarios, same options)."""
    out = tmp_path / "compare.csv"
    code, _, err = run(
        [
            "compare",
            FORECAST,
            "--scenario",
            "80/20",
            "--scenario",
            "name=premium:90/10+99/300",
            "--shrinkage",
            "0.3",
            "--cost-per-fte",
            "52000",
            "--out",
            str(out),
        ]
    )
    assert code == 0, err
    got = pd.read_csv(out)
    assert tuple(got.columns) == COMPARE_COLUMNS
    want = compare(
        read_forecast(FORECAST),
        ["80/20", "name=premium:90/10+99/300"],
        cost_per_fte=52000,
        fte=FteRules(total=0.3),
    )
    assert got["scenario"].tolist() == ["80/20", "premium"]
    np.testing.assert_allclose(got["fte"], want["fte"])
    np.testing.assert_allclose(got["cost"], want["cost"])
    np.testing.assert_allclose(got["delta_fte"], want["delta_fte"])


def test_compare_sweep_xlsx_and_plot(tmp_path: Path) -> None:
    out, plot = tmp_path / "compare.xlsx", tmp_path / "compare.png"
    code, _, err = run(
        [
            "compare",
            FORECAST,
            "--scenario",
            "80/20",
            "--scenario",
            "abandon<=5%",
            "--sweep",
            "--percents",
            "70:90:10",
            "--thresholds",
            "10,20,60",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ]
    )
    assert code == 0, err
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"compare", "sweep"}
    assert tuple(sheets["sweep"].columns) == SWEEP_COLUMNS
    # 3 percents + 3 thresholds, Erlang C and A (the sample has patience per queue)
    assert len(sheets["sweep"]) == 12
    assert plot.stat().st_size > 20_000


def test_compare_prints_without_out() -> None:
    code, out, _ = run(["compare", FORECAST, "--scenario", "80/20", "--scenario", "90/20"])
    assert code == 0
    assert "service level at 20 s" in out and "90/20" in out


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--scenario", "80/20", "--scenario", "fast"], ["unknown target 'fast'"]),
        (["--scenario", "80/20", "--scenario", "80/20"], ["given twice"]),
        (["--scenario", "80/20", "--out", "c.txt"], ["--out c.txt", "unknown file type"]),
        (["--sweep", "--percents", "70:x"], ["--percents"]),
        ([], ["no scenario"]),
        (["--scenario", "80/20", "--shrinkage", "1"], ["--shrinkage", "ambiguous"]),
    ],
)
def test_compare_bad_options(args: list[str], needles: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["compare", FORECAST, *args, "--out", "c.csv"]
        if "--out" not in args
        else ["compare", FORECAST, *args],
    )
    one_line_error(result.exit_code, result.stderr, *needles)
    assert not Path("c.csv").exists()


def test_compare_abandon_target_needs_patience() -> None:
    runner = CliRunner()
    read_forecast(FORECAST).drop(columns="patience_s").to_csv("f.csv", index=False)
    result = runner.invoke(
        main, ["compare", "f.csv", "--scenario", "abandon<=5%", "--out", "c.csv"]
    )
    one_line_error(result.exit_code, result.stderr, "needs customer patience")
    assert not Path("c.csv").exists()


def test_compare_bad_forecast_names_file_column_rows() -> None:
    runner = CliRunner()
    f = pd.read_csv(FORECAST)
    f.loc[[3, 7], "calls"] = -1
    f.to_csv("bad.csv", index=False)
    result = runner.invoke(main, ["compare", "bad.csv", "--scenario", "80/20", "--out", "c.csv"])
    one_line_error(result.exit_code, result.stderr, "bad.csv", "'calls'", "rows 5, 9")
    assert not Path("c.csv").exists()


# --- outsource ---------------------------------------------------------------------------


def test_outsource_tables_and_partner_plan_round_trip(tmp_path: Path) -> None:
    """40% per-FTE partner on the sample week with its actuals: every table in the .xlsx,
    the summary in a CSV, and the partner's plan feeds `staffing credits --plan`."""
    xlsx, csv, partner = tmp_path / "o.xlsx", tmp_path / "o.csv", tmp_path / "partner.csv"
    code, _, err = run(
        [
            "outsource",
            FORECAST,
            "--target",
            "80/20",
            "--share",
            "40%",
            "--contract",
            "per-fte",
            "--in-centre",
            "0.15",
            "--out-of-centre",
            "0.2",
            "--actuals",
            ACTUALS,
            "--out",
            str(xlsx),
            "--partner-plan",
            str(partner),
            "--plot",
            str(tmp_path / "o.png"),
        ]
    )
    assert code == 0, err
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {
        "summary",
        "commitment",
        "intervals",
        "attribution",
        "attribution_intervals",
    }
    assert tuple(sheets["commitment"].columns) == COMMITMENT_COLUMNS
    code, _, err = run(
        ["outsource", FORECAST, "--target", "80/20", "--share", "0.4", "--out", str(csv)]
    )
    assert code == 0, err
    summary = pd.read_csv(csv)
    assert tuple(summary.columns) == OUTSOURCE_SUMMARY_COLUMNS
    total = summary[summary["queue"] == "total"].set_index("party")
    # the split cost is the two sides minus the pooled queue
    assert total.loc["split cost", "agent_hours"] == pytest.approx(
        total.loc["in-house", "agent_hours"]
        + total.loc["partner", "agent_hours"]
        - total.loc["pooled", "agent_hours"]
    )
    code, _, err = run(
        [
            "credits",
            "--plan",
            str(partner),
            "--target",
            "80/20",
            "--period",
            "day",
            "--simulations",
            "200",
            "--exposure-out",
            str(tmp_path / "e.csv"),
        ]
    )
    assert code == 0, err
    exposure = pd.read_csv(tmp_path / "e.csv")
    assert tuple(exposure.columns) == EXPOSURE_COLUMNS
    assert len(exposure) == 8  # 7 days and a total


def test_outsource_prints_commitment() -> None:
    code, out, _ = run(["outsource", FORECAST, "--target", "80/20", "--share", "40%"])
    assert code == 0
    assert "Splitting costs" in out and "Per-FTE commitment" in out


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--target", "80/20"], ["either --share"]),
        (["--target", "80/20", "--share", "40%", "--capacity-agents", "20"], ["either --share"]),
        (["--target", "80/20", "--share", "140%"], ["--share", "between 0% and 100%"]),
        (["--share", "40%"], ["no target"]),
        (["--target", "80/20", "--capacity-agents", "x"], ["--capacity-agents 'x'"]),
        (["--target", "80/20", "--share", "40%", "--attribution", "a.csv"], ["needs --actuals"]),
    ],
)
def test_outsource_bad_options(args: list[str], needles: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["outsource", FORECAST, *args, "--out", "o.csv"])
    one_line_error(result.exit_code, result.stderr, *needles)
    assert not Path("o.csv").exists()


def test_outsource_bad_actuals() -> None:
    runner = CliRunner()
    pd.read_csv(ACTUALS).drop(columns="agents").to_csv("act.csv", index=False)
    result = runner.invoke(
        main,
        [
            "outsource",
            FORECAST,
            "--target",
            "80/20",
            "--share",
            "40%",
            "--actuals",
            "act.csv",
            "--out",
            "o.xlsx",
        ],
    )
    one_line_error(result.exit_code, result.stderr, "act.csv", "'agents'")
    assert not Path("o.xlsx").exists()


# --- credits -----------------------------------------------------------------------------


def test_credits_on_the_sample_quarter(tmp_path: Path) -> None:
    """Week of 6 January 2025 recomputed by hand from the file: sum(answered_within) /
    sum(offered) over its intervals; 80/20 with 1% per started half point, cap 10%."""
    out = tmp_path / "credits.csv"
    code, _, err = run(
        [
            "credits",
            PERFORMANCE,
            "--target",
            "80/20",
            "--period",
            "week",
            "--step",
            "0.5",
            "--credit-per-step",
            "1%",
            "--cap",
            "10%",
            "--fee",
            "100000",
            "--earn-back-target",
            "85%",
            "--earn-back-periods",
            "2",
            "--out",
            str(out),
        ]
    )
    assert code == 0, err
    t = pd.read_csv(out, parse_dates=["period_start"])
    assert tuple(t.columns) == CREDIT_COLUMNS
    assert len(t) == 14  # 13 weeks and the total
    raw = pd.read_csv(PERFORMANCE, parse_dates=["interval_start"])
    week = raw[(raw.interval_start >= "2025-01-06") & (raw.interval_start < "2025-01-13")]
    sl = week["answered_within"].sum() / week["offered"].sum()
    row = t[t["period_start"] == pd.Timestamp("2025-01-06")].iloc[0]
    assert row["service_level"] == pytest.approx(sl)
    shortfall = 100 * (0.80 - sl)
    assert row["shortfall_pts"] == pytest.approx(shortfall)
    assert row["credit_pct"] == pytest.approx(min(np.ceil(shortfall / 0.5), 10.0))
    assert row["credit_amount"] == pytest.approx(1000 * row["credit_pct"])
    total = t.iloc[-1]
    assert pd.isna(total["period_start"])
    owed = t.iloc[:-1].loc[~t["earned_back"].iloc[:-1].astype(bool), "credit_amount"].sum()
    assert total["credit_amount"] == pytest.approx(owed)


def test_credits_plan_exposure_prints(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    code, _, err = run(["plan", FORECAST, "--target", "80/20", "--out", str(plan)])
    assert code == 0, err
    code, out, err = run(
        [
            "credits",
            "--plan",
            str(plan),
            "--target",
            "80/20",
            "--period",
            "day",
            "--simulations",
            "200",
            "--fee",
            "14000",
        ]
    )
    assert code == 0, err
    assert "Poisson calls around the forecast, 200 replications, seed 0" in out
    assert "P(miss)" in out


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--target", "80/20+abandon<=5%"], ["exactly one service-level target"]),
        (["--target", "80/20", "--credit-per-step", "lots"], ["--credit-per-step"]),
        (["--target", "80/20", "--period", "year"], ["--period"]),
        (["--target", "80/20", "--earn-back-target", "100%"], ["--earn-back-target"]),
        (["--target", "80/20", "--band-edges", "5"], ["--band-edges"]),
        (["--target", "80/20", "--abandon-policy", "exclude_within"], ["abandoned_within"]),
        (["--target", "80/20", "--queue", "billing"], ["queue 'billing'"]),
    ],
)
def test_credits_bad_options(args: list[str], needles: list[str]) -> None:
    runner = CliRunner()
    h = pd.read_csv(PERFORMANCE).drop(columns="abandoned_within")
    h.to_csv("perf.csv", index=False)
    result = runner.invoke(main, ["credits", "perf.csv", *args, "--out", "c.csv"])
    one_line_error(result.exit_code, result.stderr, *needles)
    assert not Path("c.csv").exists()


def test_credits_bad_history_and_plan() -> None:
    runner = CliRunner()
    h = pd.read_csv(PERFORMANCE)
    h.loc[10, "offered"] = -5
    h.to_csv("perf.csv", index=False)
    result = runner.invoke(main, ["credits", "perf.csv", "--target", "80/20", "--out", "c.csv"])
    one_line_error(result.exit_code, result.stderr, "perf.csv", "'offered'", "row 12")
    assert not Path("c.csv").exists()
    pd.DataFrame({"interval_start": ["2025-03-03 09:00"], "calls": [10]}).to_csv(
        "plan.csv", index=False
    )
    result = runner.invoke(
        main, ["credits", "--plan", "plan.csv", "--target", "80/20", "--out", "c.csv"]
    )
    one_line_error(result.exit_code, result.stderr, "plan.csv", "aht_s", "agents")
    result = runner.invoke(main, ["credits", "--target", "80/20"])
    one_line_error(result.exit_code, result.stderr, "PERFORMANCE")
    assert not Path("c.csv").exists()


def test_second_table_is_never_dropped(tmp_path: Path) -> None:
    """--out c.csv holds only the main table (credits; the comparison). The other one
    (the plan's exposure; the sweep), when it has no file of its own, is printed; when
    standard output is taken by --out -, a warning says it was not written."""
    plan = tmp_path / "plan.csv"
    code, _, err = run(["plan", FORECAST, "--target", "80/20", "--out", str(plan)])
    assert code == 0, err
    credits = ["credits", PERFORMANCE, "--plan", str(plan), "--target", "80/20"]
    code, out, err = run([*credits, "--simulations", "20", "--out", "c.csv"])
    assert code == 0, err
    assert Path("c.csv").exists() and "Credit exposure of plan.csv" in out
    code, out, err = run([*credits, "--simulations", "20", "--out", "-"])
    assert code == 0, err
    assert out.startswith("period_start,") and "exposure table was not written" in err
    sweep = ["--sweep", "--percents", "80,90", "--thresholds", "20"]
    code, out, err = run(["compare", FORECAST, "--scenario", "80/20", *sweep, "--out", "s.csv"])
    assert code == 0, err
    assert "Sweep around 80/20" in out and "Scenarios for" not in out
    assert pd.read_csv("s.csv")["scenario"].tolist() == ["80/20"]
