"""The clean-up guard: a video source root that is gone (or an empty mount point) makes the read incomplete."""
import os
import shutil

import pytest

import tools.catalog as catalog
from tests.kodi.conftest import start_kodi
from tools import kodi_harness, media_tree
from traktsync.kodi.jsonrpc import JsonRpc
from traktsync.kodi.library import KodiLibrary
from traktsync.settings import Settings

pytestmark = pytest.mark.kodi


@pytest.fixture
def kodi(tmp_path, addon_zip, module_addon_cache):
    root = str(tmp_path / 'media')
    media_tree.write_tree(root, catalog.make_catalog(movies=3, shows=1, seasons=1, episodes_per_season=2))
    kodi = start_kodi(str(tmp_path / 'kodi'), addon_zip, module_addon_cache, root)
    yield kodi, root
    kodi.close(quick=True)


def library_of(kodi):
    return KodiLibrary(JsonRpc(kodi_harness.QuietTransport(port=kodi.tcp_port)), Settings())


def test_all_sources_reachable_means_complete(kodi):
    kodi, root = kodi
    complete, reason, sources = library_of(kodi).health()
    assert (complete, reason) == (True, None)
    assert sorted((s.label, s.path, s.reachable) for s in sources) == [
        ('Movies', os.path.join(root, 'movies') + os.sep, True), ('TV', os.path.join(root, 'tv') + os.sep, True)]


def test_a_source_root_removed_after_the_scan_is_reported(kodi):
    kodi, root = kodi
    tv = os.path.join(root, 'tv') + os.sep
    shutil.rmtree(tv)

    snapshot = library_of(kodi).read_snapshot()
    assert len(snapshot.episodes) == 2, 'Kodi still lists the items of the missing source'
    assert snapshot.complete is False
    assert 'video source "TV" ({})'.format(tv) in snapshot.incomplete_reason
    complete, reason, sources = library_of(kodi).health()
    assert complete is False and tv in reason
    assert [(s.label, s.reachable) for s in sorted(sources)] == [('Movies', True), ('TV', False)]

    os.makedirs(tv)                       # the mount point is back, but nothing is mounted on it
    snapshot = library_of(kodi).read_snapshot()
    assert snapshot.complete is False and 'empty although the library has items in it' in snapshot.incomplete_reason


def test_an_empty_library_is_incomplete(kodi):
    kodi, _root = kodi
    for movie in kodi.call('VideoLibrary.GetMovies')['movies']:
        kodi.call('VideoLibrary.RemoveMovie', {'movieid': movie['movieid']})
    for show in kodi.call('VideoLibrary.GetTVShows')['tvshows']:
        kodi.call('VideoLibrary.RemoveTVShow', {'tvshowid': show['tvshowid']})

    snapshot = library_of(kodi).read_snapshot()
    assert (snapshot.movies, snapshot.episodes, snapshot.complete) == ([], [], False)
    assert snapshot.incomplete_reason == 'the Kodi library has no movies and no episodes'
