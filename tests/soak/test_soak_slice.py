"""A 200-life slice of the soak (fixed seed) inside `make test`: every promise holds in every life.

On failure the message names each failing life's seed and first violation; `python -m tools.soak --life-seed S`
runs one and prints its shrunk event list. Its duration is printed (`pytest -s`), not asserted: speed is the
benchmark's business, and `make soak` prints the full run's time.
"""
import time

from tools.soak.life import generate, play
from tools.soak.runner import life_seeds

SLICE_SEED = 7
SLICE_LIVES = 200


def test_soak_slice():
    started = time.time()
    failures = []
    for seed in life_seeds(SLICE_SEED, SLICE_LIVES):
        outcome = play(generate(seed))
        if outcome.failed:
            failures.append('life {}: {!r}'.format(seed, outcome.violations[0]))
    print('soak slice: {} lives in {:.1f} s'.format(SLICE_LIVES, time.time() - started))
    assert not failures, '{} of {} lives broke a promise:\n{}'.format(len(failures), SLICE_LIVES,
                                                                       '\n'.join(failures[:40]))
