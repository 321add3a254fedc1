"""Tuning splits: a training split cut in two by group (subject, camera, setup), so that
recipes and hyper-parameters are chosen without looking at the test split.

The group of a sample is read from its name (``frame_dir``) by a regular expression
with one capture group: NTU's ``S001C002P003R001A005`` has subject ``P(\\d{3})``,
camera ``C(\\d{3})``, setup ``S(\\d{3})``; :data:`GROUP_PATTERNS` names the ones of
the datasets here. The held-out groups become ``<prefix>_val_tune``, the rest
``<prefix>_train_tune`` (``xsub_train`` -> ``xsub_train_tune`` / ``xsub_val_tune``),
both in the order of the training split. The MSR Action3D and Northwestern-UCLA
converters write theirs with it; ``tools/data/add_tuning_split.py`` adds one to any
PoseDataset pickle (mmaction2's NTU pickles included).
"""
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

Group = Union[int, str]

GROUP_PATTERNS = {
    'ntu-subject': r'P(\d{3})',
    'ntu-camera': r'C(\d{3})',
    'ntu-setup': r'S(\d{3})',
    'msr-subject': r'_s(\d{2})_',
    'nw-ucla-view': r'_v(\d{2})$',
}


def tuning_split_names(train_split: str) -> Tuple[str, str]:
    """``xsub_train`` -> ``('xsub_train_tune', 'xsub_val_tune')``; other names get
    ``_tune_train`` / ``_tune_val`` appended."""
    if train_split.endswith('_train'):
        prefix = train_split[:-len('_train')]
        return f'{prefix}_train_tune', f'{prefix}_val_tune'
    return f'{train_split}_tune_train', f'{train_split}_tune_val'


def _group(value: str) -> Group:
    return int(value) if value.isdigit() else value


@dataclass(frozen=True)
class TuningSplit:
    """Hold out ``holdout`` groups (as the pattern reads them: digits are compared as
    numbers, so ``7`` matches ``s07``) of ``train_split``.

    Args:
        train_split (str): the split to cut, e.g. ``xsub_train``.
        pattern (str): a key of :data:`GROUP_PATTERNS` or a regular expression with
            one capture group, searched in each name.
        holdout (sequence): the groups that validate.
    """
    train_split: str
    pattern: str
    holdout: Sequence[Group]

    def group_of(self, name: str) -> Group:
        regex = GROUP_PATTERNS.get(self.pattern, self.pattern)
        match = re.search(regex, name)
        if match is None or not match.groups():
            raise ValueError(f'sample {name!r}: the group pattern {regex!r} does not match '
                             'it (or has no capture group)')
        return _group(match.group(1))

    def carve(self, split: Dict[str, List[str]], strict: bool = True) -> Dict[str, List[str]]:
        """The two tuning splits of ``split`` (a PoseDataset ``split`` dict).

        ``strict=False`` (a converter run on part of a dataset) allows absent held-out
        groups and an empty part.

        Raises:
            ValueError: the training split is missing, a name does not match the
                pattern, or (strict) a held-out group is absent or the training part
                would be empty.
        """
        if self.train_split not in split:
            raise ValueError(f'no split {self.train_split!r} to cut (splits: '
                             f'{sorted(split)})')
        names = split[self.train_split]
        groups = [self.group_of(name) for name in names]
        holdout = {_group(str(g)) for g in self.holdout}
        missing = sorted(map(str, holdout - set(groups)))
        if missing and strict:
            raise ValueError(f'held-out group(s) {", ".join(missing)} not in '
                             f'{self.train_split!r} (its groups: '
                             f'{", ".join(map(str, sorted(set(groups), key=str)))})')
        train_name, val_name = tuning_split_names(self.train_split)
        out = {train_name: [n for n, g in zip(names, groups) if g not in holdout],
               val_name: [n for n, g in zip(names, groups) if g in holdout]}
        if not out[train_name] and strict:
            raise ValueError(f'holding out {sorted(map(str, holdout))} leaves nothing of '
                             f'{self.train_split!r} to train on')
        return out
