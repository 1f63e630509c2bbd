"""Real files that used to fail: service levels of other definitions, zero handle times,
duplicated columns, the bank log's space-separated lines; and the staffed-agents
estimates from call records (idle gaps, work conservation, agents shared by queues)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_history import fcfs_records

from staffing.calibration import (
    SL_DEFINITIONS,
    aggregate_records,
    calibrate,
    pool_queues,
    prepare_history,
    shared_agents,
    validate_records,
    work_conserving_agents,
)
from staffing.errors import InputError
from staffing.frames.values import DataWarning
from staffing.io import is_bank_log, read_bank_log, read_history_table

# --------------------------------------------------------------------------- SL definitions

#: Interval rows per definition (O offered, A answered, B abandoned, AW answered within t,
#: BW abandoned within t), made so that the other definitions are ruled out where the
#: arithmetic can rule them out. ``exclude`` (AW / A) never can be: any service level
#: times the answered calls lies between 0 and the answered calls.
ROWS = {
    # AW / A = 1 with 40 abandoned but only 5 within t: as / O, 100 > 60 answered; as
    # / (O - BW), 95 > 60; as (AW + BW) / O, 100 - 5 = 95 > 60
    "exclude": [dict(O=100, A=60, B=40, AW=60, BW=5), dict(O=50, A=45, B=5, AW=40, BW=2)],
    # 78 / 80: as / O, 97.5 > 80; second row 10 / 50: as (AW + BW) / O, 20 - 50 < 0
    "exclude_within": [
        dict(O=100, A=80, B=20, AW=78, BW=20),
        dict(O=100, A=40, B=60, AW=10, BW=50),
    ],
    # 90 / 100: as / O, 90 > 60; second row 58 / 100: as / (O - BW), 52.2 > 50
    "count_within": [
        dict(O=100, A=60, B=40, AW=50, BW=40),
        dict(O=100, A=50, B=50, AW=48, BW=10),
    ],
    "fail": [dict(O=100, A=90, B=10, AW=70, BW=4), dict(O=50, A=45, B=5, AW=40, BW=2)],
}


def implied_within(row: dict[str, int], sl: float, definition: str) -> float:
    """Answered within t that a service level ``sl`` means under ``definition``: the
    README's table, written out by hand."""
    return {
        "fail": sl * row["O"],
        "exclude": sl * row["A"],
        "exclude_within": sl * (row["O"] - row["BW"]),
        "count_within": sl * row["O"] - row["BW"],
    }[definition]


def true_sl(row: dict[str, int], definition: str) -> float:
    return {
        "fail": row["AW"] / row["O"],
        "exclude": row["AW"] / row["A"],
        "exclude_within": row["AW"] / (row["O"] - row["BW"]),
        "count_within": (row["AW"] + row["BW"]) / row["O"],
    }[definition]


def expected_fits(definition: str) -> set[str]:
    """The definitions every row of ``definition``'s report is consistent with."""
    out = set()
    for other in SL_DEFINITIONS:
        ok = True
        for row in ROWS[definition]:
            sl = round(true_sl(row, definition), 4)
            within = implied_within(row, sl, other)
            ok &= -0.5 <= within <= row["A"] + 0.5
        if ok:
            out.add(other)
    return out


def sl_report(definition: str) -> pd.DataFrame:
    """An interval report whose service_level column follows ``definition`` (four
    decimals, as an export of fractions prints them)."""
    rows = ROWS[definition]
    frame = pd.DataFrame(
        {
            "interval_start": ["2024-01-01 09:00", "2024-01-01 09:30"],
            "offered": [r["O"] for r in rows],
            "answered": [r["A"] for r in rows],
            "abandoned": [r["B"] for r in rows],
            "abandoned_within": [r["BW"] for r in rows],
            "service_level": [round(true_sl(r, definition), 4) for r in rows],
        }
    )
    frame.attrs["source"] = f"{definition}.csv"
    return frame


@pytest.mark.parametrize("definition", list(SL_DEFINITIONS))
def test_each_definition_reads_its_own_data_back(definition: str) -> None:
    """Reading a report with its own definition gives back the answered-within counts it
    was made from (to the rounding of a four-decimal fraction)."""
    h = prepare_history(sl_report(definition), history_sl=definition)  # type: ignore[arg-type]
    expected = [r["AW"] for r in ROWS[definition]]
    np.testing.assert_allclose(h["answered_within"], expected, atol=0.01)
    assert h.attrs["history_sl"] == definition


