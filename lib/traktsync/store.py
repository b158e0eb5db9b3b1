"""Atomic JSON files in the add-on's profile folder: the sync baseline, the trakt
token, the backups of cleaned collection items and the last sync result.

Every write goes to a temporary file that is flushed, fsynced and renamed over
the old one, so a crash or Kodi quitting mid-write leaves either the old or the
new file, never a torn one. A short write is continued until every byte is out;
a full disk (or any other failure) raises StoreWriteError, keeps the old file
and removes the temporary one. Temporary names are unique per writer (pid,
thread and a counter): Kodi runs the service and the menu script in one
process. ``save_verified`` also reads the file back. A file that cannot be parsed is moved aside (not
deleted: it may hold the only copy of a backup) and treated as absent.
"""
import errno
import itertools
import os
import threading
import time

from traktsync import logger
from traktsync.jsonutil import JSONDecodeError, dumps, loads

BASELINE = 'baseline.json'
TOKEN = 'token.json'
CLEAN_BACKUP = 'clean-backup.json'
LAST_RESULT = 'last-result.json'
LAST_CHANGE = 'last-result-with-changes.json'   # a later no-op sync must not hide it

_sequence = itertools.count(1)


class StoreWriteError(OSError):
    """A profile file could not be written completely; the previous version of the file is unchanged."""

    def __init__(self, name, reason, errno_value=None):
        self.name = name
        self.reason = reason
        message = 'cannot save {} in the add-on profile folder: {}'.format(name, reason)
        if errno_value is None:
            super(StoreWriteError, self).__init__(message)
        else:
            super(StoreWriteError, self).__init__(errno_value, message)
        self.message = message

    def __str__(self):
        return self.message


class StoreVerifyError(StoreWriteError):
    """A file read back after saving differs from what was written."""


def _temporary_path(path):
    # Kodi runs the service and the menu script in one process, so the pid alone does not tell writers apart.
    return '{}.tmp-{}-{}-{}-{}'.format(path, os.getpid(), threading.get_ident(), next(_sequence),
                                       os.urandom(4).hex())


def _write_all(handle, payload):
    """Write every byte of ``payload``; a write that makes no progress is a full disk."""
    view = memoryview(payload)
    while view:
        written = os.write(handle, view)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def encode(data):
    """The text of a profile file: compact JSON, as UTF-8 bytes (ASCII: ``dumps`` escapes the rest)."""
    return dumps(data, separators=(',', ':')).encode('utf-8')


class JsonStore(object):

    def __init__(self, folder):
        self.folder = folder

    def path(self, name):
        return os.path.join(self.folder, name)

    def exists(self, name):
        return os.path.exists(self.path(name))

    def load(self, name, default=None):
        path = self.path(name)
        try:
            with open(path, 'rb') as handle:
                return loads(handle.read().decode('utf-8'))
        except (IOError, OSError) as exc:
            if exc.errno != errno.ENOENT:
                logger.error('cannot read {}: {}', path, exc)
                raise
            return default
        except (JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
            aside = '{}.unreadable-{}'.format(path, time.strftime('%Y%m%d%H%M%S'))
            os.replace(path, aside)
            logger.error('{} was unreadable ({}); kept as {}', name, exc, aside)
            return default

    def save(self, name, data, private=False):
        """Replace ``name`` with ``data`` whole, or raise StoreWriteError and leave the old file as it was."""
        self._write(name, encode(data), private)

    def save_encoded(self, name, parts, private=False):
        """``save`` of data already encoded: ``parts`` is its JSON text as a list of UTF-8 byte strings, written one
        after the other (a big text need not be joined in memory first)."""
        self._write(name, parts, private)

    def save_verified(self, name, data, private=False):
        """``save``, then read the file back: StoreVerifyError unless it holds exactly what was written."""
        payload = encode(data)
        self._write(name, payload, private)
        path = self.path(name)
        try:
            with open(path, 'rb') as handle:
                stored = handle.read()
        except (IOError, OSError) as exc:
            raise StoreVerifyError(name, 'it could not be read back ({})'.format(exc), exc.errno) from None
        if stored != payload:
            raise StoreVerifyError(name, 'the file read back differs from what was written')
        try:
            if loads(stored.decode('utf-8')) != loads(payload.decode('utf-8')):
                raise StoreVerifyError(name, 'the file read back differs from what was written')
        except (JSONDecodeError, UnicodeDecodeError, ValueError):
            raise StoreVerifyError(name, 'the file read back is not valid JSON') from None

    def _write(self, name, payload, private):
        """``payload``: bytes, or a list of bytes written in order."""
        parts = [payload] if isinstance(payload, bytes) else payload
        path = self.path(name)
        temporary = _temporary_path(path)
        try:
            if not os.path.isdir(self.folder):
                os.makedirs(self.folder)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            handle = os.open(temporary, flags, 0o600 if private else 0o644)
        except OSError as exc:
            raise StoreWriteError(name, _reason(exc), exc.errno) from exc
        try:
            try:
                for part in parts:
                    _write_all(handle, part)
                os.fsync(handle)
            finally:
                os.close(handle)
            os.replace(temporary, path)
        except OSError as exc:
            _remove_quietly(temporary)
            logger.error('could not save {} ({}); the previous file is kept', name, exc)
            raise StoreWriteError(name, _reason(exc), exc.errno) from exc
        except BaseException:
            _remove_quietly(temporary)
            raise
        self._sync_folder()

    def _sync_folder(self):
        # The rename is durable only once the folder entry is on disk; not every platform lets us open a folder.
        try:
            handle = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(handle)
        except OSError:
            pass
        finally:
            os.close(handle)

    def delete(self, name):
        try:
            os.remove(self.path(name))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise


def _reason(exc):
    if exc.errno in (errno.ENOSPC, getattr(errno, 'EDQUOT', errno.ENOSPC)):
        return 'the disk is full (or the quota is used up)'
    return exc.strerror or str(exc)


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


class TokenStore(object):
    """The trakt token (access and single-use refresh token together), readable by the owner only."""

    def __init__(self, store):
        self._store = store

    def load(self):
        return self._store.load(TOKEN)

    def save(self, token):
        if token is None:
            self._store.delete(TOKEN)
        else:
            self._store.save(TOKEN, token, private=True)

    def clear(self):
        self._store.delete(TOKEN)

    def signed_in(self):
        return bool(self.load())
