"""What the user sees from the service: turning on the clean asks first and "no" turns it off again; nothing pops
up while a video plays, and a sync that waited for the video runs once it stopped."""
import time

import pytest

from tests.e2e.sync_world import library_part, world_catalog
from tests.service.service_world import BAR, TOAST, ServiceWorld, write_clip
from tools.kodi_harness import YESNO_DIALOG

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'post_interval': 0.2}   # for the shared ``emulator`` fixture


@pytest.fixture
def catalog():
    return world_catalog(movies=4, shows=1, seasons=1, episodes_per_season=2)


def _wait_setting(world, setting_id, value, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if world.setting(setting_id) == value:
            return True
        time.sleep(0.1)
    return False


def test_turning_on_the_clean_asks_and_no_turns_it_off_again_yes_keeps_it(kodi_factory, tmp_path, catalog,
                                                                          emulator):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=2, shows=0))
    kodi = world.kodi
    kodi.wait_log(r'\[service\.traktsync\] service \S+ started', timeout=20)

    world.set_setting('clean_collection', True)
    kodi.wait_window(YESNO_DIALOG, timeout=15)
    kodi.press('Back')                                   # "no"
    assert _wait_setting(world, 'clean_collection', 'false'), 'the clean stayed on after "no"'
    kodi.wait_log(r'not confirmed; turned off again', timeout=5)

    world.set_setting('clean_collection', True)
    kodi.wait_window(YESNO_DIALOG, timeout=15)
    kodi.press('Left', 'Select')                         # "yes"
    kodi.wait_log(r'turned on and confirmed', timeout=5)
    time.sleep(1)
    assert world.setting('clean_collection') == 'true'
    assert kodi.current_window()['id'] != YESNO_DIALOG   # asked once, not again after its own answer
    assert kodi.python_errors() == []


def _wait_gone(world, window, timeout=20.0):
    deadline = time.monotonic() + timeout
    while world.visible(window):
        assert time.monotonic() < deadline, '{} stayed visible'.format(window)
        time.sleep(0.2)


def _wait_visible(world, window, timeout=10.0):
    deadline = time.monotonic() + timeout
    while window not in world.visible(window):
        assert time.monotonic() < deadline, '{} did not show'.format(window)
        time.sleep(0.1)


def _watch_screen(world, seconds, until=None):
    """Sample what Kodi shows for ``seconds`` (or until ``until()``); the set of popups seen."""
    seen = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.update(world.visible(BAR, TOAST))
        if until is not None and until():
            break
        time.sleep(0.1)
    return seen


def test_nothing_pops_up_during_playback_and_the_waiting_sync_runs_after_it(kodi_factory, tmp_path, catalog,
                                                                            emulator):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=0), settings={
        'instant_push': True, 'show_progress': True, 'notifications': True, 'wait_while_playing': True})
    kodi = world.kodi
    clip = write_clip(str(tmp_path / 'clip.y4m'))
    first, second = catalog['movies'][0], catalog['movies'][1]

    # wait_while_playing: a watched change during playback waits; nothing shows on the video
    world.play_clip(clip)
    world.set_movie_watched(first['ids']['imdb'])
    kodi.wait_log(r'a video is playing; the sync waits', timeout=10)
    assert _watch_screen(world, 4) == set()
    assert world.syncs_done() == 0 and emulator.plays('movie') == []

    world.stop_playback()
    world.wait_syncs(1, timeout=20)
    assert [p['trakt_id'] for p in emulator.plays('movie')] == [first['ids']['trakt']]
    _wait_visible(world, TOAST)   # the summary

    # syncing during playback is allowed: it runs, but shows nothing on the video
    world.set_setting('wait_while_playing', False)
    kodi.wait_log(r'settings reloaded', timeout=10)
    _wait_gone(world, TOAST)   # the summary of the first sync (Kodi shows a toast for about 8 s)
    _wait_gone(world, BAR)
    world.play_clip(clip)
    world.set_movie_watched(second['ids']['imdb'])
    seen = _watch_screen(world, 20, until=lambda: world.syncs_done() >= 2)
    assert world.syncs_done() == 2
    assert seen | _watch_screen(world, 1) == set()
    assert sorted(p['trakt_id'] for p in emulator.plays('movie')) == sorted([first['ids']['trakt'],
                                                                            second['ids']['trakt']])
    world.stop_playback()
    assert kodi.python_errors() == []
