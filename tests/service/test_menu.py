"""The menu's actions driven through their dialogs in real Kodi, as a user would: authorize (device flow), Sync
now, Preview, Clean now (no, then yes), Restore last clean, Status; and Cancel in Sync now's progress dialog."""
import os
import time

import pytest

from tests.e2e.sync_world import library_part, wait_for_request, world_catalog
from tests.service.service_world import SYNC_DONE, ServiceWorld
from tools import screenshots
from tools.kodi_harness import OK_DIALOG, PROGRESS_DIALOG, TEXT_VIEWER, YESNO_DIALOG

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'post_interval': 0.2, 'device_interval': 1}   # for the shared ``emulator`` fixture

ADDON_ID = 'service.traktsync'


@pytest.fixture
def catalog():
    return world_catalog(movies=5, shows=1, seasons=1, episodes_per_season=2)


def _text_on_screen(kodi):
    labels = ['Control.GetLabel(5)', 'Control.GetLabel(9)', 'Control.GetLabel(1)']   # text viewer, OK dialog, heading
    answer = kodi.call('XBMC.GetInfoLabels', {'labels': labels})
    return '\n'.join(answer.get(label, '') for label in labels)


def _wait_text_on_screen(kodi, words, timeout=5.0):
    """The dialog's text: Kodi opens the window a moment before it fills in the labels."""
    deadline = time.monotonic() + timeout
    while True:
        text = _text_on_screen(kodi)
        if words in text or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def test_cancel_in_sync_now_ends_it_at_once_while_trakt_is_slow_and_the_next_sync_finishes_the_work(
        kodi_factory, tmp_path, catalog, emulator):
    emulator.inject('timeout', count=1, method='POST', path_prefix='/sync/collection', hold=60.0)
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=1))
    kodi = world.kodi
    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_window(PROGRESS_DIALOG, timeout=15)
    wait_for_request(emulator, 'POST', '/sync/collection', timeout=30)   # the upload started; trakt is "thinking"

    pressed = time.monotonic()
    kodi.press('Back')                          # the progress dialog's Cancel
    kodi.wait_log(r'\[service\.traktsync\] sync cancelled in', timeout=10)
    assert time.monotonic() - pressed < 5, 'cancelling waited for trakt'
    kodi.wait_window(OK_DIALOG, timeout=10)
    assert 'Sync cancelled' in _wait_text_on_screen(kodi, 'Sync cancelled')
    kodi.press('Select')
    assert len(emulator.collection('movie')) == 0

    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_log_count(SYNC_DONE, 2, timeout=30)
    kodi.wait_window(OK_DIALOG, timeout=10)
    kodi.press('Select')
    assert len(emulator.collection('movie')) == 3 and len(emulator.collection('episode')) == 2
    assert kodi.python_errors() == []


def test_yes_after_signing_in_syncs_at_once_with_the_progress_dialog(kodi_factory, tmp_path, catalog, emulator):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=1), token=False)
    kodi = world.kodi
    done = world.syncs_done()
    emulator.auto_approve = True
    kodi.run_script(ADDON_ID, ['action=authorize'])
    kodi.wait_window(YESNO_DIALOG, timeout=30)       # "signed in as …; sync now?"
    assert world.syncs_done() == done
    kodi.answer_yesno(True)
    kodi.wait_window(PROGRESS_DIALOG, timeout=15)
    kodi.wait_log_count(SYNC_DONE, done + 1, timeout=30)
    kodi.wait_window(OK_DIALOG, timeout=10)
    assert 'sent to trakt' in _wait_text_on_screen(kodi, 'sent to trakt')
    kodi.press('Select')
    assert len(emulator.collection('movie')) == 3 and len(emulator.collection('episode')) == 2
    assert kodi.python_errors() == []


