"""Make the sample weekly requirement for capacity planning: a year from July, two queues.

Run from the repository root (seeded, so the output is the same every time)::

    python data/make_capacity.py

Writes ``data/requirement.csv`` and ``staffing/data/requirement.csv`` (package data).
See ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260706
FIRST_WEEK = pd.Timestamp("2026-07-06")  # a Monday: the planning year runs July to June
WEEKS = 52
ROOT = Path(__file__).resolve().parent.parent

# productive FTE of an average week, and the growth over the year
BASE = {"service": 128.0, "sales": 72.0}
GROWTH = 0.04
# seasonal bumps: (week of the plan at the top, height as a share of the base, width
# [weeks]); week 0 is the first week of July, week 25 the last of December
BUMPS = {
    # quiet summers; pre-Christmas, then bills and returns in January
    "service": [(3.0, -0.10, 4.0), (23.0, 0.06, 2.5), (28.0, 0.14, 3.0), (51.0, -0.10, 4.0)],
    # quiet summers; Black Friday to Christmas; a spring campaign
    "sales": [(3.0, -0.15, 5.0), (22.0, 0.50, 2.5), (40.0, 0.12, 2.5), (52.0, -0.15, 5.0)],
}
NOISE = 0.015  # lognormal noise of a week's requirement


def make_requirement(rng: np.random.Generator) -> pd.DataFrame:
    week = np.arange(WEEKS)
    frames = []
    for queue, base in BASE.items():
        level = np.ones(WEEKS) + GROWTH * week / WEEKS
        for top, height, width in BUMPS[queue]:
            level += height * np.exp(-0.5 * ((week - top) / width) ** 2)
        fte = base * level * rng.lognormal(-0.5 * NOISE**2, NOISE, WEEKS)
        frames.append(
            pd.DataFrame(
                {
                    "week": (FIRST_WEEK + pd.to_timedelta(7 * week, unit="D")).strftime("%Y-%m-%d"),
                    "queue": queue,
                    "fte": np.round(fte, 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    requirement = make_requirement(np.random.default_rng(SEED))
    for folder in (ROOT / "data", ROOT / "staffing" / "data"):
        requirement.to_csv(folder / "requirement.csv", index=False)
    print(f"wrote requirement.csv: {len(requirement)} rows")


if __name__ == "__main__":
    main()
