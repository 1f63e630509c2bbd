"""Mixed-channel forecasts through the command line: plan, evaluate, compare, outsource, erlang.

Reference figures are the library's (checked against the queueing cores in
``tests/test_channels.py``); here the commands must give the same, write the documented
columns, and turn every bad channel input into one line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.cli import main
from staffing.data import sample_path
from staffing.planner.tables import CHANNEL_INTERVAL_COLUMNS, CHANNEL_SUMMARY_COLUMNS
from staffing.queueing.chat import required_chat_agents

HOURS = ["--open", "Mon-Fri 08:00-18:00", "--deadline-clock", "business"]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    for name in ("channels.csv", "channel_targets.csv"):
        shutil.copy(sample_path(name), name)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_plan_the_sample_week(runner: CliRunner) -> None:
    result = _run(
        runner,
        "plan", "channels.csv", "--targets", "channel_targets.csv", *HOURS,
        "--out", "plan.csv", "--summary", "summary.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    iv = pd.read_csv("plan.csv", keep_default_na=False, na_values=[""])
    assert tuple(iv.columns) == CHANNEL_INTERVAL_COLUMNS
    chat = iv[iv["queue"] == "chat"]
    want = required_chat_agents(
        chat["calls"].to_numpy(), 480.0, "80/60", 3, interval_s=1800, patience_s=240.0
    )
    np.testing.assert_array_equal(chat["agents"].to_numpy(), want)
    s = pd.read_csv("summary.csv")
    assert tuple(s.columns) == CHANNEL_SUMMARY_COLUMNS
    total = s.iloc[-1]
    channels = s[(s["level"] == "channel") & s["period_start"].notna()]
    assert channels["agent_hours"].sum() == pytest.approx(total["agent_hours"])


@pytest.mark.slow
def test_plan_figure_and_report_of_the_sample_week(runner: CliRunner) -> None:
    """The figure, the report and the comparison figure draw a mixed plan (about 20 s:
    matplotlib); the comparison shows one bar per scenario, its total."""
    result = _run(
        runner, "plan", "channels.csv", "--targets", "channel_targets.csv", *HOURS,
        "--plot", "plan.png", "--report", "plan.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Path("plan.png").stat().st_size > 0
    html = Path("plan.html").read_text()
    assert "care-email" in html and "Chat efficiency 1, 1.7, 2.5, 2.9, 3.5" in html
    cmp = _run(
        runner, "compare", "channels.csv", "--scenario", "80/20", "--scenario", "90/10",
        "--targets", "channel_targets.csv", *HOURS, "--plot", "cmp.png",
    )  # fmt: skip
    assert cmp.exit_code == 0 and Path("cmp.png").stat().st_size > 0


def test_plan_prints_levels(runner: CliRunner) -> None:
    result = _run(runner, "plan", "channels.csv", "--targets", "channel_targets.csv", *HOURS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["period", "level", "name"]
    assert any(re.search(r"pool\s+phones", line) for line in lines)
    assert re.search(r"all\s+total\s+total", lines[-1])


def test_channel_model_option_and_unknown_channel(runner: CliRunner) -> None:
    f = pd.read_csv("channels.csv")
    f.loc[f["queue"] == "chat", "channel"] = "WhatsApp"
    f.to_csv("wa.csv", index=False)
    bad = runner.invoke(main, ["plan", "wa.csv", "--targets", "channel_targets.csv", *HOURS])
    assert bad.exit_code == 1
    line = bad.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in bad.output
    assert re.search(r"wa\.csv: column 'channel': 156 rows .* unknown channel 'whatsapp'", line)
    assert "--channel-model" in line
    good = _run(
        runner, "plan", "wa.csv", "--targets", "channel_targets.csv", *HOURS,
        "--channel-model", "whatsapp=concurrent", "--out", "wa_plan.csv",
    )  # fmt: skip
    assert good.exit_code == 0, good.output
    assert set(pd.read_csv("wa_plan.csv").query("queue == 'chat'")["channel_model"]) == {
        "concurrent"
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--open", "Mon-Fri"], r"'Mon-Fri': give hours after the days"),
        (["--channel-model", "fax"], r"--channel-model.*CHANNEL=MODEL"),
        (["--channel-model", "fax=later"], r"--channel-model: 'fax=later': the model must be one"),
        (["--chat-efficiency", "1,0.5"], r"--chat-efficiency.*must not decrease"),
    ],
)
def test_bad_channel_options_one_line(runner: CliRunner, extra: list[str], message: str) -> None:
    result = runner.invoke(main, ["plan", "channels.csv", "--target", "80/20", *extra])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), result.stderr


def test_a_deadline_in_a_closure_names_the_clock_option(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        ["plan", "channels.csv", "--targets", "channel_targets.csv", "--open",
         "Mon-Fri 08:00-18:00"],
    )  # fmt: skip
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("Error: pool 'care': ") and "(--deadline-clock business)" in line


def test_erlang_concurrency_one_is_the_erlang_table(runner: CliRunner) -> None:
    common = ["erlang", "--calls", "200", "--aht", "6min", "--target", "80/60", "--format"]
    plain = _run(runner, *common, "csv").stdout
    chat = _run(runner, *common, "csv", "--concurrency", "1").stdout
    a, b = pd.read_csv(pd.io.common.StringIO(plain)), pd.read_csv(pd.io.common.StringIO(chat))
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)
    patient = ["--patience", "2min", "--target", "abandon<=5%"]
    a = pd.read_csv(pd.io.common.StringIO(_run(runner, *common, "csv", *patient).stdout))
    b = pd.read_csv(
        pd.io.common.StringIO(_run(runner, *common, "csv", *patient, "--concurrency", "1").stdout)
    )
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)


def test_erlang_chat_calculator(runner: CliRunner) -> None:
    """200 chats of 6 minutes in 30 minutes at 80/60: 18 agents holding up to 3
    (the chat module's example); with a flatter efficiency table more are needed."""
    args = ["erlang", "--calls", "200", "--aht", "6min", "--target", "80/60"]
    out = json.loads(_run(runner, *args, "--concurrency", "3", "--format", "json").stdout)
    assert out["required_agents"] == 18 and out["concurrency"] == 3
    assert out["efficiency"] == [1.0, 1.7, 2.5] and out["model"] == "chat, Erlang C"
    flat = json.loads(
        _run(
            runner, *args, "--concurrency", "3", "--chat-efficiency", "1,1.5,2", "--format", "json"
        ).stdout
    )
    assert flat["required_agents"] == required_chat_agents(
        200, 360, "80/60", 3, efficiency=(1, 1.5, 2)
    )
    assert flat["required_agents"] > 18
    table = _run(runner, *args, "--concurrency", "3").stdout
    assert "chat, up to 3 per agent" in table and "<- fewest" in table
    lone = runner.invoke(main, [*args, "--chat-efficiency", "1,1.5"])
    assert lone.exit_code == 2 and "--chat-efficiency needs --concurrency" in lone.stderr
    short = runner.invoke(main, [*args, "--concurrency", "6"])
    assert short.exit_code == 2 and "longer --chat-efficiency" in short.stderr


def test_evaluate_compare_outsource_on_the_sample(runner: CliRunner) -> None:
    plan = _run(
        runner, "plan", "channels.csv", "--targets", "channel_targets.csv", *HOURS,
        "--out", "plan.csv",
    )  # fmt: skip
    assert plan.exit_code == 0
    planned = pd.read_csv("plan.csv")
    roster = planned[["interval_start", "queue"]].assign(agents=planned["agents"].round())
    roster.to_csv("roster.csv", index=False)
    ev = _run(
        runner, "evaluate", "channels.csv", "--roster", "roster.csv",
        "--targets", "channel_targets.csv", *HOURS, "--out", "eval.csv",
    )  # fmt: skip
    assert ev.exit_code == 0, ev.output
    assert "Warning: channels.csv: care-email, general, premium not evaluated" in ev.stderr
    bands = pd.read_csv("eval.csv", keep_default_na=False).groupby("queue")["band"].agg(set)
    assert bands["premium"] == {"n/a"} and "n/a" not in bands["chat"]
    cmp = _run(
        runner, "compare", "channels.csv", "--scenario", "80/20", "--scenario", "90/10",
        "--targets", "channel_targets.csv", *HOURS,
    )  # fmt: skip
    assert cmp.exit_code == 0, cmp.output
    assert "service level at each queue's own thresholds" in cmp.stdout
    assert len(re.findall(r"\btotal\b", cmp.stdout)) == 2
    out = _run(
        runner, "outsource", "channels.csv", "--targets", "channel_targets.csv", *HOURS,
        "--share", "40%", "--out", "out.xlsx",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    summary = pd.read_excel("out.xlsx", sheet_name="summary")
    assert {"level", "channel", "pool"} <= set(summary.columns)
