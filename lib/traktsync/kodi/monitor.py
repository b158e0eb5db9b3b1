"""Kodi's monitor, forwarding Kodi's callbacks to a plain Python handler."""
from kodi_six import xbmc


class Monitor(xbmc.Monitor):
    """Calls ``handler.on_settings_changed()``, ``handler.on_scan_finished()`` and
    ``handler.on_notification(method, data)`` when Kodi reports them."""

    def __init__(self, handler):
        super(Monitor, self).__init__()
        self._handler = handler

    def onSettingsChanged(self):  # noqa: N802 (Kodi's name)
        self._handler.on_settings_changed()

    def onScanFinished(self, library):  # noqa: N802
        if library == 'video':
            self._handler.on_scan_finished()

    def onNotification(self, sender, method, data):  # noqa: N802
        self._handler.on_notification(method, data)
