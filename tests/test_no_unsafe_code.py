"""No code in lungelab evaluates text or unpickles data (AST scan, not grep).

Every ``.py`` file under ``lungelab/`` is parsed and walked.  Forbidden:

* ``eval(...)``, ``exec(...)``, the built-in ``compile(...)``, and ``eval``/``exec``
  reached through ``getattr`` or as a method (``pd.eval``, ``df.eval``,
  ``builtins.exec``);
* SymPy's string parsers: ``sympify(...)`` / ``S(...)`` on anything but a number
  literal, ``parse_expr(...)`` always;
* pickle-based loading: importing ``pickle``, ``cPickle``, ``_pickle``, ``dill``,
  ``shelve`` or ``cloudpickle``; ``joblib.load``; ``pandas.read_pickle`` (any
  ``.read_pickle(...)``); any call with ``allow_pickle`` not literally ``False``
  (``np.load(..., allow_pickle=True)``);
* ``yaml.load`` / ``yaml.load_all`` without ``Loader=SafeLoader`` (or ``CSafeLoader``);
  ``yaml.unsafe_load`` and ``yaml.full_load`` always.

Names are resolved through the file's imports, so ``from sympy import sympify as s``
followed by ``s(text)`` is caught, while ``re.compile`` is not ``compile``.

One exception is whitelisted by file *and* function: ``lungelab/compiled.py``,
``_module_from_source``, which ``exec``-s (after ``compile``) the NumPy source that
lungelab's own code generator printed from lungelab's own SymPy expressions — no user
text reaches it.  The whitelist must keep matching real code (a stale entry fails), and
the self-tests at the bottom prove that the scanner catches each pattern in synthetic
sources.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lungelab"

ALLOWED: dict[tuple[str, str], set[str]] = {
    # Runs the module text printed by lungelab.compiled._function_source from our own
    # SymPy expressions (lungelab.posture/loads), used only when the stored
    # _generated/lunge_chain.py is stale.  No user input can reach it.
    ("lungelab/compiled.py", "_module_from_source"): {"exec", "compile"},
}
"""(file relative to the repository, qualified function) -> allowed finding kinds."""

PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "shelve", "cloudpickle"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader"}


@dataclass(frozen=True)
class Finding:
    """One unsafe construct: where it is and what it is."""

    path: str
    line: int
    function: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function or '<module>'}: {self.detail}"


def _is_number_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


class _Scanner(ast.NodeVisitor):
    """Collect :class:`Finding` objects for one module."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.aliases: dict[str, str] = {}   # local name -> dotted origin
        self.stack: list[str] = []
        self.findings: list[Finding] = []

    # -- bookkeeping ------------------------------------------------------------------
    def _add(self, node: ast.AST, kind: str, detail: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0),
                                     ".".join(self.stack), kind, detail))

    def _scoped(self, node) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else \
                a.name.split(".")[0]
            if a.name.split(".")[0] in PICKLE_MODULES:
                self._add(node, "pickle", f"import {a.name}")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        for a in node.names:
            self.aliases[a.asname or a.name] = f"{mod}.{a.name}" if mod else a.name
        if mod.split(".")[0] in PICKLE_MODULES:
            self._add(node, "pickle", f"from {mod} import ...")
        self.generic_visit(node)

    def _dotted(self, node: ast.AST) -> str | None:
        """Dotted name of a call target, resolved through the imports, or None."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else f"?.{node.attr}"
        return None

    # -- the rules -----------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = self._dotted(node.func) or ""
        last = name.rsplit(".", 1)[-1]
        is_bare = isinstance(node.func, ast.Name)
        args = node.args
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}

        if name in ("eval", "exec", "builtins.eval", "builtins.exec"):
            self._add(node, last, f"{last}(...)")
        elif name in ("compile", "builtins.compile") and (is_bare or name.startswith("builtins")):
            self._add(node, "compile", "built-in compile(...)")
        elif isinstance(node.func, ast.Attribute) and last in ("eval", "exec"):
            self._add(node, last, f"{name}(...) evaluates an expression string")
        elif name == "getattr" and len(args) >= 2 and isinstance(args[1], ast.Constant) \
                and args[1].value in ("eval", "exec", "compile"):
            self._add(node, str(args[1].value), f"getattr(..., {args[1].value!r})")

        if last == "parse_expr":
            self._add(node, "parse_expr", f"{name}(...) parses a string")
        elif last == "sympify" or name in ("sympy.S", "sympy.core.S") or \
                (last == "S" and name.split(".")[0] in ("sympy", "sp")):
            if not (len(args) == 1 and not kwargs and _is_number_literal(args[0])):
                self._add(node, "sympify", f"{name}(...) on a non-number (may parse a string)")

        if name in ("joblib.load",) or (last == "load" and name.split(".")[0] == "joblib"):
            self._add(node, "pickle", "joblib.load(...)")
        if last == "read_pickle":
            self._add(node, "pickle", f"{name}(...)")
        if name.split(".")[0] in PICKLE_MODULES:
            self._add(node, "pickle", f"{name}(...)")
        if name in ("__import__", "importlib.import_module") and args and \
                isinstance(args[0], ast.Constant) and \
                str(args[0].value).split(".")[0] in PICKLE_MODULES:
            self._add(node, "pickle", f"{name}({args[0].value!r})")
        if "allow_pickle" in kwargs:
            v = kwargs["allow_pickle"]
            if not (isinstance(v, ast.Constant) and v.value is False):
                self._add(node, "pickle", f"{name}(..., allow_pickle=<not False>)")

        if name.split(".")[0] == "yaml":
            if last in ("unsafe_load", "full_load", "unsafe_load_all", "full_load_all"):
                self._add(node, "yaml", f"{name}(...)")
            elif last in ("load", "load_all"):
                loader = kwargs.get("Loader", args[1] if len(args) > 1 else None)
                lname = (self._dotted(loader) or "") if loader is not None else ""
                if lname.rsplit(".", 1)[-1] not in SAFE_YAML_LOADERS:
                    self._add(node, "yaml", f"{name}(...) without SafeLoader")
        self.generic_visit(node)


def scan_source(source: str, path: str = "<string>") -> list[Finding]:
    """All unsafe constructs in ``source`` (before applying the whitelist)."""
    scanner = _Scanner(path)
    scanner.visit(ast.parse(source, filename=path))
    return scanner.findings


def is_allowed(f: Finding) -> bool:
    """Whether the whitelist covers this finding (same file, same function, same kind)."""
    return f.kind in ALLOWED.get((f.path, f.function), set())


def package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def scan_package() -> list[Finding]:
    out: list[Finding] = []
    for p in package_files():
        out += scan_source(p.read_text(encoding="utf-8"), p.relative_to(ROOT).as_posix())
    return out


# ---------------------------------------------------------------------------------------
# the package
# ---------------------------------------------------------------------------------------
def test_package_has_python_files():
    files = package_files()
    assert len(files) > 10 and PACKAGE / "compiled.py" in files


def test_no_unsafe_code_in_lungelab():
    bad = [f for f in scan_package() if not is_allowed(f)]
    assert not bad, "unsafe code in lungelab:\n" + "\n".join(map(str, bad))


def test_whitelist_is_not_stale():
    """Every whitelisted (file, function, kind) still matches real code, and nothing more."""
    found = {(f.path, f.function, f.kind) for f in scan_package() if is_allowed(f)}
    expected = {(path, fn, kind) for (path, fn), kinds in ALLOWED.items() for kind in kinds}
    assert found == expected


# ---------------------------------------------------------------------------------------
# self-tests: the scanner catches each pattern in a synthetic source
# ---------------------------------------------------------------------------------------
CAUGHT = {
    "eval": "x = eval(text)",
    "exec": "exec(code, {})",
    "builtin compile": "c = compile(text, 'f', 'exec')",
    "builtins.exec": "import builtins\nbuiltins.exec(text)",
    "getattr eval": "import builtins\ngetattr(builtins, 'eval')(text)",
    "pandas eval": "import pandas as pd\npd.eval('a + b')",
    "DataFrame.eval": "def f(df):\n    return df.eval('a + b')",
    "sympify string": "import sympy as sp\ne = sp.sympify('x**2')",
    "sympify variable": "from sympy import sympify\ndef f(t):\n    return sympify(t)",
    "sympify aliased": "from sympy import sympify as s\ne = s('x')",
    "sympy.S string": "import sympy\ne = sympy.S('x + 1')",
    "S from sympy": "from sympy import S\ne = S('x')",
    "sp.S f-string": "import sympy as sp\ndef f(n):\n    return sp.S(f'x{n}')",
    "parse_expr": "from sympy.parsing.sympy_parser import parse_expr\nparse_expr('x')",
    "parse_expr qualified": "import sympy.parsing.sympy_parser as p\np.parse_expr('x')",
    "import pickle": "import pickle",
    "pickle.loads": "import pickle as pk\npk.loads(b'')",
    "from pickle": "from pickle import loads",
    "dill": "import dill",
    "import_module pickle": "import importlib\nm = importlib.import_module('pickle')",
    "__import__ dill": "m = __import__('dill')",
    "shelve": "import shelve",
    "joblib.load": "import joblib\nm = joblib.load('m.pkl')",
    "from joblib import load": "from joblib import load\nm = load('m.pkl')",
    "np.load allow_pickle": "import numpy as np\na = np.load('a.npy', allow_pickle=True)",
    "np.load allow_pickle var": ("import numpy as np\ndef f(p, ok):\n"
                                 "    np.load(p, allow_pickle=ok)"),
    "pd.read_pickle": "import pandas as pd\ndf = pd.read_pickle('a.pkl')",
    "yaml.load bare": "import yaml\nd = yaml.load(text)",
    "yaml.load FullLoader": "import yaml\nd = yaml.load(text, Loader=yaml.FullLoader)",
    "yaml.load positional Loader": "import yaml\nd = yaml.load(text, yaml.Loader)",
    "yaml.unsafe_load": "import yaml\nd = yaml.unsafe_load(text)",
    "yaml.full_load": "import yaml\nd = yaml.full_load(text)",
    "yaml.load_all": "import yaml\nd = list(yaml.load_all(text))",
}

CLEAN = {
    "re.compile": "import re\nP = re.compile(r'x')",
    "sympy numbers": "import sympy as sp\nh = sp.S(1) / 2 + sp.sympify(3) + sp.S(-2.5)",
    "S attributes": "from sympy import S\nz = S.Zero + S.Half",
    "evalf": "import sympy as sp\nv = sp.pi.evalf(30)",
    "np.load default": "import numpy as np\na = np.load('a.npy')",
    "np.load no pickle": "import numpy as np\na = np.load('a.npy', allow_pickle=False)",
    "yaml safe": "import yaml\nd = yaml.safe_load(text)",
    "yaml SafeLoader": "import yaml\nd = yaml.load(text, Loader=yaml.SafeLoader)",
    "yaml CSafeLoader positional": "from yaml import CSafeLoader, load\nd = load(t, CSafeLoader)",
    "json": "import json\nd = json.loads(text)",
    "evaluate method": "def f(model):\n    return model.evaluate(90.0)",
    "ast.literal_eval": "import ast\nv = ast.literal_eval('1')",
}


@pytest.mark.parametrize("label", sorted(CAUGHT))
def test_scanner_catches(label):
    findings = scan_source(CAUGHT[label])
    assert findings, f"the scanner missed: {label}"


@pytest.mark.parametrize("label", sorted(CLEAN))
def test_scanner_leaves_safe_code_alone(label):
    assert scan_source(CLEAN[label]) == []


def test_whitelist_is_bound_to_file_and_function():
    """The compiled.py exec is allowed only there: same code elsewhere is a finding."""
    src = ("def _module_from_source(src):\n    ns = {}\n"
           "    exec(compile(src, '<g>', 'exec'), ns)\n    return ns\n"
           "def other(src):\n    exec(src)\n")
    at_home = scan_source(src, "lungelab/compiled.py")
    assert [f.function for f in at_home if not is_allowed(f)] == ["other"]
    elsewhere = scan_source(src, "lungelab/model.py")
    assert len([f for f in elsewhere if not is_allowed(f)]) == 3


def test_adding_an_eval_to_a_real_module_fails(tmp_path):
    """End to end: a copy of a real module with one eval() added is reported."""
    text = (PACKAGE / "model.py").read_text(encoding="utf-8")
    assert not [f for f in scan_source(text, "lungelab/model.py") if not is_allowed(f)]
    tampered = text + "\n\ndef _sneaky(expr):\n    return eval(expr)\n"
    bad = [f for f in scan_source(tampered, "lungelab/model.py") if not is_allowed(f)]
    assert [(f.function, f.kind) for f in bad] == [("_sneaky", "eval")]
