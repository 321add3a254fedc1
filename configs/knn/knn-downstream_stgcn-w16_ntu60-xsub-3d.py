# kNN evaluation (k = 1, cosine) of linear / finetune checkpoints: each stream's encoder
# representation and their fusion, bank = train split, queries = test split. Checkpoint:
# tools/analysis/merge_streams.py joint=J.pth motion=M.pth bone=B.pth -o 3s.pth (one
# stream: give it for all three). (kNN of a pretraining checkpoint: tools/test.py with
# its pretraining config.)
_base_ = ['../fusion/fusion-3s_stgcn-w16_1xb64_ntu60-xsub-3d.py']
model = dict(store_features=True)
test_dataloader = '{knn_dataloader}'
test_evaluator = [dict(type='KNNMetric', k=1, modalities=['joint', 'motion', 'bone'])]
