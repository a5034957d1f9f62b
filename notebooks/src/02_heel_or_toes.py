# %% [markdown]
# # 02 · Front heel or toes?
#
# **The question:** coaches say "drive through the front heel — it protects the knee".
# Where the front foot's pressure sits, heel or toes: how does it change the share of the
# body weight the front leg carries, the work of the front ankle, knee and hip, and the
# pressure behind the kneecap (patellofemoral joint, PFJ)?
#
# **How we answer:** with the side-view model of notebook 01, at the bottom of the lunge.
# The heel's share *h* of the front foot's load is the one number that closes the vertical
# balance (three contacts, two equations). We vary it from 0 (everything on the ball of
# the foot) to 1 (everything on the heel) in three ways:
#
# 1. **the posture stays put** — then moving the pressure changes how the weight is shared
#    between the front and the back foot;
# 2. **the body adapts** so that the front foot keeps carrying the same share of the
#    weight: the centre of mass must move back over the new pressure point, either by
#    standing the **trunk** more upright or by bringing the **knee** back;
# 3. a **map** over heel share × knee travel.
#
# **Assumptions behind every number:** a 75 kg, 1.75 m man (de Leva 1996 segments); front
# knee at 90° straight above the ankle, trunk leaning 10° forward, back knee at 90°, back
# foot on its ball at 50° to the floor (unless a section changes one of them); no external
# load; quasi-static (accelerations neglected); PFJ stress with the quartic contact-area fit.
# The horizontal push of the feet cannot be found from statics, so every result is shown
# under five assumptions for the height *z* where the two foot forces meet: `vertical`
# (no horizontal push), `z = 2 m`, `z = 1 m`, `COM (default)` (each foot pushes toward the
# centre of mass, about 0.6 m up) and `z = 0.4 m`. Moments: net joint moments, N·m,
# **+ = extensor** (ankle: + = plantarflexor, the calf).

# %%
import lungelab as ll
from lungelab import studies, viz
from lungelab import viz_studies as vs

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))

# %% [markdown]
# ## 1. The posture stays put
# The same lunge, only the pressure under the front foot moves from the toes (left) to the
# heel (right).

# %%
fixed = studies.heel_share_sweep(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    fixed, "front_heel_share",
    ["front_ankle_moment_nm", "front_knee_moment_nm", "front_hip_moment_nm"],
    color="grf_convergence", legend_title="where the foot forces meet",
    labels={"front_heel_share": "heel share of front-foot load (0-1)"},
    title="Posture fixed: moving the front foot's pressure from toes to heel",
    subtitle="front knee 90° over the ankle, trunk 10°, back knee 90°; one line per "
             "assumption").show()

# %% [markdown]
# Under **every** assumption the line for the front knee rises: moving the pressure back
# to the heel puts the front foot's force further behind the knee, so the quadriceps must
# work harder. The ankle moment falls — with most of the load on the heel the calf has
# nothing to do and the shin muscles take over (negative values). The front foot also
# carries a little more of the body weight (its pressure point moves closer to the centre of
# mass): 54 % with the load on the toes, 61 % on the heel.

# %% [markdown]
# ## 2. The body adapts to keep the weight split
# A real athlete cued "into the heel" moves: the centre of mass must go back over the new
# pressure point. With the front foot carrying the same 58 % of the weight as in the default
# lunge, the model finds how far the trunk must straighten (**trunk adapts**) or how far the
# knee must come back (**knee travel adapts**) for each heel share. This part is geometry and
# vertical balance only, so it is the same under every assumption:

# %%
studies.heel_share_postures(model).round(3)

# %% [markdown]
# Toes-heavy (h = 0.2) needs about 23° of trunk lean or the knee 8 cm behind the toes;
# heel-heavy (h = 0.8) needs an almost upright trunk (3.5°) or the knee 27 cm behind the
# toes — the shin tilted 9° backwards. Beyond about 83 % on the heel the knee cannot come
# back any further: the back knee would have to go through the floor (the knee-travel lines
# below stop there). What that does to the front knee and the kneecap:

# %%
strategies = studies.heel_share_strategies(model, options=("com", "vertical"))

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    strategies, "heel", ["front_knee_moment_nm", "front_hip_moment_nm", "pfj_stress_mpa"],
    color="strategy", dash="grf_convergence",
    labels={"heel": "heel share of front-foot load (0-1)"},
    legend_title="strategy, assumption",
    title="Three ways to put the weight in the heel",
    subtitle="solid: each foot pushes toward the centre of mass (default); dashed: "
             "vertical foot forces").show()

