"""The one target syntax: reading, canonical text, round trips and refusals."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing import (
    AbandonRate,
    Asa,
    Occupancy,
    ServiceLevel,
    TargetError,
    parse_targets,
    required_agents,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80/20", (ServiceLevel(0.8, 20.0),)),
        ("80%/20s", (ServiceLevel(0.8, 20.0),)),
        ("0.8/20", (ServiceLevel(0.8, 20.0),)),  # a bare number <= 1 is a fraction
        ("80 / 20", (ServiceLevel(0.8, 20.0),)),
        ("80/1min", (ServiceLevel(0.8, 60.0),)),
        ("99/300", (ServiceLevel(0.99, 300.0),)),
        ("90/10+99/300", (ServiceLevel(0.9, 10.0), ServiceLevel(0.99, 300.0))),
        ("80/20, abandon<=5%", (ServiceLevel(0.8, 20.0), AbandonRate(0.05))),
        ("80/20;asa<=20", (ServiceLevel(0.8, 20.0), Asa(20.0))),
        ("asa<=30", (Asa(30.0),)),
        ("ASA <= 30s", (Asa(30.0),)),
        ("asa<30", (Asa(30.0),)),
        ("asa<=0.5m", (Asa(30.0),)),
        ("abandon<=5%", (AbandonRate(0.05),)),
        ("abandon<=0.05", (AbandonRate(0.05),)),
        ("abandon<=5", (AbandonRate(0.05),)),  # a bare number above 1 is a percentage
        ("abandon_rate<=3%", (AbandonRate(0.03),)),
        ("occupancy<=85%", (Occupancy(0.85),)),
        ("occ<=0.85", (Occupancy(0.85),)),
        ("occupancy<=100%", (Occupancy(1.0),)),
    ],
)
def test_parse_targets(text: str, expected: tuple[object, ...]) -> None:
    """Each spelling a planner may type reads as the documented target objects."""
    assert parse_targets(text) == expected


def test_sequences_objects_and_duplicates() -> None:
    """Strings and objects mix in a sequence; repeats collapse, order is kept."""
    got = parse_targets(["80/20", Asa(15), "abandon<=5%+80/20"])
    assert got == (ServiceLevel(0.8, 20.0), Asa(15.0), AbandonRate(0.05))
    assert parse_targets(Occupancy(0.9)) == (Occupancy(0.9),)


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (ServiceLevel(0.8, 20), "80/20"),
        (ServiceLevel(0.995, 7.5), "99.5/7.5"),
        (Asa(30), "asa<=30"),
        (AbandonRate(0.05), "abandon<=5%"),
        (AbandonRate(0.025), "abandon<=2.5%"),
        (Occupancy(0.85), "occupancy<=85%"),
    ],
)
def test_canonical_text(target: object, text: str) -> None:
    """``str(target)`` is the canonical syntax, and it reads back as the same target."""
    assert str(target) == text
    assert parse_targets(text) == (target,)


percent = st.integers(1, 999).map(lambda k: k / 10)  # 0.1% ... 99.9% in steps of 0.1
seconds = st.integers(0, 3600)


@given(
    st.one_of(
        st.builds(lambda p, s: ServiceLevel(p / 100, float(s)), percent, seconds),
        st.builds(lambda s: Asa(float(s)), st.integers(1, 3600)),
        st.builds(lambda p: AbandonRate(p / 100), percent),
        st.builds(lambda p: Occupancy(p / 100), percent),
    )
)
def test_text_round_trip(target: ServiceLevel | Asa | AbandonRate | Occupancy) -> None:
    """parse(str(t)) gives t back (to rounding) and its text is a fixed point."""
    (back,) = parse_targets(str(target))
    assert type(back) is type(target)
    for field in dataclasses.fields(target):
        assert getattr(back, field.name) == pytest.approx(getattr(target, field.name), rel=1e-12)
    assert str(back) == str(target)


def test_targets_are_frozen_and_hashable() -> None:
    """Targets are values: immutable, hashable, equal by content."""
    t = ServiceLevel(0.8, 20.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.fraction = 0.9  # type: ignore[misc]
    assert len({t, ServiceLevel(0.8, 20.0), Asa(20.0)}) == 2


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("foo", "foo"),
        ("80/", "80/"),
        ("abandon>=5%", "abandon>=5%"),
        ("asa<=abc", "asa<=abc"),
        ("80/-5", "80/-5"),
        ("", ""),
        ("+", "+"),
        ("110/20", "110/20"),
        ("100/0", "100/0"),
        ("0/20", "0/20"),
        ("abandon<=0%", "abandon<=0%"),
        ("abandon<=100%", "abandon<=100%"),
        ("asa<=0", "asa<=0"),
        ("occupancy<=0", "occupancy<=0%"),
        ("occupancy<=120%", "occupancy<=120%"),
    ],
)
def test_bad_or_unreachable_targets_are_refused(text: str, named: str) -> None:
    """Unreadable targets and targets no staffing meets raise TargetError (a ValueError)
    whose message quotes the target."""
    with pytest.raises(TargetError) as info:
        parse_targets(text)
    assert isinstance(info.value, ValueError)
    assert named in str(info.value)


def test_not_a_target_and_no_target() -> None:
    """Other objects and empty lists are refused too."""
    with pytest.raises(TargetError, match="not a target"):
        parse_targets([5])  # type: ignore[list-item]
    with pytest.raises(TargetError, match="no target"):
        parse_targets([])


def test_every_target_kind_drives_the_solver() -> None:
    """Each kind changes the answer in the expected direction (100 calls, 180 s, 30 min,
    120 s patience): tighter targets never need fewer agents."""
    base = required_agents(100, 180, "80/20", patience_s=120)
    assert required_agents(100, 180, "90/20", patience_s=120) >= base
    assert required_agents(100, 180, ["80/20", "asa<=2"], patience_s=120) >= base
    assert required_agents(100, 180, ["80/20", "abandon<=0.5%"], patience_s=120) >= base
    assert required_agents(100, 180, ["80/20", "occupancy<=60%"], patience_s=120) >= 17
    assert required_agents(100, 180, ServiceLevel(0.8, 20.0), patience_s=120) == base
