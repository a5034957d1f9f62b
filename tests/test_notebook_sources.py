"""Every stored notebook is built from its source, executed, and free of errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_sources_and_notebooks_agree():
    proc = subprocess.run([sys.executable, str(NB_DIR / "build.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_source_has_a_notebook_and_back():
    srcs = {p.stem for p in (NB_DIR / "src").glob("[0-9][0-9]_*.py")}
    nbs = {p.stem for p in NOTEBOOKS}
    assert srcs == nbs
    assert "01_backward_lunge_model" in nbs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_with_outputs_small_and_without_errors(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), "not executed"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert outputs, "stored without outputs"
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # plot outputs must stay small: the whole notebook under 1.5 MB
    assert path.stat().st_size < 1_500_000, f"{path.name} is {path.stat().st_size} bytes"
    # each notebook opens with a question and closes with an answer in words
    first, last = nb["cells"][0], nb["cells"][-1]
    assert first["cell_type"] == "markdown" and last["cell_type"] == "markdown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_only_lungelab(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    allowed = ("lungelab", "IPython")
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            s = line.strip()
            if s.startswith(("import ", "from ")):
                mod = s.split()[1].split(".")[0]
                assert mod in allowed, f"{path.name}: notebook imports {mod!r}: {s}"
