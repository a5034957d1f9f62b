# %% [markdown]
# # 09 · A recorded set, rep by rep
#
# **The question:** a client has done a set of backward lunges in the lab (or in front of a
# pose-tracking camera). How many reps per leg did they do, how deep, how upright, did the
# knee stay over the ankle, did the back knee hover, and how hard did the front knee and hip
# work on each rep?
#
# lungelab reads the file (C3D, OpenSim TRC/MOT, or its CSV schema), finds the repetitions,
# runs inverse dynamics on each leg that stands on a force plate, and checks each coaching
# tip as a rule with its measured value. We walk through one **SYNTHETIC** trial made by
# lungelab's own generator (so we know what is true), then a **real** recording.

# %%
from lungelab import datasets, form, pipeline, viz

# %% [markdown]
# ## 1. What data come with lungelab
# Synthetic lunges for three subjects in six backward-lunge styles plus forward lunges
# (labelled synthetic everywhere; `data/README.md` documents every column), and real
# recordings from public sources (each with its licence in `SOURCE.md`).

# %%
datasets.list_datasets()[["kind", "movement", "variant", "subject_id", "mass_kg", "height_m",
                          "reps_right", "reps_left"]]

# %% [markdown]
# ## 2. One set of good-form backward lunges (SYNTHETIC, subject S01)
# The pipeline finds the reps from the hip height, tells the working (front) leg from the
# foot positions, and computes each leg's joint moments from the force plates.

# %%
trial = datasets.load("S01_backward_good")
reps, summary, series = pipeline.analyze_trial(trial, return_series=True)
summary["reps_per_leg"]

# %% [markdown]
# The movement and the forces over time: hip height (the reps are the dips), front-leg knee
# angle and the vertical force under each foot. Grey bands are the repetitions found.

# %%
# NBVAL_IGNORE_OUTPUT
viz.recording_figure(series, reps, [["hip_height_m"],
                                    ["right_knee_flexion_deg", "left_knee_flexion_deg"],
                                    ["right_grf_vertical_n", "left_grf_vertical_n"]],
                     title="S01 backward lunges (SYNTHETIC): movement and foot forces").show()

# %% [markdown]
# ### The form table, one row per rep
# Depth is the front-knee flexion at the bottom (`knee_flexion_deg`); knee travel is the front knee's distance in
# front of the toes (negative = behind); back-knee height is its joint centre above the floor.

# %%
cols = ["leg", "rep", "knee_flexion_deg", "rear_knee_flexion_deg", "knee_past_toes_m",
        "trunk_lean_deg", "rear_knee_height_m", "descent_s", "ascent_s", "heel_share",
        "leg_share", "peak_knee_extensor_moment_nm", "peak_pfj_stress_mpa",
        "peak_hip_extensor_moment_nm"]
reps[[c for c in cols if c in reps.columns]].round(2)

# %% [markdown]
# ### The coaching tips as rules
# Every tip is a rule with an adjustable range (`lungelab.form.DEFAULT_RULES`); the table
# says how many reps passed and the median measured value.

# %%
form.summary_table(summary["session"])[["tip", "range", "checked", "passed",
                                        "median_value"]].round(2)

# %% [markdown]
# Joint moments and kneecap stress over time for both legs (extensor positive). The knee
# works hardest near the bottom of each rep on the leg that is in front. The short spikes
# when the stepping foot lands or lifts off come from how the generator times the step
# (a fast shift of the load between the feet), not from the bottom posture: read the
# plateau at the bottom, not the spikes.

# %%
# NBVAL_IGNORE_OUTPUT
viz.recording_figure(series, reps, [["right_knee_moment_nm", "left_knee_moment_nm"],
                                    ["right_hip_moment_nm", "left_hip_moment_nm"],
                                    ["right_pfj_stress_mpa", "left_pfj_stress_mpa"]],
                     title="S01 (SYNTHETIC): joint moments and kneecap stress").show()

# %% [markdown]
# ## 3. The same subject letting the knee travel past the toes
# The rule "knee over the ankle, not past the toes" should now fail, and the table shows by
# how much.

# %%
reps_kpt, summary_kpt = pipeline.analyze_trial(datasets.load("S01_backward_knee_past_toes"))
form.summary_table(summary_kpt["session"])[["tip", "checked", "passed",
                                            "median_value"]].round(2)

# %% [markdown]
# ## 4. A real recording: bodyweight squats with one force plate per foot
# The closest real movement to a lunge we have (OpenCap validation data, subject 4). The
# report says which lunge rules do not apply to a squat, and still gives depth, tempo and
# moments for each leg.

# %%
real_trial = datasets.load("opencap-squats1")
reps_sq, summary_sq, series_sq = pipeline.analyze_trial(real_trial, return_series=True)
reps_sq[["leg", "rep", "knee_flexion_deg", "descent_s", "ascent_s", "leg_share",
         "peak_knee_extensor_moment_nm", "peak_pfj_stress_mpa",
         "peak_hip_extensor_moment_nm"]].round(1)

# %%
summary_sq["not_applicable"]

# %%
# NBVAL_IGNORE_OUTPUT
viz.recording_figure(series_sq, reps_sq,
                     [["hip_height_m"], ["right_knee_moment_nm", "left_knee_moment_nm"],
                      ["right_pfj_stress_mpa", "left_pfj_stress_mpa"]],
                     title="Real squats (OpenCap subject 4): depth, knee moment, PFJ "
                           "stress").show()

# %% [markdown]
# ## What this says
# * From one file the pipeline counts the reps per leg, measures each rep's depth, knee
#   travel, trunk lean, back-knee height and tempo, and checks each coaching tip as a rule
#   with its value — the tables above are what `lungelab analyze FILE` prints.
# * On the synthetic good-form set the rules pass; in the knee-past-the-toes set the knee
#   rule fails, as it should — these data were made by lungelab's own model, so they test
#   the pipeline, not the body.
# * On the real squats the front/rear-leg rules do not apply and the report says so; the
#   knee moments and kneecap stresses it gives are computed with the same inverse dynamics
#   that was checked against OpenSim's (see `docs/validation_inverse_dynamics.md`).
# * Joint moments and kneecap stress need force plates; with markers only, the report gives
#   the geometry and the tempo and says what it cannot compute.
