"""The cached trakt lists brought up to date from writes trakt confirmed in full, instead of reading them again.

After a sync wrote to trakt, the lists it wrote to are what they were when read plus what it sent. Reading them
again costs a request per page (~40 at issue 12's library L); applying what was sent costs nothing. The engine
decides when that is safe (engine.py, ``_refresh_after_writes``; docs/design.md, "The trakt list cache"): here is
only the editing of trakt's raw JSON lists (the shapes ``/sync/watched/*`` and ``/sync/collection/*`` answer with,
as ``TraktSnapshot.from_lists`` reads them). Each function takes the raw list and the confirmed plan actions of
one kind and returns the list edited in place.
"""
import re

from traktsync.model import MOVIE, SHOW, Ids, format_utc, later, parse_utc

_MOVIE_TITLE = re.compile(r'^(.*) \((\d{4})\)$')   # plan.py names a movie "Title (year)"
_EPISODE_TITLE = re.compile(r'^(.*) S\d+E\d+$')     # ... and an episode "Show S01E02"
_ID_FIELDS = ('trakt', 'slug', 'imdb', 'tmdb', 'tvdb')


def _ids_json(ids):
    return {name: getattr(ids, name) for name in _ID_FIELDS if getattr(ids, name) is not None}


def _tokens(ids, kind):
    return set(ids.tokens(kind)) if ids else set()


class _Index(object):
    """The entries of a raw list by every id their ``entry[part]['ids']`` has (built once: a list at issue 12's
    L holds thousands of entries, and a first sync patches thousands of items)."""

    def __init__(self, entries, part, kind):
        self.entries = entries
        self._part = part
        self._kind = kind
        self._by_token = {}
        for entry in entries:
            self._add(entry)

    def _add(self, entry):
        for token in _tokens(Ids.from_trakt(((entry.get(self._part) or {}).get('ids'))), self._kind):
            self._by_token.setdefault(token, []).append(entry)

    def find(self, ids):
        """The entries that share an id with ``ids``, in list order."""
        found = {}
        for token in _tokens(ids, self._kind):
            for entry in self._by_token.get(token, ()):
                found[id(entry)] = entry
        return sorted(found.values(), key=self.entries.index) if len(found) > 1 else list(found.values())

    def append(self, entry):
        self.entries.append(entry)
        self._add(entry)

    def remove(self, gone):
        """Drop the entries in ``gone`` (a list of entries) from the list."""
        ids = set(id(entry) for entry in gone)
        if ids:
            self.entries[:] = [entry for entry in self.entries if id(entry) not in ids]
            for token, entries in list(self._by_token.items()):
                self._by_token[token] = [entry for entry in entries if id(entry) not in ids]


def _movie_summary(action):
    match = _MOVIE_TITLE.match(action.title or '')
    title, year = (match.group(1), int(match.group(2))) if match else (action.title, None)
    return {'title': title, 'year': year, 'ids': _ids_json(action.ids)}


def _show_summary(action):
    match = _EPISODE_TITLE.match(action.title or '')
    return {'title': match.group(1) if match else action.title, 'year': None, 'ids': _ids_json(action.show_ids)}


def _episode_entry(shows, action, extra):
    """The ``{'number': n, ...}`` entry of the action's episode in a show list's ``_Index`` (made when missing)."""
    found = shows.find(action.show_ids)
    if not found:
        show = dict(extra, show=_show_summary(action), seasons=[])
        shows.append(show)
    else:
        show = found[0]
    seasons = show.setdefault('seasons', [])
    season = next((s for s in seasons if isinstance(s, dict) and s.get('number') == action.season), None)
    if season is None:
        season = {'number': action.season, 'episodes': []}
        seasons.append(season)
    episodes = season.setdefault('episodes', [])
    episode = next((e for e in episodes if isinstance(e, dict) and e.get('number') == action.number), None)
    if episode is None:
        episode = {'number': action.number}
        episodes.append(episode)
    return episode


def _remove_episode(shows, action):
    for show in shows.find(action.show_ids):
        for season in show.get('seasons') or []:
            if isinstance(season, dict) and season.get('number') == action.season:
                season['episodes'] = [e for e in season.get('episodes') or []
                                      if not (isinstance(e, dict) and e.get('number') == action.number)]


def _index(entries, actions):
    """The index a patch of ``actions`` (all of one kind) needs: by movie or by show."""
    if actions and actions[0].kind == MOVIE:
        return _Index(entries, 'movie', MOVIE)
    return _Index(entries, 'show', SHOW)


def _newest(old, times):
    newest = parse_utc(old) if old else None
    for when in times:
        newest = later(newest, when)
    return format_utc(newest)


def add_plays(entries, actions):
    """HistoryAdd actions (all of one list's kind) trakt confirmed in full: the item now has ``trakt_plays``."""
    index = _index(entries, actions)
    for action in actions:
        if action.kind == MOVIE:
            found = index.find(action.ids)
            entry = found[0] if found else None
            if entry is None:
                entry = {'plays': 0, 'last_watched_at': None, 'movie': _movie_summary(action)}
                index.append(entry)
        else:
            entry = _episode_entry(index, action, {'plays': 0, 'last_watched_at': None, 'reset_at': None})
        entry['plays'] = max(int(entry.get('plays') or 0), action.trakt_plays)
        entry['last_watched_at'] = _newest(entry.get('last_watched_at'), action.watched_at)
    return entries


def remove_plays(entries, actions):
    """HistoryRemove actions trakt confirmed: the item has no plays left."""
    index = _index(entries, actions)
    gone = []
    for action in actions:
        if action.kind == MOVIE:
            gone.extend(index.find(action.ids))
        else:
            _remove_episode(index, action)
    index.remove(gone)
    return entries


def add_collected(entries, actions, with_metadata):
    """CollectionAdd actions trakt confirmed: the item is collected (at ``collected_at``, with its metadata)."""
    index = _index(entries, actions)
    for action in actions:
        if action.kind == MOVIE:
            found = index.find(action.ids)
            entry = found[0] if found else None
            if entry is None:
                entry = {'movie': _movie_summary(action)}
                index.append(entry)
        else:
            entry = _episode_entry(index, action, {})
        if action.collected_at is not None or 'collected_at' not in entry:
            entry['collected_at'] = format_utc(action.collected_at)
        if with_metadata and action.metadata:
            entry['metadata'] = dict(action.metadata)
    return entries


def remove_collected(entries, actions):
    """CleanCandidate actions trakt confirmed: the item left the collection."""
    return remove_plays(entries, actions)
