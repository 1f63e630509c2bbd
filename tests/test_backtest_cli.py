"""`staffing calibrate --holdout`, `staffing backtest` and the effective-staffing factor in
`plan` and `evaluate`, through click's CliRunner in an isolated filesystem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from synthetic_history import fcfs_records

from staffing.calibration import BACKTEST_COLUMNS, BACKTEST_SUMMARY_COLUMNS
from staffing.cli import main
from staffing.data import sample_path

FAST = ["--by", "none", "--replications", "4"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample history calibrated on January-May, June held out (one run, shared)."""
    where = tmp_path_factory.mktemp("held_out")
    shutil.copy(sample_path("history.csv"), where / "history.csv")
    result = CliRunner().invoke(
        main,
        [
            "calibrate",
            str(where / "history.csv"),
            "--holdout",
            "1m",
            *FAST,
            "--out",
            str(where / "c.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    (where / "stdout.txt").write_text(result.stdout)
    return where


def test_holdout_judges_the_models_on_the_held_out_month(held_out: Path) -> None:
    """`--holdout 1m` fits on January-May and back-tests June only, with the effective
    staffing; the verdict is given there, with its margin in points; the factor is
    compared with after-call work on June too."""
    out = (held_out / "stdout.txt").read_text()
    assert "fitted on 2024-01-01 to 2024-05-31 (held out: 2024-06-03 to 2024-06-28)" in out
    assert "Back-test on the held-out part: 2024-06-03 to 2024-06-28, 800 intervals" in out
    verdict = next(line for line in out.splitlines() if "verdict on" in line)
    assert verdict.startswith("  verdict on sales, service: Erlang A is closer on service level")
    data = json.loads((held_out / "c.json").read_text())
    assert data["holdout"]["start"].startswith("2024-06-03")
    assert data["history"]["end"].startswith("2024-05-31")
    bt = data["backtest"]
    assert bt["scope"] == "held-out" and bt["models"] == ["erlang_c", "erlang_a", "simulation"]
    margin = bt["verdict"]["service_level"]["margin"]
    assert bt["verdict"]["service_level"]["closer"] == "erlang_a" and margin > 0.1
    assert f"by {100 * margin:.1f} points per interval" in verdict
    forms = {f["form"] for f in data["effective_staffing"]["forms"]}
    assert forms == {"factor", "acw"}


def test_backtest_command_writes_the_columns_of_the_issue(
    runner: CliRunner, held_out: Path
) -> None:
    """`staffing backtest HISTORY --calibration c.json --from 2024-06-01 --out --summary
    --plot` on the month the calibration never saw: the interval table has exactly the
    issue's columns, the summary has every model at every level beside its noise floor,
    and the verdict is given (out of sample, effective staffing)."""
    shutil.copy(held_out / "history.csv", "history.csv")
    shutil.copy(held_out / "c.json", "c.json")
    args = ["backtest", "history.csv", "--calibration", "c.json", "--from", "2024-06-01"]
    result = runner.invoke(
        main,
        [*args, "--replications", "4", "--out", "iv.csv", "--summary", "s.csv", "--plot", "b.png"],
    )
    assert result.exit_code == 0, result.output
    iv = pd.read_csv("iv.csv")
    assert (
        list(iv.columns)
        == BACKTEST_COLUMNS
        == [
            "interval_start",
            "queue",
            "offered",
            "agents",
            "effective_agents",
            "service_level",
            "predicted_service_level",
            "abandon_rate",
            "predicted_abandon_rate",
            "asa_s",
            "predicted_asa_s",
        ]
    )
    assert len(iv) == 800
    factor = json.loads(Path("c.json").read_text())["queues"]["sales"]["staffing_factor"]
    sales = iv[iv["queue"] == "sales"]
    np.testing.assert_allclose(sales["effective_agents"], sales["agents"] * factor)
    s = pd.read_csv("s.csv")
    assert list(s.columns) == BACKTEST_SUMMARY_COLUMNS
    assert set(s["model"]) == {"erlang_c", "erlang_a", "simulation"}
    assert set(s["level"]) == {"interval", "hour", "day"}
    assert s["sl_noise_floor"].notna().all()
    assert "verdict on sales, service: Erlang A is closer" in result.stdout
    assert Path("b.png").read_bytes()[:4] == b"\x89PNG"

    # as reported (factor 1), or on months the calibration was fitted on: no verdict
    plain = runner.invoke(
        main, [*args, "--staffing-factor", "1", "--replications", "2", "--out", "p.csv"]
    )
    assert plain.exit_code == 0, plain.output
    assert "no verdict between the models: it is not run with the calibration's" in plain.stdout
    assert "agents x 1" in plain.stdout
    inside = runner.invoke(
        main,
        [*args[:4], "--from", "2024-05-20", "--replications", "2", "--out", "q.csv"],
    )
    assert "no verdict between the models: the back-test overlaps" in inside.stdout


@pytest.mark.parametrize(
    ("extra", "message", "code"),
    [
        (["--from", "2030-01-01"], "no interval between the dates given", 1),
        (["--replications", "1"], "1 is not in the range", 2),
        (["--model", "erlang_b"], "'erlang_b' is not one of", 2),
        (["--staffing-factor", "0"], "--staffing-factor", 2),
    ],
)
def test_backtest_bad_input_is_one_line(
    runner: CliRunner, held_out: Path, extra: list[str], message: str, code: int
) -> None:
    shutil.copy(held_out / "history.csv", "history.csv")
    shutil.copy(held_out / "c.json", "c.json")
    result = runner.invoke(
        main, ["backtest", "history.csv", "--calibration", "c.json", *extra, "--out", "iv.csv"]
    )
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not Path("iv.csv").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--holdout", "2x"], "is not a number of calendar periods"),
        (["--holdout", "1m", "--holdout-from", "2024-06-01"], "either --holdout or"),
        (["--holdout-from", "2025-01-01"], "leaves nothing to test on"),
    ],
)
def test_calibrate_holdout_options(runner: CliRunner, extra: list[str], message: str) -> None:
    shutil.copy(sample_path("history.csv"), "history.csv")
    result = runner.invoke(main, ["calibrate", "history.csv", *extra, "--out", "c.json"])
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not Path("c.json").exists()


def shared_calls() -> None:
    """calls.csv: two queues, one FCFS pool of 8 agents serving both."""
    recs = fcfs_records(8, 8 / 200 * 0.95, days=15, first_day="2024-03-04", seed=2)
    recs["queue"] = np.where(np.arange(len(recs)) % 3 == 0, "sales", "care")
    recs.to_csv("calls.csv", index=False)


def test_shared_agents_no_misleading_verdict(runner: CliRunner) -> None:
    """Issue 18, as it was reported: `calibrate` on a two-queue history whose agents serve
    both printed "closer: Erlang C on service level, Erlang A on abandon rate" (each
    queue counts the shared agents as its own). Now no model is judged in-sample, and a
    warning names the queues whose agents are shared and says to pool them."""
    shared_calls()
    result = runner.invoke(main, ["calibrate", "calls.csv", "--by", "none", "--out", "c.json"])
    assert result.exit_code == 0, result.output
    assert "closer" not in result.stdout and "verdict on" not in result.stdout
    assert "Warning: agents serve several queues: part of the handle time of care" in (
        result.stderr
    )


def test_shared_agents_get_no_verdict(runner: CliRunner) -> None:
    """Issue 18: two queues served by the same agents (each queue counts them as its own
    staffed agents) used to get a confident verdict ("closer: Erlang C on service
    level"). Now a warning names the queues, no model is judged on them, and once they
    are pooled (`--pool all`) the verdict comes back, on the pool."""
    shared_calls()
    args = ["calibrate", "calls.csv", "--holdout", "1w", *FAST, "--out", "c.json"]
    split = runner.invoke(main, args)
    assert split.exit_code == 0, split.output
    assert "closer" not in split.stdout and "verdict on" not in split.stdout
    assert "no verdict: no queue is a pool of its own" in split.stdout
    assert "Warning: agents serve several queues: part of the handle time of care" in (split.stderr)
    assert "(pool them: --pool all, or their names joined by +)" in split.stderr
    pooled = runner.invoke(main, [*args, "--pool", "all"])
    assert pooled.exit_code == 0, pooled.output
    assert "verdict on all:" in pooled.stdout
    assert "agents serve several queues" not in pooled.stderr


def test_plan_and_evaluate_use_the_factor(runner: CliRunner) -> None:
    """A calibration with effective staffing 0.8: a plan's requirement (effective agents)
    is unchanged, its scheduled staff is agents / 0.8 / (1 - in-centre shrinkage), the
    FTE follow the scheduled hours, and the settings name the measured shrinkage apart
    from the user's; evaluating a roster of staffed agents predicts with 0.8 x them."""
    forecast = pd.read_csv(sample_path("forecast.csv"))
    forecast = forecast[forecast["queue"] == "sales"].drop(columns=["patience_s"], errors="ignore")
    forecast.to_csv("f.csv", index=False)
    cal = {"queues": {"sales": {"patience_s": 120.0, "staffing_factor": 0.8}}}
    Path("c.json").write_text(json.dumps(cal))
    common = ["plan", "f.csv", "--target", "80/20", "--in-centre", "20%", "--out-of-centre", "10%"]
    outputs = ["--out", "a.csv", "--summary", "s.csv", "--report", "a.html"]
    with_cal = runner.invoke(main, [*common, "--calibration", "c.json", *outputs])
    assert with_cal.exit_code == 0, with_cal.output
    assert "Effective agents = factor x staffed agents from c.json: sales x0.800 (whole " in (
        with_cal.stderr
    )
    settings = Path("a.html").read_text()
    assert "a measured shrinkage of 20.0%), applied to scheduled staff before the in-centre" in (
        settings
    )
    assert "In-centre shrinkage 20%, out-of-centre 10%" in settings
    plain = runner.invoke(
        main, [*common, "--patience-s", "120", "--out", "b.csv", "--summary", "t.csv"]
    )
    assert plain.exit_code == 0, plain.output
    a, b = pd.read_csv("a.csv"), pd.read_csv("b.csv")
    np.testing.assert_array_equal(a["agents"], b["agents"])
    np.testing.assert_allclose(a["scheduled"], a["agents"] / 0.8 / 0.8)
    s, t = pd.read_csv("s.csv"), pd.read_csv("t.csv")
    np.testing.assert_allclose(s["fte"], t["fte"] / 0.8)
    np.testing.assert_allclose(s["agent_hours"], t["agent_hours"])

    roster = a[["interval_start", "queue"]].assign(agents=a["agents"])
    roster.to_csv("r.csv", index=False)
    ev = runner.invoke(
        main,
        [
            *["evaluate", "f.csv", "--roster", "r.csv", "--target", "80/20"],
            *["--calibration", "c.json", "--out", "e.csv"],
        ],
    )
    assert ev.exit_code == 0, ev.output
    e = pd.read_csv("e.csv")
    from staffing import evaluate

    busy = e["calls"] > 0
    expect = evaluate(
        e.loc[busy, "calls"],
        e.loc[busy, "aht_s"],
        0.8 * e.loc[busy, "agents"],
        interval_s=1800,
        threshold_s=20,
        patience_s=120.0,
    )
    np.testing.assert_allclose(e.loc[busy, "service_level"], expect.service_level)
    np.testing.assert_allclose(e.loc[busy, "required"], a.loc[busy, "agents"] / 0.8)
    assert (e.loc[busy, "band"] != "met").any()  # the plan's agents, staffed, fall short
