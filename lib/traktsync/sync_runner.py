"""One sync from start to end, wired once for the service and the menu: lock, progress, engine, abort, error report.

The callers differ only in what they pass: how the lock is taken (the service gives up at once, the menu waits with
a dialog), what shows the progress (a background bar, a dialog), what cancels (a video starting, the Cancel
button) and what ends a trakt request in flight (Kodi quitting; for the menu also Cancel).
"""
from traktsync import memory
from traktsync.cancel import AbortWhenCancelled
from traktsync.engine import SyncResult
from traktsync.status import remember_error
from traktsync.trakt import errors as trakt_errors


class NoProgress(object):
    def update(self, stage, done, total):
        pass

    def close(self):
        pass


def engine_error_result(exc, dry_run):
    """The result of a sync whose engine could not be made (no usable trakt app credentials)."""
    result = SyncResult(dry_run)
    result.status, result.error = 'error', exc.message
    result.permanent = bool(getattr(exc, 'permanent', False))
    return result


class SyncRunner(object):
    """``make_engine(progress, is_cancelled, still_owner)`` builds the engine (it may raise a TraktError);
    ``store`` is the profile's JsonStore, where the newest error is kept for the Status screen."""

    def __init__(self, make_engine, store):
        self._make_engine = make_engine
        self._store = store

    def run(self, take_lock, make_progress=NoProgress, is_cancelled=lambda: False, abort_when=None,
            dry_run=False, clean=None, kodi_unchanged=False):
        """Run one sync; its SyncResult, or None when ``take_lock()`` gave no lock (another sync runs, the user
        gave up waiting). ``is_cancelled`` stops the sync at its next step; ``abort_when`` (default
        ``is_cancelled``) also ends a trakt request in flight."""
        lock = take_lock()
        if lock is None:
            return None
        progress = engine = None
        try:
            progress = make_progress()
            try:
                engine = self._make_engine(progress.update, is_cancelled, lock.still_held)
            except trakt_errors.TraktError as exc:
                result = engine_error_result(exc, dry_run)
            else:
                with AbortWhenCancelled(engine.abort, abort_when or is_cancelled):
                    result = engine.sync(dry_run=dry_run, clean=clean, kodi_unchanged=kodi_unchanged)
        finally:
            if progress is not None:
                progress.close()
            lock.release()
            engine = None
            memory.give_back()
        if result.status == 'error' and not dry_run:
            remember_error(self._store, result.error)
        return result
