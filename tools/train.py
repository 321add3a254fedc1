"""Train (pretrain or evaluate downstream) with mmengine's Runner.

Same flags as mmaction2's ``tools/train.py``; the program is
``cmd_mmaction/apis/train.py`` (``python tools/train.py -h`` lists the flags).
"""
from cmd_mmaction.apis.train import main, merge_args, parse_args  # noqa: F401
from cmd_mmaction.engine import exit_launched_process

if __name__ == '__main__':
    main()
    exit_launched_process(parse_args().launcher)  # torchrun workers: skip native teardown
