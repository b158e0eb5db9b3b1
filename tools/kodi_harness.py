"""Runs Debian's real Kodi headless (under Xvfb) for tests, the demo and the benchmark.

Which Kodi: the system's (the default), or the one installed in a Debian chroot named by the environment
variable TRAKTSYNC_KODI_ROOT (see tools/kodi_versions.py, ``make kodi-versions``). Kodi in a chroot sees only
the chroot, so every home folder must be visible there at the same path (the runner bind-mounts the test run's
temporary folder). What differs between Kodi majors (the add-on database's name and schema, the video
database's name, the version) is learned from that Kodi itself: ``probe()`` starts it once on a scratch home
and reads what it created.

Every instance gets a fresh home in a temporary folder, its own X display and
its own JSON-RPC TCP port, so instances can run one after another (or side by
side) in one test run. ``close()`` always ends Kodi and Xvfb, also after a
failure.

    with Kodi(workdir, addons=[...], enable=['service.traktsync']) as kodi:
        kodi.scan_media(media_root)
        kodi.call('VideoLibrary.GetMovies', {...})
"""
import ctypes
import glob
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

from tools import module_addons
from traktsync.kodi.jsonrpc import JsonRpc, JsonRpcError, TcpTransport

KODI_BINARIES = ['/usr/lib/x86_64-linux-gnu/kodi/kodi.bin'] + glob.glob('/usr/lib/*/kodi/kodi.bin')
KODI_ROOT_ENV = 'TRAKTSYNC_KODI_ROOT'
BUILTIN_HELPER_ID = 'script.harness.builtin'
# Kodi's window ids, as GUI.GetProperties' currentwindow gives them
HOME_WINDOW = 10000
SETTINGS_WINDOW = 10004     # Kodi's settings menu: no library widgets behind it
YESNO_DIALOG = 10100
PROGRESS_DIALOG = 10101
SETTINGS_DIALOG = 10140     # an add-on's settings
TEXT_VIEWER = 10147
SELECT_DIALOG = 12000       # e.g. the add-on's menu
OK_DIALOG = 12002

# The media tree's files are stand-ins that no demuxer can open. Kodi 20.1 aborted twice in one full test run
# ("pthread_mutex_lock: Assertion `mutex->__data.__owner == 0' failed") right after failing to extract a
# thumbnail from them: the tests need neither thumbnails nor stream details read from the files (NFOs give them).
GUISETTINGS = """<settings version="2">
    <setting id="services.webserver">{webserver}</setting>
    <setting id="services.webserverport">{webserver_port}</setting>
    <setting id="services.webserverauthentication">false</setting>
    <setting id="services.esenabled">true</setting>
    <setting id="services.esallinterfaces">false</setting>
    <setting id="services.zeroconf">false</setting>
    <setting id="services.upnp">false</setting>
    <setting id="services.airplay">false</setting>
    <setting id="services.wsdiscovery">false</setting>
    <setting id="addons.unknownsources">true</setting>
    <setting id="general.addonupdates">2</setting>
    <setting id="audiooutput.streamsilence">0</setting>
    <setting id="audiooutput.guisoundmode">0</setting>
    <setting id="lookandfeel.soundskin"></setting>
    <setting id="myvideos.extractthumb">false</setting>
    <setting id="myvideos.extractflags">false</setting>
    <setting id="myvideos.extractchapterthumbs">false</setting>
</settings>
"""
# The media trees' NFO files carry watched states (playcount, lastplayed, resume). Kodi imports them on a scan only
# with importwatchedstate / importresumepoint: true by default since Kodi 20, false in Kodi 19, so set here.
ADVANCEDSETTINGS = """<advancedsettings version="1.0">
    <jsonrpc><tcpport>{tcp_port}</tcpport></jsonrpc>
    <video><ignoresecondsatstart>0</ignoresecondsatstart><playcountminimumpercent>90</playcountminimumpercent></video>
    <videolibrary><importwatchedstate>true</importwatchedstate><importresumepoint>true</importresumepoint></videolibrary>
{videodatabase}</advancedsettings>
"""
# Kodi's video library in a MySQL/MariaDB server instead of MyVideos<version>.db: Kodi creates the database
# <name><version> (e.g. kodi_1_121) itself, and no MyVideos*.db file appears in its home.
VIDEODATABASE = """    <videodatabase><type>mysql</type><host>{host}</host><port>{port}</port><user>{user}</user>
        <pass>{password}</pass><name>{name}</name></videodatabase>
"""
VIDEO_PATHS = [('movies', 2147483647), ('tvshows', 0)]     # (content, scanRecursive) of the movies and tv roots
ASOUNDRC = 'pcm.!default { type null }\nctl.!default { type hw card 0 }\n'
BUILTIN_HELPER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<addon id="script.harness.builtin" name="Harness builtin runner" version="1.0.0" provider-name="tests">
  <requires><import addon="xbmc.python" version="3.0.0"/></requires>
  <extension point="xbmc.python.script" library="run.py"/>
  <extension point="xbmc.addon.metadata"><summary lang="en_GB">runs a builtin</summary><platform>all</platform>
  </extension>
