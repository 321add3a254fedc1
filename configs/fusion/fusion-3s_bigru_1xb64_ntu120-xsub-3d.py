# Joint + motion + bone fusion of the BiGRU linear (or finetune) recognizers on
# NTU-120 cross-subject, evaluation only:
#   python tools/analysis/merge_streams.py joint=J.pth motion=M.pth bone=B.pth -o 3s.pth
#   python tools/test.py configs/fusion/fusion-3s_bigru_1xb64_ntu120-xsub-3d.py 3s.pth
_base_ = ['../_base_/models/fusion.py', '../_base_/encoders/bigru.py',
          '../_base_/datasets/ntu120_xsub.py', '../_base_/pipelines/downstream_test.py']
