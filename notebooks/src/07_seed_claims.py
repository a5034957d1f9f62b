# %% [markdown]
# # 07 · The seed claims checked
#
# **The question:** coaching articles teach the backward lunge with five form tips — *keep the
# front knee over the ankle*, *chest up*, *both knees at about 90°*, *let the back knee hover*,
# *weight in the front heel protects the knees* — and sell it with four benefits — *knee-friendly
# compared with forward lunges*, *strengthens glutes and hamstrings*, *stretches the hip
# flexors*, *improves balance*. For each one: what can the lunge model say, with what number
# and under which assumption, and what can it not say?
#
# **How we answer:** the form tips with the same study functions as notebooks 02-05 (so the
# numbers are theirs); the forward-vs-backward question with SYNTHETIC trials generated from
# this model; the benefits with the model's front-hip moment, back-hip angle and balance
# margin. Each claim ends in one of four verdicts: **supported**, **depends on assumption**,
# **not a mechanics question**, **contradicted**.
#
# **Assumptions behind every number:** a 75 kg, 1.75 m man (de Leva 1996) except in section 2
# (synthetic subject S01, 82 kg, 1.80 m); front knee 90° over the ankle, trunk 10° forward,
# back knee 90°, back foot on its ball at 50°, 60 % of the front foot's load on the heel, unless
# a table varies them; no external load; quasi-static (section 2 includes the motion); PFJ
# stress with the quartic contact-area fit. Statics cannot tell how hard the feet push
# horizontally, so loads are shown for five heights *z* where the two foot forces meet
# (`vertical`, `z = 2 m`, `z = 1 m`, `COM (default)` ≈ 0.6 m, `z = 0.4 m`). Moments: net
# joint moments, N·m, **+ = extensor**.

# %%
import lungelab as ll
from lungelab import claims, studies, viz
from lungelab import viz_studies as vs

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))

# %% [markdown]
# ## 1. The five form tips
# ### Front knee over the ankle (notebook 03)
# Knee straight above the ankle against knee at the toe tip, knee bent 90°, trunk fixed at
# 10°. `*_change_*` = over the ankle − at the toes (negative: the tip lowers it); moments N·m,
# PFJ stress MPa.

# %%
koa = claims.knee_over_ankle(model)
koa.round(1)

# %%
crossover = studies.knee_travel_crossover(model)
print(f"below this height of the foot forces' meeting point the effect reverses: "
      f"{crossover.attrs['crossover_height_m']:.2f} m")

# %% [markdown]
# The knee moment is lower over the ankle under four of the five assumptions — by 13 N·m with
# the default, by up to 104 N·m with vertical foot forces — and higher (+20 N·m) when the
# forces meet low (z = 0.4 m, below the 0.48 m crossover). The front hip works more instead
# (up to +73 N·m). So the tip does what it promises for the knee only under some assumptions.
#
# ### Chest up (notebook 04)
# Upright (0°) against a 30° forward lean. Moments per assumption (N·m, `*_change_nm` =
# upright − lean); the geometry columns are the same in every row: the front foot's share of
# the weight (fraction), the balance margin (m, centre of mass to the nearer edge of the base,
# rear ball to front ball) and the furthest the knee may travel past the toes before the body
# tips over the front foot's pressure point (m).

# %%
chest = claims.chest_up(model)
chest.round(3)

# %% [markdown]
# Upright, the centre of mass sits 6 cm further inside the base and the knee may travel 10 cm
# past the toes instead of 4 cm before the body tips: the "don't tip forward" part holds, and
# it is geometry (no assumption). The trunk angle also moves work: upright, the front knee
# works 1-19 N·m more and the front hip 36-55 N·m less under every assumption. The lower back
# is not in the model, so "chest up protects the back" cannot be checked here.
#
# ### Both knees at 90°, back knee hovering (notebook 05)
# The 90/90 posture: back-knee joint-centre height (m), step length (m), the front-knee
# flexion at which the back knee would touch the floor (deg; geometry, same in every row),
# and the back and front leg moments per assumption (N·m).

