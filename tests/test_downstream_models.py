"""PretrainedEncoder (strict init_cfg) and FrozenRecognizerGCN, in process."""
import pytest
import torch
from mmengine.registry import init_default_scope

import cmd_mmaction  # noqa: F401
from mmaction.registry import MODELS

TINY_GRU = dict(type='BiGRU', hidden=8, num_layers=1)
TINY_GCN = dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                base_channels=16, num_stages=2, inflate_stages=[2], down_stages=[2])


@pytest.fixture(scope='module')
def cmd_ckpt(tmp_path_factory):
    """A CMD state dict saved like mmengine does (``state_dict`` + ``meta``)."""
    torch.manual_seed(0)
    model = MODELS.build(dict(type='CMD', backbone=TINY_GCN, pool=dict(type='SkeletonGlobalPool'),
                              neck=dict(type='ProjectionNeck', in_channels=32,
                                        hid_channels=32, out_channels=8),
                              queue_len=8, distill=dict(type='CMDLoss', topk=4)))
    model.init_weights()
    for name, buf in model.named_buffers():  # BN statistics must load too
        if 'running_mean' in name:
            buf.uniform_(-1, 1)
    path = tmp_path_factory.mktemp('ckpt') / 'cmd.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), path)
    return path, model


def _recognizer(backbone, head, frozen=True):
    init_default_scope('mmaction')
    cfg = dict(type='SkeletonRecognizer', frozen=('backbone', ) if frozen else (),
               backbone=backbone, cls_head=head)
    return MODELS.build(cfg)


def test_pretrained_encoder_loads_the_chosen_stream(cmd_ckpt):
    path, cmd = cmd_ckpt
    backbone = dict(TINY_GCN, init_cfg=dict(type='PretrainedEncoder', checkpoint=str(path),
                                            prefix='encoder_q.motion.backbone.'))
    model = _recognizer(backbone, dict(type='GCNHead', num_classes=5, in_channels=32))
    model.init_weights()
    want = cmd.encoder_q['motion'].backbone.state_dict()
    got = model.backbone.state_dict()
    assert want.keys() == got.keys()
    for key in want:  # children's own init_cfgs did not overwrite the loaded weights
        assert torch.equal(want[key], got[key]), key
    x = torch.randn(3, 2, 16, 25, 3, generator=torch.Generator().manual_seed(0))
    model.eval()
    feat = model.cls_head.pool(model.backbone(x).flatten(0, 1)).view(3, 2, -1).mean(1)
    assert torch.allclose(feat, cmd.encoder_q['motion'].eval().represent(x), atol=1e-6)


@pytest.mark.parametrize('prefix,backbone,message', [
    ('encoder_q.omega.backbone.', TINY_GCN, "no key starts with 'encoder_q.omega.backbone.'"),
    ('encoder_q.joint.backbone.', TINY_GRU, 'missing from the checkpoint'),
    ('encoder_q.joint.backbone.', dict(TINY_GCN, base_channels=8), 'shape mismatch'),
])
def test_pretrained_encoder_refuses_what_does_not_fit(cmd_ckpt, prefix, backbone, message):
    path, _ = cmd_ckpt
    backbone = dict(backbone, init_cfg=dict(type='PretrainedEncoder', checkpoint=str(path),
                                            prefix=prefix))
    model = _recognizer(backbone, dict(type='LinearClsHead', num_classes=5, in_channels=16))
    with pytest.raises(ValueError, match=message):
        model.init_weights()


def test_skeleton_recognizer_frozen_trains_only_the_head():
    model = _recognizer(TINY_GRU, dict(type='LinearClsHead', num_classes=4, in_channels=16))
    model.init_weights()
    model.train()
    assert not model.backbone.training and not model.backbone.input_norm.training
    assert model.cls_head.training
    assert all(not p.requires_grad for p in model.backbone.parameters())
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    optim = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    x = torch.randn(6, 1, 2, 16, 25, 3, generator=torch.Generator().manual_seed(1))
    scores, _ = model.extract_feat(x, stage='head')
    loss = torch.nn.functional.cross_entropy(scores, torch.arange(6) % 4)
    loss.backward()
    optim.step()
    after = model.backbone.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # incl. BN running stats
    assert model.cls_head.fc.weight.grad is not None


