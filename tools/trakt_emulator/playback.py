"""Scrobbles, playback progress (resume points) and ratings, with trakt's rules.

- ``/scrobble/start`` sets "watching now" and drops a saved progress of the item; ``pause`` saves the progress;
  ``stop`` at >= 80 % records a play (history action ``scrobble``), at 1-79 % saves the progress like a pause, and
  below 1 % answers 422 and is ignored. A stop >= 80 % for an item scrobbled less than ``window`` seconds ago
  answers 409 with ``watched_at`` (that scrobble) and ``expires_at`` (when it can be scrobbled again).
- ``/sync/playback``: the saved progress per item, newest first; ``DELETE /sync/playback/{id}``.
- ``/sync/ratings``: one rating (1-10) per movie, show or episode, with ``rated_at``.

Callers hold the emulator's lock; state lives in the account's dict so the CLI's state file keeps it.
"""
from tools.trakt_emulator import timeutil
from tools.trakt_emulator.catalog_index import episode_summary, movie_summary, show_summary
from tools.trakt_emulator.sync_writes import BadRequest

SCROBBLE_WINDOW_SECONDS = 3600
PLAY_THRESHOLD = 80.0
PAUSE_FLOOR = 1.0
RATED_KINDS = ('movie', 'show', 'episode')


def _state(account):
    data = account.data
    data.setdefault('playback', [])
    data.setdefault('next_playback_id', 1)
    data.setdefault('scrobbled', {})
    data.setdefault('ratings', {})
    return data


def _find_item(account, body):
    """``(kind, trakt_id)`` of a scrobble body's ``movie`` or ``episode`` (by its ids, or ``show`` + season and
    number), or None."""
    index = account.index
    if isinstance(body.get('movie'), dict):
        movie = index.find_movie(body['movie'])
        return ('movie', movie['ids']['trakt']) if movie else None
    episode = body.get('episode')
    if not isinstance(episode, dict):
        raise BadRequest(400, 'send a "movie" or an "episode"')
    if episode.get('ids'):
        found = index.find_episode(episode)
        if found is not None:
            return 'episode', found[2]['ids']['trakt']
    if isinstance(body.get('show'), dict):
        show = index.find_show(body['show'])
        season = index.season_of(show, episode.get('season')) if show else None
        for candidate in (season or {}).get('episodes', []):
            if candidate['number'] == episode.get('number'):
                return 'episode', candidate['ids']['trakt']
    return None


def _summary(account, kind, trakt_id):
    index = account.index
    if kind == 'movie':
        return {'movie': movie_summary(index.movie_by_trakt[trakt_id])}
    if kind == 'show':
        return {'show': show_summary(index.show_by_trakt[trakt_id], index)}
    show, season_number, episode = index.episode_by_trakt[trakt_id]
    return {'episode': episode_summary(season_number, episode), 'show': show_summary(show, index)}


def _key(kind, trakt_id):
    return '{}:{}'.format(kind, trakt_id)


def _progress(body):
    progress = body.get('progress')
    if isinstance(progress, bool) or not isinstance(progress, (int, float)) or not 0 <= progress <= 100:
        raise BadRequest(400, '"progress" must be a number from 0 to 100')
    return float(progress)


def _drop_progress(data, kind, trakt_id):
    data['playback'] = [p for p in data['playback'] if (p['type'], p['trakt_id']) != (kind, trakt_id)]


def _save_progress(account, data, kind, trakt_id, progress):
    _drop_progress(data, kind, trakt_id)
    playback_id = data['next_playback_id']
    data['next_playback_id'] += 1
    data['playback'].append({'id': playback_id, 'type': kind, 'trakt_id': trakt_id, 'progress': progress,
                             'paused_at': timeutil.now_second(account.clock)})
    account.touch((kind + 's', 'paused_at'))
    return playback_id


def scrobble(account, verb, body, window=SCROBBLE_WINDOW_SECONDS):
    """``(status, answer)`` of ``POST /scrobble/{verb}``."""
    if not isinstance(body, dict):
        raise BadRequest(400, 'the body must be a JSON object')
    progress = _progress(body)
    found = _find_item(account, body)
    if found is None:
        return 404, {'error': 'item not found'}
    kind, trakt_id = found
    data = _state(account)
    answer = {'id': 0, 'action': verb, 'progress': progress,
              'sharing': {'twitter': False, 'mastodon': False, 'tumblr': False}}
    answer.update(_summary(account, kind, trakt_id))
    if verb == 'start':
        _drop_progress(data, kind, trakt_id)
        return 201, answer
    if verb == 'stop' and progress < PAUSE_FLOOR:
        return 422, {'error': 'progress below 1 %: the scrobble is ignored'}
    if verb == 'pause' or progress < PLAY_THRESHOLD:
        answer.update(action='pause', id=_save_progress(account, data, kind, trakt_id, progress))
        return 201, answer
    now = account.clock()
    last = data['scrobbled'].get(_key(kind, trakt_id))
    if last is not None and now < timeutil.to_epoch(last['expires_at']):
        return 409, {'watched_at': last['watched_at'], 'expires_at': last['expires_at']}
    watched_at = timeutil.now_second(account.clock)
    answer.update(action='scrobble', id=account.add_play(kind, trakt_id, watched_at, action='scrobble'))
    data['scrobbled'][_key(kind, trakt_id)] = {'watched_at': watched_at,
                                               'expires_at': timeutil.from_epoch(now + window)}
    _drop_progress(data, kind, trakt_id)
    return 201, answer


