"""The bad-input matrix, round 2: each case here failed (a traceback, a silent misread, a
valid file refused, or a wrong exit status) before its fix, and now gives one clear line
or the right answer. Cases of the schedule command, the big-file pipeline and the
numerics are tested beside their code.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.data import sample_path
from staffing.frames.dates import parse_timestamps
from staffing.frames.values import DataWarning
from staffing.io import read_table

STAFFING = Path(sys.executable).parent / "staffing"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line(result: object, code: int) -> str:
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output  # type: ignore[attr-defined]
    return lines[0]


# --------------------------------------------------------------------------- 100% is 100%


@pytest.mark.parametrize(
    "args",
    [
        ("outsource", sample_path("forecast.csv"), "--target", "80/20", "--share", "100%"),
        ("credits", sample_path("performance.csv"), "--target", "80/20", "--cap", "100%"),
        (
            "credits",
            sample_path("performance.csv"),
            "--target",
            "80/20",
            "--credit-per-step",
            "100%",
        ),
        ("plan", sample_path("channels.csv"), "--target", "80/20", "--max-occupancy", "100%"),
    ],
)
def test_a_typed_100_percent_is_not_ambiguous(args: tuple[str, ...], here: Path) -> None:
    """``--share 100%`` said "--share 1.0 is ambiguous": the rule for a bare 1 was applied
    to the value already read. It applies to what the user typed only."""
    result = run(*args, "--out", "out.csv")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (here / "out.csv").exists()


# --------------------------------------------------------------------------- tracebacks


@pytest.mark.parametrize(
    ("command", "header", "row", "extra"),
    [
        ("plan", "interval_start,queue,calls,aht_s,calls", "2025-03-03 09:00,a,10,180,12",
         ("--target", "80/20")),
        ("evaluate", "interval_start,queue,calls,aht_s,agents,queue",
         "2025-03-03 09:00,a,10,180,3,b", ("--target", "80/20")),
        ("compare", "interval_start,queue,calls,aht_s,calls", "2025-03-03 09:00,a,10,180,12",
         ("--scenario", "80/20")),
        ("outsource", "interval_start,queue,calls,aht_s,calls", "2025-03-03 09:00,a,10,180,12",
         ("--target", "80/20", "--share", "40%")),
        ("calibrate", "interval_start,queue,offered,answered,abandoned,answered_within,offered",
         "2025-03-03 09:00,a,10,9,1,8,10", ()),
        ("credits", "interval_start,queue,offered,answered,abandoned,answered_within,offered",
         "2025-03-03 09:00,a,10,9,1,8,10", ("--target", "80/20")),
    ],
)  # fmt: skip
def test_a_column_named_twice_is_one_line(
    command: str, header: str, row: str, extra: tuple[str, ...], here: Path
) -> None:
    """``AttributeError: 'DataFrame' object has no attribute 'dtype'`` before."""
    (here / "f.csv").write_text(f"{header}\n{row}\n{row.replace('09:00', '09:30')}\n")
    out = "out.json" if command == "calibrate" else "out.csv"
    line = one_line(run(command, "f.csv", *extra, "--out", out), 1)
    assert "appears 2 times" in line and "f.csv" in line
    assert not (here / out).exists()


def test_a_full_disk_writing_xlsx_is_one_line(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while the workbook is written: one line, nothing left behind (the
    zip archive used to complain again, with a traceback, when it was collected)."""

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    line = one_line(
        run("plan", sample_path("forecast.csv"), "--target", "80/20", "--out", "p.xlsx"), 1
    )
    assert "No space left on device" in line
    assert list(here.iterdir()) == []


def test_a_huge_history_count_names_its_row(here: Path) -> None:
    """``calibrate`` on offered 1e12 printed a core message "at positions 0" naming no
    file, column or row; now the reader names them."""
    (here / "h.csv").write_text(
        "interval_start,queue,offered,answered,abandoned,answered_within,aht_s,agents\n"
        "2025-03-03 09:00,a,100,90,10,80,180,10\n"
        "2025-03-03 09:30,a,1e12,1e12,0,1e12,180,10\n"
    )
    line = one_line(run("calibrate", "h.csv", "--out", "c.json"), 1)
    assert "h.csv: column 'offered': 1 row (row 3)" in line


