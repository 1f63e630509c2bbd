"""Named people on a schedule's tours: reading the people table, the min-cost matching on
hand-checkable cases, the tours no one can take, and the command's --people."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.errors import InputError, StaffingError
from staffing.scheduling import schedule
from staffing.scheduling.people import Person, assign_people, people_table
from staffing.scheduling.shifts import ShiftFamily


def _tour(agent: int, shift: str, days: list[int], start: str, hours: float = 8.0) -> list[dict]:
    """Rows of one tour on the week of Mon 2025-03-03 (day 0 = Monday)."""
    rows = []
    for d in days:
        day = pd.Timestamp("2025-03-03") + pd.Timedelta(days=d)
        begin = day + pd.Timedelta(start + ":00")
        rows.append(
            {
                "agent": agent,
                "days": "",
                "day": day,
                "shift": shift,
                "start": begin,
                "end": begin + pd.Timedelta(hours=hours),
                "breaks": "",
                "paid_hours": hours,
            }
        )
    return rows


def _agents() -> pd.DataFrame:
    """Three tours: 1 early Mon-Fri, 2 late Wed-Sun, 3 early Mon-Tue and Fri-Sun."""
    return pd.DataFrame(
        _tour(1, "early", [0, 1, 2, 3, 4], "07:00")
        + _tour(2, "late", [2, 3, 4, 5, 6], "14:00")
        + _tour(3, "early", [0, 1, 4, 5, 6], "07:00")
    )


def test_people_table_reads_cells_and_names_bad_rows() -> None:
    t = pd.DataFrame(
        {
            "Name": ["Ann", "Bo"],
            "unavailable": ["Sat; Mon-Tue 16:00-24:00", ""],
            "prefer_start": ["07:00", "06:00-09:00"],
            "weekends_off": ["2", "no"],
        }
    )
    ann, bo = people_table(t)
    assert ann.unavailable == ((5, 0.0, 86400.0), (0, 57600.0, 86400.0), (1, 57600.0, 86400.0))
    assert ann.prefer_start == (25200.0, 25200.0) and ann.weekends_off == 2
    assert bo.weekends_off == 0 and bo.row == 3
    with pytest.raises(InputError, match=r"column 'unavailable': 1 row \(row 3\) 'Funday'"):
        people_table(t.assign(unavailable=["", "Funday"]))
    with pytest.raises(InputError, match=r"column 'name': 1 row \(row 3\) repeated names"):
        people_table(t.assign(Name=["Ann", "Ann"]))
    with pytest.raises(InputError, match="unknown columns team"):
        people_table(t.assign(team=["a", "b"]))


def test_assignment_honours_availability_and_balances_wishes() -> None:
    """Worked by hand: Ann cannot work weekends, so she must take tour 1 (the only one
    without Sat or Sun). Bo wants late starts (14:00-15:00): tour 2, 0 hours off. Cy,
    no wishes, takes tour 3. Dee's contract (part) fits no tour: left without one."""
    people = [
        Person("Ann", unavailable=((5, 0.0, 86400.0), (6, 0.0, 86400.0))),
        Person("Bo", prefer_start=(50400.0, 54000.0)),
        Person("Cy"),
        Person("Dee", contract="part"),
    ]
    families = [ShiftFamily("early", (25200.0,), 28800.0), ShiftFamily("late", (50400.0,), 28800.0)]
    got = assign_people(_agents(), people, families)
    names = got.agents.groupby("agent")["name"].first().to_dict()
    assert names == {1: "Ann", 2: "Bo", 3: "Cy"}
    assert got.idle == ("Dee",)
    bo = got.people.set_index("name").loc["Bo"]
    assert bo["start_hours_off"] == 0.0 and bo["weekends_off"] == 0


