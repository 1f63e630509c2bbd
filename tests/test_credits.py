"""SLA credit arithmetic: shortfall, started steps, cap, earn-back, bands, totals.

Every expected value below is worked by hand in the test's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.contracts import CreditTerms
from staffing.contracts.credits import (
    CREDIT_COLUMNS,
    credit_pct,
    credit_table,
    earned_back,
    period_service_level,
    service_credits,
)
from staffing.errors import InputError, StaffingError, TargetError


def weekly(levels: list[float], start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.date_range(start, periods=len(levels), freq="7D"),
            "service_level": levels,
        }
    )


# --- credit per started step -------------------------------------------------------------


def test_started_steps_hand_worked() -> None:
    """Step 0.5 points, 1% per started step, no cap.

    shortfall 0     -> 0 steps -> 0%
    shortfall 0.01  -> ceil(0.02) = 1 step -> 1%   (a started step counts)
    shortfall 0.5   -> exactly 1 step -> 1%
    shortfall 0.51  -> ceil(1.02) = 2 steps -> 2%
    shortfall 1.2   -> ceil(2.4) = 3 steps -> 3%
    shortfall 7.3   -> ceil(14.6) = 15 steps -> 15%
    """
    got = credit_pct([0.0, 0.01, 0.5, 0.51, 1.2, 7.3], step=0.5, credit_per_step=0.01)
    np.testing.assert_allclose(got, [0, 1, 1, 2, 3, 15])


def test_exact_multiple_of_a_step_is_not_one_more_step() -> None:
    """80% target, 79% achieved: 100 * (0.80 - 0.79) = 1.0000000000000009 in floating point,
    which is exactly 2 half-point steps (2%), not 3. Likewise 1.1 points at 0.1-point steps
    is 11 steps (1.1 / 0.1 = 11.000000000000002 in floating point)."""
    table = credit_table(weekly([0.79]), "80/20", terms=CreditTerms(step=0.5, credit_per_step=0.01))
    assert table["credit_pct"].iloc[0] == pytest.approx(2.0)
    assert credit_pct(1.1, step=0.1, credit_per_step=0.01) == pytest.approx(11.0)


def test_cap_hand_worked() -> None:
    """Cap 10%, 1% per half point: 4.9 points -> 10 steps -> 10% (at the cap);
    5.01 points -> 11 steps -> 11% capped to 10%; 30 points -> 60% capped to 10%."""
    got = credit_pct([4.9, 5.01, 30.0], step=0.5, credit_per_step=0.01, cap=0.10)
    np.testing.assert_allclose(got, [10, 10, 10])
    uncapped = credit_pct([4.9, 5.01, 30.0], step=0.5, credit_per_step=0.01)
    np.testing.assert_allclose(uncapped, [10, 11, 60])


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=20),
    st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.0]),
    st.sampled_from([0.005, 0.01, 0.02]),
    st.sampled_from([None, 0.05, 0.1, 0.2]),
)
def test_credit_properties(
    shortfalls: list[float], step: float, per_step: float, cap: float | None
) -> None:
    """Always: 0 <= credit <= cap; a whole number of steps unless capped; never less for
    a bigger shortfall; positive iff the shortfall is."""
    s = np.sort(np.asarray(shortfalls))
    c = credit_pct(s, step=step, credit_per_step=per_step, cap=cap)
    assert np.all(c >= 0)
    if cap is not None:
        assert np.all(c <= 100 * cap + 1e-9)
    assert np.all(np.diff(c) >= -1e-12)
    assert np.array_equal(c > 0, np.round(s / step, 9) > 0)
    below_cap = c < (100 * cap if cap is not None else np.inf) - 1e-9
    steps = c[below_cap] / (100 * per_step)
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    # one step covers at most `step` points
    assert np.all(steps * step >= s[below_cap] - 1e-9)


def test_bad_credit_terms() -> None:
    with pytest.raises(StaffingError, match="step"):
        credit_pct(1.0, step=0.0)
    with pytest.raises(StaffingError, match="`credit_per_step` '150%'"):
        credit_pct(1.0, credit_per_step="150%")
    with pytest.raises(StaffingError, match="`cap`"):
        credit_pct(1.0, cap=0.0)
    # the one rule for shares: a bare number above 1 is a percentage, in Python too
    assert credit_pct(1.0, step=0.5, credit_per_step=1.5).tolist() == 3.0


# --- earn-back ---------------------------------------------------------------------------


def test_earn_back_two_following_periods() -> None:
    """Earn-back target 85%, 2 following periods.

    week 0: 78% (credit)  -> weeks 1, 2 at 86%, 85% (exactly the target counts) -> forgiven
    week 3: 79% (credit)  -> week 4 at 90% but week 5 at 84%                   -> kept
    week 6: 70% (credit)  -> week 7 at 95%, week 8 does not exist yet          -> kept
    """
    sl = [0.78, 0.86, 0.85, 0.79, 0.90, 0.84, 0.70, 0.95]
    credit = [s < 0.80 for s in sl]
    got = earned_back(sl, range(8), credit, earn_back_target=0.85, earn_back_periods=2)
    assert got.tolist() == [True, False, False, False, False, False, False, False]


def test_earn_back_needs_consecutive_calendar_periods() -> None:
    """Weeks 0, 1 and 3 present, week 2 missing (no data): the credit of week 0 with
    earn-back over 2 periods needs weeks 1 and 2, and week 2 was never seen -> kept.
    With 1 period, week 1 (88%) suffices -> forgiven."""
    sl, pos, credit = [0.75, 0.88, 0.90], [0, 1, 3], [True, False, False]
    two = earned_back(sl, pos, credit, earn_back_target=0.85, earn_back_periods=2)
    one = earned_back(sl, pos, credit, earn_back_target=0.85, earn_back_periods=1)
    assert two.tolist() == [False, False, False]
    assert one.tolist() == [True, False, False]


def test_earn_back_on_a_following_period_that_misses_the_sla() -> None:
    """Earn-back target (78%) below the SLA target (80%): week 1 at 79% misses the SLA
    (its own 2% credit) yet reaches the earn-back level, so week 0's credit is forgiven;
    week 1's own credit has no following period -> kept."""
    table = credit_table(
        weekly([0.7, 0.79]), "80/20", terms=CreditTerms(earn_back_target=0.78, earn_back_periods=1)
    )
    assert table["earned_back"].iloc[:2].tolist() == [True, False]
    assert table["credit_pct"].iloc[:2].tolist() == pytest.approx([20.0, 2.0])


