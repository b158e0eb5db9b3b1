"""UTC timestamps the way trakt writes them: ``YYYY-MM-DDTHH:MM:SS.000Z``.

trakt keeps plays and collection dates at minute precision only (maintainer in
trakt/trakt-api#876), so :func:`to_minute` drops seconds and milliseconds of every
incoming ``watched_at``/``collected_at``; clients must compare at that precision.
"""
import calendar
import re
import time
from datetime import datetime, timedelta, timezone

_ISO = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?'
                  r'\s*(Z|z|[+-]\d{2}:?\d{2})?$')


class BadTimestamp(ValueError):
    pass


def parse(text):
    """An aware UTC datetime from ISO-8601 text with or without seconds, fraction, ``Z`` or an offset."""
    match = _ISO.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise BadTimestamp('not an ISO-8601 date/time: {!r}'.format(text))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                         int((fraction or '0')[:6].ljust(6, '0')), tzinfo=timezone.utc)
    except ValueError as error:
        raise BadTimestamp('not a valid date/time: {!r} ({})'.format(text, error)) from None
    if zone and zone not in ('Z', 'z'):
        sign = 1 if zone[0] == '+' else -1
        digits = zone[1:].replace(':', '')
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def format_utc(value):
    return value.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def to_minute(text):
    """Normalise incoming text to trakt's stored form: UTC, seconds and milliseconds zeroed."""
    return format_utc(parse(text).replace(second=0, microsecond=0))


def from_epoch(seconds):
    return format_utc(datetime.fromtimestamp(int(seconds), tz=timezone.utc))


def to_epoch(text):
    return calendar.timegm(parse(text).utctimetuple())


def now_minute(clock=time.time):
    """Now (from ``clock``, epoch seconds) at minute precision."""
    return to_minute(from_epoch(clock()))


def now_second(clock=time.time):
    """Now (from ``clock``, epoch seconds) at second precision."""
    return from_epoch(clock())


class ManualClock(object):
    """A clock for ``Emulator(clock=...)`` that moves only when told: ``clock()`` is epoch seconds."""

    def __init__(self, start=None):
        self.now = float(time.time() if start is None else (to_epoch(start) if isinstance(start, str) else start))

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds
        return self.now