# %%
hover = claims.depth_and_hover(model)
hover.round(3)

# %% [markdown]
# At 90/90 the back knee's joint centre is 7.5 cm above the floor, and it comes down to the
# 5 cm "touch" height (a planning value) at a front-knee angle of 94°: with a normal step,
# both knees at 90° is about the deepest hovering position. While it hovers the back knee
# holds an extensor moment of 81-111 N·m under every assumption — the back leg is working,
# not resting on the floor.
#
# ### Weight in the front heel (notebook 02)
# 20 % against 80 % of the front foot's load on the heel. `fixed posture`: nothing else
# changes; `trunk adapts` / `knee travel adapts`: the body moves to keep the weight split
# between the feet. Changes heel − toes (N·m; PFJ stress MPa).

# %%
heel = claims.front_heel(model)
heel.round(1)

# %% [markdown]
# With the posture held (or the trunk adapting), more weight in the heel **raises** the
# front-knee moment under all five assumptions (by 12-50 N·m) and the kneecap stress with
# it. Only when the knee is brought back over the heel does the knee moment fall, and then
# only with near-vertical foot forces. The heel clearly unloads the **calf** (the ankle
# moment falls by 43-59 N·m), not the knee.
#
# ### The five tips at a glance
# The quantity that tests each tip, its value under the default assumption and over all
# assumptions, how many assumptions agree with the tip, and the verdict (rule: every
# assumption agrees → supported, none → contradicted, some → depends on assumption):

# %%
tips = claims.form_tips(model, tables={"knee_over_ankle": koa, "chest_up": chest,
                                       "depth_and_hover": hover, "front_heel": heel})
claims.full_text(tips.round(3))

# %% [markdown]
# ## 2. "Knee-friendly compared with forward lunges"
# At the bottom both lunges hold the same posture, so the quasi-static model gives them
# exactly the same loads. The difference, if any, is in the motion: in a backward lunge the
# front leg carries the body alone while the back foot steps away and the body lowers onto
# it; in a forward lunge the front foot lands ahead and has to brake the body.
#
# **These trials are SYNTHETIC.** `lungelab.synthetic` generates them from this same
# sagittal model (single-support dynamics, the model's rule for sharing the load between the
# feet), so they show what the model *implies* about the two movements — not a measurement of
# a person. One synthetic subject (S01, 82 kg, 1.80 m), three repetitions of each lunge on the
# right leg, the same good-form bottom posture.
#
# First, a consistency check: the joint moments are built from each foot's force, so each
# trial's foot forces must add up to the total force that moves its centre of mass (and that
# total must be producible without slipping, horizontal:vertical ≤ 1.2).

# %%
trials = claims.synthetic_trials("S01", reps=3)
curves = claims.front_leg_curves(trials)
checks = claims.force_check(trials)
checks.round(2)

# %%
print(claims.describe_force_check(checks))

# %% [markdown]
# A trial that fails this check has joint moments that miss part of the load; its numbers
# below are shown only so the failure is visible, not to be read as what the model implies.
#
# The front leg through the first repetition of each trial, aligned at the moment the bottom
# posture is reached (0 s): front-knee moment, kneecap (PFJ) stress and front-hip moment.

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    claims.rep_curves(curves, rep=1), "time_from_bottom_s",
    ["front_knee_moment_nm", "pfj_stress_mpa", "front_hip_moment_nm"],
    color="direction", labels=claims.LABELS, legend_title="SYNTHETIC trial (subject S01)",
    title="Backward vs forward lunge, front leg, one repetition (SYNTHETIC)",
    subtitle="generated from this model; flat part = holding the bottom posture, where both "
             "lunges are the same quasi-static posture").show()

