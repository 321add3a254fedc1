"""Progress bars for a demo's phases, fed by mmengine's loops.

:class:`PhaseBar` is one line per phase (``rich.progress``, a dependency of
mmengine): bar, done / total, elapsed, ETA and a free-text field. On a terminal it
redraws in place; written to a file or pipe it prints its final state once, so a
captured run shows one line per phase. :class:`ProgressHook` advances a bar from
the train / test loops and shows the running loss and the last kNN monitor value.
Used by ``tools/quickstart.py``, whose mmengine logs go to a file
(:func:`cmd_mmaction.utils.output.redirect_output`).
"""
from typing import Optional, TextIO

from mmengine.hooks import Hook


class PhaseBar:
    """A progress line for one phase; use as a context manager.

    Args:
        name (str): the phase, left-aligned in the line.
        stream (TextIO): where the line goes (the user's terminal).
        total (int, optional): steps of the phase; :meth:`add_total` grows it
            (a phase of several runs learns each run's size when it starts).
        unit (str): what a step is, shown after ``done/total``.
    """

    def __init__(self, name: str, stream: TextIO, total: Optional[int] = None,
                 unit: str = ''):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)
        console = Console(file=stream, width=120 if not stream.isatty() else None,
                          highlight=False)
        self._progress = Progress(
            TextColumn(f'{name:<9}'), BarColumn(bar_width=24), MofNCompleteColumn(),
            TextColumn(unit), TimeElapsedColumn(), TextColumn('ETA'),
            TimeRemainingColumn(), TextColumn('{task.fields[info]}'),
            console=console, auto_refresh=console.is_terminal,
            # print() and warnings stay where the process sends them (the log file)
            redirect_stdout=False, redirect_stderr=False)
        self._task = self._progress.add_task(name, total=total, info='')

    def __enter__(self) -> 'PhaseBar':
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def add_total(self, steps: int) -> None:
        task = self._progress.tasks[0]
        self._progress.update(self._task, total=(task.total or 0) + steps)

    def set(self, completed: int, total: int) -> None:
        """``completed`` of ``total`` steps (a ``progress(done, total)`` callback)."""
        self._progress.update(self._task, completed=completed, total=total)

    def advance(self, steps: int = 1, info: Optional[str] = None) -> None:
        if info is None:
            self._progress.update(self._task, advance=steps)
        else:
            self._progress.update(self._task, advance=steps, info=info)


class ProgressHook(Hook):
    """Advance a :class:`PhaseBar` by one step per training or test iteration.

    Training: the bar's total is the run's ``max_iters`` (a resumed run starts at
    its iteration), the info field shows the mean loss of the last 10 iterations
    and the last ``knn/fused_top1`` (or ``acc/top1``) the validation reported.
    Testing: every test run adds its number of batches to the bar, so one bar can
    cover several runs.
    """
    priority = 'VERY_LOW'  # after RuntimeInfoHook has put the losses in the message hub

    def __init__(self, bar: PhaseBar):
        self.bar = bar
        self._loss = self._monitor = ''

    def before_train(self, runner) -> None:
        self.bar.add_total(runner.max_iters)
        if runner.iter:
            self.bar.advance(runner.iter)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self._loss = f"loss {runner.message_hub.get_scalar('train/loss').mean(10):.3f}"
        self.bar.advance(info=self._loss + self._monitor)

    def after_val_epoch(self, runner, metrics=None) -> None:
        for key, label in (('knn/fused_top1', 'kNN fused'), ('acc/top1', 'top-1')):
            if metrics and key in metrics:
                self._monitor = f', {label} {100 * float(metrics[key]):.1f}% (epoch {runner.epoch})'
                self.bar.advance(0, info=self._loss + self._monitor)  # also after the last epoch
                break

    def before_test_epoch(self, runner) -> None:
        self.bar.add_total(len(runner.test_dataloader))

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.bar.advance()
