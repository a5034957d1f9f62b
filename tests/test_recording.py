"""The recorded-set figure and the pipeline's time series (notebook 09)."""

from __future__ import annotations

import numpy as np
import pytest

from lungelab import datasets, pipeline, viz


@pytest.fixture(scope="module")
def analysed():
    return pipeline.analyze_trial(datasets.load("S01_backward_good"), return_series=True)


def test_series_columns_units_and_time(analysed):
    reps, summary, series = analysed
    assert series.index.name == "time_s"
    assert np.all(np.diff(series.index.to_numpy()) > 0)
    for side in ("right", "left"):
        for c in ("knee_flexion_deg", "grf_vertical_n", "knee_moment_nm", "hip_moment_nm",
                  "pfj_stress_mpa"):
            assert f"{side}_{c}" in series.columns
    # the per-rep peak equals the maximum of the series over that rep (same numbers)
    r = reps.iloc[0]
    span = series.loc[r["t_start_s"]:r["t_end_s"], f"{r['leg']}_knee_moment_nm"]
    assert span.max() == pytest.approx(r["peak_knee_extensor_moment_nm"], rel=1e-9)
    # vertical force of both feet averages the body weight over the whole trial (statics)
    total = series["right_grf_vertical_n"] + series["left_grf_vertical_n"]
    mass = summary["subject"]["mass_kg"]
    assert total.mean() == pytest.approx(mass * 9.80665, rel=0.02)


def test_without_series_two_values(analysed):
    out = pipeline.analyze_trial(datasets.load("S01_backward_good"))
    assert len(out) == 2


def test_recording_figure_traces_axes_and_bands(analysed):
    reps, _, series = analysed
    panels = [["hip_height_m"], ["right_knee_moment_nm", "left_knee_moment_nm"]]
    fig = viz.recording_figure(series, reps, panels, max_points=500)
    assert [t.name for t in fig.data] == ["hip_height_m", "right_knee_moment_nm",
                                          "left_knee_moment_nm"]
    assert len(fig.data[0].x) <= 500 + 1
    assert np.allclose(fig.data[1].y, series["right_knee_moment_nm"].to_numpy()[
        ::int(np.ceil(len(series) / 500))])
    assert "(m)" in fig.layout.yaxis.title.text
    assert "N·m" in fig.layout.yaxis2.title.text
    assert fig.layout.xaxis2.title.text == "time (s)"
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(bands) == len(reps) * len(panels)   # one band per repetition and panel
