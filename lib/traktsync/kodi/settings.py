"""Reads the add-on settings from Kodi into a ``traktsync.settings.Settings`` snapshot."""
from kodi_six import xbmcaddon

from traktsync import ADDON_ID
from traktsync.settings import Settings


def read_settings():
    addon = xbmcaddon.Addon(ADDON_ID)
    return Settings.read(addon.getSettingBool, addon.getSettingInt, addon.getSettingString)


def write_setting(setting_id, value):
    addon = xbmcaddon.Addon(ADDON_ID)
    if isinstance(value, bool):
        addon.setSettingBool(setting_id, value)
    elif isinstance(value, int):
        addon.setSettingInt(setting_id, value)
    else:
        addon.setSettingString(setting_id, value)


def profile_dir():
    """The add-on's folder in the Kodi profile (special://profile/addon_data/service.traktsync/)."""
    from kodi_six import xbmcvfs
    return xbmcvfs.translatePath(xbmcaddon.Addon(ADDON_ID).getAddonInfo('profile'))
