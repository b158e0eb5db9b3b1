"""The background service: syncs after start-up, on a timer, after a library scan and soon after a watched change
in Kodi; waits while a video plays; leaves within a second of Kodi's shutdown.

The sync runs in a worker thread, so the service's own thread keeps answering Kodi: Kodi delivers its callbacks
(settings changed, scan finished, notifications, abort) only while that thread waits in ``waitForAbort``.
"""
import threading
import traceback

from traktsync import app, logger
from traktsync.cancel import cancellable_sleep
from traktsync.engine import CleanRequest
from traktsync.jsonutil import loads
from traktsync.kodi import log as kodi_log
from traktsync.kodi import ui
from traktsync.kodi.jsonrpc import InKodiTransport, JsonRpc
from traktsync.kodi.monitor import Monitor
from traktsync.kodi.settings import profile_dir, read_settings, write_setting
from traktsync.lock import SyncLock
from traktsync.rating_question import RatingQuestion
from traktsync.scrobble import STOP_RETRY_SECONDS
from traktsync.scrobbler import Scrobbler
from traktsync.service_decisions import SyncDecisions, SyncOutcome
from traktsync.status import HEADING, STAGES, changes, remember_error
from traktsync.store import JsonStore, TokenStore
from traktsync.sync_runner import SyncRunner
from traktsync.version import VERSION

# waitForAbort returns as soon as Kodi asks us to stop; the tick bounds how late a due sync starts.
TICK_SECONDS = 0.25
STOP_JOIN_SECONDS = 0.7         # what is left of Kodi's "within a second" after the tick


