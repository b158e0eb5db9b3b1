"""Two real Kodi instances over one video library in MariaDB (the "shared library" set-up of many homes).

The first test checks the set-up itself: one scan, both instances see the library, and a change made through one
is seen by the other. The others run the add-on on both boxes against one trakt account (the emulator): each box
has its own add-on profile (its own baseline and token), the library and the account are shared, and a viewing
must reach the other side exactly once, whichever box syncs first, and also when both sync at the same time.
"""
import glob
import os

import pytest

from tests.e2e.sync_world import library_part, world_catalog
from tools import media_tree

pytestmark = pytest.mark.kodi


@pytest.fixture
def catalog():
    return world_catalog(movies=4, shows=1, seasons=1, episodes_per_season=3)


def library_state(kodi):
    movies = kodi.call('VideoLibrary.GetMovies', {'properties': ['uniqueid', 'playcount', 'lastplayed', 'file']})
    episodes = kodi.call('VideoLibrary.GetEpisodes', {'properties': ['uniqueid', 'playcount', 'file']})
    return ({m['uniqueid']['imdb']: (m['movieid'], m['file'], m['playcount'], m['lastplayed'])
             for m in movies.get('movies', [])},
            {e['uniqueid']['tvdb']: (e['episodeid'], e['file'], e['playcount']) for e in episodes.get('episodes', [])})


def test_two_kodi_instances_share_one_library(kodi_factory, mariadb, tmp_path, catalog):
    database = mariadb.video_database()
    media = media_tree.write_tree(str(tmp_path / 'media'), library_part(catalog, movies=4, shows=1))
    box_a = kodi_factory(start=False, install_addon=False, enable=(), video_database=database)
    box_b = kodi_factory(start=False, install_addon=False, enable=(), video_database=database)
    for box in (box_a, box_b):
        box.write_sources(media)
    box_a.start()
    box_a.scan_media(media)
    box_b.start()

    movies_a, episodes_a = library_state(box_a)
    assert len(movies_a) == 4 and len(episodes_a) == 3
    assert library_state(box_b) == (movies_a, episodes_a)            # B never scanned: it is the same library

    imdb = catalog['movies'][2]['ids']['imdb']
    movie_id = movies_a[imdb][0]
    box_a.call('VideoLibrary.SetMovieDetails', {'movieid': movie_id, 'playcount': 2,
                                                'lastplayed': '2026-11-24 21:15:00'})

    seen_by_b = box_b.call('VideoLibrary.GetMovieDetails', {'movieid': movie_id,
                                                            'properties': ['playcount', 'lastplayed']})
    assert (seen_by_b['moviedetails']['playcount'], seen_by_b['moviedetails']['lastplayed']) == (
        2, '2026-11-24 21:15:00')
    assert library_state(box_b) == library_state(box_a)
    # No SQLite library in either home: both use the MariaDB one.
    for box in (box_a, box_b):
        assert glob.glob(os.path.join(box.userdata, 'Database', 'MyVideos*.db')) == []
        assert box.video_sql('SELECT COUNT(*) FROM movie') == [['4']]