@pytest.mark.parametrize("definition", ["exclude", "exclude_within", "count_within"])
def test_the_default_is_ruled_out_and_the_message_names_the_definitions(definition: str) -> None:
    """Read with the default (fail), each report stops with one line naming the rows and
    every definition they fit (worked out by hand above), its own among them; a report
    only one definition fits is told which option settles it."""
    fits = expected_fits(definition)
    assert definition in fits and "fail" not in fits
    with pytest.raises(InputError) as caught:
        prepare_history(sl_report(definition))
    message = str(caught.value)
    assert message.startswith(f"{definition}.csv: column 'service_level': read as fail")
    assert "\n" not in message
    named = {d for d in SL_DEFINITIONS if f"{d} ({SL_DEFINITIONS[d]})" in message} - {"fail"}
    assert named == fits
    if len(fits) == 1:
        assert message.endswith(f"give `history_sl` {definition}")


def test_a_definition_that_needs_abandoned_within_says_so() -> None:
    frame = sl_report("exclude_within").drop(columns="abandoned_within")
    with pytest.raises(InputError, match="needs abandoned_within"):
        prepare_history(frame, history_sl="exclude_within")


def test_history_sl_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`staffing calibrate --history-sl exclude` reads a file the default refuses; the
    refusal is one line naming the option (exit 1, nothing written)."""
    from click.testing import CliRunner

    from staffing.cli import main

    monkeypatch.chdir(tmp_path)
    sl_report("exclude").to_csv("h.csv", index=False)
    runner = CliRunner()
    bad = runner.invoke(main, ["calibrate", "h.csv", "--out", "c.json"])
    assert bad.exit_code == 1
    assert bad.stderr.count("\n") == 1
    assert "give --history-sl exclude" in bad.stderr
    assert not Path("c.json").exists()
    good = runner.invoke(
        main, ["calibrate", "h.csv", "--history-sl", "exclude", "--by", "none", "--out", "c.json"]
    )
    assert "history_sl" not in good.stderr  # no refusal any more
    assert "read as fail" not in good.stderr


# --------------------------------------------------------------------------- zero AHT


def test_zero_aht_is_a_warning_and_unknown() -> None:
    """An ACD that rounds sub-second handle times prints 0:00:00 for some answered calls:
    the rows are named in a warning and their AHT is unknown (NaN) instead of the whole
    report being refused; patience, which needs no AHT, is estimated as before."""
    frame = pd.DataFrame(
        {
            "interval_start": ["2024-01-01 09:00", "2024-01-01 09:30", "2024-01-01 10:00"],
            "offered": [100, 120, 90],
            "answered": [95, 110, 88],
            "abandoned": [5, 10, 2],
            "answered_within": [80, 70, 85],
            "wait_answered_s": [950.0, 2200.0, 300.0],
            "wait_abandoned_s": [200.0, 600.0, 40.0],
            "aht_s": ["0:03:00", "0:00:00", "0:02:50"],
            "agents": [12.0, 12.0, 11.0],
        }
    )
    frame.attrs["source"] = "acd.csv"
    with pytest.warns(DataWarning, match=r"acd.csv: column 'aht_s': 1 row \(row 3\) give a"):
        h = prepare_history(frame)
    assert np.isnan(h["aht_s"].iloc[1]) and h["aht_s"].iloc[0] == 180.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = calibrate(frame, by=None)
    assert cal.summary["patience_s"].iloc[0] == pytest.approx((950 + 2200 + 300 + 840) / 17)


def test_records_whose_calls_all_took_zero_seconds() -> None:
    calls = validate_records(
        pd.DataFrame(
            {
                "arrival": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:40"]),
                "wait_s": [0.0, 0.0],
                "outcome": ["answered", "answered"],
                "handle_s": [0.0, 200.0],
            }
        )
    )
    with pytest.warns(DataWarning, match="1 interval .* all handled in 0 s"):
        h = aggregate_records(calls)
    assert np.isnan(h["aht_s"].iloc[0]) and h["aht_s"].iloc[1] == 200.0


def test_duplicated_column_is_one_line() -> None:
    frame = pd.DataFrame(
        [["2024-01-01 09:00", 10, 9, 1, 8, 10]],
        columns=[
            "interval_start",
            "offered",
            "answered",
            "abandoned",
            "answered_within",
            "offered",
        ],
    )
    frame.attrs["source"] = "dup.csv"
    with pytest.raises(InputError, match=r"dup\.csv: column 'offered' appears more than once"):
        prepare_history(frame)


# --------------------------------------------------------------------------- bank log

#: A few lines in the log's own format, written for this test (not copied from the data):
#: an answered call, an abandon after waiting, a PHANTOM, a call that left in the VRU.
BANK_LINES = [
    "AA0101\t40001\t12345678\t2\tPS\t990706\t9:02:11\t9:02:20\t9\t9:02:20\t9:03:05\t45"
    "\tAGENT\t9:03:04\t9:05:40\t156\tDANA",
    "AA0101\t40002\t0\t0\tNW\t990706\t9:10:00\t9:10:07\t7\t9:10:07\t9:11:37\t90"
    "\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0102\t40003\t23456789\t1\tNE\t990706\t9:20:30\t9:20:36\t6\t0:00:00\t0:00:00\t0"
    "\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0102\t40004\t0\t0\tPS\t990706\t9:31:00\t9:31:09\t9\t0:00:00\t0:00:00\t0"
    "\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0103\t40005\t34567890\t2\tTT\t990706\t23:59:50\t0:00:02\t-86388\t0:00:02\t0:00:30"
    "\t28\tAGENT\t0:00:29\t0:04:01\t212\tMORIAH",
]
HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time"
    "\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)


def test_bank_log_with_spaces_reads_as_its_tab_twin(tmp_path: Path) -> None:
    """The July, September and October files have lines with spaces instead of a tab
    before `type` ("expected 17 columns, got 16" before this fix); split on white space,
    as the log's documentation says, a file reads exactly as its all-tab twin."""
    tabs = tmp_path / "july.txt"
    tabs.write_text("\n".join([HEADER, *BANK_LINES]) + "\n")
    spaced_dir = tmp_path / "spaced"
    spaced_dir.mkdir()
    spaced = spaced_dir / "july.txt"
    lines = [line.replace("\t", "  ", 4).replace("  ", "\t", 3) for line in BANK_LINES]
    assert all(line.count("\t") == 15 for line in lines)  # one tab became spaces
    spaced.write_text("\n".join([HEADER, *lines]) + "\n")
    a = read_bank_log(tabs)
    b = read_bank_log(spaced)
    pd.testing.assert_frame_equal(a, b)
    assert a["outcome"].tolist() == ["answered", "abandoned", "answered"]
    assert a["arrival"].iloc[-1] == pd.Timestamp("1999-07-07 00:00:02")  # after midnight
    assert is_bank_log(spaced) and is_bank_log(spaced_dir)
    assert read_history_table(spaced_dir).attrs["kind"] == "records"