def test_skeleton_recognizer_computes_its_stream_from_the_pretrained_checkpoint(cmd_ckpt):
    """modality='bone' + pretrained: the encoder_q.bone backbone, fed the bone stream of the
    joints, gives exactly CMD's bone representation."""
    path, cmd = cmd_ckpt
    init_default_scope('mmaction')
    model = MODELS.build(dict(type='SkeletonRecognizer', modality='bone', frozen=('backbone', ),
                              backbone=TINY_GCN, pretrained=str(path),
                              cls_head=dict(type='GCNHead', num_classes=5, in_channels=32)))
    assert model.backbone.init_cfg['prefix'] == 'encoder_q.bone.backbone.'
    model.init_weights()
    x = torch.randn(3, 1, 2, 16, 25, 3, generator=torch.Generator().manual_seed(3))
    feat, _ = model.eval().extract_feat(x, stage='backbone')
    pooled = feat.mean(dim=(3, 4)).mean(dim=1)
    torch.testing.assert_close(pooled, cmd.eval().extract_feat(x, 'bone'), rtol=1e-5, atol=1e-6)


def test_skeleton_recognizer_rejects_unknown_part():
    init_default_scope('mmaction')
    with pytest.raises(ValueError, match='neck'):
        MODELS.build(dict(type='SkeletonRecognizer', frozen=('neck', ), backbone=TINY_GRU,
                          cls_head=dict(type='LinearClsHead', num_classes=4, in_channels=16)))


def _multi(**kwargs):
    init_default_scope('mmaction')
    stream = dict(backbone=TINY_GCN, cls_head=dict(type='GCNHead', num_classes=5, in_channels=32))
    cfg = dict(type='MultiStreamRecognizer',
               streams=dict(j=dict(modality='j', **stream), b=dict(modality='bone', **stream)))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_multi_stream_fuses_by_hand_and_pools_features():
    torch.manual_seed(0)
    model = _multi(weights=[3, 1], store_features=True).eval()
    x = torch.randn(2, 2, 2, 16, 25, 3, generator=torch.Generator().manual_seed(2))  # 2 clips
    from cmd_mmaction.skeleton.modalities import compute_modality
    with torch.no_grad():
        samples = model(x, mode='predict')
        probs, feats = {}, {}
        for name, modality in (('j', 'joint'), ('b', 'bone')):
            sub = model.streams[name]
            xs = compute_modality(modality, x).flatten(0, 1)          # (N*clips, M, T, V, C)
            probs[name] = sub.cls_head(sub.backbone(xs)).softmax(-1).view(2, 2, -1).mean(1)
            g = sub.backbone(xs)                                      # (N*clips, M, C, T, V)
            feats[name] = g.mean(dim=(3, 4)).mean(dim=1).view(2, 2, -1).mean(1)
    for i, sample in enumerate(samples):
        torch.testing.assert_close(sample.pred_score, (3 * probs['j'][i] + probs['b'][i]) / 4)
        torch.testing.assert_close(sample.pred_score_b, probs['b'][i])
        torch.testing.assert_close(sample.feat_j, feats['j'][i])
        assert sample.pred_label.item() == sample.pred_score.argmax().item()


@pytest.mark.parametrize('kwargs,message', [
    (dict(weights=[1]), 'weights'), (dict(weights=[0, 0]), 'weights'),
    (dict(fuse='max'), 'fuse'), (dict(streams={}), 'streams'),
])
def test_multi_stream_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _multi(**kwargs)


def test_multi_stream_refuses_training():
    with pytest.raises(ValueError, match='train every stream'):
        _multi()(torch.zeros(1, 1, 2, 8, 25, 3), mode='loss')
