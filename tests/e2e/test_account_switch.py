"""Signing in to another trakt account in real Kodi (issue 10, case 4; docs/design.md, "Identity: the trakt account").

Account A syncs and cleans; the user signs out and authorizes account B, an empty one, through the add-on's own
device-code sign-in. B must start with no memory of A: every item watched in Kodi reaches B as one play, "take
unwatched" does not read B's empty history as an un-watch, "Restore last clean" offers nothing of A's, and A's
files stay in their own folder, untouched. Back as A, what B's syncs wrote into Kodi (B's check-ins, B's rating)
is not A's: A's trakt gets none of it.
"""
import json
import os
import time

import pytest

from tests.e2e.sync_world import ADDON_ID, SYNC_DONE, SyncWorld, library_part, world_catalog
from tools.kodi_harness import OK_DIALOG, YESNO_DIALOG
from tools.trakt_emulator.settings import user_uuid

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'device_interval': 1}     # the add-on polls the sign-in every second
PREVIEW_DONE = r'\[service\.traktsync\] preview (ok|error|cancelled) in'
MENU_ACTION = r'\[service\.traktsync\] menu action: {}'
SIGNED_IN = r'\[service\.traktsync\] signed in to trakt as {}'
COLLECTED_AT = '2024-02-03T04:05:00.000Z'
KODI_WRITES = 'kodi-writes-of-other-accounts.json'
A_FILES = ('baseline.json', 'trakt-cache.json', 'trakt-cache-stamps.json', 'clean-backup.json')


@pytest.fixture
def catalog():
    return world_catalog(movies=6, shows=1, seasons=1, episodes_per_season=3)


def account_folder(world, username):
    uuid = user_uuid(world.emu.account_data(username=username).get('user_id', 1))
    return os.path.join(world.kodi.profile_dir(ADDON_ID), 'accounts', uuid)


def read_files(folder):
    files = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as handle:
            files[name] = json.load(handle)
    return files


def run_action(world, action):
    """Start a menu action and wait until Kodi runs it."""
    started = world.kodi.count_log(MENU_ACTION.format(action))
    world.kodi.run_script(ADDON_ID, ['action=' + action])
    world.kodi.wait_log_count(MENU_ACTION.format(action), started + 1, timeout=30)


def clean(world):
    """"Clean collection now", answered yes: a preview, the question, the sync that cleans, its report."""
    previews = world.kodi.count_log(PREVIEW_DONE)
    run_action(world, 'clean')
    world.kodi.wait_log_count(PREVIEW_DONE, previews + 1, timeout=60)
    world.kodi.answer_yesno(True)
    world.syncs += 1
    world.kodi.wait_log_count(SYNC_DONE, world.syncs, timeout=60)
    world.kodi.wait_window(OK_DIALOG)
    world.kodi.press('Select')


def wait_signed_out(world, timeout=30):
    """Sign-out ends with the token gone from the profile (it shows only a notification)."""
    path = os.path.join(world.kodi.profile_dir(ADDON_ID), 'token.json')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as handle:
                if not json.load(handle):
                    return
        except (IOError, ValueError):
            if not os.path.exists(path):
                return
        time.sleep(0.1)
    raise AssertionError('the add-on did not sign out within {} s'.format(timeout))


def authorize(world, username):
    """The add-on's own device-code sign-in; the emulator's user approves the code as ``username``."""
    world.emu.device_user = username
    world.emu.auto_approve = True
    signed_in = world.kodi.count_log(SIGNED_IN.format(username))
    run_action(world, 'authorize')
    world.kodi.wait_log_count(SIGNED_IN.format(username), signed_in + 1, timeout=60)
    world.kodi.wait_window(YESNO_DIALOG, timeout=30)        # "signed in as …; sync now?"
    world.kodi.press('Back')                                # no: the test syncs by itself


