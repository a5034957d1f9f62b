# %% [markdown]
# # 03 · Knee over the ankle or past the toes?
#
# **The question:** "never let the front knee go past the toes" is one of the best-known
# lunge cues. If the knee travels forward, does the knee really work harder — and what
# happens to the hip and to the pressure behind the kneecap (PFJ)?
#
# **How we answer:** the front knee stays bent at 90° and travels from 25 cm behind the toe
# tip (the shin tilted slightly back) to 5 cm in front of it; −0.20 m is the knee straight
# above the ankle, the coaches' "knee over the ankle". With the knee angle fixed, moving the
# knee forward tilts the shin *and* the thigh: the hip moves forward and up and the step gets
# shorter — as in the published lunge studies, where "knee past the toes" came with a short
# step. We then compare with three published studies, and find the condition under which
# "knee past the toes loads the knee more" is true.
#
# **Assumptions behind every number:** 75 kg, 1.75 m man (de Leva 1996); front knee 90°,
# trunk 10° forward, back knee 90°, back foot on its ball at 50°, 60 % of the front foot's
# load on the heel (unless stated); no external load; quasi-static; PFJ stress with the quartic
# contact-area fit. The horizontal push of the feet is unknown to statics: every result is
# shown for five heights *z* where the two foot forces meet (`vertical` = no horizontal push,
# `z = 2 m`, `z = 1 m`, `COM (default)` ≈ 0.6 m, `z = 0.4 m`). Moments: N·m, + = extensor.

# %%
import lungelab as ll
from lungelab import studies, viz
from lungelab import viz_studies as vs
from IPython.display import Markdown, display

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))

# %% [markdown]
# ## 1. Moving the knee forward at the same knee bend

# %%
travel = studies.knee_travel_sweep(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    travel, "knee_past_toes_m",
    ["front_knee_moment_nm", "front_hip_moment_nm", "pfj_stress_mpa"],
    color="grf_convergence", legend_title="where the foot forces meet",
    labels={"knee_past_toes_m": "knee past the toe tip (m, − = behind)"},
    title="Front knee travel at 90° knee bend: knee, hip and kneecap",
    subtitle="−0.20 m = knee over the ankle; trunk 10°, back knee 90°, 60 % of the front "
             "foot's load on the heel").show()

# %% [markdown]
# Three knee positions side by side. The weight split and the step length are geometry and
# vertical balance, the same under every assumption: with the knee at the toes the step is
# 41 cm shorter and the front foot carries 75 % of the weight instead of 58 %.

# %%
studies.knee_travel_table(model).round(2)

# %%
# NBVAL_IGNORE_OUTPUT
viz.stick_figure(studies.pick(travel, knee_past_toes_m=-0.2, grf_convergence="COM (default)"),
                 title="Knee over the ankle (knee 0.20 m behind the toe tip)").show()

# %%
# NBVAL_IGNORE_OUTPUT
viz.stick_figure(studies.pick(travel, knee_past_toes_m=0.0, grf_convergence="COM (default)"),
                 title="Knee at the toes: shorter step, hip forward and higher").show()

# %% [markdown]
# ## 2. What the studies found, and what the model says
# Published findings on knee travel (from the project's reference sheet):

# %%
display(Markdown(studies.literature_markdown("knee_travel")))

# %% [markdown]
# The model's version of Fry's comparison, restricted = knee over the ankle, free = knee at
# the toes; `knee_change_pct` is the restricted knee moment relative to the free one (Fry:
# −22 %), `hip_ratio` the restricted hip-extensor moment divided by the free one (Fry: ×10.7;
# NaN where the free hip moment is not a real extensor moment). **Trunk fixed** at 10°, the
# back foot takes up the shift of weight:

# %%
studies.knee_travel_effect(model).round(1)

# %% [markdown]
# In Fry's squat the feet cannot share the weight differently, so holding the knees back
# forced the trunk to lean. The same in the lunge: **weight split held** at 58 % front / 60 %
# heel, the trunk lean that keeps it is solved — the restricted knee needs 24° more forward
# lean than the free one:

