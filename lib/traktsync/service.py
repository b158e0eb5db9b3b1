"""The background service: starts with Kodi, leaves within a second of Kodi's shutdown."""
from traktsync import logger
from traktsync.kodi import log as kodi_log
from traktsync.kodi.monitor import Monitor
from traktsync.kodi.settings import read_settings
from traktsync.version import VERSION

# waitForAbort returns as soon as Kodi asks us to stop; the tick only bounds
# how late a timer-driven job may start.
TICK_SECONDS = 1.0


class Service(object):

    def __init__(self):
        self.settings = read_settings()
        kodi_log.install(self.settings.debug_logging)
        self.monitor = Monitor(self)

    def on_settings_changed(self):
        self.settings = read_settings()
        kodi_log.install(self.settings.debug_logging)
        logger.debug('settings reloaded')

    def on_scan_finished(self):
        logger.debug('video library scan finished')

    def on_notification(self, method, data):
        logger.debug('notification {}', method)

    def run(self):
        logger.info('service {} started', VERSION)
        while not self.monitor.abortRequested():
            if self.monitor.waitForAbort(TICK_SECONDS):
                break
        logger.info('service {} stopped', VERSION)


def run():
    Service().run()
