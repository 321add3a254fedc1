# kNN evaluation (k = 1, cosine) of linear / finetune checkpoints: each stream's
# encoder representation (joint, motion, bone) and their fusion, bank = train split,
# queries = test split, centre crop. Checkpoint: tools/analysis/merge_streams.py
# joint=J.pth motion=M.pth bone=B.pth -o 3s.pth (one stream: give it for all three).
#   python tools/test.py configs/knn/knn-downstream_bigru_pku2-xsub-3d.py 3s.pth
_base_ = ['../fusion/fusion-3s_bigru_1xb64_pku2-xsub-3d.py']
model = dict(store_features=True)
test_dataloader = dict(dataset=dict(
    _delete_=True, type='KNNBankDataset',
    bank=dict(type=_base_.dataset_type, ann_file=_base_.ann_file, split='xsub_train',
              pipeline=_base_.test_pipeline, test_mode=True),
    query=dict(type=_base_.dataset_type, ann_file=_base_.ann_file, split='xsub_val',
               pipeline=_base_.test_pipeline, test_mode=True)))
test_evaluator = [dict(type='KNNMetric', k=1, modalities=['joint', 'motion', 'bone'])]
