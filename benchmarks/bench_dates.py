"""Benchmark: reading a million timestamps as a careful analyst would.

Run from the repository root::

    .venv/bin/python benchmarks/bench_dates.py

Prints the CPU time (so other work on a shared machine does not count) of
:func:`staffing.frames.parse_timestamps` on one million ISO timestamps and one million
day-first ones (``04/03/2025 08:15``, which it must recognise as day-first from the
unambiguous rows), the rows per second, and the ratio to the reference: pandas'
``to_datetime`` with the format given, the floor of any reader that is told the format.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from staffing.frames.dates import parse_timestamps
from staffing.frames.values import DataWarning

ROWS = 1_000_000


def _cpu(function, *args, **kwargs) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.process_time()
    out = function(*args, **kwargs)
    return time.process_time() - start, out


def main() -> None:
    stamps = pd.date_range("2020-01-01", periods=ROWS, freq="15min")
    iso = pd.Series(np.datetime_as_string(stamps.to_numpy(), unit="m"), dtype="str")
    iso = iso.str.replace("T", " ", regex=False)
    piece = iso.str.slice
    uk = piece(8, 10) + "/" + piece(5, 7) + "/" + piece(0, 4) + piece(10, 16)
    for name, text, fmt in (("ISO", iso, "%Y-%m-%d %H:%M"), ("day-first", uk, "%d/%m/%Y %H:%M")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            ours, got = _cpu(parse_timestamps, text, column="t", source="bench")
        floor, _ = _cpu(pd.to_datetime, text, format=fmt)
        assert (np.asarray(got) == np.asarray(stamps, dtype="datetime64[ns]")).all()
        print(
            f"{name:>9}: {ROWS:,} rows in {ours:.2f} s CPU ({ROWS / ours / 1e6:.2f} M rows/s); "
            f"pandas with the format given {floor:.2f} s; ratio {ours / floor:.2f}"
        )


if __name__ == "__main__":
    main()
