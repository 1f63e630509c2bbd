"""Mixed-channel forecasts planned: voice, priority pools, chat and deferred work together.

Reference figures come from the cores each queue is staffed by, called directly on the
queue's own rows (:func:`required_chat_agents`, :func:`required_priority_agents`,
:func:`plan_deferred`, :func:`required_agents`), and from arithmetic in the docstrings.
The plain-voice digests were made with the planner as it stood before channels
(commit 68103a4), by the command in ``test_plain_voice_tables_are_unchanged``.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import staffing
from staffing.data import sample_path
from staffing.errors import InputError, StaffingError, TargetError
from staffing.io import read_targets
from staffing.planner import ChannelRules, FteRules, PlanWarning, evaluate_staffing, plan
from staffing.planner.deferred import plan_deferred
from staffing.planner.tables import (
    CHANNEL_EVALUATION_COLUMNS,
    CHANNEL_INTERVAL_COLUMNS,
    CHANNEL_SUMMARY_COLUMNS,
    INTERVAL_COLUMNS,
    SUMMARY_COLUMNS,
)
from staffing.queueing import required_agents
from staffing.queueing.chat import required_chat_agents
from staffing.queueing.priority import required_priority_agents

RULES = ChannelRules(open_hours="Mon-Fri 08:00-18:00", deadline_clock="business")


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    return staffing.read_forecast(sample_path("channels.csv")), read_targets(
        sample_path("channel_targets.csv")
    )


@pytest.fixture(scope="module")
def mixed(sample: tuple[pd.DataFrame, pd.DataFrame]) -> staffing.Plan:
    forecast, targets = sample
    return plan(forecast, targets_table=targets, channels=RULES)


def _rows(iv: pd.DataFrame, queue: str) -> pd.DataFrame:
    return iv[iv["queue"] == queue]


# ------------------------------------------------------------------ plain voice unchanged


def test_plain_voice_tables_are_unchanged() -> None:
    """The sample voice forecast gives exactly the tables of the planner before channels.

    Digests (SHA-256 of ``to_csv(index=False, float_format="%.10g")``, first 16 hex
    digits) of intervals and summary for targets.csv and for 80/20+abandon<=5% by day,
    made at commit 68103a4 by ``git archive 68103a4 staffing | tar -x -C /tmp/orig`` and
    the same lines below run with ``PYTHONPATH=/tmp/orig``.
    """
    f = staffing.read_forecast(sample_path("forecast.csv"))
    t = read_targets(sample_path("targets.csv"))
    rules = FteRules(in_centre="15%", out_of_centre="20%")
    found = []
    for kwargs in ({"targets_table": t}, {"targets": ["80/20", "abandon<=5%"], "period": "day"}):
        p = plan(f, fte=rules, **kwargs)
        assert tuple(p.intervals.columns) == INTERVAL_COLUMNS
        daily = ("heads",) if kwargs.get("period") == "day" else ()
        assert set(p.summary.columns) == {*SUMMARY_COLUMNS, *daily}
        for table in p.tables().values():
            # the figures of that commit: the columns added since (partial periods, daily
            # heads) are left out of the digest
            table = table.drop(columns=["partial", "heads"], errors="ignore")
            text = table.to_csv(index=False, float_format="%.10g")
            found.append(hashlib.sha256(text.encode()).hexdigest()[:16])
    assert found == ["ef0e1971232056b3", "50060f55049a4651", "48181c730500f41a", "b812a37c0d376ee7"]


def test_an_all_voice_channel_column_keeps_every_voice_figure() -> None:
    """Naming the channel (all voice) adds the channel columns; the rest is the same."""
    f = staffing.read_forecast(sample_path("forecast.csv"))
    plain = plan(f, ["80/20", "abandon<=5%"]).intervals
    named = plan(f.assign(channel="Voice"), ["80/20", "abandon<=5%"]).intervals
    assert tuple(named.columns) == CHANNEL_INTERVAL_COLUMNS
    for column in INTERVAL_COLUMNS:
        if column == "agents":
            np.testing.assert_array_equal(named[column].to_numpy(), plain[column].to_numpy())
        else:
            pd.testing.assert_series_equal(named[column], plain[column], check_dtype=False)
    assert (named["pool_agents"] == named["agents"]).all()


# ------------------------------------------------------------------ the sample, end to end


def test_sample_columns_and_pools_add_up(mixed: staffing.Plan) -> None:
    iv = mixed.intervals
    assert tuple(iv.columns) == CHANNEL_INTERVAL_COLUMNS
    assert tuple(mixed.summary.columns) == CHANNEL_SUMMARY_COLUMNS
    assert dict(zip(iv["queue"], iv["channel_model"], strict=False)) == {
        "premium": "immediate",
        "general": "immediate",
        "chat": "concurrent",
        "care": "immediate",
        "care-email": "deferred",
    }
    # rows of a pool add up to its agents at every interval start
    pooled = iv[iv["pool"] != ""]
    sums = pooled.groupby(["pool", "interval_start"])["agents"].sum()
    shared = pooled.groupby(["pool", "interval_start"])["pool_agents"].agg(["min", "max"])
    np.testing.assert_allclose(shared["min"], shared["max"])
    np.testing.assert_allclose(sums, shared["max"], atol=1e-9)
    assert set(iv.loc[iv["channel_model"] == "deferred", "method"]) == {"lp"}


def test_chat_rows_are_the_chat_core(mixed: staffing.Plan) -> None:
    """chat: 80/60, three chats per agent, patience 240 s (data/make_channels.py)."""
    chat = _rows(mixed.intervals, "chat")
    want = required_chat_agents(
        chat["calls"].to_numpy(),
        chat["aht_s"].to_numpy(),
        "80/60",
        3,
        interval_s=1800,
        patience_s=240.0,
    )
    np.testing.assert_array_equal(chat["agents"].to_numpy(), want)
    assert (chat["concurrency"] == 3).all()
    assert (chat["service_level"] >= 0.8 - 1e-12).all()


def test_priority_pool_is_the_priority_core(mixed: staffing.Plan) -> None:
    """premium (90/10+99/300, priority 1) before general (80/20) on pool phones."""
    iv = mixed.intervals
    prem = _rows(iv, "premium").set_index("interval_start")
    gen = _rows(iv, "general").set_index("interval_start")
    assert prem.index.equals(gen.index)
    want = required_priority_agents(
        [prem["calls"].to_numpy(), gen["calls"].to_numpy()],
        240.0,
        ["90/10+99/300", "80/20"],
        interval_s=1800,
    )
    np.testing.assert_array_equal(prem["pool_agents"].to_numpy(), want)
    np.testing.assert_array_equal(gen["pool_agents"].to_numpy(), want)
    np.testing.assert_allclose(prem["agents"] + gen["agents"], want)
    # premium's share is its share of the pool's workload
    share = prem["calls"] / (prem["calls"] + gen["calls"])
    np.testing.assert_allclose(prem["agents"], want * share)
    assert (prem["service_level"] >= 0.9 - 1e-12).all() and (gen["service_level"] >= 0.8).all()
    # pooling the two lines needs no more than staffing them apart, and here less
    apart = required_agents(prem["calls"], 240.0, "90/10+99/300") + required_agents(
        gen["calls"], 240.0, "80/20"
    )
    assert (want <= apart.to_numpy()).all() and want.sum() < apart.sum()


def test_email_rows_are_the_deferred_core(mixed: staffing.Plan) -> None:
    """care-email (90/4h, business hours, Mon-Fri 08:00-18:00) blended with care voice."""
    iv = mixed.intervals
    email = _rows(iv, "care-email")
    care = _rows(iv, "care").set_index("interval_start")
    voice = care["agents"].reindex(email["interval_start"]).fillna(0.0).to_numpy()
    load = (care["calls"] * care["aht_s"] / 1800).reindex(email["interval_start"]).fillna(0.0)
    direct = plan_deferred(
        email["calls"].to_numpy(),
        360.0,
        ("90%", "4h"),
        interval_start=email["interval_start"],
        open_hours={"Mon-Fri": "08:00-18:00"},
        business_hours=True,
        voice_agents=voice,
        voice_workload_erlangs=load.to_numpy(),
        max_occupancy=0.9,
    )
    np.testing.assert_allclose(email["agents"].to_numpy(), direct.intervals["agents"], atol=1e-9)
    np.testing.assert_allclose(email["backlog"].to_numpy(), direct.intervals["backlog"], atol=1e-9)
    np.testing.assert_allclose(
        email["oldest_age_s"].to_numpy(), direct.intervals["oldest_age_s"], atol=1e-6
    )
    assert email["handled_in_idle"].sum() > 0
    assert (email["threshold_s"] == 4 * 3600).all()
    # the pool never works above its occupancy cap
    pool = _rows(iv, "care")
    assert (pool["occupancy"] <= 0.9 + 1e-6).all()  # to the solver's tolerance


def test_blending_never_needs_more_than_staffing_email_apart(
    sample: tuple[pd.DataFrame, pd.DataFrame], mixed: staffing.Plan
) -> None:
    """The blended plan's e-mail agents fit in the plan of e-mail on its own agents."""
    forecast, targets = sample
    apart = forecast.copy()
    apart.loc[apart["queue"] == "care-email", "pool"] = np.nan
    alone = plan(apart, targets_table=targets, channels=RULES).intervals
    blended = mixed.intervals

    def hours(iv: pd.DataFrame) -> float:
        rows = iv[iv["queue"] == "care-email"]
        return float((rows["agents"] * rows["interval_s"] / 3600).sum())

    assert hours(blended) <= hours(alone) + 1e-6
    assert hours(blended) < 0.9 * hours(alone)  # the care line's idle time does real work
    voice = blended[blended["queue"] == "care"]["agents"]
    assert (voice.to_numpy() == alone[alone["queue"] == "care"]["agents"].to_numpy()).all()


