# NTU RGB+D 120, cross-setup (even setups train, odd test).
_base_ = ['./ntu120_xsub.py']
train_split, val_split = 'xset_train', 'xset_val'
