"""The add-on menu (default.py) and ``RunScript(service.traktsync,action=…)`` for keymaps and skins."""
from traktsync import account, app, logger, profiling
from traktsync.cancel import cancellable_sleep
from traktsync.engine import CleanRequest, SyncResult
from traktsync.kodi import log as kodi_log
from traktsync.kodi import ui
from traktsync.kodi.jsonrpc import InKodiTransport, JsonRpc
from traktsync.kodi.settings import profile_dir, read_settings, write_setting
from traktsync.lock import SyncLock
from traktsync.status import HEADING, STAGES, changes, status_text
from traktsync.store import JsonStore, TokenStore
from traktsync.sync_runner import SyncRunner
from traktsync.trakt import errors as trakt_errors

PREVIEW_LINES = 12
# From this many watched states to write into Kodi, "Sync now" covers the home screen (ui.Backdrop): each write
# costs Kodi about 4 ms more under its home screen at L, 7.6 ms at XL; below it, the covering is not worth a flash.
COVER_HOME_FROM = 200


def parse_action(argv):
    """``['default.py', 'action=sync']`` → ``'sync'``; no argument → ``None`` (show the menu)."""
    for arg in argv[1:]:
        key, _, value = arg.partition('=')
        if key == 'action' and value:
            return value
    return None


def _engine(settings, progress=None, is_cancelled=None, still_owner=None, before_kodi_writes=None):
    is_cancelled = is_cancelled or ui.abort_requested
    return app.make_engine(settings, profile_dir(), JsonRpc(InKodiTransport()), progress, is_cancelled,
                           cancellable_sleep(is_cancelled), still_owner, before_kodi_writes)


def _take_sync_lock():
    """The sync lock, once the service (or another menu) has finished its sync; None when the user gave up
    waiting. Held only while both sides are read or written, never while a dialog waits for the user."""
    lock = SyncLock(profile_dir(), 'menu')
    if lock.try_acquire():
        return lock
    logger.info('another sync is running; this one waits for it')
    dialog = ui.ProgressDialog(ui.localize(HEADING), ui.localize(30032))
    try:
        taken = lock.acquire(ui.wait, lambda: dialog.cancelled() or ui.abort_requested())
    finally:
        dialog.close()
    return lock if taken else None


class MenuProgress(object):
    """The menu's progress dialog; its Cancel button (and Kodi quitting) cancels the sync. Before many watched
    states go into Kodi it puts the add-on's backdrop behind itself (ui.Backdrop), unless a video is playing."""

    def __init__(self):
        self._message = ui.localize(STAGES['trakt'])
        self._dialog = ui.ProgressDialog(ui.localize(HEADING), self._message)
        self._backdrop = None

    def update(self, stage, done, total):
        self._message = ui.localize(STAGES.get(stage, HEADING))
        self._dialog.update(done * 100.0 / total if total else 0, self._message)

    def cancelled(self):
        return self._dialog.cancelled() or ui.abort_requested()

    def before_kodi_writes(self, count):
        if count < COVER_HOME_FROM or self._backdrop is not None or self.cancelled() or ui.is_playing_video():
            return
        logger.info('{} watched states to write into Kodi: its home screen is covered meanwhile', count)
        self._dialog.close()
        try:
            self._backdrop = ui.Backdrop()
        except Exception as exc:   # only slower without it
            logger.warning('could not cover the home screen: {}', exc)
        finally:
            self._dialog = ui.ProgressDialog(ui.localize(HEADING), self._message)

    def close(self):
        self._dialog.close()
        if self._backdrop is not None:
            self._backdrop.close()


