# Semi-supervised / finetune / transfer with a CMD ST-GCN: stock RecognizerGCN,
# STGCN + GCNHead, the whole encoder is trained.
_base_ = ['./linear_stgcn.py']
model = dict(type='RecognizerGCN', _delete_=True,
             backbone={{_base_.model.backbone}}, cls_head={{_base_.model.cls_head}})
