"""The background service: syncs after start-up, on a timer, after a library scan and soon after a watched change
in Kodi; waits while a video plays; leaves within a second of Kodi's shutdown.

The sync runs in a worker thread, so the service's own thread keeps answering Kodi: Kodi delivers its callbacks
(settings changed, scan finished, notifications, abort) only while that thread waits in ``waitForAbort``.
"""
import threading
import time
import traceback

from traktsync import app, logger
from traktsync import schedule as timing
from traktsync.cancel import AbortWhenCancelled, cancellable_sleep
from traktsync.engine import CleanRequest
from traktsync.jsonutil import loads
from traktsync.kodi import log as kodi_log
from traktsync.kodi import ui
from traktsync.kodi.jsonrpc import InKodiTransport, JsonRpc
from traktsync.kodi.monitor import Monitor
from traktsync.kodi.settings import profile_dir, read_settings, write_setting
from traktsync.lock import SyncLock
from traktsync.status import HEADING, STAGES, changes, remember_error
from traktsync.store import JsonStore, TokenStore
from traktsync.trakt import errors as trakt_errors
from traktsync.version import VERSION

# waitForAbort returns as soon as Kodi asks us to stop; the tick bounds how late a due sync starts.
TICK_SECONDS = 0.25
SCAN_DEBOUNCE_SECONDS = 3.0     # a scan of several sources ends in several onScanFinished
PUSH_DEBOUNCE_SECONDS = 2.0     # marking a season watched sends one OnUpdate per episode
BUSY_RETRY_SECONDS = 2.0        # the menu holds the sync lock
PLAYBACK_RETRY_SECONDS = 2.0    # a sync that gave way to a video runs again once it has stopped
ERROR_RETRY_SECONDS = 300.0
# trakt may commit a timed-out write minutes later; the next sync waits for that before it decides what to re-send
UNCONFIRMED_RETRY_SECONDS = 300.0
FULL_READ_SECONDS = 24 * 3600.0  # a timer sync reads the library at least daily, even when Kodi reported nothing
STOP_JOIN_SECONDS = 0.7         # what is left of Kodi's "within a second" after the tick


class SyncOutcome(object):
    BUSY, OK, CANCELLED, ERROR, NOT_SIGNED_IN = 'busy', 'ok', 'cancelled', 'error', 'not signed in'
    UNCONFIRMED = 'ok, trakt did not confirm every play'


