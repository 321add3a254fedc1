"""The action library: joint-angle tracks of each class (with styles), idle people,
incidental gestures, and the simulation of one person's clip in world coordinates."""
from typing import Callable, Tuple

import numpy as np

from .body import (FPS, HEAD, L_ANK, L_ELB, L_FOOT, L_HAND, L_KNEE, L_WRI, MID, NECK,
                   NUM_JOINTS, R_ANK, R_ELB, R_FOOT, R_HAND, R_KNEE, R_WRI, SPINE_SH,
                   _Body, _DRIFT_SCALE, _bump, _rot, _smoothstep, _window,
                   forward_kinematics)

#: Action classes, label = index (0-based). Name -> what the actor does.
ACTION_CLASSES: Tuple[str, ...] = (
    'wave_right_hand',   # forearm up / whole arm overhead / arm forward, sweeping
    'punch',             # guard, then fast straight jabs (alternating or lead arm)
    'kick',              # front kick / side kick / knee strike, 1-2 times
    'squat',             # 1-3 deep squats; arms forward, behind the head or on hips
    'jump',              # crouch and jump 1-3 times: arm swing / arms down / jumping jack
    'clap',              # hands meet repeatedly: chest height, low or overhead
    'walk_in_place',     # alternating knee lifts (stroll to high knees), arm swing
    'bow',               # bend the trunk forward, hold, straighten
    'arm_circles',       # small side circles (both / right arm) or windmills
    'sit_down',          # lower onto an (invisible) chair and stay seated
    'raise_both_arms',   # overhead through the front or the side, or a T-pose; hold
    'side_step',         # 1-3 steps sideways (and maybe back), feet planned first
)

# ------------------------------------------------------------------------- motions
class _Motion:
    """Joint-angle tracks of one clip in the body frame.

    ``ang`` (V, 3, T): (pitch, roll, yaw) of the bone ending at each joint.
    ``root`` (T, 3): extra spine-base displacement (on top of the stance solved
    from the legs). ``lift`` (T,): flight height (jumps). ``yaw`` (T,): body yaw.
    Side sign ``s``: +1 right (x > 0), -1 left, so the same numbers mirror.
    """

    def __init__(self, T: int, body: '_Body'):
        self.T = T
        self.body = body
        self.ang = np.zeros((NUM_JOINTS, 3, T))
        self.root = np.zeros((T, 3))
        self.lift = np.zeros(T)
        self.yaw = np.zeros(T)

    def arm(self, s: int, flex=0.0, abd=0.0, hadd=0.0, elbow=0.0, elbow_roll=0.0,
            wrist=0.0):
        """Shoulder flexion (forward raise), abduction (side raise), horizontal
        adduction (towards the midline), elbow flexion / roll, wrist flexion."""
        elb, wri, hand = (R_ELB, R_WRI, R_HAND) if s > 0 else (L_ELB, L_WRI, L_HAND)
        self.ang[elb, 0] += flex
        self.ang[elb, 1] += s * abd
        self.ang[elb, 2] += s * hadd
        self.ang[wri, 0] += elbow
        self.ang[wri, 1] += s * elbow_roll
        self.ang[hand, 0] += wrist

    def leg(self, s: int, flex=0.0, abd=0.0, knee=0.0, ankle=0.0):
        """Hip flexion (thigh forward), hip abduction, knee flexion, ankle."""
        knee_j, ank, foot = (R_KNEE, R_ANK, R_FOOT) if s > 0 else (L_KNEE, L_ANK, L_FOOT)
        self.ang[knee_j, 0] += flex
        self.ang[knee_j, 1] += s * abd
        self.ang[ank, 0] -= knee
        self.ang[foot, 0] += ankle

    def trunk(self, bend=0.0, side=0.0, twist=0.0, head=0.0):
        """Forward bend / side bend / twist split over the two spine bones."""
        for j in (MID, SPINE_SH):
            self.ang[j, 0] -= 0.5 * bend
            self.ang[j, 1] += 0.5 * side
            self.ang[j, 2] += 0.5 * twist
        self.ang[HEAD, 0] -= head

    def both_arms(self, **kw):
        self.arm(+1, **kw)
        self.arm(-1, **kw)


