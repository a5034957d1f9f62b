"""Build the notebooks from their plain-text sources and store them with outputs.

Each notebook ``notebooks/NN_name.ipynb`` is written from ``notebooks/src/NN_name.py``
(percent format: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell
whose lines start with ``# ``), executed top to bottom with nbclient and saved with
its outputs, so a reader sees results without running anything and nbval can compare
them in CI.

Usage::

    .venv/bin/python notebooks/build.py            # build and execute all
    .venv/bin/python notebooks/build.py 01 03      # only those numbers
    .venv/bin/python notebooks/build.py --check    # sources and notebooks agree?
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"


def parse_source(text: str) -> list[tuple[str, str]]:
    """Split percent-format text into ``(cell_type, source)`` pairs."""
    cells: list[tuple[str, list[str]]] = []
    kind, lines = None, []
    for line in text.splitlines():
        if line.startswith("# %%"):
            if kind is not None:
                cells.append((kind, lines))
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
            continue
        if kind is None:
            continue  # module docstring / header before the first cell
        if kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        else:
            lines.append(line)
    if kind is not None:
        cells.append((kind, lines))
    out = []
    for kind, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        out.append((kind, "\n".join(lines)))
    return out


def make_notebook(src: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, text in parse_source(src.read_text(encoding="utf-8")):
        cell = (nbformat.v4.new_markdown_cell(text) if kind == "markdown"
                else nbformat.v4.new_code_cell(text))
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{src.stem[:2]}-{i:03d}"
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}},
                            store_widget_state=False)
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def write_atomic(nb: nbformat.NotebookNode, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def check(sources: list[Path]) -> list[str]:
    """Names of notebooks whose cells differ from their source (or are missing)."""
    bad = []
    for src in sources:
        ipynb = HERE / (src.stem + ".ipynb")
        if not ipynb.exists():
            bad.append(f"{ipynb.name}: missing")
            continue
        stored = nbformat.read(ipynb, as_version=4)
        want = parse_source(src.read_text(encoding="utf-8"))
        got = [(c.cell_type, c.source) for c in stored.cells]
        if want != got:
            bad.append(f"{ipynb.name}: cells differ from src/{src.name}")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("numbers", nargs="*", help="notebook numbers to build, e.g. 01 03")
    ap.add_argument("--check", action="store_true", help="only compare sources and notebooks")
    args = ap.parse_args(argv)
    sources = sorted(SRC.glob("[0-9][0-9]_*.py"))
    if args.numbers:
        sources = [s for s in sources if s.name[:2] in args.numbers]
    if args.check:
        bad = check(sources)
        for b in bad:
            print(b)
        return 1 if bad else 0
    os.environ.setdefault("PLOTLY_RENDERER", "plotly_mimetype")
    for src in sources:
        print(f"building {src.stem}.ipynb ...", flush=True)
        nb = execute(make_notebook(src))
        write_atomic(nb, HERE / (src.stem + ".ipynb"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
