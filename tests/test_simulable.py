"""Mixed-channel plans and the voice-line models: what the simulator and the exposure refuse.

The day simulator (``staffing simulate``, :func:`staffing.simulation.simulate_plan`) and
the credit exposure (``staffing credits --plan``, :func:`staffing.contracts.
credit_exposure`) model every queue as a first-come first-served voice line with the
agents of its rows. A plan of the sample's mixed week (``data/channels.csv`` planned with
``data/channel_targets.csv``, README "Beyond the phone") holds rows they cannot model:
chat (``chat``), deferred work (``care-email``) and the two voice classes of the priority
pool ``phones`` (``premium``, ``general``, whose ``agents`` are each a share of the
pool's). Those are refused in one line naming the file, the column and the rows, before
any work and without an output file. The one voice queue of a pool (``care``, blended
with ``care-email``) carries its own requirement in ``agents`` (``staffing.planner.
mixed``: the deferred work's extra agents are on the deferred rows), so on its own it
still simulates, as does a plain voice plan.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import staffing
from staffing.cli import main
from staffing.contracts import CreditTerms, credit_exposure
from staffing.data import sample_path
from staffing.errors import InputError, describe_rows
from staffing.io import read_targets
from staffing.planner import ChannelRules
from staffing.planner.sanity import PlanWarning
from staffing.prepared.channels import check_simulable
from staffing.simulation import SimulationOptions, simulate_plan

RULES = ChannelRules(open_hours="Mon-Fri 08:00-18:00", deadline_clock="business")
FEW = SimulationOptions(replications=40, seed=1)


def _two_days(method: str = "sipp", **kwargs: object) -> pd.DataFrame:
    forecast = staffing.read_forecast(sample_path("channels.csv"))
    days = forecast[forecast["interval_start"] < "2025-03-05"].reset_index(drop=True)
    targets = read_targets(sample_path("channel_targets.csv"))
    p = staffing.plan(days, targets_table=targets, channels=RULES, method=method, **kwargs)
    return p.intervals


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    """The sample's Monday and Tuesday planned (SIPP), every channel present."""
    iv = _two_days()
    assert set(iv["queue"]) == {"premium", "general", "chat", "care", "care-email"}
    return iv


def _only(plan: pd.DataFrame, *queues: str, source: str = "plan.csv") -> pd.DataFrame:
    out = plan[plan["queue"].isin(queues)].reset_index(drop=True)
    out.attrs = {"source": source}
    return out


def _rows(table: pd.DataFrame, mask: pd.Series) -> list[int]:
    """Spreadsheet rows (header = row 1) of a table as written without its index."""
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())]


