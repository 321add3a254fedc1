# kNN evaluation of a CMD pretraining checkpoint (METHODS.md §7.1): k = 1, cosine,
# L2-normalised query-encoder representations of every stream (joint, motion, bone)
# and of their fusion; bank = train split, queries = test split, both centre-cropped.
#   python tools/test.py configs/knn/knn_stgcn-w16_ntu120-xset-3d.py work_dirs/cmd_stgcn-w16_1xb64-451e_ntu120-xset-3d/epoch_451.pth
_base_ = ['../cmd/cmd_stgcn-w16_1xb64-451e_ntu120-xset-3d.py']
test_evaluator = dict(type='KNNMetric', k=1)
