"""What the status screen and the notifications say about syncs (pure: strings come through ``localize``).

``localize(string_id, *args, **kwargs)`` is ``traktsync.kodi.ui.localize`` in Kodi and a stand-in in tests.
"""
import calendar
import time

from traktsync.scrobble import DUPLICATE, FAILED, LAST_SCROBBLE, REFUSED, SENT
from traktsync.store import LAST_CHANGE, LAST_RESULT

LAST_ERROR = 'last-error.json'
HEADING = 30012
# engine progress stage -> string id shown in progress dialogs and bars
STAGES = {'trakt': 30014, 'kodi': 30015, 'kodi-write': 30016, 'trakt-history': 30017, 'trakt-unwatch': 30018,
          'trakt-collection': 30019, 'trakt-clean': 30020, 'writing': 30047}
STATUS_UNMATCHED_SHOWN = 20
# applied counter -> string id of its line on the status screen
APPLIED_LINES = (
    ('history_add_movies', 30061), ('history_add_episodes', 30062),
    ('history_remove_movies', 30063), ('history_remove_episodes', 30064),
    ('kodi_movies', 30065), ('kodi_episodes', 30066),
    ('collection_add_movies', 30067), ('collection_add_episodes', 30068),
    ('clean_movies', 30069), ('clean_episodes', 30070),
)


def changes(applied):
    """``(to_trakt, to_kodi)`` numbers of changes from a result's ``applied`` counters."""
    to_kodi = applied.get('kodi_movies', 0) + applied.get('kodi_episodes', 0)
    to_trakt = sum(number for name, number in applied.items() if not name.startswith('kodi_'))
    return to_trakt, to_kodi


def remember_error(store, message, now=None):
    """Keep the newest error with its time, so the status screen shows it after later successful syncs."""
    store.save(LAST_ERROR, {'at': _local_time(now), 'message': message})


def _local_time(now=None):
    return time.strftime('%Y-%m-%d %H:%M', time.localtime(now if now is not None else time.time()))


def _result_time(stamp):
    """trakt-style UTC ``2026-11-25T10:00:00.000Z`` as local time for people."""
    try:
        parsed = time.strptime(stamp[:19], '%Y-%m-%dT%H:%M:%S')
    except (TypeError, ValueError):
        return stamp or '?'

    return _local_time(calendar.timegm(parsed))


def status_text(store, localize):
    """The status screen: last sync, what it changed each way, unmatched items and why, the last error."""
    result = store.load(LAST_RESULT)
    error = store.load(LAST_ERROR)
    lines = []
    if not isinstance(result, dict):
        lines.append(localize(30051))
    else:
        status_names = {'ok': 30052, 'error': 30053, 'cancelled': 30054}
        lines.append(localize(30055, when=_result_time(result.get('finished_at')),
                              status=localize(status_names.get(result.get('status'), 30053)),
                              seconds=result.get('duration', 0)))
        if result.get('status') == 'error' and result.get('error'):
            lines.append(localize(30056, result['error']))
        for warning in result.get('warnings') or []:
            lines.append(localize(30072, warning))
        lines.extend(_applied_lines(result, localize) or [localize(30057)])
        if result.get('waiting_for_trakt'):
            lines.append(localize(30073, result['waiting_for_trakt']))
        lines.extend(_earlier_change_lines(result, store.load(LAST_CHANGE), localize))
        lines.extend(_unmatched_lines(result, localize))
        lines.extend(_odd_date_lines(result, localize))
    lines.extend(_scrobble_lines(store.load(LAST_SCROBBLE), localize))
    if isinstance(error, dict) and error.get('message'):
        lines.append('')
        lines.append(localize(30058, when=error.get('at', '?'), message=error['message']))
    return '\n'.join(lines)


SCROBBLE_OUTCOMES = {SENT: 30076, DUPLICATE: 30077, REFUSED: 30078, FAILED: 30079}


def _scrobble_lines(scrobble, localize):
    """The newest scrobble the player sent at a stop, or one trakt refused."""
    if not isinstance(scrobble, dict) or not scrobble.get('title') or scrobble.get('outcome') not in SCROBBLE_OUTCOMES:
        return []
    at = scrobble.get('at')
    when = _local_time(at) if isinstance(at, (int, float)) else '?'
    return ['', localize(30075, when=when, title=scrobble['title'], progress=scrobble.get('progress', 0),
                         outcome=localize(SCROBBLE_OUTCOMES[scrobble['outcome']], scrobble.get('message', '')))]


def _applied_lines(result, localize):
    applied = result.get('applied') or {}
    return ['- ' + localize(string_id, applied[name]) for name, string_id in APPLIED_LINES if applied.get(name)]


def _earlier_change_lines(result, last_change, localize):
    """What the newest sync that changed something did, when the last sync changed nothing itself."""
    if result.get('applied') or not isinstance(last_change, dict):
        return []
    return (['', localize(30046, when=_result_time(last_change.get('finished_at')))]
            + _applied_lines(last_change, localize))


def _unmatched_lines(result, localize):
    unmatched = result.get('unmatched') or []
    total = result.get('unmatched_total', len(unmatched))
    not_found = result.get('not_found') or []
    if not unmatched and not not_found:
        return []
    lines = ['', localize(30059, total + len(not_found))]
    for item in (list(not_found) + list(unmatched))[:STATUS_UNMATCHED_SHOWN]:
        lines.append('- {}: {}'.format(item.get('title') or item.get('file') or '?', item.get('reason') or '?'))
    more = total + len(not_found) - STATUS_UNMATCHED_SHOWN
    if more > 0:
        lines.append(localize(30060, more))
    return lines


def _odd_date_lines(result, localize):
    """Items that were synced without a date Kodi holds because it cannot be a real viewing."""
    odd = result.get('odd_dates') or []
    if not odd:
        return []
    lines = ['', localize(30071, len(odd))]
    for item in odd[:STATUS_UNMATCHED_SHOWN]:
        lines.append('- {}: {}'.format(item.get('title') or item.get('file') or '?', item.get('reason') or '?'))
    if len(odd) > STATUS_UNMATCHED_SHOWN:
        lines.append(localize(30060, len(odd) - STATUS_UNMATCHED_SHOWN))
    return lines