</addon>
"""
BUILTIN_HELPER_PY = 'import sys\nimport xbmc\nxbmc.executebuiltin(sys.argv[1], True)\n'
LOG_TIME = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})')


def kodi_root():
    """The chroot whose Kodi the harness runs (TRAKTSYNC_KODI_ROOT), or None for the system's Kodi."""
    root = os.environ.get(KODI_ROOT_ENV, '').strip()
    return os.path.abspath(root) if root else None


def kodi_binary(root=None):
    """kodi.bin's path as seen inside ``root`` (default: TRAKTSYNC_KODI_ROOT, else the system)."""
    root = root or kodi_root()
    if root is None:
        candidates = KODI_BINARIES
    else:
        candidates = ['/' + os.path.relpath(path, root)
                      for path in glob.glob(os.path.join(root, 'usr', 'lib', '*', 'kodi', 'kodi.bin'))]
    for path in candidates:
        if os.access(os.path.join(root or '/', path.lstrip('/')), os.X_OK):
            return path
    return None


def missing_parts():
    """What is missing to run real Kodi here, as a sentence; empty when everything is there."""
    root = kodi_root()
    kodi = 'kodi' if root is None else 'kodi in {} ({})'.format(root, KODI_ROOT_ENV)
    missing = [name for name, ok in ((kodi, kodi_binary(root)), ('Xvfb', shutil.which('Xvfb'))) if not ok]
    if root is not None and os.geteuid() != 0:
        missing.append('root (to chroot into {})'.format(root))
    return ', '.join(missing)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]



def _ends_with_this_process(core_dumps=False, death_signal=signal.SIGTERM):
    """``preexec_fn`` for Xvfb and Kodi: the kernel sends them ``death_signal`` when the process that started them
    dies, so a test run killed by ``timeout`` (or by CI) leaves no Kodi behind. Kodi gets SIGKILL: a busy kodi.bin
    that had just lost its display was seen to outlive SIGTERM by minutes (a benchmark stopped during an XL sync),
    and nobody is left to read what a clean exit would write. Only from the main thread: the signal follows the
    thread that started the child, not the process. ``core_dumps``: the child may dump core (up to the hard limit),
    so a Kodi that crashes leaves a core file in its work folder for ``Kodi.crash_report`` (kodi.bin is started
    without Kodi's start script, which would do it)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def arm():
        if core_dumps:
            try:
                resource.setrlimit(resource.RLIMIT_CORE, (resource.getrlimit(resource.RLIMIT_CORE)[1],) * 2)
            except (ValueError, OSError):
                pass
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, death_signal)    # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    return arm


class KodiError(Exception):
    pass


def _numbered(paths):
    """The path whose file name carries the highest number (MyVideos131.db over MyVideos119.db), or None."""
    def number(path):
        digits = re.findall(r'\d+', os.path.basename(path))
        return int(digits[-1]) if digits else -1
    return max(paths, key=number) if paths else None


class KodiInfo(object):
    """What one Kodi installation is and what it creates, as it told us (see ``probe``)."""

    def __init__(self, root, version, jsonrpc, addons_db, addons_schema, addons_version_rows, video_db):
        self.root = root
        self.version = version                  # '19.1', '20.1', '21.2'
        self.jsonrpc = jsonrpc                  # '12.3.0', '13.0.0', …
        self.addons_db = addons_db              # 'Addons33.db'
        self.addons_schema = addons_schema      # CREATE statements, as Kodi made them
        self.addons_version_rows = addons_version_rows
        self.video_db = video_db                # 'MyVideos119.db', 'MyVideos121.db', 'MyVideos131.db'

    @property
    def major(self):
        return int(self.version.split('.')[0])

    def __repr__(self):
        return 'KodiInfo(Kodi {} in {}, JSON-RPC {}, {}, {})'.format(
            self.version, self.root or '/', self.jsonrpc, self.addons_db, self.video_db)


_PROBED = {}


def probe(workdir, root=None, timeout=60.0):
    """Start this Kodi once on a scratch home under ``workdir`` and learn from what it did: its version, its
    JSON-RPC version, the name and schema of its add-on database and the name of its video database. The answer
    is kept for the rest of the process."""
    root = root or kodi_root()
    if root in _PROBED:
        return _PROBED[root]
    os.makedirs(workdir, exist_ok=True)
    folder = tempfile.mkdtemp(prefix='kodi-probe-', dir=workdir)
    kodi = Kodi(folder, root=root, seed_addons=False, with_module_addons=False)
    try:
        kodi.start(timeout)
        answer = kodi.call('Application.GetProperties', {'properties': ['version']})['version']
        version = '{}.{}'.format(answer['major'], answer['minor'])
        jsonrpc = kodi.call('JSONRPC.Version')['version']
        jsonrpc = '{}.{}.{}'.format(jsonrpc['major'], jsonrpc['minor'], jsonrpc['patch'])
        database = os.path.join(kodi.userdata, 'Database')
        deadline = time.monotonic() + timeout
        while True:
            addons_db = _numbered(glob.glob(os.path.join(database, 'Addons*.db')))
            video_db = _numbered(glob.glob(os.path.join(database, 'MyVideos*.db')))
            if addons_db and video_db:
                break
            if time.monotonic() > deadline:
                raise KodiError('Kodi {} created no add-on or video database in {}'.format(version, database))
            time.sleep(0.1)
        kodi.quit()
    finally:
        kodi.close()
    with sqlite3.connect(addons_db) as db:
        schema = [sql for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index', rowid")]
        version_rows = db.execute('SELECT * FROM version').fetchall()
    info = KodiInfo(root, version, jsonrpc, os.path.basename(addons_db), schema, version_rows,
                    os.path.basename(video_db))
    shutil.rmtree(folder, ignore_errors=True)
    _PROBED[root] = info
    return info


class Notifications(object):
    """Collects Kodi's JSON-RPC notifications on a connection of its own."""

    def __init__(self, port):
        self._transport = TcpTransport(port=port, timeout=None)
        self._items = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name='kodi-notifications', daemon=True)
        # A connection the kernel accepted may not be one Kodi's server thread has taken on yet, and Kodi sends
        # notifications only to those: a notification in between (a tiny scan's OnScanFinished) would be lost.
        # An answered ping on this connection proves Kodi serves it.
        self._transport.exchange('{"jsonrpc": "2.0", "id": "listener", "method": "JSONRPC.Ping"}')
        self._items.extend(self._transport.notifications)
        self._thread.start()

    def _run(self):
        while True:
            try:
                value = self._transport.read_value()
            except (JsonRpcError, OSError, ValueError):
                return
            if isinstance(value, dict) and 'method' in value:
                with self._cond:
                    self._items.append(value)
                    self._cond.notify_all()

    def mark(self):
        with self._cond:
            return len(self._items)

    def wait(self, method, timeout=30.0, since=0, predicate=None):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for item in self._items[since:]:
                    if item['method'] == method and (predicate is None or predicate(item.get('params', {}))):
                        return item
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise KodiError('no {} notification within {} s'.format(method, timeout))
                self._cond.wait(remaining)

    def close(self):
        self._transport.close()


