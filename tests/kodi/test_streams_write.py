"""Ratings and resume points written into a real Kodi and read back the way the sync reads them, and found by the
filters a sync uses to notice a rating or resume point set in Kodi (Kodi announces neither)."""
from collections import namedtuple

import pytest

import tools.catalog as catalog
from tools import kodi_harness, media_tree
from traktsync.kodi.jsonrpc import JsonRpc
from traktsync.kodi.library import KodiLibrary
from traktsync.settings import Settings

pytestmark = pytest.mark.kodi

Rating = namedtuple('Rating', 'kind title kodi_ids rating')
Point = namedtuple('Point', 'kind title positions')


@pytest.fixture(scope='module')
def kodi(tmp_path_factory, kodi_starter):
    root = str(tmp_path_factory.mktemp('media'))
    media_tree.write_tree(root, catalog.make_catalog(movies=3, shows=1, seasons=1, episodes_per_season=2))
    return kodi_starter(root)


def _library(kodi):
    return KodiLibrary(JsonRpc(kodi_harness.QuietTransport(port=kodi.tcp_port)), Settings())


@pytest.mark.every_major
def test_ratings_and_resume_points_are_written_read_back_and_removed(kodi):
    library = _library(kodi)
    before = library.read_snapshot()
    movie, episode = before.movies[0], before.episodes[0]
    assert (movie.userrating, movie.resume, episode.userrating, episode.resume) == (0, None, 0, None)
    assert library.stream_state() == []

    assert library.apply_ratings([Rating('movie', 'm', (movie.kodi_id,), 8),
                                  Rating('episode', 'e', (episode.kodi_id,), 3)]) == []
    assert library.apply_resume([Point('movie', 'm', ((movie.kodi_id, 2400, 6000),)),
                                 Point('episode', 'e', ((episode.kodi_id, 300.5, 1800),))]) == []
    after = library.read_snapshot()
    movie_now = next(m for m in after.movies if m.kodi_id == movie.kodi_id)
    episode_now = next(e for e in after.episodes if e.kodi_id == episode.kodi_id)
    assert (movie_now.userrating, movie_now.resume) == (8, (2400.0, 6000.0))
    assert (episode_now.userrating, episode_now.resume) == (3, (300.0, 1800.0))   # Kodi answers whole seconds
    # Exactly the rated and the in-progress items (Kodi's userrating and inprogress filters), nothing else.
    assert library.stream_state() == sorted(
        [['movies', 'userrating', movie.kodi_id, 8], ['movies', 'resume', movie.kodi_id, 2400],
         ['episodes', 'userrating', episode.kodi_id, 3], ['episodes', 'resume', episode.kodi_id, 300]],
        key=lambda entry: [str(part) for part in entry])

    assert library.apply_ratings([Rating('movie', 'm', (movie.kodi_id,), 0)]) == []
    assert library.apply_resume([Point('movie', 'm', ((movie.kodi_id, 0, 6000),))]) == []
    cleared = next(m for m in library.read_snapshot().movies if m.kodi_id == movie.kodi_id)
    assert (cleared.userrating, cleared.resume) == (0, None)
    assert [entry[0] for entry in library.stream_state()] == ['episodes', 'episodes']
