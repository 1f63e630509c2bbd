"""Sample data shipped with the package, so examples and notebooks run anywhere.

Each file is made by a seeded script in the repository's ``data/`` directory and described
in ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from staffing.errors import InputError

__all__ = ["sample_files", "sample_frame", "sample_path"]

_HERE = Path(__file__).resolve().parent


def sample_files() -> list[str]:
    """Names of the sample files shipped with the package.

    Examples
    --------
    >>> "forecast.csv" in sample_files()
    True
    """
    return sorted(p.name for p in _HERE.iterdir() if p.suffix in (".csv", ".json"))


def sample_path(name: str) -> Path:
    """Path of a sample file shipped as package data.

    Parameters
    ----------
    name : str
        File name, e.g. ``"forecast.csv"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        No sample of that name (the message lists those available).

    Examples
    --------
    >>> sample_path("forecast.csv").name
    'forecast.csv'
    """
    path = _HERE / name
    if not path.is_file() or path.name != name:
        raise InputError(f"no sample file {name!r}; available: {', '.join(sample_files())}")
    return path


def sample_frame(name: str) -> Any:
    """A sample CSV file as a pandas DataFrame, as the readers would hand it over.

    Columns keep the file's names and text (timestamps are parsed by the functions that
    take the table); ``attrs["source"]`` is the file name.

    Examples
    --------
    >>> sample_frame("forecast.csv").columns[:4].tolist()
    ['interval_start', 'queue', 'calls', 'aht_s']
    """
    import pandas as pd

    frame = pd.read_csv(sample_path(name), keep_default_na=False, na_values=[""])
    frame.attrs["source"] = name
    return frame
