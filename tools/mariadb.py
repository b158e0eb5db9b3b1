"""A private MariaDB server for tests: Kodi's video library shared by several Kodi instances.

Debian's ``mariadb-server`` package is enough; no system service is used. The server runs as the current user
from a fresh data folder in a temporary directory, listens on 127.0.0.1 on a free port (and on a socket in that
folder, which the harness uses for its own administration), and is gone with the folder after ``stop()``.

    with MariaDB() as server:
        database = server.video_database()      # {'host', 'port', 'user', 'pass', 'name'} for Kodi
        Kodi(workdir, video_database=database)  # Kodi creates <name><version>, e.g. kodi_1_121

``run_sql(database, sql)`` runs statements as Kodi's user through the ``mariadb`` command-line client.
"""
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time

SBIN_DIRS = ('/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/bin')
KODI_USER = 'kodi'
KODI_PASSWORD = 'kodi-test-password'


class MariaDBError(Exception):
    pass


def _find(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
        for folder in SBIN_DIRS:
            candidate = os.path.join(folder, name)
            if os.access(candidate, os.X_OK):
                return candidate
    return None


def server_binary():
    return _find('mariadbd', 'mysqld')


def install_db_binary():
    return _find('mariadb-install-db', 'mysql_install_db')


def client_binary():
    return _find('mariadb', 'mysql')


def admin_binary():
    return _find('mariadb-admin', 'mysqladmin')


def missing_parts():
    """What is missing to run a private MariaDB here, as a sentence; empty when everything is there."""
    parts = (('mariadbd', server_binary()), ('mariadb-install-db', install_db_binary()),
             ('mariadb', client_binary()), ('mariadb-admin', admin_binary()))
    return ', '.join(name for name, path in parts if not path)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def quote(value):
    """An SQL string literal (MariaDB's default sql_mode, backslash escapes on)."""
    if value is None:
        return 'NULL'
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    text = str(value).replace('\\', '\\\\').replace("'", "\\'")
    return "'" + text + "'"


def run_sql(database, sql, schema=None, timeout=60.0):
    """Run ``sql`` as the user of ``database`` (a ``video_database`` dict) over TCP, in the schema ``schema``
    (none when None); returns the rows as lists of strings (tab-separated output, no column names)."""
    args = [client_binary(), '--no-defaults', '--protocol=TCP', '--host', database['host'],
            '--port', str(database['port']), '--user', database['user'], '--batch', '--skip-column-names',
            '--execute', sql]
    if schema:
        args += ['--database', schema]
    env = dict(os.environ, MYSQL_PWD=database['pass'])
    done = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if done.returncode != 0:
        raise MariaDBError('SQL failed ({}): {}'.format(done.returncode, done.stderr.decode(errors='replace')))
    return [line.split('\t') for line in done.stdout.decode(errors='replace').splitlines()]


def databases(database, prefix=None):
    """The schema names the user of ``database`` sees that start with ``prefix`` (by default its name)."""
    prefix = database['name'] if prefix is None else prefix
    return sorted(row[0] for row in run_sql(database, 'SHOW DATABASES') if row and row[0].startswith(prefix))


class MariaDB(object):
    """One private MariaDB server; ``video_database()`` hands out a fresh database name prefix per caller."""

    def __init__(self, workdir=None):
        # The socket path must stay short (sun_path: 108 bytes), so the folder is a short one under /tmp by default.
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix='traktsync-mariadb-')
        self.datadir = os.path.join(self.workdir, 'data')
        self.socket = os.path.join(self.workdir, 'sock')
        self.port = None
        self.process = None
        self._log = None
        self._names = itertools.count(1)

    @property
    def log_path(self):
        return os.path.join(self.workdir, 'server.log')

    def start(self, timeout=60.0):
        missing = missing_parts()
        if missing:
            raise MariaDBError('cannot run MariaDB here, missing: ' + missing)
        if not os.path.isdir(os.path.join(self.datadir, 'mysql')):
            done = subprocess.run([install_db_binary(), '--no-defaults', '--datadir=' + self.datadir,
                                   '--auth-root-authentication-method=normal'],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
            if done.returncode != 0:
                raise MariaDBError('mariadb-install-db failed: ' + done.stdout.decode(errors='replace')[-2000:])
        self.port = free_port()
        self._log = open(self.log_path, 'ab')
        args = [server_binary(), '--no-defaults', '--datadir=' + self.datadir, '--socket=' + self.socket,
                '--port={}'.format(self.port), '--bind-address=127.0.0.1', '--skip-name-resolve',
                '--skip-log-bin', '--pid-file=' + os.path.join(self.workdir, 'server.pid')]
        if os.geteuid() == 0:
            args.append('--user=root')
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_ready(timeout)
            self._create_kodi_user()
        except BaseException:
            self.stop(keep_files=True)     # the server log says why
            raise
        return self

    def _create_kodi_user(self):
        self.root_sql("CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'; "
                      "GRANT ALL ON *.* TO '{user}'@'127.0.0.1'; FLUSH PRIVILEGES;".format(
                          user=KODI_USER, password=KODI_PASSWORD))

    def _wait_ready(self, timeout):
        """Until the server answers a ping on its socket (or dies, which fails at once)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise MariaDBError('mariadbd exited with {} during start-up; see {}'.format(
                    self.process.returncode, self.log_path))
            if os.path.exists(self.socket):
                ping = subprocess.run([admin_binary(), '--no-defaults', '--socket=' + self.socket, '--user=root',
                                       '--connect-timeout=5', 'ping'],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
                if ping.returncode == 0:
                    return
            if time.monotonic() > deadline:
                raise MariaDBError('mariadbd did not answer within {} s; see {}'.format(timeout, self.log_path))
            time.sleep(0.05)

    def root_sql(self, sql):
        """Run ``sql`` as root over the server's socket; returns the rows as lists of strings."""
        done = subprocess.run([client_binary(), '--no-defaults', '--socket=' + self.socket, '--user=root',
                               '--batch', '--skip-column-names', '--execute', sql],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            raise MariaDBError('SQL failed ({}): {}'.format(done.returncode, done.stderr.decode(errors='replace')))
        return [line.split('\t') for line in done.stdout.decode(errors='replace').splitlines()]

    def video_database(self, prefix='kodi'):
        """Connection settings for Kodi's ``<videodatabase>`` with a database name prefix nobody used before on
        this server (Kodi appends its schema version: ``kodi_3_`` becomes ``kodi_3_121``)."""
        if self.process is None:
            raise MariaDBError('the server is not running')
        return {'host': '127.0.0.1', 'port': self.port, 'user': KODI_USER, 'pass': KODI_PASSWORD,
                'name': '{}_{}_'.format(prefix, next(self._names))}

    def stop(self, timeout=30.0, keep_files=False):
        """Shut the server down (and remove its folder if this object made it, unless ``keep_files``); leaves no
        process behind."""
        if self.process is not None and self.process.poll() is None:
            subprocess.run([admin_binary(), '--no-defaults', '--socket=' + self.socket, '--user=root', 'shutdown'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._own_workdir and not keep_files:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