@pytest.mark.parametrize(
    "command",
    [
        ("credits", "--plan", "p.csv", "--target", "80/20"),
        ("risk", "p.csv", "--target", "80/20", "--replications", "20"),
    ],
)
def test_a_huge_plan_staffing_names_its_row(command: tuple[str, ...], here: Path) -> None:
    """A plan with 1e12 agents: ``credits --plan`` printed the core's "at index 4" naming
    no file, column or row, and ``risk`` a traceback (an array of 146 TiB); both now name
    them, as ``simulate`` and ``evaluate`` do."""
    plan = pd.read_csv(sample_path("forecast.csv")).head(5).assign(agents=[10, 10, 10, 10, 1e12])
    plan.to_csv(here / "p.csv", index=False)
    line = one_line(run(*command), 1)
    assert "p.csv: column 'agents': 1 row (row 6) above 100,000,000" in line


# --------------------------------------------------------------------------- silent misreads


@pytest.mark.parametrize("cell", ["abc", "-5", ""])
def test_a_plans_threshold_must_be_a_duration(cell: str, here: Path) -> None:
    """``simulate`` took a plan whose threshold_s cell was ``abc``, ``-5`` or empty, and
    reported that interval's service level at 20 s without a word."""
    plan = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
            "calls": [100.0, 100.0],
            "aht_s": 180.0,
            "agents": [14, 14],
            "target": "abandon<=5%",
            "patience_s": 120.0,
            "threshold_s": ["20", cell],
        }
    )
    plan.to_csv(here / "p.csv", index=False)
    line = one_line(run("simulate", "p.csv", "--replications", "20", "--out", "s.csv"), 1)
    assert "column 'threshold_s'" in line and "row 3" in line


def test_a_file_cut_off_in_its_last_row_is_said(here: Path) -> None:
    """A CSV whose last row lost its end (``...,2`` for ``...,210``) was planned as if
    whole; without a final line break the last row is named."""
    text = Path(sample_path("forecast.csv")).read_bytes()[:-3]
    (here / "cut.csv").write_bytes(text)
    with pytest.warns(
        DataWarning, match=r"cut\.csv: the file does not end with a line break.*row 455"
    ):
        read_table(here / "cut.csv")


def test_a_stray_value_above_1_in_fractions_is_refused(here: Path) -> None:
    """One ``1.5`` in a column of fractions turned the whole column into percentages, and
    the README's credit clause then owed 130,000 instead of 11,000."""
    perf = pd.read_csv(sample_path("performance.csv"))
    perf["service_level"] = perf["answered_within"] / perf["offered"]
    perf = perf.drop(columns="answered_within")
    perf.loc[5, "service_level"] = 1.5
    perf.to_csv(here / "perf.csv", index=False)
    line = one_line(
        run("credits", "perf.csv", "--target", "80/20", "--fee", "50000", "--out", "c.csv"), 1
    )
    assert "column 'service_level'" in line and "row 7" in line and "above 1" in line


# --------------------------------------------------------------------------- valid input


def test_quoted_decimal_commas_in_a_comma_file(here: Path) -> None:
    """``"81,4"`` in a comma-separated file was refused as not a number."""
    (here / "f.csv").write_text(
        'interval_start,queue,calls,aht_s\n2025-03-03 09:00,a,"81,4",180\n'
        '2025-03-03 09:30,a,"12,25",180\n'
    )
    assert read_table(here / "f.csv")["calls"].tolist() == [81.4, 12.25]
    (here / "t.csv").write_text('a,b\nx,"1,234"\ny,"5,678"\n')
    assert read_table(here / "t.csv")["b"].tolist() == ["1,234", "5,678"]  # could be 1234


