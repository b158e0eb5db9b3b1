"""The four sync write endpoints: resolve a request body to catalog items, then apply it.

Every body is resolved completely (ids, dates) before anything changes, so a bad date or an
account limit rejects the whole request and loses nothing.
"""
from tools.trakt_emulator import timeutil
from tools.trakt_emulator.account import EPOCH, METADATA_KEYS


class BadRequest(Exception):
    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status
        self.message = message


class AccountLimit(Exception):
    pass


def _empty_not_found(with_ids=False):
    not_found = {'movies': [], 'shows': [], 'seasons': [], 'episodes': []}
    if with_ids:
        not_found['ids'] = []
    return not_found


def _list(body, key):
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRequest(400, '"{}" must be a list of objects'.format(key))
    return value


def _fields(item, inherited):
    """Dates and metadata set on this level override the ones of the enclosing show or season."""
    merged = dict(inherited)
    for key in ('watched_at', 'collected_at') + METADATA_KEYS:
        if key in item:
            merged[key] = item[key]
    return merged


def resolve(body, index):
    """``(targets, not_found)``: targets are ``(kind, trakt_id, fields)``, one per item occurrence."""
    if not isinstance(body, dict):
        raise BadRequest(400, 'the body must be a JSON object')
    targets, not_found = [], _empty_not_found()
    for item in _list(body, 'movies'):
        movie = index.find_movie(item)
        if movie is None:
            not_found['movies'].append(item)
        else:
            targets.append(('movie', movie['ids']['trakt'], _fields(item, {})))
    for item in _list(body, 'shows'):
        show = index.find_show(item)
        if show is None:
            not_found['shows'].append(item)
            continue
        missing = _resolve_show_seasons(item, show, index, targets)
        if missing:
            partial = {key: value for key, value in item.items() if key != 'seasons'}
            partial['seasons'] = missing
            not_found['shows'].append(partial)
    for item in _list(body, 'seasons'):
        found = index.find_season(item)
        if found is None:
            not_found['seasons'].append(item)
            continue
        show, season = found
        fields = _fields(item, {})
        for episode in season.get('episodes', []):
            targets.append(('episode', episode['ids']['trakt'], fields))
    for item in _list(body, 'episodes'):
        found = index.find_episode(item)
        if found is None:
            not_found['episodes'].append(item)
        else:
            targets.append(('episode', found[2]['ids']['trakt'], _fields(item, {})))
    return targets, not_found


def _resolve_show_seasons(item, show, index, targets):
    show_fields = _fields(item, {})
    if item.get('seasons') is None:
        for season in show.get('seasons', []):
            for episode in season.get('episodes', []):
                targets.append(('episode', episode['ids']['trakt'], show_fields))
        return []
    if not isinstance(item['seasons'], list):
        raise BadRequest(400, '"seasons" must be a list')
    missing = []
    for season_item in item['seasons']:
        if not isinstance(season_item, dict):
            raise BadRequest(400, 'every season must be an object with a "number"')
        season = index.season_of(show, season_item.get('number'))
        if season is None:
            missing.append(season_item)
            continue
        season_fields = _fields(season_item, show_fields)
        if season_item.get('episodes') is None:
            for episode in season.get('episodes', []):
                targets.append(('episode', episode['ids']['trakt'], season_fields))
            continue
        by_number = {episode['number']: episode for episode in season.get('episodes', [])}
        missing_episodes = []
        for episode_item in season_item['episodes']:
            if not isinstance(episode_item, dict):
                raise BadRequest(400, 'every episode must be an object with a "number"')
            episode = by_number.get(episode_item.get('number'))
            if episode is None:
                missing_episodes.append(episode_item)
            else:
                targets.append(('episode', episode['ids']['trakt'], _fields(episode_item, season_fields)))
        if missing_episodes:
            missing.append(dict(season_item, episodes=missing_episodes))
    return missing


def _date(fields, key, kind, trakt_id, account):
    value = fields.get(key)
    if value is None:
        return timeutil.now_minute(account.clock)
    if value == 'released':
        return _release_date(kind, trakt_id, account.index)
    if value == 'unknown':
        # trakt keeps such plays without a date; the emulator files them at the epoch.
        return EPOCH
    try:
        return timeutil.to_minute(value)
    except timeutil.BadTimestamp as error:
        raise BadRequest(422, '{}: {}'.format(key, error)) from None


