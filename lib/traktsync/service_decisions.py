"""The service's decisions, without Kodi: when to sync, whether to read the library, what to retry and when.

The service (traktsync.service) only reports what happened (a scan, a watched change, a tick, the end of a sync)
and carries out what this object answers, so every rule here is tested without a running Kodi.
"""
import time
from collections import namedtuple

from traktsync import schedule as timing

SCAN_DEBOUNCE_SECONDS = 3.0     # a scan of several sources ends in several onScanFinished
PUSH_DEBOUNCE_SECONDS = 2.0     # marking a season watched sends one OnUpdate per episode
BUSY_RETRY_SECONDS = 2.0        # the menu holds the sync lock
PLAYBACK_RETRY_SECONDS = 2.0    # a sync that gave way to a video runs again once it has stopped
ERROR_RETRY_SECONDS = 300.0
# trakt may commit a timed-out write minutes later; the next sync waits for that before it decides what to re-send
UNCONFIRMED_RETRY_SECONDS = 300.0
FULL_READ_SECONDS = 24 * 3600.0  # a timer sync reads the library at least daily, even when Kodi reported nothing


class SyncOutcome(object):
    BUSY, OK, CANCELLED, ERROR, NOT_SIGNED_IN = 'busy', 'ok', 'cancelled', 'error', 'not signed in'
    UNCONFIRMED = 'ok, trakt did not confirm every play'
    NEEDS_USER = 'needs the user'   # an error only the user can fix (trakt_errors.TraktError.permanent): no retry


# what the service does at a tick: ``start`` a sync (``reasons``, ``read_library``), ``wait`` for the video to stop
# (``tell``: the first tick that waits, to say so once), or ``not_signed_in`` (the user is told, once)
Decision = namedtuple('Decision', 'action reasons read_library tell')
NOTHING = Decision('nothing', (), False, False)


class SyncDecisions(object):

    def __init__(self, settings, clock=time.monotonic):
        self._clock = clock
        self.settings = settings
        self.schedule = timing.Schedule(clock)
        self.schedule.set_interval(self._interval_seconds(settings))
        if settings.sync_at_startup:
            self.schedule.request(timing.STARTUP, settings.startup_delay)
        # A timer sync reads the Kodi library only when something may have changed it (or the settings) since
        # the last sync; the first sync always reads it.
        self.library_may_have_changed = True
        self._library_read_at = None
        self._told_waiting = False

    @staticmethod
    def _interval_seconds(settings):
        return settings.sync_interval_hours * settings.interval_unit_seconds

    @property
    def hour(self):
        return self.settings.interval_unit_seconds / 3600.0   # 1 in normal use; tests shorten the hour

    # -- what happened ------------------------------------------------------------------------------------------
    def settings_changed(self, settings):
        previous, self.settings = self.settings, settings
        self.library_may_have_changed = True   # other settings, another plan
        if self._interval_seconds(previous) != self._interval_seconds(settings):
            self.schedule.set_interval(self._interval_seconds(settings))

    def scan_finished(self):
        """True when a sync follows (the user wants one after a scan)."""
        self.library_may_have_changed = True
        if self.settings.sync_after_scan:
            self.schedule.request(timing.SCAN, SCAN_DEBOUNCE_SECONDS)
            return True
        return False

    def library_notified(self, method, details):
        """A ``VideoLibrary.*`` notification; True when it is a watched change that brings a sync soon."""
        self.library_may_have_changed = True
        if (method == 'VideoLibrary.OnUpdate' and self.settings.instant_push and isinstance(details, dict)
                and details.get('playcount') is not None):
            self.schedule.request(timing.PUSH, PUSH_DEBOUNCE_SECONDS)
            return True
        return False

    def rated(self):
        """The user gave a rating in the rating question: a sync takes it to trakt soon."""
        self.library_may_have_changed = True
        self.schedule.request(timing.PUSH, PUSH_DEBOUNCE_SECONDS)

    # -- the tick -----------------------------------------------------------------------------------------------
    def next(self, video_playing, signed_in):
        """The Decision for this tick (call only while no sync runs). ``signed_in()`` reads the token file: it is
        asked only when a sync is due, not at every tick."""
        reasons = self.schedule.due()
        if not reasons:
            return NOTHING
        if self.settings.wait_while_playing and video_playing:
            tell, self._told_waiting = not self._told_waiting, True
            return Decision('wait', tuple(reasons), False, tell)
        self._told_waiting = False
        self.schedule.started(reasons)
        if not signed_in():
            return Decision('not_signed_in', tuple(reasons), False, True)
        read_library = self._must_read_library(reasons)
        self.library_may_have_changed = False   # what Kodi reports from now on counts for the next sync
        return Decision('start', tuple(reasons), read_library, False)

    def _must_read_library(self, reasons):
        if self.library_may_have_changed or set(reasons) != {timing.INTERVAL}:
            return True
        return self._library_read_at is None or self._clock() - self._library_read_at >= FULL_READ_SECONDS

    # -- after a sync -------------------------------------------------------------------------------------------
    def library_read(self):
        """The sync read the whole library (a timer sync may skip it for a day when Kodi reports nothing)."""
        self._library_read_at = self._clock()

    def finished(self, outcome):
        """Schedule what follows a sync; the retry delay in seconds, or None when nothing is retried."""
        if outcome != SyncOutcome.OK:
            self.library_may_have_changed = True   # the retry reads everything again
        retry = {SyncOutcome.BUSY: BUSY_RETRY_SECONDS, SyncOutcome.CANCELLED: PLAYBACK_RETRY_SECONDS,
                 SyncOutcome.ERROR: ERROR_RETRY_SECONDS * self.hour,
                 SyncOutcome.UNCONFIRMED: UNCONFIRMED_RETRY_SECONDS * self.hour}.get(outcome)
        self.schedule.finished(ok=retry is None, retry_after=retry or 0)
        return retry
