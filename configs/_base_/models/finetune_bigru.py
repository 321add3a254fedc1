# Semi-supervised / finetune / transfer with a CMD BiGRU (METHODS.md §7.1): stock
# RecognizerGCN, the whole joint query encoder is trained with a new fc.
_base_ = ['./linear_bigru.py']
model = dict(type='RecognizerGCN', _delete_=True,
             backbone={{_base_.model.backbone}}, cls_head={{_base_.model.cls_head}})