@pytest.mark.every_major
def test_menu_actions_through_their_dialogs(kodi_factory, tmp_path, catalog, emulator, dialog_shots):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=1), token=False,
                         settings={'clean_threshold_percent': 50})
    kodi = world.kodi

    # Authorize: the dialog shows the code; the user approves it on "trakt"; the token is stored
    kodi.run_script(ADDON_ID, ['action=authorize'])
    kodi.wait_window(PROGRESS_DIALOG, timeout=15)
    deadline = time.monotonic() + 10
    while not emulator.device_codes() and time.monotonic() < deadline:
        time.sleep(0.1)
    (_, user_code, _), = emulator.device_codes()
    dialog_shots(kodi, 'authorize-code')
    done = world.syncs_done()
    emulator.approve(user_code)
    kodi.wait_window(YESNO_DIALOG, timeout=15)       # "signed in as …; sync now?"
    assert emulator.username in _wait_text_on_screen(kodi, emulator.username)
    dialog_shots(kodi, 'authorize-done')
    kodi.press('Back')                               # no: not yet
    assert world.profile_file('token.json')['access_token']
    assert world.setting('username')

    # Sync now: the library goes to the trakt collection (the "no" above started no sync)
    kodi.run_script(ADDON_ID, ['action=sync'])
    kodi.wait_log_count(SYNC_DONE, done + 1, timeout=30)
    kodi.wait_window(OK_DIALOG, timeout=10)
    assert 'sent to trakt' in _wait_text_on_screen(kodi, 'sent to trakt')
    dialog_shots(kodi, 'sync-done')
    kodi.press('Select')
    assert len(emulator.collection('movie')) == 3 and len(emulator.collection('episode')) == 2
    assert world.syncs_done() == done + 1

    # Preview: shows what would change and changes nothing
    movie = catalog['movies'][0]
    emulator.add_play('movie', movie['ids']['trakt'], '2026-11-20T20:00:00.000Z')
    kodi.run_script(ADDON_ID, ['action=preview'])
    kodi.wait_window(TEXT_VIEWER, timeout=30)
    dialog_shots(kodi, 'preview')
    assert '1' in _text_on_screen(kodi)
    kodi.press('Back')
    assert world.movies()[movie['ids']['imdb']]['playcount'] == 0

    # Clean now: a movie on trakt that is not in Kodi; "no" keeps it, "yes" removes it
    extra = catalog['movies'][4]
    emulator.collect('movie', extra['ids']['trakt'], '2026-01-01T00:00:00.000Z')
    world.set_setting('clean_collection', True)
    kodi.wait_window(YESNO_DIALOG, timeout=15)
    kodi.answer_yesno(True)                          # confirm turning the clean on
    kodi.wait_log(r'turned on and confirmed', timeout=10)
    kodi.run_script(ADDON_ID, ['action=clean'])
    kodi.wait_window(YESNO_DIALOG, timeout=30)
    dialog_shots(kodi, 'clean-question')
    kodi.press('Back')
    kodi.wait_window(OK_DIALOG, timeout=10)
    kodi.press('Select')
    assert extra['ids']['trakt'] in {c['trakt_id'] for c in emulator.collection('movie')}

    kodi.run_script(ADDON_ID, ['action=clean'])
    kodi.wait_window(YESNO_DIALOG, timeout=30)
    kodi.answer_yesno(True)
    kodi.wait_window(OK_DIALOG, timeout=30)
    dialog_shots(kodi, 'clean-done')
    kodi.press('Select')
    assert extra['ids']['trakt'] not in {c['trakt_id'] for c in emulator.collection('movie')}

    # Restore last clean: the movie is back
    kodi.run_script(ADDON_ID, ['action=restore'])
    kodi.wait_window(YESNO_DIALOG, timeout=15)
    dialog_shots(kodi, 'restore-question')
    kodi.answer_yesno(True)
    kodi.wait_window(OK_DIALOG, timeout=15)
    kodi.press('Select')
    assert extra['ids']['trakt'] in {c['trakt_id'] for c in emulator.collection('movie')}

    # Status: the last sync's time and what it did
    kodi.run_script(ADDON_ID, ['action=status'])
    kodi.wait_window(TEXT_VIEWER, timeout=15)
    dialog_shots(kodi, 'status')
    text = _text_on_screen(kodi)
    assert 'Last sync' in text and 'removed from the trakt collection' in text
    kodi.press('Back')
    assert os.path.exists(world.profile_path('last-result.json'))

    # The README's pictures: settings, the bar of an automatic sync (a slow trakt keeps it up), status
    emulator.latency = 0.5
    shots = screenshots.take(kodi, str(tmp_path / 'shots'), world.set_setting)
    for path in shots.values():
        with open(path, 'rb') as handle:
            assert handle.read(8) == b'\x89PNG\r\n\x1a\n'
    assert kodi.python_errors() == []
