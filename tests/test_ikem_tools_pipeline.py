"""IKEM end to end through tools/train.py and tools/test.py on generated data:
teacher pretraining (stage 2 from the first step) -> relational KD student ->
linear evaluation of the student's joint encoder (tiny models, 1 epoch each)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.slow  # trains or runs the tools

ROOT = Path(__file__).resolve().parents[1]
CFG = ROOT / 'configs/ikem'
TEACHER = CFG / 'ikem-teacher_stgcn-w16_1xb128-300e_ntu60-xsub-3d.py'
STUDENT = CFG / 'ikem-student_stgcn-w16_1xb128-150e_ntu60-xsub-3d.py'
LINEAR = CFG / 'linear_ikem-student-joint_stgcn-w16_1xb128-100e_ntu60-xsub-3d.py'
TINY = ['num_stages=2', 'inflate_stages=[2]', 'down_stages=[2]']
LOADERS = ['train_dataloader.batch_size=4', 'val_dataloader.batch_size=4',
           'test_dataloader.batch_size=4', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
           'train_cfg.val_interval=1'] + [
    f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    for key in ('num_workers=0', 'persistent_workers=False')]


def _run(tool, config, work, opts, *extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, str(ROOT / 'tools' / tool), str(config), *extra,
                           '--work-dir', str(work), '--cfg-options', *opts],
                          cwd=work, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def _pretrain_data(ann):
    return [f'ann_file={ann}']  # every dataset of the config reads '{ann_file}'


@pytest.fixture(scope='module')
def pipeline(tmp_path_factory, tiny_synthetic_pkl):
    root = tmp_path_factory.mktemp('ikem_e2e')
    runs = {}
    teacher_opts = (_pretrain_data(tiny_synthetic_pkl) + LOADERS
                    + [f'backbone.{o}' for o in TINY]
                    + ['neck.in_channels=32', 'neck.hid_channels=32',
                       'model.ikem.in_channels=32', 'model.ikem.hid_channels=32',
                       'model.queue_len=16', 'model.cross_epoch=0'])
    (root / 'teacher').mkdir()
    runs['teacher'] = _run('train.py', TEACHER, root / 'teacher', teacher_opts)
    teacher_ckpt = root / 'teacher' / 'epoch_1.pth'
    student_opts = (_pretrain_data(tiny_synthetic_pkl) + LOADERS
                    + [f'backbone.{o}' for o in TINY]  # the teacher's and the students'
                    + ['neck.in_channels=32', 'neck.hid_channels=32',  # the teacher's
                       'model.teacher.ikem.in_channels=32', 'model.teacher.queue_len=16',
                       'model.neck.in_channels=32', 'model.neck.hid_channels=32',
                       'model.queue_len=16', f'teacher_checkpoint={teacher_ckpt}'])
    (root / 'student').mkdir()
    runs['student'] = _run('train.py', STUDENT, root / 'student', student_opts)
    linear_opts = ([f'ann_file={tiny_synthetic_pkl}'] + LOADERS + [f'backbone.{o}' for o in TINY]
                   + ['model.cls_head.in_channels=32', 'num_classes=12',  # IKEM's own head
                      f'pretrained={root / "student" / "epoch_1.pth"}'])
    (root / 'linear').mkdir()
    runs['linear'] = _run('train.py', LINEAR, root / 'linear', linear_opts)
    runs['test'] = _run('test.py', LINEAR, root / 'linear', linear_opts,
                        str(root / 'linear' / 'epoch_1.pth'))
    return root, runs


def test_teacher_trains_cross_and_ikem_losses_and_monitors_knn(pipeline):
    root, runs = pipeline
    assert 'loss_cross_omega' in runs['teacher'] and 'loss_ikem_joint' in runs['teacher']
    assert 'knn/omega_top1' in runs['teacher'] and 'knn/fused_top1' in runs['teacher']
    assert (root / 'teacher' / 'epoch_1.pth').is_file()


def test_student_distils_from_the_unchanged_teacher(pipeline):
    root, runs = pipeline
    assert all(f'loss_kd_{m}' in runs['student'] for m in ('joint', 'motion', 'bone'))
    assert 'knn/bone_top1' in runs['student']
    teacher = torch.load(root / 'teacher' / 'epoch_1.pth', weights_only=False)['state_dict']
    student = torch.load(root / 'student' / 'epoch_1.pth', weights_only=False)['state_dict']
    frozen = {k[len('teacher.'):]: v for k, v in student.items() if k.startswith('teacher.')}
    assert frozen and len(frozen) == len([k for k in teacher if k.startswith('encoder_q.')])
    for key, value in frozen.items():
        assert torch.equal(value, teacher['encoder_q.' + key]), key


def test_linear_evaluation_of_the_student_trains_and_tests(pipeline):
    root, runs = pipeline
    assert 'Epoch(val) [1]' in runs['linear'] and 'acc/top1' in runs['linear']
    assert 'Epoch(test)' in runs['test'] and 'acc/top1' in runs['test']
    student = torch.load(root / 'student' / 'epoch_1.pth', weights_only=False)['state_dict']
    linear = torch.load(root / 'linear' / 'epoch_1.pth', weights_only=False)['state_dict']
    backbone = {k: v for k, v in linear.items() if k.startswith('backbone.')
                and 'running' not in k and 'num_batches' not in k}
    assert backbone
    for key, value in backbone.items():   # frozen: still the pretrained student weights
        assert torch.equal(value, student['encoder_student.joint.' + key]), key
