"""Shared test helper: the OpenCap TRC/MOT recordings as flat DataFrames, read with
:mod:`lungelab.io` (so the processing tests also exercise the real readers).

``read_trc_frame`` gives columns ``Time`` and ``<marker>_X/_Y/_Z`` (m, OpenSim frame,
Y up); ``read_mot_frame`` gives ``time`` and every MOT column in the file's units.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lungelab import io


def read_trc_frame(path: Path) -> pd.DataFrame:
    trial = io.read(path)
    wide = trial.to_wide()
    out = {"Time": trial.time}
    for name in trial.point_names:
        for axis in "xyz":
            out[f"{name}_{axis.upper()}"] = wide[f"{name}_{axis}"].to_numpy()
    return pd.DataFrame(out)


def read_mot_frame(path: Path) -> pd.DataFrame:
    trial = io.read(path)
    out = {"time": trial.analog_time}
    out.update({name: trial.analog(name) for name in trial.analog_names})
    return pd.DataFrame(out)