def test_squared_wishes_share_the_disappointment() -> None:
    """Two people both wishing 07:00 starts, tours starting 07:00 (tour 1) and 14:00
    (tour 2, 5 shifts x 7 hours off = 35 h): whoever gets tour 2 carries it all. With a
    third tour at 10:00 (5 x 3 = 15 h off) and Ann also happy at 10:00, squared costs
    give Ann tour 3 and Bo tour 1 (0 + 0), never 35 h to one person."""
    agents = pd.DataFrame(
        _tour(1, "a", [0, 1, 2, 3, 4], "07:00")
        + _tour(2, "a", [0, 1, 2, 3, 4], "14:00")
        + _tour(3, "a", [0, 1, 2, 3, 4], "10:00")
    )
    people = [
        Person("Ann", prefer_start=(25200.0, 36000.0)),
        Person("Bo", prefer_start=(25200.0, 25200.0)),
        Person("Cy"),
    ]
    got = assign_people(agents, people, [ShiftFamily("a", (25200.0,), 28800.0)])
    names = got.agents.groupby("agent")["name"].first().to_dict()
    assert names == {1: "Bo", 2: "Cy", 3: "Ann"}


def test_a_tour_no_one_can_take_is_named() -> None:
    """Everyone is off on Sunday: tours 2 and 3 work Sunday, so they cannot be filled; the
    message names them, the rule and the rows."""
    people = [Person(n, unavailable=((6, 0.0, 86400.0),), row=r) for n, r in (("A", 2), ("B", 3))]
    people.append(Person("C", row=4))
    with pytest.raises(StaffingError) as info:
        assign_people(_agents(), people, [])
    text = str(info.value)
    assert "1 tour cannot be given to anyone (3 people for 3 tours)" in text
    assert "`unavailable` rules out 2 rows (rows 2, 3)" in text
    assert "\n" not in text


def _week(per_day: list[int]) -> pd.DataFrame:
    starts = pd.date_range("2025-03-03 09:00", periods=8, freq="1h")
    return pd.DataFrame(
        [
            {"interval_start": t + pd.Timedelta(days=d), "agents": float(n)}
            for d, n in enumerate(per_day)
            for t in starts
        ]
    )


FAM = pd.DataFrame({"shift": ["d"], "start": ["09:00"], "length": ["8h"]})


def test_schedule_gives_tours_to_named_people() -> None:
    """Three tours of 5 days cover 3,3,3,3,3,0,0 (Mon-Fri): Sat/Sun unavailable people fit;
    the fourth person is named as without a tour; --agents rows carry the names."""
    people = pd.DataFrame(
        {
            "name": ["Ann", "Bo", "Cy", "Dee"],
            "unavailable": ["Sat; Sun", "Sun", "", ""],
            "weekends_off": ["yes", "", "", ""],
        }
    )
    s = schedule(_week([3, 3, 3, 3, 3, 0, 0]), FAM, days_off=2, people=people, gap=0.0)
    assert list(s.agents.columns[:2]) == ["agent", "name"]
    assert s.agents["name"].nunique() == 3
    assert any("without a tour: " in n for n in s.notes)
    assert (s.agents["day"].dt.day_of_week < 5).all()


def test_command_people_agents_and_plot(tmp_path) -> None:
    _week([2, 2, 2, 2, 2, 1, 1]).to_csv(tmp_path / "plan.csv", index=False)
    FAM.to_csv(tmp_path / "shifts.csv", index=False)
    pd.DataFrame(
        {"Agent": ["Ann", "Bo", "Cy", "Dee"], "unavailable": ["Sat; Sun", "", "", ""]}
    ).to_csv(tmp_path / "people.csv", index=False)
    args = [
        "schedule",
        str(tmp_path / "plan.csv"),
        "--shifts",
        str(tmp_path / "shifts.csv"),
        "--people",
        str(tmp_path / "people.csv"),
        "--people-column",
        "name=Agent",
    ]
    r = CliRunner().invoke(
        main,
        [
            *args,
            "--days-off",
            "2",
            "--agents",
            str(tmp_path / "agents.csv"),
            "--plot",
            str(tmp_path / "s.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    agents = pd.read_csv(tmp_path / "agents.csv")
    assert set(agents["name"]) <= {"Ann", "Bo", "Cy", "Dee"}
    ann = agents[agents["name"] == "Ann"]
    assert (pd.to_datetime(ann["day"]).dt.day_of_week < 5).all()
    assert (tmp_path / "s.png").stat().st_size > 10_000
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "--people needs --days-off" in r.output
