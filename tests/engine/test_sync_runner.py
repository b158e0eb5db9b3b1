"""The one sync runner the service and the menu share (lib/traktsync/sync_runner.py), with the real engine, the
real sync lock and the emulator: what the user sees is the same whichever started the sync."""
from tests.engine.world import EngineWorld, kodi_movie
from traktsync.lock import SyncLock
from traktsync.status import LAST_ERROR, status_text
from traktsync.sync_runner import SyncRunner
from traktsync.trakt import errors as trakt_errors


class Progress(object):
    def __init__(self, seen):
        self.seen = seen

    def update(self, stage, done, total):
        self.seen.append(stage)

    def close(self):
        self.seen.append('closed')


def _localize(string_id, *args, **kwargs):
    return ' '.join(str(value) for value in list(args) + list(kwargs.values()))


def _runner(world):
    def make_engine(progress, is_cancelled, still_owner):
        return world.engine(progress=progress, is_cancelled=is_cancelled, still_owner=still_owner)
    return SyncRunner(make_engine, world.store)


def _lock(tmp_path, owner):
    lock = SyncLock(str(tmp_path / 'profile'), owner)
    return lock if lock.try_acquire() else None


def test_a_sync_runs_with_its_progress_shown_and_closed_and_the_lock_given_back(tmp_path):
    world = EngineWorld(tmp_path, movies=2)
    entry = world.catalog['movies'][0]
    world.library.movies = [kodi_movie(entry, 1, playcount=1)]
    seen = []

    result = _runner(world).run(lambda: _lock(tmp_path, 'menu'), lambda: Progress(seen))

    assert result.status == 'ok' and result.applied.get('history_add_movies') == 1
    assert seen[0] == 'trakt' and 'trakt-history' in seen and seen[-1] == 'closed'
    assert _lock(tmp_path, 'service') is not None     # released


def test_while_another_sync_holds_the_lock_nothing_runs(tmp_path):
    world = EngineWorld(tmp_path, movies=2)
    held = _lock(tmp_path, 'menu')
    try:
        assert _runner(world).run(lambda: _lock(tmp_path, 'service')) is None
    finally:
        held.release()
    assert not world.emu.requests


def test_an_engine_that_cannot_be_made_is_an_error_the_status_screen_shows(tmp_path):
    world = EngineWorld(tmp_path, movies=2)

    def make_engine(progress, is_cancelled, still_owner):
        raise trakt_errors.MissingClientId()
    seen = []

    result = SyncRunner(make_engine, world.store).run(lambda: _lock(tmp_path, 'service'), lambda: Progress(seen))

    assert result.status == 'error' and result.error
    assert world.store.load(LAST_ERROR)['message'] == result.error
    assert result.error in status_text(world.store, _localize)
    assert seen == ['closed'] and _lock(tmp_path, 'menu') is not None


def test_a_cancelled_sync_says_so_and_a_preview_keeps_no_error(tmp_path):
    world = EngineWorld(tmp_path, movies=2)
    result = _runner(world).run(lambda: _lock(tmp_path, 'menu'), is_cancelled=lambda: True)
    assert result.status == 'cancelled'

    def broken(progress, is_cancelled, still_owner):
        raise trakt_errors.MissingClientId()
    preview = SyncRunner(broken, world.store).run(lambda: _lock(tmp_path, 'menu'), dry_run=True)
    assert preview.status == 'error' and world.store.load(LAST_ERROR) is None
