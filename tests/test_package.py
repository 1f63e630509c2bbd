"""The package as users meet it: its version, its top-level names, its sample data."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import staffing
from staffing.data import sample_files, sample_path

REPO = Path(__file__).resolve().parents[1]


def test_version_comes_from_the_package_metadata() -> None:
    assert staffing.__version__ == importlib.metadata.version("staffing")


def test_every_public_name_resolves_and_is_listed() -> None:
    """``__all__`` and ``dir(staffing)`` hold the lazy names too, and each one loads."""
    listed = set(staffing.__all__)
    assert {"plan", "QueueModel", "FteRules", "CreditTerms", "read_forecast"} <= listed
    assert listed <= set(dir(staffing))
    for name in sorted(listed):
        assert getattr(staffing, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        staffing.nonsense  # noqa: B018


def test_type_checkers_see_the_lazy_names() -> None:
    """Each lazy name is also imported under ``TYPE_CHECKING``, so a type checker (and an
    editor) knows what ``staffing.plan`` is without running the package."""
    source = (REPO / "staffing" / "__init__.py").read_text()
    typed = source.split("if TYPE_CHECKING:")[1].split("try:")[0]
    lazy = source.split("_LAZY: dict[str, str] = {")[1].split("}")[0]
    names = [line.split('"')[1] for line in lazy.splitlines() if line.strip().startswith('"')]
    assert names and all(f" {n}," in typed or f" {n}\n" in typed for n in names), names


def test_packaged_sample_data_is_the_repository_data() -> None:
    """The sample files ship as package data and are byte-for-byte those in ``data/``
    (one generator writes both: data/make_*.py); a hand edit to one copy fails here."""
    shipped = {n for n in sample_files() if n.endswith(".csv")}
    user = {p.name for p in (REPO / "data").glob("*.csv")}
    assert shipped == user
    for name in sorted(shipped):
        assert sample_path(name).read_bytes() == (REPO / "data" / name).read_bytes(), name


def test_cli_help_lists_every_command_without_loading_pandas() -> None:
    """``staffing --help`` lists every command and stays quick: no pandas imported."""
    program = (
        "import sys; from click.testing import CliRunner; from staffing.cli import main; "
        "print(CliRunner().invoke(main, ['--help']).output); print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    text = out.stdout
    for command in ("erlang", "plan", "evaluate", "calibrate", "compare", "outsource", "credits"):
        assert f"  {command}" in text
    assert text.strip().endswith("False")