def _cycles(rng, low: float, high: float, m: '_Motion') -> float:
    """Repetition count: a rate (Hz) in [low, high] times the subject's tempo,
    times the clip's duration."""
    return max(1.0, rng.uniform(low, high) * m.body.speed * m.T / FPS)


def _hold(u, up0: float, up1: float, down0: float, down1: float) -> np.ndarray:
    """Ramp up on [up0, up1], hold, ramp down on [down0, down1]."""
    return _window(u, up0, up1) * (1 - _window(u, down0, down1))


# Each action has several styles (rng-chosen) so that a posture alone rarely
# gives the class away: an overhead wave looks like raised arms, a side kick
# like a side step, a T-pose arm raise like arm circles, a knee strike like
# walking in place, a jumping jack like both ...

def _wave(m: _Motion, u, rng, amp):
    e = _hold(u, 0.0, 0.18, 0.82, 1.0)
    n = _cycles(rng, 0.9, 1.6, m)
    osc = np.sin(2 * np.pi * n * u + rng.uniform(0, 2 * np.pi))
    style = rng.integers(3)
    if style == 0:  # upper arm out, forearm up, the forearm swings
        m.arm(+1, flex=0.3 * e, abd=rng.uniform(1.2, 1.6) * e,
              elbow_roll=e * (1.6 + 0.45 * amp * osc), elbow=0.25 * e)
    elif style == 1:  # whole arm overhead, sweeping side to side
        m.arm(+1, abd=e * (rng.uniform(2.3, 2.7) + 0.3 * amp * osc), elbow=0.2 * e)
    else:  # arm forward, sweeping across
        m.arm(+1, flex=rng.uniform(1.1, 1.5) * e, elbow=0.8 * e, hadd=0.35 * amp * osc * e)
    m.trunk(side=-0.05 * e)


def _punch(m: _Motion, u, rng, amp):
    guard = _hold(u, 0.0, 0.15, 0.88, 1.0)
    m.both_arms(flex=0.55 * guard, abd=0.15 * guard, hadd=0.25 * guard, elbow=2.0 * guard)
    n = int(rng.integers(2, 6))
    lead = 1 if rng.random() < 0.5 else -1
    one_arm = rng.random() < 0.35  # repeated jabs with the lead arm only
    starts = np.linspace(0.15, 0.85, n + 1)
    for i in range(n):
        a, b = starts[i], starts[i + 1]
        x = np.clip((u - a) / (b - a), 0, 1)
        pulse = np.where(x < 0.3, _smoothstep(x / 0.3), 1 - _smoothstep((x - 0.3) / 0.5))
        s = lead if (one_arm or i % 2 == 0) else -lead
        m.arm(s, flex=0.95 * amp * pulse, elbow=-1.9 * amp * pulse, hadd=0.1 * pulse)
        m.trunk(twist=0.25 * s * pulse)


def _kick(m: _Motion, u, rng, amp):
    s = 1 if rng.random() < 0.8 else -1
    n = 1 if rng.random() < 0.6 else 2
    style = rng.integers(3)  # front kick, side kick, knee strike
    ready = _window(u, 0, 0.15)
    m.both_arms(flex=0.4 * ready, elbow=1.4 * ready)
    for k in range(n):
        a = 0.12 + k * 0.8 / n
        w = 0.8 / n
        chamber = _bump(u, a, a + 0.9 * w)
        extend = _bump(u, a + 0.3 * w, a + 0.6 * w)
        knee = np.clip(1.7 * chamber - 1.65 * extend, 0.0, None)  # straight at full extension
        if style == 0:
            m.leg(s, flex=1.3 * amp * chamber, knee=knee, ankle=0.3 * extend)
            m.trunk(bend=-0.2 * chamber)
        elif style == 1:
            m.leg(s, abd=1.0 * amp * chamber, flex=0.3 * chamber, knee=knee)
            m.trunk(side=0.35 * s * chamber)  # lean away from the kicking leg
        else:
            m.leg(s, flex=1.6 * amp * chamber, knee=2.1 * chamber)
            m.both_arms(flex=-0.3 * chamber, elbow=-0.6 * chamber)  # pull the hands down
            m.trunk(bend=0.2 * chamber)


