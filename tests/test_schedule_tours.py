"""Weekly tours by the implicit model, rotations, contracts, and the schedule command's
promises (time limit, shrinkage, messages): hand-checkable cases and brute force."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.errors import StaffingError
from staffing.scheduling import schedule, shift_families
from staffing.scheduling.tours import TourType, rotation


def _week(per_day: list[int]) -> pd.DataFrame:
    """One 8-hour block a day (09:00-17:00, hourly intervals) needing per_day[d] agents."""
    starts = pd.date_range("2025-03-03 09:00", periods=8, freq="1h")
    rows = []
    for d, n in enumerate(per_day):
        for t in starts + pd.Timedelta(days=d):
            rows.append({"interval_start": t, "agents": float(n)})
    return pd.DataFrame(rows)


FAM = pd.DataFrame({"shift": ["d"], "start": ["09:00"], "length": ["8h"]})


def _brute(per_day: list[int], days_off: int, consecutive: bool, weekend: int = 0) -> int:
    """Fewest people covering per_day with weeks of 7 - days_off days, by enumeration of
    how many people take each days-off pattern (tiny instances)."""
    pats = [
        p
        for p in itertools.combinations(range(7), days_off)
        if not consecutive or days_off < 2 or (max(p) - min(p) == days_off - 1)
    ]
    need = np.array(per_day)
    for people in range(0, 3 * max(per_day) + 3):
        for combo in itertools.combinations_with_replacement(range(len(pats)), people):
            work = np.zeros(7, int)
            weekends = 0
            for i in combo:
                p = pats[i]
                work += np.array([d not in p for d in range(7)])
                weekends += {5, 6} <= set(p)
            if np.all(work >= need) and (weekend == 0 or 2 * weekends >= people):
                return people
    raise AssertionError("no cover")


@pytest.mark.parametrize(
    ("per_day", "consecutive"),
    [
        ([3, 3, 2, 2, 2, 1, 1], False),
        ([2, 0, 2, 0, 2, 1, 1], False),
        ([3, 3, 2, 2, 2, 1, 1], True),
        ([1, 2, 2, 2, 2, 2, 0], True),
    ],
)
def test_tours_match_brute_force(per_day: list[int], consecutive: bool) -> None:
    """People needed = the fewest whole weeks found by enumerating days-off patterns."""
    s = schedule(_week(per_day), FAM, days_off=2, consecutive_days_off=consecutive, gap=0.0)
    assert s.agents["agent"].nunique() == _brute(per_day, 2, consecutive)
    assert s.solver.gap <= 1e-9
    worked = s.agents.groupby("agent").size()
    assert (worked == 5).all()
    if consecutive:
        for _, g in s.agents.groupby("agent"):
            off = sorted(set(range(7)) - set(g["day"].dt.day_of_week))
            assert off[1] - off[0] == 1


def test_weekend_rule_brute_force_and_rotation() -> None:
    """Two weekends off in four weeks: the people needed match enumeration with at least
    half of the week's lines taking Sat+Sun off, and every person in the 4-week rota has
    at least 2 weekends off."""
    per_day = [3, 3, 3, 3, 3, 1, 1]
    s = schedule(_week(per_day), FAM, days_off=2, weeks=4, weekends_off=2, gap=0.0)
    people = s.agents["agent"].nunique()
    assert people == _brute(per_day, 2, False, weekend=2)
    a = s.agents.assign(week=(s.agents["day"] - pd.Timestamp("2025-03-03")).dt.days // 7)
    assert sorted(a["week"].unique()) == [0, 1, 2, 3]
    for _, g in a.groupby("agent"):
        worked = g[g["day"].dt.day_of_week >= 5]["week"].nunique()
        assert 4 - worked >= 2
    # each week covers the requirement
    for _, g in a.groupby("week"):
        per = g.groupby(g["day"].dt.day_of_week).size().reindex(range(7), fill_value=0)
        assert (per.to_numpy() >= np.array(per_day)).all()


def test_rotation_groups_share_weekends() -> None:
    """Seven lines, four with the weekend off, four weeks: groups of 4, 2 and 1."""
    t = [TourType(0, 5, False, frozenset())]
    lines = [(0, (5, 6))] * 4 + [(0, (0, 1)), (0, (2, 3)), (0, (3, 4))]
    rota = rotation(lines, t, 4, frozenset({5, 6}))
    assert len(rota) == 7
    for week in range(4):
        assert sorted(r[week] for r in rota) == list(range(7))
    assert min(sum({5, 6} <= set(lines[i][1]) for i in r) for r in rota) >= 2


def test_contract_hours_and_max() -> None:
    """Part-timers of 4-hour shifts at 12-16 h a week work 3 or 4 days; a contract_max of
    1 on full time leaves the rest to part time."""
    req = _week([2, 2, 2, 2, 2, 2, 2])
    fam = pd.DataFrame(
        {
            "shift": ["full", "part"],
            "start": ["09:00", "09:00"],
            "length": ["8h", "8h"],
            "contract": ["ft", "pt"],
            "min_hours": ["", "16"],
            "max_hours": ["", "24"],
            "contract_max": [1, ""],
        }
    )
    s = schedule(req, fam, days_off=2, gap=0.0)
    per_person = s.agents.groupby("agent").agg(shift=("shift", "first"), h=("paid_hours", "sum"))
    assert (per_person["shift"] == "full").sum() <= 1
    part = per_person[per_person["shift"] == "part"]["h"]
    assert ((part >= 16) & (part <= 24)).all()


def test_min_hours_beyond_shifts_is_one_line() -> None:
    fam = FAM.assign(min_hours=["45"])
    with pytest.raises(StaffingError, match=r"'d' \(row 2\): weekly paid hours 45- h"):
        schedule(_week([1] * 7), fam, days_off=2)


def test_contract_max_binds_and_is_named() -> None:
    fam = FAM.assign(contract=["ft"], contract_max=[1])
    with pytest.raises(StaffingError, match=r"bind: `contract_max` 1 of contract 'ft'"):
        schedule(_week([2] * 7), fam, days_off=2)
    s = schedule(_week([2] * 7), fam, days_off=2, objective="soft", under_cost=10.0)
    assert any("contract_max" in n for n in s.notes)


def test_weekend_rule_on_weekend_only_family_is_named() -> None:
    fam = FAM.assign(days=["Sat-Sun"], min=[1])
    with pytest.raises(StaffingError, match=r"bind: 1 weekends off in 2 weeks"):
        schedule(_week([0, 0, 0, 0, 0, 1, 1]), fam, days_off=5, weeks=2, weekends_off=1)


def _plan(tmp_path, in_centre: str = "30%") -> str:
    from staffing.data import sample_path

    out = tmp_path / "plan.csv"
    r = CliRunner().invoke(
        main,
        [
            "plan",
            str(sample_path("forecast.csv")),
            "--target",
            "80/20",
            "--in-centre",
            in_centre,
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    return str(out)


def test_schedule_keeps_the_plans_shrinkage(tmp_path) -> None:
    """Sample week, 30% in-centre: the plan schedules 5,697.1 h (151.9 FTE); before the fix
    the schedule paid about 4,700 h (125 FTE). Now the schedule's paid hours are at least
    the plan's scheduled hours, and the notes say what was applied."""
    from staffing.data import sample_path

    plan = pd.read_csv(_plan(tmp_path))
    shifts = pd.read_csv(sample_path("shifts.csv"), dtype=str, keep_default_na=False)
    s = schedule(plan, shifts, time_limit_s=10, gap=0.02)
    scheduled_h = float((plan["scheduled"] * plan["interval_s"]).sum() / 3600)
    assert scheduled_h == pytest.approx(5697.1, abs=0.1)
    assert s.paid_hours >= scheduled_h
    assert any("In-centre shrinkage from the plan (30.0%" in n for n in s.notes)
    bare = schedule(plan, shifts, time_limit_s=10, gap=0.02, keep_shrinkage=False)
    assert bare.paid_hours < scheduled_h


