"""Resume points and ratings both ways in real Kodi, with the service syncing against the emulator: a film stopped
at 40 % in one Kodi resumes there in another Kodi, and a rating set on either side appears on the other."""
import os
import time

import pytest

from tests.e2e.sync_world import library_part, wait_for_request, world_catalog
from tests.service.service_world import ServiceWorld, write_clip
from tools import media_tree

pytestmark = pytest.mark.kodi
CLIP_SECONDS = 30
STARTUP_SYNC = {'sync_at_startup': True, 'startup_delay': 0}
# A timer sync every 3 s (one "hour" of the interval lasts 3 s): the sync after a change in Kodi comes by itself.
FREQUENT_SYNCS = dict(STARTUP_SYNC, sync_interval_hours=1, interval_unit_seconds=3)


@pytest.fixture
def catalog():
    return world_catalog(movies=2, shows=0)


def _details(kodi, imdb):
    for movie in kodi.call('VideoLibrary.GetMovies', {'properties': ['uniqueid', 'userrating', 'resume']})['movies']:
        if movie['uniqueid'].get('imdb') == imdb:
            return movie
    raise AssertionError('{} is not in the library'.format(imdb))


def _wait(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _stop_at_40_percent(world, movie):
    """Play the film's clip from 40 %, pause just past it and stop (the scrobbler sends the stop's progress)."""
    kodi = world.kodi
    mark = kodi.notifications.mark()
    kodi.call('Player.Open', {'item': {'movieid': _details(kodi, movie['ids']['imdb'])['movieid']}})
    kodi.wait_notification('Player.OnAVStart', timeout=20, since=mark)
    kodi.call('Player.Seek', {'playerid': 1, 'value': {'percentage': 40}})
    _wait(lambda: kodi.call('Player.GetProperties', {'playerid': 1, 'properties': ['percentage']})['percentage']
          >= 41, 'the clip did not play on from 40 %', CLIP_SECONDS)
    kodi.call('Player.PlayPause', {'playerid': 1, 'play': False})
    wait_for_request(world.emu, 'POST', '/scrobble/pause', 201, timeout=20)
    world.stop_playback()
    wait_for_request(world.emu, 'POST', '/scrobble/stop', 201, timeout=20)


def test_pausing_at_40_percent_and_stopping_gives_a_resume_point_another_kodi_picks_up(kodi_factory, tmp_path,
                                                                                     emulator, catalog):
    movie = catalog['movies'][0]
    box_a = ServiceWorld(kodi_factory, tmp_path / 'a', emulator, library_part(catalog, movies=2, shows=0),
                         settings=STARTUP_SYNC)
    box_a.wait_syncs(1)
    folder = media_tree.movie_folder(box_a.media, movie)
    write_clip(os.path.join(folder, os.path.basename(folder) + '.mkv'), seconds=CLIP_SECONDS)
    _stop_at_40_percent(box_a, movie)
    [point] = emulator.playback('movie')
    assert point['trakt_id'] == movie['ids']['trakt'] and 40 <= point['progress'] < 60

    # Another Kodi with the same film (its file not played there yet: the length comes from its NFO, one minute).
    library_b = library_part(catalog, movies=2, shows=0)
    library_b['movies'][0]['nfo_extra'] = '<runtime>1</runtime>'
    box_b = ServiceWorld(kodi_factory, tmp_path / 'b', emulator, library_b, settings=STARTUP_SYNC)
    box_b.wait_syncs(1)

    resume = _details(box_b.kodi, movie['ids']['imdb'])['resume']
    assert resume['total'] == 60 and abs(resume['position'] - point['progress'] * 0.6) <= 1
    assert emulator.playback('movie') == [point]      # taken, not sent back or removed
    assert not [r for r in emulator.requests if r['path'].startswith('/sync/playback/') and r['method'] == 'DELETE']
    assert box_a.kodi.python_errors() == [] and box_b.kodi.python_errors() == []


@pytest.mark.every_major
def test_a_rating_set_on_trakt_appears_in_kodi_and_one_set_in_kodi_appears_on_trakt(kodi_factory, tmp_path,
                                                                                    emulator, catalog):
    rated_on_trakt, rated_in_kodi = catalog['movies']
    emulator.rate('movie', rated_on_trakt['ids']['trakt'], 9, '2026-11-20T20:00:00.000Z')
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=2, shows=0),
                         settings=FREQUENT_SYNCS)
    world.wait_syncs(1)
    assert _details(world.kodi, rated_on_trakt['ids']['imdb'])['userrating'] == 9

    # The user rates the other film in Kodi and stops it at 40 % somewhere the scrobbler did not see (another
    # Kodi client of this library): the next sync takes both to trakt.
    movie_id = _details(world.kodi, rated_in_kodi['ids']['imdb'])['movieid']
    world.kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie_id, 'userrating': 6,
                                                     'resume': {'position': 2400, 'total': 6000}})
    _wait(lambda: [r['rating'] for r in emulator.ratings('movie')
                   if r['trakt_id'] == rated_in_kodi['ids']['trakt']] == [6], 'Kodi\'s rating did not reach trakt')
    _wait(lambda: [p['progress'] for p in emulator.playback('movie')] == [40.0],
          'Kodi\'s resume point did not reach trakt')

    assert {r['trakt_id']: r['rating'] for r in emulator.ratings('movie')} == {
        rated_on_trakt['ids']['trakt']: 9, rated_in_kodi['ids']['trakt']: 6}
    assert _details(world.kodi, rated_on_trakt['ids']['imdb'])['userrating'] == 9
    assert world.kodi.python_errors() == []


def test_after_a_film_watched_to_its_end_the_rating_question_comes_once_it_stopped_and_reaches_trakt(
        kodi_factory, tmp_path, emulator, catalog):
    movie = catalog['movies'][0]
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=2, shows=0),
                         settings=dict(STARTUP_SYNC, instant_push=True, ask_rating=True))
    world.wait_syncs(1)
    folder = media_tree.movie_folder(world.media, movie)
    write_clip(os.path.join(folder, os.path.basename(folder) + '.mkv'), seconds=CLIP_SECONDS)
    kodi = world.kodi
    mark = kodi.notifications.mark()
    kodi.call('Player.Open', {'item': {'movieid': _details(kodi, movie['ids']['imdb'])['movieid']}})
    kodi.wait_notification('Player.OnAVStart', timeout=20, since=mark)
    kodi.call('Player.Seek', {'playerid': 1, 'value': {'percentage': 85}})
    # Nothing pops up while the film plays to its end.
    while kodi.call('Player.GetActivePlayers'):
        assert world.visible('selectdialog') == []
        time.sleep(0.1)
    kodi.wait_notification('Player.OnStop', timeout=CLIP_SECONDS, since=mark)

    _wait(lambda: world.visible('selectdialog') == ['selectdialog'], 'no rating question after the film', 20)
    for _step in range(2):      # the list starts at 10: down to 8
        kodi.call('Input.Down')
    kodi.call('Input.Select')

    _wait(lambda: _details(kodi, movie['ids']['imdb'])['userrating'] == 8, 'the rating did not reach Kodi')
    _wait(lambda: [r['rating'] for r in emulator.ratings('movie')] == [8], 'the rating did not reach trakt')
    assert [p['trakt_id'] for p in emulator.plays('movie')] == [movie['ids']['trakt']]
    assert kodi.python_errors() == []
