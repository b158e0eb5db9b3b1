"""The add-on's one logging helper.

Messages carry the add-on id as prefix, are formatted lazily (only when the
level is enabled) and pass through a redaction step, so an access token, a
refresh token or a client secret never reaches a log file. The sink is
pluggable: inside Kodi it is ``xbmc.log`` (installed by ``traktsync.kodi.log``),
outside Kodi the standard ``logging`` module.
"""
import logging
import re

from traktsync import ADDON_ID

DEBUG, INFO, WARNING, ERROR = 0, 1, 2, 3
_LEVEL_NAMES = {DEBUG: 'debug', INFO: 'info', WARNING: 'warning', ERROR: 'error'}

_MASK = '<redacted>'
# Token-like values in JSON bodies, query strings and headers.
_PATTERNS = [
    re.compile(r'("(?:access_token|refresh_token|client_secret|code|device_code|token)"\s*:\s*")([^"]+)(")'),
    re.compile(r'((?:access_token|refresh_token|client_secret|device_code)=)([^&\s]+)()'),
    re.compile(r'((?:Authorization|authorization)["\']?\s*[:=]\s*["\']?Bearer\s+)([^\s"\',}]+)()'),
]
_secrets = set()


def add_secret(value):
    """Remember a secret so that it is masked wherever it appears in a message."""
    if value and len(str(value)) >= 6:
        _secrets.add(str(value))


def forget_secrets():
    _secrets.clear()


def redact(text):
    text = str(text)
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, _MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + _MASK + m.group(3), text)
    return text


def _stdlib_sink(level, message):
    logging.getLogger(ADDON_ID).log(
        {DEBUG: logging.DEBUG, INFO: logging.INFO, WARNING: logging.WARNING}.get(level, logging.ERROR), message)


class _State(object):
    sink = staticmethod(_stdlib_sink)
    min_level = INFO


_state = _State()


def set_sink(sink, min_level=INFO):
    """Route messages to ``sink(level, text)``; messages below ``min_level`` are dropped unformatted."""
    _state.sink = sink
    _state.min_level = min_level


def set_level(min_level):
    _state.min_level = min_level


def log(level, message, *args, **kwargs):
    if level < _state.min_level:
        return
    if args or kwargs:
        message = message.format(*args, **kwargs)
    _state.sink(level, '[{}] {}'.format(ADDON_ID, redact(message)))


def debug(message, *args, **kwargs):
    log(DEBUG, message, *args, **kwargs)


def info(message, *args, **kwargs):
    log(INFO, message, *args, **kwargs)


def warning(message, *args, **kwargs):
    log(WARNING, message, *args, **kwargs)


def error(message, *args, **kwargs):
    log(ERROR, message, *args, **kwargs)


def exception(message, *args, **kwargs):
    """``error`` followed by the traceback of the exception being handled (redacted like every message)."""
    import traceback
    error(message + '\n{}', *(args + (traceback.format_exc(),)), **kwargs)
