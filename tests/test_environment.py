"""environment.yml (conda) and pyproject.toml (pip) must list the same dependencies."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*(?:;.*)?$")


def _split(req: str) -> tuple[str, str]:
    m = _REQ.match(req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs += extra
    return dict(_split(r) for r in reqs if "python_version" not in r)


def _environment() -> dict[str, str]:
    deps, inside = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        m = re.match(r"^\s*-\s*([^#\s][^#]*?)\s*(?:#.*)?$", line)
        if inside and m:
            name, spec = _split(m.group(1))
            if name not in ("python", "pip"):
                deps[name] = spec
    return deps


def test_same_packages_and_minimum_versions():
    py, env = _pyproject(), _environment()
    assert set(py) == set(env), (
        f"only in pyproject: {sorted(set(py) - set(env))}; "
        f"only in environment.yml: {sorted(set(env) - set(py))}")
    for name in py:
        assert py[name] == env[name], f"{name}: pyproject {py[name]!r} vs conda {env[name]!r}"


def test_python_minimum_agrees():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["requires-python"] == ">=3.10"
    assert "python>=3.10" in (ROOT / "environment.yml").read_text()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements/lock.txt: {line!r} is not an exact pin"
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_lock_pins_every_core_and_dev_dependency_within_pyproject_ranges():
    """CI installs with requirements/lock.txt as constraints (``make lock`` writes it):
    every package the test command needs must be pinned, inside pyproject's range."""
    from packaging.specifiers import SpecifierSet

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"]) + list(
        data["project"]["optional-dependencies"]["dev"])
    lock = _lock()
    for req in reqs:
        if "python_version" in req:
            continue
        name, spec = _split(req)
        name = name.split("[")[0]
        assert name in lock, f"{name} is not pinned in requirements/lock.txt (run make lock)"
        assert SpecifierSet(spec).contains(lock[name]), (
            f"{name}=={lock[name]} in the lock is outside pyproject's {spec!r}")
