"""``lungelab pose``: loads of one lunge posture, as a table or as JSON."""

from __future__ import annotations

import argparse
import json

from ..body import ExternalLoad, Subject
from ..errors import InputRangeError
from ..loads import JOINTS
from ..model import LungeModel
from ..posture import ANGLE_RANGES_DEG, LungePosture
from ._options import (
    add_assumption_arguments,
    add_subject_arguments,
    bounded_float,
    grf_convergence,
)

# kept under their old names for the other sub-commands
_float = bounded_float
_convergence = grf_convergence


def add_parser(sub) -> None:
    p = sub.add_parser(
        "pose", help="loads of one lunge posture",
        description="Quasi-static loads of one backward-lunge posture. Defaults: the "
        "good-form bodyweight lunge coaches teach (front knee 90 deg over the ankle, trunk "
        "10 deg, back knee 90 deg hovering, 60%% of the front foot's load on the heel).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_subject_arguments(p)
    r = ANGLE_RANGES_DEG
    p.add_argument("--front-knee", type=_float("--front-knee", *r["front_knee_flexion_deg"],
                                               "deg"), default=90.0,
                   help="front knee flexion, deg")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--shank-angle", type=_float("--shank-angle",
                                                *r["front_shank_angle_deg"], "deg"),
                   default=None, help="front shank forward tilt from vertical, deg "
                   "[default: 0, knee over the ankle]")
    g.add_argument("--knee-past-toes", type=_float("--knee-past-toes", -0.6, 0.6, "m"),
                   default=None, help="front knee in front of the toe tip, m (negative: "
                   "behind)")
    p.add_argument("--trunk-lean", type=_float("--trunk-lean", *r["trunk_lean_deg"], "deg"),
                   default=10.0, help="trunk forward lean from vertical, deg")
    p.add_argument("--rear-knee", type=_float("--rear-knee", *r["rear_knee_flexion_deg"],
                                              "deg"), default=90.0,
                   help="rear knee flexion, deg")
    p.add_argument("--rear-foot-angle", type=_float("--rear-foot-angle",
                                                    *r["rear_foot_angle_deg"], "deg"),
                   default=50.0, help="rear foot heel-ball line to the floor, deg")
    s = p.add_mutually_exclusive_group()
    s.add_argument("--front-share", type=_float("--front-share", 0, 1, ""), default=None,
                   help="share of the total vertical load on the front foot")
    s.add_argument("--front-heel-share", type=_float("--front-heel-share", 0, 1, ""),
                   default=None, help="share of the front foot's load on its heel "
                   "[default: 0.6]")
    p.add_argument("--load", type=_float("--load", 0, 300, "kg"), default=0.0,
                   help="external load, kg")
    p.add_argument("--load-at", choices=("hands", "shoulders"), default="hands")
    add_assumption_arguments(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def run(args) -> int:
    subject = Subject(mass_kg=args.mass, height_m=args.height, sex=args.sex)
    posture = LungePosture(front_knee_flexion_deg=args.front_knee,
                           front_shank_angle_deg=args.shank_angle,
                           knee_past_toes_m=args.knee_past_toes,
                           trunk_lean_deg=args.trunk_lean,
                           rear_knee_flexion_deg=args.rear_knee,
                           rear_foot_angle_deg=args.rear_foot_angle)
    model = LungeModel(subject, ExternalLoad(args.load, args.load_at),
                       grf_convergence=args.grf_convergence,
                       contact_area_model=args.contact_area)
    result = model.solve(posture, front_share=args.front_share,
                         front_heel_share=args.front_heel_share)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_table(result))
    return 0


def format_table(result) -> str:
    """Human-readable summary of a :class:`~lungelab.model.LungeResult`."""
    d = result.to_dict()
    i = d["inputs"]
    lines = [
        f"Backward lunge — {i['mass_kg']:g} kg, {i['height_m']:g} m, {i['sex']}; "
        f"load {i['load_kg']:g} kg at {i['load_at']}; GRF convergence: "
        f"{i['grf_convergence']}; PFJ area model: {i['contact_area_model']}",
        "",
        f"  balanced                  {'yes' if d['balanced'] else 'NO'}",
        f"  knee past toes            {d['knee_past_toes_m']:+.3f} m (negative = behind)",
        f"  rear knee height          {d['rear_knee_height_m']:.3f} m (joint centre)",
        f"  step length (ball-ball)   {d['step_length_m']:.3f} m",
    ]
    for w in d["warnings"]:
        lines.append(f"  ! {w}")
    lines += ["", "  joint angles (deg): " + ", ".join(
        f"{k} {v:.1f}" for k, v in d["joint_angles_deg"].items())]
    if d["balanced"]:
        lines += [
            "",
            f"  front foot {d['front_share']:.1%} of the load (heel {d['front_heel_share']:.1%},"
            f" toes {d['front_toes_share']:.1%}); rear foot {d['rear_share']:.1%}",
            f"  vertical GRF (N): front heel {d['grf_n']['front_heel']:.0f}, front toes "
            f"{d['grf_n']['front_toes']:.0f}, rear {d['grf_n']['rear']:.0f}",
            f"  horizontal GRF (N, + forward): front {d['grf_horizontal_n']['front']:+.0f}, "
            f"rear {d['grf_horizontal_n']['rear']:+.0f}",
            "",
            "  joint                 moment N·m   N·m/kg   (+ = extensor/plantarflexor)",
        ]
        for j in JOINTS:
            lines.append(f"  {j:<20}{d['moments_nm'][j]:>11.1f}{d['moments_nm_per_kg'][j]:>9.2f}")
        lines += [
            "",
            f"  quadriceps force   {d['quad_force_n']:.0f} N",
            f"  PFJ force          {d['pfj_force_n']:.0f} N",
            f"  PFJ stress         {d['pfj_stress_mpa']:.1f} MPa",
        ]
    return "\n".join(lines)


__all__ = ["add_parser", "run", "format_table", "InputRangeError"]
