# %% [markdown]
# # 05 · How deep, and both knees at 90°?
#
# **The question:** coaches teach "lower until both knees are at 90° and the back knee hovers
# just above the floor". How do the front and back knee angles go together, where does the
# back knee touch the floor (or where can the legs not form the posture at all), how does the
# work of the knees grow with depth — and how much do we really know about the pressure
# behind the kneecap (PFJ) in a deep lunge?
#
# **How we answer:** first the real movement — the feet stay planted (1.02 m from ball to
# ball, the step of the default lunge) and the front knee bends from 55° to 100° while the
# model finds the back-knee angle that keeps the feet where they are; then uneven knee-angle
# pairs; a map of the back knee's height over every front × back knee angle; and the PFJ
# stress against depth with **both** contact-area models in the package.
#
# **Assumptions behind every number:** 75 kg, 1.75 m man (de Leva 1996); front shin vertical
# (knee over the ankle), trunk 10° forward, back foot on its ball at 50°, 60 % of the front
# foot's load on the heel; no external load; quasi-static. The back knee "touches the floor"
# when its joint centre is 5 cm or less above the floor (about half the knee's depth — a
# planning value, not a measurement). Loads are shown for five heights *z* where the two foot
# forces meet (`vertical`, `z = 2 m`, `z = 1 m`, `COM (default)` ≈ 0.6 m, `z = 0.4 m`).
# Moments: N·m, + = extensor. PFJ stress: quartic contact-area fit unless stated.

# %%
import lungelab as ll
from lungelab import studies, viz
from lungelab import viz_studies as vs
from IPython.display import Markdown, display

model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))

# %% [markdown]
# ## 1. Going down with the feet planted

# %%
depth = studies.depth_sweep(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    studies.depth_sweep(model, options=("com",)), "front_knee_flexion_deg",
    ["rear_knee_flexion_deg", "rear_knee_height_m"],
    title="Feet planted: the back knee follows the front knee down",
    subtitle="step 1.02 m; geometry only (the same under every assumption)", height=380,
    hlines={"rear_knee_height_m": (studies.KNEE_CLEARANCE_M, "knee touches the floor")}
).show()

# %% [markdown]
# With the feet planted the two knees bend almost together: at 90° in front the back knee is
# at 90° too and its joint centre is 7.5 cm above the floor — the coaches' "hovering" knee.
# A little deeper, at about 94° in front, it comes down to 5 cm (touching); past about 100°
# it would have to go through the floor. So with this step "both knees at 90°" is the
# deepest comfortable hovering position.

# %%
# NBVAL_IGNORE_OUTPUT
vs.panel_lines(
    depth, "front_knee_flexion_deg",
    ["front_knee_moment_nm", "rear_knee_moment_nm", "front_hip_moment_nm"],
    color="grf_convergence", legend_title="where the foot forces meet",
    title="Feet planted: the knees' and hip's work vs depth",
    subtitle="front knee 55-100°, back knee solved to keep the step").show()

# %% [markdown]
# * The **back knee** works more and more as it bends, under every assumption up to about
#   90° (default: 11 → 104 N·m from 55° to 100° in front; vertical forces: 80 → 112 N·m,
#   levelling off at the bottom). At the bottom it works about 90-110 N·m whatever the
#   assumption — the back leg is not a passive prop.
# * The **front knee** works more with depth only if each foot pushes toward the centre of
#   mass (default: 88 → 144 N·m) or the forces meet low. With vertical or high-meeting foot
#   forces its moment hardly changes with depth (vertical: about −4 N·m throughout): with the
#   shin vertical the front foot's force passes close to the knee at any depth, and the
#   front hip does the work instead.

# %% [markdown]
# ## 2. Uneven knees
# Five front/back knee-angle pairs. Geometry and weight split do not depend on the
# assumption; the moments do (three assumptions shown):

# %%
studies.evenness_table(model).round(2)

# %% [markdown]
# * A **straighter back knee** (90/70) means a longer step (1.13 m), more weight on the front
#   foot (62 %) and, with the default assumption, more front-knee and less back-knee work.
# * A **more bent back knee** (90/110) shortens the step (0.87 m) and moves work to the back
#   knee.
# * **Going deeper in front** with the back knee at 90° (100/90) puts the back knee 1 cm from
#   the floor (joint centre): it would touch.

# %% [markdown]
# ## 3. Where the back knee can hover
# Every combination of front and back knee angle: the colour is the height of the back
# knee's joint centre where it hovers; yellow where it touches (≤ 5 cm); grey where it would
# go through the floor; dark grey where the back foot cannot reach the floor from the hip at
# all (shallow front knee with a deeply bent back knee).

