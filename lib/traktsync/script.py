"""The add-on menu (default.py) and ``RunScript(service.traktsync,action=…)``."""
from traktsync import logger
from traktsync.kodi import log as kodi_log
from traktsync.kodi import ui
from traktsync.kodi.settings import read_settings

MENU = (
    ('sync', 30010),
    ('settings', 30011),
)


def parse_action(argv):
    """``['default.py', 'action=sync']`` → ``'sync'``; no argument → ``None`` (show the menu)."""
    for arg in argv[1:]:
        key, _, value = arg.partition('=')
        if key == 'action' and value:
            return value
    return None


def choose_action():
    index = ui.select(ui.localize(30012), [ui.localize(label) for _, label in MENU])
    return MENU[index][0] if index >= 0 else None


def sync_now():
    ui.ok(ui.localize(30012), ui.localize(30013))


ACTIONS = {
    'sync': sync_now,
    'settings': ui.open_settings,
}


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
