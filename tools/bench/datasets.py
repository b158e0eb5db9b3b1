"""The benchmark's data sets: what Kodi's library holds and what the trakt account holds before the first sync.

L is the library of issue 12 (6,400 movies, 555 shows, 24,690 episodes; trakt has 2,800 movies and 9,755 episodes
watched); XL is 20,000 movies, 2,000 shows, 100,000 episodes with L's proportions on the trakt side. S and M are L
scaled down (1/16 and 1/4), T (1/128) is for trying the benchmark itself. Everything is derived from the size
with a fixed seed, so a data set is the same on every machine and its scanned library can be cached.

How the two sides differ (fractions of the library, per kind, chosen so that L's first sync does the work the
issue measured: ~7,600 watched changes into Kodi, ~5,800 plays and ~14,400 collection items to trakt):
- 60 % of trakt's watched items are in the library and unwatched in Kodi (they go to Kodi);
- 20 % are watched on both sides on the same day (nothing to do);
- 20 % are not in the library at all (trakt knows more than this Kodi);
- 18.7 % of the library is watched in Kodi only (plays go to trakt);
- 53.7 % of the library is already in the trakt collection (the rest is added).
"""
import math
import random
from collections import namedtuple

from tools import catalog as catalogs

EPISODES_PER_SEASON = 15
SEED = 12
KODI_ONLY_WATCHED = 0.187
TRAKT_WATCHED_TO_KODI = 0.6
TRAKT_WATCHED_BOTH = 0.2
COLLECTED = 0.537
SMALL_CHANGE = 10        # items watched in Kodi, and items watched on trakt, for the small-change scenario

Size = namedtuple('Size', 'name movies shows episodes trakt_movies trakt_episodes')

_L = Size('L', 6400, 555, 24690, 2800, 9755)


def _scaled(name, divisor):
    return Size(name, *[int(round(value / float(divisor))) for value in _L[1:]])


SIZES = {
    'T': _scaled('T', 128),
    'S': _scaled('S', 16),
    'M': _scaled('M', 4),
    'L': _L,
    'XL': Size('XL', 20000, 2000, 100000, int(round(20000 * 2800 / 6400.0)),
               int(round(100000 * 9755 / 24690.0))),
}


