"""One sync at a time across the service and the menu script: a lock file in the add-on's profile folder.

Why a file and not a Kodi window property: creating a file with O_EXCL is atomic, while reading and then setting
a property from two Python interpreters is a race. Why it cannot stay stuck after a crash: the file names the
process (Kodi's pid; the service and the menu run inside the same Kodi) and the holder touches it every
``heartbeat`` seconds. A lock whose process is gone (Kodi crashed and started again) or that has not been touched
for ``stale_after`` seconds (an interpreter killed without running its ``finally``) is taken over.

A heartbeat that fails (a profile on a share that hiccups) is logged and tried again on the next beat; when the
file no longer carries this holder's token (another sync took a lock it judged stale), ``still_held()`` says so
and the sync stops before its next write.
"""
import errno
import os
import threading
import time
import uuid

from traktsync import logger
from traktsync.jsonutil import dumps, loads

LOCK_FILE = 'sync.lock'


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


class SyncLock(object):

    def __init__(self, folder, owner, heartbeat=5.0, stale_after=30.0, clock=time.time):
        self.path = os.path.join(folder, LOCK_FILE)
        self.owner = owner
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self._clock = clock
        self._token = None
        self._stop = threading.Event()
        self._beat = None
        self._lost = threading.Event()

    @property
    def held(self):
        return self._token is not None

    def still_held(self):
        """True while the lock file is this holder's: False once another sync took it over (or it is gone)."""
        if self._token is None or self._lost.is_set():
            return False
        info = self._read(self.path)
        if info is None or info.get('token') != self._token:
            self._mark_lost(info)
            return False
        return True

    def _mark_lost(self, info):
        if not self._lost.is_set():
            self._lost.set()
            logger.warning('the sync lock of the {} was taken over by the {}; this sync stops before its next '
                           'write', self.owner, (info or {}).get('owner', 'nobody (the file is gone)'))

    def holder(self):
        """What the lock file says (``{'owner', 'pid', 'at', 'token'}``), or None when nobody holds it."""
        try:
            with open(self.path, 'rb') as handle:
                data = loads(handle.read().decode('utf-8'))
            return data if isinstance(data, dict) else {}
        except (IOError, OSError):
            return None
        except ValueError:
            return {}   # torn or empty: judged by the file's age

    def is_stale(self, info):
        if info is None:
            return False
        pid = info.get('pid')
        if isinstance(pid, int) and not _process_alive(pid):
            return True
        try:
            age = self._clock() - os.path.getmtime(self.path)
        except OSError:
            return False
        return age > self.stale_after

    def try_acquire(self):
        """Take the lock if it is free (or stale); True when this object holds it now."""
        if self.held:
            return True
        folder = os.path.dirname(self.path)
        if not os.path.isdir(folder):
            os.makedirs(folder)
        for _ in range(2):
            token = uuid.uuid4().hex
            try:
                handle = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except OSError as exc:
                if exc.errno != errno.EEXIST:
                    raise
                info = self.holder()
                if not self.is_stale(info):
                    return False
                logger.warning('taking over a stale sync lock of {}', (info or {}).get('owner', 'unknown'))
                self._remove_if(info)
                continue
            try:
                os.write(handle, dumps({'owner': self.owner, 'pid': os.getpid(), 'at': self._clock(),
                                        'token': token}).encode('utf-8'))
            finally:
                os.close(handle)
            self._token = token
            self._start_heartbeat()
            logger.debug('sync lock taken by the {}', self.owner)
            return True
        return False

    def acquire(self, wait, should_stop, on_wait=None, poll=0.5):
        """Take the lock, waiting for it; ``wait(seconds)`` sleeps, ``should_stop()`` gives up (False)."""
        told = False
        while not self.try_acquire():
            if not told and on_wait is not None:
                on_wait(self.holder() or {})
                told = True
            if should_stop():
                return False
            wait(poll)
        return True

    def release(self):
        if not self.held:
            return
        self._stop.set()
        if self._beat is not None:
            self._beat.join(2.0)
        info = self.holder()
        if info is not None and info.get('token') == self._token:
            self._remove_if(info)
        self._token = None
        logger.debug('sync lock released by the {}', self.owner)

    def _remove_if(self, info):
        # Move the file aside before deleting it, so that of two processes judging the same stale lock only one
        # removes it, and never a lock that someone took in between.
        aside = '{}.{}'.format(self.path, uuid.uuid4().hex)
        try:
            os.rename(self.path, aside)
        except OSError:
            return
        moved = self._read(aside)
        if info and moved is not None and moved.get('token') != info.get('token'):
            os.rename(aside, self.path)   # not the lock we judged: put it back
            return
        os.remove(aside)

    @staticmethod
    def _read(path):
        try:
            with open(path, 'rb') as handle:
                return loads(handle.read().decode('utf-8'))
        except (IOError, OSError, ValueError):
            return None

    def _start_heartbeat(self):
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._beat = threading.Thread(target=self._touch, name='traktsync-lock', daemon=True)
        self._beat.start()

    def _touch(self):
        failing = False
        while not self._stop.wait(self.heartbeat):
            info = self._read(self.path)
            if info is not None and info.get('token') not in (None, self._token):
                self._mark_lost(info)
                return
            try:
                os.utime(self.path, None)
            except OSError as exc:
                if not failing:
                    logger.warning('the sync lock heartbeat failed ({}); after {:.0f} s without one another sync '
                                   'may take over', exc, self.stale_after)
                failing = True
                continue
            if failing:
                logger.info('the sync lock heartbeat works again')
                failing = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