def test_date_format_is_not_forced_on_an_iso_file(here: Path) -> None:
    """``evaluate --date-format`` for the day-first forecast refused the ISO roster."""
    f = pd.read_csv(sample_path("forecast.csv"))
    stamps = pd.to_datetime(f["interval_start"])
    f.assign(interval_start=stamps.dt.strftime("%d/%m/%Y %H:%M")).to_csv("f.csv", index=False)
    result = run(
        "evaluate", "f.csv", "--roster", sample_path("roster.csv"), "--target", "80/20",
        "--date-format", "%d/%m/%Y %H:%M", "--out", "e.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_a_symlinked_out_is_written_through(here: Path) -> None:
    """The link used to be replaced by a file; now its target gets the plan."""
    (here / "target.csv").write_text("old\n")
    (here / "link.csv").symlink_to("target.csv")
    result = run("plan", sample_path("forecast.csv"), "--target", "80/20", "--out", "link.csv")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (here / "link.csv").is_symlink()
    assert (here / "target.csv").read_text().startswith("interval_start,")


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("plan", sample_path("channels.csv"), "--target", "80/20", "--channel-model",
          "fax=later"), "--channel-model"),
        (("compare", sample_path("forecast.csv"), "--scenario", "80/2O"), "--scenario"),
        (("compare", sample_path("forecast.csv"), "--scenario", "80/20", "--sweep", "--at",
          "abc"), "--at"),
        (("credits", sample_path("performance.csv"), "--target", "8O/20"), "--target"),
        (("plan", sample_path("forecast.csv"), "--target", "80/20", "--date-format", "%Q"),
         "--date-format"),
        (("forecast", sample_path("history.csv"), "--start", "notadate"), "--start"),
        (("plan", sample_path("forecast.csv"), "--target", "80/20", "--open", "Mon-Fri"),
         "--open"),
        # a calibration's period without the calibration was ignored without a word
        (("plan", sample_path("forecast.csv"), "--target", "80/20", "--calibration-period",
          "pooled"), "--calibration-period"),
        (("evaluate", sample_path("forecast.csv"), "--roster", sample_path("roster.csv"),
          "--calibration-period", "2024Q1"), "--calibration-period"),
    ],
)  # fmt: skip
def test_bad_option_values_exit_2(args: tuple[str, ...], flag: str, here: Path) -> None:
    """A bad option value is a usage error (exit 2) in one line naming the option; these
    exited 1 (one with a traceback)."""
    line = one_line(run(*args, "--out", "out.csv"), 2)
    assert flag in line
    assert not (here / "out.csv").exists()


def test_an_empty_channel_cell_is_named(here: Path) -> None:
    """An empty channel on a chat row was reported as a concurrency problem."""
    (here / "f.csv").write_text(
        "interval_start,queue,channel,concurrency,calls,aht_s\n"
        "2025-03-03 09:00,web,chat,3,10,300\n2025-03-03 09:30,web,,3,10,300\n"
    )
    line = one_line(run("plan", "f.csv", "--target", "80/60", "--out", "p.csv"), 1)
    assert "column 'channel'" in line and "row 3" in line and "empty" in line


# --------------------------------------------------------------------------- time zones


def test_days_follow_the_wall_clock_as_written() -> None:
    """Timestamps whose UTC offsets change (a daylight-saving change) were grouped by UTC
    day: 00:30+01:00 fell on the day before. Each now keeps its date as written."""
    from staffing.frames import local_dates

    s = pd.Series(["2025-03-29 23:30+01:00", "2025-03-30 00:30+01:00", "2025-03-30 03:30+02:00"])
    got = parse_timestamps(s, column="t", source="f")
    assert [str(d) for d in local_dates(got)] == ["2025-03-29", "2025-03-30", "2025-03-30"]
    assert got.dt.tz_convert("UTC").dt.hour.tolist() == [22, 23, 1]  # the instants kept


def test_offsets_of_no_one_zone_are_said() -> None:
    """-05:00 beside +05:00 (two sites in one file) has no zone that keeps both dates as
    written: they were grouped by UTC day without a word; now a warning names the file,
    the column and the offsets, and says the dates follow UTC."""
    from staffing.frames import local_dates

    s = pd.Series(["2025-03-03T22:00-05:00", "2025-03-04T01:00+05:00"])
    with pytest.warns(DataWarning, match=r"tz.csv: column 't': UTC offsets -05:00, \+05:00"):
        got = parse_timestamps(s, column="t", source="tz.csv")
    assert [str(d) for d in local_dates(got)] == ["2025-03-04", "2025-03-03"]  # UTC dates


