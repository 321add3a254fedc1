"""Wrong configs fail at once, with one clear error each, before any data is read.

Every case points the datasets at a file that does not exist: reaching the data
would raise 'annotation file not found' instead of the expected message.
"""
import pytest
from mmengine.config import Config

from cmd_mmaction.engine import validate_config
from cmd_runs import CONFIG, ROOT, TINY, data_options, train_tool

SUPERVISED = str(ROOT / 'configs/supervised/stgcn_1xb16-joint-10e_synthetic-xsub-3d.py')
MISSING_DATA = '/nonexistent/ntu60_3d.pkl'


@pytest.mark.parametrize('options, error, message', [
    (['model.modalities=[joint,depth]'], ValueError,
     r"config model.modalities: unknown modality 'depth'"),
    (['model.topk=20'], ValueError, r'model.topk \(20\) exceeds model.queue_len \(10\)'),
    (['train_dataloader.batch_size=16'], ValueError,
     r'queue_len \(10\) is smaller than the global batch \(16 x 1 processes'),
    (['model.backbone.init_cfg.type=Pretrained', 'model.backbone.init_cfg.checkpoint=/no/w.pth'],
     FileNotFoundError, r'model.backbone.init_cfg: Pretrained checkpoint /no/w.pth does not'),
    (['load_from=/no/ckpt.pth'], FileNotFoundError, r'load_from: checkpoint /no/ckpt.pth'),
], ids=['unknown-modality', 'topk-over-queue', 'queue-under-batch', 'missing-pretrained',
        'missing-load-from'])
def test_pretraining_config_errors(tmp_path, options, error, message):
    with pytest.raises(error, match=message):
        train_tool.main([CONFIG, '--work-dir', str(tmp_path), '--cfg-options',
                         *data_options(MISSING_DATA), *TINY, *options])
    assert not any(tmp_path.iterdir())  # nothing was built: no log, no dump of the config


def test_mismatched_number_of_classes(tmp_path):
    opts = [f'{loader}.dataset.ann_file={MISSING_DATA}'
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    with pytest.raises(ValueError, match=r'model.cls_head.num_classes is 12 but '
                       r'train_dataloader.dataset.ann_file .*ntu60_3d.pkl is a 60-class'):
        train_tool.main([SUPERVISED, '--work-dir', str(tmp_path), '--cfg-options', *opts])


def test_global_batch_counts_every_process(monkeypatch):
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({'model.queue_len': 48, 'model.topk': 8,
                         'train_dataloader.batch_size': 32})
    validate_config(cfg)  # 32 keys fit in 48 slots on one process
    monkeypatch.setenv('WORLD_SIZE', '2')
    with pytest.raises(ValueError, match=r'\(32 x 2 processes = 64\)'):
        validate_config(cfg, 'pytorch')


def test_disabled_loaders_are_fine():
    cfg = Config.fromfile(SUPERVISED)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None  # what --no-validate does
    validate_config(cfg)
