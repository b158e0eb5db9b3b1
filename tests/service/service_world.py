"""Real Kodi with the add-on's service running against the trakt emulator, and what a test needs to watch it.

Like tests/e2e/sync_world.py, but the service is the one that syncs: the settings turn on the triggers under test,
and the helpers wait for the service's own log lines, look at what Kodi shows (dialogs, the background bar,
notifications) and drive the helper add-on that changes a setting the way the settings dialog does.
"""
import json
import os
import time

from tools import media_tree
from tools.media_tree import write_clip  # noqa: F401 - the service tests play it

ADDON_ID = 'service.traktsync'
SETTER_ID = 'script.traktsync.setter'
SETTER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'addons', SETTER_ID)
SETTER_DONE = r'\[setter\] '
SYNC_DONE = r'\[service\.traktsync\] sync (ok|error|cancelled) in'
SERVICE_STARTED = r'\[service\.traktsync\] service \S+ started'
AUTOMATIC_SYNC = r'\[service\.traktsync\] automatic sync \(([^)]*)\)'
# Window names for Window.IsVisible: the background progress bar and the notification toast.
BAR = 'extendedprogressdialog'
TOAST = 'notification'

QUIET = {'sync_at_startup': False, 'sync_interval_hours': 0, 'sync_after_scan': False, 'instant_push': False,
         'show_progress': False, 'notifications': False, 'debug_logging': True}


class ServiceWorld(object):

    def __init__(self, kodi_factory, tmp_path, emulator, library, settings=None, token=True, debug=False):
        self.emu = emulator
        self.media = media_tree.write_tree(str(tmp_path / 'media'), library)
        self.kodi = kodi_factory(start=False, enable=(ADDON_ID, SETTER_ID), addons=[SETTER_DIR], debug=debug)
        values = {'api_url': emulator.url, 'oauth_url': emulator.url, 'client_id': emulator.client_id,
                  'client_secret': emulator.client_secret}
        values.update(QUIET)
        values.update(settings or {})
        self.kodi.write_addon_settings(ADDON_ID, values)
        if token:
            with open(self.profile_path('token.json'), 'w') as handle:
                json.dump(emulator.issue_token(), handle)
        self.kodi.start()
        # The service starts a moment after JSON-RPC answers; what happens before it is not the service's to see.
        self.kodi.wait_log(SERVICE_STARTED, timeout=30)
        self.kodi.scan_media(self.media)

    def profile_path(self, name):
        return os.path.join(self.kodi.profile_dir(ADDON_ID), name)

    def profile_file(self, name):
        try:
            with open(self.profile_path(name)) as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    # -- the service's log ---------------------------------------------------------------------------------------
    def syncs_done(self):
        return self.kodi.count_log(SYNC_DONE)

    def wait_syncs(self, count, timeout=30.0):
        return self.kodi.wait_log_count(SYNC_DONE, count, timeout=timeout)

    # -- Kodi side -------------------------------------------------------------------------------------------------
    def movies(self):
        answer = self.kodi.call('VideoLibrary.GetMovies', {'properties': ['title', 'uniqueid', 'playcount']})
        return {m['uniqueid']['imdb']: m for m in answer.get('movies', [])}

    def set_movie_watched(self, imdb, playcount=1, lastplayed='2026-11-24 21:00:00'):
        movie = self.movies()[imdb]
        self.kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie['movieid'], 'playcount': playcount,
                                                        'lastplayed': lastplayed})

    def set_setting(self, setting_id, value):
        """Change one setting through xbmcaddon from another add-on: Kodi saves it and calls the service's
        onSettingsChanged, as when the user closes the settings dialog."""
        kind = 'bool' if isinstance(value, bool) else 'int' if isinstance(value, int) else 'str'
        text = ('true' if value else 'false') if isinstance(value, bool) else str(value)
        done = self.kodi.count_log(SETTER_DONE)
        self.kodi.run_script(SETTER_ID, [ADDON_ID, setting_id, kind, text])
        # RunScript returns at once; two setters writing the settings file together would lose one change.
        self.kodi.wait_log_count(SETTER_DONE, done + 1, timeout=15)

    def setting(self, setting_id):
        """A setting as Kodi stored it (the add-on's settings.xml in the profile); None also while Kodi is
        writing the file."""
        import xml.etree.ElementTree as ET
        try:
            root = ET.parse(self.profile_path('settings.xml')).getroot()
        except ET.ParseError:
            return None    # Kodi rewrites the file in place: a read at that moment finds it empty; ask again
        for element in root.iter('setting'):
            if element.get('id') == setting_id:
                return element.text
        return None

    def visible(self, *windows):
        """Which of ``windows`` (Window.IsVisible names) Kodi shows now."""
        names = ['Window.IsVisible({})'.format(w) for w in windows]
        answer = self.kodi.call('XBMC.GetInfoBooleans', {'booleans': names})
        return [w for w, name in zip(windows, names) if answer.get(name)]

    def play_clip(self, path):
        mark = self.kodi.notifications.mark()
        self.kodi.call('Player.Open', {'item': {'file': path}})
        self.kodi.wait_notification('Player.OnAVStart', timeout=20, since=mark)

    def stop_playback(self):
        players = self.kodi.call('Player.GetActivePlayers')
        for player in players:
            self.kodi.call('Player.Stop', {'playerid': player['playerid']})
        deadline = time.monotonic() + 10
        while self.kodi.call('Player.GetActivePlayers') and time.monotonic() < deadline:
            time.sleep(0.1)
