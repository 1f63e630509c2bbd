"""Scalar / ndarray / Series in, the same kind out: kept in one place.

The queueing core never imports pandas. A pandas Series is recognised by duck typing
(it has ``index`` and ``to_numpy``) and rebuilt with its own class, so the index survives
the round trip without this package depending on pandas. Several Series must share one
index: values are paired by position, so differently indexed Series are refused rather
than silently mismatched. Results carry no name (they are not the input they came from).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from staffing.errors import StaffingError

__all__ = ["broadcast", "wrap"]


def _is_series(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "to_numpy") and getattr(obj, "ndim", 0) == 1


def broadcast(*args: Any) -> tuple[list[np.ndarray], Any]:
    """Turn each argument into a float ndarray and broadcast them together.

    Returns the broadcast arrays and a *template* describing the kind of result to give
    back: ``None`` for scalars, the first Series met (for its index), or ``"array"``.
    ``None`` arguments are passed through as ``None``.
    """
    template: Any = None
    arrays: list[Any] = []
    for arg in args:
        if arg is None:
            arrays.append(None)
            continue
        if _is_series(arg):
            if template is None or isinstance(template, str):
                template = arg
            elif not template.index.equals(arg.index):
                raise StaffingError(
                    "Series arguments have different indexes; align them first "
                    "(e.g. with DataFrame columns)"
                )
            arrays.append(np.asarray(arg.to_numpy(dtype=float, na_value=np.nan), dtype=float))
        else:
            arr = np.asarray(arg, dtype=float)
            if arr.ndim > 0 and template is None:
                template = "array"
            arrays.append(arr)
    present = [a for a in arrays if a is not None]
    shaped = np.broadcast_arrays(*present) if present else []
    it = iter(shaped)
    out = [None if a is None else np.asarray(next(it), dtype=float) for a in arrays]
    return out, template  # type: ignore[return-value]


def wrap(values: np.ndarray, template: Any, *, integer: bool = False) -> Any:
    """Give ``values`` back in the kind described by ``template`` (see :func:`broadcast`)."""
    if integer:
        values = np.asarray(values).astype(np.int64)
    if template is None:
        item = np.asarray(values).reshape(-1)[0] if np.size(values) == 1 else values
        if np.ndim(values) == 0 or np.size(values) == 1:
            return int(item) if integer else float(item)
        return values
    if isinstance(template, str):
        return values
    return type(template)(values, index=template.index)
