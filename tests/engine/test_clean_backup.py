"""A clean runs only after its backup was written and read back intact (issue 11, item 1)."""
from tests.engine.world import EngineWorld, kodi_movie
from traktsync.store import JsonStore


def test_a_clean_whose_backup_does_not_read_back_does_not_remove_anything(tmp_path, monkeypatch):
    real_write = JsonStore._write

    def lying_share(store, name, payload, private):
        # A share that acknowledges every write but keeps only the first bytes of the clean backup.
        real_write(store, name, payload[:20] if name == 'clean-backup.json' else payload, private)
    monkeypatch.setattr(JsonStore, '_write', lying_share)
    world = EngineWorld(tmp_path, movies=6, clean_collection=True, clean_threshold_percent=100)
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1) for i in range(4)]
    world.collect_on_trakt(range(6))
    world.sync()   # the baseline

    result = world.sync(clean=True)

    assert len(world.collected()) == 6
    assert not world.posts('/sync/collection/remove')
    assert result.status == 'error'
    assert 'backup' in result.error


def test_a_clean_with_a_good_backup_runs(tmp_path):
    world = EngineWorld(tmp_path, movies=6, clean_collection=True, clean_threshold_percent=100)
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1) for i in range(4)]
    world.collect_on_trakt(range(6))
    world.sync()

    result = world.sync(clean=True)

    assert result.status == 'ok', result.error
    assert len(world.collected()) == 4
