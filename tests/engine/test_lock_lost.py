"""The sync lock's heartbeat (issue 11, item 2): a failing heartbeat is logged, and a sync whose lock another sync
took over stops before its next write."""
import json
import os
import threading

import pytest

from tests.engine.world import EngineWorld, kodi_movie
from traktsync import lock as lock_module
from traktsync import logger
from traktsync.lock import LOCK_FILE, SyncLock


@pytest.fixture
def log_lines():
    lines = []
    seen = threading.Condition()

    def sink(level, message):
        with seen:
            lines.append(message)
            seen.notify_all()

    def wait_for(text, timeout=10.0):
        with seen:
            assert seen.wait_for(lambda: any(text in line for line in lines), timeout), lines
    logger.set_sink(sink, logger.DEBUG)
    yield wait_for
    logger.set_sink(logger._stdlib_sink, logger.INFO)


def take_over(folder):
    """What another sync does to a lock it judged stale: its own file, its own token."""
    with open(os.path.join(folder, LOCK_FILE), 'w') as handle:
        json.dump({'owner': 'menu', 'pid': os.getpid(), 'at': 0, 'token': 'someone-else'}, handle)


def test_a_failing_heartbeat_is_logged_and_tried_again(tmp_path, monkeypatch, log_lines):
    real_utime = os.utime
    failing = threading.Event()
    failing.set()

    def utime(path, times=None):
        if failing.is_set():
            raise OSError(5, 'Input/output error')
        real_utime(path, times)
    monkeypatch.setattr(lock_module.os, 'utime', utime)
    lock = SyncLock(str(tmp_path), 'service', heartbeat=0.01)
    assert lock.try_acquire()
    try:
        log_lines('the sync lock heartbeat failed (')
        failing.clear()
        log_lines('the sync lock heartbeat works again')
        assert lock.still_held()
    finally:
        lock.release()


def test_a_lock_taken_over_is_noticed_by_the_heartbeat_and_logged(tmp_path, log_lines):
    lock = SyncLock(str(tmp_path), 'service', heartbeat=0.01)
    assert lock.try_acquire()
    take_over(str(tmp_path))
    log_lines('was taken over by the menu')
    assert not lock.still_held()
    lock.release()
    assert os.path.exists(str(tmp_path / LOCK_FILE))   # the new holder's file stays


def test_a_sync_whose_lock_was_taken_over_stops_before_its_next_write(tmp_path):
    world = EngineWorld(tmp_path, movies=6)
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1, playcount=1) for i in range(6)]
    folder = str(tmp_path / 'lock')
    os.makedirs(folder)
    lock = SyncLock(folder, 'service', heartbeat=60)
    assert lock.try_acquire()

    def progress(stage, done, total):
        if stage == 'trakt-history' and done:
            take_over(folder)   # after the first confirmed batch, another sync judged this one stale

    engine = world.engine(progress=progress, still_owner=lock.still_held, client_options={'batch_start': 2,
                                                                                          'batch_min': 2})
    result = engine.sync()
    lock.release()

    assert result.status == 'error'
    assert 'another sync took over' in result.error
    assert len(world.posts('/sync/history')) == 1
    assert not world.posts('/sync/collection')
    assert len(world.emu.plays('movie')) == 2
