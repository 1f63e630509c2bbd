"""The io layer: readers (sniffing, BOM, mapping), validators, atomic writers, HTML report."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.data import sample_files, sample_path
from staffing.errors import InputError, StaffingError
from staffing.frames.values import DataWarning
from staffing.io import (
    atomic_write,
    check_column,
    read_table,
    require_columns,
    to_timestamps,
    write_table,
)
from staffing.io.delimited import MISSING_TOKENS
from staffing.io.report import write_html_report
from staffing.planner.bands import escalation_band

FRAME = pd.DataFrame(
    {
        "interval_start": ["2025-03-03 08:00", "2025-03-03 08:30", "2025-03-03 09:00"],
        "queue": ["sales", "sales", "sales"],
        "calls": [12.5, 20.0, 31.25],
        "aht_s": [300, 310, 295],
    }
)


def _write_text(path: Path, frame: pd.DataFrame, sep: str, *, bom: bool = False) -> Path:
    text = frame.to_csv(index=False, sep=sep)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
@pytest.mark.parametrize("bom", [False, True])
def test_delimiter_sniffed_and_bom_tolerated(tmp_path: Path, sep: str, bom: bool) -> None:
    """Each of the four delimiters, with and without a UTF-8 BOM, reads back the frame."""
    path = _write_text(tmp_path / "f.csv", FRAME, sep, bom=bom)
    df = read_table(path)
    assert list(df.columns) == list(FRAME.columns)
    pd.testing.assert_frame_equal(df, FRAME, check_dtype=False)
    assert df.attrs["source"] == "f.csv"


def test_header_whitespace_stripped_and_txt_tsv(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text(" interval_start | calls \n2025-03-03 08:00|4\n")
    assert list(read_table(tmp_path / "f.txt").columns) == ["interval_start", "calls"]
    (tmp_path / "f.tsv").write_text("a\tb\n1\t2\n")
    assert read_table(tmp_path / "f.tsv")["b"].tolist() == [2]


def test_decimal_comma_with_semicolons(tmp_path: Path) -> None:
    """European export: ``;`` delimiter and decimal commas read as numbers."""
    (tmp_path / "eu.csv").write_text("calls;aht_s;queue\n12,5;300;a\n7;280,25;b\n")
    df = read_table(tmp_path / "eu.csv")
    assert df["calls"].tolist() == [12.5, 7.0]
    assert df["aht_s"].tolist() == [300.0, 280.25]
    assert df["queue"].tolist() == ["a", "b"]


def test_queue_called_na_is_kept(tmp_path: Path) -> None:
    """A North America queue named "NA" is text, not a missing value; "NULL" is missing."""
    (tmp_path / "na.csv").write_text("queue,calls\nNA,3\nEU,NULL\n")
    df = read_table(tmp_path / "na.csv")
    assert df["queue"].tolist() == ["NA", "EU"]
    assert df["calls"].isna().tolist() == [False, True]


def test_windows_1252_text(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_bytes("queue,calls\nCaf\xe9,3\n".encode("latin-1"))
    assert read_table(tmp_path / "w.csv")["queue"].tolist() == ["Café"]


def test_column_mapping_amazon_connect(tmp_path: Path) -> None:
    """Amazon Connect export names load with --column mappings, case-insensitively."""
    connect = pd.DataFrame(
        {
            "TimeStamp": ["2025-03-03T08:00:00Z"],
            "IntervalDuration": [1800],
            "IncomingContactVolume": [42.0],
            "AverageHandleTime": [240.0],
        }
    )
    connect.to_csv(tmp_path / "connect.csv", index=False)
    mapping = {
        "interval_start": "TimeStamp",
        "calls": "incomingcontactvolume",
        "aht_s": "AverageHandleTime",
    }
    df = read_table(tmp_path / "connect.csv", columns=mapping)
    assert list(df.columns) == ["interval_start", "IntervalDuration", "calls", "aht_s"]
    assert df["calls"].tolist() == [42.0]


def test_mapping_replaces_existing_column(tmp_path: Path) -> None:
    """The mapped column is read, and a warning names the file's column it replaces."""
    pd.DataFrame({"calls": [1], "Offered": [9]}).to_csv(tmp_path / "f.csv", index=False)
    with pytest.warns(
        DataWarning,
        match=r"f\.csv: column 'calls' is not read: the mapping "
        r"calls=Offered reads 'Offered' as calls",
    ):
        df = read_table(tmp_path / "f.csv", columns={"calls": "Offered"})
    assert df.to_dict("list") == {"calls": [9]}