def test_time_limit_is_kept_by_the_command(tmp_path) -> None:
    """A hard instance (the sample week's tours with consecutive days off and rotating
    weekends) with a 10 s limit ends within 10 s plus a small margin for reading and
    writing."""
    from staffing.data import sample_path

    plan = _plan(tmp_path, "0%")
    t0 = time.perf_counter()
    r = CliRunner().invoke(
        main,
        [
            "schedule",
            plan,
            "--shifts",
            str(sample_path("shifts.csv")),
            "--days-off",
            "2",
            "--consecutive-days-off",
            "--weeks",
            "4",
            "--weekends-off",
            "2",
            "--gap",
            "0.01%",
            "--time-limit",
            "10s",
            "--out",
            str(tmp_path / "s.csv"),
        ],
    )
    wall = time.perf_counter() - t0
    assert wall < 13.0, (wall, r.output)
    assert r.exit_code == 0, r.output
    assert "gap" in r.output


def test_messages_of_the_command(tmp_path) -> None:
    from staffing.data import sample_path

    plan = _plan(tmp_path, "0%")
    shifts = str(sample_path("shifts.csv"))
    r = CliRunner().invoke(main, ["schedule", plan, "--shifts", shifts, "--time-limit", "0.001s"])
    assert r.exit_code == 1
    assert "time limit of 0.001 s" in r.output and "-0 s" not in r.output
    r = CliRunner().invoke(main, ["schedule", plan, "--shifts", shifts, "--time-limit", "30s"])
    assert "not proven optimal" not in r.output and "Solver (HiGHS): " in r.output
    # nan cost refused by row
    bad = pd.read_csv(shifts, dtype=str, keep_default_na=False)
    bad.loc[1, "cost"] = "nan"
    bad.to_csv(tmp_path / "nan.csv", index=False)
    r = CliRunner().invoke(main, ["schedule", plan, "--shifts", str(tmp_path / "nan.csv")])
    assert r.exit_code == 1 and "column 'cost'" in r.output and "row 3" in r.output
    # 1e12 agents: one line
    p = pd.read_csv(plan)
    p["agents"] = p["agents"].astype(float)
    p.loc[5, "agents"] = 1e12
    p.to_csv(tmp_path / "big.csv", index=False)
    r = CliRunner().invoke(main, ["schedule", str(tmp_path / "big.csv"), "--shifts", shifts])
    assert r.exit_code == 1 and "1e+12 agents" in r.output and "Traceback" not in r.output
    # day-first plan with every date ambiguous: refused as plan and simulate refuse it
    p = pd.read_csv(plan)
    p["interval_start"] = pd.to_datetime(p["interval_start"]).dt.strftime("%d/%m/%Y %H:%M")
    p.to_csv(tmp_path / "dayfirst.csv", index=False)
    r = CliRunner().invoke(main, ["schedule", str(tmp_path / "dayfirst.csv"), "--shifts", shifts])
    assert r.exit_code == 1 and "every date could be day-first" in r.output
    # no family works the plan's days: the days are named; soft still answers
    sat = pd.read_csv(shifts, dtype=str, keep_default_na=False).assign(days="Sat")
    sat.to_csv(tmp_path / "sat.csv", index=False)
    mon = pd.read_csv(plan)
    mon = mon[pd.to_datetime(mon["interval_start"]).dt.day_of_week == 0]
    mon.to_csv(tmp_path / "mon.csv", index=False)
    args = ["schedule", str(tmp_path / "mon.csv"), "--shifts", str(tmp_path / "sat.csv")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "Mon 2025-03-03" in r.output
    r = CliRunner().invoke(main, [*args, "--objective", "soft"])
    assert r.exit_code == 0, r.output


def test_shifts_column_mapping(tmp_path) -> None:
    from staffing.data import sample_path

    plan = _plan(tmp_path, "0%")
    shifts = pd.read_csv(sample_path("shifts.csv"), dtype=str, keep_default_na=False)
    shifts.rename(columns={"shift": "Name", "length": "Duration"}).to_csv(
        tmp_path / "mine.csv", index=False
    )
    r = CliRunner().invoke(
        main,
        [
            "schedule",
            plan,
            "--shifts",
            str(tmp_path / "mine.csv"),
            "--shifts-column",
            "shift=Name",
            "--shifts-column",
            "length=Duration",
            "--time-limit",
            "20s",
        ],
    )
    assert r.exit_code == 0, r.output


def test_families_parse_contract_columns() -> None:
    (f,) = shift_families(FAM.assign(contract=["pt"], min_hours=["20h"], max_hours=[30]))
    assert (f.contract, f.min_week_h, f.max_week_h) == ("pt", 20.0, 30.0)
