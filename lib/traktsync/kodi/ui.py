"""Dialogs, notifications and localized strings."""
from kodi_six import xbmc, xbmcaddon, xbmcgui

from traktsync import ADDON_ID


def localize(string_id, *args, **kwargs):
    text = xbmcaddon.Addon(ADDON_ID).getLocalizedString(string_id)
    return text.format(*args, **kwargs) if (args or kwargs) else text


def addon_name():
    return xbmcaddon.Addon(ADDON_ID).getAddonInfo('name')


def addon_version():
    return xbmcaddon.Addon(ADDON_ID).getAddonInfo('version')


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
