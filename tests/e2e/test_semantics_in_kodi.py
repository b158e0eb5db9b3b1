"""Sync semantics inside real Kodi, both sides checked: what a Kodi play count means to trakt.

A Kodi playcount is a total, trakt's history is a list of viewings: the first sync turns a Kodi total into one
play (Kodi cannot say when the others were), later syncs compare changes against the stored baseline, and a
library row that is removed and added again is the same movie, not a viewer who unwatched it.
"""
import calendar
import os
import shutil
import time

import pytest

from tests.e2e.sync_world import SyncWorld, library_part, world_catalog
from tools import media_tree

pytestmark = pytest.mark.kodi


@pytest.fixture
def catalog():
    return world_catalog(movies=4, shows=1, seasons=1, episodes_per_season=2)


def imdb(movie):
    return movie['ids']['imdb']


def trakt_minute(lastplayed):
    """Kodi's ``lastplayed`` (local time) as trakt stores a play's ``watched_at`` (UTC, to the minute)."""
    epoch = time.mktime(time.strptime(lastplayed, '%Y-%m-%d %H:%M:%S'))
    return time.strftime('%Y-%m-%dT%H:%M:00.000Z', time.gmtime(epoch - epoch % 60))


def history_posts(emulator, mark):
    return [r for r in emulator.requests[mark:] if r['method'] == 'POST' and r['path'].startswith('/sync/history')]


def test_first_sync_sends_one_play_for_a_kodi_playcount_of_three(kodi_factory, tmp_path, catalog, emulator):
    movie = catalog['movies'][0]
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=1))
    world.set_movie(imdb(movie), 3, '2026-10-01 21:34:27')
    assert world.movies()[imdb(movie)]['playcount'] == 3

    result = world.sync()

    assert result['status'] == 'ok'
    plays = emulator.plays('movie')
    assert [(p['trakt_id'], p['watched_at']) for p in plays] == [
        (movie['ids']['trakt'], trakt_minute('2026-10-01 21:34:27'))]
    assert world.movies()[imdb(movie)]['playcount'] == 3         # Kodi's total is left alone


def test_one_more_viewing_on_both_sides_is_one_viewing(kodi_factory, tmp_path, catalog, emulator):
    movie = catalog['movies'][1]
    trakt_id = movie['ids']['trakt']
    emulator.add_play('movie', trakt_id, trakt_minute('2026-10-01 21:34:00'))
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=0))
    world.set_movie(imdb(movie), 3, '2026-10-01 21:34:00')
    world.sync()
    assert (world.movies()[imdb(movie)]['playcount'], emulator.play_count('movie', trakt_id)) == (3, 1)

    # The same evening seen in Kodi (3 -> 4) and scrobbled to trakt by another app (1 -> 2).
    world.set_movie(imdb(movie), 4, '2026-11-20 20:10:00')
    emulator.add_play('movie', trakt_id, trakt_minute('2026-11-20 20:10:00'))
    mark = len(emulator.requests)
    world.sync()

    assert history_posts(emulator, mark) == []
    assert emulator.play_count('movie', trakt_id) == 2
    assert world.movies()[imdb(movie)]['playcount'] == 4


@pytest.mark.parametrize('send_unwatched', [False, True], ids=['send-unwatched-off', 'send-unwatched-on'])
def test_a_movie_removed_and_added_again_is_watched_again_from_trakt(kodi_factory, tmp_path, catalog, emulator,
                                                                    send_unwatched):
    movie = catalog['movies'][2]
    trakt_id = movie['ids']['trakt']
    emulator.add_play('movie', trakt_id, '2026-09-01T20:00:00.000Z')
    emulator.add_play('movie', trakt_id, '2026-10-05T20:00:00.000Z')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=0),
                      settings={'send_unwatched': send_unwatched})
    world.sync()
    before = world.movies()[imdb(movie)]
    assert before['playcount'] == 2
    plays_before = emulator.plays()

    # The file moves (a new folder name): "Clean library" drops the row, the scan adds a new, unwatched one.
    folder = media_tree.movie_folder(world.media, movie)
    shutil.move(folder, os.path.join(os.path.dirname(folder), 'moved ' + os.path.basename(folder)))
    world.kodi.clean_library()
    assert imdb(movie) not in world.movies()
    world.kodi.scan()
    after = world.movies()[imdb(movie)]
    assert after['movieid'] != before['movieid'] and after['playcount'] == 0

    result = world.sync()

    assert result['status'] == 'ok'
    again = world.movies()[imdb(movie)]
    # Both sides in one assertion, so that a failure shows what happened to each.
    assert (again['playcount'], emulator.plays()) == (2, plays_before)
    assert again['lastplayed'] != ''


def test_trakt_minute_is_utc():
    epoch = calendar.timegm((2026, 10, 1, 21, 34, 27, 0, 0, 0))
    lastplayed = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(epoch))
    assert trakt_minute(lastplayed) == '2026-10-01T21:34:00.000Z'