class Service(object):

    def __init__(self):
        self.settings = read_settings()
        kodi_log.install(self.settings.debug_logging)
        self.monitor = Monitor(self)
        self.schedule = timing.Schedule()
        self.schedule.set_interval(self._interval_seconds(self.settings))
        if self.settings.sync_at_startup:
            self.schedule.request(timing.STARTUP, self.settings.startup_delay)
        self._stop = threading.Event()
        self._worker = None
        self._outcome = None
        self._video_playing = False
        self._told_not_signed_in = False
        self._told_waiting = False
        self._last_error_told = None
        # A timer sync reads the Kodi library only when something may have changed it (or the settings) since
        # the last sync; the first sync always reads it.
        self._library_may_have_changed = True
        self._library_read_at = None

    # -- Kodi's callbacks (on the service's thread) ------------------------------------------------------------
    def on_settings_changed(self):
        previous = self.settings
        self.settings = read_settings()
        self._library_may_have_changed = True   # other settings, another plan
        kodi_log.install(self.settings.debug_logging)
        logger.debug('settings reloaded')
        if self._interval_seconds(previous) != self._interval_seconds(self.settings):
            self.schedule.set_interval(self._interval_seconds(self.settings))
        if self.settings.clean_collection and not previous.clean_collection:
            # A dialog blocks its thread; the service's thread must keep answering Kodi.
            threading.Thread(target=self._confirm_clean, name='traktsync-confirm-clean').start()

    def on_scan_finished(self):
        self._library_may_have_changed = True
        if self.settings.sync_after_scan:
            logger.debug('video library scan finished; a sync follows')
            self.schedule.request(timing.SCAN, SCAN_DEBOUNCE_SECONDS)

    def on_notification(self, method, data):
        if method.startswith('VideoLibrary.'):
            self._library_may_have_changed = True
        if method != 'VideoLibrary.OnUpdate' or not self.settings.instant_push:
            return
        try:
            details = loads(data) if data else {}
        except ValueError:
            return
        if isinstance(details, dict) and details.get('playcount') is not None:
            logger.debug('watched state changed in Kodi; a sync follows')
            self.schedule.request(timing.PUSH, PUSH_DEBOUNCE_SECONDS)

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self):
        logger.info('service {} started', VERSION)
        while not self.monitor.waitForAbort(TICK_SECONDS):
            self._tick()
        self._shutdown()
        logger.info('service {} stopped', VERSION)

    def _tick(self):
        self._video_playing = ui.is_playing_video()
        if self._worker is not None:
            if self._worker.is_alive():
                return
            self._worker = None
            self._after_sync(self._outcome)
        reasons = self.schedule.due()
        if not reasons:
            return
        if self.settings.wait_while_playing and self._video_playing:
            if not self._told_waiting:
                logger.info('a video is playing; the sync waits until it stops')
                self._told_waiting = True
            return
        self._told_waiting = False
        if not TokenStore(JsonStore(profile_dir())).signed_in():
            self.schedule.started(reasons)
            self._tell_not_signed_in()
            return
        self._told_not_signed_in = False
        self.schedule.started(reasons)
        read_library = self._must_read_library(reasons)
        self._library_may_have_changed = False   # what Kodi reports from now on counts for the next sync
        logger.info('automatic sync ({})', ', '.join(reasons))
        self._outcome = None
        self._worker = threading.Thread(target=self._sync, args=(self.settings, read_library),
                                        name='traktsync-sync')
        self._worker.start()

    def _must_read_library(self, reasons):
        if self._library_may_have_changed or set(reasons) != {timing.INTERVAL}:
            return True
        return self._library_read_at is None or time.monotonic() - self._library_read_at >= FULL_READ_SECONDS

    def _after_sync(self, outcome):
        if outcome != SyncOutcome.OK:
            self._library_may_have_changed = True   # the retry reads everything again
        hour = self.settings.interval_unit_seconds / 3600.0   # 1 in normal use; tests shorten the hour
        retry = {SyncOutcome.BUSY: BUSY_RETRY_SECONDS, SyncOutcome.CANCELLED: PLAYBACK_RETRY_SECONDS,
                 SyncOutcome.ERROR: ERROR_RETRY_SECONDS * hour,
                 SyncOutcome.UNCONFIRMED: UNCONFIRMED_RETRY_SECONDS * hour}.get(outcome)
        self.schedule.finished(ok=retry is None, retry_after=retry or 0)

    def _shutdown(self):
        self._stop.set()
        worker = self._worker
        if worker is not None and worker.is_alive():
            worker.join(STOP_JOIN_SECONDS)
            if worker.is_alive():
                logger.warning('the sync is still waiting for an answer from trakt; it ends with that answer')

    # -- one automatic sync (worker thread) --------------------------------------------------------------------
    def _stopping(self):
        return self._stop.is_set() or self.monitor.abortRequested()

    def _cancelled(self, settings):
        return self._stopping() or (settings.wait_while_playing and self._video_playing)

    def _sync(self, settings, read_library):
        try:
            self._outcome = self._sync_locked(settings, read_library)
        except Exception:  # noqa: BLE001 - a bug must not end the service; the log has the details
            logger.error('automatic sync failed: {}', traceback.format_exc())
            self._outcome = SyncOutcome.ERROR

    def _sync_locked(self, settings, read_library):
        lock = SyncLock(profile_dir(), 'service')
        if not lock.try_acquire():
            logger.info('another sync is running; the automatic sync runs after it')
            return SyncOutcome.BUSY
        bar = None
        try:
            bar = ProgressBar(settings.show_progress, lambda: self._video_playing)
            is_cancelled = lambda: self._cancelled(settings)   # noqa: E731
            try:
                engine = app.make_engine(settings, profile_dir(), JsonRpc(InKodiTransport()), bar.update,
                                         is_cancelled, cancellable_sleep(is_cancelled))
            except trakt_errors.TraktError as exc:
                self._tell_error(settings, exc.message)
                return SyncOutcome.ERROR
            clean = CleanRequest(confirmed=True) if settings.clean_collection else None
            # Kodi quitting ends a trakt request in flight too; a video starting only stops at the next step.
            with AbortWhenCancelled(engine.abort, self._stopping):
                result = engine.sync(dry_run=False, clean=clean, kodi_unchanged=not read_library)
            if result.kodi_calls:   # the library was read (a sync that skips it makes no Kodi call)
                self._library_read_at = time.monotonic()
        finally:
            if bar is not None:
                bar.close()
            lock.release()
        if result.status == 'ok':
            self._last_error_told = None
            if result.changed_something and settings.notifications and not self._video_playing:
                to_trakt, to_kodi = changes(result.applied)
                ui.notify(ui.localize(30022, trakt=to_trakt, kodi=to_kodi))
            return SyncOutcome.UNCONFIRMED if result.waiting_for_trakt else SyncOutcome.OK
        if result.status == 'cancelled':
            return SyncOutcome.CANCELLED
        self._tell_error(settings, result.error)
        return SyncOutcome.ERROR

    # -- telling the user ---------------------------------------------------------------------------------------
    def _tell_error(self, settings, message):
        remember_error(JsonStore(profile_dir()), message)
        if message == self._last_error_told:
            return   # the same problem again on the retry: once is enough
        if settings.notifications and not self._video_playing:
            ui.notify(ui.localize(30023, message), error=True)
            self._last_error_told = message

    def _tell_not_signed_in(self):
        if self._told_not_signed_in or self._video_playing:
            return
        logger.info('not signed in to trakt; no sync until the add-on is authorized')
        ui.notify(ui.localize(30025), error=True, milliseconds=10000)
        self._told_not_signed_in = True

    @staticmethod
    def _interval_seconds(settings):
        return settings.sync_interval_hours * settings.interval_unit_seconds

    def _confirm_clean(self):
        if ui.yesno(ui.localize(30305), ui.localize(30044)):
            logger.info('removing from the trakt collection turned on and confirmed')
            return
        logger.info('removing from the trakt collection not confirmed; turned off again')
        write_setting('clean_collection', False)
        # Kodi does not call onSettingsChanged for an add-on's own writes; without this the next "on" would
        # look like no change and go unasked.
        self.settings = read_settings()


class ProgressBar(object):
    """The small background bar of automatic syncs: only when the user wants it, never over a video."""

    def __init__(self, wanted, video_playing):
        self._wanted = wanted
        self._video_playing = video_playing
        self._dialog = None

    def update(self, stage, done, total):
        if not self._wanted:
            return
        if self._video_playing():
            # Not shown again in this sync: Kodi can leave a background bar on screen for good when a new one
            # is created right after one was closed.
            self._wanted = False
            self.close()
            return
        message = ui.localize(STAGES.get(stage, HEADING))
        if self._dialog is None:
            self._dialog = ui.ProgressDialog(ui.localize(HEADING), message, background=True)
        self._dialog.update(done * 100.0 / total if total else 0, message)

    def close(self):
        if self._dialog is not None:
            self._dialog.close()
            self._dialog = None


def run():
    Service().run()
