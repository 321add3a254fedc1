"""``--cfg-options`` keys that change nothing are warned about (typos, file variables)."""
from mmengine.config import Config

from cmd_mmaction.engine.cfg_options import unknown_option_keys, warn_unknown_options
from cmd_mmaction.utils import resolve_variables
from cmd_runs import CONFIG, EVAL, ROOT, TINY, data_options
from mmlog import captured_log
from tools import test as test_tool
from tools import train as train_tool

LINEAR = str(ROOT / 'configs/linear/linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-joint.py')


def test_typo_keys_are_found_and_nothing_else():
    cfg = Config.fromfile(CONFIG)
    options = {'lod_from': 'x.pth', 'model.queue_len': 8, 'experiment_name': 'e',
               'model_wrapper_cfg': {}, 'train_dataloader.batch_size': 2, 'clip_len': 8,
               'custom_hooks.0.skip': True, 'trian_cfg.max_epochs': 1, 'lod_from.x': 1}
    assert unknown_option_keys(cfg, options) == ['lod_from', 'trian_cfg']


def _warnings(tool, argv):
    with captured_log() as messages:
        tool.merge_args(Config.fromfile(argv[0]), tool.parse_args(argv))
    return [m for m in messages if m.startswith('--cfg-options: ')]


def test_train_warns_about_a_typo_with_the_closest_key(tmp_path):
    argv = [CONFIG, '--work-dir', str(tmp_path), '--cfg-options', 'lod_from=/x/epoch_3.pth',
            *data_options('/data/x.pkl'), *TINY, *EVAL, 'experiment_name=e']
    assert _warnings(train_tool, argv) == [
        "--cfg-options: 'lod_from' is not a key of the config and nothing reads it, so it has "
        "no effect; did you mean 'load_from'?"]
    assert _warnings(train_tool, argv[:4] + argv[5:]) == []  # the same run without the typo


def test_test_tool_warns_too(tmp_path):
    warnings = _warnings(test_tool, [CONFIG, 'random-init', '--cfg-options', 'tset_cfg=None'])
    assert warnings == ["--cfg-options: 'tset_cfg' is not a key of the config and nothing "
                        "reads it, so it has no effect; did you mean 'test_cfg'?"]


def test_a_file_variable_names_the_keys_to_set_instead():
    cfg = Config.fromfile(LINEAR)
    assert warn_unknown_options(cfg, {'dataset_type': 'PoseDataset'}) == ['dataset_type']
    with captured_log() as messages:
        warn_unknown_options(cfg, {'dataset_type': 'PoseDataset'})
    assert len(messages) == 1 and messages[0].startswith(
        "--cfg-options: 'dataset_type' is a variable of the config file; the values the file "
        'computed from it keep their old value: set train_dataloader.dataset.type')
    cfg.merge_from_dict({'dataset_type': 'PoseDataset'})  # what the warning says really happens
    assert resolve_variables(cfg).train_dataloader.dataset.type == 'SkeletonPoseDataset'


def test_placeholder_variables_take_effect_without_a_warning():
    cfg = Config.fromfile(LINEAR)
    options = {'pretrained': '/new.pth', 'clip_len': 8, 'ann_file': '/d.pkl'}
    assert warn_unknown_options(cfg, options) == []
    cfg.merge_from_dict(options)
    resolve_variables(cfg)
    assert cfg.model.pretrained == '/new.pth'
    assert cfg.train_dataloader.dataset.ann_file == cfg.val_dataloader.dataset.ann_file == '/d.pkl'
    assert cfg.train_dataloader.dataset.pipeline[2].clip_len == 8