def test_mapping_to_absent_column_names_found_ones(tmp_path: Path) -> None:
    FRAME.to_csv(tmp_path / "f.csv", index=False)
    with pytest.raises(
        InputError, match=r"f\.csv: column 'Volume' \(mapped to 'calls'\) not found"
    ):
        read_table(tmp_path / "f.csv", columns={"calls": "Volume"})


@pytest.mark.parametrize("bad", ["calls", "=x", "calls=", " = "])
def test_column_option_rejects(bad: str) -> None:
    """``--column`` takes OURS=THEIRS and says so (a usage error, one line)."""
    import click

    from staffing.cli.types import ColumnMapping

    with pytest.raises(click.BadParameter, match=r"OURS=THEIRS"):
        ColumnMapping().convert(bad, None, None)


MAPPED_TWICE = ("--column", "calls=a", "--column", "calls=b")


def test_column_mapped_twice(tmp_path: Path) -> None:
    """The same column mapped twice on the command line is one clear line."""
    from click.testing import CliRunner

    from staffing.cli import main

    FRAME.to_csv(tmp_path / "f.csv", index=False)
    result = CliRunner().invoke(
        main,
        ["plan", str(tmp_path / "f.csv"), "--target", "80/20", *MAPPED_TWICE],
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --column: 'calls' is mapped twice"


def test_missing_empty_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: no such file"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match=r"empty\.csv: the file is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "f.json").write_text("{}")
    with pytest.raises(InputError, match=r"unknown file type '\.json'"):
        read_table(tmp_path / "f.json")
    (tmp_path / "bad.xlsx").write_text("not a spreadsheet")
    with pytest.raises(InputError, match=r"bad\.xlsx: cannot read as a spreadsheet"):
        read_table(tmp_path / "bad.xlsx")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(InputError, match=r"bad\.parquet: cannot read as Parquet"):
        read_table(tmp_path / "bad.parquet")


def test_excel_and_parquet_round_trip(tmp_path: Path) -> None:
    """Write then read: same values and dtypes for .xlsx and .parquet; .xlsx holds sheets."""
    frame = FRAME.assign(interval_start=pd.to_datetime(FRAME["interval_start"]))
    for name in ("t.parquet", "t.xlsx", "t.csv"):
        write_table(frame, tmp_path / name)
        back = read_table(tmp_path / name)
        if name.endswith(".csv"):
            back["interval_start"] = pd.to_datetime(back["interval_start"])
        pd.testing.assert_frame_equal(back, frame, check_dtype=name != "t.csv")
    two = {"intervals": frame, "summary": frame.head(1)}
    write_table(two, tmp_path / "both.xlsx")
    sheets = pd.read_excel(tmp_path / "both.xlsx", sheet_name=None)
    assert list(sheets) == ["intervals", "summary"]
    assert len(sheets["summary"]) == 1


def test_excel_drops_time_zone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2025-03-03 08:00"]).tz_localize("Europe/Paris")})
    write_table(frame, tmp_path / "tz.xlsx")
    assert read_table(tmp_path / "tz.xlsx")["t"].iloc[0] == pd.Timestamp("2025-03-03 08:00")


