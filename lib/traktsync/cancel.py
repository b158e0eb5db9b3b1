"""Stopping a sync promptly: a sleep that ends early, and a watcher that ends a trakt request in flight."""
import threading
import time

from traktsync.engine import SyncCancelled

STEP_SECONDS = 0.1


def cancellable_sleep(is_cancelled, clock=time.monotonic, pause=time.sleep):
    """``sleep(seconds)`` that raises SyncCancelled within ``STEP_SECONDS`` of ``is_cancelled()`` turning True,
    so that Kodi quitting never waits for the 1 s POST pacing or a rate-limit wait."""

    def sleep(seconds):
        end = clock() + seconds
        while True:
            if is_cancelled():
                raise SyncCancelled()
            left = end - clock()
            if left <= 0:
                return
            pause(min(left, STEP_SECONDS))

    return sleep


class AbortWhenCancelled(object):
    """``with AbortWhenCancelled(engine.abort, is_cancelled):`` — a thread of its own calls ``abort`` once
    ``is_cancelled()`` turns True, so a trakt request in flight ends at once: a thread waiting for trakt's answer
    looks at no flag. ``abort`` is called again on every later check, for a request that was still connecting."""

    def __init__(self, abort, is_cancelled, interval=STEP_SECONDS):
        self._abort = abort
        self._is_cancelled = is_cancelled
        self._interval = interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name='traktsync-abort-watch')

    def _watch(self):
        while not self._done.wait(self._interval):
            if self._is_cancelled():
                self._abort()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()
        return False
