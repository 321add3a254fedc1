"""Programs and helpers above the registries: the train / test programs behind
``tools/train.py`` and ``tools/test.py``, readers of mmengine's run logs, and the
real-data study runner (``tools/analysis/*_study.py``). Not imported by
``import cmd_mmaction``: import the module you need."""
