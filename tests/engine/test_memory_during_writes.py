"""Issue 12 (memory): the library's and trakt's snapshots are let go once the sync is planned, before the writes,
during which Kodi's memory peaks in a first sync; a sync that cleans the collection keeps trakt's, which the clean
needs."""
import gc

from tests.engine.test_write_streams import world_with
from tests.engine.world import ListLibrary
from traktsync.model import KodiSnapshot, TraktSnapshot


class WatchingLibrary(ListLibrary):
    """Notes, at each watched write, which snapshots are still alive."""

    def __init__(self, movies):
        ListLibrary.__init__(self, movies)
        self.alive = []

    def apply_watched(self, changes):
        gc.collect()
        self.alive.append(sorted({type(o).__name__ for o in gc.get_objects()
                                  if isinstance(o, (KodiSnapshot, TraktSnapshot))}))
        return ListLibrary.apply_watched(self, changes)


def test_the_snapshots_are_let_go_before_the_writes(tmp_path):
    world = world_with(tmp_path, WatchingLibrary)

    assert world.sync().status == 'ok'

    assert world.library.alive == [[]]
    assert len(world.posts('/sync/history')) == 1     # the writes happened: Kodi's and trakt's


def test_a_sync_that_cleans_keeps_trakts_snapshot_for_the_clean(tmp_path):
    world = world_with(tmp_path, WatchingLibrary)

    assert world.sync(clean=True).status == 'ok'

    assert world.library.alive == [['TraktSnapshot']]
