"""Command-line plumbing shared by the ``tools/data/*_gendata.py`` scripts."""
import argparse
import sys
from typing import Callable

from .common import ConversionSummary


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """``--strict`` / ``--skip-bad`` (default: skip) and ``--no-progress``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--strict', dest='strict', action='store_true',
                       help='stop at the first malformed file with an error naming the '
                            'file and line')
    group.add_argument('--skip-bad', dest='strict', action='store_false',
                       help='skip malformed files and count them (default)')
    parser.set_defaults(strict=False)
    parser.add_argument('--no-progress', dest='progress', action='store_false',
                        help='do not show a progress bar')


def add_normalize_argument(parser: argparse.ArgumentParser) -> None:
    """``--normalize``: CMD's pre-normalisation offline, recorded in the pickle."""
    parser.add_argument('--normalize', action='store_true',
                        help="apply CMD's pre-normalisation (docs/preprocessing.md) while "
                             'converting and record it in the pickle, so the pipeline\'s '
                             'CMDPreNormalize leaves the samples alone')


def run_and_report(convert: Callable[[], ConversionSummary]) -> ConversionSummary:
    """Run ``convert``; print the summary, or exit with status 1 and a one-line error."""
    try:
        summary = convert()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'error: {err}')
    print(summary.format())
    return summary
