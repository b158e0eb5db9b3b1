"""A disk that fills up as the sync ends: the sync still ends with its status (it does not escape as an exception
into the service), and what it synced stays synced."""
import errno

from tests.engine.world import EngineWorld, kodi_movie
from traktsync.store import LAST_RESULT, JsonStore, StoreWriteError


class FullForResults(JsonStore):
    def save(self, name, data, private=False):
        if name == LAST_RESULT:
            raise StoreWriteError(name, 'No space left on device', errno.ENOSPC)
        JsonStore.save(self, name, data, private)


def test_a_full_disk_when_the_result_is_saved_does_not_escape_the_sync(tmp_path):
    world = EngineWorld(tmp_path)
    world.store = FullForResults(world.store.folder)
    world.library.movies = [kodi_movie(world.catalog['movies'][0], 1, playcount=1)]

    result = world.sync()

    assert result.status == 'ok'
    assert world.emu.play_count('movie', world.catalog['movies'][0]['ids']['trakt']) == 1
    assert world.store.load(LAST_RESULT) is None
