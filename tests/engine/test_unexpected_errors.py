"""Issue 11, item 10: any exception inside a sync (a Kodi answer that is not JSON, a bug) ends it as an error with a
one-line message, and last-result.json says so; nothing escapes to the service."""
from tests.engine.world import EngineWorld, ListLibrary, kodi_movie


class GarbledKodi(ListLibrary):
    def read_snapshot(self, with_metadata=False, probe_sources=True):
        raise ValueError('Expecting value: line 1 column 1 (char 0)')   # what json.loads says of a garbled answer


def test_an_unexpected_exception_ends_the_sync_as_an_error_on_the_status_screen(tmp_path):
    world = EngineWorld(tmp_path, library=GarbledKodi())

    result = world.sync()

    assert result.status == 'error'
    assert result.error == 'the sync stopped on an unexpected error: Expecting value: line 1 column 1 (char 0)'
    saved = world.last_result()
    assert saved['status'] == 'error' and saved['error'] == result.error


def test_the_next_sync_after_an_unexpected_error_runs_normally(tmp_path):
    world = EngineWorld(tmp_path, library=GarbledKodi())
    assert world.sync().status == 'error'
    movie = world.catalog['movies'][0]
    world.library = ListLibrary([kodi_movie(movie, 1, playcount=1)])

    assert world.sync().status == 'ok'
    assert world.emu.play_count('movie', movie['ids']['trakt']) == 1