# --------------------------------------------------------------------------- processes


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(sig: signal.Signals, here: Path) -> None:
    """Killing ``simulate --jobs 2`` left its worker processes running for minutes; now
    they end within seconds of their parent, however it ends."""
    plan = here / "plan.csv"
    assert (
        run("plan", sample_path("forecast.csv"), "--target", "80/20", "--out", plan).exit_code == 0
    )  # type: ignore[attr-defined]
    proc = subprocess.Popen(
        [STAFFING, "simulate", plan, "--jobs", "2", "--replications", "4000", "--out", "s.csv"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert len(workers) >= 2
    proc.send_signal(sig)
    proc.wait(timeout=8)  # SIGTERM used to wait for the running tasks (10 s and more)
    deadline = time.monotonic() + 15
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_running(w) for w in workers)


@pytest.mark.slow
def test_ctrl_c_while_starting_says_aborted(here: Path) -> None:
    """Ctrl-C while the command line loads numpy and scipy printed a traceback; it says
    ``Aborted!`` as it does later (the first tenth of a second is Python's own start-up,
    before any of the tool runs, and is not covered)."""
    env = dict(os.environ)
    for delay in (0.2, 0.3, 0.5, 0.8):
        proc = subprocess.Popen(
            [STAFFING, "plan", sample_path("forecast.csv"), "--target", "80/20", "--out", "p.csv"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=60)[1].decode()
        assert "Traceback" not in err, (delay, err)
        if proc.returncode != 0 and "wrote p.csv" not in err:  # not done before the signal
            assert err.strip().endswith("Aborted!"), err


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
def test_ctrl_c_stops_workers_without_their_tracebacks(here: Path) -> None:
    """Ctrl-C at the terminal reaches the whole process group: ``simulate --jobs 2`` went
    on for 12 s, printed ``Aborted!`` three times and sometimes a worker's traceback; now
    the parent stops the run at once and says ``Aborted!`` once."""
    plan = here / "plan.csv"
    assert (
        run("plan", sample_path("forecast.csv"), "--target", "80/20", "--out", plan).exit_code == 0
    )  # type: ignore[attr-defined]
    proc = subprocess.Popen(
        [STAFFING, "simulate", plan, "--jobs", "2", "--replications", "4000", "--out", "s.csv"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    err = proc.communicate(timeout=15)[1].decode()  # 4,000 replications run for minutes
    assert "Traceback" not in err and err.count("Aborted!") == 1, err
    assert not (here / "s.csv").exists()


@pytest.mark.parametrize("chunked", [(), ("--chunk-queues", "1")])
def test_a_sheet_named_for_a_csv_is_said(chunked: tuple[str, ...], here: Path) -> None:
    """--sheet with a CSV forecast was ignored without a word (read at once or in chunks);
    now a warning names the file and the sheet, and the plan is written."""
    result = run(
        "plan", sample_path("forecast.csv"), "--target", "80/20", "--sheet", "Data", *chunked,
        "--out", "out.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = [s for s in result.output.splitlines() if "Excel" in s]  # type: ignore[attr-defined]
    assert lines == [
        "Warning: forecast.csv: not an Excel workbook: the sheet 'Data' (--sheet) is ignored"
    ]
    assert (here / "out.csv").exists()


# --------------------------------------------------------------------------- a mapped column


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_column_a_mapping_replaces_is_named_once(suffix: str, here: Path) -> None:
    """``--column calls=volume`` on a file that also has ``calls``: the plan is of
    ``volume`` (as asked), and one warning says that the file's ``calls`` is not read
    (before, it was dropped without a word)."""
    frame = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
            "calls": [100, 110],
            "volume": [300, 330],
            "aht_s": [180, 180],
        }
    )
    path = here / f"f{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    result = run(
        "plan", path.name, "--target", "80/20", "--column", "calls=volume", "--out", "out.csv"
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    said = [ln for ln in result.stderr.splitlines() if "is not read" in ln]  # type: ignore[attr-defined]
    assert said == [
        f"Warning: f{suffix}: column 'calls' is not read: the mapping calls=volume reads "
        "'volume' as calls"
    ]
    assert pd.read_csv(here / "out.csv")["calls"].tolist() == [300, 330]
    plain = pd.DataFrame(
        {
            "interval_start": frame["interval_start"],
            "volume": frame["volume"],
            "aht_s": frame["aht_s"],
        }
    )
    plain.to_csv(here / "g.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a mapping that replaces nothing says nothing
        read_table(here / "g.csv", columns={"calls": "volume"})