def _run_with_progress(settings, dry_run, clean=None):
    progress = []

    def make_progress():
        progress.append(MenuProgress())
        return progress[0]

    def cancelled():
        return bool(progress) and progress[0].cancelled()

    def make_engine(update, is_cancelled, still_owner):
        return _engine(settings, update, is_cancelled, still_owner, lambda count: progress[0].before_kodi_writes(count))

    # "Cancel" ends a trakt request in flight too
    result = SyncRunner(make_engine, JsonStore(profile_dir())).run(_take_sync_lock, make_progress, cancelled,
                                                                   dry_run=dry_run, clean=clean)
    if result is None:   # the user gave up waiting for another sync
        result = SyncResult(dry_run)
        result.status = 'cancelled'
    return result


def _report(result):
    if result.status == 'cancelled':
        return ui.localize(30024)
    if result.status == 'error':
        return ui.localize(30023, result.error)
    to_trakt, to_kodi = changes(result.applied)
    skipped = [ui.localize(30072, warning) for warning in result.warnings]
    if result.waiting_for_trakt:
        return '\n'.join([ui.localize(30074, result.waiting_for_trakt)] + skipped)
    if not to_kodi and not to_trakt:
        return '\n'.join([ui.localize(30021)] + skipped)
    return '\n'.join([ui.localize(30022, trakt=to_trakt, kodi=to_kodi)] + skipped)


def _needs_sign_in():
    if TokenStore(JsonStore(profile_dir())).signed_in():
        return False
    ui.ok(ui.localize(HEADING), ui.localize(30025))
    return True


def sync_now():
    settings = read_settings()
    if _needs_sign_in():
        return
    result = profiling.run('sync', lambda: _run_with_progress(settings, dry_run=False))
    ui.ok(ui.localize(HEADING), _report(result))


def preview():
    settings = read_settings()
    if _needs_sign_in():
        return
    result = _run_with_progress(settings, dry_run=True)
    if result.status != 'ok':
        ui.ok(ui.localize(HEADING), _report(result))
        return
    plan = result.plan
    lines = plan.summary() + result.streams.summary()
    examples = ([a.reason for a in plan.to_trakt_history_add] + [a.reason for a in plan.to_kodi]
                + [a.reason for a in plan.collection_add] + result.streams.examples())
    text = '\n'.join(lines + [''] + examples[:PREVIEW_LINES]) if lines else ui.localize(30031)
    ui.text_viewer(ui.localize(30013), text)


def _clean_question(settings, plan, collected):
    """Ask before removing anything; returns a CleanRequest, or None when the user said no."""
    movies = sum(1 for c in plan.clean_candidates if c.kind == 'movie')
    episodes = len(plan.clean_candidates) - movies
    if not ui.yesno(ui.localize(30033), ui.localize(30034, movies=movies, episodes=episodes)):
        return None
    percent = len(plan.clean_candidates) * 100.0 / collected if collected else 0.0
    approve = False
    if percent > settings.clean_threshold_percent:
        approve = ui.yesno(ui.localize(30033), ui.localize(30035, percent=int(round(percent)),
                                                            threshold=settings.clean_threshold_percent))
    return CleanRequest(confirmed=True, approve_over_threshold=approve)


def clean_now():
    settings = read_settings()
    if _needs_sign_in():
        return
    if not settings.clean_collection:
        ui.ok(ui.localize(30033), ui.localize(30037))
        return
    preview = _run_with_progress(settings, dry_run=True)
    if preview.status != 'ok':
        ui.ok(ui.localize(30033), _report(preview))
        return
    plan = preview.plan
    if plan.clean_blocked_reason:
        ui.ok(ui.localize(30033), ui.localize(30036, plan.clean_blocked_reason))
        return
    if not plan.clean_candidates:
        ui.ok(ui.localize(30033), ui.localize(30042))
        return
    request = _clean_question(settings, plan, preview.collected_on_trakt)
    if request is None:
        ui.ok(ui.localize(30033), ui.localize(30036, ui.localize(30043)))
        return
    result = _run_with_progress(settings, dry_run=False, clean=request)
    refused = (result.clean or {}).get('refused')
    ui.ok(ui.localize(30033), ui.localize(30036, refused) if refused else _report(result))


