# NTU RGB+D 60, cross-view (cameras 2, 3 train; camera 1 test).
_base_ = ['./ntu60_xsub.py']
train_split, val_split = 'xview_train', 'xview_val'
