"""Kodi quitting while "Sync now" runs ends the menu script by raising SystemExit in it, often right after a Kodi
batch that held the script past the abort (measured: a first sync at L, SIGTERM to Kodi during its writes). The
status screen must then say the sync was cancelled, not that it failed, and the next sync sends nothing twice."""
import pytest

from tests.engine.world import EngineWorld, kodi_movie
from traktsync.store import LAST_RESULT

FILMS = 8


def test_a_sync_kodi_ends_is_recorded_as_cancelled_and_the_next_sync_sends_nothing_twice(tmp_path):
    world = EngineWorld(tmp_path, movies=FILMS)
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1, playcount=1) for i in range(FILMS)]

    def progress(stage, done, total):
        if stage == 'trakt-history' and done:
            raise SystemExit()   # what Kodi raises in a script it ends

    with pytest.raises(SystemExit):
        world.engine(client_options={'batch_start': 2, 'batch_min': 2, 'batch_max': 2}, progress=progress).sync()

    assert world.store.load(LAST_RESULT)['status'] == 'cancelled'
    sent = len(world.emu.plays('movie'))
    assert 0 < sent < FILMS

    assert world.sync().status == 'ok'
    assert len(world.emu.plays('movie')) == FILMS   # each film's play once: nothing sent twice
