"""Import profiles: a real export's nine --column flags and --dayfirst written down once.

The UK forecast export (``tests/data/exports/uk_forecast.csv``: semicolons, day-first
dates in separate Date and Time columns, h:mm:ss handle times, ids with leading zeros)
needs a column mapping and a date convention on every command. With a profile it plans
with none, identically to its clean twin.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.errors import InputError
from staffing.io.profile import describe_file, find_profile, load_profile

EXPORTS = Path(__file__).parent / "data" / "exports"
UK_PROFILE = """\
dayfirst = true

[columns]
date = "Date"
time = "Time"
queue = "Skill"
calls = "Forecast Calls"
aht_s = "Forecast AHT"
patience_s = "Patience (s)"

[defaults]
target = ["80/20"]

[plan]
in-centre = "15%"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("uk_forecast.csv", "uk_forecast_clean.csv"):
        (tmp_path / name).write_bytes((EXPORTS / name).read_bytes())
    return tmp_path


def _run(*args: str) -> object:
    result = CliRunner().invoke(main, list(args))
    return result


def test_a_profile_plans_the_export_as_its_clean_twin(folder: Path) -> None:
    """``--profile acd.toml``: no --column, no --dayfirst, no --target on the line; the
    plan equals the clean twin's with the same options given by hand."""
    (folder / "acd.toml").write_text(UK_PROFILE)
    got = _run("plan", "uk_forecast.csv", "--profile", "acd.toml", "--out", "got.csv")
    assert got.exit_code == 0, got.output  # type: ignore[attr-defined]
    want = _run(
        "plan", "uk_forecast_clean.csv", "--target", "80/20", "--in-centre", "15%",
        "--out", "want.csv",
    )  # fmt: skip
    assert want.exit_code == 0, want.output  # type: ignore[attr-defined]
    a, b = pd.read_csv("got.csv"), pd.read_csv("want.csv")
    pd.testing.assert_frame_equal(a.drop(columns="queue"), b.drop(columns="queue"))


def test_staffing_toml_is_found_and_the_line_wins(folder: Path) -> None:
    """A ``staffing.toml`` in the working directory is read by every command (said on
    stderr); an option on the command line wins over the profile."""
    (folder / "staffing.toml").write_text(UK_PROFILE)
    plan = _run("plan", "uk_forecast.csv", "--target", "90/10", "--out", "p.csv")
    assert plan.exit_code == 0, plan.output  # type: ignore[attr-defined]
    assert "profile: staffing.toml" in plan.stderr  # type: ignore[attr-defined]
    assert set(pd.read_csv("p.csv")["target"]) == {"90/10"}
    assert find_profile(folder) == folder / "staffing.toml"


def test_pyproject_tool_staffing(folder: Path) -> None:
    nested = UK_PROFILE.replace("[columns]", "[tool.staffing.columns]")
    nested = nested.replace("[defaults]", "[tool.staffing.defaults]")
    nested = nested.replace("[plan]", "[tool.staffing.plan]")
    (folder / "pyproject.toml").write_text("[project]\nname='x'\n[tool.staffing]\n" + nested)
    found = find_profile(folder)
    assert found is not None and found.name == "pyproject.toml"
    assert load_profile(found).columns["queue"] == "Skill"


def test_bad_profiles_are_one_line(folder: Path) -> None:
    """Not TOML, an unknown top-level setting, and an option a command does not have."""
    (folder / "bad.toml").write_text("dayfirst = \n")
    (folder / "typo.toml").write_text('colums = "x"\n')
    (folder / "opt.toml").write_text(UK_PROFILE + 'in-center = "10%"\n')
    for name, message in (
        ("bad.toml", "not a TOML profile"),
        ("typo.toml", "unknown setting 'colums'"),
        ("opt.toml", "[plan] has no option --in-center"),
    ):
        result = _run("plan", "uk_forecast.csv", "--profile", name, "--out", "p.csv")
        assert result.exit_code == 2, (name, result.output)  # type: ignore[attr-defined]
        assert message in result.stderr  # type: ignore[attr-defined]
        assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]
        assert not (folder / "p.csv").exists()
    with pytest.raises(InputError, match="unknown setting"):
        load_profile(folder / "typo.toml")


def test_profile_command_suggests_a_working_profile(folder: Path) -> None:
    """``staffing profile FILE --out staffing.toml`` writes a profile every command then
    reads the export with."""
    shown = _run("profile", "uk_forecast.csv", "--out", "staffing.toml")
    assert shown.exit_code == 0, shown.output  # type: ignore[attr-defined]
    out = shown.stdout  # type: ignore[attr-defined]
    assert "semicolon-separated" in out and "dates day-first" in out
    assert 'aht_s = "Forecast AHT"' in out
    plan = _run("plan", "uk_forecast.csv", "--target", "80/20", "--out", "p.csv")
    assert plan.exit_code == 0, plan.output  # type: ignore[attr-defined]
    assert len(pd.read_csv("p.csv")) == len(pd.read_csv("uk_forecast_clean.csv"))


def test_describe_file() -> None:
    info = describe_file(EXPORTS / "interval_report.csv")
    kinds = {c["name"]: (c["looks_like"], c["dates"]) for c in info["columns"]}
    assert kinds["Interval"] == ("timestamp", "month-first")
    assert kinds["AHT"][0] == "duration h:mm:ss"


def test_contradictory_date_options_are_a_usage_error(folder: Path) -> None:
    """``--dayfirst`` with a month-first ``--date-format`` was silently ignored (a week
    planned from March to September); now one line, exit 2, nothing written."""
    result = _run(
        "plan", "uk_forecast.csv", "--column", "date=Date", "--column", "time=Time",
        "--column", "calls=Forecast Calls", "--column", "aht_s=Forecast AHT",
        "--dayfirst", "--date-format", "%m/%d/%Y", "--target", "80/20", "--out", "p.csv",
    )  # fmt: skip
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert "--dayfirst contradicts --date-format" in result.stderr  # type: ignore[attr-defined]
    assert not (folder / "p.csv").exists()