# %% [markdown]
# Peaks per repetition (front-knee moment N·m with the phase and knee flexion where it
# occurs, PFJ stress MPa, front-hip extensor moment N·m) and the values while holding the
# bottom (`hold_*`):

# %%
peaks = claims.rep_peaks(curves)
peaks.round(1)

# %% [markdown]
# Means over the repetitions, and forward / backward:

# %%
fvb = claims.forward_vs_backward(peaks)
fvb.round(2)

# %% [markdown]
# While holding the bottom the two lunges agree to within the repetition-to-repetition
# scatter of the bottom posture, as statics says they must. The peaks come from the moving
# phases: in the backward trial from the front leg catching the body as the back foot lands
# and pushing back up; for the forward trial see the check above before reading its peaks.
#
# What was measured in people (reference sheet; abstracts):

# %%
claims.full_text(claims.literature())

# %% [markdown]
# Both point the same way as the claim: moving backward loads the knee and kneecap less
# (Roos 2012 — in running, not lunging) and the forward lunge asks more of the hip (Comfort
# 2015). The model itself cannot settle it: its statics cannot see the difference, and the
# synthetic difference depends on how the generator steps, lands and pushes back.

# %% [markdown]
# ## 3. "Strengthens glutes and hamstrings"
# The model's proxy is the front hip's net extensor moment. A net moment is the sum over all
# muscles crossing the hip: the model cannot say how much of it is gluteus maximus, the
# hamstrings or adductor magnus. Good-form trunk (10°) against a 30° hip hinge; N·m, N·m/kg,
# and the hip's share of the hip + knee extensor moments:

# %%
hip = claims.hip_extensor_demand(model)
hip.round(2)

# %% [markdown]
# With a 10° trunk the front hip's moment runs from 152 N·m (2.0 N·m/kg, vertical foot forces)
# to −49 N·m (a net *flexor* moment, forces meeting at 0.4 m); with the default assumption
# it is small (18 N·m, 0.24 N·m/kg) and the knee does most of the work. Leaning 30° forward
# adds 24-38 N·m under every assumption. So how much the lunge asks of the glutes and
# hamstrings depends on how the feet push — which a force plate under each foot could
# settle — and on the trunk; whether that demand makes them stronger is a training
# question, not a mechanics one.

# %% [markdown]
# ## 4. "Stretches the hip flexors"
# A hip-flexor stretch needs the back hip **extended** (thigh behind the trunk line) toward the
# end of its range. The back hip's extension at the bottom, for trunk leans from 10° backward
# to 40° forward and three back-knee angles (a straighter back knee = a longer step); front
# knee 90°. The shaded band is a typical end of the passive hip-extension range in adults,
# 10-20° — a **planning value** from clinical goniometry summaries, not read in a primary
# source.

# %%
stretch = claims.hip_flexor_stretch(model)
claims.stretch_table(stretch).round(1)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    stretch, "trunk_lean_deg", ["rear_hip_extension_deg"], color="back knee",
    labels=claims.LABELS, legend_title="back knee (front knee 90°)",
    title="Back hip extension at the bottom of the lunge",
    subtitle="+ = back thigh behind the trunk line; shaded: typical end of the passive "
             "hip-extension range, 10-20° (planning value)",
    height=440).add_hrect(
    y0=claims.HIP_EXTENSION_RANGE_DEG[0], y1=claims.HIP_EXTENSION_RANGE_DEG[1],
    fillcolor="#2e8b57", opacity=0.15, line_width=0,
    annotation_text="typical end range", annotation_position="top left").show()

# %% [markdown]
# In the good-form lunge (trunk 10° forward, both knees 90°) the back thigh hangs almost
# straight down and the back hip is at about neutral (−1.1°, i.e. slightly *flexed*): no
# hip-flexor stretch. Standing upright adds 10° of extension (8.9°), leaning back or taking a
# longer step (back knee 70°) reaches the typical end range. Past about 20° the model keeps
# extending the hip where a real one would stop; a real body then tilts the pelvis or arches
# the lower back, which the model's one-piece trunk cannot show. (The back knee's 90° bend
# also lengthens rectus femoris, a two-joint hip flexor; without a muscle model the model
# cannot say by how much.)