def test_bank_log_line_that_cannot_be_split_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "july.txt"
    bad.write_text("\n".join([HEADER, BANK_LINES[0], "AA0101 40002 garbage"]) + "\n")
    with pytest.raises(InputError, match=r"july\.txt: line 3 has 3 fields"):
        read_bank_log(bad)


# --------------------------------------------------------------------------- staffed agents


def test_work_conservation_reads_the_agents_off_busy_periods() -> None:
    """An FCFS queue with 10 agents present all day: whenever a caller waits, all 10 are
    busy, so the estimate is 10 in every interval where callers waited; the idle-gap rule
    sees fewer in quiet intervals (agents idle longer than 15 minutes drop out)."""
    recs = validate_records(fcfs_records(10, 10 / 200 * 0.97, hours=6, seed=3))
    busy = work_conserving_agents(recs, interval_s=1800)
    assert len(busy) >= 8
    np.testing.assert_allclose(busy["busy_agents"], 10.0, atol=1e-9)
    h = aggregate_records(recs, agents_estimate="work_conserving")
    merged = h.merge(busy, on=["queue", "interval_start"])
    np.testing.assert_allclose(merged["agents"], 10.0, atol=1e-9)
    assert h.attrs["agents_estimate"] == "work_conserving"


def test_shared_agents_and_pools() -> None:
    """Two queues served by the same ten agents: each queue counts most of them as its
    own staffed agents (together some fifteen), shared_agents says so, and the pool counts
    the ten there are."""
    recs = validate_records(fcfs_records(10, 0.045, hours=3, seed=5))
    recs["queue"] = np.where(np.arange(len(recs)) % 2 == 0, "a", "b")
    share = shared_agents(recs)
    assert (share > 0.5).all()
    split = aggregate_records(recs)
    pooled = aggregate_records(pool_queues(recs, ["a+b"]))
    per_interval = split.groupby("interval_start")["agents"].sum()
    assert per_interval.iloc[1:-1].mean() > 14  # ten agents counted as about fifteen
    assert pooled["queue"].unique().tolist() == ["a+b"]
    assert pooled["agents"].iloc[1:-1].between(8.5, 10.0).all()
    with pytest.raises(InputError, match="pool 'a\\+c': no queue 'c'"):
        pool_queues(recs, ["a+c"])


def test_credits_reads_a_service_level_of_another_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reader of a service_level column takes --history-sl: `staffing credits` on an
    export whose service level is answered within t / answered stops naming exclude, and
    with --history-sl exclude counts the credits."""
    from click.testing import CliRunner

    from staffing.cli import main

    monkeypatch.chdir(tmp_path)
    sl_report("exclude").to_csv("perf.csv", index=False)
    runner = CliRunner()
    args = ["credits", "perf.csv", "--target", "80/20", "--period", "day"]
    refused = runner.invoke(main, [*args, "--out", "c.csv"])
    assert refused.exit_code == 1 and "give --history-sl exclude" in refused.stderr
    read = runner.invoke(main, [*args, "--history-sl", "exclude", "--out", "c.csv"])
    assert read.exit_code == 0, read.output
    assert Path("c.csv").exists()