# %%
hover = studies.hover_map(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.region_map(hover, "front_knee_flexion_deg", "rear_knee_flexion_deg",
              z="rear_knee_height_m", region_names=studies.HOVER_REGIONS,
              title="Back knee height over front × back knee angle",
              subtitle="trunk 10°, front shin vertical, back foot on its ball at 50°").show()

# %% [markdown]
# The front-knee angle at which the back knee comes down to 5 cm, for a few back-knee angles
# (with the step length that posture has):

# %%
studies.touch_depth(model).round(2)

# %% [markdown]
# Whatever the back knee does, it touches the floor once the front knee passes about
# 93-108°; with the back knee at 90-110° the front knee can go no deeper than about 93-94°.

# %% [markdown]
# ## 4. Kneecap stress vs depth: two contact-area models
# The PFJ stress is the kneecap's force divided by its contact area, and published areas
# disagree: the quartic fit used in the PFJ-stress literature versus areas measured in
# upright MRI by Besier et al. 2005 (held at the 60° value beyond 60°, the deepest
# measurement). To reach deeper, the back knee is held at 60° here (a longer step).
# Shaded: 90-100° where the fits should be used with caution, and beyond 100° where they
# are extrapolated.

# %%
pfj = studies.pfj_depth(model)

# %%
# NBVAL_IGNORE_OUTPUT
vs.lines_with_marks(
    pfj, "front_knee_flexion_deg", "pfj_stress_mpa", group="curve",
    shade=[(90, 100, "caution"), (100, 140, "extrapolated")],
    labels={"curve": "contact area, assumption"},
    title="Kneecap (PFJ) stress vs depth, two contact-area models × two assumptions").show()

# %%
studies.pfj_model_spread(pfj).round(2)

# %% [markdown]
# With the default assumption the two area models differ by a factor of **2.4-3.3** over the
# fitted range (30-90°): 30 MPa or 9 MPa at 90°, from the same knee moment. The reference
# sheet quotes peak lunge PFJ stresses of about 8-12 MPa near 80-90° (unverified) — closer
# to the Besier areas — while the quartic fit gives the values usual in the PFJ-stress
# literature. Neither is "the" number.

# %%
display(Markdown(studies.literature_markdown("depth")))

# %% [markdown]
# ## 5. Where the knee models stop making sense
# The three ingredients of the PFJ chain against knee flexion, and the stress they give per
# 100 N·m of knee-extensor moment:

# %%
studies.pfj_chain_table().round(3)

# %% [markdown]
# * Up to 90° the fits behave. Beyond 100° the quartic area more than doubles by 120° (195 →
#   532 mm²), so the stress it gives **falls** in deep flexion — the drop after 90° in the
#   figure is an artefact of the fit, not protection.
# * At 130° the force-ratio fit would turn **negative** (−0.21): a PFJ force below zero,
#   which is impossible. So lungelab returns no PFJ number past 120° (NaN in the table above)
#   and warns from 100° on.
# * The Besier areas are measured only up to 60°; beyond that the model holds the 60° value.

# %% [markdown]
# ## What this says
# * **Both knees at 90° is, with a normal step, about as deep as the back knee can hover**:
#   its joint centre is 7.5 cm above the floor; about 4° deeper in front and it touches
#   (5 cm), past 100° it cannot go. With the feet planted the two knees bend nearly
#   together, so "90/90" happens by itself.
# * **Deeper costs the back knee more under every assumption** (default: 11 → 104 N·m from
#   55° to 100° of front-knee flexion; 90-110 N·m at 90/90 whatever the assumption). Whether
#   it costs the **front knee** more depends on how the feet push: yes if toward the centre
#   of mass (88 → 144 N·m), hardly at all with vertical foot forces (the hip and the back
#   knee then carry the lunge). Never one number as the truth.
# * **Kneecap stress rises with depth up to about 90°** (back knee at 60°, default
#   assumption: 11 → 30 MPa from 60° to 90° with the quartic area; 4 → 9 MPa with Besier's
#   areas). The two area models differ by 2.4-3.3×, so a single PFJ stress number is not
#   trustworthy to better than that factor.
# * **Past 90-100° the knee models stop being valid**: the stress "drops" in deep flexion
#   only because the fitted contact area grows, and past 120° the fits would give impossible
#   (negative) forces, so lungelab gives none. The model cannot say whether very deep lunges are easier or harder on
#   the kneecap.
