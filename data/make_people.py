"""Make the sample team: 160 named people for the sample week's weekly tours.

Run from the repository root (seeded, so the output is the same every time)::

    python data/make_people.py

Writes ``data/people.csv`` and ``staffing/data/people.csv`` (package data), read by
``staffing schedule --people`` (see ``staffing.scheduling.people``). See ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20250303
ROOT = Path(__file__).resolve().parent.parent
FIRST = [
    "Ada", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gita", "Hugo", "Iris", "Jon",
    "Kira", "Liam", "Maya", "Nils", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess",
]  # fmt: skip
LAST = ["Adler", "Baptiste", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Holm"]


def team(n: int = 160) -> pd.DataFrame:
    """``n`` people: a third on the part-time contract, a fifth with a day or evening
    they cannot work, start-time bands and weekend wishes for some."""
    rng = np.random.default_rng(SEED)
    names = [f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]}" for i in range(n)]
    contract = np.where(np.arange(n) % 3 == 2, "part", "")
    unavailable = rng.choice(
        ["", "Sat; Sun", "Sun", "Wed", "Mon-Fri 18:00-24:00"], n, p=[0.8, 0.06, 0.06, 0.04, 0.04]
    )
    prefer = rng.choice(
        ["", "06:00-09:00", "09:30-12:00", "12:00-14:00"], n, p=[0.4, 0.3, 0.2, 0.1]
    )
    weekends = rng.choice(["", "yes"], n, p=[0.75, 0.25])
    return pd.DataFrame(
        {
            "name": names,
            "contract": contract,
            "unavailable": unavailable,
            "prefer_start": prefer,
            "weekends_off": weekends,
        }
    )


def main() -> None:
    table = team()
    for folder in (ROOT / "data", ROOT / "staffing" / "data"):
        table.to_csv(folder / "people.csv", index=False)
    print(f"wrote data/people.csv and staffing/data/people.csv ({len(table)} people)")


if __name__ == "__main__":
    main()