class QuietTransport(TcpTransport):
    """A call connection that Kodi sends no notifications to (``JSONRPC.SetConfiguration`` on each new socket).

    Kodi sends every notification to every TCP client, and it does not ignore SIGPIPE (Kodi 20.1: SigIgn 0, and
    its server's send() has no MSG_NOSIGNAL): a notification written to a connection the client has just closed,
    before Kodi's server thread has seen the close, kills Kodi. The harness closed its call connection right after
    ``VideoLibrary.Scan`` (so that a big scan's notifications cannot fill it); under CPU load the scan's first
    notifications reached it closed, and Kodi died with signal 13 after "Starting scan" (kodi.log), so
    OnScanFinished never came. A connection without notifications is never written to unasked, can be closed at
    any time and never fills up."""

    # Kodi's own names: lower-case ones are taken without a word and change nothing (JSONRPC.GetConfiguration).
    QUIET = {name: False for name in ('Application', 'AudioLibrary', 'GUI', 'Input', 'Other', 'Player', 'Playlist',
                                      'System', 'VideoLibrary')}

    def _connect(self):
        fresh = self._sock is None
        sock = super(QuietTransport, self)._connect()
        if fresh:
            try:
                sock.sendall(json.dumps({'jsonrpc': '2.0', 'id': 'quiet', 'method': 'JSONRPC.SetConfiguration',
                                         'params': {'notifications': self.QUIET}}).encode('utf-8'))
                while True:     # what Kodi sent before it took the configuration is of no interest here
                    value = self.read_value()
                    if isinstance(value, dict) and value.get('id') == 'quiet':
                        break
            except OSError as exc:
                self.close()
                raise JsonRpcError('connect', 'Kodi did not take the quiet configuration ({})'.format(exc)) from exc
            if 'error' in value:
                self.close()
                raise JsonRpcError('JSONRPC.SetConfiguration', str(value['error']))
            taken = (value.get('result') or {}).get('notifications') or {}
            if any(taken.get(name, True) for name in self.QUIET):
                self.close()
                raise JsonRpcError('JSONRPC.SetConfiguration', 'Kodi still sends notifications: {}'.format(taken))
        return sock