def _refusal(call: object, *args: object, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    assert "\n" not in str(info.value)
    return info.value


# -- the library ------------------------------------------------------------------------


def test_chat_and_deferred_rows_are_refused(mixed: pd.DataFrame) -> None:
    plan = _only(mixed, *mixed["queue"].unique())
    err = _refusal(check_simulable, plan)
    assert err.column == "channel_model" and err.source == "plan.csv"
    assert err.rows == _rows(plan, plan["queue"].isin(["chat", "care-email"]))
    assert "chat (concurrent)" in err.problem and "care-email (deferred)" in err.problem
    assert str(err).startswith(f"plan.csv: column 'channel_model': {describe_rows(err.rows)}")


@pytest.mark.parametrize(
    ("queues", "bad", "kind"),
    [
        (("care", "care-email"), "care-email", "deferred"),
        (("chat",), "chat", "concurrent"),
    ],
)
def test_each_kind_alone(mixed: pd.DataFrame, queues: tuple[str, ...], bad: str, kind: str) -> None:
    plan = _only(mixed, *queues)
    err = _refusal(check_simulable, plan)
    assert err.column == "channel_model"
    assert err.rows == _rows(plan, plan["queue"] == bad)
    assert f"queue {bad} ({kind})" in err.problem


def test_priority_pool_voice_rows_are_refused(mixed: pd.DataFrame) -> None:
    """Voice rows only: premium and general share the pool 'phones', care is alone in 'care'."""
    plan = _only(mixed, "premium", "general", "care")
    err = _refusal(check_simulable, plan)
    assert err.column == "pool"
    assert err.rows == _rows(plan, plan["queue"].isin(["premium", "general"]))
    assert "priority pool 'phones' (premium, general)" in err.problem


def test_simulate_plan_and_credit_exposure_refuse(mixed: pd.DataFrame) -> None:
    plan = _only(mixed, "premium", "general")
    sim = _refusal(simulate_plan, plan, options=FEW)
    assert sim.column == "pool" and "the simulator takes voice lines only" in sim.problem
    exp = _refusal(credit_exposure, plan, "80/20", n_sims=10)
    assert exp.column == "pool" and "the credit exposure takes voice lines only" in exp.problem
    chat = _refusal(credit_exposure, _only(mixed, "chat", "care"), "80/20", n_sims=10)
    assert chat.column == "channel_model"


def test_the_one_voice_queue_of_a_pool_simulates_with_its_own_agents(
    mixed: pd.DataFrame,
) -> None:
    """care shares the pool 'care' with e-mail; its rows' agents are its own requirement,
    below the pool's agents where e-mail adds some, and the simulation uses them."""
    care = _only(mixed, "care")
    assert (care["pool"] == "care").all()
    assert (care["pool_agents"] > care["agents"] + 0.5).any()
    check_simulable(care)
    sim = simulate_plan(care, options=FEW)
    np.testing.assert_array_equal(sim.intervals["agents"].to_numpy(), care["agents"].to_numpy())
    busy = sim.intervals["calls"] > 0
    assert busy.any() and sim.intervals.loc[busy, "service_level"].between(0, 1).all()
    t = credit_exposure(care, "80/20", terms=CreditTerms(period="day"), n_sims=20)
    assert len(t) == 3  # two days and the total


def test_plain_tables_pass_untouched() -> None:
    """No channel column, or channel columns that hold voice lines alone."""
    plain = pd.DataFrame({"queue": ["a", "b"], "calls": [1.0, 2.0]})
    check_simulable(plain)
    alone = plain.assign(pool=["p", ""], priority=[1, np.nan], channel_model=["immediate", ""])
    check_simulable(alone)
    one_queue_pool = pd.DataFrame({"queue": ["a", "a"], "pool": ["p", "p"]})
    check_simulable(one_queue_pool)


def test_forecast_columns_without_channel_model() -> None:
    """A forecast (no ``channel_model``): the model from ``channel`` by the default names,
    an unknown name refused as not voice, ``concurrency`` above 1 as chat."""
    f = pd.DataFrame(
        {"queue": ["v", "w", "m", "x"], "channel": ["Phone", "", "E-mail ", "whatsapp"]}
    )
    err = _refusal(check_simulable, f, source="f.csv")
    assert err.column == "channel" and err.rows == [4, 5]
    assert "m (e-mail)" in err.problem and "x (whatsapp)" in err.problem
    g = pd.DataFrame({"queue": ["v", "c"], "concurrency": [None, 3]})
    err = _refusal(check_simulable, g, what="the credit exposure")
    assert err.column == "concurrency" and err.rows == [3] and err.source == "plan"
    assert "c (concurrent)" in err.problem and "the credit exposure" in err.problem


def test_method_simulation_plans_a_mixed_forecast() -> None:
    """``plan --method simulation``: the voice queue alone (care, blended with e-mail) by
    simulation, the rest by their own models; the refusal is not on that path."""
    with pytest.warns(PlanWarning, match="method simulation applies to voice queues alone"):
        iv = _two_days("simulation", simulation=SimulationOptions(replications=30))
    methods = iv.groupby("queue")["method"].first().to_dict()
    assert methods == {
        "care": "simulation",
        "care-email": "lp",
        "chat": "sipp",
        "general": "sipp",
        "premium": "sipp",
    }
    assert np.isfinite(iv["agents"].to_numpy(dtype=float)).all()


# -- the command line -------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mixed: pd.DataFrame) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    for name in ("channels.csv", "channel_targets.csv", "forecast.csv", "roster.csv"):
        shutil.copy(sample_path(name), name)
    mixed.to_csv("mixed.csv", index=False)
    for name, queues in {
        "pool.csv": ("premium", "general", "care"),
        "email.csv": ("care", "care-email"),
        "chat.csv": ("chat",),
        "care.csv": ("care",),
    }.items():
        _only(mixed, *queues).to_csv(name, index=False)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def _one_line(result: Result, start: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("name", "column", "bad"),
    [
        ("mixed.csv", "channel_model", ("chat", "care-email")),
        ("pool.csv", "pool", ("premium", "general")),
        ("email.csv", "channel_model", ("care-email",)),
        ("chat.csv", "channel_model", ("chat",)),
    ],
)
def test_simulate_and_credits_refuse(
    runner: CliRunner, name: str, column: str, bad: tuple[str, ...]
) -> None:
    table = pd.read_csv(name)
    rows = describe_rows(_rows(table, table["queue"].isin(bad)))
    start = f"Error: {name}: column '{column}': {rows} are "
    sim = _run(
        runner, "simulate", name, "--replications", "20", "--out", "sim.csv",
        "--summary", "days.csv", "--plot", "sim.png",
    )  # fmt: skip
    line = _one_line(sim, start)
    assert "the simulator takes voice lines only" in line
    cred = _run(
        runner, "credits", "--plan", name, "--target", "80/20", "--simulations", "20",
        "--exposure-out", "exposure.csv", "--out", "credits.xlsx",
    )  # fmt: skip
    line = _one_line(cred, start)
    assert "the credit exposure takes voice lines only" in line
    for out in ("sim.csv", "days.csv", "sim.png", "exposure.csv", "credits.xlsx"):
        assert not Path(out).exists()


def test_refused_before_the_other_inputs_are_read(runner: CliRunner) -> None:
    """The plan is checked first: a roster or a performance history that would fail
    later does not get the chance (the refusal names the plan, not them)."""
    Path("junk.csv").write_text("a,b\n1,2\n")
    sim = _run(runner, "simulate", "channels.csv", "--roster", "junk.csv", "--target", "80/20")
    assert "column 'channel':" in _one_line(sim, "Error: channels.csv: column 'channel': ")
    cred = _run(runner, "credits", "junk.csv", "--plan", "mixed.csv", "--target", "80/20")
    _one_line(cred, "Error: mixed.csv: column 'channel_model': ")


def test_voice_lines_still_simulate(runner: CliRunner) -> None:
    """The one voice queue of a pool, and a plain voice plan (the sample's Wednesday sales)."""
    care = _run(runner, "simulate", "care.csv", "--replications", "20", "--out", "care_sim.csv")
    assert care.exit_code == 0, care.output
    got = pd.read_csv("care_sim.csv")
    np.testing.assert_array_equal(got["agents"], pd.read_csv("care.csv")["agents"])
    cred = _run(
        runner, "credits", "--plan", "care.csv", "--target", "80/20", "--period", "day",
        "--simulations", "20", "--exposure-out", "care_exposure.csv",
    )  # fmt: skip
    assert cred.exit_code == 0, cred.output
    assert len(pd.read_csv("care_exposure.csv")) == 3
    f = pd.read_csv("forecast.csv")
    day = f[(f["queue"] == "sales") & f["interval_start"].str.startswith("2025-03-05")]
    day.to_csv("sales.csv", index=False)
    plan = _run(runner, "plan", "sales.csv", "--target", "80/20", "--out", "voice.csv")
    assert plan.exit_code == 0, plan.output
    sim = _run(runner, "simulate", "voice.csv", "--replications", "20", "--out", "voice_sim.csv")
    assert sim.exit_code == 0, sim.output
    assert len(pd.read_csv("voice_sim.csv")) == len(day)
