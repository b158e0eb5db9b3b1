"""When the sync writes its baseline to disk: at most every few seconds while writes are confirmed, and at the end.

The baseline holds every item of the library, so writing it after each confirmed batch made a first sync
quadratic in the library (docs/performance.md). Records go into the baseline in memory as trakt or Kodi confirm
them; the file follows at most ``INTERVAL`` seconds later (plus the time one write takes) and when the writes end,
however they end. A crash (Kodi killed, power lost) loses at most the records of those last seconds: the next sync
reads both sides and sees those writes as the same change on both sides, so nothing confirmed is sent again
(docs/design.md, rule 4).

The writes during the sync run on a thread of their own (write_streams.BackgroundWork), so the Kodi writes do not
wait for them, and the engine makes the file's text again only for the parts that changed (baseline_text.py). A
write that took long spaces the next one out (``SPACING``), so the writes never take more than a fifth of the time.
What is written is taken (``snapshot()``, a copy of the baseline's sections: a few milliseconds even at XL) on the
caller's thread when the write starts, so the file holds exactly the records made until then. The write at the
end (``flush``) runs on the caller's thread, after the one in flight; an error of a background write (a full disk,
the sync lock lost) is raised by the next ``changed`` or ``flush``.
"""
from functools import partial

from traktsync.write_streams import BackgroundWork

INTERVAL = 2.0
# A write of a big baseline takes CPU the Kodi writes could use (two cores: Kodi's database thread and its GUI):
# the next write waits at least this many times as long as the last one took.
SPACING = 5.0


class BaselineSaver(object):
    """``snapshot()`` is the baseline as it is now (its JSON form: nothing in it changes afterwards), ``write(data)``
    writes it to disk (and may raise: a full disk, the sync lock lost); ``clock()`` is seconds."""

    def __init__(self, snapshot, write, clock, interval=INTERVAL):
        self._snapshot = snapshot
        self._write = write
        self._clock = clock
        self._interval = interval
        self._last = clock()
        self._dirty = False
        self._writer = None          # the BackgroundWork of the write in flight, or of the last one
        self._last_write_seconds = 0.0

    def changed(self):
        """Records were added: start a write when the last one started ``interval`` ago (or longer, after a slow
        one) and has ended."""
        self._dirty = True
        self._raise_error()
        if (self._clock() - self._last < max(self._interval, SPACING * self._last_write_seconds)
                or not self.idle(0)):
            return
        data = self._snapshot()
        self._dirty = False   # records added from now on are for the next write
        self._last = self._clock()
        self._writer = BackgroundWork(partial(self._timed_write, data), 'traktsync-baseline').start()

    def flush(self):
        """Save now if anything was recorded since the last save (after the write in flight, if any)."""
        self.idle()
        self._raise_error()
        if not self._dirty:
            return
        self._last = self._clock()   # spacing counts from the start of a write, as in the background
        self._timed_write(self._snapshot())
        self._dirty = False

    def idle(self, timeout=None):
        """Wait for the write in flight; True when none is left."""
        return self._writer is None or self._writer.wait(timeout)

    def _timed_write(self, data):
        started = self._clock()
        self._write(data)
        self._last_write_seconds = max(0.0, self._clock() - started)

    def _raise_error(self):
        """The error of the last background write, once it has ended: its records are written again next time."""
        if self._writer is not None and self._writer.error is not None and self.idle(0):
            self._dirty = True
            self._writer.raise_error()