def restore_last_clean():
    settings = read_settings()
    if _needs_sign_in():
        return
    try:
        engine = _engine(settings)
        last = engine.last_clean()   # the signed-in account's: trakt may be asked which account that is
    except trakt_errors.TraktError as exc:   # no usable trakt app credentials, trakt unreachable
        ui.ok(ui.localize(30038), ui.localize(30023, exc.message))
        return
    if last is None:
        ui.ok(ui.localize(30038), ui.localize(30041))
        return
    if not ui.yesno(ui.localize(30038), ui.localize(30039, len(last['items']))):
        return
    lock = _take_sync_lock()
    if lock is None:
        return
    try:
        restored = engine.restore_last_clean()
    except trakt_errors.TraktError as exc:
        ui.ok(ui.localize(30038), ui.localize(30023, exc.message))
        return
    finally:
        lock.release()
    ui.ok(ui.localize(30038), ui.localize(30040, restored))


def authorize():
    settings = read_settings()
    try:
        client = app.make_trakt_client(settings, JsonStore(profile_dir()))
    except trakt_errors.TraktError as exc:
        ui.ok(ui.localize(30101), ui.localize(30029, exc.message))
        return
    dialog = None
    try:
        code = client.start_device_auth()
        dialog = ui.ProgressDialog(ui.localize(30101), ui.localize(30026, url=code.verification_url,
                                                                   code=code.user_code))

        def wait(seconds):
            left = code.seconds_left()
            dialog.update(100.0 * left / max(1, code.expires_in), '{}\n{}'.format(
                ui.localize(30026, url=code.verification_url, code=code.user_code),
                ui.localize(30027, seconds=left)))
            if ui.wait(seconds):
                raise trakt_errors.AuthorizationCancelled()

        client.poll_device_token(code, should_cancel=dialog.cancelled, sleep=wait)
        dialog.close()
        dialog = None
        # The account decides whose sync memory is used (traktsync.account): another account starts afresh.
        username = account.identify(client, TokenStore(JsonStore(profile_dir()))).get('username') or ''
        write_setting('username', username)
    except trakt_errors.AuthorizationCancelled:
        logger.info('authorization cancelled by the user')
        return
    except trakt_errors.TraktError as exc:
        ui.ok(ui.localize(30101), ui.localize(30029, exc.message))
        return
    finally:
        if dialog is not None:
            dialog.close()
    # The first sync, from here, has the menu's progress dialog and covers Kodi's home screen while it writes (the
    # service's would not); "no" leaves time to look at the settings first, the service syncs at its next time.
    if ui.yesno(ui.localize(30101), ui.localize(30107, username)):
        sync_now()


def sign_out():
    settings = read_settings()
    try:
        app.make_trakt_client(settings, JsonStore(profile_dir())).sign_out()
    except trakt_errors.ConfigurationError:
        TokenStore(JsonStore(profile_dir())).clear()
    write_setting('username', '')
    ui.notify(ui.localize(30030))


def show_status():
    ui.text_viewer(ui.localize(30045), status_text(JsonStore(profile_dir()), ui.localize))


MENU = (
    ('sync', 30010),
    ('preview', 30013),
    ('clean', 30033),
    ('restore', 30038),
    ('status', 30045),
    ('authorize', 30101),
    ('signout', 30105),
    ('settings', 30011),
)
ACTIONS = {
    'sync': sync_now,
    'preview': preview,
    'clean': clean_now,
    'restore': restore_last_clean,
    'status': show_status,
    'authorize': authorize,
    'signout': sign_out,
    'settings': ui.open_settings,
}


def choose_action():
    index = ui.select(ui.localize(HEADING), [ui.localize(label) for _, label in MENU])
    return MENU[index][0] if index >= 0 else None


def run(argv):
    kodi_log.install(read_settings().debug_logging)
    action = parse_action(argv) or choose_action()
    logger.info('menu action: {}', action)
    if action is None:
        return
    handler = ACTIONS.get(action)
    if handler is None:
        logger.warning('unknown action {}', action)
        return
    handler()
