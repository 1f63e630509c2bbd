"""`staffing calibrate` through click's CliRunner, in an isolated filesystem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.calibration import patience_for
from staffing.cli import main
from staffing.data import sample_path
from staffing.errors import InputError
from staffing.io import load_calibration


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own empty directory, so relative paths land there."""
    monkeypatch.chdir(tmp_path)


def run(runner: CliRunner, *args: str) -> object:
    return runner.invoke(main, ["calibrate", *args], catch_exceptions=False)


def test_sample_history_end_to_end(runner: CliRunner) -> None:
    """`staffing calibrate history.csv --abandon-target 5% --out c.json --plot c.png
    --report c.html` writes all three; the JSON has the keys the issue lists and the
    known patience of data/make_history.py (sales 90 s) inside its interval."""
    shutil.copy(sample_path("history.csv"), "history.csv")
    result = run(
        runner,
        "history.csv",
        "--abandon-target",
        "5%",
        "--out",
        "c.json",
        "--plot",
        "c.png",
        "--report",
        "c.html",
    )
    assert result.exit_code == 0, result.output
    assert "Patience per queue" in result.stdout
    assert "Back-test in-sample (on the fitted history): 2024-01-01 to 2024-06-28, 5,200" in (
        result.stdout
    )
    # in-sample, no model is judged; the report names the option that gives a verdict
    assert "closer" not in result.stdout
    assert "give a hold-out (--holdout 2m)" in result.stdout
    # the simulated change of service's patience is said once, then what was written
    assert result.stderr.splitlines() == [
        "Warning: queue 'service': patience moved from 2024Q1 (242 s) to 2024Q2 (183 s); "
        "plans use each queue's latest period unless told otherwise (--calibration-period)",
        "wrote c.json, c.png, c.html",
    ]
    data = json.loads(Path("c.json").read_text())
    assert {"queues", "relation", "periods", "backtest"} <= set(data)
    sales = data["queues"]["sales"]
    assert {"patience_s", "patience_ci_s", "abandons", "calls"} <= set(sales)
    lo, hi = sales["patience_ci_s"]
    assert lo <= 90.0 <= hi
    rel = data["relation"]
    assert rel["abandon_target"] == 0.05
    lo, hi = rel["sl_for_abandon_target_ci"]
    assert lo < rel["sl_for_abandon_target"] < hi
    assert 0.8 < rel["erlang_a_sl_for_abandon_target"] < 0.9
    assert data["periods"]["by"] == "quarter"
    assert data["backtest"]["scope"] == "in-sample" and data["backtest"]["verdict"] == {}
    # data/make_history.py reports the agents that served: effective staffing is 1
    for queue in ("sales", "service"):
        lo, hi = data["queues"][queue]["staffing_factor_ci"]
        assert lo < 1.0 < hi
    assert data["effective_staffing"]["by_queue"][0]["queue"] == "sales"
    assert Path("c.png").read_bytes()[:4] == b"\x89PNG"
    page = Path("c.html").read_text()
    assert "data:image/png;base64" in page and "Patience" in page
    # what the planner reads back
    cal = load_calibration("c.json")
    np.testing.assert_allclose(
        patience_for(cal, ["service", "sales"], period="pooled"),
        [data["queues"]["service"]["patience_s"], sales["patience_s"]],
    )
    # the planner's default is each queue's latest quarter: service's patience fell from
    # 240 s to 180 s in the simulated history (data/make_history.py), and the latest
    # quarter's interval covers the new value, the pooled one does not
    service = data["queues"]["service"]
    assert service["latest_period"] == max(service["patience_by_period_s"])
    assert patience_for(cal, "service") == service["latest_patience_s"]
    assert abs(service["latest_patience_s"] - 180.0) < 15.0
    assert service["patience_s"] > 195.0


