"""One trakt account: plays (history), collection, re-watch resets, last activities and tokens.

The whole account is one JSON-serialisable dict (``Account.data``) so the CLI can keep it in
its state file. Callers hold the emulator's lock; nothing here is thread-safe by itself.
"""
import copy
import time

from tools.trakt_emulator import timeutil
from tools.trakt_emulator.catalog_index import episode_summary, movie_summary, show_summary

METADATA_KEYS = ('media_type', 'resolution', 'hdr', 'audio', 'audio_channels', '3d')
EPOCH = '1970-01-01T00:00:00.000Z'
KINDS = ('movie', 'episode')

_ACTIVITY_FIELDS = {
    'movies': ('watched_at', 'collected_at', 'rated_at', 'watchlisted_at', 'favorited_at', 'commented_at',
               'paused_at', 'hidden_at'),
    'episodes': ('watched_at', 'collected_at', 'rated_at', 'watchlisted_at', 'commented_at', 'paused_at'),
    'shows': ('rated_at', 'watchlisted_at', 'favorited_at', 'commented_at', 'hidden_at', 'dropped_at'),
    'seasons': ('rated_at', 'watchlisted_at', 'commented_at', 'hidden_at'),
    'comments': ('liked_at', 'reacted_at', 'blocked_at'),
    'lists': ('liked_at', 'reacted_at', 'updated_at', 'commented_at'),
    'watchlist': ('updated_at',),
    'favorites': ('updated_at',),
    'collaborations': ('updated_at',),
    'account': ('settings_at', 'followed_at', 'following_at', 'pending_at', 'requested_at'),
    'saved_filters': ('updated_at',),
    'notes': ('updated_at',),
}


def empty_account(username='emulator-user', created=None, clock=time.time):
    created = created or timeutil.now_second(clock)
    activities = {'all': created}
    for section, fields in _ACTIVITY_FIELDS.items():
        activities[section] = {field: created for field in fields}
    return {'username': username, 'created_at': created, 'plays': [], 'next_history_id': 1,
            'collection': {'movie': {}, 'episode': {}}, 'reset_at': {}, 'watched_updated': {},
            'activities': activities, 'tokens': {}, 'refresh_tokens': {}}


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError('kind must be one of {}, not {!r}'.format(KINDS, kind))


