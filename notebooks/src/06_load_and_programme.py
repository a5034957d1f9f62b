# %% [markdown]
# # 06 · Adding load, and what a programme adds up to
#
# **The question:** a lunge with dumbbells in the hands or a barbell on the shoulders — at the
# same mass, which one loads the knee and the hip more, and by how much compared with body
# weight? And over a typical programme of 2-3 sets of 8-12 reps per leg, how much knee and
# hip work does one leg accumulate?
#
# **How we answer:** the same posture (the default lunge) with 0, 10, 20 and 30 % of body
# mass added, held in the hands (two dumbbells hanging from straight arms) or on the
# shoulders (a barbell on the upper back); compared with Riemann et al. 2012. Then one
# repetition is followed in time — feet planted, the front knee bending from 60° to 90° and
# back — and its moment impulse is multiplied up to whole programmes.
#
# **Assumptions behind every number:** 75 kg, 1.75 m man (de Leva 1996); front knee 90° over
# the ankle, trunk 10° forward, back knee 90°, back foot on its ball at 50°, 60 % of the front
# foot's load on the heel; **the posture does not change with the load**; dumbbells hang
# straight below the shoulder, the barbell sits at the shoulder joint (a simplification: a
# real bar sits a few cm behind and above it); quasi-static; PFJ stress with the quartic
# contact-area fit. The horizontal push of the feet is unknown: results are shown for
# `vertical` foot forces, forces meeting at `z = 1 m`, and the default (`COM`: each foot
# pushing toward the centre of mass — of body *and* load). Moments: N·m, + = extensor.

# %%
import lungelab as ll
from lungelab import studies
from lungelab import viz_studies as vs
from IPython.display import Markdown, display

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))
assumptions = ("vertical", 1.0, "com")

# %% [markdown]
# ## 1. Dumbbells or barbell, 0-30 % of body mass

# %%
loads = studies.load_comparison(model, fractions=(0.0, 0.1, 0.2, 0.3),
                                placements=("hands", "shoulders"), options=assumptions)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    loads, "load_fraction",
    ["front_knee_moment_nm", "front_hip_moment_nm", "rear_knee_moment_nm"],
    color="grf_convergence", dash="placement", legend_title="assumption, load placement",
    title="Added load at a fixed posture: front knee, front hip, back knee",
    subtitle="solid: dumbbells in the hands; dashed: barbell on the shoulders (the lines "
             "coincide except under the COM assumption)").show()

# %% [markdown]
# From body weight to +30 % of body mass (22.5 kg), for each placement and assumption: each
# load at body weight and loaded (moments N·m, PFJ stress MPa), the change, and the change of
# its size in percent (blank where the body-weight value is under 10 N·m or 10 MPa, or the
# sign changes — a percentage of almost nothing means nothing):

# %%
studies.load_effect(
    loads, columns=("front_ankle_moment_nm", "front_knee_moment_nm", "front_hip_moment_nm",
                    "rear_knee_moment_nm", "pfj_stress_mpa")).round(1)

# %% [markdown]
# * **Dumbbells and barbell give the same numbers** under the vertical and z = 1 m
#   assumptions: in this model both loads sit on the same vertical line (through the
#   shoulder), and at a fixed posture only that line matters.
# * Under those assumptions every moment grows **roughly in proportion to the total weight**:
#   +30 % of body mass gives +29-31 % at the knees and +39-50 % at the front hip (the load
#   sits further forward of the hip than the body's own centre of mass does).
# * The two placements differ only under the **COM** assumption, and only because the load
#   moves the centre of mass — the point the foot forces aim at — down (dumbbells, −6 cm at
#   30 %) or up (barbell, +9 cm). Dumbbells then raise the front-knee moment by 46 % and
#   leave the hip about unchanged (−6 %); the barbell raises the knee by 12 % and the front hip from 18 to
#   61 N·m. That difference is a consequence of the assumption, not a measured fact.

# %%
display(Markdown(studies.literature_markdown("load")))

# %% [markdown]
# **Does the model agree with Riemann?** Only partly, and only under some assumptions. With
# vertical foot forces it reproduces the pattern — hip +39 %, knee unchanged — but only
# because the front-knee moment is almost zero with the shin vertical. With forces meeting at
# 1 m every joint scales alike (~+30 %); with the default COM assumption and dumbbells the
# knee gains most, the opposite of Riemann. At a **fixed posture** the model cannot produce
# "hip and ankle up, knee unchanged"; in a real loaded lunge people change their posture
# (trunk lean, step length — notebooks 03 and 04), which the model does not predict. Riemann
# also measured a dynamic forward lunge (moment impulse over the whole movement), the model
# a quasi-static backward lunge.

