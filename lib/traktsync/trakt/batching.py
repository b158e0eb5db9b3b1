"""Turning a flat list of items into trakt's bulk body, and reading the answer.

An item is a movie ``{'type': 'movie', 'ids': {...}, 'watched_at'|'collected_at': ..., metadata...}`` or an
episode ``{'type': 'episode', 'show_ids': {...}, 'season': n, 'number': n, 'ids': {...} (optional), ...}``.
Episodes go under their show, then season (one entry per play: a repeated number is a repeated play).
An episode without ``show_ids`` but with its own ``ids`` goes to the body's top-level ``episodes``.
"""
import collections

# One id per object: the contract's ids schema is a oneOf over single keys, and trakt's own importer does the
# same. trakt ids first because they come from trakt itself; the others are what Kodi's scrapers give.
ID_PRIORITY = {
    'movie': ('trakt', 'imdb', 'tmdb', 'slug'),
    'show': ('trakt', 'tvdb', 'imdb', 'tmdb', 'slug'),
    'episode': ('trakt', 'tvdb', 'imdb', 'tmdb'),
}
_ITEM_KEYS = frozenset(['type', 'ids', 'show_ids', 'season', 'number'])
RESULT_SECTIONS = ('added', 'updated', 'existing', 'deleted')


class InvalidItem(ValueError):
    """An item the client cannot send; raised before anything is sent."""


def pick_id(kind, ids):
    """The single ``{key: value}`` to send for ``ids``, or None when none of the accepted keys has a value."""
    if not isinstance(ids, dict):
        return None
    for key in ID_PRIORITY[kind]:
        value = ids.get(key)
        if value not in (None, ''):
            return {key: value}
    return None


def validate_items(items):
    """Raise InvalidItem naming the first unusable item; return the items as a list."""
    items = list(items)
    for index, item in enumerate(items):
        problem = _problem(item)
        if problem:
            raise InvalidItem('item {}: {} ({!r})'.format(index, problem, item))
    return items


def _problem(item):
    if not isinstance(item, dict):
        return 'not a dict'
    kind = item.get('type')
    if kind == 'movie':
        return None if pick_id('movie', item.get('ids')) else 'movie without a usable id'
    if kind != 'episode':
        return "type must be 'movie' or 'episode'"
    if item.get('show_ids') is None:
        return None if pick_id('episode', item.get('ids')) else 'episode without show_ids or own ids'
    if not pick_id('show', item['show_ids']):
        return 'episode whose show_ids has no usable id'
    for key in ('season', 'number'):
        if not isinstance(item.get(key), int) or isinstance(item.get(key), bool) or item[key] < 0:
            return 'episode needs an integer {}'.format(key)
    return None


def _show_key(item):
    return tuple(pick_id('show', item['show_ids']).items())


def order_items(items):
    """Movies first, then episodes grouped by show (shows in order of first appearance), then loose episodes.

    Grouping keeps a show's episodes together so each batch names a show once and few batches share a show.
    """
    movies, loose = [], []
    by_show = collections.OrderedDict()
    for item in items:
        if item['type'] == 'movie':
            movies.append(item)
        elif item.get('show_ids') is None:
            loose.append(item)
        else:
            by_show.setdefault(_show_key(item), []).append(item)
    ordered = movies
    for episodes in by_show.values():
        ordered.extend(episodes)
    ordered.extend(loose)
    return ordered


def _extra_fields(item):
    return dict((key, value) for key, value in item.items() if key not in _ITEM_KEYS)


def build_body(items):
    """The bulk request body for ``items`` (already validated); empty sections are left out."""
    movies, loose = [], []
    shows = collections.OrderedDict()
    for item in items:
        if item['type'] == 'movie':
            entry = {'ids': pick_id('movie', item['ids'])}
            entry.update(_extra_fields(item))
            movies.append(entry)
        elif item.get('show_ids') is None:
            entry = {'ids': pick_id('episode', item['ids'])}
            entry.update(_extra_fields(item))
            loose.append(entry)
        else:
            key = _show_key(item)
            seasons = shows.setdefault(key, collections.OrderedDict())
            entry = {'number': item['number']}
            entry.update(_extra_fields(item))
            seasons.setdefault(item['season'], []).append(entry)
    body = {}
    if movies:
        body['movies'] = movies
    if shows:
        body['shows'] = [{'ids': dict(key),
                          'seasons': [{'number': number, 'episodes': episodes} for number, episodes in seasons.items()]}
                         for key, seasons in shows.items()]
    if loose:
        body['episodes'] = loose
    return body


class BatchResult(object):
    """trakt's answer to one bulk POST: counts per section and what it could not match."""

    def __init__(self, items, answer, status=None, seconds=None):
        if not isinstance(answer, dict):
            answer = {}
        self.items = list(items)
        self.status = status
        self.seconds = seconds
        for section in RESULT_SECTIONS:
            value = answer.get(section)
            setattr(self, section, dict(value) if isinstance(value, dict) else {})
        not_found = answer.get('not_found')
        self.not_found = dict(not_found) if isinstance(not_found, dict) else {}

    def not_found_items(self):
        """The sent items that trakt reported in ``not_found`` (matched by the id that was sent)."""
        movies = _sent_ids(self.not_found.get('movies'), 'movie')
        shows = _missing_episodes(self.not_found.get('shows'))
        episodes = _sent_ids(self.not_found.get('episodes'), 'episode')
        found = []
        for item in self.items:
            if item['type'] == 'movie':
                hit = tuple(pick_id('movie', item['ids']).items()) in movies
            elif item.get('show_ids') is None:
                hit = tuple(pick_id('episode', item['ids']).items()) in episodes
            else:
                places = shows.get(_show_key(item))
                # a show trakt does not know (no seasons listed) takes all its episodes with it; a known show lists
                # the seasons, or the episodes of a season, that it does not have
                hit = places is not None and (places is _WHOLE or (item['season'], None) in places
                                              or (item['season'], item['number']) in places)
            if hit:
                found.append(item)
        return found

    def __repr__(self):
        return 'BatchResult(items={}, added={}, updated={}, existing={}, deleted={}, not_found={})'.format(
            len(self.items), self.added, self.updated, self.existing, self.deleted,
            dict((k, len(v)) for k, v in self.not_found.items() if isinstance(v, list)))


_WHOLE = object()


def _missing_episodes(entries):
    """``{show key: _WHOLE or {(season, number or None)}}`` from the ``not_found.shows`` of an answer."""
    shows = {}
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        picked = pick_id('show', entry.get('ids'))
        if not picked:
            continue
        key = tuple(picked.items())
        seasons = entry.get('seasons')
        if not isinstance(seasons, list):
            shows[key] = _WHOLE
            continue
        places = shows.setdefault(key, set())
        if places is _WHOLE:
            continue
        for season in seasons:
            if not isinstance(season, dict):
                continue
            numbers = season.get('episodes')
            if not isinstance(numbers, list):
                places.add((season.get('number'), None))
            else:
                places.update((season.get('number'), e.get('number')) for e in numbers if isinstance(e, dict))
    return shows


def _sent_ids(entries, kind):
    keys = set()
    for entry in entries or []:
        if isinstance(entry, dict):
            picked = pick_id(kind, entry.get('ids'))
            if picked:
                keys.add(tuple(picked.items()))
    return keys