def playback(account, kind=None):
    """``GET /sync/playback[/movies|/episodes]``: saved progress, newest first."""
    wanted = {None: None, 'movies': 'movie', 'episodes': 'episode'}[kind]
    items = []
    for entry in _state(account)['playback']:
        if wanted not in (None, entry['type']):
            continue
        item = {'progress': entry['progress'], 'paused_at': entry['paused_at'], 'id': entry['id'],
                'type': entry['type']}
        item.update(_summary(account, entry['type'], entry['trakt_id']))
        items.append(item)
    return sorted(items, key=lambda item: (item['paused_at'], item['id']), reverse=True)


def delete_playback(account, playback_id):
    """``DELETE /sync/playback/{id}``: whether there was such a saved progress."""
    data = _state(account)
    kept = [p for p in data['playback'] if p['id'] != playback_id]
    found = len(kept) < len(data['playback'])
    data['playback'] = kept
    return found


def _rated_items(account, body):
    """``([(kind, trakt_id, item)], not_found)`` for a ratings body of movies, shows and episodes; a show with
    ``seasons`` rates the episodes listed under them (each with its own ``rating``), as trakt does."""
    if not isinstance(body, dict):
        raise BadRequest(400, 'the body must be a JSON object')
    index = account.index
    found, not_found = [], {'movies': [], 'shows': [], 'seasons': [], 'episodes': []}
    for section, kind, finder in (('movies', 'movie', index.find_movie), ('shows', 'show', index.find_show),
                                  ('episodes', 'episode', index.find_episode)):
        items = body.get(section) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise BadRequest(400, '"{}" must be a list of objects'.format(section))
        for item in items:
            match = finder(item)
            if match is None:
                not_found[section].append(item)
                continue
            if kind == 'show' and item.get('seasons'):
                found.extend(_rated_episodes(index, match, item, not_found))
                continue
            trakt_id = match[2]['ids']['trakt'] if kind == 'episode' else match['ids']['trakt']
            found.append((kind, trakt_id, item))
    return found, not_found


def _rated_episodes(index, show, item, not_found):
    found = []
    for season in item['seasons']:
        known = index.season_of(show, season.get('number')) if isinstance(season, dict) else None
        for episode in (season.get('episodes') or []) if isinstance(season, dict) else []:
            match = [e for e in (known or {}).get('episodes', []) if e['number'] == episode.get('number')]
            if not match:
                not_found['episodes'].append(episode)
                continue
            found.append(('episode', match[0]['ids']['trakt'], episode))
    return found


def add_ratings(account, body):
    found, not_found = _rated_items(account, body)
    for _kind, _trakt_id, item in found:
        rating = item.get('rating')
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 10:
            raise BadRequest(422, '"rating" must be a whole number from 1 to 10')
    ratings = _state(account)['ratings']
    added = {'movies': 0, 'shows': 0, 'seasons': 0, 'episodes': 0}
    for kind, trakt_id, item in found:
        rated_at = item.get('rated_at')
        rated_at = timeutil.to_minute(rated_at) if rated_at else timeutil.now_second(account.clock)
        ratings[_key(kind, trakt_id)] = {'type': kind, 'trakt_id': trakt_id, 'rating': item['rating'],
                                         'rated_at': rated_at}
        added[kind + 's'] += 1
    account.touch(*[(kind + 's', 'rated_at') for kind in RATED_KINDS if added[kind + 's']])
    return {'added': added, 'not_found': not_found}


def remove_ratings(account, body):
    found, not_found = _rated_items(account, body)
    ratings = _state(account)['ratings']
    deleted = {'movies': 0, 'shows': 0, 'seasons': 0, 'episodes': 0}
    for kind, trakt_id, _item in found:
        if ratings.pop(_key(kind, trakt_id), None) is not None:
            deleted[kind + 's'] += 1
    account.touch(*[(kind + 's', 'rated_at') for kind in RATED_KINDS if deleted[kind + 's']])
    return {'deleted': deleted, 'not_found': not_found}


def ratings(account, kind=None, rating=None):
    """``GET /sync/ratings[/{type}[/{rating}]]``, newest first."""
    wanted = {None: None, 'all': None, 'movies': 'movie', 'shows': 'show', 'episodes': 'episode'}.get(kind, kind)
    items = []
    for entry in _state(account)['ratings'].values():
        if wanted not in (None, entry['type']) or rating not in (None, entry['rating']):
            continue
        item = {'rated_at': entry['rated_at'], 'rating': entry['rating'], 'type': entry['type']}
        item.update(_summary(account, entry['type'], entry['trakt_id']))
        items.append(item)
    return sorted(items, key=lambda item: item['rated_at'], reverse=True)
