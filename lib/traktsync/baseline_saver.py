"""When the sync writes its baseline to disk: at most every few seconds while writes are confirmed, and at the end.

The baseline holds every item of the library, so writing it after each confirmed batch made a first sync
quadratic in the library (docs/performance.md). Records go into the baseline in memory as trakt or Kodi confirm
them; the file follows at most ``INTERVAL`` seconds later and when the writes end, however they end. A crash
(Kodi killed, power lost) loses at most the records of those last seconds: the next sync reads both sides and
sees those writes as the same change on both sides, so nothing confirmed is sent again (docs/design.md, rule 4).
"""
INTERVAL = 2.0


class BaselineSaver(object):
    """``save()`` writes the baseline (and may raise: a full disk, the sync lock lost); ``clock()`` is seconds."""

    def __init__(self, save, clock, interval=INTERVAL):
        self._save = save
        self._clock = clock
        self._interval = interval
        self._last = clock()
        self._dirty = False
        self.saves = 0

    def changed(self):
        """Records were added: save when the last save is ``interval`` old."""
        self._dirty = True
        if self._clock() - self._last >= self._interval:
            self.flush()

    def flush(self):
        """Save now if anything was recorded since the last save."""
        if not self._dirty:
            return
        self._save()
        self._dirty = False
        self._last = self._clock()
        self.saves += 1