def _squat(m: _Motion, u, rng, amp):
    n = min(int(rng.integers(1, 4)), 1 + m.T // 40)  # at most ~1 squat per 1.3 s
    depth = 0.5 - 0.5 * np.cos(2 * np.pi * n * np.clip((u - 0.08) / 0.84, 0, 1))
    depth = depth * rng.uniform(0.55, 1.05) * amp
    m.leg(+1, flex=1.75 * depth, knee=2.2 * depth)
    m.leg(-1, flex=1.75 * depth, knee=2.2 * depth)
    m.trunk(bend=0.55 * depth)
    held = _hold(u, 0.0, 0.1, 0.9, 1.0)
    arms = rng.integers(3)
    if arms == 0:  # forward for balance
        m.both_arms(flex=1.5 * depth, elbow=0.1 * depth)
    elif arms == 1:  # hands behind the head
        m.both_arms(flex=2.0 * held, abd=0.6 * held, elbow=2.4 * held)
    else:  # hands on the hips
        m.both_arms(abd=0.5 * held, hadd=-0.4 * held, elbow=1.6 * held)


def _jump(m: _Motion, u, rng, amp):
    n = min(int(rng.integers(1, 4)), 1 + m.T // 40)
    style = rng.integers(3)  # arm swing, arms down, jumping jack
    height = rng.uniform(0.15, 0.35) * amp * (0.5 if style == 2 else 1.0)
    x = np.clip((u - 0.08) / 0.84, 0, 1) * n
    phase = x - np.minimum(np.floor(x), n - 1)  # 0..1 within each jump
    crouch = _bump(phase, 0.0, 0.38) + _bump(phase, 0.72, 1.0) * 0.8
    flight = np.clip((phase - 0.33) / 0.42, 0, 1)
    air = np.where((phase > 0.33) & (phase < 0.75), 4 * flight * (1 - flight), 0.0)
    if style == 2:
        crouch = 0.4 * crouch
        spread = _bump(phase, 0.3, 1.0)
        m.leg(+1, abd=0.3 * spread)
        m.leg(-1, abd=0.3 * spread)
        m.both_arms(abd=min(2.7 * amp, 2.95) * spread)
    elif style == 0:
        m.both_arms(flex=-0.6 * crouch + 2.3 * air * amp, elbow=0.2)
    else:
        m.both_arms(flex=-0.3 * crouch, elbow=0.3 + 0.3 * crouch)
    m.leg(+1, flex=0.9 * crouch, knee=1.3 * crouch, ankle=-0.3 * air)
    m.leg(-1, flex=0.9 * crouch, knee=1.3 * crouch, ankle=-0.3 * air)
    m.trunk(bend=0.35 * crouch)
    m.lift += height * air


def _clap(m: _Motion, u, rng, amp):
    e = _hold(u, 0.0, 0.15, 0.85, 1.0)
    n = _cycles(rng, 1.5, 2.6, m)
    together = 0.5 + 0.5 * np.sin(2 * np.pi * n * u + rng.uniform(0, 2 * np.pi))
    style = rng.integers(3)  # chest height, low, overhead
    if style == 2:
        m.both_arms(abd=e * (2.35 + 0.5 * amp * together), flex=0.25 * e, elbow=0.3 * e)
    else:
        flex = rng.uniform(1.0, 1.4) if style == 0 else rng.uniform(0.5, 0.8)
        m.both_arms(flex=flex * amp * e, elbow=(0.6 if style == 0 else 0.9) * e,
                    hadd=e * (-0.2 + 0.75 * together))


def _walk(m: _Motion, u, rng, amp):
    e = _hold(u, 0.0, 0.1, 0.9, 1.0)
    n = _cycles(rng, 0.7, 1.1, m)
    ph = 2 * np.pi * n * u + rng.uniform(0, 2 * np.pi)
    knee_lift = rng.uniform(0.45, 1.3) * amp  # strolling ... high knees
    swing = rng.uniform(0.15, 0.7)
    for s, sign in ((+1, 1.0), (-1, -1.0)):
        lift = np.maximum(0.0, sign * np.sin(ph)) * e
        m.leg(s, flex=knee_lift * lift, knee=1.7 * knee_lift * lift, ankle=0.2 * lift)
        m.arm(s, flex=-swing * sign * np.sin(ph) * e, elbow=0.35 * e)
    m.trunk(side=0.04 * np.sin(ph) * e)


def _bow(m: _Motion, u, rng, amp):
    down = _hold(u, 0.12, 0.42, 0.62, 0.92)
    bend = rng.uniform(0.5, 1.45) * amp * down
    m.trunk(bend=bend, head=rng.uniform(0.1, 0.4) * down)
    hands = rng.integers(3)
    if hands == 0:  # arms keep hanging
        m.both_arms(flex=0.9 * bend, hadd=0.1 * down)
    elif hands == 1:  # hands together in front
        m.both_arms(flex=0.9 * bend + 0.3 * down, hadd=0.5 * down, elbow=0.7 * down)
    else:  # hands slide down the thighs
        m.both_arms(flex=0.55 * bend, elbow=0.2 * down)
    m.leg(+1, knee=0.12 * down, flex=0.06 * down)
    m.leg(-1, knee=0.12 * down, flex=0.06 * down)
    m.root[:, 2] += 0.12 * bend  # hips move back for balance


def _arm_circles(m: _Motion, u, rng, amp):
    e = _hold(u, 0.0, 0.18, 0.85, 1.0)
    style = rng.integers(3)  # small side circles (both / right arm), windmill
    if style == 2:
        n = max(1, int(round(_cycles(rng, 0.5, 0.9, m))))
        phi = 2 * np.pi * n * _window(u, 0.05, 0.95)  # whole turns: ends where it started
        offset = np.pi if rng.random() < 0.4 else 0.0  # alternating arms
        m.arm(+1, flex=phi, abd=0.25 * e, elbow=0.15)
        m.arm(-1, flex=phi + offset * e, abd=0.25 * e, elbow=0.15)
        return
    n = _cycles(rng, 1.0, 1.8, m)
    th = 2 * np.pi * n * u * (1 if rng.random() < 0.7 else -1)
    r = rng.uniform(0.25, 0.45) * amp
    circle = dict(abd=e * (rng.uniform(1.3, 1.6) + r * np.cos(th)), flex=e * r * np.sin(th))
    if style == 0:
        m.both_arms(**circle)
    else:
        m.arm(+1, **circle)


def _sit_down(m: _Motion, u, rng, amp):
    a = rng.uniform(0.08, 0.3)
    down = _window(u, a, a + rng.uniform(0.35, 0.5))
    m.leg(+1, flex=1.5 * down, knee=1.55 * down)
    m.leg(-1, flex=1.5 * down, knee=1.55 * down)
    m.trunk(bend=np.sin(np.pi * down) * 0.5 * amp + rng.uniform(-0.15, 0.15) * down)
    arms = rng.integers(3)
    if arms == 0:  # hands land on the thighs
        m.both_arms(flex=0.4 * down + 0.4 * np.sin(np.pi * down), elbow=0.8 * down)
    elif arms == 1:  # arms crossed
        held = _window(u, 0.0, 0.15)
        m.both_arms(flex=0.5 * held, hadd=0.6 * held, elbow=2.1 * held)
    else:  # reach back for the chair, then rest
        m.both_arms(flex=-0.5 * np.sin(np.pi * down) + 0.3 * down, abd=0.2 * down,
                    elbow=0.5 * down)


def _raise_arms(m: _Motion, u, rng, amp):
    reps = 1 if rng.random() < 0.7 else 2
    edges = np.linspace(0.06, 0.94, reps + 1)
    up = sum(_hold(u, a, a + 0.3 * (b - a), b - 0.3 * (b - a), b)
             for a, b in zip(edges[:-1], edges[1:]))
    shake = 0.1 * np.sin(2 * np.pi * _cycles(rng, 1.5, 2.5, m) * u) \
        * (rng.random() < 0.5) * up
    style = rng.integers(3)  # through the front / the side to overhead, or a T-pose
    if style == 0:
        m.both_arms(flex=rng.uniform(2.5, 2.95) * up + shake, abd=0.2 * up, elbow=0.2 * up)
    elif style == 1:
        m.both_arms(abd=rng.uniform(2.5, 2.95) * up + shake, flex=0.2 * up, elbow=0.2 * up)
    else:
        m.both_arms(abd=rng.uniform(1.35, 1.65) * up + shake, elbow=0.1 * up)
    m.trunk(bend=-0.08 * up, head=-0.15 * up)


def _side_step(m: _Motion, u, rng, amp):
    """Feet are planned first (one moves at a time, lifted), the pelvis follows,
    and hip abduction is solved so that each foot lands where it was planned."""
    body = m.body
    n = int(rng.integers(1, 4))
    s = 1 if rng.random() < 0.5 else -1
    step = min(rng.uniform(0.25, 0.4) * amp, 0.9 / n)  # stay within ~1 m of the start
    back = rng.random() < 0.4  # step out, then come back
    edges = np.linspace(0.08, 0.92, n * (2 if back else 1) + 1)
    foot = {+1: np.zeros(m.T), -1: np.zeros(m.T)}
    lifted = {+1: np.zeros(m.T), -1: np.zeros(m.T)}
    root = np.zeros(m.T)
    for i in range(len(edges) - 1):
        a, b = edges[i], edges[i + 1]
        w = b - a
        d = s if (not back or i < n) else -s
        foot[d] += d * step * _window(u, a, a + 0.5 * w)  # lead foot
        lifted[d] += _bump(u, a, a + 0.5 * w)
        foot[-d] += d * step * _window(u, a + 0.5 * w, b)  # trailing foot
        lifted[-d] += _bump(u, a + 0.5 * w, b)
        root += d * step * _window(u, a + 0.1 * w, b - 0.1 * w)
    leg_len = body.thigh + body.shank
    for side in (+1, -1):
        reach = side * (foot[side] - root) / leg_len  # outward foot offset from the hip
        m.leg(side, abd=np.arcsin(np.clip(reach, -0.8, 0.8)), knee=0.5 * lifted[side],
              flex=0.25 * lifted[side])
    m.root[:, 0] += root
    if rng.random() < 0.3:  # hands on the hips
        held = _hold(u, 0.0, 0.08, 0.92, 1.0)
        m.both_arms(abd=0.5 * held, hadd=-0.4 * held, elbow=1.6 * held)
    else:
        m.both_arms(abd=0.1 + rng.uniform(0.1, 0.5) * (lifted[+1] + lifted[-1]))


_ACTIONS: Tuple[Callable, ...] = (_wave, _punch, _kick, _squat, _jump, _clap, _walk, _bow,
                                  _arm_circles, _sit_down, _raise_arms, _side_step)
#: nominal duration (frames at 30 fps) of each class before speed variation
_NOMINAL_FRAMES = (75, 70, 70, 85, 75, 65, 85, 80, 75, 80, 75, 80)
#: arm sides (+1 right, -1 left) an action leaves free for incidental gestures
_FREE_ARMS = ((-1,), (), (1, -1), (), (), (), (), (), (), (1, -1), (), (1, -1))
assert len(_ACTIONS) == len(ACTION_CLASSES) == len(_NOMINAL_FRAMES) == len(_FREE_ARMS)


def _idle(m: _Motion, u, rng, amp=1.0):
    """Background person: sway, look around, maybe arms crossed / hands on hips."""
    ph = rng.uniform(0, 2 * np.pi, 3)
    m.root[:, 0] += 0.02 * np.sin(2 * np.pi * rng.uniform(0.3, 1.0) * u + ph[0])
    m.ang[NECK, 2] += 0.4 * np.sin(2 * np.pi * rng.uniform(0.2, 0.8) * u + ph[1])
    pose = rng.integers(0, 3)
    if pose == 1:  # arms crossed
        m.both_arms(flex=0.5, hadd=0.6, elbow=2.1)
    elif pose == 2:  # hands on hips
        m.both_arms(abd=0.5, elbow=1.6, hadd=-0.4)
    else:
        m.both_arms(abd=0.1, elbow=0.2 + 0.15 * np.sin(2 * np.pi * u + ph[2]))


def _posture_drift(m: _Motion, rng):
    """Slow, small random posture changes on every bone (style, not action)."""
    t = np.linspace(0, 1, m.T)
    freq = rng.uniform(0.2, 1.0, (NUM_JOINTS, 3, 1))
    phase = rng.uniform(0, 2 * np.pi, (NUM_JOINTS, 3, 1))
    drift = rng.normal(0, 1, (NUM_JOINTS, 3, 1)) + np.sin(2 * np.pi * freq * t + phase)
    m.ang += _DRIFT_SCALE[:, None, None] * drift
    m.ang[[L_ELB, R_ELB], 1] += np.array([-1, 1])[:, None] * 0.1  # arms not glued to the body
    m.ang[[L_WRI, R_WRI], 0] += 0.15  # relaxed elbows


def _stance(body: _Body, m: _Motion) -> np.ndarray:
    """Spine-base trajectory (T, 3) that keeps the supporting foot on the floor.

    The supporting leg is the longer one in vertical extent each frame; the root
    goes back (+z) by how far that leg's ankle would otherwise move forward.
    """
    ext_y, ext_z = [], []
    for knee_j, ank in ((R_KNEE, R_ANK), (L_KNEE, L_ANK)):
        hip, abd = m.ang[knee_j, 0], m.ang[knee_j, 1]
        shank = hip + m.ang[ank, 0]  # world pitch of the shank (knee flexion < 0)
        ext_y.append(np.cos(abd) * (body.thigh * np.cos(hip) + body.shank * np.cos(shank)))
        ext_z.append(body.thigh * np.sin(hip) + body.shank * np.sin(shank))
    ext_y, ext_z = np.stack(ext_y), np.stack(ext_z)
    support = np.argmax(ext_y, axis=0)
    frames = np.arange(m.T)
    root = m.root.copy()
    root[:, 1] += body.hip_drop + ext_y[support, frames] + body.ankle_height + m.lift
    root[:, 2] += ext_z[support, frames]
    return root


def _flat_feet(m: _Motion):
    """Ankle angles that keep a foot parallel to the floor."""
    for knee_j, ank, foot in ((R_KNEE, R_ANK, R_FOOT), (L_KNEE, L_ANK, L_FOOT)):
        m.ang[foot, 0] -= m.ang[knee_j, 0] + m.ang[ank, 0]


def _gesture(m: _Motion, u, rng, side: int):
    """An incidental arm gesture (touch head / face, hand on hip, reach) that has
    nothing to do with the label: actions are recognised despite it."""
    start = rng.uniform(0.0, 0.7)
    bump = _bump(u, start, start + rng.uniform(0.25, 0.6)) * rng.uniform(0.6, 1.0)
    kind = rng.integers(0, 4)
    if kind == 0:  # touch the head
        m.arm(side, flex=2.3 * bump, abd=0.3 * bump, elbow=2.3 * bump)
    elif kind == 1:  # hand to the face
        m.arm(side, flex=1.2 * bump, hadd=0.5 * bump, elbow=2.3 * bump)
    elif kind == 2:  # hand on the hip
        m.arm(side, abd=0.5 * bump, hadd=-0.4 * bump, elbow=1.6 * bump)
    else:  # reach forward
        m.arm(side, flex=1.0 * bump, elbow=0.4 * bump)


def _simulate(body: _Body, action: Callable, T: int, rng: np.random.Generator,
              amp: float, free_arms: Tuple[int, ...] = ()) -> np.ndarray:
    """World coordinates (T, V, 3), floor at y = 0, body facing -z at yaw 0.

    The action runs on a warped clock ``u`` in [0, 1] that starts after an idle
    lead-in and ends before an idle lead-out (together 0-55 % of the clip);
    ``free_arms`` (sides the action leaves alone) may make an unrelated gesture.
    """
    m = _Motion(T, body)
    lead_in, lead_out = rng.uniform(0.0, 0.3), rng.uniform(0.0, 0.25)
    lin = np.clip((np.arange(T) / max(T - 1, 1) - lead_in) / (1 - lead_in - lead_out), 0, 1)
    warp = rng.uniform(-0.5, 0.5)  # monotone: d/du = 1 + warp * cos(pi u) > 0
    u = lin + warp / np.pi * np.sin(np.pi * lin)
    action(m, u, rng, amp)
    if free_arms and rng.random() < 0.4:
        _gesture(m, np.arange(T) / max(T - 1, 1), rng, int(rng.choice(free_arms)))
    if rng.random() < 0.5:  # the subject turns a little during the clip
        a = rng.uniform(0.0, 0.6)
        m.yaw += rng.uniform(-0.5, 0.5) * _window(np.arange(T) / max(T - 1, 1), a, a + 0.4)
    _posture_drift(m, rng)
    _flat_feet(m)
    root = _stance(body, m)
    root = (_rot('y', m.yaw) @ root[..., None])[..., 0]  # stance offsets turn with the body
    return forward_kinematics(body.offsets, m.ang, root, m.yaw)
