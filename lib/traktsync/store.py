"""Atomic JSON files in the add-on's profile folder: the sync baseline, the trakt
token, the backups of cleaned collection items and the last sync result.

Every write goes to a temporary file that is flushed, fsynced and renamed over
the old one, so a crash or Kodi quitting mid-write leaves either the old or the
new file, never a torn one. A file that cannot be parsed is moved aside (not
deleted: it may hold the only copy of a backup) and treated as absent.
"""
import errno
import os
import time

from traktsync import logger
from traktsync.jsonutil import JSONDecodeError, dumps, loads

BASELINE = 'baseline.json'
TOKEN = 'token.json'
CLEAN_BACKUP = 'clean-backup.json'
LAST_RESULT = 'last-result.json'
LAST_CHANGE = 'last-result-with-changes.json'   # a later no-op sync must not hide it


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
        if not os.path.isdir(self.folder):
            os.makedirs(self.folder)
        path = self.path(name)
        temporary = '{}.tmp-{}'.format(path, os.getpid())
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        handle = os.open(temporary, flags, 0o600 if private else 0o644)
        try:
            os.write(handle, dumps(data, separators=(',', ':')).encode('utf-8'))
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
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