# %% [markdown]
# ## 2. One repetition in time
# Tempo assumption: 2 s down, 1 s pause at the bottom, 2 s up ("2-1-2"). The feet stay 1.02 m
# apart; the front knee bends from 60° to 90° and back and the back knee follows (45° → 90°).
# Stepping back and returning to standing are not modelled: this is the split-stance part of
# the rep only, so totals below are lower bounds for the whole exercise.

# %%
rep = studies.rep_profile(model, top_front_knee_deg=60.0, bottom_front_knee_deg=90.0,
                          tempo_s=(2.0, 1.0, 2.0), options=assumptions)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    rep, "time_s",
    ["front_knee_moment_nm", "front_hip_moment_nm", "rear_knee_moment_nm",
     "rear_hip_moment_nm"],
    color="grf_convergence", legend_title="where the foot forces meet",
    title="One body-weight repetition (tempo 2-1-2), split-stance part",
    subtitle="front knee 60° → 90° → 60°, feet planted").show()

# %% [markdown]
# Per repetition: the largest extensor moment (`peak`) and the extensor moment impulse
# (area under the positive part of each curve, N·m·s):

# %%
studies.rep_demand(rep).round(0)

# %% [markdown]
# The back leg is far from idle: its knee collects 340-530 N·m·s per rep — under the default
# assumption more than half of what the front knee collects (570 N·m·s); with vertical foot
# forces the front knee collects nothing and the back knee all of it.

# %% [markdown]
# ## 3. A programme: 2-3 sets of 8-12 reps per leg
# Each leg does its reps as the front leg and, while the other leg works, as many as the back
# leg. Per leg: knee-extensor and hip-extensor moment impulse, kN·m·s (front + back role),
# at body weight and with 20 % of body mass in dumbbells:

# %%
programme = studies.programme_demand(model, programmes=((2, 8), (3, 8), (2, 12), (3, 12)),
                                     load_fractions=(0.0, 0.2), placement="hands",
                                     options=assumptions)

# %%
studies.programme_table(programme, "knee_impulse_knms").round(1)

# %%
studies.programme_table(programme, "hip_impulse_knms").round(1)

# %%
# NBVAL_IGNORE_OUTPUT
vs.programme_bars(programme, "knee_impulse_knms",
                  y_title="knee-extensor impulse per leg (kN·m·s)",
                  title="Knee-extensor work per leg over a programme (front + back role)").show()

# %% [markdown]
# * The dose scales with the number of reps: 3×12 (36 reps per leg) is 2.25 times 2×8 (16
#   reps) — under every assumption, because every rep is the same.
# * Adding 20 % of body mass in dumbbells raises the knee dose by 20-24 % per rep
#   (vertical 20 %, z = 1 m 20 %, default 24 %): for the knee, **2×8 with dumbbells ≈ 2×10
#   at body weight** — load and volume trade roughly one for one.
# * How the dose splits between knee and hip depends on the assumption more than on the
#   programme: with vertical foot forces the hips collect more than the knees (27 vs 19
#   kN·m·s for 3×12), with the default assumption the knees collect seven times more than
#   the hips (33 vs 5 kN·m·s).

# %% [markdown]
# ## What this says
# * **At equal mass, dumbbells and barbell load the legs the same** in this model unless the
#   horizontal push of the feet depends on the height of the centre of mass (the default
#   assumption); then dumbbells favour the knee (+46 % at +30 % body mass) and the barbell the
#   hip. Treat that difference as unknown.
# * **Added load raises demand about in proportion to the total weight** at a fixed posture:
#   +30 % of body mass ≈ +30 % knee moment, +40-50 % front-hip moment (vertical and 1 m
#   assumptions). Riemann et al. 2012 found load raising hip and ankle demand with the knee
#   nearly unchanged; the model matches that only with vertical foot forces, where the front
#   knee has almost no moment anyway — it does not explain the finding, which probably needs
#   the posture changes people make under load.
# * **Programme:** per leg, 2×8 to 3×12 body-weight backward lunges accumulate roughly 8-33
#   kN·m·s of knee-extensor impulse (split-stance part, tempo 2-1-2; the range spans the
#   programmes and the assumptions); 20 % of body mass in the hands adds about a fifth.
#   Reps and load trade roughly one for one.
# * **A warning about the default assumption:** with each foot pushing toward the centre of
#   mass the front hip does very little (18 N·m at the bottom, 63 N·m·s per rep) — the
#   lunge looks knee-dominant, while the measured lunges of the reference sheet
#   (Riemann: hip > ankle > knee impulse) look hip-dominant. Vertical or high-meeting foot
#   forces agree better with them. Only force plates under each foot can settle it.
