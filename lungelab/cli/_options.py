"""Argument types and option groups shared by the sub-commands."""

from __future__ import annotations

import argparse
import math

__all__ = ["bounded_float", "grf_convergence", "add_subject_arguments",
           "add_assumption_arguments"]


def bounded_float(option: str, lo: float, hi: float, unit: str):
    """argparse type: a finite number in [lo, hi], with a one-line error naming ``option``."""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option}={text!r}: expected a number in [{lo}, {hi}] {unit}") from None
        if not math.isfinite(v) or not lo <= v <= hi:
            raise argparse.ArgumentTypeError(
                f"{option}={text}: expected a number in [{lo}, {hi}] {unit}")
        return v
    return parse


def grf_convergence(text: str):
    """argparse type for ``--grf-convergence``: 'com', 'vertical' or a height in m."""
    if text in ("com", "vertical"):
        return text
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not (math.isfinite(v) and 0.05 <= v <= 20.0):
        raise argparse.ArgumentTypeError(
            f"--grf-convergence={text}: expected 'com', 'vertical' or a height in "
            "[0.05, 20] m")
    return v


def add_subject_arguments(p: argparse.ArgumentParser) -> None:
    """``--mass``, ``--height``, ``--sex``."""
    p.add_argument("--mass", type=bounded_float("--mass", 20, 300, "kg"), default=75.0,
                   help="body mass, kg")
    p.add_argument("--height", type=bounded_float("--height", 1.0, 2.3, "m"), default=1.75,
                   help="standing height, m")
    p.add_argument("--sex", choices=("male", "female"), default="male")


def add_assumption_arguments(p: argparse.ArgumentParser) -> None:
    """``--grf-convergence`` and ``--contact-area``."""
    p.add_argument("--grf-convergence", type=grf_convergence, default="com",
                   help="where the foot forces meet: com, vertical or a height in m")
    p.add_argument("--contact-area", choices=("quartic", "besier2005"), default="quartic",
                   help="patellofemoral contact-area model")
