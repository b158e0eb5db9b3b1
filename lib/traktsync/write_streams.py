"""The Kodi side and the trakt side of one sync, at the same time: the reads, then the writes.

They are independent streams (each item gets one watched write, to Kodi or to trakt; plan.py), and each is slow for
its own reason: Kodi commits every watched change to its database, trakt takes one POST per second. Run one after
the other, a first sync waited for both (issue 12). The trakt writes run on a thread of their own
(``BackgroundWork``) while the Kodi writes run on the sync's thread; both record into the baseline under one lock
(engine.py). Only the sync's thread talks to the progress dialog (``CombinedProgress``). Before that, trakt's
lists are read on a thread of their own while the sync's thread reads the Kodi library: both mostly wait, one for
trakt's answers, the other for Kodi's.
"""
import threading

WAIT_STEP = 0.1   # seconds: how often the sync's thread looks at the trakt writes it waits for


class BackgroundWork(object):
    """``work()`` on a thread of its own; ``wait`` for it, then ``raise_error`` re-raises what ended it."""

    def __init__(self, work, name):
        self._work = work
        self._error = None
        self._thread = threading.Thread(target=self._run, name=name)

    def _run(self):
        try:
            self._work()
        except BaseException as exc:   # noqa: B902 -- handed to the sync's thread, which reports it
            self._error = exc

    def start(self):
        self._thread.start()
        return self

    def wait(self, seconds=None):
        """True once the work has ended (``seconds``: how long to wait at most; None: until then)."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    @property
    def error(self):
        return self._error

    def raise_error(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class CombinedProgress(object):
    """One progress bar for both streams: items done over items planned, on the stage ``writing``.

    Each stream ``note``s its own stage's progress from its own thread; ``report`` (the sync's thread only: Kodi's
    dialogs belong to it) shows the sum. Totals come from the plan, so the bar never runs backwards."""

    def __init__(self, progress, totals):
        self._progress = progress
        self._totals = dict(totals)
        self._done = dict.fromkeys(totals, 0)
        self._owner = threading.current_thread()
        self._lock = threading.Lock()

    def note(self, stage, done, total):
        with self._lock:
            self._done[stage] = min(done, self._totals.get(stage, done))
            self._totals.setdefault(stage, total)
        if threading.current_thread() is self._owner:
            self.report()

    def report(self):
        with self._lock:
            done, total = sum(self._done.values()), sum(self._totals.values())
        self._progress('writing', done, total)