def _release_date(kind, trakt_id, index):
    # The catalog has years only: the first of January of the movie's or show's year stands in.
    if kind == 'movie':
        year = index.movie_by_trakt[trakt_id].get('year') or 1970
    else:
        year = index.episode_by_trakt[trakt_id][0].get('year') or 1970
    return '{:04d}-01-01T00:00:00.000Z'.format(year)


def _count_key(kind):
    return 'movies' if kind == 'movie' else 'episodes'


def _without_last(entries, drop):
    """``entries`` less the last ``drop`` of them (an injected ``partial`` fault: trakt keeps fewer)."""
    return entries[:max(0, len(entries) - drop)] if drop else entries


def history_add(account, body, limits, drop=0):
    targets, not_found = resolve(body, account.index)
    plays = [(kind, trakt_id, _date(fields, 'watched_at', kind, trakt_id, account))
             for kind, trakt_id, fields in targets]
    plays = _without_last(plays, drop)
    cap = (limits.get('history') or {}).get('item_count')
    if cap is not None and len(account.data['plays']) + len(plays) > cap:
        raise AccountLimit()
    added = {'movies': 0, 'episodes': 0}
    for kind, trakt_id, watched_at in plays:
        account.add_play(kind, trakt_id, watched_at, touch=False)
        added[_count_key(kind)] += 1
    account.touch(*[(key, 'watched_at') for key in ('movies', 'episodes') if added[key]])
    return {'added': added, 'updated': {'movies': 0, 'episodes': 0}, 'not_found': not_found}


def history_remove(account, body):
    targets, not_found = resolve(body, account.index)
    not_found['ids'] = []
    history_ids = body.get('ids') or []
    if not isinstance(history_ids, list):
        raise BadRequest(400, '"ids" must be a list of history ids')
    wanted_items = set((kind, trakt_id) for kind, trakt_id, _ in targets)
    wanted_ids = set()
    known_ids = set(play['id'] for play in account.data['plays'])
    for history_id in history_ids:
        if isinstance(history_id, int) and history_id in known_ids:
            wanted_ids.add(history_id)
        else:
            not_found['ids'].append(history_id)
    removed = account.remove_plays(
        lambda play: play['id'] in wanted_ids or (play['type'], play['trakt_id']) in wanted_items)
    deleted = {'movies': 0, 'episodes': 0}
    for play in removed:
        deleted[_count_key(play['type'])] += 1
    account.touch(*[(key, 'watched_at') for key in ('movies', 'episodes') if deleted[key]])
    return {'deleted': deleted, 'not_found': not_found}


def _counts():
    return {'movies': 0, 'shows': 0, 'seasons': 0, 'episodes': 0}


def collection_add(account, body, limits, drop=0):
    targets, not_found = resolve(body, account.index)
    entries = []
    for kind, trakt_id, fields in targets:
        metadata = {key: fields.get(key) for key in METADATA_KEYS}
        entries.append((kind, trakt_id, _date(fields, 'collected_at', kind, trakt_id, account), metadata))
    entries = _without_last(entries, drop)
    new_keys = set((kind, trakt_id) for kind, trakt_id, _, _ in entries
                   if str(trakt_id) not in account.data['collection'][kind])
    cap = (limits.get('collection') or {}).get('item_count')
    if cap is not None and account.collection_size() + len(new_keys) > cap:
        raise AccountLimit()
    result = {'added': _counts(), 'updated': _counts(), 'existing': _counts()}
    changed = set()
    for kind, trakt_id, collected_at, metadata in entries:
        outcome = account.collect(kind, trakt_id, collected_at, metadata, touch=False)
        result[outcome][_count_key(kind)] += 1
        if outcome != 'existing':
            changed.add(kind)
    account.touch(*[(kind + 's', 'collected_at') for kind in sorted(changed)])
    result['not_found'] = not_found
    result['list'] = {'updated_at': account.data['activities']['all'], 'item_count': account.collection_size()}
    return result


def collection_remove(account, body):
    targets, not_found = resolve(body, account.index)
    deleted = _counts()
    changed = set()
    for kind, trakt_id in sorted(set((kind, trakt_id) for kind, trakt_id, _ in targets)):
        if account.uncollect(kind, trakt_id):
            deleted[_count_key(kind)] += 1
            changed.add(kind)
    account.touch(*[(kind + 's', 'collected_at') for kind in sorted(changed)])
    return {'deleted': deleted, 'not_found': not_found,
            'list': {'updated_at': account.data['activities']['all'], 'item_count': account.collection_size()}}
