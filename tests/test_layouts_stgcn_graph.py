"""Registered skeleton layouts as mmaction2 ST-GCN graphs (how a new skeleton, e.g.
MSR Action3D's 20 Kinect joints, gets an ST-GCN)."""
import numpy as np
import pytest
import torch

import cmd_mmaction  # noqa: F401
from cmd_mmaction.skeleton.layouts import stgcn_graph_layout
from mmaction.models.utils.graph import Graph
from mmaction.registry import MODELS


@pytest.mark.parametrize('name', ['coco', 'openpose'])
@pytest.mark.parametrize('mode', ['stgcn_spatial', 'spatial'])
def test_dict_layout_equals_mmaction2_builtin(name, mode):
    ours = Graph(layout=stgcn_graph_layout(name), mode=mode).A
    np.testing.assert_array_equal(ours, Graph(layout=name, mode=mode).A)


def test_msr20_edges_are_the_dataset_bones():
    # ../shared/data/README.md, 1-based (parent, child); root: hip centre 7
    bones = [(7, 4), (4, 3), (3, 20), (3, 1), (3, 2), (1, 8), (2, 9), (8, 10), (9, 11),
             (10, 12), (11, 13), (7, 5), (7, 6), (5, 14), (6, 15), (14, 16), (15, 17),
             (16, 18), (17, 19)]
    graph = stgcn_graph_layout('msr20')
    assert graph['num_node'] == 20 and graph['center'] == 6
    assert sorted(graph['inward']) == sorted((c - 1, p - 1) for p, c in bones)


def test_stgcn_on_the_msr20_graph_builds_and_runs():
    backbone = MODELS.build(dict(
        type='STGCN', graph_cfg=dict(layout=stgcn_graph_layout('msr20'), mode='stgcn_spatial'),
        in_channels=3, base_channels=8, num_stages=2, inflate_stages=[2], down_stages=[2]))
    adjacency = backbone.gcn[0].gcn.A  # (3 partitions, V, V): self, closer, further
    assert adjacency.shape == (3, 20, 20)
    # the left wrist (10) connects to the left elbow (8) and the left hand (12), 1-based
    assert adjacency[1:, 9, 7].sum() > 0 and adjacency[1:, 9, 11].sum() > 0
    assert adjacency[1:, 9, 12].sum() == 0  # not to the right hand
    out = backbone(torch.randn(2, 1, 16, 20, 3))
    assert out.shape == (2, 1, 16, 8, 20)
