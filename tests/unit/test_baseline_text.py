"""The baseline's text during a sync (baseline_text.py) keeps the text of the runs of entries that did not change
since the last write. What it writes must read back as exactly the baseline at that moment, whatever happened in
between: entries added, replaced, dropped, moved to a new key; collection, ratings and resume points changed; ids
and row tokens with characters JSON has to escape. The tests use short runs too (``RUN`` is 512), so that changes
fall in some runs and not in others."""
import random
from datetime import datetime, timezone

import pytest

from traktsync.baseline_text import BaselineText
from traktsync.jsonutil import loads
from traktsync.model import Baseline
from traktsync.store import JsonStore

ODD_TEXT = ['tt0000001', 'quote"d', 'back\\slash', 'ünïcödé', 'tab\there', 'line\nbreak', 'emoji \U0001F3AC']


def read_back(parts):
    return Baseline.from_json(loads(b''.join(parts).decode('utf-8')))


def same(one, other):
    assert one.to_json() == other.to_json()


def random_key(rng):
    return '{}:{}:{}'.format(rng.choice(['movie', 'episode']), rng.choice(['imdb', 'tmdb', 'tvdb']),
                             rng.choice(ODD_TEXT + [str(rng.randrange(40))]))


def random_rows(rng):
    if rng.random() < 0.1:
        return None
    return {'{}@{}'.format(rng.randrange(1, 9), rng.choice(['', '2024-01-02T03:04:05.000Z', ODD_TEXT[1]])):
            rng.randrange(0, 4) for _ in range(rng.randrange(0, 3))}


def change_something(rng, baseline):
    """One thing a sync records (model.Baseline's recording methods only, as the engine does)."""
    choice = rng.randrange(8)
    key = random_key(rng)
    if choice < 3:
        lastplayed = rng.choice([None, datetime(2025, 6, 1, 10, tzinfo=timezone.utc)])
        baseline.record_watched(key, rng.randrange(0, 5), rng.randrange(0, 5), lastplayed, rows=random_rows(rng))
    elif choice == 3 and baseline.watched:
        old = rng.choice(sorted(baseline.watched))
        baseline.record_history_added(key, 1, 2, replaces=old, rows=random_rows(rng))   # moved to another key
    elif choice == 4:
        baseline.forget(rng.choice(sorted(baseline.watched)) if baseline.watched else key)
    elif choice == 5:
        (baseline.record_collected if rng.random() < 0.7 else baseline.record_uncollected)(key)
    elif choice == 6:
        baseline.record_rating(key, rng.randrange(0, 11), rng.randrange(0, 11))
    else:
        baseline.record_resume(key, rng.uniform(0, 5000), rng.uniform(0, 100))


@pytest.mark.parametrize('run', [1, 3, 512])
@pytest.mark.parametrize('seed', range(40))
def test_every_write_of_a_changing_baseline_reads_back_as_it_was(seed, run):
    """Runs of one and three entries: the baselines here have up to ~100 entries, so they span many runs, and an
    entry added, dropped or moved shifts the runs after it."""
    rng = random.Random(seed)
    baseline = Baseline(account='account-{}'.format(ODD_TEXT[seed % len(ODD_TEXT)]))
    text = BaselineText(run)
    for _ in range(rng.randrange(1, 12)):
        for _ in range(rng.randrange(0, 30)):
            change_something(rng, baseline)
        same(read_back(text.encode(baseline.to_json(ordered=False))), baseline)


def test_a_write_holds_what_was_taken_not_what_was_recorded_after():
    """The saver takes the baseline on the sync's thread and writes it on another: records made in between belong
    to the next write."""
    baseline = Baseline({'movie:imdb:tt1': [1, 1, None, {'1@': 1}]}, account='a')
    text = BaselineText()
    text.encode(baseline.to_json(ordered=False))
    taken = baseline.to_json(ordered=False)
    expected = Baseline.from_json(baseline.to_json())
    baseline.record_watched('movie:imdb:tt1', 2, 2, rows={'1@': 2})
    baseline.record_watched('movie:imdb:tt2', 1, 1, rows={'2@': 1})
    baseline.record_collected('movie:imdb:tt2')

    same(read_back(text.encode(taken)), expected)
    same(read_back(text.encode(baseline.to_json(ordered=False))), baseline)


def test_the_file_written_from_the_text_loads_as_the_baseline(tmp_path):
    baseline = Baseline({'episode:tvdb:7': [2, 1, '2025-01-01T00:00:00.000Z', {'7@2024-01-01T00:00:00.000Z': 2}],
                         'movie:imdb:tt"1': [0, 0, None, {'3@': 0}]}, ['episode:tvdb:7'], 'slug',
                        {'movie:imdb:tt"1': [8, 0]}, {'episode:tvdb:7': [61.5, 3.25]})
    store = JsonStore(str(tmp_path))
    store.save_encoded('baseline.json', BaselineText().encode(baseline.to_json(ordered=False)))

    same(Baseline.from_json(store.load('baseline.json')), baseline)