def test_another_account_inherits_nothing_and_the_first_accounts_files_are_kept(kodi_factory, tmp_path, catalog,
                                                                                 emulator):
    alice = emulator.username
    emulator.add_account('bob')
    movies = catalog['movies']
    episode = catalog['shows'][0]['seasons'][0]['episodes'][1]
    for movie in movies[4:]:                        # on A's trakt collection, not in Kodi: the clean removes them
        emulator.collect('movie', movie['ids']['trakt'], COLLECTED_AT)
    emulator.add_play('movie', movies[1]['ids']['trakt'], '2026-11-01T20:00:00.000Z')   # watched on A's trakt only
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=4, shows=1),
                      settings={'take_unwatched': True, 'clean_collection': True, 'clean_threshold_percent': 50})
    world.set_movie(movies[0]['ids']['imdb'], 2, '2026-11-20 21:15:00')
    world.set_episode(episode['ids']['tvdb'], 1, '2026-11-21 20:00:00')

    # Account A: a sync and a clean make every kind of memory.
    assert world.sync()['status'] == 'ok'
    clean(world)
    assert world.last_result()['clean']['removed'] == 2
    a_plays = sorted((p['type'], p['trakt_id']) for p in emulator.plays(username=alice))
    assert a_plays == sorted([('movie', movies[0]['ids']['trakt']), ('movie', movies[1]['ids']['trakt']),
                              ('episode', episode['ids']['trakt'])])
    a_folder = account_folder(world, alice)
    a_files = read_files(a_folder)
    assert set(A_FILES) <= set(a_files)
    assert len(a_files['clean-backup.json']['cleans'][-1]['items']) == 2
    a_collection = emulator.collection(username=alice)

    # Sign out, sign in as B (empty) through the add-on's own authorization, sync.
    run_action(world, 'signout')
    wait_signed_out(world)
    authorize(world, 'bob')
    result = world.sync()

    assert result['status'] == 'ok'
    watched = {movies[0]['ids']['trakt']: '2026-11-20', movies[1]['ids']['trakt']: '2026-11-01',
               episode['ids']['trakt']: '2026-11-21'}
    b_plays = emulator.plays(username='bob')
    # Everything watched in Kodi reaches B, one play each, at Kodi's last viewing (stamped in Kodi's local time).
    assert sorted(p['trakt_id'] for p in b_plays) == sorted(watched)
    for play in b_plays:
        assert abs(int(play['watched_at'][8:10]) - int(watched[play['trakt_id']][8:10])) <= 1, play
    assert result['applied'].get('history_add_movies') == 2 and result['applied'].get('history_add_episodes') == 1
    # B's empty history is not an un-watch, even with "take unwatched" on.
    kodi_movies, kodi_episodes = world.movies(), world.episodes()
    assert [kodi_movies[m['ids']['imdb']]['playcount'] for m in movies[:4]] == [2, 1, 0, 0]
    assert kodi_episodes[episode['ids']['tvdb']]['playcount'] == 1
    assert not result['applied'].get('kodi_movies') and not result['applied'].get('kodi_episodes')
    # B's collection is Kodi's library; A's account was not touched.
    assert len(emulator.collection('movie', username='bob')) == 4
    assert emulator.plays(username=alice) and sorted((p['type'], p['trakt_id']) for p in
                                                     emulator.plays(username=alice)) == a_plays
    assert emulator.collection(username=alice) == a_collection

    # "Restore last clean" as B offers nothing: A's clean is A's.
    mark = len(emulator.requests)
    run_action(world, 'restore')
    assert world.kodi.wait_window(OK_DIALOG, timeout=30)['id'] == OK_DIALOG     # "nothing to restore", no question
    world.kodi.press('Select')
    assert [r for r in emulator.requests[mark:] if r['method'] == 'POST'] == []
    assert emulator.collection(username=alice) == a_collection

    # A's files are kept aside, unchanged; B has its own folder.
    assert read_files(a_folder) == a_files
    b_folder = account_folder(world, 'bob')
    assert b_folder != a_folder
    assert sorted(os.listdir(os.path.dirname(a_folder))) == sorted([os.path.basename(a_folder),
                                                                    os.path.basename(b_folder)])
    b_files = read_files(b_folder)
    assert 'baseline.json' in b_files and 'clean-backup.json' not in b_files

    # B checks in to a film once more and rates another on trakt: B's next sync writes both into Kodi, and leaves
    # a record of it for A.
    emulator.add_play('movie', movies[0]['ids']['trakt'], '2026-11-25T20:00:00.000Z', username='bob')
    emulator.rate('movie', movies[2]['ids']['trakt'], 9, '2026-11-25T21:00:00.000Z', username='bob')
    result = world.sync()
    assert result['status'] == 'ok'
    kodi_movies = world.movies()
    assert kodi_movies[movies[0]['ids']['imdb']]['playcount'] == 3
    assert kodi_movies[movies[2]['ids']['imdb']]['userrating'] == 9
    assert KODI_WRITES in os.listdir(a_folder)

    # Signed in as A again: B's play and rating are no viewing and no rating of A's.
    run_action(world, 'signout')
    wait_signed_out(world)
    authorize(world, alice)
    result = world.sync()

    assert result['status'] == 'ok'
    assert not result['applied'].get('history_add_movies') and not result['applied'].get('ratings_add_movies')
    assert sorted((p['type'], p['trakt_id']) for p in emulator.plays(username=alice)) == a_plays
    assert emulator.ratings(username=alice) == []
    kodi_movies = world.movies()
    assert kodi_movies[movies[0]['ids']['imdb']]['playcount'] == 3          # Kodi keeps what it has
    assert kodi_movies[movies[2]['ids']['imdb']]['userrating'] == 9
    assert KODI_WRITES not in os.listdir(a_folder)                          # folded into A's baseline
    assert world.kodi.python_errors() == []
