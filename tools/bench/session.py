"""One data set in real Kodi against the emulator, synced the way a user does, each scenario measured.

The add-on is installed from its zip into a fresh Kodi home (on disk, like a user's) that gets the data set's
cached video database; the emulator (in this process, over HTTP on 127.0.0.1) holds the account. A manual sync is
"Sync now" picked in the add-on's menu, as a user does: the menu is opened (``RunScript(service.traktsync)``) and
its first entry selected once it is on screen. Its wall time runs from that click to the add-on's ``sync ok in``
log line (Kodi's log stamps, milliseconds); opening the menu (Kodi starting a Python interpreter for the script,
which a user waits for before choosing) is measured apart, as ``start_s``. A timer sync is the service's own: Kodi
is restarted with the timer on, the start-up sync runs, and the next (interval) sync is the one measured.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

from tools import build, kodi_harness
from tools import catalog as catalogs
from tools.bench import floor, library_cache
from tools.bench.probes import LogFollower, LogTimeout, Probe
from tools.kodi_harness import HOME_WINDOW, OK_DIALOG, SELECT_DIALOG, SETTINGS_WINDOW
from tools.trakt_emulator import Emulator
from tools.trakt_emulator.settings import default_limits
from traktsync.account import user_from_settings
from traktsync.kodi.dates import kodi_to_utc
from traktsync.settings import Settings
from traktsync.stream_stages import STREAM_CACHE, list_stamps, wanted_lists
from traktsync.trakt_cache import TRAKT_CACHE, TRAKT_LISTS, stamp

ADDON_ID = 'service.traktsync'
MENU_ACTION = r'\[service\.traktsync\] menu action: sync'
SYNC_DONE = r'\[service\.traktsync\] sync (ok|error|cancelled) in'
SERVICE_STARTED = r'\[service\.traktsync\] service \S+ started'
AUTOMATIC = r'\[service\.traktsync\] automatic sync \(([^)]*)\)'
# What the engine logs when a sync ends after one request, without reading Kodi's library (engine.py).
NOT_READ = 'the library was not read'
MENU_CLICK_SECONDS = 5     # a click that Kodi's just-opened menu did not take yet is sent again after this
MENU_CLICKS = 24           # ... at most this many times (2 minutes): a menu that never takes input fails the run
STARTUP_DELAY = 3          # seconds between the service's start and its start-up sync (the probe starts first)
TIMER_SECONDS = 8          # the test "hour" of the timer scenario (sync_interval_hours = 1)
QUIET = {'sync_at_startup': False, 'sync_interval_hours': 0, 'sync_after_scan': False, 'instant_push': False,
         'show_progress': False, 'notifications': False, 'debug_logging': False}
# trakt VIP-like limits: the data sets' collections are larger than a free account's 1,000 items
LIMITS = dict(default_limits(), collection={'item_count': 1000000}, history={'item_count': 1000000})
POST_PATHS = {'/sync/history': 'history', '/sync/history/remove': 'history_remove',
              '/sync/collection': 'collection', '/sync/collection/remove': 'collection_remove'}


def filesystem_type(path):
    try:
        return subprocess.check_output(['stat', '-f', '-c', '%T', path]).decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return '?'


def endpoint(record):
    path = record['path']
    for prefix, name in (('/sync/watched/', 'watched_'), ('/sync/collection/', 'collection_')):
        if record['method'] == 'GET' and path.startswith(prefix):
            return name + path[len(prefix):]
    return '{} {}'.format(record['method'], path.rsplit('/sync/', 1)[-1] if '/sync/' in path else path)


def posted_items(body):
    body = body or {}
    count = len(body.get('movies') or []) + len(body.get('episodes') or [])
    for show in body.get('shows') or []:
        for season in show.get('seasons') or []:
            count += len(season.get('episodes') or [])
    return count


class Session(object):
    def __init__(self, dataset, root, latency, post_interval=1.0, profile_dir=None, say=print, logs_dir=None):
        self.dataset = dataset
        self.root = root
        self.latency = latency
        self.post_interval = post_interval
        self.profile_dir = profile_dir
        self.logs_dir = logs_dir
        self.say = say
        self.build_dir = os.path.join(root, 'build')
        self.module_cache = os.path.join(self.build_dir, 'module-addons')
        self.media, self.video_db, self.scan_info = library_cache.ensure(self.build_dir, dataset, self.module_cache,
                                                                         say)
        self.emu = None
        self.kodi = None
        self.log = None
        self.token = None
        self.workdir = None
        self.before = self._dataset_state()   # the library's watched state before the next sync

    # -- set-up ----------------------------------------------------------------------------------------------------
    def open(self):
        self.emu = Emulator(catalog=self.dataset.catalog, latency=self.latency, post_interval=self.post_interval,
                            limits=LIMITS)
        self.dataset.seed_trakt(self.emu)
        self.emu.start()
        self.token = self.emu.issue_token()
        # Signing in reads the account and keeps it with the token (account.identify): a first sync does not ask.
        self.token['user'] = user_from_settings(floor.trakt_client(self.emu, self.token).user_settings())
        self.workdir = tempfile.mkdtemp(prefix='traktsync-bench-')
        self.zip = build.build_zip(os.path.join(self.workdir, 'dist'), self.root)
        self._start_kodi(QUIET)
        return self

    def _start_kodi(self, settings):
        env = {}
        if self.profile_dir:
            os.makedirs(self.profile_dir, exist_ok=True)
            env['TRAKTSYNC_PROFILE'] = self.profile_dir
        if self.kodi is None:
            self.kodi = kodi_harness.Kodi(self.workdir, enable=[ADDON_ID], module_addon_cache=self.module_cache,
                                          env=env, listen=False)
            self.kodi._prepare_home()
            build.unpack(self.zip, self.kodi.addons_dir)
            database = os.path.join(self.kodi.userdata, 'Database')
            shutil.copy(self.video_db, database)
            profile = self.kodi.profile_dir(ADDON_ID)
            os.makedirs(profile, exist_ok=True)
            with open(os.path.join(profile, 'token.json'), 'w') as handle:
                json.dump(self.token, handle)
            self.kodi.write_sources(self.media)
        values = {'api_url': self.emu.url, 'oauth_url': self.emu.url, 'client_id': self.emu.client_id,
                  'client_secret': self.emu.client_secret}
        values.update(settings)
        self.kodi.write_addon_settings(ADDON_ID, values)
        self.kodi.start()
        self.log = LogFollower(self.kodi.log_path)
        self.log.wait(SERVICE_STARTED, 0, 60, self._alive)

    def _keep_logs(self):
        # A session that restarted Kodi (the timer scenario) has its manual syncs in the log Kodi moved aside.
        stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime())
        for source, part in ((self.kodi.log_path.replace('kodi.log', 'kodi.old.log'), '-before-restart'),
                             (self.kodi.log_path, '')):
            if os.path.exists(source):
                os.makedirs(self.logs_dir, exist_ok=True)
                kept = os.path.join(self.logs_dir, '{}-{:.0f}ms-{}{}.log'.format(
                    self.dataset.size.name, self.latency * 1000, stamp, part))
                shutil.copy(source, kept)
                self.say('kodi.log kept as {}'.format(kept))

    def _alive(self):
        return self.kodi.process is not None and self.kodi.process.poll() is None

    def close(self):
        if self.kodi is not None:
            self.kodi.close()
            if self.logs_dir:
                self._keep_logs()
        if self.emu is not None:
            self.emu.stop()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- what the add-on remembers -----------------------------------------------------------------------------------
    def _profile_json(self, name):
        path = os.path.join(self.kodi.profile_dir(ADDON_ID), name)
        with open(path) as handle:
            return json.load(handle)

    def _cache_stamps(self):
        """``{list: stamp}`` of the add-on's caches: the watched and collection lists, and the ratings and resume
        points (stream_stages.py)."""
        folder = os.path.join(self.kodi.profile_dir(ADDON_ID), 'accounts')
        stamps = {}
        for account in (os.listdir(folder) if os.path.isdir(folder) else []):
            for name in (TRAKT_CACHE, STREAM_CACHE):
                path = os.path.join(folder, account, name)
                if os.path.exists(path):
                    with open(path) as handle:
                        stamps.update(json.load(handle).get('stamps') or {})
        return stamps

    def _changed_lists(self):
        """The lists whose last_activities stamp moved since the add-on's cache was written: the watched and
        collection lists, and the ratings and resume-point lists the add-on's default settings sync."""
        cached = self._cache_stamps()
        activities = self.emu.last_activities()
        return ([name for name in TRAKT_LISTS if cached.get(name) is None or cached[name] != stamp(activities, name)]
                + [name for name in wanted_lists(Settings()) if cached.get(name) != list_stamps(activities, name)])

    def _dataset_state(self):
        """The watched state the data set's NFOs give (Kodi keeps only the date of an NFO's lastplayed)."""
        state = {}
        for movie in self.dataset.library['movies']:
            state[('movie', movie['ids']['imdb'])] = (movie.get('playcount') or 0,
                                                      kodi_to_utc(movie.get('lastplayed')))
        for _show, _season, episode in catalogs.iter_episodes(self.dataset.library):
            state[('episode', episode['ids']['tvdb'])] = (episode.get('playcount') or 0,
                                                               kodi_to_utc(episode.get('lastplayed')))
        return state

    # -- scenarios -------------------------------------------------------------------------------------------------
    def manual(self, scenario):
        """Run "Sync now" and measure it; returns the result row."""
        changed = self._changed_lists()
        fetch_seconds, lists, _ = floor.fetch_trakt(self.emu, self.token, changed)
        mark = len(self.emu.requests)
        opened = time.time()
        self.kodi.run_script(ADDON_ID)
        self.kodi.wait_window(SELECT_DIALOG, timeout=120)
        start = time.time() - opened
        probe = Probe(self.kodi.tcp_port, self.kodi.process.pid).start()
        clicked, menu_index = self._click_sync_now()
        taken = self.kodi.log_time(self.log.lines[menu_index]) - clicked
        _index, line = self.log.wait(SYNC_DONE, menu_index, 6 * 3600, self._alive)
        probe.stop()
        wall = self.kodi.log_time(line) - clicked
        self.kodi.wait_window(OK_DIALOG, timeout=30)
        self.kodi.press('Select')
        result = self._profile_json('last-result.json')
        row = self._row(scenario, wall, result, self.emu.requests[mark:], probe, lists, fetch_seconds,
                        read_library=True)
        row['start_s'] = round(start, 2)   # RunScript until the menu is on screen: not in the wall time
        row['click_s'] = round(taken, 2)   # the click until the script has its answer (Kodi closing the menu)
        return row

    def _click_sync_now(self):
        """Select the menu's first entry, "Sync now"; ``(time of the click that was taken, its log index)``. A
        menu that has just opened may not take input yet: the click is sent again while it stays on screen."""
        since = self.log.skip_to_end()
        for _attempt in range(MENU_CLICKS):
            clicked = time.time()
            self.kodi.call('Input.Select')
            try:
                index, _line = self.log.wait(MENU_ACTION, since, MENU_CLICK_SECONDS, self._alive)
                return clicked, index
            except LogTimeout:
                if self.kodi.current_window()['id'] != SELECT_DIALOG:   # taken, the script is slow to log it
                    index, _line = self.log.wait(MENU_ACTION, since, 120, self._alive)
                    return clicked, index
        raise LogTimeout('the add-on\'s menu took none of {} clicks on "Sync now" in {} s'.format(
            MENU_CLICKS, MENU_CLICKS * MENU_CLICK_SECONDS))

    def small_change(self):
        """10 items watched in Kodi and 10 on trakt since the last sync, then "Sync now"."""
        in_kodi, on_trakt = self.dataset.small_change()
        _seconds, _calls, snapshot = floor.read_library(self.kodi.tcp_port)
        movie_ids = {m.ids.imdb: m.kodi_id for m in snapshot.movies}
        episode_ids = {e.ids.tvdb: e.kodi_id for e in snapshot.episodes}
        now = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(time.time() - 3600))
        self.before = {key: (playcount, lastplayed) for key, (_id, playcount, lastplayed)
                       in floor.watched_state(snapshot).items()}
        for kind, item in in_kodi:
            key = (kind, item['ids']['imdb'] if kind == 'movie' else item['ids']['tvdb'])
            self.before[key] = (1, kodi_to_utc(now))
            if kind == 'movie':
                self.kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie_ids[item['ids']['imdb']],
                                                                'playcount': 1, 'lastplayed': now})
            else:
                self.kodi.call('VideoLibrary.SetEpisodeDetails', {'episodeid': episode_ids[item['ids']['tvdb']],
                                                                  'playcount': 1, 'lastplayed': now})
        when = time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(time.time() - 1800))
        for kind, item in on_trakt:
            self.emu.add_play(kind, item['ids']['trakt'], when)
        return self.manual('small-change')

    def startup_first(self):
        """The first sync run by the service after Kodi's start (no dialog on screen, as with the default
        settings); Kodi is restarted with the start-up sync on."""
        changed = self._changed_lists()
        fetch_seconds, lists, _ = floor.fetch_trakt(self.emu, self.token, changed)
        self.kodi.quit()
        mark = len(self.emu.requests)
        self._start_kodi(dict(QUIET, sync_at_startup=True, startup_delay=STARTUP_DELAY))
        probe = Probe(self.kodi.tcp_port, self.kodi.process.pid).start()
        begin_index, begin = self.log.wait(r'automatic sync \(startup\)', 0, 120, self._alive)
        _index, line = self.log.wait(SYNC_DONE, begin_index, 6 * 3600, self._alive)
        probe.stop()
        wall = self.kodi.log_time(line) - self.kodi.log_time(begin)
        result = self._profile_json('last-result.json')
        return self._row('first-startup', wall, result, self.emu.requests[mark:], probe, lists, fetch_seconds,
                         read_library=True)

    def timer(self):
        """Restart Kodi with the timer on; measure the first interval sync after the start-up sync."""
        self.kodi.quit()
        self._start_kodi(dict(QUIET, sync_at_startup=True, startup_delay=1, sync_interval_hours=1,
                              interval_unit_seconds=TIMER_SECONDS))
        _i, started = self.log.wait(AUTOMATIC, 0, 120, self._alive)
        done_index, _line = self.log.wait(SYNC_DONE, _i, 6 * 3600, self._alive)
        # At once: the interval sync may start seconds later (a large start-up sync ends near its time).
        mark = len(self.emu.requests)
        probe = Probe(self.kodi.tcp_port, self.kodi.process.pid).start()
        begin_index, begin = self.log.wait(r'automatic sync \(interval\)', done_index, TIMER_SECONDS * 4,
                                           self._alive)
        end_index, line = self.log.wait(SYNC_DONE, begin_index, 6 * 3600, self._alive)
        probe.stop()
        wall = self.kodi.log_time(line) - self.kodi.log_time(begin)
        requests = [r for r in self.emu.requests[mark:] if r['time'] <= self.kodi.log_time(line) + 1]
        result = self._profile_json('last-result.json')
        # The floor's fetch after the sync: nothing changed on trakt in between, and before it would have been
        # taken while the interval sync could already run.
        fetch_seconds, lists, _ = floor.fetch_trakt(self.emu, self.token, self._changed_lists())
        skipped = any(NOT_READ in text for text in self.log.lines[begin_index:end_index + 1])
        return self._row('noop-timer', wall, result, requests, probe, lists, fetch_seconds, read_library=not skipped)

    # -- one row -----------------------------------------------------------------------------------------------------
    def _row(self, scenario, wall, result, requests, probe, lists, fetch_seconds, read_library):
        by_endpoint = {}
        posted = {}
        for record in requests:
            name = endpoint(record)
            by_endpoint[name] = by_endpoint.get(name, 0) + 1
            kind = POST_PATHS.get(record['path'])
            if record['method'] == 'POST' and kind and record['status'] in (200, 201):
                posted[kind] = posted.get(kind, 0) + posted_items(record['body'])
        applied = result.get('applied') or {}
        kodi_writes = applied.get('kodi_movies', 0) + applied.get('kodi_episodes', 0)
        posts = floor.minimum_posts(posted)
        minimum = 1 + floor.pages(lists) + posts
        library_seconds = library_calls = 0
        write_seconds = 0.0
        floor_writes = floor_sampled = 0
        if read_library or kodi_writes:
            library_seconds, library_calls, snapshot = floor.read_library(self.kodi.tcp_port)
            after = floor.watched_state(snapshot)
            # Kodi's own cost at its best: its home screen re-reads its widgets after every write, so the floor
            # writes with the home screen covered, as "Sync now" does from script.COVER_HOME_FROM writes.
            self.kodi.call('GUI.ActivateWindow', {'window': 'settings'})
            self.kodi.wait_window(SETTINGS_WINDOW, timeout=30)
            try:
                write_seconds, floor_writes, floor_sampled = floor.kodi_writes(self.kodi.tcp_port, self.before,
                                                                               after)
            finally:
                self.kodi.call('GUI.ActivateWindow', {'window': 'home'})
                self.kodi.wait_window(HOME_WINDOW, timeout=30)
            self.before = {key: (playcount, lastplayed) for key, (_id, playcount, lastplayed) in after.items()}
        if not read_library:
            library_seconds = 0.0
        pacing = floor.post_pacing(posts, self.post_interval, self.latency)
        floor_seconds = library_seconds + fetch_seconds + max(write_seconds, pacing)
        row = {
            'size': self.dataset.size.name, 'scenario': scenario, 'latency_ms': int(round(self.latency * 1000)),
            'status': result.get('status'), 'wall_s': round(wall, 2), 'engine_s': result.get('duration'),
            'floor_s': round(floor_seconds, 2), 'wall_over_floor': round(wall / floor_seconds, 2) if floor_seconds
            else None,
            'floor_parts': {'library_read_s': round(library_seconds, 2), 'library_read_calls': library_calls,
                            'trakt_fetch_s': round(fetch_seconds, 2), 'kodi_writes_s': round(write_seconds, 2),
                            'kodi_writes': floor_writes, 'kodi_writes_timed': floor_sampled,
                            'post_pacing_s': round(pacing, 2), 'lists_read': sorted(lists)},
            'requests': len(requests), 'requests_min': minimum, 'requests_by_endpoint': by_endpoint,
            'posted_items': posted, 'kodi_calls': result.get('kodi_calls'), 'kodi_writes': kodi_writes,
            'applied': applied,
        }
        row.update(probe.summary())
        row['library'] = self.dataset.counts()
        row['kodi_home_fs'] = filesystem_type(self.workdir)
        return row
