"""Reading ACD histories: interval reports, call records, validation messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.calibration import (
    HISTORY_COLUMNS,
    aggregate_records,
    prepare_history,
    staffed_agents,
    validate_records,
)
from staffing.errors import InputError
from staffing.frames.values import DataWarning
from staffing.io import ReadOptions, read_history


def named(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """The table as a reader hands it over from the file ``source``."""
    df.attrs["source"] = source
    return df


def report(**overrides: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "interval_start": ["2024-01-01 09:00", "2024-01-01 09:30", "2024-01-01 10:00"],
        "offered": [100, 120, 90],
        "answered": [95, 110, 88],
        "abandoned": [5, 10, 2],
        "answered_within": [80, 70, 85],
        "wait_answered_s": [950.0, 2200.0, 300.0],
        "wait_abandoned_s": [200.0, 600.0, 40.0],
        "aht_s": [180.0, 190.0, 170.0],
        "agents": [12.0, 12.0, 11.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_interval_report_columns_and_interval_inferred() -> None:
    """A 30-minute report keeps its counts, gets queue 'all' and interval_s 1800."""
    h = prepare_history(report(), threshold_s=20)
    assert list(h.columns) == HISTORY_COLUMNS
    assert h["queue"].unique().tolist() == ["all"]
    assert h["interval_s"].unique().tolist() == [1800.0]
    assert h["offered"].tolist() == [100.0, 120.0, 90.0]
    assert h.attrs["threshold_s"] == 20.0
    assert h.attrs["kind"] == "intervals"
    assert h["abandoned_within"].isna().all()


def test_daily_report_interval_is_a_day() -> None:
    """Any interval length works: one row per day gives interval_s = 86400."""
    h = prepare_history(report(interval_start=["2024-01-01", "2024-01-02", "2024-01-03"]))
    assert h["interval_s"].unique().tolist() == [86400.0]


def test_asa_and_average_abandon_become_totals() -> None:
    """asa_s x answered and avg_abandon_s x abandoned give the total waits."""
    df = report().drop(columns=["wait_answered_s", "wait_abandoned_s"])
    df["asa_s"] = [10.0, 20.0, 5.0]
    df["avg_abandon_s"] = [40.0, 60.0, 20.0]
    h = prepare_history(df)
    assert h["wait_answered_s"].tolist() == [950.0, 2200.0, 440.0]
    assert h["wait_abandoned_s"].tolist() == [200.0, 600.0, 40.0]


def test_service_level_fraction_becomes_answered_within() -> None:
    df = report().drop(columns=["answered_within"])
    df["service_level"] = [0.8, 0.5, 0.9]
    h = prepare_history(df)
    np.testing.assert_allclose(h["answered_within"], [80.0, 60.0, 81.0])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"wait_abandoned_s": [200.0, -1.0, -3.0]},
            "history: column 'wait_abandoned_s': 2 rows (rows 3, 4) negative",
        ),
        (
            {"offered": [100, None, 90]},
            "history: column 'offered': 1 row (row 3) negative or missing",
        ),
        (
            {"answered_within": [96, 70, 85]},
            "history: column 'answered_within': 1 row (row 2) answered within the "
            "threshold exceeds answered",
        ),
        (
            {"interval_start": ["2024-01-01 09:00", "soon", "2024-01-01 10:00"]},
            "history: column 'interval_start': 1 row (row 3) not timestamps (e.g. 'soon')",
        ),
        (
            {"interval_start": ["2024-01-01 09:00", "2024-01-01 09:00", "2024-01-01 10:00"]},
            "history: column 'interval_start': 2 rows (rows 2, 3) duplicate intervals",
        ),
    ],
)
def test_bad_interval_reports_name_column_and_rows(
    overrides: dict[str, object], expected: str
) -> None:
    with pytest.raises(InputError) as err:
        prepare_history(report(**overrides))
    assert str(err.value).startswith(expected)


def test_service_level_outside_unit_interval_is_named() -> None:
    """One rule for the whole column: values above 1 make it percentages (said in a
    warning); after that every value must lie in 0-100%."""
    df = report().drop(columns=["answered_within"])
    df["service_level"] = [0.8, 180.0, 0.5]
    with pytest.raises(InputError, match=r"'service_level': 1 row \(row 3\) outside 0-100%"):
        prepare_history(named(df, "acd.csv"))
    df["service_level"] = [80.0, 70.0, 95.5]
    with pytest.warns(DataWarning, match=r"read as percentages \(95\.5 = 95\.5%\)"):
        h = prepare_history(named(df, "acd.csv"))
    np.testing.assert_allclose(h["answered_within"], [0.80 * 100, 0.70 * 120, 0.955 * 90])


@pytest.mark.parametrize("policy", ["repair", "drop", "fail"])
def test_counts_that_do_not_add_up(policy: str) -> None:
    """answered + abandoned above offered by a few calls: repaired (offered raised), the
    row dropped, or a stop, each named by row."""
    df = report(answered=[95, 115, 88])  # row 3: 115 + 10 > 120
    if policy == "fail":
        with pytest.raises(InputError, match=r"exceeds offered by 5 calls in 1 row \(row 3\)"):
            prepare_history(df, on_inconsistent="fail")
        return
    with pytest.warns(DataWarning, match=r"by 5 calls in 1 row \(row 3\)"):
        h = prepare_history(df, on_inconsistent=policy)  # type: ignore[arg-type]
    if policy == "repair":
        assert h["offered"].tolist() == [100.0, 125.0, 90.0]
    else:
        assert h["offered"].tolist() == [100.0, 90.0]


def test_missing_columns_say_what_was_expected_and_found() -> None:
    df = report().drop(columns=["abandoned"])
    with pytest.raises(InputError, match=r"missing column 'abandoned'.*found interval_start"):
        prepare_history(df)
    with pytest.raises(InputError, match="not a history"):
        prepare_history(pd.DataFrame({"x": [1]}))


def records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arrival": pd.to_datetime(
                [
                    "2024-01-01 09:00:00",
                    "2024-01-01 09:05:00",
                    "2024-01-01 09:10:00",
                    "2024-01-01 09:31:00",
                    "2024-01-01 09:40:00",
                ]
            ),
            "queue": ["A", "A", "A", "A", "B"],
            "wait_s": [3.0, 30.0, 4.0, 12.0, 0.0],
            "outcome": ["answered", "answered", "abandoned", "answered", "Answered"],
            "handle_s": [300.0, 600.0, None, 100.0, 60.0],
            "agent": ["ann", "bob", None, "ann", "ann"],
        }
    )


def test_records_aggregate_to_intervals() -> None:
    """Counts, threshold splits, waits and AHT of the five calls above, by hand."""
    h = prepare_history(records(), threshold_s=20, interval="30min")
    assert list(h.columns) == HISTORY_COLUMNS
    assert h.attrs["kind"] == "records"
    a0 = h.iloc[0]
    assert (a0["queue"], a0["interval_start"]) == ("A", pd.Timestamp("2024-01-01 09:00"))
    assert (a0["offered"], a0["answered"], a0["abandoned"]) == (3.0, 2.0, 1.0)
    assert (a0["answered_within"], a0["abandoned_within"], a0["short_abandons"]) == (
        1.0,
        1.0,
        1.0,
    )
    assert (a0["wait_answered_s"], a0["wait_abandoned_s"], a0["aht_s"]) == (33.0, 4.0, 450.0)
    assert h["queue"].tolist() == ["A", "A", "B"]


def test_staffed_agents_by_hand() -> None:
    """Queue A: ann serves 09:00:03-09:05:03 and 09:31:12-09:32:52 (gap > 15 min: two
    spans); bob serves 09:05:30-09:15:30. In 09:00-09:30 that is 300 s + 600 s = 900 s of
    presence, i.e. 0.5 agents; in 09:30-10:00 ann's 100 s, 100/1800 agents."""
    recs = validate_records(records())
    agents = staffed_agents(recs, interval_s=1800, max_gap_s=900)
    a = agents[agents["queue"] == "A"]["agents"].to_numpy()
    np.testing.assert_allclose(a, [0.5, 100 / 1800])
    # With a 40-minute gap allowed, ann's two services join into one span:
    # 09:00:03 -> 09:32:52 covers 1797 s of the first interval and 172 s of the second.
    joined = staffed_agents(recs, interval_s=1800, max_gap_s=2400)
    a = joined[joined["queue"] == "A"]["agents"].to_numpy()
    np.testing.assert_allclose(a, [(1797 + 600) / 1800, 172 / 1800])


