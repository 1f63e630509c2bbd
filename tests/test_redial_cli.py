"""Redials and the km patience model on the command line (click's CliRunner)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import staffing
from staffing.cli import main
from staffing.planner.tables import REDIAL_COLUMNS

FORECAST = pd.DataFrame(
    {
        "interval_start": pd.date_range("2025-03-03 09:00", periods=6, freq="30min").astype(str),
        "queue": "sales",
        "calls": [100.0, 220.0, 260.0, 240.0, 160.0, 90.0],
        "aht_s": 200.0,
    }
)
CALIBRATION = {
    "queues": {
        "sales": {
            "patience_s": 150.0,
            "kaplan_meier": {"time_s": [30.0, 60.0, 300.0], "survival": [0.95, 0.6, 0.3]},
            "redial": {
                "share": 0.5,
                "delay_curve": {"delay_s": [60.0, 600.0, 3600.0], "share": [0.3, 0.7, 1.0]},
            },
        }
    }
}


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    FORECAST.to_csv("forecast.csv", index=False)
    Path("calibration.json").write_text(json.dumps(CALIBRATION))
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_erlang_redial_table(runner: CliRunner) -> None:
    r = _run(
        runner, "erlang", "--calls", "1000", "--aht", "3min", "--patience", "2min",
        "--redial", "40%", "--target", "80/20", "--target", "customer_abandon<=3%",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "40% of abandoned callers call again" in r.output
    assert "attempts" in r.output and "cust. ab." in r.output
    want = staffing.required_agents(
        1000, 180, ["80/20", "customer_abandon<=3%"], patience_s=120, redial=0.4
    )
    assert f"-> {want} agents" in r.output
    r = _run(
        runner, "erlang", "--calls", "1000", "--aht", "180", "--patience", "120",
        "--redial", "0.4", "--format", "csv", "--agents", "99",
    )  # fmt: skip
    row = pd.read_csv(io.StringIO(r.output)).iloc[0]
    m = staffing.evaluate(1000, 180, 99, patience_s=120, redial=0.4)
    assert row["offered_attempts"] == pytest.approx(m.offered_attempts, rel=1e-9)
    assert row["customer_abandon_rate"] == pytest.approx(m.customer_abandon_rate, rel=1e-9)


def test_erlang_km_patience(runner: CliRunner) -> None:
    r = _run(
        runner, "erlang", "--calls", "100", "--aht", "180", "--patience-model", "km",
        "--calibration", "calibration.json", "--format", "json", "--agents", "11",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["model"] == "M/M/n+G" and out["patience_curve"]["queue"] == "sales"
    m = staffing.evaluate(100, 180, 11, patience_curve=([30.0, 60.0, 300.0], [0.95, 0.6, 0.3]))
    assert out["rows"][0]["abandon_rate"] == pytest.approx(m.abandon_rate, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--redial", "100%"], 2, "'100%' must be below 100%"),
        (["--redial", "-5%"], 2, "must lie between 0% and 100%"),
        (["--redial", "40%", "--redial-delay", "0"], 2, "must be longer than 0 s"),
        (["--target", "customer_abandon<=5%"], 1, "needs a redial share (--redial"),
        (["--patience-model", "km"], 2, "needs --calibration"),
    ],
)
def test_erlang_bad_input(runner: CliRunner, args: list[str], code: int, message: str) -> None:
    r = _run(runner, "erlang", "--calls", "100", "--aht", "180", "--patience", "120", *args)
    assert r.exit_code == code
    assert message in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) <= 3  # usage line, hint, one-line error


def test_plan_with_redials_and_the_calibration(runner: CliRunner) -> None:
    r = _run(
        runner, "plan", "forecast.csv", "--target", "80/20", "--patience-s", "120",
        "--redial", "40%", "--redial-delay", "10min", "--out", "plan.csv",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    table = pd.read_csv("plan.csv")
    assert list(table.columns[-len(REDIAL_COLUMNS) :]) == list(REDIAL_COLUMNS)
    assert (table["redial"] == 0.4).all() and (table["redial_delay_s"] == 600).all()
    r = _run(
        runner, "plan", "forecast.csv", "--target", "80/20", "--calibration",
        "calibration.json", "--patience-model", "km",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Redials from the calibration: sales 50%" in r.output
    assert "cust. ab." in r.output and "fresh" in r.output


def test_plan_bad_input_writes_nothing(runner: CliRunner) -> None:
    bad = FORECAST.assign(redial=["40%", "100%", "40%", "40%", "40%", "40%"])
    bad.to_csv("bad.csv", index=False)
    for args, message in (
        (["bad.csv", "--target", "80/20", "--redial-delay", "10min"], "column 'redial': 1 row"),
        (["forecast.csv", "--target", "80/20", "--redial", "40%"], "need a delay: give"),
        (["forecast.csv", "--target", "customer_abandon<=5%"], "needs a redial share"),
    ):
        r = _run(runner, "plan", *args, "--patience-s", "120", "--out", "out.csv")
        assert r.exit_code == 1 and message in r.output, r.output
        assert not Path("out.csv").exists()


def test_evaluate_and_simulate_a_redial_plan(runner: CliRunner) -> None:
    _run(
        runner, "plan", "forecast.csv", "--target", "80/20", "--patience-s", "120",
        "--redial", "60%", "--redial-delay", "10min", "--out", "plan.csv",
    )  # fmt: skip
    plan = pd.read_csv("plan.csv")
    r = _run(
        runner, "evaluate", "forecast.csv", "--roster", "plan.csv", "--target", "80/20",
        "--patience-s", "120", "--redial", "60%", "--redial-delay", "10min", "--out", "e.csv",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    e = pd.read_csv("e.csv")
    assert np.allclose(e["offered_attempts"], plan["offered_attempts"])
    assert (e["band"] == "met").all()
    r = _run(runner, "simulate", "plan.csv", "--replications", "40", "--out", "sim.csv")
    assert r.exit_code == 0, r.output
    sim = pd.read_csv("sim.csv")
    assert {"redial_calls", "customer_abandon_rate"} <= set(sim.columns)
    assert (sim["redial_calls"] > 0).all()


def test_calibrate_prints_and_saves_redials(runner: CliRunner) -> None:
    rng = np.random.default_rng(3)
    n = 3000
    t = pd.Timestamp("2025-03-03 09:00") + pd.to_timedelta(
        np.sort(rng.uniform(0, 5 * 86400, n)), unit="s"
    )
    abandoned = rng.random(n) < 0.2
    records = pd.DataFrame({
        "arrival": t, "queue": "sales", "wait_s": rng.exponential(60, n),
        "outcome": np.where(abandoned, "abandoned", "answered"),
        "handle_s": np.where(abandoned, np.nan, 200.0),
        "caller_id": rng.integers(0, 800, n),
    })  # fmt: skip
    records.to_csv("calls.csv", index=False)
    r = _run(runner, "calibrate", "calls.csv", "--by", "none", "--out", "cal.json")
    assert r.exit_code == 0, r.output
    assert "Redials (callers followed by their ids)" in r.output
    assert "redial" in json.loads(Path("cal.json").read_text())["queues"]["sales"]
    records.assign(caller_id=np.arange(n) + 1).to_csv("unique.csv", index=False)
    r = _run(runner, "calibrate", "unique.csv", "--by", "none", "--out", "cal2.json")
    assert r.exit_code == 1 and "never repeat" in r.output
    assert not Path("cal2.json").exists()
