# %% [markdown]
# # 01 · How lungelab builds a backward lunge
#
# **The question:** when you stand at the bottom of a backward lunge, how much load do the
# front heel, the front toes and the back foot carry, and how hard do the ankles, knees and
# hips — and the kneecap joint (patellofemoral joint, PFJ) — have to work?
#
# This notebook shows the model behind every other notebook: a side view (sagittal plane)
# of a body made of rigid segments — foot, shank and thigh for each leg, a trunk with head
# and hanging arms. Every equation is a SymPy expression you can read; the numbers come from
# the same expressions compiled to fast NumPy code.
#
# **Frame:** x points forward (where the person faces), y up, origin on the floor under the
# front ankle. Angles are shown in degrees; inside the model everything is SI (m, kg, N, rad).

# %%
import lungelab as ll
from lungelab import equations as eq
from lungelab import viz
from IPython.display import Math, display

# %% [markdown]
# ## 1. The symbols
# Every body, posture, load and assumption parameter is a named symbol with a unit.

# %%
eq.symbol_table()

# %% [markdown]
# ## 2. Geometry: five angles fix every joint
# The front foot is flat and the rear foot stands on its ball. Front knee flexion
# $\theta_{fk}$, front shank tilt $\varphi_{fs}$, trunk lean $\lambda$, rear knee flexion
# $\theta_{rk}$ and the rear foot's angle to the floor $\gamma_{rf}$ fix the whole figure:
# the front leg sets the hip; the rear leg must reach the floor from the hip, which fixes
# where the rear foot lands (law of cosines).

# %%
for e in eq.geometry_equations():
    display(Math(eq.to_latex(e)))

# %% [markdown]
# ## 3. Who carries the weight? Front heel, front toes, rear foot
# Three contacts, but only two equilibrium equations for the vertical forces (forces add up
# to the weight $W$; moments about any point vanish). One more number is needed: here the
# share $h$ of the front foot's load that sits on the heel (the coaching cue "weight in the
# heel"). The model solves for the rest:

# %%
for e in eq.contact_equations("heel_share"):
    display(Math(eq.to_latex(e)))

# %% [markdown]
# Horizontally the problem is **statically indeterminate**: the feet can push apart or
# together without changing the vertical balance. In a static pose the two foot forces and
# gravity must meet at one point above the centre of mass (three-force theorem); its height
# $z$ is a named assumption, `grf_convergence`. The default, `"com"`, has each foot pushing
# toward the centre of mass; `"vertical"` is the limit $z \to \infty$.

# %%
for e in eq.horizontal_equations():
    display(Math(eq.to_latex(e)))

# %% [markdown]
# Net joint moments come from the balance of everything below each joint (ground forces and
# segment weights). Sign convention: **extensor / plantarflexor positive**.

# %%
for e in eq.moment_definitions():
    display(Math(eq.to_latex(e)))

# %% [markdown]
# ## 4. From knee moment to kneecap stress
# The quadriceps must produce the knee-extensor moment through its moment arm $r_{quad}$;
# the patella presses on the femur with $k(\theta)$ times the quadriceps force; dividing by
# the contact area gives the stress (θ in degrees; sources in `lungelab.knee`).

# %%
for e in eq.pfj_equations():
    display(Math(eq.to_latex(e)))

# %% [markdown]
# Written out in full, the outputs are large expressions; common-subexpression elimination
# (CSE) shrinks them to a few hundred operations before they are compiled:

# %%
eq.expression_size("heel_share")

# %% [markdown]
# ## 5. The coaches' lunge, in numbers
# Defaults: 75 kg, 1.75 m man (de Leva 1996 segments); front knee at 90° straight above the
# ankle; trunk leaning 10°; back knee at 90°, hovering; 60 % of the front foot's load on
# the heel; no external load.

# %%
model = ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))
posture = ll.LungePosture()
result = model.solve(posture, front_heel_share=0.6)
result.load_table().round(2)

# %%
result.joint_table().round(2)

# %%
# NBVAL_IGNORE_OUTPUT
viz.stick_figure(result, title="Default backward lunge (75 kg, 1.75 m)").show()

# %%
# NBVAL_IGNORE_OUTPUT
viz.moment_bars(result).show()

# %% [markdown]
# ## 6. The assumption that matters most
# The same posture, the same vertical forces — only the height where the two foot forces
# meet changes. Read the front-knee column: from about zero (vertical forces, the knee sits
# right above the ankle, so the vertical force passes almost through it) to well above
# the default.

# %%
model.convergence_sensitivity(posture, front_heel_share=0.6).round(1)

# %% [markdown]
# ## What this says
# * In the default good-form lunge the front foot carries a bit more than half of the
#   weight; the back foot is far from idle.
# * With the front shank vertical, whether the front knee works hard depends mostly on how
#   the feet push horizontally, which a static model cannot know. If each foot pushes
#   toward the centre of mass (default), the front knee extensors carry about 1.7 N·m per
#   kg — inside the 1.0-2.0 N·m/kg usually quoted for body-weight lunges (a planning range,
#   not a verified number) — and the kneecap stress is about 27 MPa with the quartic
#   contact-area fit (about a third of that with Besier's MRI areas, which were measured only up
#   to 60°). With purely vertical
#   forces the same pose would load the hip instead.
# * So every number in this suite is shown together with the assumption behind it. The
#   next notebooks vary one coaching cue at a time.