class Service(object):

    def __init__(self):
        self.settings = read_settings()
        kodi_log.install(self.settings.debug_logging)
        self.monitor = Monitor(self)
        self.decisions = SyncDecisions(self.settings)
        self._stop = threading.Event()
        self._worker = None
        self._outcome = None
        self._video_playing = False
        self._last_error_told = None
        self._warnings_told = set()
        self._told_not_signed_in = False
        self._rated = threading.Event()   # a rating was given in the rating question: sync soon
        self.rating_question = RatingQuestion(JsonRpc(InKodiTransport()), ui, self._rated.set)
        self.scrobbler = Scrobbler(JsonRpc(InKodiTransport()), self._scrobble_client, JsonStore(profile_dir()),
                                   retry_seconds=STOP_RETRY_SECONDS * self.decisions.hour, on_watched=self._watched)
        if self.settings.scrobble:
            self.scrobbler.start()

    def _scrobble_client(self):
        return app.make_trakt_client(self.settings, JsonStore(profile_dir()))

    def _watched(self, playing):
        """The scrobbler saw a film or episode watched to its end (on the scrobbler's thread)."""
        if self.settings.ask_rating:
            self.rating_question.ask_later(playing)

    # -- Kodi's callbacks (on the service's thread) ------------------------------------------------------------
    def on_settings_changed(self):
        previous = self.settings
        self.settings = read_settings()
        self.decisions.settings_changed(self.settings)
        kodi_log.install(self.settings.debug_logging)
        logger.debug('settings reloaded')
        if self.settings.scrobble and not self.scrobbler.running:
            self.scrobbler.start()
        elif not self.settings.scrobble and self.scrobbler.running:
            self.scrobbler.stop()
        if self.settings.clean_collection and not previous.clean_collection:
            # A dialog blocks its thread; the service's thread must keep answering Kodi.
            threading.Thread(target=self._confirm_clean, name='traktsync-confirm-clean').start()

    def on_scan_finished(self):
        if self.decisions.scan_finished():
            logger.debug('video library scan finished; a sync follows')

    def on_notification(self, method, data):
        if not method.startswith(('Player.', 'VideoLibrary.')):
            return
        try:
            details = loads(data) if data else {}
        except ValueError:
            details = {}
        if method.startswith('Player.'):
            self.scrobbler.on_notification(method, details)
        elif self.decisions.library_notified(method, details):
            logger.debug('watched state changed in Kodi; a sync follows')

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self):
        logger.info('service {} started', VERSION)
        while not self.monitor.waitForAbort(TICK_SECONDS):
            self._tick()
        self._shutdown()
        logger.info('service {} stopped', VERSION)

    def _tick(self):
        self._video_playing = ui.is_playing_video()
        if self._rated.is_set():
            self._rated.clear()
            self.decisions.rated()
        if self._worker is not None:
            if self._worker.is_alive():
                return
            self._worker = None
            self._after_sync(self._outcome)
        decision = self.decisions.next(self._video_playing, TokenStore(JsonStore(profile_dir())).signed_in)
        if decision.action == 'wait':
            if decision.tell:
                logger.info('a video is playing; the sync waits until it stops')
            return
        if decision.action == 'not_signed_in':
            self._tell_not_signed_in()
            return
        if decision.action != 'start':
            return
        self._told_not_signed_in = False
        logger.info('automatic sync ({})', ', '.join(decision.reasons))
        self._outcome = None
        self._worker = threading.Thread(target=self._sync, args=(self.settings, decision.read_library),
                                        name='traktsync-sync')
        self._worker.start()

    def _after_sync(self, outcome):
        retry = self.decisions.finished(outcome)
        if outcome == SyncOutcome.NEEDS_USER:
            logger.info('the sync stopped on something only the user can fix; no automatic retry')
        elif outcome == SyncOutcome.ERROR:
            logger.info('the sync failed; it is tried again in {:.0f} s', retry)
        elif outcome == SyncOutcome.UNCONFIRMED:
            logger.info('the next sync checks in {:.0f} s what trakt took', retry)

    def _shutdown(self):
        self._stop.set()
        self.scrobbler.stop(timeout=0.2)
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
        def take_lock():
            lock = SyncLock(profile_dir(), 'service')
            if lock.try_acquire():
                return lock
            logger.info('another sync is running; the automatic sync runs after it')
            return None

        def make_engine(progress, is_cancelled, still_owner):
            return app.make_engine(settings, profile_dir(), JsonRpc(InKodiTransport()), progress, is_cancelled,
                                   cancellable_sleep(is_cancelled), still_owner)

        clean = CleanRequest(confirmed=True) if settings.clean_collection else None
        # Kodi quitting ends a trakt request in flight too; a video starting only stops at the next step.
        result = SyncRunner(make_engine, JsonStore(profile_dir())).run(
            take_lock, lambda: ProgressBar(settings.show_progress, lambda: self._video_playing),
            lambda: self._cancelled(settings), self._stopping, clean=clean, kodi_unchanged=not read_library)
        if result is None:
            return SyncOutcome.BUSY
        if result.library_read:
            self.decisions.library_read()
        if result.status == 'ok':
            self._last_error_told = None
            self._tell_warnings(settings, result.warnings)
            if result.changed_something and settings.notifications and not self._video_playing:
                to_trakt, to_kodi = changes(result.applied)
                message = ui.localize(30022, trakt=to_trakt, kodi=to_kodi)
                ui.notify(message)
                logger.info('told the user: {}', message)
            return SyncOutcome.UNCONFIRMED if result.waiting_for_trakt else SyncOutcome.OK
        if result.status == 'cancelled':
            return SyncOutcome.CANCELLED
        self._tell_error(settings, result.error)
        return SyncOutcome.NEEDS_USER if result.permanent else SyncOutcome.ERROR

    # -- telling the user ---------------------------------------------------------------------------------------
    def _tell_error(self, settings, message):
        """The sync runner has kept the error for the Status screen; this tells the user, once per problem."""
        if message == self._last_error_told:
            return   # the same problem again on the retry: once is enough
        if settings.notifications and not self._video_playing:
            ui.notify(ui.localize(30023, message), error=True)
            self._last_error_told = message
            logger.info('told the user: {}', message)

    def _tell_warnings(self, settings, warnings):
        """A skipped stage (an account limit): told once per message while the service runs."""
        for message in warnings:
            remember_error(JsonStore(profile_dir()), message)
            if message in self._warnings_told or not settings.notifications or self._video_playing:
                continue
            ui.notify(ui.localize(30072, message), error=True, milliseconds=10000)
            self._warnings_told.add(message)
            logger.info('told the user: {}', message)

    def _tell_not_signed_in(self):
        if self._told_not_signed_in or self._video_playing:
            return
        logger.info('not signed in to trakt; no sync until the add-on is authorized')
        ui.notify(ui.localize(30025), error=True, milliseconds=10000)
        self._told_not_signed_in = True

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
