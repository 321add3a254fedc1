"""MomentumQueue (wrap-around, gathered enqueue), MomentumEncoder (EMA) and shuffle-BN."""
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from mmengine.optim import DefaultOptimWrapperConstructor

import cmd_mmaction  # noqa: F401
from cmd_mmaction.models.utils import (MomentumEncoder, MomentumQueue,
                                       TrainableOptimWrapperConstructor, batch_shuffle,
                                       batch_unshuffle)
from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS


def test_queue_starts_random_with_unit_columns():
    torch.manual_seed(0)
    queue = MomentumQueue(dim=6, length=9)
    assert queue.queue.shape == (6, 9)
    torch.testing.assert_close(queue.queue.norm(dim=0), torch.ones(9))
    assert queue.ptr.dtype == torch.long and queue.ptr.item() == 0
    assert set(queue.state_dict()) == {'queue', 'ptr'}


def test_enqueue_wraps_around_when_length_is_not_a_multiple_of_the_batch():
    queue = MomentumQueue(dim=2, length=5)
    start = queue.queue.clone()
    batches = [torch.arange(6.).view(3, 2) + 10 * i for i in range(3)]  # 3 keys per step
    queue.enqueue(batches[0])
    assert queue.ptr.item() == 3
    torch.testing.assert_close(queue.queue[:, :3], batches[0].t())
    torch.testing.assert_close(queue.queue[:, 3:], start[:, 3:])
    queue.enqueue(batches[1])  # slots 3, 4, 0
    assert queue.ptr.item() == 1
    torch.testing.assert_close(queue.queue[:, 3:], batches[1][:2].t())
    torch.testing.assert_close(queue.queue[:, 0], batches[1][2])
    torch.testing.assert_close(queue.queue[:, 1:3], batches[0][1:].t())
    queue.enqueue(batches[2])  # slots 1, 2, 3
    assert queue.ptr.item() == 4
    torch.testing.assert_close(queue.queue[:, 1:4], batches[2].t())


def test_enqueue_more_keys_than_slots_keeps_the_last():
    queue = MomentumQueue(dim=1, length=3)
    queue.enqueue(torch.tensor([[1.], [2.]]))              # ptr 2
    queue.enqueue(torch.arange(10., 15.).view(5, 1))        # 5 keys into 3 slots
    # equivalent to writing all 5 in order from slot 2: slots 2,0,1,2,0 -> last win
    assert queue.queue[0].tolist() == [14., 12., 13.]
    assert queue.ptr.item() == (2 + 5) % 3
    with pytest.raises(ValueError, match=r'expects keys \(N, 1\)'):
        queue.enqueue(torch.ones(2, 3))


def _encoder():
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))


def test_momentum_encoder_copies_first_then_averages():
    torch.manual_seed(0)
    query = _encoder()
    key = MomentumEncoder(query, momentum=0.9)
    assert all(not p.requires_grad for p in key.parameters())
    with torch.no_grad():  # re-initialised after the copy was made
        for p in query.parameters():
            p.normal_()
    key.update(query)
    for p_k, p_q in zip(key.module.parameters(), query.parameters()):
        assert torch.equal(p_k, p_q)
    assert key.steps.item() == 1

    key_old = [p.clone() for p in key.module.parameters()]
    with torch.no_grad():
        for p in query.parameters():
            p.add_(torch.randn_like(p))
    key.update(query)
    for p_k, p_old, p_q in zip(key.module.parameters(), key_old, query.parameters()):
        assert torch.equal(p_k, 0.9 * p_old + (1 - 0.9) * p_q)  # the official expression
    assert key.steps.item() == 2


def test_momentum_encoder_keeps_its_own_buffers_and_resumes_by_steps():
    query = _encoder()
    key = MomentumEncoder(query, momentum=0.5)
    query.train()(torch.randn(8, 4))  # query BN statistics move
    key.update(query)
    assert torch.equal(key.module[1].running_mean, torch.zeros(3))
    state = key.state_dict()
    assert state['steps'].item() == 1
    resumed = MomentumEncoder(_encoder(), momentum=0.5)
    resumed.load_state_dict(state)
    before = resumed.module[0].weight.clone()
    resumed.update(query)  # steps > 0: averages, does not copy
    assert torch.equal(resumed.module[0].weight, 0.5 * before + 0.5 * query[0].weight)
    with pytest.raises(ValueError, match='momentum must be in'):
        MomentumEncoder(query, momentum=1.5)