def test_bad_earn_back_terms() -> None:
    with pytest.raises(StaffingError, match="`earn_back_periods`"):
        earned_back([0.7], [0], [True], earn_back_target=0.85, earn_back_periods=0)
    with pytest.raises(StaffingError, match="earn-back target"):
        earned_back([0.7], [0], [True], earn_back_target=1.5)


# --- the credit table ----------------------------------------------------------------------


def test_credit_table_hand_worked() -> None:
    """80/20, step 0.5 points, 1% per started step, cap 10%, fee 100,000 per week,
    earn-back at 85% over the next 1 week.

    week  SL      shortfall  steps        credit  amount   earned back       band
    1     81.0%   0          0            0%      0        no credit         met
    2     78.8%   1.2        ceil(2.4)=3  3%      3,000    week 3 at 86%: yes warning
    3     86.0%   0          0            0%      0        -                 met
    4     70.0%   10.0       20 -> cap    10%     10,000   no following wk   interrupt offline
    total (mean SL without counts) = (81 + 78.8 + 86 + 70) / 4 = 78.95% -> 1.05 points short;
    owed after earn-back: week 4 only, 10% of one of four weekly fees = 2.5% of the
    horizon's fees = 10,000.
    """
    t = credit_table(
        weekly([0.81, 0.788, 0.86, 0.7]),
        "80/20",
        terms=CreditTerms(
            step=0.5,
            credit_per_step=0.01,
            cap=0.1,
            fee=100000,
            earn_back_target=0.85,
            earn_back_periods=1,
        ),
    )
    assert tuple(t.columns) == CREDIT_COLUMNS
    assert len(t) == 5
    np.testing.assert_allclose(t["shortfall_pts"], [0, 1.2, 0, 10.0, 1.05], atol=1e-9)
    np.testing.assert_allclose(t["credit_pct"], [0, 3, 0, 10, 2.5])
    np.testing.assert_allclose(t["credit_amount"], [0, 3000, 0, 10000, 10000])
    assert t["earned_back"].iloc[:4].tolist() == [False, True, False, False]
    assert t["earned_back"].isna().iloc[4]
    assert t["band"].tolist() == ["met", "warning", "met", "interrupt offline", "warning"]
    assert pd.isna(t["period_start"].iloc[4])
    assert t.attrs["credits_gross_pct"] == pytest.approx((3 + 10) / 4)
    assert t.attrs["periods_earned_back"] == 1


def test_credit_table_without_fee_has_no_amounts() -> None:
    """No fee: amounts are NaN, percentages are still given (75% -> 5 points -> 10%)."""
    t = credit_table(weekly([0.75]), "80/20")
    assert t["credit_amount"].isna().all()
    assert t["credit_pct"].iloc[0] == pytest.approx(10.0)


def test_credit_target_must_be_one_service_level() -> None:
    with pytest.raises(TargetError, match="exactly one service-level target"):
        credit_table(weekly([0.8]), "80/20+abandon<=5%")
    with pytest.raises(TargetError, match="exactly one service-level target"):
        credit_table(weekly([0.8]), "asa<=30")


# --- service level per period from history -------------------------------------------------