def test_write_rejects_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown output type '\.json'"):
        write_table(FRAME, tmp_path / "x.json")
    with pytest.raises(InputError, match=r"use \.xlsx"):
        write_table({"a": FRAME, "b": FRAME}, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_write_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    write_table({"a": FRAME.head(1), "b": FRAME.tail(1)}, "-")
    out = capsys.readouterr().out
    # text quoted, numbers not (FRAME's timestamps are text, not parsed)
    assert out.startswith(
        '# a\ninterval_start,queue,calls,aht_s\n"2025-03-03 08:00","sales",12.5,300\n'
    )
    assert "\n# b\n" in out


def test_atomic_write_failure_keeps_old_file(tmp_path: Path) -> None:
    """An exception inside the block leaves the destination as it was and no temp file."""
    dest = tmp_path / "plan.csv"
    dest.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(dest) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_atomic_write_creates_directory_and_readable_file(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "r.txt"
    with atomic_write(dest) as tmp:
        assert tmp.parent == dest.parent and tmp.suffix == ".txt"
        tmp.write_text("ok")
    assert dest.read_text() == "ok"
    assert dest.stat().st_mode & 0o044  # readable by others (umask permitting)


def test_require_columns_names_expected_and_found() -> None:
    df = pd.DataFrame({"TimeStamp": [1], "calls": [1]})
    with pytest.raises(InputError) as info:
        require_columns(df, ["interval_start", "calls"], source="f.csv")
    msg = str(info.value)
    assert msg.startswith("f.csv: missing column 'interval_start'")
    assert "expected interval_start, calls" in msg and "found TimeStamp, calls" in msg
    require_columns(df, ["calls"], source="f.csv")  # no error


def test_check_column_counts_rows_spreadsheet_style() -> None:
    """Rows 2, 5, 9 are the 1st, 4th and 8th data rows (header is row 1)."""
    values = np.arange(10.0)
    values[[0, 3, 7]] = [-1.0, np.nan, -3.0]
    df = pd.DataFrame({"calls": values})
    with pytest.raises(InputError) as info:
        check_column(df, "calls", df["calls"] >= 0, "negative or missing", source="f.csv")
    assert str(info.value) == "f.csv: column 'calls': 3 rows (rows 2, 5, 9) negative or missing"
    assert info.value.rows == [2, 5, 9]


def test_check_column_many_rows_abbreviated() -> None:
    df = pd.DataFrame({"calls": -np.ones(8)})
    with pytest.raises(InputError, match=r"8 rows \(rows 2, 3, 4, 5, 6, \.\.\. \(\+3 more\)\)"):
        check_column(df, "calls", df["calls"] >= 0, "negative", source="f.csv")


def test_to_timestamps_formats() -> None:
    df = pd.DataFrame(
        {
            "iso": ["2025-03-03T08:00:00", "2025-03-03T08:30:00"],
            "plain": ["2025-03-03 08:00", " 2025-03-03 08:30 "],
            "zulu": ["2025-03-03T08:00:00Z", "2025-03-03T08:30:00Z"],
        }
    )
    expected = pd.to_datetime(["2025-03-03 08:00", "2025-03-03 08:30"])
    for col in ("iso", "plain"):
        got = to_timestamps(df, col, source="f.csv")
        assert got.tolist() == expected.tolist()
    zulu = to_timestamps(df, "zulu", source="f.csv")
    assert str(zulu.dt.tz) == "UTC"
    assert zulu.dt.tz_localize(None).tolist() == expected.tolist()


def test_to_timestamps_names_rows() -> None:
    df = pd.DataFrame({"t": ["2025-03-03 08:00", None, "25:99", "2025-03-03 09:30"]})
    with pytest.raises(InputError) as info:
        to_timestamps(df, "t", source="f.csv")
    assert str(info.value) == (
        "f.csv: column 't': 1 row (row 4) not timestamps (e.g. '25:99'); write them as "
        "e.g. 2025-03-04 08:00, or give `date_format`"
    )
    df.loc[2, "t"] = "2025-03-03 09:00"
    with pytest.raises(InputError) as info:
        to_timestamps(df, "t", source="f.csv")
    assert str(info.value) == "f.csv: column 't': 1 row (row 3) missing timestamps"


def test_html_report_self_contained(tmp_path: Path) -> None:
    """One file, no external references; the figure is an embedded PNG that decodes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    table = pd.DataFrame({"queue": ["a<b"], "fte": [41.25], "t": [pd.Timestamp("2025-03-03")]})
    write_html_report(
        tmp_path / "r.html",
        "Plan & FTE",
        [("Intro", "Hello.\n\nSecond."), ("T", table), ("F", fig)],
    )
    plt.close(fig)
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Plan &amp; FTE</title>" in page
    assert "<p>Hello.</p><p>Second.</p>" in page
    assert "<td>a&lt;b</td>" in page and '<td class="num">41.25</td>' in page
    assert "2025-03-03 00:00:00" in page
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert data is not None
    assert base64.b64decode(data.group(1)).startswith(b"\x89PNG")


def test_html_report_rejects_unknown_block(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"expected text, a DataFrame or a figure"):
        write_html_report(tmp_path / "r.html", "x", [("bad", 3)])
    assert not (tmp_path / "r.html").exists()


def test_sample_path() -> None:
    assert sample_path("forecast.csv").is_file()
    assert "forecast.csv" in sample_files()
    with pytest.raises(InputError, match=r"no sample file 'nope\.csv'; available: .*forecast\.csv"):
        sample_path("nope.csv")
    with pytest.raises(InputError):
        sample_path("../__init__.py")


def test_escalation_band_edges() -> None:
    """Issue 3: up to 5 points below target = warning, 5-10 = interrupt offline, >10 = all hands."""
    got = escalation_band(pd.Series([-1.0, 0.0, 0.01, 5.0, 5.01, 10.0, 10.01, np.nan]))
    assert got.tolist() == [
        "met",
        "met",
        "warning",
        "warning",
        "interrupt offline",
        "interrupt offline",
        "all hands",
        "n/a",
    ]
    for bad in [(10, 5), (0, 5), (5,), (5, np.inf)]:
        with pytest.raises(StaffingError, match=r"band edges"):
            escalation_band([1.0], edges=bad)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-50, 50), min_size=1, max_size=30),
    st.floats(0.5, 20),
    st.floats(0.5, 20),
)
def test_escalation_band_monotone(shortfalls: list[float], low: float, gap: float) -> None:
    """A larger shortfall is never in a milder band."""
    order = {"met": 0, "warning": 1, "interrupt offline": 2, "all hands": 3}
    s = np.sort(np.asarray(shortfalls))
    ranks = [order[b] for b in escalation_band(s, edges=(low, low + gap))]
    assert ranks == sorted(ranks)


def _reads_as_number(text: str) -> bool:
    """Text a CSV reader takes for a number ("12", "1e5", "INF", "-infinity")."""
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(
                alphabet=st.characters(
                    blacklist_categories=("Cs", "Cc"), blacklist_characters=",;\t|\"'\r\n"
                ),
                min_size=1,
                max_size=8,
            ).filter(
                lambda s: s.strip() == s and not _reads_as_number(s) and s not in MISSING_TOKENS
            ),
            st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
        ),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
)
def test_csv_round_trip_property(rows: list[tuple[str, float]], sep: str) -> None:
    """Any text/number table written with any of the four delimiters reads back the same."""
    import tempfile

    frame = pd.DataFrame(rows, columns=["queue", "calls"])
    with tempfile.TemporaryDirectory() as d:
        path = _write_text(Path(d) / "p.csv", frame, sep)
        back = read_table(path)
    assert back["calls"].astype(float).tolist() == frame["calls"].tolist()
    assert back["queue"].astype(str).tolist() == frame["queue"].tolist()


def test_atomic_write_os_errors_name_the_destination(tmp_path: Path) -> None:
    """A file where a directory should be, or a directory where the file should be: an
    InputError naming the destination (not the temporary file), and nothing left over."""
    (tmp_path / "plain").write_text("x")
    with pytest.raises(InputError, match=r"plain/t\.csv: cannot write the file"):
        write_table(FRAME, tmp_path / "plain" / "t.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match=r"dir\.csv: cannot write the file \(Is a directory\)"):
        write_table(FRAME, tmp_path / "dir.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv", "plain"]


def test_csv_written_whole_or_in_chunks_is_the_same(tmp_path: Path) -> None:
    """The CSV writer gives the same bytes for a table written at once or in pieces, with
    floats to 12 significant digits, whole numbers without '.0', empty cells for NaN,
    timestamps without fractions and dates alone where every time is midnight."""
    from staffing.io.fastcsv import CsvWriter, csv_text

    df = pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-03 08:00", periods=6, freq="30min"),
            "day": pd.to_datetime(["2025-03-03"] * 6),
            "queue": ["a", "b", "c,d", "e", None, "f"],
            "x": [0.1 + 0.2, 420.79999999999995, np.nan, 1e-13, 2.5e12, -1.0],
            "n": [14.0, 15.0, np.nan, 1.5, 2.0, 3.0e9],
        }
    )
    whole = csv_text(df)
    with CsvWriter(tmp_path / "c.csv") as out:
        for part in (df.iloc[:2], df.iloc[2:3], df.iloc[3:]):  # n: whole, then fractions
            out.write(part)
    assert (tmp_path / "c.csv").read_text() == whole
    # a first chunk of midnights does not make the column one of dates when told otherwise
    days = pd.DataFrame(
        {"t": pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-04 08:30"], format="ISO8601")}
    )
    with CsvWriter(tmp_path / "d.csv", dates={"t": False}) as out:
        out.write(days.iloc[:2])
        out.write(days.iloc[2:])
    assert (tmp_path / "d.csv").read_text() == csv_text(days)
    assert csv_text(days).splitlines()[1] == "2025-03-03 00:00:00"
    lines = whole.splitlines()
    assert lines[0] == "interval_start,day,queue,x,n"
    assert lines[1] == '2025-03-03 08:00:00,2025-03-03,"a",0.3,14'
    assert lines[2] == '2025-03-03 08:30:00,2025-03-03,"b",420.8,15'
    assert lines[3] == '2025-03-03 09:00:00,2025-03-03,"c,d",,'
    back = pd.read_csv(tmp_path / "c.csv")
    np.testing.assert_allclose(back["x"], df["x"], rtol=5e-12)


def test_text_read_like_a_spreadsheet_user_means(tmp_path: Path) -> None:
    """Types per column: whole numbers int64 (float64 once a cell is missing), numbers
    with spaces around them, True/False, ids padded with spaces stripped, a column with
    nothing in it NaN; a malformed row named by its line."""
    (tmp_path / "t.csv").write_text(
        "queue,n,x,ok,empty,note\n"
        " sales ,1, 2.5,True,, hello\n"
        "007,2,3 ,False,,world\n"
        "NA,3,,TRUE,,\n"
    )
    df = read_table(tmp_path / "t.csv")
    assert df["queue"].tolist() == ["sales", "007", "NA"]
    assert df["n"].dtype == np.int64 and df["n"].tolist() == [1, 2, 3]
    assert df["x"].dtype == np.float64 and df["x"].tolist()[:2] == [2.5, 3.0]
    assert np.isnan(df["x"].iloc[2])
    assert df["ok"].dtype == bool and df["ok"].tolist() == [True, False, True]
    assert df["empty"].isna().all()
    assert df["note"].tolist()[:2] == ["hello", "world"]
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n3,4\n5,6,7\n")
    with pytest.raises(InputError, match=r"bad\.csv: cannot read as a table \(row 4: expected 2"):
        read_table(tmp_path / "bad.csv")


def _chunked(path: Path, options: object, per_chunk: int) -> tuple[pd.DataFrame, bool]:
    """A file read in chunks of ``per_chunk`` queues, put back in file order."""
    from staffing.io.chunks import census

    found = census(path, options)
    parts = list(found.chunks(found.groups(per_chunk=per_chunk), options))
    assert len(parts) == -(-len(found.units) // per_chunk)
    rows = np.concatenate([p.rows for p in parts])
    assert sorted(rows.tolist()) == list(range(found.rows))
    whole = pd.concat([p.frame for p in parts], ignore_index=True)
    whole.index = rows
    return whole.sort_index().reset_index(drop=True), found.contiguous


@pytest.mark.parametrize("order", ["queue", "time"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_chunks_read_as_the_whole_file(tmp_path: Path, order: str, suffix: str) -> None:
    """A forecast read a few queues at a time gives the rows of the whole file, whether
    each queue's rows are together (sorted by queue: streamed) or interleaved (sorted by
    time: spilled per chunk), from text, Parquet or a spreadsheet."""
    from staffing.io import ReadOptions

    frame = pd.read_csv(sample_path("forecast.csv"))
    frame = frame.sort_values([order if order == "queue" else "interval_start"], kind="stable")
    path = tmp_path / f"f{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False)
    options = ReadOptions()
    got, contiguous = _chunked(path, options, 1)
    assert contiguous == (order == "queue")
    pd.testing.assert_frame_equal(got, options.read(path))


def test_chunks_of_mapped_date_and_time_columns(tmp_path: Path) -> None:
    """Date and time in two mapped columns, day-first settled by one date anywhere in the
    file (the chunk holding it is not the first): every chunk reads them the same way."""
    from staffing.io import ReadOptions

    text = "Skill;Datum;Zeit;Anrufe;AHT\n"
    for q in ("a", "b", "c"):
        for day in ("02/03/2025", "04/03/2025") if q != "c" else ("13/03/2025",):
            text += f"{q};{day};08:00;1,5;300\n{q};{day};08:30;2;300\n"
    (tmp_path / "de.csv").write_text(text)
    options = ReadOptions(
        columns={"queue": "Skill", "date": "Datum", "time": "Zeit", "calls": "Anrufe"}
    )
    settled = r"day-first \(dd/mm\) in every row, as rows 10, 11 \(e\.g\. '13/03/2025'\)"
    with pytest.warns(DataWarning, match=settled):
        got, _ = _chunked(tmp_path / "de.csv", options, 1)
    with pytest.warns(DataWarning, match=settled):
        whole = options.read(tmp_path / "de.csv")
    pd.testing.assert_frame_equal(got, whole)
    assert got["interval_start"].iloc[0] == pd.Timestamp("2025-03-02 08:00")


def test_chunk_errors_name_the_files_rows(tmp_path: Path) -> None:
    """A bad timestamp in the third queue of a file sorted by time is named by its file
    row, not its row in the chunk."""
    from staffing.io import ReadOptions
    from staffing.io.chunks import census

    lines = ["interval_start,queue,calls,aht_s"]
    for t in ("08:00", "08:30", "09:00"):
        for q in "abc":
            stamp = "2025-03-03 25:00" if (q, t) == ("c", "08:30") else f"2025-03-03 {t}"
            lines.append(f"{stamp},{q},1,300")
    (tmp_path / "f.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"row 7\b") as whole:
        ReadOptions().read(tmp_path / "f.csv")
    found = census(tmp_path / "f.csv", ReadOptions())
    with pytest.raises(InputError) as chunked:
        list(found.chunks(found.groups(per_chunk=1), ReadOptions()))
    assert str(chunked.value) == str(whole.value)
