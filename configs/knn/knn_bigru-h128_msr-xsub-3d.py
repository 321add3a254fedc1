# kNN evaluation (k = 1, cosine; joint, motion, bone and fused) of an MSR Action3D CMD or
# plain MoCo pretraining checkpoint on the test subjects 2, 4, 6, 8, 10, with every
# training subject (1, 3, 5, 7, 9) as the bank. The pretraining configs' own kNN monitor
# stays on the training subjects (bank 1, 3, 5; queries 7, 9).
#   python tools/test.py configs/knn/knn_bigru-h128_msr-xsub-3d.py work_dirs/cmd_bigru-h128_1xb32-120e_msr-xsub-3d/epoch_120.pth
_base_ = ['../cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py']
test_dataloader = dict(dataset=dict(bank=dict(split='xsub_train'), query=dict(split='xsub_val')))
test_evaluator = dict(type='KNNMetric', k=1)