class DataSet(object):
    """``catalog`` (what trakt knows), ``library`` (the part of it in Kodi, with Kodi's watched state in the NFO
    fields) and the trakt account's ``plays`` and ``collected`` (``(kind, trakt_id, when)``)."""

    def __init__(self, size):
        self.size = size
        rng = random.Random('{}-{}'.format(SEED, size))
        extra_movies = int(round(size.trakt_movies * (1 - TRAKT_WATCHED_TO_KODI - TRAKT_WATCHED_BOTH)))
        extra_episodes = int(round(size.trakt_episodes * (1 - TRAKT_WATCHED_TO_KODI - TRAKT_WATCHED_BOTH)))
        per_show = int(math.ceil(size.episodes / float(max(1, size.shows))))
        extra_shows = int(math.ceil(extra_episodes / float(per_show))) if extra_episodes else 0
        self.catalog = {'movies': [catalogs.movie(i) for i in range(size.movies + extra_movies)],
                        'shows': [self._show(i, per_show) for i in range(size.shows + extra_shows)]}
        self._trim_episodes(self.catalog['shows'][:size.shows], size.episodes)
        library_movies = [dict(m) for m in self.catalog['movies'][:size.movies]]
        library_shows = [_copy_show(s) for s in self.catalog['shows'][:size.shows]]
        self.library = {'movies': library_movies, 'shows': library_shows}
        self.plays = []
        self.collected = []
        library_episodes = [(show, number, episode) for show, number, episode in catalogs.iter_episodes(self.library)]
        extra = [(show, number, episode) for show, number, episode in
                 catalogs.iter_episodes({'shows': self.catalog['shows'][size.shows:]})][:extra_episodes]
        self._split('movie', [(m, None, m) for m in library_movies], size.trakt_movies,
                    [(m, None, m) for m in self.catalog['movies'][size.movies:]], rng)
        self._split('episode', library_episodes, size.trakt_episodes, extra, rng)
        self.unwatched = {'movie': [m for m in library_movies if not m.get('playcount') and not self._on_trakt(m)],
                          'episode': [e for _s, _n, e in library_episodes
                                      if not e.get('playcount') and not self._on_trakt(e)]}

    @staticmethod
    def _show(index, per_show):
        seasons = int(math.ceil(per_show / float(EPISODES_PER_SEASON)))
        return catalogs.show(index, seasons, EPISODES_PER_SEASON)

    @staticmethod
    def _trim_episodes(shows, total):
        """Give the shows ``total`` episodes between them, as evenly as possible (the last episodes go)."""
        base, rest = divmod(total, max(1, len(shows)))
        for index, show in enumerate(shows):
            keep = base + (1 if index < rest else 0)
            for season in show['seasons']:
                season['episodes'] = season['episodes'][:keep]
                keep -= len(season['episodes'])
            show['seasons'] = [s for s in show['seasons'] if s['episodes']]

    def _on_trakt(self, item):
        return item['ids']['trakt'] in self._watched_on_trakt

    def _split(self, kind, items, trakt_watched, extra, rng):
        if not hasattr(self, '_watched_on_trakt'):
            self._watched_on_trakt = set()
        order = list(range(len(items)))
        rng.shuffle(order)
        to_kodi = int(round(trakt_watched * TRAKT_WATCHED_TO_KODI))
        both = int(round(trakt_watched * TRAKT_WATCHED_BOTH))
        kodi_only = int(round(len(items) * KODI_ONLY_WATCHED))
        day = 0
        for position, index in enumerate(order):
            _parent, _number, item = items[index]
            day += 1
            when = '20{:02d}-{:02d}-{:02d}'.format(15 + day % 10, 1 + day % 12, 1 + day % 28)
            if position < to_kodi + both:
                self.plays.append((kind, item['ids']['trakt'], when + 'T20:00:00.000Z'))
                self._watched_on_trakt.add(item['ids']['trakt'])
            if to_kodi <= position < to_kodi + both + kodi_only:
                item['playcount'] = 1
                item['lastplayed'] = when + ' 20:00:00'
        for _parent, _number, item in extra:
            day += 1
            self.plays.append((kind, item['ids']['trakt'], '2020-{:02d}-{:02d}T20:00:00.000Z'.format(
                1 + day % 12, 1 + day % 28)))
        collected = list(range(len(items)))
        rng.shuffle(collected)
        for index in sorted(collected[:int(round(len(items) * COLLECTED))]):
            self.collected.append((kind, items[index][2]['ids']['trakt'], '2019-06-01T12:00:00.000Z'))

    def counts(self):
        episodes = sum(1 for _ in catalogs.iter_episodes(self.library))
        return {'movies': len(self.library['movies']), 'shows': len(self.library['shows']), 'episodes': episodes,
                'trakt_plays': len(self.plays), 'trakt_collected': len(self.collected)}

    def seed_trakt(self, emulator):
        """Put the account's plays and collection into ``emulator`` (its default account)."""
        for kind, trakt_id, when in self.plays:
            emulator.add_play(kind, trakt_id, when)
        for kind, trakt_id, when in self.collected:
            emulator.collect(kind, trakt_id, when)

    def small_change(self):
        """``(in_kodi, on_trakt)``: half movies, half episodes each, unwatched on both sides before."""
        half = SMALL_CHANGE // 2
        movies, episodes = self.unwatched['movie'], self.unwatched['episode']
        in_kodi = [('movie', m) for m in movies[:half]] + [('episode', e) for e in episodes[:SMALL_CHANGE - half]]
        on_trakt = ([('movie', m) for m in movies[half:2 * half]]
                    + [('episode', e) for e in episodes[SMALL_CHANGE - half:2 * (SMALL_CHANGE - half)]])
        return in_kodi, on_trakt


def _copy_show(show):
    copy = dict(show)
    copy['seasons'] = [dict(season, episodes=[dict(e) for e in season['episodes']]) for season in show['seasons']]
    return copy


def get(name):
    try:
        return DataSet(SIZES[name.upper()])
    except KeyError:
        raise ValueError('unknown size {!r} (known: {})'.format(name, ', '.join(SIZES))) from None