def test_bad_records_are_named() -> None:
    bad = records()
    bad.loc[1, "wait_s"] = -2
    with pytest.raises(InputError, match=r"'wait_s': 1 row \(row 3\) negative"):
        prepare_history(named(bad, "calls.csv"))
    bad = records()
    bad.loc[4, "outcome"] = "transferred"
    with pytest.raises(InputError, match=r"'outcome': 1 row \(row 6\)"):
        prepare_history(bad)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4 * 3600),
            st.floats(0, 600),
            st.booleans(),
            st.floats(1, 900),
            st.sampled_from(["a", "b", "c"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_aggregation_conserves_calls_and_bounds_agents(
    calls: list[tuple[int, float, bool, float, str]],
) -> None:
    """Property: offered = answered + abandoned per interval, totals conserved; the agent
    estimate grows with the idle gap allowed (so it is at least the busy-time estimate of
    ``max_gap_s=0``) and never exceeds the number of distinct agents."""
    df = pd.DataFrame(
        {
            "arrival": pd.Timestamp("2024-03-01") + pd.to_timedelta([c[0] for c in calls], "s"),
            "wait_s": [c[1] for c in calls],
            "outcome": ["answered" if c[2] else "abandoned" for c in calls],
            "handle_s": [c[3] for c in calls],
            "agent": [c[4] for c in calls],
        }
    )
    recs = validate_records(df)
    h = aggregate_records(recs, interval="30min", threshold_s=20)
    np.testing.assert_allclose(h["offered"], h["answered"] + h["abandoned"])
    assert h["offered"].sum() == len(calls)
    assert h["wait_answered_s"].sum() + h["wait_abandoned_s"].sum() == pytest.approx(
        sum(c[1] for c in calls)
    )
    if not any(c[2] for c in calls):
        assert h["agents"].isna().all()  # nobody answered: staffing is not observable
        return
    busy = aggregate_records(recs, interval="30min", max_gap_s=0.0)
    assert (h["agents"].to_numpy() >= busy["agents"].to_numpy() - 1e-12).all()
    assert (busy["agents"] >= 0).all()
    # Each agent is counted at most once at any instant (spans of one agent are disjoint).
    assert (h["agents"] <= df["agent"].nunique() + 1e-9).all()


def test_file_with_other_column_names_and_semicolons(tmp_path: object) -> None:
    """A semicolon-separated export with a BOM and its own column names, mapped."""
    from pathlib import Path

    path = Path(str(tmp_path)) / "acd.csv"
    path.write_text(
        "\ufeffStart;Skill;CallsOffered;Answered;Abandoned;SL20\n"
        "2024-01-01 09:00;sales;100;95;5;80\n"
        "2024-01-01 09:30;sales;120;110;10;70\n",
        encoding="utf-8",
    )
    h = read_history(
        path,
        options=ReadOptions(
            columns={
                "interval_start": "Start",
                "queue": "Skill",
                "offered": "CallsOffered",
                "answered_within": "SL20",
            }
        ),
    )
    assert h.attrs["source"] == "acd.csv"
    assert h["queue"].tolist() == ["sales", "sales"]
    assert h["answered_within"].tolist() == [80.0, 70.0]
    with pytest.raises(InputError, match=r"^acd.csv: answered \+ abandoned exceeds offered"):
        bad = path.read_text(encoding="utf-8").replace(";100;95;5;", ";100;98;5;")
        path.write_text(bad, encoding="utf-8")
        read_history(
            path,
            options=ReadOptions(columns={"interval_start": "Start", "offered": "CallsOffered"}),
            on_inconsistent="fail",
        )


def test_missing_agents_survive_a_file_round_trip(tmp_path: object) -> None:
    """An answered call with no agent (blank cell) has no agent after reading the file
    back, whatever dtype the reader chose (a blank must not become an agent named
    '<NA>' or 'nan'); the aggregated history equals the one built in memory."""
    from pathlib import Path

    recs = records()
    recs.loc[3, "agent"] = None  # answered, agent unknown
    path = Path(str(tmp_path)) / "calls.csv"
    recs.to_csv(path, index=False)
    from_file = read_history(path)
    in_memory = prepare_history(recs)
    pd.testing.assert_frame_equal(from_file, in_memory, check_like=True)
    from staffing.io import read_call_records

    back = read_call_records(path)
    names = [None if pd.isna(a) else a for a in back["agent"]]
    assert names == ["ann", "bob", None, None, "ann"]


def test_queue_whose_records_name_no_agent_has_unknown_agents() -> None:
    """Queue A names its agents, queue B never does: B's staffing is unknown (NaN), not
    zero agents (which would put B into the back-test as an unstaffed queue)."""
    recs = records()
    recs.loc[4, "agent"] = None  # the only call of queue B
    h = aggregate_records(validate_records(recs))
    assert h.loc[h["queue"] == "A", "agents"].notna().all()
    assert h.loc[h["queue"] == "B", "agents"].isna().all()
