"""Northwestern-UCLA configs (real Kinect v1 recordings, layout 'kinect-v1'): they fit the
data and each other, the ablation's shear-only views differ from the official ones only
by the joint corruption, and the monitor stays on the training views."""
from pathlib import Path

import pytest

import cmd_mmaction  # noqa: F401
from cmd_mmaction.apis.studies import NW_UCLA
from cmd_mmaction.utils import load_config
from adam_variants import assert_only_the_optimizer_differs

ROOT = Path(__file__).resolve().parents[1]
CMD = ROOT / 'configs/cmd/cmd_bigru-h128_1xb32-40e_nw-ucla-xview-3d.py'
MOCO = ROOT / 'configs/moco/moco_bigru-h128_1xb32-40e_nw-ucla-xview-3d.py'
CMD_ADAM = ROOT / 'configs/cmd/cmd_bigru-h128_1xb32-40e-adam_nw-ucla-xview-3d.py'
MOCO_ADAM = ROOT / 'configs/moco/moco_bigru-h128_1xb32-40e-adam_nw-ucla-xview-3d.py'
LINEAR = ROOT / 'configs/linear/linear_bigru-h128_1xb32-20e_nw-ucla-xview-3d-{}.py'
SUPERVISED = ROOT / 'configs/supervised/bigru-h128_1xb32-30e_nw-ucla-xview-3d-joint.py'
NTU_CMD = ROOT / 'configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py'


def _view_transforms(cfg):
    multi_view = [t for t in cfg.train_dataloader.dataset.pipeline if t['type'] == 'MultiView']
    return [t['type'] for t in multi_view[0]['transforms']]


def test_moco_is_cmd_without_distillation():
    cmd, moco = load_config(str(CMD)), load_config(str(MOCO))
    assert moco.model.pairs == () and cmd.model.pairs is None  # None: all 6 pairs
    moco.model.pairs = cmd.model.pairs
    assert moco.model.to_dict() == cmd.model.to_dict()
    assert moco.train_dataloader.to_dict() == cmd.train_dataloader.to_dict()
    assert moco.param_scheduler == cmd.param_scheduler and moco.train_cfg == cmd.train_cfg


def test_the_adam_configs_differ_only_in_the_optimizer():
    assert_only_the_optimizer_differs(CMD, CMD_ADAM)
    assert_only_the_optimizer_differs(MOCO, MOCO_ADAM)


def test_configs_fit_the_kinect_v1_skeleton_and_the_cross_view_protocol():
    cmd = load_config(str(CMD))
    assert cmd.model.layout == 'kinect-v1'
    assert (cmd.model.backbone.num_joints, cmd.model.backbone.num_person) == (20, 1)
    assert cmd.model.distill.topk <= cmd.model.queue_len
    assert cmd.train_dataloader.dataset.split == 'xview_train'  # views 1 and 2
    # the monitor: view 2 against a bank of view 1; the test loader: view 3 against 1 + 2
    assert cmd.val_dataloader.dataset.bank.split == 'xview_train_tune'
    assert cmd.val_dataloader.dataset.query.split == 'xview_val_tune'
    assert cmd.test_dataloader.dataset.bank.split == 'xview_train'
    assert cmd.test_dataloader.dataset.query.split == 'xview_val'
    assert cmd.train_dataloader.dataset.pipeline[0] == dict(type='CMDPreNormalize',
                                                            layout='kinect-v1')
    for stream in ('joint', 'motion', 'bone'):
        linear = load_config(str(LINEAR).format(stream))
        assert (linear.model.modality, linear.model.layout) == (stream, 'kinect-v1')
        assert linear.model.cls_head.num_classes == 10
        assert linear.model.backbone.to_dict() == cmd.model.backbone.to_dict()
        assert linear.model.pretrained.endswith('cmd_bigru-h128_1xb32-40e_nw-ucla-xview-3d/'
                                                'epoch_40.pth')
        assert linear.test_dataloader.dataset.split == 'xview_val'
    supervised = load_config(str(SUPERVISED))
    assert supervised.model.pretrained is None and supervised.model.frozen == ()
    assert supervised.model.backbone.to_dict() == cmd.model.backbone.to_dict()


def test_official_views_and_the_shear_only_alternative():
    ntu, ucla = load_config(str(NTU_CMD)), load_config(str(CMD))
    assert _view_transforms(ntu) == _view_transforms(ucla) == ['TemporalCropResize',
                                                               'RandomChoiceOf']
    # the ablation's alternative: every view sheared, no joint corruption
    shear = load_config(str(CMD), {'view_pipeline': '{shear_views}'})
    assert _view_transforms(shear) == ['TemporalCropResize', 'RandomShear']
    views = [t for t in shear.train_dataloader.dataset.pipeline if t['type'] == 'MultiView']
    assert views[0]['transforms'][0]['clip_len'] == 32  # NW-UCLA's clip length


def test_study_spec_names_existing_configs_and_the_published_numbers():
    for path in NW_UCLA.configs.values():
        for stream in ('joint', 'motion', 'bone'):
            assert Path(path.format(stream)).is_file(), path
    options = [opts for _, _, opts in NW_UCLA.ablation_variants]
    assert options == [('view_pipeline={shear_views}', ), ()]
    from cmd_mmaction.apis.studies import NW_UCLA_PUBLISHED
    assert [v for _, _, v in NW_UCLA_PUBLISHED] == [74.3, 76.8, 84.9, 96.5]


@pytest.mark.parametrize('ablation,count', [('cmd', 3), ('queue_topk_pairs', 4)])
def test_the_named_ablation_variants_build_valid_configs(ablation, count):
    """recipe_ablation.py --dataset nw_ucla --ablation <name>: every variant's options
    reach the model it trains, pass the config check and build."""
    from cmd_mmaction.apis.study import ablation_of
    from cmd_mmaction.engine import validate_config
    from cmd_mmaction.utils import parse_options
    from mmaction.registry import MODELS
    variants, page = ablation_of(NW_UCLA, ablation)
    assert page == f'results_nw_ucla_ablation_{ablation}.md' and len(variants) == count
    for name, method, options in variants:
        cfg = load_config(NW_UCLA.configs[method], list(options))
        validate_config(cfg, 'train', 'none')
        parsed = parse_options(options)
        for key, value in parsed.items():
            node = cfg
            for part in key.split('.'):
                node = node[part]
            assert node == value, (name, key)
        model = MODELS.build(cfg.model)
        assert model.queues['joint'].length == cfg.model.queue_len, name
        if 'model.pairs' in parsed:
            assert ('joint', 'motion') not in model.pairs and len(model.pairs) == 4
    with pytest.raises(ValueError, match="no ablation 'nope'"):
        ablation_of(NW_UCLA, 'nope')
