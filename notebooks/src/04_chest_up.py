# %% [markdown]
# # 04 · Chest up?
#
# **The question:** "keep the chest up" is a standard lunge cue. What does leaning the trunk
# forward actually do — to how the weight is shared between the feet, to the work of the
# front hip and knee, and to the kneecap (PFJ)? And which postures can still balance when
# the trunk leans and the knee travels forward?
#
# **How we answer:** the trunk (hip → shoulder line) leans from 10° backward to 50°
# forward while the legs keep the default lunge; then a map of trunk lean × knee travel
# shows which postures balance. We compare the direction of the effect with Farrokhi et al.
# 2008 (forward trunk lean in the lunge).
#
# **Assumptions behind every number:** 75 kg, 1.75 m man (de Leva 1996); front knee 90° over
# the ankle, back knee 90°, back foot on its ball at 50°, 60 % of the front foot's load on the
# heel (unless a section varies them); head and hanging arms follow the trunk; no external
# load; quasi-static; PFJ stress with the quartic contact-area fit. Every load is shown for
# five heights *z* where the two foot forces meet (`vertical` = no horizontal push, `z = 2 m`,
# `z = 1 m`, `COM (default)` ≈ 0.6 m, `z = 0.4 m`), because statics cannot tell how hard
# the feet push apart or together. Moments: N·m, + = extensor (ankle: plantarflexor).

# %%
import lungelab as ll
from lungelab import studies, viz
from lungelab import viz_studies as vs
from IPython.display import Markdown, display

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))

# %% [markdown]
# ## 1. Leaning forward moves the weight onto the front foot

# %%
lean = studies.trunk_lean_sweep(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    lean, "trunk_lean_deg", ["front_share", "front_hip_moment_nm", "front_knee_moment_nm"],
    color="grf_convergence", legend_title="where the foot forces meet",
    title="Trunk lean: weight split, front hip and front knee",
    subtitle="front knee 90° over the ankle, back knee 90°; the weight split (left) is the "
             "same under every assumption, so its five lines overlap").show()

# %% [markdown]
# Upright (0°) against a 30° forward lean, per assumption: the front foot's share of the
# weight (fraction), the front ankle, knee and hip moments (N·m) and the PFJ stress (MPa) —
# upright, leaning, and the change:

# %%
studies.trunk_lean_effect(model, upright=0.0, lean=30.0).round(2)

# %% [markdown]
# * The front foot's share of the weight rises from 54 % to 66 %: the upper body's weight
#   moves forward, over the front foot.
# * The **front hip** extensors (glutes, hamstrings) work **36-55 N·m more** under every
#   assumption — the most robust result of this notebook.
# * The **front knee** works a little **less** (1-19 N·m, −6 % with the default), and the
#   PFJ stress falls by up to 4 MPa.
# * The **front ankle** moment changes by only 1-3.5 N·m toward the calf.

# %% [markdown]
# What was measured (reference sheet; the knee and impulse parts of Farrokhi are
# unverified):

# %%
display(Markdown(studies.literature_markdown("trunk_lean")))

# %% [markdown]
# The model agrees in **direction** with Farrokhi: hip extensor demand up, knee about the
# same, ankle plantarflexor slightly up. The model gives moments at one instant, the study
# muscle activity and impulses over the movement, so only directions are compared.
#
# A 40° lean, default assumption — the upper body over the front foot:

# %%
# NBVAL_IGNORE_OUTPUT
viz.stick_figure(studies.pick(lean, trunk_lean_deg=40.0, grf_convergence="COM (default)"),
                 title="Trunk leaning 40° forward").show()

# %% [markdown]
# ## 2. Which postures can balance?
# Each cell is one posture: knee travel past the toes (horizontal; −0.20 m is the knee over
# the ankle) and trunk lean (vertical), front knee 90°, back knee 90°. Colours:
# * **the heat map** — balanced with 60 % of the front foot's load on the heel; the colour is
#   the front foot's share of the weight;
# * **yellow** — the centre of mass is in front of that heel-heavy pressure point: balanced
#   only if the athlete shifts more load onto the front toes;
# * **grey** — the centre of mass is in front of the ball of the front foot: no weight
#   shift can balance it (it would need the back foot to pull the floor).

# %%
balance = studies.balance_map(model, heel_share=0.6)

# %%
# NBVAL_IGNORE_OUTPUT
vs.region_map(balance, "knee_past_toes_m", "trunk_lean_deg", z="front_share",
              region_names=studies.BALANCE_REGIONS,
              labels={"knee_past_toes_m": "knee travel past the toes (m, + in front)"},
              title="Trunk lean × knee travel: who can balance?",
              subtitle="front knee 90°, back knee 90°; colour = front foot's share of the "
                       "weight, with 60 % of the front foot's load on the heel").show()

# %% [markdown]
# The edge, as numbers: the furthest the knee can travel past the toes at each trunk lean,
# with 60 % of the front foot's load on the heel and with all of it on the ball (the edge
# of the base of support). At the edge the back foot carries nothing:

# %%
studies.balance_limits(model).round(3)

# %% [markdown]
# Backward lean never loses balance here: the back foot is far behind (about 1 m step).
# Forward lean and knee travel add up: upright (0°), the knee can go 10 cm past the toes
# with the weight in the heel, 16 cm on the toes; at 40° of lean only 2 cm and 9 cm.

# %% [markdown]
# ## What this says
# * **Leaning forward shifts work from the knee to the hip.** From upright to 30° forward,
#   the front hip-extensor moment rises by 36-55 N·m under every assumption (default: 4 →
#   46 N·m), while the front knee moment falls slightly (default: 132 → 124 N·m, −6 %) and
#   the kneecap stress by about 1.5 MPa. Same direction as Farrokhi et al. 2008 (hip up,
#   knee unchanged).
# * **"Chest up" is a knee cue more than a safety cue:** an upright trunk keeps more work on
#   the front knee and less on the glutes; a forward lean is a legitimate way to train the
#   hip — if the back can hold it.
# * **Balance:** leaning forward puts more weight on the front foot (54 % → 66 %) and
#   shrinks how far the knee may travel before the body tips over the front toes — by about
#   2 cm of knee travel per 10° of lean with the weight in the heel. Combining a big
#   forward lean with a knee far past the toes is the one combination that cannot balance.
