"""A sleep that ends early when a sync is to stop, for the trakt client's pacing and backoff waits."""
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
