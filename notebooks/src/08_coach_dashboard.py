# %% [markdown]
# # 08 · Coach dashboard: move a cue, watch the loads
#
# **The question:** when you tell an athlete "let the knee travel", "chest up", "go deeper",
# "sit into the heel" or hand them dumbbells, what happens to the work of the ankles,
# knees and hips, to the pressure behind the kneecap (the patellofemoral joint, PFJ) — and
# can the athlete still balance in that position?
#
# Move the sliders: the side view, the joint moments and the kneecap stress follow at once.
# Every number comes from the same model as notebook 01 (one quasi-static side-view
# posture at the bottom of the lunge); nothing is animated or guessed in between.
#
# *Run it:* in JupyterLab, run all cells; as a stand-alone page for a session, open it with
# Voilà (`voila notebooks/08_coach_dashboard.ipynb`, see `docs/dashboard.md`).

# %%
from lungelab.dashboard import CoachDashboard

dash = CoachDashboard()

# %%
# NBVAL_IGNORE_OUTPUT
dash

# %% [markdown]
# ## Reading the picture
# * **Side view** (left): the athlete faces right. Dark blue is the front leg, light blue
#   the back leg, the circled cross the body's centre of mass. **Red arrows** are how hard
#   the floor pushes up under the front heel, the front toes and the back foot; **orange
#   arrows** are the sideways push of the floor on each foot. The dotted grey lines show
#   the direction of each foot's total force. The short grey arrow on the right is a
#   500 N ruler.
# * **Joint moments** (top right): how hard the muscles around each joint must work to
#   hold the position, in newton-metres. Up (+) means the extensors work — the quadriceps
#   at the knee, the glutes and hamstrings at the hip, the calf at the ankle; down (−)
#   means the opposite muscles. Dark bars are the front leg, light bars the back leg.
# * **Kneecap stress** (bottom right): the pressure behind the front kneecap in MPa,
#   with the contact-area model that turned force into pressure.
# * **The box above the figure** says in words who carries the weight, or — in red — why
#   the position cannot balance or cannot be built and which way to change it.

# %% [markdown]
# ## The controls, in coaching language
# **Posture (the cues you give)**
# * **Knee past toes (m)** — how far the front knee travels in front of the toe tip.
#   Negative means behind the toes; about −0.20 m puts the knee of a 1.75 m adult right
#   above the ankle ("knee over the ankle"). Letting the knee travel usually loads the
#   knee more and the hip less — and moves the body forward over the toes.
# * **Trunk lean (°)** — forward lean of the chest from upright ("chest up" is about
#   0-10°). Leaning forward shifts work from the knee to the hip.
# * **Depth: front knee (°)** — how far the front knee bends; 90° is the classic "both
#   knees at 90". The back knee must still reach the floor: too shallow and the back foot
#   cannot reach the floor, too deep and the back knee would go through it.
# * **Back knee bend (°)** — the back knee's bend; change it together with depth.
# * **Front heel share** — how much of the front foot's load sits on the heel (1 = all on
#   the heel, 0 = all on the toes). "Weight in the heel" is about 0.6-0.8. The athlete
#   cannot choose it freely: if the body's centre of mass is too far forward for the
#   chosen heel share, the box turns red and says which way to shift.
#
# **Athlete and load**
# * **Load (kg)** and **Held** — total external load, as dumbbells in the hands or a bar
#   on the shoulders (its weight acts at the shoulder).
# * **Body mass (kg)**, **Height (m)**, **Sex** — scale the body segments (de Leva 1996
#   tables). Forces and moments grow with mass; the stick figure grows with height.
#
# **Model assumptions (not cues: choices the model cannot make for you)**
# * **Foot forces** — a still photo cannot tell how hard the feet push apart against the
#   floor, yet that push changes the front-knee moment from about zero to well above the
#   default. The default has each foot pushing toward the centre of mass. Switch between
#   the options to see how much a number depends on this choice before you quote it.
# * **Kneecap contact area** — how big the contact patch behind the kneecap is at each
#   knee angle. The quartic fit gives smaller areas (higher stress); Besier 2005 (upright
#   MRI) gives larger areas (lower stress) and was measured only up to 60° of knee bend.

# %% [markdown]
# ## The starting position in numbers
# The default: 75 kg, 1.75 m man, front knee 90° straight above the ankle, trunk leaning
# 10° forward, back knee 90° and hovering, 60 % of the front foot's load on the heel, no
# load. These are the numbers the figure opens with.

# %%
dash.result.load_table().round(2)

# %%
dash.result.joint_table().round(2)

# %% [markdown]
# ## Using it in a session
# 1. Set the athlete first (mass, height, sex) and any load, then start from the default
#    position: it is the good-form lunge most coaching articles describe.
# 2. Change **one cue at a time** and watch what moves: knee travel and trunk lean trade
#    work between knee and hip; depth raises everything, the kneecap most of all.
# 3. If the box turns red, the position as set cannot be held still; follow its advice
#    (e.g. "shift the centre of mass back: more upright trunk, less knee travel") — that is
#    what the athlete's body would have to do.
# 4. Before quoting a number, flip **Foot forces** through its options: if the number you
#    care about swings a lot, say so, and compare positions under the same assumption.
# 5. To open it pre-set for an athlete, start it as
#    `CoachDashboard(mass_kg=62, height_m=1.68, sex="female")`.
#
# ## Assumptions behind every number
# * Side view only (sagittal plane), one still position at the bottom of the lunge:
#   speed, bouncing and the way down and up are not included.
# * Rigid segments with standard proportions (de Leva 1996); the back foot stands on its
#   ball at 50° to the floor; arms hang straight down.
# * Three contacts (front heel, front toes, back-foot ball); the heel share is your input,
#   and the sideways push of the feet is the **Foot forces** assumption.
# * Kneecap stress = quadriceps-driven joint force ÷ a modelled contact area; the fits
#   behind it were made for 0-90° of knee bend, beyond that the numbers are extrapolated
#   (the box then says so).
# * Numbers are for comparing positions with each other, not for diagnosing one knee.
