"""The public "Anonymous Bank" call-centre log (Israel, 1999) as call records.

The log (Guedj and Mandelbaum 2000) has one tab-separated line per call with the fields
``vru+line, call_id, customer_id, priority, type, date, vru_entry, vru_exit, vru_time,
q_start, q_exit, q_time, outcome, ser_start, ser_exit, ser_time, server``, one file per
month. Brown et al. (2005) analyse the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.calibration.history import DEFAULT_QUEUE, RECORD_COLUMNS
from staffing.errors import InputError
from staffing.frames import require_columns

__all__ = ["BANK_CALL_TYPES", "BANK_FIELDS", "BANK_MONTHS", "bank_records"]

#: Service types documented for the log: regular (PS), regular in English (PE), internet
#: (IN), stock exchange (NE), prospective customers (NW), call-backs put on hold (TT).
BANK_CALL_TYPES = ("PS", "PE", "IN", "NE", "NW", "TT")
#: File names of the monthly logs, in calendar order.
BANK_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: Fields of the log the records are made from.
BANK_FIELDS: tuple[str, ...] = (
    "type",
    "priority",
    "date",
    "vru_entry",
    "vru_exit",
    "q_start",
    "q_time",
    "outcome",
    "ser_time",
    "server",
)


def _clock(text: pd.Series) -> np.ndarray:
    """``"H:MM:SS"`` as seconds after midnight."""
    parts = text.astype(str).str.strip().str.split(":", expand=True).astype(float)
    return (parts[0] * 3600 + parts[1] * 60 + parts[2]).to_numpy()


def _customer_ids(values: pd.Series) -> np.ndarray:
    """Customer ids as text (``58704610``, also when read as a number); 0 is missing."""
    if pd.api.types.is_numeric_dtype(values):
        number = values.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(number) & (number != 0)
        text = np.where(ok, number, 0).astype(np.int64).astype(str).astype(object)
        text[~ok] = None
        return np.asarray(text, dtype=object)
    text = values.astype(str).str.strip().to_numpy(dtype=object)
    text[np.isin(text.astype(str), ["", "0", "nan", "None"]) | values.isna().to_numpy()] = None
    return np.asarray(text, dtype=object)


def bank_records(raw: pd.DataFrame, *, queue: str | None = "type") -> pd.DataFrame:
    """The Anonymous Bank call log (its own columns) as call records.

    Parameters
    ----------
    raw : DataFrame
        One or more monthly logs as read (:func:`staffing.io.read_bank_log` reads the
        files); ``attrs["source"]`` names them.
    queue : {"type", None}, default "type"
        ``"type"``: one queue per service type (PS, PE, IN, NE, NW, TT); ``None``: all calls
        in one queue (``"all"``), as the agents serve every type but internet.

    Returns
    -------
    DataFrame
        Call records with the columns of :data:`~staffing.calibration.RECORD_COLUMNS`
        (``arrival``, ``queue``, ``wait_s``, ``outcome``, ``handle_s``, ``agent``) plus
        ``type`` and ``priority``, and ``caller_id`` when the log has ``customer_id``
        (``0``, an unidentified caller, is missing); ``attrs["source"]`` names the file(s) and
        ``attrs["dropped"]`` counts the calls left out, by reason.

    Notes
    -----
    Turning the log into records:

    * ``PHANTOM`` calls ("virtual calls to be ignored", per the documentation) are dropped.
    * ``HANG`` with ``q_time = 0`` never waited in the queue (the caller left in the VRU, or
      at the instant of queueing): dropped. ``HANG`` with ``q_time > 0`` is an abandon
      after ``q_time`` seconds.
    * ``AGENT`` is an answered call; its wait is ``q_time`` (0 when it went straight from
      the VRU to an agent, ``q_start = 0:00:00``).
    * ``arrival`` is the date plus ``q_start`` (or ``vru_exit`` for calls that did not
      queue), moved to the next day when the clock passed midnight after ``vru_entry``.
    * ``handle_s`` is ``ser_time``; ``agent`` is ``server`` (``NO_SERVER`` on an answered
      call, which the log has for some short calls, leaves the agent unknown).
    * Calls of a type the documentation does not list are dropped.

    References
    ----------
    .. [1] I. Guedj and A. Mandelbaum, "Anonymous Bank call-center data", documentation,
       Technion, 2000.
    .. [2] L. Brown et al., "Statistical analysis of a telephone call center: a
       queueing-science perspective", JASA 100(469), 2005, 36-50.
       doi:10.1198/016214504000001808
    """
    if queue not in ("type", None):
        raise InputError(f"`queue` must be 'type' or None, not {queue!r}")
    source = str(raw.attrs.get("source", "bank log"))
    require_columns(raw, list(BANK_FIELDS), source=source)

    outcome = raw["outcome"].astype(str).str.strip().str.upper()
    call_type = raw["type"].astype(str).str.strip().str.upper()
    q_time = pd.to_numeric(raw["q_time"], errors="coerce").to_numpy(dtype=float)
    phantom = (outcome == "PHANTOM").to_numpy()
    vru_hang = ((outcome == "HANG") & ~(q_time > 0)).to_numpy()
    unknown_type = ~call_type.isin(BANK_CALL_TYPES).to_numpy()
    unknown_outcome = ~outcome.isin(["AGENT", "HANG", "PHANTOM"]).to_numpy()
    keep = ~(phantom | vru_hang | unknown_type | unknown_outcome) & np.isfinite(q_time)
    dropped = {
        "phantom": int(phantom.sum()),
        "left before queueing": int((vru_hang & ~phantom).sum()),
        "undocumented type": int((unknown_type & ~phantom & ~vru_hang).sum()),
    }
    r = raw[keep]
    day = pd.to_datetime(r["date"].astype(str).str.strip().str.zfill(6), format="%y%m%d")
    entry = _clock(r["vru_entry"])
    queued = _clock(r["q_start"])
    exit_vru = _clock(r["vru_exit"])
    start = np.where(queued > 0, queued, exit_vru)
    start = np.where(start + 60 < entry, start + 86400, start)  # passed midnight
    arrival = day + pd.to_timedelta(start, unit="s")
    answered = (outcome[keep] == "AGENT").to_numpy()
    server = r["server"].astype(str).str.strip()
    agent = server.where(answered & (server != "NO_SERVER").to_numpy(), None)
    out = pd.DataFrame(
        {
            "arrival": arrival.to_numpy(),
            "queue": call_type[keep].to_numpy() if queue == "type" else DEFAULT_QUEUE,
            "wait_s": q_time[keep],
            "outcome": np.where(answered, "answered", "abandoned"),
            "handle_s": np.where(
                answered, pd.to_numeric(r["ser_time"], errors="coerce").to_numpy(float), np.nan
            ),
            "agent": agent.to_numpy(dtype=object),
            "type": call_type[keep].to_numpy(),
            "priority": pd.to_numeric(r["priority"], errors="coerce").to_numpy(),
        }
    )
    extra = ["type", "priority"]
    if "customer_id" in r.columns:
        out["caller_id"] = _customer_ids(r["customer_id"])
        extra.append("caller_id")
    out = out.sort_values("arrival", kind="stable").reset_index(drop=True)
    out = out[[*RECORD_COLUMNS, *extra]]
    out.attrs = {"source": source, "kind": "records", "dropped": dropped}
    return out
