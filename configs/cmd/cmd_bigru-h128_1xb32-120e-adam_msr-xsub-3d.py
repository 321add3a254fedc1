# configs/cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py with the main job's optimizer:
# constant Adam lr 3e-3, no weight decay, instead of SGD lr 0.1 (x0.1 after 100). Chosen on
# generated data (docs/main_job_recipe.md), not on MSR Action3D; results in
# docs/results_msr_action3d_discussion.md, "Adam instead of SGD".
_base_ = ['./cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py']
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=3e-3, weight_decay=0))
param_scheduler = []
