"""Outsourcer sizing: the split, the pooling effect against the queueing core, the
per-FTE commitment, and the attribution of a partner's misses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import staffing
from staffing.contracts import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_SUMMARY_COLUMNS,
    COMMITMENT_COLUMNS,
    OUTSOURCE_INTERVAL_COLUMNS,
    OUTSOURCE_SUMMARY_COLUMNS,
    PARTIES,
    attribute_partner,
    outsource,
)
from staffing.data import sample_path
from staffing.errors import InputError, StaffingError
from staffing.io import read_forecast, read_history
from staffing.planner import FteRules


def forecast(calls: list[float], aht_s: float = 180.0, **extra: float) -> pd.DataFrame:
    f = pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-03 09:00", periods=len(calls), freq="30min"),
            "calls": calls,
            "aht_s": aht_s,
            "interval_s": 1800.0,
        }
    )
    for k, v in extra.items():
        f[k] = v
    return f


def test_share_split_hand_worked() -> None:
    """100 calls of 180 s in one half-hour at 80/20 (Erlang C), 40% to a partner:
    in-house 60 calls need 9 agents, the partner's 40 need 7, one pooled queue of 100
    needs 14 (staffing.required_agents): splitting costs 9 + 7 - 14 = 2 agents, i.e. 1
    agent-hour; at 37.5 h per FTE in a one-week horizon that is 1 / 37.5 FTE."""
    assert staffing.required_agents([60.0, 40.0, 100.0], 180.0, "80/20").tolist() == [9, 7, 14]
    o = outsource(forecast([100.0]), "80/20", share=0.4)
    assert tuple(o.intervals.columns) == OUTSOURCE_INTERVAL_COLUMNS
    row = o.intervals.iloc[0]
    assert (row["in_house_calls"], row["partner_calls"]) == pytest.approx((60.0, 40.0))
    assert [row["in_house_agents"], row["partner_agents"], row["pooled_agents"]] == [9, 7, 14]
    assert row["split_extra_agents"] == 2
    assert tuple(o.summary.columns) == OUTSOURCE_SUMMARY_COLUMNS
    assert o.summary["party"].tolist()[:4] == list(PARTIES)
    cost = o.split_cost()
    assert cost["agent_hours"] == pytest.approx(1.0)
    assert cost["fte"] == pytest.approx(1.0 / 37.5)
    assert cost["peak_agents"] == 2


@pytest.mark.filterwarnings("ignore:.*needs under one agent:staffing.planner.PlanWarning")
@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.floats(1.0, 400.0), min_size=1, max_size=6),
    st.floats(60.0, 600.0),
    st.floats(0.05, 0.95),
    st.sampled_from([None, 60.0, 300.0]),
)
def test_pooling_effect_matches_the_core(
    calls: list[float], aht: float, share: float, patience: float | None
) -> None:
    """Each side is sized exactly as the queueing core sizes its calls, and two separate
    queues never need fewer agents than one pooled queue (Erlang C and Erlang A)."""
    extra = {} if patience is None else {"patience_s": patience}
    o = outsource(forecast(calls, aht, **extra), "80/20", share=share)
    iv = o.intervals
    kw = {"patience_s": patience}
    np.testing.assert_array_equal(
        iv["in_house_agents"],
        staffing.required_agents(iv["in_house_calls"].to_numpy(), aht, "80/20", **kw),
    )
    np.testing.assert_array_equal(
        iv["partner_agents"],
        staffing.required_agents(iv["partner_calls"].to_numpy(), aht, "80/20", **kw),
    )
    np.testing.assert_array_equal(
        iv["pooled_agents"], staffing.required_agents(np.asarray(calls), aht, "80/20", **kw)
    )
    assert (iv["split_extra_agents"] >= 0).all()
    np.testing.assert_allclose(iv["in_house_calls"] + iv["partner_calls"], calls)


def test_overflow_above_capacity() -> None:
    """Capacity 10 agents. 40 calls need 7 agents (fits: all in-house, nothing to the
    partner); 100 calls need 14: in-house keeps the most calls 10 agents serve at 80/20,
    so required_agents(in-house calls) = 10 and a hundredth of a call more needs 11."""
    o = outsource(forecast([40.0, 100.0]), "80/20", capacity_agents=10)
    iv = o.intervals
    assert iv["partner_calls"].iloc[0] == 0.0
    kept = iv["in_house_calls"].iloc[1]
    assert staffing.required_agents(kept, 180.0, "80/20") == 10
    assert staffing.required_agents(kept + 0.01, 180.0, "80/20") == 11
    assert iv["partner_calls"].iloc[1] == pytest.approx(100.0 - kept)
    assert iv["in_house_agents"].max() <= 10
    per_queue = outsource(forecast([100.0]), "80/20", capacity_agents={"main": 12})
    assert per_queue.intervals["in_house_agents"].iloc[0] == 12
    with pytest.raises(StaffingError, match="no in-house capacity for queue 'main'"):
        outsource(forecast([100.0]), "80/20", capacity_agents={"sales": 12})


def test_commitment_per_fte_hand_worked() -> None:
    """Partner share 40% of two half-hours of 100 calls: 7 + 7 agents = 7 agent-hours;
    partner shrinkage 30% and 37.5 h per FTE: 7 / 0.7 / 37.5 = 0.2667 FTE committed.
    The service level of 7 agents on 40 calls (Erlang C, 20 s) is the commitment's yield;
    on 44 calls it is lower."""
    o = outsource(
        forecast([100.0, 100.0]),
        "80/20",
        share=0.4,
        contract="per-fte",
        partner_fte=FteRules(total=0.3),
    )
    c = o.commitment
    assert tuple(c.columns) == COMMITMENT_COLUMNS
    total = c.iloc[-1]
    assert total["contract"] == "per-fte" and total["target"] == "80/20"
    assert total["agent_hours"] == pytest.approx(7.0)
    assert total["fte"] == pytest.approx(7.0 / 0.7 / 37.5)
    yield_sl = staffing.evaluate(40.0, 180.0, 7, threshold_s=20).service_level
    more_sl = staffing.evaluate(44.0, 180.0, 7, threshold_s=20).service_level
    assert total["service_level"] == pytest.approx(yield_sl)
    assert total["service_level_10pct_more_calls"] == pytest.approx(more_sl)
    # in-house FTE keep in-house shrinkage (none here): 2 * 9 agents / 2 = 9 h / 37.5
    inhouse = o.summary[o.summary["party"] == "in-house"].iloc[-1]
    assert inhouse["fte"] == pytest.approx(9.0 / 37.5)


def test_bad_split_options() -> None:
    with pytest.raises(StaffingError, match="either a partner `share`"):
        outsource(forecast([100.0]), "80/20")
    with pytest.raises(StaffingError, match="either a partner `share`"):
        outsource(forecast([100.0]), "80/20", share=0.4, capacity_agents=10)
    with pytest.raises(StaffingError, match=r"`share` '150%' must lie between"):
        outsource(forecast([100.0]), "80/20", share="150%")
    with pytest.raises(StaffingError, match="`contract` 'per-hour'"):
        outsource(forecast([100.0]), "80/20", share=0.4, contract="per-hour")


# --- attribution -------------------------------------------------------------------------


def plan_iv(calls: list[float], agents: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-03 09:00", periods=len(calls), freq="30min"),
            "queue": "main",
            "calls": calls,
            "aht_s": 180.0,
            "agents": agents,
            "interval_s": 1800.0,
            "patience_s": np.nan,
        }
    )


def test_attribution_hand_worked() -> None:
    """Committed 14 agents for 100 planned calls of 180 s in each of three half-hours
    (Erlang C, 80/20: planned SL 88.83%, staffing.evaluate). What happened:

    09:00  100 calls, 14 agents, 85 within 20 s -> delivered 85%: met
    09:30  130 calls, 14 agents, 60 within     -> committed SL at 130 calls is below 80%;
           staffing = committed, so the miss is volume
    10:00  100 calls, 11 agents, 55 within     -> committed SL at actual volume = planned
           (volume effect 0); 11 agents give less (staffing effect < 0): staffing

    Each interval's three effects add up to delivered minus planned, in points.
    """
    p = plan_iv([100.0, 100.0, 100.0], [14, 14, 14])
    act = pd.DataFrame(
        {
            "interval_start": p["interval_start"],
            "queue": "main",
            "offered": [100, 130, 100],
            "answered": [100, 130, 100],
            "answered_within": [85, 60, 55],
            "aht_s": 180.0,
            "agents": [14.0, 14.0, 11.0],
        }
    )
    a = attribute_partner(act, p, "80/20")
    iv = a.intervals
    assert tuple(iv.columns) == ATTRIBUTION_COLUMNS
    planned = staffing.evaluate(100.0, 180.0, 14, threshold_s=20).service_level
    assert iv["planned_service_level"].to_numpy() == pytest.approx([planned] * 3)
    assert iv["service_level"].to_numpy() == pytest.approx([0.85, 60 / 130, 0.55])
    at130 = staffing.evaluate(130.0, 180.0, 14, threshold_s=20).service_level
    assert iv["committed_service_level"].iloc[1] == pytest.approx(at130)
    with11 = staffing.evaluate(100.0, 180.0, 11, threshold_s=20).service_level
    assert iv["expected_service_level"].iloc[2] == pytest.approx(with11)
    assert iv["volume_effect_pts"].iloc[2] == pytest.approx(0.0, abs=1e-12)
    total = iv[["volume_effect_pts", "staffing_effect_pts", "other_effect_pts"]].sum(axis=1)
    np.testing.assert_allclose(total, 100 * (iv["service_level"] - iv["planned_service_level"]))
    assert iv["cause"].tolist() == ["met", "volume", "staffing"]

    s = a.summary
    assert tuple(s.columns) == ATTRIBUTION_SUMMARY_COLUMNS
    grand = s.iloc[-1]
    assert grand["queue"] == "total" and pd.isna(grand["period_start"])
    # volume-weighted: (85 + 60 + 55) / 330 delivered
    assert grand["service_level"] == pytest.approx(200 / 330)
    assert grand["committed_agent_hours"] == pytest.approx(21.0)
    assert grand["agent_hours"] == pytest.approx(19.5)


def test_attribution_other_cause() -> None:
    """Planned volume, committed staffing, yet only 50% within 20 s: the model says 88.8%,
    so the whole miss is 'other' (an outage, poor adherence): volume and staffing effects 0."""
    p = plan_iv([100.0], [14])
    act = p[["interval_start", "queue"]].assign(
        offered=100, answered=100, answered_within=50, aht_s=180.0, agents=14.0
    )
    iv = attribute_partner(act, p, "80/20").intervals
    assert iv["cause"].iloc[0] == "other"
    assert iv["volume_effect_pts"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert iv["staffing_effect_pts"].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_attribution_bad_actuals() -> None:
    p = plan_iv([100.0], [14])
    act = p[["interval_start", "queue"]].assign(offered=100, answered=100, answered_within=90)
    act.attrs["source"] = "actuals.csv"
    with pytest.raises(InputError, match=r"actuals\.csv: the actuals need column 'aht_s'"):
        attribute_partner(act, p, "80/20")
    later = act.assign(
        interval_start=act["interval_start"] + pd.Timedelta(days=7), aht_s=180.0, agents=14.0
    )
    with pytest.raises(InputError, match="no interval of the actuals is in the plan"):
        attribute_partner(later, p, "80/20")
    bad = act.assign(aht_s=180.0, agents=-1.0)
    with pytest.raises(InputError, match=r"column 'agents': 1 row \(row 2\)"):
        attribute_partner(bad, p, "80/20")


def test_sample_week_tells_its_three_stories() -> None:
    """data/actuals.csv (see data/README.md) hides three episodes; per day and queue the
    attribution must find each: Tuesday service -> volume, Thursday sales -> staffing,
    Friday premium -> other."""
    f = read_forecast(sample_path("forecast.csv"))
    actuals = read_history(sample_path("actuals.csv"), threshold_s=20)
    o = outsource(f, "80/20", share=0.4, period="day", actuals=actuals)
    assert o.attribution is not None
    s = o.attribution.summary.set_index(["queue", "period_start"])
    assert s.loc[("service", pd.Timestamp("2025-03-04")), "cause"] == "volume"
    assert s.loc[("sales", pd.Timestamp("2025-03-06")), "cause"] == "staffing"
    assert s.loc[("premium", pd.Timestamp("2025-03-07")), "cause"] == "other"
    assert o.attribution.summary.attrs["unmatched"] == 0


def test_attribution_actuals_without_queue_against_several_queues() -> None:
    """A plan of two queues (sales, service) and actuals without a queue column: which
    queue an interval belongs to cannot be guessed, so the actuals are refused rather than
    all set against the first queue's plan."""
    p = pd.concat(
        [plan_iv([100.0], [14]).assign(queue=q) for q in ("sales", "service")], ignore_index=True
    )
    act = (
        p[["interval_start"]]
        .iloc[:1]
        .assign(offered=100, answered=100, answered_within=85, aht_s=180.0, agents=14.0)
    )
    with pytest.raises(InputError, match="no 'queue' column but the plan has queues sales, serv"):
        attribute_partner(act, p, "80/20")
