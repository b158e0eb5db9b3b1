"""Kodi dates that cannot be a viewing (issue 11, item 9): year 1, year 999, years ahead.

The play still goes to trakt, without a time (as for an item without a date), the sync ends ok and the status
screen names each item whose date was left out.
"""
import pytest

from tests.e2e.sync_world import SyncWorld, library_part, world_catalog
from tools.trakt_emulator import Emulator
from traktsync.status import status_text
from traktsync.store import JsonStore

pytestmark = pytest.mark.kodi
UNKNOWN = '1970-01-01T00:00:00.000Z'   # how the emulator files a play sent with watched_at "unknown"


def localize(string_id, *args, **kwargs):
    return '#{} {} {}'.format(string_id, args, kwargs)


def test_dates_before_1900_or_after_tomorrow_are_dropped_and_named(kodi_factory, tmp_path):
    catalog = world_catalog(movies=4, shows=1, seasons=1, episodes_per_season=2)
    with Emulator(catalog=catalog, post_interval=1.0) as emu:
        world = SyncWorld(kodi_factory, tmp_path, emu, library_part(catalog, movies=4, shows=1))
        movies = catalog['movies']
        odd = {movies[0]['ids']['imdb']: '0001-01-01 00:00:00', movies[1]['ids']['imdb']: '0999-05-01 10:00:00',
               movies[2]['ids']['imdb']: '2199-01-01 10:00:00'}
        for imdb, lastplayed in odd.items():
            world.set_movie(imdb, 1, lastplayed)
        world.set_movie(movies[3]['ids']['imdb'], 1, '2024-05-01 10:00:00')
        episode = catalog['shows'][0]['seasons'][0]['episodes'][0]
        world.set_episode(episode['ids']['tvdb'], 1, '0001-01-01 00:00:00')

        result = world.sync()

        assert result['status'] == 'ok', result['error']
        plays = {(p['type'], p['trakt_id']): p['watched_at'] for p in emu.plays()}
        for movie in movies[:3]:
            assert plays[('movie', movie['ids']['trakt'])] == UNKNOWN
        assert plays[('movie', movies[3]['ids']['trakt'])].startswith('2024-05-01')
        assert plays[('episode', episode['ids']['trakt'])] == UNKNOWN
        named = sorted(item['title'] for item in result['odd_dates'])
        assert named == sorted([m['title'] for m in movies[:3]] + ['{} S01E01'.format(catalog['shows'][0]['title'])])
        screen = status_text(JsonStore(world.kodi.profile_dir('service.traktsync')), localize)
        for title in named:
            assert title in screen
        assert '#30071' in screen
        assert not world.kodi.python_errors()
