"""Routes the add-on's logger to Kodi's log."""
from kodi_six import xbmc

from traktsync import logger

_KODI_LEVELS = {logger.DEBUG: xbmc.LOGDEBUG, logger.INFO: xbmc.LOGINFO,
                logger.WARNING: xbmc.LOGWARNING, logger.ERROR: xbmc.LOGERROR}


def _kodi_sink(level, message):
    # Our debug lines are written at INFO once the user turned on the add-on's
    # debug logging, so they show up without switching Kodi itself to debug.
    xbmc.log(message, _KODI_LEVELS.get(level, xbmc.LOGINFO) if level != logger.DEBUG else xbmc.LOGINFO)


def install(debug_logging=False):
    logger.set_sink(_kodi_sink, logger.DEBUG if debug_logging else logger.INFO)
