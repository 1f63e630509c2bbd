"""Every notebook in ``notebooks/`` runs top to bottom, and its figures show.

Each ``notebooks/*.ipynb`` is executed with nbclient in a fresh kernel, from the
``notebooks/`` directory (notebooks find sample data through ``staffing.data.sample_path``
and real data at ``../../shared/realdata`` or ``$STAFFING_REALDATA``). New notebooks are
picked up automatically. Notebooks are stored without outputs.

A notebook that runs cleanly is also written, with its outputs, to
``docs/_build/executed-notebooks/`` (the docs build renders that copy instead of running
the notebook a second time, when the copy is of the notebook as it is now; see
``docs/conf.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: Where executed copies go for the docs build (docs/conf.py reads the same place).
EXECUTED = NOTEBOOKS.parent / "docs" / "_build" / "executed-notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
#: Code that draws a figure: such a cell must leave an image in its outputs.
DRAWS = re.compile(r"plt\.|_figure\(|plot_\w+\(|\.plot\(")
REALDATA = Path(
    os.environ.get("STAFFING_REALDATA", NOTEBOOKS.parent.parent / "shared" / "realdata")
)

pytestmark = pytest.mark.slow


def test_there_are_notebooks() -> None:
    """The glob finds the notebooks (a moved directory must not pass silently)."""
    assert any(p.name == "01_erlang_basics.ipynb" for p in PATHS)


def _committed(path: Path) -> str:
    """The notebook as committed (``git show HEAD:...``), else as it is on disk: saving a
    notebook with its outputs changes the working copy, which the strip filter
    (``.gitattributes``, set up by ``make``) cleans when it is committed."""
    import subprocess

    root = NOTEBOOKS.parent
    try:
        done = subprocess.run(
            ["git", "show", f"HEAD:notebooks/{path.name}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return path.read_text(encoding="utf-8")
    return done.stdout


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    """Committed notebooks carry no outputs or execution counts."""
    nb = nbformat.reads(_committed(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


def test_notebooks_draw_inline() -> None:
    """Each notebook asks for the inline backend first, so its figures display when it is
    opened (and in the test below) whatever MPLBACKEND the machine sets."""
    for path in PATHS:
        nb = nbformat.read(path, as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert first.source.startswith("%matplotlib inline"), path.name


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path) -> None:
    """Execute every cell in order; any exception in a cell fails the test, and every cell
    that draws leaves a PNG image in its outputs (the reader sees the figure). Cells that
    draw only with the real data (``if REAL:``) are held to it only when it is there."""
    source = path.read_bytes()
    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    real = (REALDATA / "anonymous_bank_1999").exists()
    blank = [
        k
        for k, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and DRAWS.search(cell.source)
        and (real or "if REAL" not in cell.source)
        and not any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
    ]
    assert not blank, f"{path.name}: cells {blank} draw but show no figure"
    nb.metadata["staffing_source_sha256"] = hashlib.sha256(source).hexdigest()
    EXECUTED.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, EXECUTED / path.name)
