"""Kodi's local library dates to and from trakt's UTC times, in several system time zones."""
import time
from datetime import datetime, timezone

import pytest

from traktsync.kodi.dates import kodi_to_utc, utc_to_kodi

pytestmark = pytest.mark.skipif(not hasattr(time, 'tzset'), reason='time.tzset is needed to switch the time zone')


@pytest.fixture
def zone(monkeypatch):
    def use(name):
        monkeypatch.setenv('TZ', name)
        time.tzset()
    yield use
    monkeypatch.undo()
    time.tzset()


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize('name, local, expected', [
    ('UTC', '2024-05-01 20:15:00', utc(2024, 5, 1, 20, 15)),
    ('Europe/Berlin', '2024-01-15 12:00:00', utc(2024, 1, 15, 11, 0)),      # CET, +1
    ('Europe/Berlin', '2024-07-15 12:00:00', utc(2024, 7, 15, 10, 0)),      # CEST, +2: the date's rule, not today's
    ('America/New_York', '2024-03-10 01:30:00', utc(2024, 3, 10, 6, 30)),   # just before the spring jump
    ('America/New_York', '2024-03-10 03:30:00', utc(2024, 3, 10, 7, 30)),   # just after it
    ('Asia/Kolkata', '2023-12-31 23:59:59', utc(2023, 12, 31, 18, 29, 59)),  # half-hour offset, across a year
    ('Australia/Sydney', '2024-01-01 00:30:00', utc(2023, 12, 31, 13, 30)),  # southern summer time
])
def test_local_kodi_time_becomes_the_utc_instant(zone, name, local, expected):
    zone(name)
    assert kodi_to_utc(local) == expected


@pytest.mark.parametrize('name', ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'])
def test_utc_written_to_kodi_reads_back_as_the_same_instant(zone, name):
    zone(name)
    for instant in (utc(2024, 1, 15, 11, 0), utc(2024, 7, 15, 10, 0, 59), utc(2024, 11, 3, 5, 30),
                    utc(1999, 12, 31, 23, 59)):
        text = utc_to_kodi(instant)
        assert kodi_to_utc(text) == instant, (name, instant, text)


def test_utc_is_written_as_local_wall_clock(zone):
    zone('Europe/Berlin')
    assert utc_to_kodi(utc(2024, 7, 15, 10, 0)) == '2024-07-15 12:00:00'
    assert utc_to_kodi(utc(2024, 1, 15, 10, 0)) == '2024-01-15 11:00:00'
    zone('America/New_York')
    assert utc_to_kodi(utc(2024, 7, 15, 10, 0)) == '2024-07-15 06:00:00'


def test_no_time_is_written_as_kodis_empty_date():
    assert utc_to_kodi(None) == ''


def test_a_date_without_time_is_local_midnight(zone):
    zone('Europe/Berlin')
    assert kodi_to_utc('2024-05-01') == utc(2024, 4, 30, 22, 0)


@pytest.mark.parametrize('value', [
    '', None, '0000-00-00 00:00:00', '2024-13-01 10:00:00', '2024-02-30 10:00:00', '2024-04-31 00:00:00',
    '2024-05-01 25:00:00', '2024-05-01 10:61:00', 'yesterday', '01.05.2024 10:00', 12345, '2024-05-01T10:00:00Z',
])
def test_invalid_kodi_dates_are_unknown_not_a_crash(zone, value):
    zone('Europe/Berlin')
    assert kodi_to_utc(value) is None