# %% [markdown]
# ## 5. "Improves balance"
# What the model can compute is the **static balance margin**: how far the centre of mass is
# from the nearer edge of the base of support (rear ball to front ball), front to back. For
# the bottom of the lunge with longer and shorter steps, and, as a reference, the best case of
# standing with the feet together (base = heel to ball of one foot, centre of mass exactly in
# its middle); m, and the front foot's share of the weight:

# %%
balance = claims.balance_margins(model)
balance.round(3)

# %%
# NBVAL_IGNORE_OUTPUT
viz.compare_bars(
    balance, ["base_length_m", "balance_margin_m"], labels=claims.LABELS,
    y_title="distance, front to back (m)", x_title="quantity (m)", legend_title="posture",
    text_format=".2f", title="Base of support and static balance margin, front to back",
    height=460).show()

# %% [markdown]
# The bottom of a lunge is statically very stable front to back: with a normal step the
# centre of mass is about half a metre from either edge, five times the best case of standing
# with the feet together. A shorter step — knee at the toes, more so with a forward lean —
# shrinks the margin, but not below standing. The balance challenge is elsewhere: in the
# **step**, when one foot carries the body. In the synthetic trials (section 2) the centre of
# mass leaves the stance foot during the step — a controlled fall caught by the other foot
# (s per repetition; margin m, negative = outside the foot):

# %%
single = claims.single_support_balance(curves)
single.round(3)

# %% [markdown]
# That is dynamic balance, which a static margin cannot judge; and the side-to-side base (the
# feet nearly in line) is not in the sagittal model at all. Whether practising lunges
# *improves* balance is a training effect: not a mechanics question.

# %% [markdown]
# ## 6. Every claim, one table

# %%
verdicts = claims.verdict_table(tips, fvb, checks, hip, stretch, balance, single)
claims.full_text(verdicts)

# %% [markdown]
# ## What this says
# * **Knee over the ankle** — easier on the knee only if the feet push the floor roughly
#   toward the centre of mass or straighter down (4 of 5 assumptions); the hip then works more.
#   A choice between knee and hip work, not a safety line: *depends on assumption*.
# * **Chest up** — keeps the body further from tipping forward (geometry: *supported*) and
#   keeps more work on the knee, less on the hip. What it does for the lower back is not in the
#   model.
# * **Both knees at about 90°, back knee hovering** — with a normal step 90/90 is about as deep
#   as the back knee can go without touching, and while it hovers the back leg works hard
#   (about 80-110 N·m at the knee): *supported*.
# * **Weight in the front heel protects the knees** — the opposite: with the posture held, the
#   heel raises the front-knee moment and kneecap stress under every assumption. The heel
#   unloads the calf, not the knee: *contradicted*.
# * **Knee-friendly compared with forward lunges** — at the bottom the two are the same
#   posture and load the knee the same; any difference is in the stepping, which the model
#   only knows through synthetic trials built on its own assumptions (and the forward trial
#   must pass its force check first). Published studies point the same way as the claim:
#   *depends on assumption*.
# * **Strengthens glutes and hamstrings** — the front hip's demand ranges from large to none
#   depending on how the feet push, and grows when the trunk leans forward; the model cannot
#   split it between muscles or say anything about strength gains: *depends on assumption*.
# * **Stretches the hip flexors** — not in the good-form lunge: the back hip sits at about
#   neutral. It takes an upright or backward-leaning trunk and a longer step to reach the end
#   of the hip's range: *contradicted* as usually taught.
# * **Improves balance** — the bottom of a lunge is statically very stable front to back; the
#   challenge is the step and the narrow side-to-side stance. Whether it trains balance is *not
#   a mechanics question*.
