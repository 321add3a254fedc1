"""Procedural NTU-25 skeleton actions: the project's embedded default dataset.

Every clip is a kinematic body (NTU RGB+D joint order, bone lengths in metres)
driven by per-bone joint angles through forward kinematics, seen by a
Kinect-like camera. Nothing is downloaded; the same seed gives the same bytes.

Coordinates follow Kinect camera space (right-handed, metres): ``y`` up, ``z``
the depth away from the sensor (about 2.5-3.5 m), ``x`` towards the sensor's
left, i.e. towards the right hand of a subject who faces the sensor.

What varies (so that a model has to learn motion, not memorise coordinates):

* subject: height (0.85-1.1 x a 1.75 m adult) and limb / shoulder proportions,
  a personal speed and amplitude habit (fixed per subject id);
* clip: duration 40-120 frames (30 fps), amplitude, phase, repetition count,
  idle lead-in/out, slow posture drift, camera yaw (three NTU-like cameras at
  0/-45/+45 degrees, +-20 degrees jitter), camera pitch (+-10 degrees), camera
  height and subject position;
* sensor: Gaussian joint noise (3-12 mm, 2.5x on hand tips / thumbs), and
  Kinect-like tracking loss: a limb, or the whole frame, reads zeros for
  1-6 frames in some clips;
* a second, idle person (swaying, looking around, arms crossed, ...) beside
  the actor in about 30 % of the clips (keypoint ``M = 2``, else ``M = 1``);
* the actor: idle lead-in / lead-out (0-55 % of the clip), a monotone time
  warp, a slight turn during the clip, and unrelated gestures (touching the
  head, hand on hip ...) with an arm the action leaves free.

Classes share postures and differ in dynamics (see :data:`ACTION_CLASSES`), and
each class has several styles so that a posture alone rarely names the class:
an overhead wave looks like raised arms, a T-pose arm raise like arm circles,
a side kick like a side step, a knee strike like walking in place, a squat with
one repetition like sitting down and getting up, a jumping jack like both arm
raising and side stepping. Randomly initialised encoders therefore do clearly
worse than trained ones (raw coordinates after ``PreNormalize3D`` remain a
fair nearest-neighbour baseline).

Output is mmaction2's PoseDataset pickle (see :func:`generate_dataset`).

Layers, one module each: :mod:`.body` (joints, kinematics, subjects) ->
:mod:`.motions` (the action library) -> :mod:`.dataset` (camera, sensor, splits, writing).
The modules share their underscore helpers; the names below are the public ones.
"""
from .body import BONES, NUM_JOINTS, PARENTS, forward_kinematics, subject_body
from .dataset import clip_name, generate_clip, generate_dataset, write_dataset
from .motions import ACTION_CLASSES

__all__ = ['ACTION_CLASSES', 'NUM_JOINTS', 'PARENTS', 'BONES', 'forward_kinematics',
           'generate_dataset', 'generate_clip', 'write_dataset', 'subject_body', 'clip_name']
