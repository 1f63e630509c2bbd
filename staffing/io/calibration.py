"""``calibration.json``.

Read and written as a file here; its content is :mod:`staffing.calibration.schema`'s.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from staffing.errors import InputError
from staffing.io.tables import atomic_write

if TYPE_CHECKING:
    from staffing.calibration import CalibrationFitter

__all__ = ["calibration_text", "load_calibration", "write_calibration"]


def load_calibration(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``calibration.json`` written by ``staffing calibrate --out``.

    Returns
    -------
    dict
        The parsed file, checked by :func:`staffing.calibration.check_calibration`.

    Raises
    ------
    InputError
        Missing or unreadable file, not JSON, or no usable ``queues``.
    """
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a calibration JSON file ({exc})", source=source) from None
    from staffing.calibration import check_calibration  # scipy.stats: loaded when needed

    check_calibration(data, source=source)
    return dict(data)


def calibration_text(calibration: CalibrationFitter | Mapping[str, Any]) -> str:
    """The text of ``calibration.json``: indented JSON, no NaN."""
    data = calibration if isinstance(calibration, Mapping) else calibration.to_dict()
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def write_calibration(
    calibration: CalibrationFitter | Mapping[str, Any], path: str | os.PathLike[str]
) -> None:
    """Write a calibration as indented JSON, atomically (``"-"``: standard output)."""
    text = calibration_text(calibration)
    if os.fspath(path) == "-":
        sys.stdout.write(text)
        return
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
