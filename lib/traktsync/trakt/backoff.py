"""Waiting rules: retry delays, Retry-After, POST pacing and the adaptive batch size.

Pure apart from the injected ``clock``/``sleep``/``rand``, so they are tested without a network.
"""
import email.utils
import random
import threading
import time


def backoff_delay(attempt, base=1.0, cap=60.0, rand=random.random):
    """Exponential backoff with jitter: attempt 0 waits about ``base``, each further attempt doubles it.

    The jitter keeps the wait within [50 %, 100 %] of the exponential value, so clients that failed
    together do not retry together, and a retry never comes sooner than half the nominal delay.
    """
    nominal = min(cap, base * (2 ** attempt))
    return nominal * (0.5 + rand() / 2.0)


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None if absent/garbled."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class Pacer(object):
    """Keeps POSTs at least ``interval`` seconds apart, measured from the end of the previous one.

    trakt allows one authed POST per second; measuring from the end (not the start) also covers a slow
    answer whose request trakt counted late. The sync and the scrobbler share one client from two threads:
    ``wait()`` takes the one POST slot and ``done()`` gives it back, so their POSTs never overlap.
    """

    def __init__(self, interval=1.0, clock=time.monotonic, sleep=time.sleep):
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last_end = None
        self._slot = threading.Lock()

    def wait(self, sleep=None):
        """``sleep``: the caller's own (cancellable) sleep, when the pacer is shared."""
        self._slot.acquire()
        try:
            if self._last_end is None or self.interval <= 0:
                return
            remaining = self.interval - (self._clock() - self._last_end)
            if remaining > 0:
                (sleep or self._sleep)(remaining)
        except BaseException:
            self._slot.release()   # a cancelled wait sends nothing: the slot is free again
            raise

    def done(self):
        self._last_end = self._clock()
        self._slot.release()


_SHARED_PACERS = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(key, interval=1.0):
    """The one Pacer of this Python process for ``key`` (the API address): every client of the service that
    talks to the same trakt (the sync's, the scrobbler's) keeps to one POST per second together."""
    with _SHARED_LOCK:
        pacer = _SHARED_PACERS.get(key)
        if pacer is None:
            pacer = _SHARED_PACERS[key] = Pacer(interval)
        return pacer


class AdaptiveBatchSize(object):
    """POST batch size: starts at ``start``, doubles up to ``maximum`` after quick answers, halves on trouble.

    "Quick" means the answer came back in less than ``quick_seconds``; a timeout or a 5xx halves the size,
    never below ``minimum``.
    """

    def __init__(self, start=250, minimum=25, maximum=1000, quick_seconds=5.0):
        if not 0 < minimum <= start <= maximum:
            raise ValueError('batch sizes must satisfy 0 < minimum <= start <= maximum')
        self.size = start
        self.minimum = minimum
        self.maximum = maximum
        self.quick_seconds = quick_seconds

    def answered(self, seconds):
        if seconds < self.quick_seconds:
            self.size = min(self.maximum, self.size * 2)

    def failed(self):
        self.size = max(self.minimum, self.size // 2)

    @property
    def at_minimum(self):
        return self.size <= self.minimum
