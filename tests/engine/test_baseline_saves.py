"""Issue 12: the baseline holds the whole library, so it is written at most every 2 s while batches are confirmed
and once when the writes end, not after every batch (that made a first sync quadratic in the library). A crash in
between loses at most those seconds of records, and the next sync still sends nothing twice."""
import errno
import json
import os

import pytest

from tests.engine.world import EngineWorld, SteppedClock, kodi_movie
from traktsync.account import ACCOUNTS_FOLDER
from traktsync.store import BASELINE, JsonStore, StoreWriteError

FILMS = 12
SMALL_BATCHES = {'batch_start': 2, 'batch_min': 2, 'batch_max': 2}
WAIT = 10.0   # seconds a test waits for something that should happen at once


@pytest.fixture
def baseline_writes(monkeypatch):
    """How often the baseline file was written (every JsonStore: the baseline lives in the account's folder)."""
    writes = []
    real_write = JsonStore._write

    def write(store, name, payload, private):
        real_write(store, name, payload, private)
        if name == BASELINE:
            writes.append(name)
    monkeypatch.setattr(JsonStore, '_write', write)
    return writes


def baseline_path(world):
    """Where the baseline of the signed-in account is (the sync made its folder), or None."""
    folder = os.path.join(world.store.folder, ACCOUNTS_FOLDER)
    names = os.listdir(folder) if os.path.isdir(folder) else []
    return os.path.join(folder, names[0], BASELINE) if names else None


def stored_baseline(world):
    """The baseline file as it is on disk now, or None."""
    path = baseline_path(world)
    return JsonStore(os.path.dirname(path)).load(BASELINE) if path else None


def watched_world(tmp_path):
    world = EngineWorld(tmp_path, movies=FILMS)
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1, playcount=1) for i in range(FILMS)]
    return world


def test_a_first_sync_of_many_batches_writes_the_baseline_once(tmp_path, baseline_writes):
    world = watched_world(tmp_path)

    result = world.engine(client_options=SMALL_BATCHES, clock=SteppedClock()).sync()

    assert result.status == 'ok', result.error
    assert len(world.posts('/sync/history')) == FILMS // 2 and len(world.posts('/sync/collection')) == FILMS // 2
    assert len(baseline_writes) == 1
    assert len(stored_baseline(world)['watched']) == FILMS and len(stored_baseline(world)['collected']) == FILMS


def test_while_batches_are_confirmed_the_baseline_on_disk_is_at_most_two_seconds_behind(tmp_path, baseline_writes):
    world = watched_world(tmp_path)
    clock = SteppedClock()
    behind = []

    def progress(stage, done, total):
        if stage == 'trakt-history' and done:
            assert engine._saver.idle(WAIT)   # the write started with the last batch has ended
            stored = stored_baseline(world) or {'watched': {}}
            behind.append(done - len(stored['watched']))
            clock.now += 1.0

    engine = world.engine(client_options=SMALL_BATCHES, clock=clock, progress=progress)
    engine.sync()

    # one batch a second: written once 2 s have passed since the last write (plus the time it takes, which the
    # Kodi writes do not wait for), so never more than 2 s behind
    assert behind == [2, 4, 0, 2, 0, 2]
    assert len(baseline_writes) == 4   # after plays 6 and 10, with the first collection batch, at the end


def test_after_a_crash_mid_sync_the_next_sync_sends_nothing_twice(tmp_path):
    world = watched_world(tmp_path)
    clock = SteppedClock()
    left = {}

    def progress(stage, done, total):
        if stage == 'trakt-history' and done:
            clock.now += 1.0
            if done == 8:   # Kodi is killed here: the profile keeps the baseline as it was on disk then
                assert engine._saver.idle(WAIT)
                with open(baseline_path(world), 'rb') as handle:
                    left['baseline'] = handle.read()
                raise KeyboardInterrupt()

    engine = world.engine(client_options=SMALL_BATCHES, clock=clock, progress=progress)
    try:
        engine.sync()
    except KeyboardInterrupt:
        pass
    with open(baseline_path(world), 'wb') as handle:
        handle.write(left['baseline'])
    assert len(json.loads(left['baseline'].decode('utf-8'))['watched']) == 6   # 2 confirmed plays not on disk
    assert len(world.emu.plays('movie')) == 8

    result = world.sync()

    assert result.status == 'ok', result.error
    plays = world.emu.plays('movie')
    assert len(plays) == FILMS and len(set(p['trakt_id'] for p in plays)) == FILMS


def test_a_disk_that_fills_up_while_batches_are_confirmed_stops_the_sync_and_nothing_is_sent_twice(tmp_path,
                                                                                                   monkeypatch):
    world = watched_world(tmp_path)
    clock = SteppedClock()
    real_write = JsonStore._write
    full = []

    def write(store, name, payload, private):
        if name == BASELINE and full:
            raise StoreWriteError(name, 'No space left on device', errno.ENOSPC)
        real_write(store, name, payload, private)
    monkeypatch.setattr(JsonStore, '_write', write)

    def progress(stage, done, total):
        if stage == 'trakt-history' and done:
            clock.now += 1.0
            if done == 4:
                full.append(True)   # the write started once 2 s have passed fails, on the saver's thread

    result = world.engine(client_options=SMALL_BATCHES, clock=clock, progress=progress).sync()

    assert result.status == 'error' and 'No space left on device' in result.error, result.error
    sent = len(world.emu.plays('movie'))
    assert 4 <= sent < FILMS   # the sync stopped at the next batch after the failed write
    full.clear()

    again = world.sync()

    assert again.status == 'ok', again.error
    plays = world.emu.plays('movie')
    assert len(plays) == FILMS and len(set(p['trakt_id'] for p in plays)) == FILMS
