"""Shared test set-up: the reference generator on the path, hypothesis profiles.

``tests/`` is not a package (pytest runs with ``--import-mode=importlib``), so the
high-precision reference module is made importable here as ``reference``.

hypothesis profiles: ``staffing`` (what ``make test`` runs), ``ci`` (the same examples,
derandomised, loaded when ``CI`` is set so that a rare draw cannot block a landing) and
``thorough`` (``pytest --hypothesis-profile=thorough`` for a longer search).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

settings.register_profile(
    "staffing",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("staffing"), max_examples=2000)
settings.register_profile(
    "ci", parent=settings.get_profile("staffing"), derandomize=True, database=None
)
settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "staffing"
)