# %%
studies.knee_travel_effect(model, hold_balance=True).round(1)

# %% [markdown]
# * **Direction:** for convergence heights from 1 m up to vertical forces the model agrees
#   with all three studies — restricting the knee lowers the knee moment and the PFJ stress
#   (Escamilla, Zellmer) and raises the hip moment (Fry): ×1.9-2.1 with the trunk fixed,
#   ×2.8-4.4 when the trunk must lean.
# * **Size:** the knee effect is bigger than Fry's −22 % for those assumptions (−35 to
#   −106 % across the two tables), and much smaller (−9 %, or −2 % with the weight split held) if each foot
#   pushes toward the centre of mass. Fry's ×10 hip effect came from a hip moment that was
#   almost zero in the free squat (28 ± 65 N·m): ratios of small numbers are fragile, and
#   the model reproduces the direction, not the ×10.
# * **Reversal:** with a low convergence point (z = 0.4 m) the knee moment is *higher* with
#   the knee over the ankle (+12 %).

# %% [markdown]
# ## 3. When does "knee past the toes loads the knee more" hold?
# The same two postures — knee over the ankle (restricted) and at the toes (free), trunk
# fixed — for every height where the two foot forces could meet:

# %%
crossover = studies.knee_travel_crossover(model)
print(f"crossover height: {crossover.attrs['crossover_height_m']:.2f} m")

# %%
# NBVAL_IGNORE_OUTPUT
vs.lines_with_marks(
    crossover, "convergence_height_m", "front_knee_moment_nm", group="knee position",
    marks=[(crossover.attrs["crossover_height_m"], "crossover"),
           (studies.pick(travel, knee_past_toes_m=-0.2,
                         grf_convergence="COM (default)")["com_system_y_m"],
            "centre of mass (knee over the ankle)")],
    log_x=True, title="Front-knee moment vs where the foot forces meet",
    labels={"knee position": "knee"}).show()

# %% [markdown]
# Above about 0.48 m — which includes the default (each foot pushing toward the centre of
# mass, 0.60 m here), any higher meeting point and vertical forces — the knee at the toes
# has the larger knee moment. Below 0.48 m (feet pushing hard apart, forces crossing low)
# it is the other way round. Why: with the knee at 90° and the foot force aimed near the
# hip, the knee moment is roughly the front-foot force times the thigh's horizontal reach,
# wherever the knee is; only when the force is near vertical does its distance behind the
# knee — which knee travel increases — decide.

# %% [markdown]
# ## What this says
# * **Letting the knee travel past the toes does load the front knee more — under most
#   assumptions, not all, and by very different amounts.** Knee at the toes vs over the
#   ankle: +13 N·m (+10 %) knee moment and +2.7 MPa kneecap stress if each foot pushes
#   toward the centre of mass (default: 129 → 142 N·m, 26.8 → 29.5 MPa); with vertical foot
#   forces the knee goes from almost nothing (−4 N·m) to 100 N·m. If the foot forces meet
#   below about 0.48 m the effect reverses.
# * **The hip pays for the restriction.** Keeping the knee over the ankle roughly doubles
#   the front hip-extensor moment when the forces are near vertical (78 → 152 N·m), and
#   more if the trunk has to lean to keep the balance — the same trade-off Fry et al. found
#   in the squat, in the same direction but not with their ×10.
# * The direction agrees with Escamilla (short step / knee forward → more PFJ stress) and
#   Zellmer (knee past toes → more knee moment) for every convergence height above 0.48 m.
# * For a coach: the knee passing the toes is a choice to give the quadriceps and kneecap
#   more work and the hip less, not a danger line. Someone with kneecap pain may want the
#   knee back; someone training the quadriceps can let it travel — with a shorter step and
#   more load on the front foot (58 % → 75 %).
