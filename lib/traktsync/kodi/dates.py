"""Kodi's library dates <-> trakt's UTC times.

Kodi stores ``lastplayed`` and ``dateadded`` as local wall-clock text (``'YYYY-MM-DD HH:MM:SS'``) without a zone;
trakt wants UTC. The conversion goes through the C library (``time.mktime``/``time.localtime``) so it uses the
system time zone with the DST rule of that date, not of today. Anything Kodi may hold that is not a date (``''``,
``'0000-00-00 00:00:00'``, a date-only value of an old database, garbage) reads as "unknown" (``None``).
"""
import re
import time
from datetime import datetime, timedelta, timezone

_KODI_DATE = re.compile(r'^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*$')
KODI_FORMAT = '%Y-%m-%d %H:%M:%S'


def kodi_to_utc(text):
    """Kodi's local ``'YYYY-MM-DD HH:MM:SS'`` as an aware UTC datetime; ``None`` when empty or not a real date."""
    if not text or not isinstance(text, str):
        return None
    match = _KODI_DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        # datetime() rejects day 31 of April etc., which mktime would silently roll into the next month.
        datetime(year, month, day, hour, minute, second)
        epoch = time.mktime((year, month, day, hour, minute, second, 0, 0, -1))
        return datetime.fromtimestamp(epoch, timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


EARLIEST_PLAY = datetime(1900, 1, 1, tzinfo=timezone.utc)


def implausible_play(text, value, now=None):
    """Why Kodi's ``lastplayed`` (its ``text`` and ``value``, the aware UTC time read from it) cannot be a real
    viewing -- before 1900 or after tomorrow -- or None when it can (or is unknown). Such a date is dropped: the
    play goes without a time. Year 1 may have no UTC time at all (``value`` None): its text still tells."""
    if value is None:
        match = _KODI_DATE.match(text) if isinstance(text, str) else None
        return 'before 1900' if match and 0 < int(match.group(1)) < 1900 else None
    if value < EARLIEST_PLAY:
        return 'before 1900'
    latest = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc) + timedelta(days=1)
    if value > latest:
        return 'in the future'
    return None


def utc_to_kodi(value):
    """An aware datetime as Kodi's local ``'YYYY-MM-DD HH:MM:SS'``; ``None`` gives ``''`` (Kodi: no date)."""
    if value is None:
        return ''
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return time.strftime(KODI_FORMAT, time.localtime(value.timestamp()))