def test_call_records_with_mapped_columns_and_stdout(runner: CliRunner) -> None:
    """Call records with the ACD's own column names, mapped with --column, JSON to '-'
    (stdout) and the summary then to stderr; abandoned calls waited 30, 60 and 90 s and
    answered ones 10 s each, so patience = (30 + 60 + 90 + 7 x 10) / 3 = 83.3 s."""
    queued = [30, 10, 60, 10, 10, 90, 10, 10, 10, 10]
    calls = pd.DataFrame(
        {
            "CallStart": pd.date_range("2024-02-05 09:00", periods=10, freq="4min"),
            "Skill": "sales",
            "Queued": queued,
            "Result": ["abandoned" if q in (30, 60, 90) else "answered" for q in queued],
            "Talk": [None, 200, None, 180, 240, None, 300, 120, 90, 210],
            "Agent": [None, "ann", None, "bob", "ann", None, "bob", "ann", "ann", "bob"],
        }
    )
    calls.to_csv("calls.csv", index=False)
    mapping = [
        "arrival=CallStart",
        "queue=Skill",
        "wait_s=Queued",
        "outcome=Result",
        "handle_s=Talk",
        "agent=Agent",
    ]
    args = ["calls.csv", "--by", "none", "--out", "-", "--min-abandons", "1"]
    for m in mapping:
        args += ["--column", m]
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "records"
    assert data["queues"]["sales"]["patience_s"] == pytest.approx(250 / 3)
    assert "kaplan_meier_max_gap" in data["queues"]["sales"]  # null: too few calls
    assert "Calibration of calls.csv (call records)" in result.stderr
    assert data["backtest"] is not None  # agents estimated from the Agent column


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (
            "interval_start,offered,answered,abandoned,answered_within\n"
            "2024-01-01 09:00,10,8,1,5\n2024-01-01 09:30,10,9,3,5\n",
            "Error: bad.csv: answered + abandoned exceeds offered by 2 calls in 1 row (row 3); "
            "give --on-inconsistent repair or drop\n",
        ),
        (
            "interval_start,offered,answered,abandoned,service_level\n"
            "2024-01-01 09:00,10,8,1,0.5\n2024-01-01 09:30,10,9,1,185\n",
            "Error: bad.csv: column 'service_level': 1 row (row 3) outside 0-100% (e.g. '185')\n",
        ),
        (
            "arrival,wait_s,outcome\n2024-01-01 09:00:00,-4,abandoned\n",
            "Error: bad.csv: column 'wait_s': 1 row (row 2) negative or missing waits\n",
        ),
        (
            "interval_start,offered,answered\n2024-01-01 09:00,10,8\n",
            "Error: bad.csv: missing column 'abandoned'",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    runner: CliRunner, csv: str, message: str
) -> None:
    Path("bad.csv").write_text(csv)
    result = runner.invoke(
        main, ["calibrate", "bad.csv", "--out", "c.json", "--on-inconsistent", "fail"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert list(Path(".").iterdir()) == [Path("bad.csv")]


def test_no_abandons_runs_with_a_warning(runner: CliRunner) -> None:
    """No abandons at all: patience cannot be estimated (null in the JSON, so the planner
    uses Erlang C), said on stderr; the run still writes its output and exits 0."""
    csv = (
        "interval_start,queue,offered,answered,abandoned,answered_within,"
        "wait_answered_s,wait_abandoned_s,aht_s,agents\n"
        "2024-01-01 09:00,vip,10,10,0,9,40,0,200,3\n"
        "2024-01-01 09:30,vip,12,12,0,12,10,0,210,3\n"
        "2024-01-01 10:00,vip,8,8,0,8,0,0,190,3\n"
    )
    Path("h.csv").write_text(csv)
    result = runner.invoke(main, ["calibrate", "h.csv", "--out", "c.json"])
    assert result.exit_code == 0, result.output
    assert "Warning: queue 'vip': no abandons in 30 calls: patience cannot be estimated" in (
        result.stderr
    )
    assert "relation not fitted" in result.stderr
    data = json.loads(Path("c.json").read_text())
    assert data["queues"]["vip"]["patience_s"] is None
    assert patience_for(load_calibration("c.json"), "vip") == np.inf


def test_nothing_to_calibrate_is_an_error(runner: CliRunner) -> None:
    Path("h.csv").write_text("interval_start,offered,answered,abandoned\n2024-01-01 09:00,10,8,1\n")
    result = runner.invoke(main, ["calibrate", "h.csv", "--out", "c.json"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: h.csv: nothing can be calibrated")
    assert not Path("c.json").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--abandon-target", "150%", "must lie between 0% and 100%"),
        ("--abandon-target", "five", "is not a percentage"),
        ("--by", "week", "'week' is not one of"),
        ("--out", "c.txt", "--out c.txt: unknown file type"),
        ("--plot", "c.bmp", "--plot c.bmp: unknown file type '.bmp'"),
    ],
)
def test_bad_options(runner: CliRunner, option: str, value: str, message: str) -> None:
    shutil.copy(sample_path("history.csv"), "history.csv")
    args = ["calibrate", "history.csv", "--out", "c.json", option, value]
    if option == "--out":
        args = ["calibrate", "history.csv", option, value]
    result = runner.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not Path("c.json").exists()


@pytest.mark.parametrize("text", ["5%", "5", "0.05"])
def test_abandon_target_spellings(runner: CliRunner, text: str) -> None:
    """A bare number above 1 is a percentage, at or below 1 a fraction (README, Targets)."""
    shutil.copy(sample_path("history.csv"), "history.csv")
    result = runner.invoke(
        main,
        ["calibrate", "history.csv", "--by", "none", "--abandon-target", text, "--out", "-"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["relation"]["abandon_target"] == pytest.approx(0.05)


def test_planner_reads_the_calibration(runner: CliRunner) -> None:
    """`staffing plan --calibration` takes patience per queue from our JSON: sales and
    service of the sample forecast then need fewer agents than with Erlang C."""
    forecast = pd.read_csv(sample_path("forecast.csv"))
    forecast = forecast[forecast["queue"].isin(["sales", "service"])].drop(
        columns=["patience_s"], errors="ignore"
    )
    shutil.copy(sample_path("history.csv"), "history.csv")
    forecast.to_csv("forecast.csv", index=False)
    assert runner.invoke(main, ["calibrate", "history.csv", "--out", "c.json"]).exit_code == 0
    with_a = runner.invoke(
        main,
        ["plan", "forecast.csv", "--target", "80/20", "--calibration", "c.json", "--out", "a.csv"],
    )
    assert with_a.exit_code == 0, with_a.output
    with_c = runner.invoke(main, ["plan", "forecast.csv", "--target", "80/20", "--out", "c.csv"])
    assert with_c.exit_code == 0, with_c.output
    a = pd.read_csv("a.csv")["agents"].sum()
    c = pd.read_csv("c.csv")["agents"].sum()
    assert a < c


def test_load_calibration_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not a calibration JSON file"):
        load_calibration(bad)
    bad.write_text(json.dumps({"queues": {"q": {"patience_s": -3}}}))
    with pytest.raises(InputError, match="queue 'q': patience_s -3 is not a positive number"):
        load_calibration(bad)
    with pytest.raises(InputError, match="no such file"):
        load_calibration(tmp_path / "missing.json")
    cal = {"queues": {"a": {"patience_s": 60.0}, "b": {"patience_s": 120.0}}}
    with pytest.raises(InputError, match="no patience for queue 'c' \\(it has a, b\\)"):
        patience_for(cal, pd.Series(["a", "c"]))
    got = patience_for(cal, pd.Series(["b", "a", "b"], index=[5, 6, 7]))
    assert got.tolist() == [120.0, 60.0, 120.0] and got.index.tolist() == [5, 6, 7]


def test_erlang_a_limits_leave_out_queues_without_patience() -> None:
    """A queue with no abandons has no patience and is left out of Erlang A's service
    level for the target; its lower patience limit (finite) must not slip into the
    interval of that figure, which then would not describe the estimate."""
    from staffing.calibration import CalibrationFitter, erlang_a_service_level
    from staffing.io import read_history

    h = read_history(sample_path("history.csv"))
    vip = h[h["queue"] == "service"].assign(
        queue="vip", abandoned=0.0, answered=lambda d: d["offered"], wait_abandoned_s=0.0
    )
    vip["answered_within"] = vip[["answered_within", "answered"]].min(axis=1)
    both = pd.concat([h[h["queue"] == "sales"], vip], ignore_index=True)
    both.attrs = dict(h.attrs)
    with pytest.warns(UserWarning):
        cal = CalibrationFitter(by=None, abandon_target=0.05).fit(both)
    sales = cal.summary.set_index("queue").loc["sales"]
    lo, hi = cal.target_["erlang_a_sl_for_abandon_target_ci"]
    assert hi == pytest.approx(
        erlang_a_service_level(both, {"sales": sales["ci_low_s"]}, 0.05, threshold_s=20)
    )
    assert lo == pytest.approx(
        erlang_a_service_level(both, {"sales": sales["ci_high_s"]}, 0.05, threshold_s=20)
    )
    assert lo <= cal.target_["erlang_a_sl_for_abandon_target"] <= hi
