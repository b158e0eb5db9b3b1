"""Virtual time for a life: nothing in the soak really sleeps.

``VirtualClock.sleep`` advances the clock; ``monotonic``/``wall`` read it. ``patched_engine_time`` points the sync
engine's ``time`` module at the clock for the duration of a run: ``SyncEngine._pause`` waits on ``time.time()``
between rounds, which with an injected sleep that does not sleep would spin for real seconds (reported to the
lead: the engine could take a clock like the trakt client does).
"""
import contextlib
import time as _time
from datetime import datetime, timedelta, timezone

# Virtual time starts in the past of the real clock: the emulator checks token expiry against real time.
EPOCH = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


class VirtualClock(object):
    def __init__(self, start=EPOCH):
        self._start = start
        self.offset = 0.0
        self.slept = 0.0

    def now(self):
        return self._start + timedelta(seconds=self.offset)

    def advance(self, seconds):
        self.offset += seconds

    def sleep(self, seconds):
        seconds = max(0.0, float(seconds or 0))
        self.slept += seconds
        self.offset += seconds

    def wall(self):
        return self._start.timestamp() + self.offset

    def monotonic(self):
        return 1000.0 + self.offset


class _TimeShim(object):
    """What ``traktsync.engine`` uses of ``time``: ``time()`` from the clock, the rest real."""

    def __init__(self, clock):
        self._clock = clock

    def time(self):
        return self._clock.wall()

    def sleep(self, seconds):
        self._clock.sleep(seconds)

    def __getattr__(self, name):
        return getattr(_time, name)


@contextlib.contextmanager
def patched_engine_time(clock):
    """The engine's ``time`` and the emulator's timestamps (``last_activities``, ``added_at``) on the life's clock.

    The emulator stamps ``last_activities`` with the real second; a soak life runs in milliseconds, so two accounts
    would get the same stamps and a cache keyed by stamps alone would mix them up, which real trakt accounts
    written minutes apart do not do. ``Emulator(clock=...)`` (emulator branch) will replace the second patch."""
    from tools.trakt_emulator import timeutil
    from traktsync import engine
    saved = engine.time, timeutil.time
    engine.time = timeutil.time = _TimeShim(clock)
    try:
        yield
    finally:
        engine.time, timeutil.time = saved
