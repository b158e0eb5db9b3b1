# Sets a setting of another add-on the way Kodi's settings dialog does, so that add-on's onSettingsChanged runs.
# argv: addon id, setting id, bool|int|str, value
import sys

import xbmc
import xbmcaddon

addon_id, setting_id, kind, value = sys.argv[1:5]
addon = xbmcaddon.Addon(addon_id)
if kind == 'bool':
    addon.setSettingBool(setting_id, value == 'true')
elif kind == 'int':
    addon.setSettingInt(setting_id, int(value))
else:
    addon.setSettingString(setting_id, value)
xbmc.log('[setter] {} {} = {}'.format(addon_id, setting_id, value), xbmc.LOGINFO)
