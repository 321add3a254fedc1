"""LinearClsHead: the CMD downstream classifier on a pooled (N, D) feature (docs/method_cmd.md)."""
import pytest
import torch

import cmd_mmaction  # noqa: F401
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample


def build_head(**kwargs):
    head = MODELS.build(dict(type='LinearClsHead', num_classes=5, in_channels=3000, **kwargs))
    head.init_weights()
    return head


def test_init_is_normal_001_weight_and_zero_bias():
    torch.manual_seed(0)
    head = build_head()
    assert head.fc.bias.abs().max() == 0
    assert head.fc.weight.mean().item() == pytest.approx(0.0, abs=1e-3)
    assert head.fc.weight.std().item() == pytest.approx(0.01, rel=0.05)


def test_forward_is_the_affine_map_and_checks_shape():
    head = build_head()
    x = torch.randn(4, 3000)
    torch.testing.assert_close(head(x), x @ head.fc.weight.T + head.fc.bias)
    with pytest.raises(ValueError, match=r'\(N, 3000\)'):
        head(torch.randn(4, 7))


def test_loss_is_cross_entropy_and_predict_averages_clips():
    head = build_head(average_clips='prob')
    x = torch.randn(4, 3000)
    samples = [ActionDataSample().set_gt_label(label) for label in (0, 1, 2, 3)]
    losses = head.loss(x, samples)
    expected = torch.nn.functional.cross_entropy(head(x), torch.tensor([0, 1, 2, 3]))
    torch.testing.assert_close(losses['loss_cls'], expected)
    # two clips per sample: the prediction is the mean of the clips' softmax
    preds = head.predict(x, samples[:2])
    probs = head(x).softmax(dim=1).view(2, 2, 5).mean(dim=1)
    torch.testing.assert_close(preds[0].pred_score, probs[0])
