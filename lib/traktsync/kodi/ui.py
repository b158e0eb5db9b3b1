"""Dialogs, notifications and localized strings."""
from kodi_six import xbmc, xbmcaddon, xbmcgui

from traktsync import ADDON_ID


def localize(string_id, *args, **kwargs):
    text = xbmcaddon.Addon(ADDON_ID).getLocalizedString(string_id)
    return text.format(*args, **kwargs) if (args or kwargs) else text


def addon_name():
    return xbmcaddon.Addon(ADDON_ID).getAddonInfo('name')


def select(heading, options):
    """Show a list; return the chosen index, or -1 when the user backs out."""
    return xbmcgui.Dialog().select(heading, options)


def yesno(heading, message):
    return bool(xbmcgui.Dialog().yesno(heading, message))


def ok(heading, message):
    xbmcgui.Dialog().ok(heading, message)


def notify(message, error=False, milliseconds=5000):
    icon = xbmcgui.NOTIFICATION_ERROR if error else xbmcaddon.Addon(ADDON_ID).getAddonInfo('icon')
    xbmcgui.Dialog().notification(addon_name(), message, icon, milliseconds)


def open_settings():
    xbmcaddon.Addon(ADDON_ID).openSettings()


def is_playing_video():
    return bool(xbmc.Player().isPlayingVideo())


class ProgressDialog(object):
    """A cancellable progress dialog (``background=True``: the small bar in a corner, which cannot cancel)."""

    def __init__(self, heading, message='', background=False):
        self._dialog = xbmcgui.DialogProgressBG() if background else xbmcgui.DialogProgress()
        self._background = background
        self._dialog.create(heading, message)

    def update(self, percent, message):
        percent = max(0, min(100, int(percent)))
        if self._background:
            self._dialog.update(percent, message=message)
        else:
            self._dialog.update(percent, message)

    def cancelled(self):
        return False if self._background else bool(self._dialog.iscanceled())

    def close(self):
        self._dialog.close()


class Backdrop(object):
    """A full-screen window of the add-on's fanart, dimmed. Shown behind a long sync's progress dialog, it keeps
    Kodi's home screen from being the active window: while it is, Kodi re-reads its widgets (and the home screen's
    totals) from the library after every watched state written, which doubled Kodi's cost per write and grew with
    the library (docs/performance.md, "Round 8"). Kodi refuses to open a window over a modal dialog: it goes up
    while the progress dialog is closed."""

    def __init__(self):
        self._window = xbmcgui.Window()
        fanart = xbmcaddon.Addon(ADDON_ID).getAddonInfo('fanart')
        self._window.addControl(xbmcgui.ControlImage(0, 0, self._window.getWidth(), self._window.getHeight(), fanart,
                                                     aspectRatio=1, colorDiffuse='FF505050'))
        self._window.show()

    def close(self):
        self._window.close()


def abort_requested():
    return bool(xbmc.Monitor().abortRequested())


def wait(seconds):
    """Sleep, but wake at once when Kodi is quitting; True when Kodi is quitting."""
    return xbmc.Monitor().waitForAbort(seconds)


def text_viewer(heading, text):
    xbmcgui.Dialog().textviewer(heading, text)