def test_summary_counts_every_agent_once(mixed: staffing.Plan) -> None:
    s = mixed.summary
    week = s[s["period_start"].notna()]
    total = s.iloc[-1]
    assert total["level"] == "total" and pd.isna(total["period_start"])
    channels = week[week["level"] == "channel"]
    pools = week[week["level"] == "pool"]
    queues = week[week["level"] == "queue"]
    alone = queues[queues["pool"] == ""]
    for col in ("agent_hours", "scheduled_hours", "fte", "calls"):
        assert channels[col].sum() == pytest.approx(total[col])
        assert pools[col].sum() + alone[col].sum() == pytest.approx(total[col])
        assert queues[col].sum() == pytest.approx(total[col])
    assert set(channels["queue"]) == {"voice", "chat", "email"}
    assert set(pools["queue"]) == {"phones", "care"}
    phones = pools.set_index("queue").loc["phones"]
    iv = mixed.intervals
    assert phones["peak_agents"] == iv.loc[iv["pool"] == "phones", "pool_agents"].max()
    assert phones["agent_hours"] == pytest.approx(
        (iv.loc[iv["queue"] == "premium", "pool_agents"] / 2).sum()
    )
    assert total["peak_agents"] <= channels["peak_agents"].sum() + 1e-9


def test_mol_plans_voice_alone_and_says_what_it_leaves(
    sample: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    forecast, targets = sample
    with pytest.warns(PlanWarning, match=r"method mol applies to voice queues alone: .*phones"):
        p = plan(forecast, targets_table=targets, channels=RULES, method="mol")
    iv = p.intervals
    care = iv[iv["queue"] == "care"]
    assert set(care["method"]) == {"mol"} and set(iv[iv["queue"] == "chat"]["method"]) == {"sipp"}
    alone = forecast[forecast["queue"] == "care"].drop(
        columns=["channel", "pool", "priority", "concurrency"]
    )
    want = plan(alone, "80/20+abandon<=5%", method="mol").intervals["agents"]
    np.testing.assert_array_equal(care["agents"].to_numpy(), want.to_numpy())


# ------------------------------------------------------------------ small hand cases


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {"interval_start": "2025-03-03 09:00", "aht_s": 240.0, "interval_s": 1800}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_voice_queues_of_one_pool_without_priority_share_one_queue() -> None:
    """No priorities: one first-come first-served class, which must meet both targets,
    i.e. Erlang C on the pooled calls for 80/20+90/10."""
    f = _frame(
        [
            {"queue": "a", "pool": "p", "calls": 100.0},
            {"queue": "b", "pool": "p", "calls": 60.0},
        ]
    )
    t = pd.DataFrame({"queue": ["a", "b"], "target": ["80/20", "90/10"]})
    iv = plan(f, targets_table=t).intervals
    want = required_agents(160.0, 240.0, "80/20+90/10")
    assert (iv["pool_agents"] == want).all()
    assert iv["agents"].tolist() == pytest.approx([want * 100 / 160, want * 60 / 160])


def test_ticket_priorities_of_one_pool_are_classes_of_one_backlog() -> None:
    starts = pd.date_range("2025-03-03 08:00", periods=8, freq="h")
    f = pd.DataFrame(
        {
            "interval_start": np.tile(starts, 2),
            "queue": ["p1"] * 8 + ["p2"] * 8,
            "channel": "ticket",
            "pool": "desk",
            "priority": [1] * 8 + [2] * 8,
            "calls": [2.0] * 4 + [0.0] * 4 + [10.0] * 4 + [0.0] * 4,
            "aht_s": [900.0] * 8 + [360.0] * 8,
        }
    )
    t = pd.DataFrame({"queue": ["p1", "p2"], "target": ["100/1h", "90/4h"]})
    iv = plan(f, targets_table=t, channels=ChannelRules(max_occupancy="100%")).intervals
    direct = plan_deferred(
        {"p1": [2.0] * 4 + [0.0] * 4, "p2": [10.0] * 4 + [0.0] * 4},
        {"p1": 900.0, "p2": 360.0},
        {"p1": ("100%", "1h"), "p2": ("90%", "4h")},
        interval_start=starts,
    )
    pool = iv[iv["queue"] == "p1"]["pool_agents"].to_numpy()
    np.testing.assert_allclose(pool, direct.intervals["agents"], atol=1e-9)
    both = iv.groupby("interval_start")["agents"].sum().to_numpy()
    np.testing.assert_allclose(both, direct.intervals["agents"], atol=1e-9)


def test_channel_models_map_other_names() -> None:
    f = _frame([{"queue": "wa", "channel": "WhatsApp", "concurrency": 2, "calls": 60.0}])
    with pytest.raises(InputError, match=r"column 'channel': 1 row \(row 2\) unknown channel"):
        plan(f, "80/60")
    rules = ChannelRules(channel_models={"whatsapp": "concurrent"})
    iv = plan(f, "80/60", channels=rules).intervals
    assert iv["agents"].iloc[0] == required_chat_agents(60.0, 240.0, "80/60", 2)
    slow = ChannelRules(channel_models={"whatsapp": "concurrent"}, chat_efficiency=(1, 1.2))
    assert plan(f, "80/60", channels=slow).intervals["agents"].iloc[0] == (
        required_chat_agents(60.0, 240.0, "80/60", 2, efficiency=(1.0, 1.2))
    )


def test_targets_by_channel() -> None:
    """A rule naming a channel applies to that channel's rows only; first match wins."""
    f = _frame(
        [
            {"queue": "line", "channel": "voice", "calls": 100.0},
            {"queue": "web", "channel": "chat", "concurrency": 2, "calls": 100.0},
        ]
    )
    t = pd.DataFrame({"channel": ["chat", ""], "target": ["80/30", "90/20"]})
    iv = plan(f, targets_table=t).intervals
    assert iv["target"].astype(str).tolist() == ["90/20", "80/30"]
    assert iv["agents"].tolist() == [
        required_agents(100.0, 240.0, "90/20"),
        required_chat_agents(100.0, 240.0, "80/30", 2),
    ]


@pytest.mark.parametrize(
    ("rows", "pattern"),
    [
        (
            [{"queue": "a", "channel": "fax", "calls": 1.0}],
            r"forecast: column 'channel': 1 row \(row 2\) unknown channel 'fax'.*"
            r"`channel_models`",
        ),
        (
            [{"queue": "a", "channel": "chat", "concurrency": 2.5, "calls": 1.0}],
            r"column 'concurrency': 1 row \(row 2\) not a whole number of at least 1",
        ),
        (
            [{"queue": "a", "channel": "voice", "concurrency": 2, "calls": 1.0}],
            r"column 'concurrency': .* above 1 on a channel that is not concurrent",
        ),
        (
            [{"queue": "a", "channel": "chat", "concurrency": 9, "calls": 1.0}],
            r"above the 5 chats the efficiency table covers",
        ),
        (
            [{"queue": "a", "priority": 0, "calls": 1.0}],
            r"column 'priority': 1 row \(row 2\) not a whole number of at least 1",
        ),
        (
            [
                {"queue": "a", "pool": "p", "calls": 1.0},
                {"queue": "a", "pool": "q", "calls": 1.0, "interval_start": "2025-03-03 09:30"},
            ],
            r"column 'pool': 2 rows \(rows 2, 3\) a queue's pool changes between its rows",
        ),
    ],
)
def test_bad_channel_columns_name_the_rows(rows: list[dict[str, object]], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        plan(_frame(rows), "80/20")


def test_what_a_pool_cannot_hold_is_one_line() -> None:
    chat_in_pool = _frame(
        [
            {"queue": "a", "pool": "p", "calls": 10.0},
            {"queue": "b", "pool": "p", "channel": "chat", "calls": 10.0},
        ]
    )
    with pytest.raises(StaffingError, match=r"pool 'p': chat queue 'b' shares its agents"):
        plan(chat_in_pool, "80/20")
    patient = _frame(
        [
            {"queue": "a", "pool": "p", "priority": 1, "calls": 10.0, "patience_s": 120.0},
            {"queue": "b", "pool": "p", "priority": 2, "calls": 10.0},
        ]
    )
    with pytest.raises(StaffingError, match=r"pool 'p': priority classes with callers who"):
        plan(patient, "80/20")
    handle = _frame(
        [
            {"queue": "a", "pool": "p", "priority": 1, "calls": 10.0},
            {"queue": "b", "pool": "p", "priority": 2, "calls": 10.0, "aht_s": 300.0},
        ]
    )
    with pytest.raises(InputError, match=r"rows 2, 3\) pool 'p': priority classes with differ"):
        plan(handle, "80/20")
    half = _frame(
        [
            {"queue": "a", "pool": "p", "priority": 1, "calls": 10.0},
            {"queue": "b", "pool": "p", "calls": 10.0},
        ]
    )
    with pytest.raises(InputError, match=r"voice queue 'b' has no priority"):
        plan(half, "80/20")
    mail = _frame([{"queue": "m", "channel": "email", "calls": 10.0}])
    with pytest.raises(TargetError, match=r"queue 'm': deferred work takes a share within"):
        plan(mail, "asa<=30")


# ------------------------------------------------------------------ evaluate, compare, outsource


def test_evaluate_a_mixed_roster(sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    forecast, targets = sample
    planned = plan(forecast, targets_table=targets, channels=RULES).intervals
    roster = forecast.assign(agents=planned["agents"].round().to_numpy())
    with pytest.warns(PlanWarning, match=r"care-email, general, premium not evaluated"):
        e = evaluate_staffing(roster, targets_table=targets, channels=RULES)
    iv = e.intervals
    assert tuple(iv.columns) == CHANNEL_EVALUATION_COLUMNS
    chat = iv[iv["queue"] == "chat"]
    assert (chat["required"] == chat["agents"]).all()
    assert (chat["band"] == "met").all()
    np.testing.assert_allclose(
        chat["service_level"], planned.loc[chat.index, "service_level"], rtol=1e-12
    )
    assert set(iv[iv["queue"].isin(["premium", "care-email"])]["band"]) == {"n/a"}
    assert e.summary.iloc[-1]["level"] == "total"


def test_compare_and_outsource_on_the_mixed_sample(
    sample: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    forecast, targets = sample
    table = staffing.compare(forecast, ["80/20", "90/10"], targets_table=targets, channels=RULES)
    assert list(table["channel"]) == ["chat", "email", "voice", "total"] * 2
    totals = table[table["channel"] == "total"].set_index("scenario")
    parts = table[table["channel"] != "total"].groupby("scenario")["agent_hours"].sum()
    np.testing.assert_allclose(totals["agent_hours"], parts.loc[totals.index])
    assert totals.loc["90/10", "delta_agent_hours"] > 0
    with pytest.raises(TargetError, match=r"deferred channels \(email\) keep their targets"):
        staffing.compare(forecast, ["80/20"], channels=RULES)
    with pytest.raises(StaffingError, match="sweep: the budget curves are for voice"):
        staffing.contracts.sweep(forecast)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)
        o = staffing.outsource(forecast, targets_table=targets, share="40%", channels=RULES)
    cost = o.split_cost()
    assert cost["level"] == "total" and cost["agent_hours"] > 0
    with pytest.raises(StaffingError, match="give a partner `share`"):
        staffing.outsource(forecast, targets_table=targets, capacity_agents=30, channels=RULES)


def test_ticket_priorities_written_p1_and_progress_counts_every_row() -> None:
    """P1/P2 read as priorities 1 and 2; the progress callback sees every row once."""
    starts = pd.date_range("2025-03-03 08:00", periods=4, freq="h")
    f = pd.DataFrame(
        {
            "interval_start": np.tile(starts, 3),
            "queue": ["p1"] * 4 + ["p2"] * 4 + ["phone"] * 4,
            "channel": ["ticket"] * 8 + ["voice"] * 4,
            "pool": ["desk"] * 8 + [""] * 4,
            "priority": ["P1"] * 4 + ["p2"] * 4 + [""] * 4,
            "calls": [1.0] * 4 + [4.0] * 4 + [50.0] * 4,
            "aht_s": [900.0] * 4 + [360.0] * 4 + [180.0] * 4,
        }
    )
    t = pd.DataFrame({"queue": ["p1", "p2", "phone"], "target": ["100/2h", "90/3h", "80/20"]})
    seen: list[int] = []
    iv = plan(f, targets_table=t, progress=seen.append).intervals
    assert iv["priority"].tolist()[:8] == [1.0] * 4 + [2.0] * 4
    assert sum(seen) == len(f)


@pytest.mark.slow
@settings(max_examples=15)
@given(
    calls=st.lists(
        st.tuples(*(st.just(0.0) | st.floats(0.01, top) for top in (150.0, 150.0, 80.0, 30.0))),
        min_size=2,
        max_size=4,
    ),
    rho=st.sampled_from(["80%", "90%", "100%"]),
)
def test_rows_add_up_and_pools_never_cost_more(
    calls: list[tuple[float, float, float, float]], rho: str
) -> None:
    """For any volumes: a pool's rows add up to its agents, the summary's total is the sum
    of its channel rows, the priority pool needs no more agents than its lines apart, and
    blended e-mail no more than e-mail on its own agents (a line without calls in an
    interval leaves the pool: its targets do not bind there)."""
    starts = pd.date_range("2025-03-03 09:00", periods=len(calls), freq="30min")
    queues = {
        "prem": ("voice", "phones", 1, 0),
        "gen": ("voice", "phones", 2, 1),
        "web": ("chat", "", np.nan, 2),
        "mail": ("email", "phones", np.nan, 3),
    }
    rows = [
        {
            "interval_start": t,
            "queue": q,
            "channel": ch,
            "pool": pool,
            "priority": pr,
            "concurrency": 2 if ch == "chat" else np.nan,
            "calls": c[i],
            "aht_s": 240.0,
        }
        for q, (ch, pool, pr, i) in queues.items()
        for t, c in zip(starts, calls, strict=True)
    ]
    f = pd.DataFrame(rows)
    t = pd.DataFrame({"queue": list(queues), "target": ["90/10", "80/20", "80/60", "100/2h"]})
    rules = ChannelRules(max_occupancy=rho)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)  # light volumes are meant here
        p = plan(f, targets_table=t, channels=rules)
        alone = plan(
            f.assign(pool=np.where(f["queue"] == "mail", "", f["pool"])),
            targets_table=t,
            channels=rules,
        ).intervals
    iv, s = p.intervals, p.summary
    pool = iv[iv["pool"] == "phones"]
    sums = pool.groupby("interval_start")["agents"].sum()
    np.testing.assert_allclose(sums, pool.groupby("interval_start")["pool_agents"].max(), atol=1e-7)
    total = s.iloc[-1]
    channels = s[(s["level"] == "channel") & s["period_start"].notna()]
    assert channels["agent_hours"].sum() == pytest.approx(total["agent_hours"], abs=1e-9)
    prem, gen = (iv[iv["queue"] == q].set_index("interval_start") for q in ("prem", "gen"))
    apart = required_agents(prem["calls"], 240.0, "90/10") + required_agents(
        gen["calls"], 240.0, "80/20"
    )
    voice = (prem["agents"] + gen["agents"]).to_numpy()
    assert (voice <= np.asarray(apart) + 1e-9).all()
    mail = iv[iv["queue"] == "mail"]["agents"].sum()
    assert mail <= alone[alone["queue"] == "mail"]["agents"].sum() + 1e-6


def test_a_priority_line_without_calls_does_not_bind() -> None:
    """Premium without calls at 09:00: the pool is general alone, Erlang C for 80/20
    (9 agents for 42.3 calls of 240 s); a 90/10 premium target must not add a tenth."""
    f = _frame(
        [
            {"queue": "prem", "pool": "p", "priority": 1, "calls": 0.0},
            {"queue": "gen", "pool": "p", "priority": 2, "calls": 42.3},
        ]
    )
    t = pd.DataFrame({"queue": ["prem", "gen"], "target": ["90/10", "80/20"]})
    iv = plan(f, targets_table=t).intervals
    assert iv["pool_agents"].tolist() == [9.0, 9.0] == [required_agents(42.3, 240.0, "80/20")] * 2
    assert iv["agents"].tolist() == [0.0, 9.0]
