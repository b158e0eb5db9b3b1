""""Sync now" with many watched states to write into Kodi covers Kodi's home screen meanwhile (script.MenuProgress,
ui.Backdrop): under the home screen each write makes Kodi re-read its widgets from the library, which doubled its
cost per write (docs/performance.md, "Round 8"). The progress dialog stays on top, and the home screen is back when
the sync ends."""
import time

import pytest

from tests.e2e.sync_world import library_part, world_catalog
from tests.service.service_world import ServiceWorld
from tools import catalog as catalogs
from tools.kodi_harness import HOME_WINDOW, OK_DIALOG, PROGRESS_DIALOG

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'post_interval': 0.2}
ADDON_ID = 'service.traktsync'
COVERED = r'\[service\.traktsync\] \d+ watched states to write into Kodi: its home screen is covered'
HOME = 'home'
DIALOG = 'progressdialog'


@pytest.fixture
def catalog():
    return world_catalog(movies=6, shows=2, seasons=2, episodes_per_season=55)   # 220 episodes


def _every_episode_watched_on_trakt(kodi_factory, tmp_path, catalog, emulator):
    """Kodi with the catalog's 220 episodes, all of them watched on trakt: "Sync now" writes 220 states into Kodi."""
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=6, shows=2))
    for _show, _season, episode in catalogs.iter_episodes(catalog):
        emulator.add_play('episode', episode['ids']['trakt'], '2026-11-20T20:00:00.000Z')
    emulator.latency = 1.0   # every trakt request takes a second: the sync's last ones come after Kodi's writes
    return world


def _episodes_watched(kodi):
    answer = kodi.call('VideoLibrary.GetEpisodes', {'properties': ['playcount']})
    return sum(1 for episode in answer.get('episodes', []) if episode['playcount'] > 0)


def _windows_until_done(world, done):
    """What Kodi shows, sampled until the sync has ended: a list of (home visible, progress dialog visible)."""
    seen = []
    deadline = time.monotonic() + 120
    while world.syncs_done() < done and time.monotonic() < deadline:
        visible = world.visible(HOME, DIALOG)
        seen.append((HOME in visible, DIALOG in visible))
        time.sleep(0.05)
    return seen


@pytest.mark.every_major
def test_sync_now_covers_the_home_screen_while_it_writes_many_watched_states_then_gives_it_back(
        kodi_factory, tmp_path, catalog, emulator):
    world = _every_episode_watched_on_trakt(kodi_factory, tmp_path, catalog, emulator)
    kodi = world.kodi
    assert world.visible(HOME) == [HOME]

    done = world.syncs_done()
    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_log(COVERED, timeout=60)
    seen = _windows_until_done(world, done + 1)

    assert (False, True) in seen, 'the home screen was not covered behind the progress dialog: {}'.format(seen)
    kodi.wait_window(OK_DIALOG, timeout=15)
    kodi.press('Select')
    kodi.wait_window(HOME_WINDOW, timeout=15)   # active again
    assert world.visible(HOME) == [HOME]
    assert _episodes_watched(kodi) == 220
    assert kodi.python_errors() == []


def test_cancel_while_the_home_screen_is_covered_gives_it_back(kodi_factory, tmp_path, catalog, emulator):
    world = _every_episode_watched_on_trakt(kodi_factory, tmp_path, catalog, emulator)
    kodi = world.kodi

    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_log(COVERED, timeout=60)
    deadline = time.monotonic() + 15
    while world.visible(HOME, DIALOG) != [DIALOG]:     # the backdrop is up and the dialog back on top of it
        assert time.monotonic() < deadline, 'the home screen was not covered: {}'.format(world.visible(HOME, DIALOG))
        time.sleep(0.05)
    kodi.press('Back')                                  # the progress dialog's Cancel
    kodi.wait_log(r'\[service\.traktsync\] sync cancelled in', timeout=15)
    kodi.wait_window(OK_DIALOG, timeout=15)
    kodi.press('Select')
    kodi.wait_window(HOME_WINDOW, timeout=15)
    assert world.visible(HOME) == [HOME]
    assert kodi.python_errors() == []


def test_sync_now_with_a_few_watched_states_leaves_the_home_screen_alone(kodi_factory, tmp_path, catalog, emulator):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=6, shows=0))
    kodi = world.kodi
    for movie in catalog['movies'][:3]:
        emulator.add_play('movie', movie['ids']['trakt'], '2026-11-20T20:00:00.000Z')
    emulator.latency = 0.3

    done = world.syncs_done()
    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_window(PROGRESS_DIALOG, timeout=15)
    seen = _windows_until_done(world, done + 1)

    assert seen and all(home for home, _dialog in seen), 'the home screen was covered for three writes'
    kodi.wait_window(OK_DIALOG, timeout=15)
    kodi.press('Select')
    assert sum(1 for movie in world.movies().values() if movie['playcount'] > 0) == 3
    assert kodi.count_log(COVERED) == 0
