# CMD on MSR Action3D (real Kinect recordings, 20 joints, one person; 284 training
# clips), sized for a 2-core CPU. Chosen on the training subjects only (plain MoCo,
# kNN on held-out subjects 7, 9; docs/results_msr_action3d.md, "How the recipe was
# chosen"): BiGRU hidden 128 x 2 layers (256-d representation), 120 epochs (960
# iterations: 40 epochs of a wider encoder left joint and bone MoCo at chance loss),
# queue 64 (2 batches: a queue of one epoch (256) holds each clip's own key from the
# previous epoch as a negative, and the loss rose once lr dropped), top-k 32 (K / 2,
# the official ratio), momentum 0.99 and lr 0.1 as for the other small dataset (the
# main job's synthetic config). Method hyper-parameters otherwise official
# (configs/_base_/models/cmd.py). configs/moco/moco_bigru-h128_1xb32-120e_msr-xsub-3d.py
# is the same without distillation.
_base_ = ['../_base_/models/cmd.py', '../_base_/encoders/bigru-h128.py',
          '../_base_/datasets/msr_xsub.py', '../_base_/pipelines/cmd_pretrain.py',
          '../_base_/schedules/cmd_sgd_120e_msr.py']
model = dict(queue_len=64, distill=dict(topk=32), momentum=0.99)
train_dataloader = dict(batch_size=32, num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = dict(num_workers=1)
