"""Deterministic catalogs of movies and shows with trakt-style ids.

One catalog feeds both sides of every test and of the demo: the trakt
emulator loads it as its database of titles, and the Kodi media-tree writer
turns (a part of) it into NFO-described fake files. Ids are derived from the
position, so the same arguments always give the same catalog.

Shape (the emulator's catalog format)::

    {"movies": [{"title", "year", "ids": {"trakt", "slug", "imdb", "tmdb"}}],
     "shows":  [{"title", "year", "ids": {"trakt", "slug", "imdb", "tmdb", "tvdb"},
                 "seasons": [{"number", "ids": {"trakt", "tvdb", "tmdb"},
                              "episodes": [{"number", "title", "ids": {"trakt", "tvdb", "imdb", "tmdb"}}]}]}]}

An item may also carry ``search_ids``: ids trakt knows (its id look-up and request bodies find the item by them)
that its lists show as null (``hide_id``).
"""
import re

_WORDS = ['Crimson', 'Silent', 'Harbour', 'Winter', 'Échappée', 'Glass', 'Northern', 'Straße', 'Echo',
          'Lantern', 'Paper', 'Iron', 'Velvet', 'Distant', 'Café', 'Hollow', 'Signal', 'Orbit', 'Mirror', 'Tide']


def _title(kind, index):
    a = _WORDS[index % len(_WORDS)]
    b = _WORDS[(index * 7 + 3) % len(_WORDS)]
    return '{} {} {} {}'.format(a, b, kind, index + 1)


def slugify(title):
    return re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')


def movie(index):
    title = _title('Movie', index)
    return {
        'title': title,
        'year': 1950 + index % 76,
        'ids': {'trakt': 1000 + index, 'slug': slugify(title), 'imdb': 'tt{:07d}'.format(100000 + index),
                'tmdb': 50000 + index},
    }


def show(index, seasons=2, episodes_per_season=10):
    title = _title('Show', index)
    show_item = {
        'title': title,
        'year': 1990 + index % 36,
        'ids': {'trakt': 200000 + index, 'slug': slugify(title), 'imdb': 'tt{:07d}'.format(900000 + index),
                'tmdb': 400000 + index, 'tvdb': 300000 + index},
        'seasons': [],
    }
    for season_number in range(1, seasons + 1):
        base = (index * 100 + season_number) * 100
        season = {'number': season_number,
                  'ids': {'trakt': 800000 + index * 100 + season_number, 'tvdb': 810000 + index * 100 + season_number,
                          'tmdb': 820000 + index * 100 + season_number},
                  'episodes': []}
        for number in range(1, episodes_per_season + 1):
            season['episodes'].append({
                'number': number,
                'title': 'Episode {}x{:02d} of {}'.format(season_number, number, title),
                'ids': {'trakt': 5000000 + base + number, 'tvdb': 6000000 + base + number,
                        'imdb': 'tt{:07d}'.format(3000000 + base + number), 'tmdb': 7000000 + base + number},
            })
        show_item['seasons'].append(season)
    return show_item


def make_catalog(movies=10, shows=2, seasons=2, episodes_per_season=10):
    """A catalog of ``movies`` movies and ``shows`` shows of ``seasons`` x ``episodes_per_season`` episodes."""
    return {
        'movies': [movie(i) for i in range(movies)],
        'shows': [show(i, seasons, episodes_per_season) for i in range(shows)],
    }


def hide_id(item, id_type):
    """Make trakt's lists show ``id_type`` of a catalog item as null while trakt still finds the item by it
    (``GET /search/{id_type}/{id}`` and request bodies): the id moves to ``search_ids``. Returns the id."""
    value = item['ids'][id_type]
    item.setdefault('search_ids', {})[id_type] = value
    item['ids'][id_type] = None
    return value


def iter_episodes(catalog):
    """Yield ``(show, season_number, episode)`` for every episode of the catalog."""
    for show_item in catalog['shows']:
        for season in show_item['seasons']:
            for episode in season['episodes']:
                yield show_item, season['number'], episode