# %% [markdown]
# Toes-heavy (h = 0.2) against heel-heavy (h = 0.8), every strategy and assumption; `change`
# is heel-heavy minus toes-heavy (N·m for moments, MPa for the PFJ stress):

# %%
studies.heel_share_table(model, heel_shares=(0.2, 0.8)).round(1)

# %% [markdown]
# Reading the table:
# * **Posture fixed** and **trunk adapts**: more heel means *more* front-knee moment under
#   all five assumptions (+12 to +50 N·m) and more PFJ stress (+3 to +9 MPa where there is
#   any); the front hip does less (except with a low convergence point, z = 0.4 m, in the
#   fixed posture).
# * **Knee travel adapts** is the only way the heel cue can unload the knee: bringing the knee
#   back moves the joint over the pressure point. Whether it does depends on the assumption
#   — with vertical foot forces the front knee moment drops by 26 N·m, at z = 1 m by 5 N·m,
#   but if each foot pushes toward the centre of mass (default) it *rises* by 39 N·m and the
#   PFJ stress by 8 MPa.
#
# One heel-heavy posture (h = 0.8, knee brought back) with the default assumption — the
# arrows are the floor's push on each foot:

# %%
# NBVAL_IGNORE_OUTPUT
viz.stick_figure(
    studies.pick(strategies, strategy="knee travel adapts", heel=0.8,
                 grf_convergence="COM (default)"),
    title="Heel-heavy front foot (80 % on the heel), knee brought back to keep the balance").show()

# %% [markdown]
# ## 3. Heel share × knee travel
# Each cell is one posture (front knee 90°, trunk 10°, back knee 90°): knee travel past the
# toe tip on the vertical axis (−0.20 m is the knee straight above the ankle), heel share on
# the horizontal axis. The colour is the front-knee moment; blank cells cannot balance with
# that heel share (the centre of mass would be in front of the front foot's pressure point,
# so the back foot would have to pull the floor).

# %%
heel_knee_com = studies.heel_knee_grid(model)
heel_knee_vertical = studies.heel_knee_grid(model.with_(grf_convergence="vertical"))

# %%
# NBVAL_IGNORE_OUTPUT
viz.heatmap(heel_knee_com, "front_heel_share", "knee_past_toes_m", "front_knee_moment_nm",
            hover=["front_share", "pfj_stress_mpa"],
            title="Front-knee moment, each foot pushing toward the centre of mass (default)"
            ).show()

# %%
# NBVAL_IGNORE_OUTPUT
viz.heatmap(heel_knee_vertical, "front_heel_share", "knee_past_toes_m",
            "front_knee_moment_nm", hover=["front_share", "pfj_stress_mpa"],
            title="Front-knee moment with vertical foot forces").show()

# %% [markdown]
# In both maps the knee moment grows to the right (more heel) at every knee position. Moving
# the knee forward (up) raises it steadily with vertical foot forces; with the default
# assumption it changes little while the knee stays behind the toes and rises once the knee
# passes them. Heel-heavy plus knee far forward cannot balance (blank cells, top right).

# %% [markdown]
# ## What this says
# * **"Weight in the heel protects the knee" is not what the mechanics say.** Holding the
#   posture, shifting the front foot's load from toes (20 % on the heel) to heel (80 %)
#   *raises* the front-knee moment under every assumption we tried — by 24 N·m (114 → 138
#   N·m, +21 %) with the default assumption — and the kneecap stress by 5 MPa (24 → 29 MPa,
#   quartic contact area). The same holds when the athlete straightens the trunk to get the
#   weight back.
# * The heel does take work **off the calf**: the ankle moment goes from about +14 N·m
#   (plantarflexor) to about −30 N·m (the shin muscles hold the foot down).
# * The cue can only unload the knee if it comes with **the knee moving back** over the
#   heel — and even then only if the feet push the floor almost straight down (vertical:
#   −26 N·m; z = 1 m: −5 N·m). If each foot pushes toward the centre of mass, the knee still
#   works more (+39 N·m). The model cannot tell which way real feet push; a force plate
#   under each foot can.
# * For a coach: "heel" is a balance and ankle cue, not a knee-protection cue. If the goal is
#   less work for the front knee, the posture (knee position, trunk lean — notebooks 03 and
#   04) matters more than where the pressure sits under the foot.
