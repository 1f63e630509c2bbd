"""Redial shares and delays from caller ids (staffing.calibration.redials).

Synthetic records with a known truth: fresh callers arrive over a month; every call
abandons with probability 0.3 after a wait, and a caller who abandons calls again with
probability 0.55 after an exponential delay (mean 20 minutes); one whose call is answered
calls again with probability 0.1 after a day and a half (outside the 24-hour window),
so the estimates must find 0.55 within its interval, the delays' distribution, no
reconnects within 24 hours, and the redials (hence the fresh calls) exactly.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from staffing.calibration import calibrate
from staffing.calibration.redials import GivenRedials, RedialFitter
from staffing.errors import InputError
from staffing.prepared import calibrated_redials

TRUE_SHARE, TRUE_DELAY = 0.55, 1200.0


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 20_000
    start = pd.Timestamp("2025-01-06")
    t = rng.uniform(0, 28 * 86400.0, n)
    ids = np.arange(1, n + 1)  # 0 would be an unknown caller
    rows = []
    fresh = np.ones(n, dtype=bool)
    redials = 0
    while t.size:
        wait = rng.exponential(40.0, t.size)
        abandon = rng.random(t.size) < 0.3
        handle = np.where(abandon, np.nan, rng.exponential(200.0, t.size))
        rows.append(
            pd.DataFrame(
                {
                    "t": t,
                    "wait_s": wait,
                    "abandoned": abandon,
                    "handle_s": handle,
                    "caller_id": ids,
                    "fresh": fresh,
                }
            )
        )
        again = (abandon & (rng.random(t.size) < TRUE_SHARE)) | (
            ~abandon & (rng.random(t.size) < 0.1)
        )
        delay = np.where(abandon, rng.exponential(TRUE_DELAY, t.size), 1.5 * 86400.0)
        left = t + wait + np.nan_to_num(handle)
        redials += int((again & abandon).sum())
        t, ids = (left + delay)[again], ids[again]
        fresh = np.zeros(t.size, dtype=bool)
    r = pd.concat(rows, ignore_index=True).sort_values("t", ignore_index=True)
    out = pd.DataFrame(
        {
            "arrival": start + pd.to_timedelta(r["t"], unit="s"),
            "queue": "sales",
            "wait_s": r["wait_s"],
            "outcome": np.where(r["abandoned"], "abandoned", "answered"),
            "handle_s": r["handle_s"],
            "caller_id": r["caller_id"].astype(str),
        }
    )
    out.attrs = {"source": "synthetic.csv", "redials": redials}
    return out


def test_shares_delays_and_fresh_calls(records: pd.DataFrame) -> None:
    fit = RedialFitter().fit(records)
    row = fit.summary.iloc[0]
    assert row["share_ci_low"] <= TRUE_SHARE <= row["share_ci_high"]
    assert row["share_24h"] == pytest.approx(TRUE_SHARE, abs=0.02)
    # exponential delays: 1 - e^{-600/1200} of the redials within 10 minutes
    assert row["share_10min"] == pytest.approx(TRUE_SHARE * -np.expm1(-0.5), abs=0.02)
    assert row["share_1h"] == pytest.approx(TRUE_SHARE * -np.expm1(-3.0), abs=0.02)
    assert row["reconnect_share"] == 0.0
    assert row["fresh_calls"] + row["redial_calls"] == row["calls"]
    assert row["redial_calls"] == records.attrs["redials"]  # every redial within 24 h
    curve = fit.delay_curves_["sales"]
    assert np.all(np.diff(curve["delay_s"]) > 0) and curve["share"].iloc[-1] == 1.0
    at = np.interp([600.0, 1200.0, 3600.0], curve["delay_s"], curve["share"])
    want = -np.expm1(-np.array([0.5, 1.0, 3.0]))
    assert np.allclose(at, want, atol=0.03)
    fresh = fit.fresh_intervals("1h")
    assert fresh["attempts"].sum() == len(records)
    assert fresh["fresh_calls"].sum() == row["fresh_calls"]


def test_calibration_json_carries_the_redials_to_the_planner(records: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = calibrate(records, by=None)
    saved = json.loads(json.dumps(cal.to_dict()))
    entry = saved["queues"]["sales"]["redial"]
    assert set(entry["shares"]) == {"10min", "1h", "24h"}
    read = calibrated_redials(saved)["sales"]
    assert read["share"] == pytest.approx(TRUE_SHARE, abs=0.02)
    assert read["delay"].mean_s == pytest.approx(TRUE_DELAY, rel=0.1)
    assert "called again" in cal.report()


def test_ids_that_never_repeat_are_refused(records: pd.DataFrame) -> None:
    unique = records.assign(caller_id=[f"call-{i}" for i in range(len(records))])
    with pytest.raises(InputError, match="never repeat") as err:
        RedialFitter().fit(unique)
    assert "\n" not in str(err.value) and "caller_id" in str(err.value)
    with pytest.raises(InputError, match="no caller ids"):
        RedialFitter().fit(records.assign(caller_id="0"))


def test_without_ids_the_share_is_taken_as_given(records: pd.DataFrame) -> None:
    plain = records.drop(columns="caller_id")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = calibrate(plain, by=None)
    assert cal.redials_ is None
    assert "the records have no caller ids" in cal.report()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        given = calibrate(plain, by=None, redial="40%")
    assert (
        type(given.redials_).__name__ == GivenRedials.__name__
    )  # not isinstance: doctest runs import the module twice
    entry = given.to_dict()["queues"]["sales"]["redial"]
    assert entry["share"] == 0.4 and entry["source"] == "given"
    abandons = (records["outcome"] == "abandoned").sum()
    assert entry["fresh_calls"] == pytest.approx(len(records) - 0.4 * abandons)
