"""A real Kodi with the add-on and a library, and the trakt emulator as the account: both sides of a sync.

The add-on's own engine runs inside Kodi (``RunScript(service.traktsync,action=…)``), configured through its
settings file to talk to the emulator; the tests look at both sides afterwards, the way a user would: the Kodi
library through JSON-RPC and the account through the emulator.
"""
import copy
import json
import os
import time

from tools import catalog as catalogs
from tools import media_tree
from tools.kodi_harness import OK_DIALOG

ADDON_ID = 'service.traktsync'
MENU_ACTION = r'\[service\.traktsync\] menu action: '
SYNC_DONE = r'\[service\.traktsync\] sync (ok|error|cancelled) in'


class SyncWorld(object):
    """``catalog``: what trakt knows; ``library``: the part of it that is in Kodi (a catalog too)."""

    def __init__(self, kodi_factory, tmp_path, emulator, library, settings=None, kodi_kwargs=None,
                 video_database=None):
        self.emu = emulator
        self.library = library
        self.media = media_tree.write_tree(str(tmp_path / 'media'), library)
        # For second_box(): the same Kodi set-up and add-on settings; video_database (tools.mariadb) puts the
        # library into a MariaDB server that further boxes share.
        self._kodi_factory = kodi_factory
        self._settings = dict(settings or {})
        self._kodi_kwargs = dict(kodi_kwargs or {})
        if video_database:
            self._kodi_kwargs['video_database'] = video_database
        self.kodi = kodi_factory(start=False, **self._kodi_kwargs)
        values = {'api_url': emulator.url, 'oauth_url': emulator.url, 'client_id': emulator.client_id,
                  'client_secret': emulator.client_secret, 'sync_at_startup': False, 'sync_interval_hours': 0,
                  'sync_after_scan': False, 'instant_push': False, 'debug_logging': True}
        values.update(settings or {})
        self.kodi.write_addon_settings(ADDON_ID, values)
        profile = self.kodi.profile_dir(ADDON_ID)
        with open(os.path.join(profile, 'token.json'), 'w') as handle:
            json.dump(emulator.issue_token(), handle)
        self.kodi.write_sources(self.media)
        self.kodi.start()
        self.kodi.scan_media(self.media)
        self.syncs = 0

    # -- running the add-on --------------------------------------------------------------------------------------
    def run(self, action='sync', answers=(), timeout=60):
        """Run a menu action inside Kodi, answer its yes/no questions in order (True = yes), wait for the sync to
        end and close the dialog that reports it. Returns the last result the add-on stored."""
        started = self.kodi.count_log(MENU_ACTION)
        self.kodi.run_script(ADDON_ID, ['action=' + action])
        # Fails early, and says so, when Kodi did not start the script at all.
        self.kodi.wait_log_count(MENU_ACTION, started + 1, timeout=30)
        for answer in answers:
            self.kodi.answer_yesno(answer, timeout=timeout)
        self.syncs += 1
        self.kodi.wait_log_count(SYNC_DONE, self.syncs, timeout=timeout)
        self.kodi.wait_window(OK_DIALOG, timeout=10)
        self.kodi.press('Select')
        return self.last_result()

    def sync(self, timeout=60):
        return self.run('sync', timeout=timeout)

    # -- more boxes over one library -----------------------------------------------------------------------------
    def second_box(self, settings=None):
        """Another Kodi over the same (MariaDB) library, with its OWN add-on profile and token for the same trakt
        account: a SyncWorld whose ``kodi`` is the new box (``sync()``, ``movies()`` … act there). Not scanned:
        the library is already there. ``settings`` change the first box's add-on settings for this box."""
        if not self._kodi_kwargs.get('video_database'):
            raise ValueError('a second box needs a shared library: make the SyncWorld with video_database=')
        box = copy.copy(self)
        box.kodi = self._kodi_factory(start=False, **self._kodi_kwargs)
        box._settings = dict(self._settings, **(settings or {}))
        box._write_profile(box.kodi, box._settings)
        box.kodi.write_sources(self.media)
        box.kodi.start()
        box.kodi.wait_video_database()
        box.syncs = 0
        return box

    def _write_profile(self, kodi, settings):
        values = {'api_url': self.emu.url, 'oauth_url': self.emu.url, 'client_id': self.emu.client_id,
                  'client_secret': self.emu.client_secret, 'sync_at_startup': False, 'sync_interval_hours': 0,
                  'sync_after_scan': False, 'instant_push': False, 'debug_logging': True}
        values.update(settings)
        kodi.write_addon_settings(ADDON_ID, values)
        with open(os.path.join(kodi.profile_dir(ADDON_ID), 'token.json'), 'w') as handle:
            json.dump(self.emu.issue_token(), handle)

    def start_sync(self, action='sync'):
        """The first half of ``run()`` without questions: start the action and return once Kodi runs it, so that
        several boxes can sync at the same time; ``finish_sync()`` waits for its end."""
        started = self.kodi.count_log(MENU_ACTION)
        self.kodi.run_script(ADDON_ID, ['action=' + action])
        self.kodi.wait_log_count(MENU_ACTION, started + 1, timeout=30)

    def finish_sync(self, timeout=60):
        """The second half of ``run()``: wait for the sync started by ``start_sync()`` to end, close its report
        and return the stored result."""
        self.syncs += 1
        self.kodi.wait_log_count(SYNC_DONE, self.syncs, timeout=timeout)
        self.kodi.wait_window(OK_DIALOG, timeout=10)
        self.kodi.press('Select')
        return self.last_result()

    def last_result(self):
        path = os.path.join(self.kodi.profile_dir(ADDON_ID), 'last-result.json')
        with open(path) as handle:
            return json.load(handle)

    def profile_file(self, name):
        path = os.path.join(self.kodi.profile_dir(ADDON_ID), name)
        if not os.path.exists(path):
            return None
        with open(path) as handle:
            return json.load(handle)

    def account_file(self, name):
        """A file of the signed-in trakt account's sync memory (profile/accounts/<account>/name)."""
        folder = os.path.join(self.kodi.profile_dir(ADDON_ID), 'accounts')
        accounts = os.listdir(folder) if os.path.isdir(folder) else []
        assert len(accounts) <= 1, accounts
        if not accounts or not os.path.exists(os.path.join(folder, accounts[0], name)):
            return None
        with open(os.path.join(folder, accounts[0], name)) as handle:
            return json.load(handle)

    # -- the Kodi side -------------------------------------------------------------------------------------------
    def movies(self):
        answer = self.kodi.call('VideoLibrary.GetMovies', {'properties': ['title', 'uniqueid', 'playcount',
                                                                          'lastplayed', 'userrating']})
        return {m['uniqueid']['imdb']: m for m in answer.get('movies', [])}

    def episodes(self):
        answer = self.kodi.call('VideoLibrary.GetEpisodes', {'properties': ['uniqueid', 'playcount', 'lastplayed',
                                                                            'season', 'episode']})
        return {int(e['uniqueid']['tvdb']): e for e in answer.get('episodes', [])}

    def set_movie(self, imdb, playcount, lastplayed):
        movie = self.movies()[imdb]
        self.kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie['movieid'], 'playcount': playcount,
                                                        'lastplayed': lastplayed})

    def set_episode(self, tvdb, playcount, lastplayed):
        episode = self.episodes()[tvdb]
        self.kodi.call('VideoLibrary.SetEpisodeDetails', {'episodeid': episode['episodeid'],
                                                          'playcount': playcount, 'lastplayed': lastplayed})

    def trakt_requests_since(self, mark):
        return [r for r in self.emu.requests[mark:]]


def world_catalog(movies=8, shows=2, seasons=1, episodes_per_season=4):
    return catalogs.make_catalog(movies=movies, shows=shows, seasons=seasons, episodes_per_season=episodes_per_season)


def library_part(catalog, movies, shows):
    """The first ``movies`` movies and ``shows`` shows of ``catalog`` (copies, so tests may add NFO fields)."""
    return json.loads(json.dumps({'movies': catalog['movies'][:movies], 'shows': catalog['shows'][:shows]}))


ANY_STATUS = object()


def wait_for_request(emulator, method, path, status=ANY_STATUS, count=1, timeout=60):
    """Wait until the emulator has logged ``count`` requests ``method path`` answered with ``status`` (by default
    any, None included: a request trakt is still "thinking" about)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = [r for r in emulator.requests if r['method'] == method and r['path'] == path
                and (status is ANY_STATUS or r['status'] == status)]
        if len(seen) >= count:
            return
        time.sleep(0.05)
    raise AssertionError('no {} {} answered {} within {} s'.format(
        method, path, 'at all' if status is ANY_STATUS else status, timeout))