def _optimized(wrapper):
    return {id(p) for group in wrapper.optimizer.param_groups for p in group['params']}


def test_optimizer_constructor_leaves_out_key_parameters():
    holder = nn.Module()
    holder.query = _encoder()
    holder.key = MomentumEncoder(holder.query)
    query_ids = {id(p) for p in holder.query.parameters()}
    cfg = dict(optimizer=dict(type='SGD', lr=0.1, weight_decay=1e-4))
    # mmengine's default constructor passes every parameter when no paramwise_cfg is set
    assert _optimized(DefaultOptimWrapperConstructor(cfg)(holder)) > query_ids
    assert _optimized(TrainableOptimWrapperConstructor(cfg)(holder)) == query_ids
    built = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='TrainableOptimWrapperConstructor', optim_wrapper_cfg=cfg,
             paramwise_cfg=dict(bias_decay_mult=0.0)))
    assert _optimized(built(holder)) == query_ids


def test_local_batch_shuffle_round_trip():
    torch.manual_seed(0)
    x = torch.arange(12.).view(6, 2)
    shuffled, idx_unshuffle = batch_shuffle(x)
    assert sorted(shuffled[:, 0].tolist()) == x[:, 0].tolist()
    assert not torch.equal(shuffled, x)
    torch.testing.assert_close(batch_unshuffle(shuffled * 3, idx_unshuffle), x * 3)


# ------------------------------------------------------------------ 2 processes (gloo)
def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, port, out_dir):
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=2)
    try:
        torch.manual_seed(0)  # same initial queue on both ranks
        queue = MomentumQueue(dim=2, length=7)
        initial = queue.queue.clone()
        for step in range(2):  # 3 keys per rank -> 6 per step; the second step wraps
            queue.enqueue(torch.full((3, 2), 100. * step + 10. * rank) + torch.arange(3.)[:, None])
        x = torch.arange(4.)[:, None] + 4 * rank
        torch.manual_seed(rank)  # different local RNG: rank 0's permutation must win
        shuffled, idx = batch_shuffle(x)
        restored = batch_unshuffle(shuffled, idx)
        gathered = [torch.empty_like(shuffled) for _ in range(2)]
        dist.all_gather(gathered, shuffled)
        torch.save(dict(queue=queue.queue, ptr=queue.ptr, initial=initial, x=x,
                        restored=restored, gathered=torch.cat(gathered)),
                   f'{out_dir}/rank{rank}.pt')
    finally:
        dist.destroy_process_group()


@pytest.mark.slow
def test_two_process_gathered_enqueue_and_shuffle(tmp_path):
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    r0, r1 = (torch.load(tmp_path / f'rank{r}.pt') for r in range(2))
    assert torch.equal(r0['queue'], r1['queue']) and r0['ptr'].item() == r1['ptr'].item() == 5

    def keys(step, rank):
        return (torch.full((3, 2), 100. * step + 10. * rank) + torch.arange(3.)[:, None]).t()
    # step 0 -> slots 0..5 (rank 0 then rank 1); step 1 -> slots 6, 0..4
    expected = r0['initial'].clone()
    step1 = torch.cat([keys(1, 0), keys(1, 1)], dim=1)
    expected[:, 5] = keys(0, 1)[:, 2]
    expected[:, 6] = step1[:, 0]
    expected[:, :5] = step1[:, 1:]
    torch.testing.assert_close(r0['queue'], expected)

    for r in (r0, r1):
        torch.testing.assert_close(r['restored'], r['x'])
    assert torch.equal(r0['gathered'], r1['gathered'])  # one permutation for both ranks
    assert sorted(r0['gathered'][:, 0].tolist()) == list(range(8))