class Account(object):
    def __init__(self, data, index, clock=time.time):
        self.data = data
        self.index = index
        self.clock = clock  # epoch seconds: the emulator's idea of now
        self._views = {}

    def _changed(self):
        """The plays or the collection changed: the read views are built again when next asked for."""
        self._views.clear()

    def _view(self, build, *args):
        """A read view built once per state of the account. A client reads a list page by page, and building
        the whole list for each page made reading a large account quadratic (the bench's XL lists took ~0.2 s a
        page, which its floor counted as trakt's). Callers must not change what it returns."""
        key = (build.__name__,) + args
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = build(*args)
        return view

    # -- bookkeeping -------------------------------------------------------------------------
    def touch(self, *fields):
        """Move last_activities timestamps (``(section, field)`` pairs, and ``all``) forward together.

        trakt reports these at second precision; two writes within one second would leave the
        value unchanged and a client would miss the second change, so each touch is at least
        one second after the previous ``all``.
        """
        if not fields:
            return None
        activities = self.data['activities']
        stamp = timeutil.now_second(self.clock)
        if timeutil.to_epoch(stamp) <= timeutil.to_epoch(activities['all']):
            stamp = timeutil.from_epoch(timeutil.to_epoch(activities['all']) + 1)
        for section, field in fields:
            activities[section][field] = stamp
        activities['all'] = stamp
        return stamp

    def _item_exists(self, kind, trakt_id):
        table = self.index.movie_by_trakt if kind == 'movie' else self.index.episode_by_trakt
        if trakt_id not in table:
            raise KeyError('no {} with trakt id {} in the catalog'.format(kind, trakt_id))

    def _watched_key(self, kind, trakt_id):
        if kind == 'movie':
            return 'movie:{}'.format(trakt_id)
        return 'show:{}'.format(self.index.episode_by_trakt[trakt_id][0]['ids']['trakt'])

    # -- history -----------------------------------------------------------------------------
    def add_play(self, kind, trakt_id, watched_at, touch=True, action='watch'):
        _check_kind(kind)
        self._item_exists(kind, trakt_id)
        self._changed()
        play_id = self.data['next_history_id']
        self.data['next_history_id'] += 1
        now = timeutil.now_second(self.clock)
        self.data['plays'].append({'id': play_id, 'type': kind, 'trakt_id': trakt_id,
                                   'watched_at': timeutil.to_minute(watched_at), 'added_at': now,
                                   'action': action})
        self.data['watched_updated'][self._watched_key(kind, trakt_id)] = now
        if touch:
            self.touch((kind + 's', 'watched_at'))
        return play_id

    def remove_plays(self, predicate):
        kept, removed = [], []
        for play in self.data['plays']:
            (removed if predicate(play) else kept).append(play)
        self.data['plays'] = kept
        self._changed()
        now = timeutil.now_second(self.clock)
        for play in removed:
            self.data['watched_updated'][self._watched_key(play['type'], play['trakt_id'])] = now
        return removed

    def plays(self, kind=None):
        return [{'id': p['id'], 'type': p['type'], 'trakt_id': p['trakt_id'], 'watched_at': p['watched_at']}
                for p in self.data['plays'] if kind is None or p['type'] == kind]

    def play_count(self, kind, trakt_id):
        return sum(1 for p in self.data['plays'] if p['type'] == kind and p['trakt_id'] == trakt_id)

    def set_reset_at(self, show_trakt_id, when):
        if show_trakt_id not in self.index.show_by_trakt:
            raise KeyError('no show with trakt id {} in the catalog'.format(show_trakt_id))
        self._changed()
        self.data['reset_at'][str(show_trakt_id)] = timeutil.to_minute(when) if when else None
        self.data['watched_updated']['show:{}'.format(show_trakt_id)] = timeutil.now_second(self.clock)
        self.touch(('episodes', 'watched_at'))

    # -- collection --------------------------------------------------------------------------
    def collect(self, kind, trakt_id, collected_at, metadata=None, touch=True):
        """Add or update one collection entry; returns 'added', 'updated' or 'existing'."""
        _check_kind(kind)
        self._item_exists(kind, trakt_id)
        table = self.data['collection'][kind]
        key = str(trakt_id)
        stamp = timeutil.to_minute(collected_at)
        clean = {name: (metadata or {}).get(name) for name in METADATA_KEYS}
        old = table.get(key)
        if old is not None and old['collected_at'] == stamp and old['metadata'] == clean:
            return 'existing'
        self._changed()
        table[key] = {'collected_at': stamp, 'updated_at': timeutil.now_second(self.clock), 'metadata': clean}
        if touch:
            self.touch((kind + 's', 'collected_at'))
        return 'added' if old is None else 'updated'

    def uncollect(self, kind, trakt_id):
        self._changed()
        return self.data['collection'][kind].pop(str(trakt_id), None) is not None

    def collection(self, kind=None):
        result = []
        for item_kind in KINDS:
            if kind not in (None, item_kind):
                continue
            for key, entry in sorted(self.data['collection'][item_kind].items(), key=lambda pair: int(pair[0])):
                result.append({'type': item_kind, 'trakt_id': int(key), 'collected_at': entry['collected_at'],
                               'metadata': dict(entry['metadata'])})
        return result

    def collection_size(self):
        return len(self.data['collection']['movie']) + len(self.data['collection']['episode'])

    # -- read views (the GET endpoints' bodies, unpaginated) ----------------------------------
    def watched_movies(self):
        return self._view(self._watched_movies)

    def _watched_movies(self):
        grouped = {}
        for play in self.data['plays']:
            if play['type'] == 'movie':
                grouped.setdefault(play['trakt_id'], []).append(play)
        items = []
        for trakt_id, plays in grouped.items():
            items.append({'plays': len(plays), 'last_watched_at': max(p['watched_at'] for p in plays),
                          'last_updated_at': self.data['watched_updated'].get('movie:{}'.format(trakt_id),
                                                                               plays[-1]['added_at']),
                          'movie': movie_summary(self.index.movie_by_trakt[trakt_id])})
        return _newest_first(items, 'movie')

    def watched_shows(self, progress):
        return self._view(self._watched_shows, progress)

    def _watched_shows(self, progress):
        grouped = {}
        for play in self.data['plays']:
            if play['type'] == 'episode':
                show, season_number, episode = self.index.episode_by_trakt[play['trakt_id']]
                seasons = grouped.setdefault(show['ids']['trakt'], {})
                seasons.setdefault(season_number, {}).setdefault(episode['number'], []).append(play)
        items = []
        for show_id, seasons in grouped.items():
            show = self.index.show_by_trakt[show_id]
            all_plays = [p for episodes in seasons.values() for plays in episodes.values() for p in plays]
            item = {'plays': len(all_plays), 'last_watched_at': max(p['watched_at'] for p in all_plays),
                    'last_updated_at': self.data['watched_updated'].get('show:{}'.format(show_id),
                                                                         all_plays[-1]['added_at']),
                    'reset_at': self.data['reset_at'].get(str(show_id)),
                    'show': show_summary(show, self.index)}
            if progress:
                item['seasons'] = [
                    {'number': number,
                     'episodes': [{'number': episode_number, 'plays': len(plays),
                                   'last_watched_at': max(p['watched_at'] for p in plays)}
                                  for episode_number, plays in sorted(episodes.items())]}
                    for number, episodes in sorted(seasons.items())]
            items.append(item)
        return _newest_first(items, 'show')

    def collection_movies(self, with_metadata):
        return self._view(self._collection_movies, with_metadata)

    def _collection_movies(self, with_metadata):
        items = []
        for key, entry in self.data['collection']['movie'].items():
            item = {'type': 'movie', 'collected_at': entry['collected_at'], 'updated_at': entry['updated_at'],
                    'movie': movie_summary(self.index.movie_by_trakt[int(key)])}
            if with_metadata:
                item['metadata'] = dict(entry['metadata'])
            items.append(item)
        return sorted(items, key=lambda item: (item['collected_at'], item['movie']['ids']['trakt']), reverse=True)

    def collection_shows(self, with_metadata):
        return self._view(self._collection_shows, with_metadata)

    def _collection_shows(self, with_metadata):
        grouped = {}
        for key, entry in self.data['collection']['episode'].items():
            show, season_number, episode = self.index.episode_by_trakt[int(key)]
            grouped.setdefault(show['ids']['trakt'], {}).setdefault(season_number, []).append((episode, entry))
        items = []
        for show_id, seasons in grouped.items():
            entries = [entry for episodes in seasons.values() for _, entry in episodes]
            season_list = []
            for number, episodes in sorted(seasons.items()):
                episode_list = []
                for episode, entry in sorted(episodes, key=lambda pair: pair[0]['number']):
                    out = {'number': episode['number'], 'collected_at': entry['collected_at']}
                    if with_metadata:
                        out['metadata'] = dict(entry['metadata'])
                    episode_list.append(out)
                season_list.append({'number': number, 'episodes': episode_list})
            items.append({'type': 'show', 'last_collected_at': max(e['collected_at'] for e in entries),
                          'last_updated_at': max(e['updated_at'] for e in entries),
                          'show': show_summary(self.index.show_by_trakt[show_id], self.index),
                          'seasons': season_list})
        return sorted(items, key=lambda item: (item['last_collected_at'], item['show']['ids']['trakt']),
                      reverse=True)

    def history(self, kind=None, trakt_id=None):
        """``GET /sync/history/{type}/{id}`` entries, newest first; ``trakt_id`` of a show selects its episodes."""
        items = []
        for play in self.data['plays']:
            entry = {'id': play['id'], 'watched_at': play['watched_at'], 'action': play.get('action', 'watch'),
                     'type': play['type']}
            if play['type'] == 'movie':
                if kind not in (None, 'movies') or trakt_id not in (None, play['trakt_id']):
                    continue
                entry['movie'] = movie_summary(self.index.movie_by_trakt[play['trakt_id']])
            else:
                show, season_number, episode = self.index.episode_by_trakt[play['trakt_id']]
                if kind not in (None, 'shows', 'episodes'):
                    continue
                selected = show['ids']['trakt'] if kind == 'shows' else play['trakt_id']
                if trakt_id not in (None, selected):
                    continue
                entry['episode'] = episode_summary(season_number, episode)
                entry['show'] = show_summary(show, self.index)
            items.append(entry)
        return sorted(items, key=lambda item: (item['watched_at'], item['id']), reverse=True)

    def last_activities(self):
        return copy.deepcopy(self.data['activities'])


def _newest_first(items, key):
    return sorted(items, key=lambda item: (item['last_watched_at'], item[key]['ids']['trakt']), reverse=True)