def history() -> pd.DataFrame:
    """Two days, two intervals each.

    day 1: offered 100 + 300, answered 90 + 270, abandoned 10 + 30,
           answered within 80 + 200, abandoned within 4 + 12
    day 2: offered 200 + 200, answered 196 + 194, abandoned 4 + 6,
           answered within 170 + 160, abandoned within 2 + 3
    """
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-05 09:00", "2024-03-05 09:30"]
            ),
            "queue": ["a", "b", "a", "b"],
            "offered": [100.0, 300.0, 200.0, 200.0],
            "answered": [90.0, 270.0, 196.0, 194.0],
            "abandoned": [10.0, 30.0, 4.0, 6.0],
            "answered_within": [80.0, 200.0, 170.0, 160.0],
            "abandoned_within": [4.0, 12.0, 2.0, 3.0],
        }
    )
    h.attrs.update({"source": "perf.csv", "threshold_s": 20.0})
    return h


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # day 1: within 280; day 2: within 330
        ("fail", [280 / 400, 330 / 400]),  # / offered
        ("exclude", [280 / 360, 330 / 390]),  # / answered
        ("exclude_within", [280 / (400 - 16), 330 / (400 - 5)]),  # / (offered - AB(t))
        ("count_within", [(280 + 16) / 400, (330 + 5) / 400]),  # (AW(t) + AB(t)) / offered
    ],
)
def test_period_service_level_per_policy(policy: str, expected: list[float]) -> None:
    """Volume-weighted daily service level of :func:`history` under each policy, by hand
    (never the mean of the intervals' percentages: day 1 fail is 70%, not (80% + 66.7%)/2)."""
    got = period_service_level(history(), period="day", abandon_policy=policy)
    np.testing.assert_allclose(got["service_level"], expected)
    assert got["period_start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04", "2024-03-05"]


def test_service_credits_weekly_total_is_volume_weighted() -> None:
    """Both days fall in the week of Monday 4 March 2024: fail SL = 610 / 800 = 76.25%,
    3.75 points short -> ceil(7.5) = 8 half-point steps -> 8%, band warning.
    Queue 'a' only: (80 + 170) / 300 = 83.33% -> met."""
    t = service_credits(history(), "80/20", terms=CreditTerms(period="week", fee=20000))
    assert t["service_level"].iloc[0] == pytest.approx(610 / 800)
    assert t["shortfall_pts"].iloc[0] == pytest.approx(3.75)
    assert t["credit_pct"].iloc[0] == pytest.approx(8.0)
    assert t["credit_amount"].iloc[0] == pytest.approx(1600.0)
    assert t["band"].iloc[0] == "warning"
    a = service_credits(history(), "80/20", queues=["a"], terms=CreditTerms(period="week"))
    assert a["service_level"].iloc[0] == pytest.approx(250 / 300)
    assert a["credit_pct"].iloc[0] == 0.0


def test_service_credits_threshold_must_match_history() -> None:
    with pytest.raises(InputError, match=r"perf\.csv: .*within 20 s .*90/10 needs 10 s"):
        service_credits(history(), "90/10")


def test_policy_needing_an_unknown_column() -> None:
    h = history()
    h["abandoned_within"] = np.nan
    with pytest.raises(InputError, match="needs column 'abandoned_within'"):
        service_credits(h, "80/20", terms=CreditTerms(abandon_policy="exclude_within"))


def test_unknown_queue() -> None:
    with pytest.raises(InputError, match="queue 'c' not in the history"):
        service_credits(history(), "80/20", queues=["c"])


def test_month_periods_and_earn_back_over_months() -> None:
    """Three months of one interval each: Jan 75% (credit 10%), Feb 90%, Mar 88%.
    Earn-back 85% over 2 months: Feb and Mar both reach it -> January forgiven, nothing owed."""
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2024-01-15", "2024-02-15", "2024-03-15"]),
            "offered": [100.0, 100.0, 100.0],
            "answered": [100.0, 100.0, 100.0],
            "answered_within": [75.0, 90.0, 88.0],
        }
    )
    t = service_credits(
        h,
        "80/20",
        terms=CreditTerms(period="month", earn_back_target=0.85, earn_back_periods=2, fee=1000),
    )
    assert t["period_start"].iloc[:3].dt.month.tolist() == [1, 2, 3]
    assert t["earned_back"].iloc[:3].tolist() == [True, False, False]
    assert t["credit_amount"].iloc[0] == pytest.approx(100.0)
    assert t["credit_amount"].iloc[3] == 0.0


def test_earn_back_across_a_daylight_saving_change() -> None:
    """Weeks of Monday 24 March, 31 March and 7 April 2025 in Europe/London (summer time
    starts Sunday 30 March, so the first two local midnights are 7 days minus an hour
    apart). SL 75% (5 points short -> 10%), then 90% and 90%: with earn-back at 85% over 2
    weeks both following weeks qualify -> the credit is forgiven and nothing is owed. The
    week after the change must not be taken for the week before it."""
    starts = pd.Series(pd.to_datetime(["2025-03-24", "2025-03-31", "2025-04-07"]))
    p = pd.DataFrame(
        {"period_start": starts.dt.tz_localize("Europe/London"), "service_level": [0.75, 0.9, 0.9]}
    )
    t = credit_table(
        p, "80/20", terms=CreditTerms(earn_back_target=0.85, earn_back_periods=2, fee=1000)
    )
    assert t["earned_back"].iloc[:3].tolist() == [True, False, False]
    assert t["credit_amount"].iloc[-1] == 0.0