class Kodi(object):
    """One real Kodi with a fresh home under ``workdir``."""

    def __init__(self, workdir, addons=(), enable=(), module_addon_cache=None, webserver=False, debug=False,
                 home=None, env=None, with_module_addons=True, video_database=None, root=None,
                 seed_addons=True, listen=True):
        self.workdir = workdir
        # The chroot whose Kodi runs (None: the system's); see kodi_root().
        self.root = root or kodi_root()
        # False starts Kodi with no add-on database of ours (``probe`` does, to see what Kodi makes itself).
        self.seed_addons = seed_addons
        self.info = None
        self.home = home or os.path.join(workdir, 'home')
        self.kodi_home = os.path.join(self.home, '.kodi')
        self.addons = list(addons)
        self.enable = list(enable)
        self.module_addon_cache = module_addon_cache or os.path.join(workdir, 'module-addons')
        # False leaves the module add-ons out, for tests where Kodi installs them from a repository.
        self.with_module_addons = with_module_addons
        self.webserver = webserver
        self.debug = debug
        self.extra_env = dict(env or {})
        # {'host', 'port', 'user', 'pass', 'name'}: the video library in a MariaDB server (tools.mariadb), which
        # several Kodi instances may share; None keeps Kodi's own SQLite MyVideos*.db.
        self.video_database = dict(video_database) if video_database else None
        self.tcp_port = None
        self.webserver_port = None
        self.display = None
        self.xvfb = None
        self.process = None
        self.rpc = None
        self.notifications = None
        # False: no connection takes Kodi's notifications (the bench: a listener parsing every OnUpdate of a big
        # sync costs the two cores, and one that falls behind holds up Kodi's announcements to every client).
        self.listen = listen

    # -- set-up -------------------------------------------------------------------------------------------------
    @property
    def log_path(self):
        return os.path.join(self.kodi_home, 'temp', 'kodi.log')

    @property
    def addons_dir(self):
        return os.path.join(self.kodi_home, 'addons')

    @property
    def userdata(self):
        return os.path.join(self.kodi_home, 'userdata')

    def profile_dir(self, addon_id):
        return os.path.join(self.userdata, 'addon_data', addon_id)

    def _write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)

    def _prepare_home(self):
        self.tcp_port = free_port()
        self.webserver_port = free_port()
        self._write(os.path.join(self.home, '.asoundrc'), ASOUNDRC)
        self._write(os.path.join(self.userdata, 'guisettings.xml'), GUISETTINGS.format(
            webserver='true' if self.webserver else 'false', webserver_port=self.webserver_port))
        self._write(os.path.join(self.userdata, 'advancedsettings.xml'),
                    ADVANCEDSETTINGS.format(tcp_port=self.tcp_port, videodatabase=self._videodatabase_xml()))
        helper = os.path.join(self.addons_dir, BUILTIN_HELPER_ID)
        self._write(os.path.join(helper, 'addon.xml'), BUILTIN_HELPER_XML)
        self._write(os.path.join(helper, 'run.py'), BUILTIN_HELPER_PY)
        modules = module_addons.build_all(self.module_addon_cache) if self.with_module_addons else []
        for folder in modules + self.addons:
            target = os.path.join(self.addons_dir, os.path.basename(folder.rstrip(os.sep)))
            if not os.path.exists(target):
                shutil.copytree(folder, target)
        if self.seed_addons:
            self._seed_addons_db([BUILTIN_HELPER_ID] + [os.path.basename(m) for m in modules] + self.enable)

    @property
    def version(self):
        """This Kodi's version, e.g. '19.1' (learned from Kodi, see ``probe``)."""
        return self._info().version

    @property
    def major(self):
        """This Kodi's major version, e.g. 19."""
        return self._info().major

    @property
    def addons_db_path(self):
        return os.path.join(self.userdata, 'Database', self._info().addons_db)

    def _info(self):
        if self.info is None:
            self.info = probe(self.workdir, self.root)
        return self.info

    def _videodatabase_xml(self):
        if not self.video_database:
            return ''
        from xml.sax.saxutils import escape
        values = {key: escape(str(value)) for key, value in self.video_database.items()}
        return VIDEODATABASE.format(host=values['host'], port=values['port'], user=values['user'],
                                    password=values['pass'], name=values['name'])

    def _seed_addons_db(self, enabled_ids):
        """An add-on database, with the schema this Kodi makes, that lists ``enabled_ids`` as enabled before the
        first start: Kodi then starts their services at once, and does not ask about add-ons it finds disabled."""
        path = self.addons_db_path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        info = self._info()
        with sqlite3.connect(path) as db:
            for statement in info.addons_schema:
                db.execute(statement)
            if info.addons_version_rows:
                db.executemany('INSERT INTO version VALUES ({})'.format(
                    ', '.join('?' * len(info.addons_version_rows[0]))), info.addons_version_rows)
            db.executemany("INSERT INTO installed (addonID, enabled, installDate, origin, disabledReason) "
                           "VALUES (?, 1, datetime('now'), '', 0)", [(addon_id,) for addon_id in enabled_ids])

    def _start_xvfb(self):
        read_end, write_end = os.pipe()
        self.xvfb = subprocess.Popen(
            ['Xvfb', '-displayfd', str(write_end), '-screen', '0', '1280x720x24', '-nolisten', 'tcp'],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_ends_with_this_process())
        os.close(write_end)
        number = b''
        deadline = time.monotonic() + 15
        while not number.endswith(b'\n') and time.monotonic() < deadline:
            chunk = os.read(read_end, 16)
            if not chunk:
                break
            number += chunk
        os.close(read_end)
        if not number.strip():
            raise KodiError('Xvfb did not start')
        self.display = ':' + number.decode().strip()

    def start(self, timeout=60.0):
        if missing_parts():
            raise KodiError('cannot run Kodi here, missing: ' + missing_parts())
        if self.tcp_port is None:
            self._prepare_home()
        self._check_visible_in_root()
        self._start_xvfb()
        # Kodi sets PYTHONOPTIMIZE=1 when its first Python script starts; adding a variable reallocates the
        # environment while its USB peripheral scan may be reading it (getenv in libudev), and Kodi 20.1 crashed
        # so at start-up once here (SIGSEGV, both threads in the core's backtrace). With the variable already set
        # to the value Kodi sets, setenv replaces it in place; the add-ons see what they always see.
        env = dict(os.environ, HOME=self.home, DISPLAY=self.display, PYTHONOPTIMIZE='1', **self.extra_env)
        args = [kodi_binary(self.root), '--windowing=x11'] + (['--debug'] if self.debug else [])
        if self.root:
            args = ['chroot', self.root] + args
        self._stdout = open(os.path.join(self.workdir, 'kodi-stdout.log'), 'ab')
        self.process = subprocess.Popen(args, env=env, stdout=self._stdout, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=self.workdir,
                                        preexec_fn=_ends_with_this_process(core_dumps=True,
                                                                           death_signal=signal.SIGKILL))
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise KodiError('Kodi exited with {} during start-up; see {}'.format(self.process.returncode,
                                                                                      self.log_path))
            try:
                self.rpc = JsonRpc(QuietTransport(port=self.tcp_port, timeout=60.0))
                self.rpc.call('JSONRPC.Ping')
                break
            except JsonRpcError as exc:
                if time.monotonic() > deadline:
                    raise KodiError('Kodi did not answer JSON-RPC within {} s'.format(timeout)) from exc
                time.sleep(0.1)
        self.notifications = Notifications(self.tcp_port) if self.listen else None
        return self

    def _check_visible_in_root(self):
        if not self.root:
            return
        inside = os.path.join(self.root, self.home.lstrip(os.sep))
        if not (os.path.isdir(inside) and os.path.samefile(self.home, inside)):
            raise KodiError('the Kodi home {} is not visible at the same path inside {}: bind-mount its folder '
                            'there (python -m tools.kodi_versions does this for the test run)'.format(
                                self.home, self.root))

    # -- JSON-RPC and builtins ----------------------------------------------------------------------------------
    def call(self, method, params=None):
        return self.rpc.call(method, params)

    def batch(self, calls):
        return self.rpc.batch(calls)

    def enable_addon(self, addon_id, enabled=True):
        self.call('Addons.SetAddonEnabled', {'addonid': addon_id, 'enabled': enabled})

    def builtin(self, command):
        """Run a Kodi builtin such as ``UpdateLocalAddons`` (through a helper script add-on)."""
        self.call('Addons.ExecuteAddon', {'addonid': BUILTIN_HELPER_ID, 'params': [command]})

    def run_script(self, addon_id, params=()):
        self.call('Addons.ExecuteAddon', {'addonid': addon_id, 'params': list(params)})

    def _listener(self):
        if self.notifications is None:
            raise KodiError('this Kodi was started without a notification listener (listen=False)')
        return self.notifications

    def _mark(self):
        return self._listener().mark()

    def wait_notification(self, method, timeout=30.0, since=0, predicate=None):
        """The first ``method`` notification after mark ``since``; a Kodi that died fails the wait within a
        second, with its exit code, instead of at the timeout."""
        listener = self._listener()
        deadline = time.monotonic() + timeout
        while True:
            try:
                return listener.wait(method, max(0.0, min(1.0, deadline - time.monotonic())), since, predicate)
            except KodiError:
                self._check_alive('a {} notification'.format(method))
                if time.monotonic() >= deadline:
                    raise KodiError('no {} notification within {} s'.format(method, timeout)) from None

    # -- the video library --------------------------------------------------------------------------------------
    def video_db(self):
        """The path of Kodi's SQLite video database (there is none when the library is in MariaDB)."""
        if self.video_database:
            raise KodiError('the video library is in MariaDB ({}*), not in a MyVideos*.db file; use video_sql()'
                            .format(self.video_database['name']))
        path = os.path.join(self.userdata, 'Database', self._info().video_db)
        if not os.path.exists(path):
            raise KodiError('Kodi has not created its video database ' + path)
        return path

    def video_schema(self):
        """The MariaDB database that holds the video library (``<name><version>``), None before Kodi made it.
        The newest version wins, as Kodi uses the newest."""
        from tools import mariadb
        prefix = self.video_database['name']
        names = [n for n in mariadb.databases(self.video_database) if n[len(prefix):].isdigit()]
        return max(names, key=lambda n: int(n[len(prefix):])) if names else None

    def wait_video_database(self, timeout=60.0):
        """Wait until Kodi has created its video database with its ``path`` table, in either mode: the
        MyVideos*.db file (SQLite) or the ``<name><version>`` database (MariaDB). Returns the file's path or
        the database's name."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._video_database_ready()
            if found:
                return found
            self._check_alive('its video database')
            if time.monotonic() > deadline:
                raise KodiError('Kodi did not create its video database within {} s'.format(timeout))
            time.sleep(0.1)

    def _video_database_ready(self):
        if self.video_database:
            from tools import mariadb
            schema = self.video_schema()
            if schema and mariadb.run_sql(self.video_database, "SHOW TABLES LIKE 'path'", schema=schema):
                return schema
            return None
        paths = sorted(glob.glob(os.path.join(self.userdata, 'Database', 'MyVideos*.db')))
        if not paths:
            return None
        try:
            with sqlite3.connect(paths[-1]) as db:
                if db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='path'").fetchone():
                    return paths[-1]
        except sqlite3.Error:
            return None
        return None

    def video_sql(self, sql, params=()):
        """Run one statement on the video library in either mode (SQLite or MariaDB); ``?`` placeholders take
        ``params``. Returns the rows (lists; MariaDB gives every value as a string)."""
        location = self.wait_video_database()
        if not self.video_database:
            with sqlite3.connect(location) as db:
                return [list(row) for row in db.execute(sql, params).fetchall()]
        from tools import mariadb
        parts = sql.split('?')
        if len(parts) != len(params) + 1:
            raise KodiError('{} placeholders, {} values'.format(len(parts) - 1, len(params)))
        text = parts[0] + ''.join(mariadb.quote(value) + part for value, part in zip(params, parts[1:]))
        return mariadb.run_sql(self.video_database, text, schema=location)

    @staticmethod
    def media_paths(media_root, movies='movies', tv='tv'):
        return os.path.join(media_root, movies) + os.sep, os.path.join(media_root, tv) + os.sep

    def write_sources(self, media_root, movies='movies', tv='tv'):
        """Write sources.xml for ``media_root``/movies and /tv. Kodi reads it only at start-up, so call this
        before ``start()`` when the add-on must see the sources (Files.GetSources, the library health check)."""
        movies_path, tv_path = self.media_paths(media_root, movies, tv)
        sources = ''.join(
            '<source><name>{}</name><path pathversion="1">{}</path><allowsharing>true</allowsharing></source>'.format(
                name, path) for name, path in (('Movies', movies_path), ('TV', tv_path)))
        self._write(os.path.join(self.userdata, 'sources.xml'),
                    '<sources><video><default pathversion="1"></default>{}</video></sources>'.format(sources))

    def scan_media(self, media_root, movies='movies', tv='tv', timeout=120.0):
        """Register ``media_root``/movies and /tv with the local NFO scraper (the database's path table, which
        Kodi reads while running) and scan them."""
        movies_path, tv_path = self.media_paths(media_root, movies, tv)
        if not os.path.exists(os.path.join(self.userdata, 'sources.xml')):
            self.write_sources(media_root, movies, tv)
        if self.video_database:
            # The same rows in MariaDB (NOW() for SQLite's datetime('now')); Kodi reads them while running too.
            for path, (content, recursive) in zip((movies_path, tv_path), VIDEO_PATHS):
                self.video_sql(
                    "INSERT INTO path (strPath, strContent, strScraper, scanRecursive, useFolderNames, strSettings, "
                    "noUpdate, `exclude`, allAudio, dateAdded) VALUES (?, ?, 'metadata.local', ?, 0, '', 0, 0, 0, "
                    "NOW())", (path, content, recursive))
        else:
            with sqlite3.connect(self.video_db()) as db:
                db.executemany(
                    "INSERT INTO path (strPath, strContent, strScraper, scanRecursive, useFolderNames, strSettings, "
                    "noUpdate, exclude, allAudio, dateAdded) VALUES (?, ?, 'metadata.local', ?, 0, '', 0, 0, 0, "
                    "datetime('now'))",
                    [(movies_path, 'movies', 2147483647), (tv_path, 'tvshows', 0)])
        self.scan(timeout=timeout)

    def scan(self, directory=None, timeout=120.0):
        mark = self._mark()
        params = {'showdialogs': False}
        if directory:
            params['directory'] = directory
        # The scan sends one notification per new item to every client that takes notifications; the call
        # connection takes none (QuietTransport), so nothing fills it up while nobody reads it.
        self.call('VideoLibrary.Scan', params)
        self.wait_notification('VideoLibrary.OnScanFinished', timeout=timeout, since=mark)

    def clean_library(self, timeout=120.0):
        """Kodi's "Clean library": drop the items whose files are gone; waits for OnCleanFinished."""
        mark = self._mark()
        self.call('VideoLibrary.Clean', {'showdialogs': False})
        self.wait_notification('VideoLibrary.OnCleanFinished', timeout=timeout, since=mark)

    # -- GUI ----------------------------------------------------------------------------------------------------
    def current_window(self):
        return self.call('GUI.GetProperties', {'properties': ['currentwindow']})['currentwindow']

    def wait_window(self, window_id, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            window = self.current_window()
            if window['id'] == window_id:
                return window
            time.sleep(0.1)
        raise KodiError('window {} did not open within {} s (now: {})'.format(window_id, timeout,
                                                                            self.current_window()))

    def wait_window_closed(self, window_id, timeout=15.0):
        """Wait until ``window_id`` is no longer the active window (the GUI reports a closed dialog late)."""
        deadline = time.monotonic() + timeout
        while self.current_window()['id'] == window_id:
            if time.monotonic() > deadline:
                raise KodiError('window {} still open after {} s'.format(window_id, timeout))
            time.sleep(0.1)

    def focused_label(self):
        control = self.call('GUI.GetProperties', {'properties': ['currentcontrol']})['currentcontrol']
        return control.get('label', '')

    def answer_yesno(self, yes, timeout=15.0):
        """Answer Kodi's yes/no dialog: focus "Yes" (checked, since focus lags behind input) or back out. Returns
        once the dialog is gone, so that a next call answers the next question, not this one while it closes."""
        self.wait_window(YESNO_DIALOG, timeout)
        time.sleep(0.3)
        text = self._dialog_text()
        if not yes:
            self.press('Back')
        else:
            deadline = time.monotonic() + timeout
            while self.focused_label() != 'Yes':
                if time.monotonic() > deadline:
                    raise KodiError('could not focus "Yes" (focus on {!r})'.format(self.focused_label()))
                self.press('Left')
            self.press('Select')
        self._wait_dialog_gone(text, timeout)

    def _dialog_text(self):
        labels = ['Control.GetLabel(1)', 'Control.GetLabel(9)']     # the dialog's heading and text
        answer = self.call('XBMC.GetInfoLabels', {'labels': labels})
        return tuple(answer.get(label, '') for label in labels)

    def _wait_dialog_gone(self, text, timeout):
        """Wait until the answered yes/no dialog has closed, or another one (other text) has taken its place: a
        closing dialog still reports its window id for a moment (long enough, on Kodi 19, to swallow the next
        answer when a second question follows at once)."""
        deadline = time.monotonic() + timeout
        while self.current_window()['id'] == YESNO_DIALOG:
            now = self._dialog_text()
            if now != text and any(now):
                return
            if time.monotonic() > deadline:
                raise KodiError('the yes/no dialog {!r} was still open {} s after the answer'.format(text, timeout))
            time.sleep(0.05)

    def press(self, *actions):
        """Send ``Input.<action>`` calls (``'Down'``, ``'Select'``, ``'Back'`` …), with the small pause the
        GUI needs between them."""
        for action in actions:
            self.call('Input.' + action)
            time.sleep(0.25)

    def screenshot(self, path, timeout=10.0):
        """Save what Kodi shows as a PNG (Kodi's own TakeScreenshot builtin). Kodi writes it into its work folder,
        which a Kodi in a chroot can see too, and it is moved to ``path`` from there."""
        path = os.path.abspath(path)
        if os.path.exists(path):
            os.remove(path)
        shot = os.path.join(self.workdir, 'screenshot-{}.png'.format(time.monotonic_ns()))
        self.builtin('TakeScreenshot({},sync)'.format(shot))
        deadline = time.monotonic() + timeout
        while not os.path.exists(shot):
            if time.monotonic() > deadline:
                raise KodiError('no screenshot within {} s'.format(timeout))
            time.sleep(0.1)
        size = -1
        while size != os.path.getsize(shot):    # copied across file systems: wait until Kodi has written it
            size = os.path.getsize(shot)
            time.sleep(0.1)
        shutil.move(shot, path)
        return path

    # -- the log ------------------------------------------------------------------------------------------------
    def log_text(self):
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as handle:
                return handle.read()
        except OSError:
            return ''

    def wait_log(self, pattern, timeout=30.0):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.log_text().splitlines():
                match = regex.search(line)
                if match:
                    return line
            self._check_alive('a log line matching {!r}'.format(pattern))
            if time.monotonic() > deadline:
                raise KodiError('no log line matching {!r} within {} s'.format(pattern, timeout))
            time.sleep(0.1)

    def _check_alive(self, waiting_for):
        """A Kodi that died fails the wait at once, with its exit code, instead of at the timeout."""
        if self.process is not None and self.process.poll() is not None:
            raise KodiError('Kodi exited with {} while the test waited for {}; see {}'.format(
                self.process.returncode, waiting_for, self.log_path))

    def count_log(self, pattern):
        regex = re.compile(pattern)
        return sum(1 for line in self.log_text().splitlines() if regex.search(line))

    def wait_log_count(self, pattern, count, timeout=30.0):
        """Wait until ``pattern`` has matched ``count`` lines; return the last matching line."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.log_text().splitlines() if regex.search(line)]
            if len(lines) >= count:
                return lines[count - 1]
            self._check_alive('log lines matching {!r}'.format(pattern))
            if time.monotonic() > deadline:
                raise KodiError('{} log line(s) matching {!r} within {} s, wanted {}'.format(
                    len(lines), pattern, timeout, count))
            time.sleep(0.1)

    def write_addon_settings(self, addon_id, values):
        """Write an add-on's user settings before Kodi starts (Kodi's settings file format, version 2)."""
        from xml.sax.saxutils import escape
        lines = ['<settings version="2">']
        for name, value in sorted(values.items()):
            text = ('true' if value else 'false') if isinstance(value, bool) else str(value)
            lines.append('    <setting id="{}">{}</setting>'.format(escape(name), escape(text)))
        lines.append('</settings>')
        self._write(os.path.join(self.profile_dir(addon_id), 'settings.xml'), '\n'.join(lines) + '\n')

    def python_errors(self):
        """The Python exceptions Kodi logged (each a block of lines)."""
        text = self.log_text()
        return [block for block in re.split(r'\n(?=\d{4}-\d\d-\d\d )', text)
                if 'EXCEPTION Thrown' in block or 'Traceback (most recent call last)' in block]

    @staticmethod
    def log_time(line):
        """The wall-clock time (epoch seconds) of a kodi.log line; Kodi writes local time."""
        stamp = LOG_TIME.match(line).group(1)
        return time.mktime(time.strptime(stamp[:19], '%Y-%m-%d %H:%M:%S')) + float(stamp[19:])

    # -- shutdown -----------------------------------------------------------------------------------------------
    def quit(self, timeout=30.0):
        """Ask Kodi to quit; return the wall-clock time the request was sent."""
        sent = time.time()
        try:
            self.call('Application.Quit')
        except JsonRpcError:
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            raise KodiError('Kodi did not quit within {} s'.format(timeout)) from exc
        finally:
            self._close_connections()
        return sent

    def kill(self):
        """End Kodi the hard way (SIGKILL, as a crash or a pulled plug would); the home stays for ``start()``."""
        self._close_connections()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._stop_xvfb()

    def restart(self, timeout=60.0):
        """Quit Kodi if it runs, then start it again on the same home."""
        if self.process is not None and self.process.poll() is None:
            self.quit()
        self._stop_xvfb()
        return self.start(timeout)

    def _close_connections(self):
        if self.notifications is not None:
            self.notifications.close()
            self.notifications = None
        if self.rpc is not None:
            self.rpc.transport.close()
            self.rpc = None

    def _stop_xvfb(self):
        if self.xvfb is not None and self.xvfb.poll() is None:
            self.xvfb.terminate()
            try:
                self.xvfb.wait(10)
            except subprocess.TimeoutExpired:
                self.xvfb.kill()
                self.xvfb.wait()
        self.xvfb = None

    def close(self, quick=False):
        """End Kodi and Xvfb whatever state they are in; leaves no process behind. ``quick`` kills Kodi at once,
        for a home that is thrown away: Kodi's own shutdown takes ~2 s, of which a test run of ~70 Kodi instances
        spent over two minutes; the shutdown itself is tested where it matters (tests/service/test_lock_and_quit)."""
        self._close_connections()
        if self.process is not None and self.process.poll() is None:
            signals = ((signal.SIGKILL, 10),) if quick else ((signal.SIGTERM, 10), (signal.SIGKILL, 10))
            for sig, wait in signals:
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if getattr(self, '_stdout', None):
            self._stdout.close()
        self._stop_xvfb()
        for core in self._cores():   # a test that wanted it took its backtrace first (crash_report)
            os.remove(core)

    def _cores(self):
        # The kernel names the file after /proc/sys/kernel/core_pattern: "core" or "core.<pid>" by default, in the
        # crashing process's working folder; a pattern that pipes to a program (systemd-coredump) leaves none.
        return sorted(glob.glob(os.path.join(self.workdir, 'core*')))

    def crash_report(self):
        """The backtraces of all of Kodi's threads (gdb) from the core file a crash left, or None when Kodi left
        none; the core file is removed (hundreds of MiB)."""
        reports = []
        for core in self._cores():
            binary = os.path.join(self.root or '/', kodi_binary(self.root).lstrip('/'))
            if shutil.which('gdb') is None:
                reports.append('{}: Kodi dumped core, but gdb is not installed for a backtrace'.format(core))
            else:
                sysroot = ['-ex', 'set sysroot {}'.format(self.root)] if self.root else []
                try:
                    done = subprocess.run(['gdb', '--batch', '--nx'] + sysroot + [
                        '-ex', 'thread apply all bt', binary, core], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, timeout=300)
                    reports.append(done.stdout.decode('utf-8', 'replace'))
                except subprocess.TimeoutExpired:
                    reports.append('{}: gdb took more than 300 s for a backtrace'.format(core))
            os.remove(core)
        return '\n'.join(reports) or None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
