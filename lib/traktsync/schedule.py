"""When the service syncs next: at start-up, on a timer, after a scan and after a watched change (pure, no Kodi).

Triggers are reasons with a due time. A trigger that comes again before its reason is due pushes it back
(debounce: a scan of many folders or a season marked watched ends in one sync), but never further than
``MAX_DEBOUNCE_FACTOR`` times its delay after the first one, so a steady stream of changes still syncs.
"""
import time

STARTUP, INTERVAL, SCAN, PUSH, RETRY = 'startup', 'interval', 'scan', 'push', 'retry'
MAX_DEBOUNCE_FACTOR = 3


class Schedule(object):

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._due = {}          # reason -> when it is due
        self._first = {}        # reason -> when it was first asked for (the debounce cap)
        self.interval_seconds = 0.0
        self.next_interval = None

    def set_interval(self, seconds):
        """``seconds`` <= 0 turns the timer off; a new length counts from now."""
        self.interval_seconds = float(seconds)
        self.next_interval = self._clock() + self.interval_seconds if seconds > 0 else None

    def request(self, reason, delay):
        now = self._clock()
        first = self._first.setdefault(reason, now)
        due = now + delay
        if delay > 0:
            due = min(due, first + MAX_DEBOUNCE_FACTOR * delay)
        self._due[reason] = max(self._due.get(reason, due), due) if reason in self._due else due

    def pending(self):
        return sorted(self._due)

    def due(self):
        """The reasons due now (the timer included), or an empty list."""
        now = self._clock()
        reasons = [reason for reason, when in self._due.items() if when <= now]
        if self.next_interval is not None and self.next_interval <= now:
            reasons.append(INTERVAL)
        return sorted(reasons)

    def started(self, reasons):
        """A sync started for ``reasons``: they are fulfilled unless ``finished(ok=False)`` puts them back.

        Whatever arrives during the sync stays pending, since the sync may have read the library before it."""
        for reason in reasons:
            self._due.pop(reason, None)
            self._first.pop(reason, None)
        if self.interval_seconds > 0:
            self.next_interval = self._clock() + self.interval_seconds

    def finished(self, ok, retry_after=60.0):
        """After a failed or cancelled sync, one retry is due in ``retry_after`` seconds."""
        if not ok:
            self.request(RETRY, retry_after)

    def clear(self):
        """Forget what was asked (e.g. not signed in: nothing can sync until the user authorizes)."""
        self._due.clear()
        self._first.clear()
