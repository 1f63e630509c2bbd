"""Opening hours: one grammar in the vocabulary, the same in every command and function.

Before this module's grammar, ``schedule --open`` and ``plan --open`` read opening hours by
two grammars and three parsers: ``Mon-Fri 22:00-06:00`` and ``08:00-12:00,13:00-18:00``
were accepted by one and refused by the other. Each test below would fail on either of
the old parsers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from staffing.cli import main
from staffing.errors import StaffingError
from staffing.planner.deferred import open_intervals
from staffing.prepared import ChannelRules
from staffing.scheduling import open_slots
from staffing.vocabulary import OpeningHours

SPELLINGS = [
    "Mon-Fri 08:00-18:00; Sat 09:00-13:00",
    ["Mon-Fri 08:00-18:00", "Sat 09:00-13:00"],
    {"Mon-Fri": "08:00-18:00", "Sat": ("09:00", "13:00")},
    {
        0: (28800, 64800),
        1: "8:00-18:00",
        2: "08:00-18:00",
        3: "08:00-18:00",
        4: "08:00-18:00",
        5: (32400.0, 46800.0),
        "Sun": "closed",
    },
    "weekdays 08:00-18:00\nSat 09:00-13:00; Sun closed",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_reads_the_same(spelling: object) -> None:
    """Text, a list of texts, a mapping of weekday names or numbers to ranges or seconds."""
    hours = OpeningHours.parse(spelling)
    assert str(hours) == "Mon-Fri 08:00-18:00; Sat 09:00-13:00"


def test_past_midnight_and_split_days() -> None:
    """22:00-06:00 runs into the next day; several ranges join with a comma."""
    h = OpeningHours.parse("Fri 22:00-06:00; Mon 08:00-12:00,13:00-18:00")
    assert h is not None
    # Friday 23:00 and Saturday 05:00 open, Saturday 06:00 closed, Friday 21:00 closed
    wd = np.array([4, 5, 5, 4, 0, 0, 0])
    t = np.array([23, 5, 6, 21, 11, 12.5, 17]) * 3600.0
    assert h.is_open(wd, t).tolist() == [True, True, False, False, True, False, True]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.integers(0, 95),
            st.integers(1, 95),
        ),
        min_size=1,
        max_size=7,
        unique_by=lambda x: x[0],
    )
)
def test_text_round_trip(days: list[tuple[int, int, int]]) -> None:
    """``parse(str(h)) == h``: the canonical text reads back to the same hours."""
    mapping = {}
    for day, start, length in days:
        a = start * 900
        b = (a + length * 900) % 86400
        if b == a:
            continue
        mapping[day] = (float(a), float(b if b else 86400))
    if not mapping:
        return
    h = OpeningHours.parse(mapping)
    assert h is not None
    assert OpeningHours.parse(str(h)) == h


@given(st.integers(0, 6), st.floats(0, 86399), st.integers(0, 95), st.integers(1, 95))
def test_is_open_against_brute_force(weekday: int, t: float, start: int, length: int) -> None:
    """Open iff the moment lies in a range counted from its own day or the day before."""
    a = start * 900.0
    b = a + length * 900.0
    mapping = {d: (a, b % 86400 if b != 86400 else 86400.0) for d in (weekday, (weekday - 1) % 7)}
    if mapping[weekday][1] == a:
        return
    h = OpeningHours.parse(mapping)
    assert h is not None
    expected = (a <= t < b) or (a <= t + 86400 < b)
    assert bool(h.is_open(np.array([weekday]), np.array([t]))[0]) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon-Fri", "give hours after the days"),
        ("Mon-Fri 08:00", "not a time range"),
        ("Mon-Fry 08:00-18:00", "Mon-Fry"),
        ("Mon 08:00-08:00", "opens and closes at the same time"),
        ("Mon-Fri 08:00-18:00; Fri 08:00-12:00", "Fri is given twice"),
        ("Mon 25:00-26:00", "not a time of day"),
    ],
)
def test_bad_hours_one_line(text: str, message: str) -> None:
    with pytest.raises(StaffingError, match=message):
        OpeningHours.parse(text)


def test_every_consumer_takes_the_same_text() -> None:
    """The deferred planner, the schedule's slots and the channel rules agree, night
    hours and split days included (each was refused by one of the old parsers)."""
    text = "Mon-Fri 22:00-06:00; Sat 08:00-12:00,13:00-18:00"
    starts = pd.date_range("2025-03-03 00:00", periods=7 * 24, freq="h")  # Mon 3 March
    flags = open_intervals(starts, text)
    slots = open_slots(text, np.datetime64("2025-03-03"), 7, 3600)[24 : 24 + 7 * 24]
    np.testing.assert_array_equal(flags, slots)
    assert str(ChannelRules(open_hours=text).open_hours) == text
    # Monday 00:00-06:00 is Sunday night's: Sunday is closed, so Monday starts closed
    assert not flags[0] and flags[22] and flags[24 + 5] and not flags[24 + 6]


@pytest.mark.parametrize("bad", ["Mon-Fri", "Mon-Fri 8-"])
def test_commands_refuse_alike(bad: str, tmp_path: object) -> None:
    """``plan --open`` and ``schedule --open`` give the same one line for the same text."""
    runner = CliRunner()
    from staffing.data import sample_path

    plan = runner.invoke(
        main,
        [
            "plan",
            str(sample_path("channels.csv")),
            "--target",
            "80/20",
            "--open",
            bad,
            "--out",
            "-",
        ],
    )
    schedule = runner.invoke(
        main,
        [
            "schedule",
            str(sample_path("forecast.csv")),
            "--shifts",
            str(sample_path("shifts.csv")),
            "--open",
            bad,
        ],
    )
    assert plan.exit_code == 2 and schedule.exit_code == 2
    for result in (plan, schedule):
        assert len(result.stderr.strip().splitlines()) == 1
    assert ("give hours after the days" in plan.stderr) == (
        "give hours after the days" in schedule.stderr
    )
