"""Plays doubled by two writers at the same moment (docs/design.md, "Several writers").

Two Kodi boxes on one shared library can plan the same viewing at the same moment: each reads trakt before the
other wrote, so both send it. Both send Kodi's shared ``lastplayed``, so a doubled viewing is two plays of one item
in the same minute (trakt keeps minutes). After sending plays, a box reads trakt's history for the days of the
plays it sent and removes, among the plays of a sent item in a sent minute, every one but the lowest history id.
Every box removes the same plays (a play removed twice is removed once), and the box whose plays reached trakt
last checks after both arrived, so one viewing ends as one play whatever the timing.

Pure: the engine reads the history and sends the removal.
"""
from datetime import timedelta

from traktsync.model import EPISODE, MOVIE, parse_utc, to_minute

SECTIONS = {MOVIE: 'movies', EPISODE: 'episodes'}
# trakt may read the day bounds in the account's time zone: a day more on each side never misses a play.
WINDOW_MARGIN = timedelta(days=1)
_ID_NAMES = ('trakt', 'imdb', 'tmdb', 'tvdb')


def _minute(value):
    try:
        return to_minute(parse_utc(value))
    except (TypeError, ValueError):   # 'unknown', 'released', garbage: no minute to compare
        return None


def _ids(ids):
    return set((name, str(ids[name])) for name in _ID_NAMES if isinstance(ids, dict) and ids.get(name))


def window(items):
    """``{kind: (start_at, end_at)}`` (``YYYY-MM-DD``) covering the plays sent of each kind (client items with
    ``watched_at``); kinds without a dated play are left out."""
    days = {}
    for item in items:
        minute = _minute(item.get('watched_at'))
        if minute is not None:
            days.setdefault(item['type'], []).append(minute)
    return {kind: ((min(times) - WINDOW_MARGIN).strftime('%Y-%m-%d'),
                   (max(times) + WINDOW_MARGIN).strftime('%Y-%m-%d'))
            for kind, times in days.items()}


def _matches(item, entry):
    """Whether a history entry is a play of the sent client item."""
    if item['type'] == MOVIE:
        return entry.get('type') == MOVIE and bool(_ids(item.get('ids')) & _ids((entry.get('movie') or {}).get('ids')))
    if entry.get('type') != EPISODE:
        return False
    episode = entry.get('episode') or {}
    if item.get('show_ids') is None:
        return bool(_ids(item.get('ids')) & _ids(episode.get('ids')))
    return (episode.get('season') == item.get('season') and episode.get('number') == item.get('number')
            and bool(_ids(item['show_ids']) & _ids((entry.get('show') or {}).get('ids'))))


def doubled(sent, history):
    """The history ids to remove: for each play in ``sent`` (client items), the plays of its item in its minute
    in ``history`` (``GET /sync/history`` entries) but the one with the lowest id. Sorted; empty when nothing is
    doubled. Plays of other items or at other minutes are never touched."""
    by_minute = {}
    for entry in history:
        if isinstance(entry, dict) and isinstance(entry.get('id'), int):
            minute = _minute(entry.get('watched_at'))
            if minute is not None:
                by_minute.setdefault(minute, []).append(entry)
    remove = set()
    for item in sent:
        minute = _minute(item.get('watched_at'))
        same = sorted(entry['id'] for entry in by_minute.get(minute, ()) if _matches(item, entry))
        remove.update(same[1:])
    return sorted(remove)
