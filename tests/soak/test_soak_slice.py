"""A 200-life slice of the soak (fixed seed) inside `make test`: every promise holds in every life.

On failure the message names each failing life's seed and first violation; `python -m tools.soak --life-seed S`
runs one and prints its shrunk event list.
"""
import time

import pytest

from tools.soak.life import generate, play
from tools.soak.runner import life_seeds

SLICE_SEED = 7
SLICE_LIVES = 200


@pytest.mark.xfail(strict=True, reason='open: about 50 of the 200 lives still break a promise (missing and extra '
                   'plays around two boxes, check-ins and faults); see the closing note of issue 10')
def test_soak_slice():
    started = time.time()
    failures = []
    for seed in life_seeds(SLICE_SEED, SLICE_LIVES):
        outcome = play(generate(seed))
        if outcome.failed:
            failures.append('life {}: {!r}'.format(seed, outcome.violations[0]))
    assert time.time() - started < 120
    assert not failures, '{} of {} lives broke a promise:\n{}'.format(len(failures), SLICE_LIVES,
                                                                       '\n'.join(failures[:40]))
