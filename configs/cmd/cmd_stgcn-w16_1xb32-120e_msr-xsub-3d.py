# CMD on MSR Action3D with the quarter-width mmaction2 ST-GCN on the 'msr20' graph; queue,
# top-k, momentum and schedule as the BiGRU MSR config (chosen there, not for ST-GCN).
_base_ = ['../_base_/models/cmd.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/msr_xsub.py', '../_base_/pipelines/cmd_pretrain.py',
          '../_base_/schedules/cmd_sgd_120e_msr.py']
model = dict(queue_len=64, distill=dict(topk=32), momentum=0.99)
train_dataloader = dict(batch_size=32, num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = dict(num_workers=1)
