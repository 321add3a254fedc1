"""Test (and evaluate) a checkpoint with mmengine's Runner.

Same flags as mmaction2's ``tools/test.py``; the program is
``cmd_mmaction/apis/test.py`` (``python tools/test.py -h`` lists the flags).
"""
from cmd_mmaction.apis.test import main, merge_args, parse_args  # noqa: F401
from cmd_mmaction.engine import exit_launched_process

if __name__ == '__main__':
    main()
    exit_launched_process(parse_args().launcher)  # torchrun workers: skip native teardown
