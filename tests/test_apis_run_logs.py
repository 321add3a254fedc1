"""cmd_mmaction/apis/run_logs.py reads what mmengine's LocalVisBackend wrote: the
validation history, the last logged training losses and the losses per epoch of the
newest run."""
import json

import pytest

from cmd_mmaction.apis.run_logs import final_losses, last_and_best, loss_history, val_history


def write_run(work_dir, stamp, lines):
    log = work_dir / stamp / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text(''.join(json.dumps(line) + '\n' for line in lines))
    return log


TRAIN = [dict(lr=0.1, loss=9.0, loss_moco_joint=5.0, loss_cmd=4.0, acc_moco_joint=0.1,
              time=0.3, epoch=1, iter=20, step=20),
         dict(lr=0.1, loss=7.5, loss_moco_joint=4.5, loss_cmd=3.0, acc_moco_joint=0.2,
              time=0.3, epoch=2, iter=40, step=40)]
VAL = [{'knn/fused_top1': 0.3, 'step': 1}, {'knn/fused_top1': 0.5, 'step': 2}]


def test_losses_of_the_last_training_line_only(tmp_path):
    write_run(tmp_path, '20260101_000000', [TRAIN[0], VAL[0], TRAIN[1], VAL[1]])
    # loss and loss_* keys; not the accuracy, lr, time or counters
    assert final_losses(str(tmp_path)) == dict(loss=7.5, loss_moco_joint=4.5, loss_cmd=3.0)
    assert [r['knn/fused_top1'] for r in val_history(str(tmp_path), 'knn/fused_top1')] == [
        0.3, 0.5]
    assert last_and_best(str(tmp_path), 'knn/fused_top1') == dict(last=0.5, best=0.5, epoch=2)


def test_the_newest_run_is_read(tmp_path):
    write_run(tmp_path, '20260101_000000', [TRAIN[1]])
    write_run(tmp_path, '20260102_000000', [TRAIN[0]])  # a resumed / later run
    assert final_losses(str(tmp_path))['loss'] == 9.0


def test_errors_name_the_work_dir_or_the_log(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        final_losses(str(tmp_path))
    log = write_run(tmp_path, '20260101_000000', VAL)
    with pytest.raises(ValueError, match=f"{log}: no line reports 'loss'"):
        final_losses(str(tmp_path))
    log.write_text('{"loss": 1.0}\nnot json\n')
    with pytest.raises(ValueError, match=f'{log}:2: not JSON'):
        final_losses(str(tmp_path))


def test_loss_history_is_the_mean_of_each_epochs_lines(tmp_path):
    # two logged windows in epoch 1, one in epoch 2; validation lines are not losses
    half = dict(TRAIN[0], loss=11.0, loss_moco_joint=6.0, loss_cmd=5.0, iter=10, step=10)
    write_run(tmp_path, '20260101_000000', [half, TRAIN[0], VAL[0], TRAIN[1], VAL[1]])
    history = loss_history(str(tmp_path))
    assert history == dict(loss=[[1, 10.0], [2, 7.5]], loss_moco_joint=[[1, 5.5], [2, 4.5]],
                           loss_cmd=[[1, 4.5], [2, 3.0]])
    assert json.loads(json.dumps(history)) == history  # kept as is in results.json


def test_loss_history_needs_epochs(tmp_path):
    line = {k: v for k, v in TRAIN[0].items() if k != 'epoch'}
    write_run(tmp_path, '20260101_000000', [line])
    with pytest.raises(ValueError, match='has no epoch'):
        loss_history(str(tmp_path))
