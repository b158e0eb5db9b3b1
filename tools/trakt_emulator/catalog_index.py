"""Look-ups of catalog items by any of the ids trakt accepts in request bodies (doc §4), and by external id
(``GET /search/{id_type}/{id}``).

A catalog item may carry ``search_ids`` besides ``ids``: ids trakt knows (its id look-up and request bodies find
the item by them) but does not show in its lists, where the same id in ``ids`` is null. That is how trakt holds a
film whose tmdb id is null in the sync lists while a Kodi library knows the film by that tmdb id only.
"""

MOVIE_ID_KEYS = ('trakt', 'slug', 'imdb', 'tmdb')
SHOW_ID_KEYS = ('trakt', 'slug', 'imdb', 'tmdb', 'tvdb')
SEASON_ID_KEYS = ('trakt', 'tvdb', 'tmdb')
EPISODE_ID_KEYS = ('trakt', 'tvdb', 'imdb', 'tmdb')
SEARCH_ID_TYPES = ('trakt', 'imdb', 'tmdb', 'tvdb')
SEARCH_TYPES = ('movie', 'show', 'episode')
SEARCH_SCORE = 1000   # an id look-up is exact; trakt's answers carry a score all the same


def _key(id_type, value):
    # Integers may arrive as strings ("tmdb": "603") and imdb/slug case varies in the wild.
    return id_type, str(value).strip().lower()


class CatalogIndex(object):
    def __init__(self, catalog):
        self.catalog = catalog
        self.movies = {}
        self.movie_by_trakt = {}
        self.shows = {}
        self.show_by_trakt = {}
        self.seasons = {}
        self.episodes = {}
        self.episode_by_trakt = {}  # trakt id -> (show, season number, episode)
        for movie in catalog.get('movies', []):
            self.movie_by_trakt[movie['ids']['trakt']] = movie
            self._add(self.movies, movie, MOVIE_ID_KEYS, movie)
        for show in catalog.get('shows', []):
            self.show_by_trakt[show['ids']['trakt']] = show
            self._add(self.shows, show, SHOW_ID_KEYS, show)
            for season in show.get('seasons', []):
                self._add(self.seasons, season, SEASON_ID_KEYS, (show, season))
                for episode in season.get('episodes', []):
                    entry = (show, season['number'], episode)
                    self.episode_by_trakt[episode['ids']['trakt']] = entry
                    self._add(self.episodes, episode, EPISODE_ID_KEYS, entry)

    @staticmethod
    def _add(table, item, keys, value):
        for ids in (item.get('ids') or {}, item.get('search_ids') or {}):
            for id_type in keys:
                if ids.get(id_type) not in (None, ''):
                    table[_key(id_type, ids[id_type])] = value

    def search_id(self, id_type, value, types=SEARCH_TYPES):
        """What ``GET /search/{id_type}/{id}`` answers: ``[{type, score, movie|show|episode(+show)}]``, movies
        first, for the item types in ``types``. Ids are kept per type, as trakt keeps them: a tmdb movie id and a
        tmdb show id with the same number are two items (send ``type`` to get only one)."""
        results = []
        key = _key(id_type, value)
        if 'movie' in types and id_type in MOVIE_ID_KEYS and key in self.movies:
            results.append({'type': 'movie', 'score': SEARCH_SCORE, 'movie': movie_summary(self.movies[key])})
        if 'show' in types and id_type in SHOW_ID_KEYS and key in self.shows:
            results.append({'type': 'show', 'score': SEARCH_SCORE, 'show': show_summary(self.shows[key], self)})
        if 'episode' in types and id_type in EPISODE_ID_KEYS and key in self.episodes:
            show, season_number, episode = self.episodes[key]
            results.append({'type': 'episode', 'score': SEARCH_SCORE,
                            'episode': episode_summary(season_number, episode), 'show': show_summary(show, self)})
        return results

    @staticmethod
    def _find(table, ids, keys):
        if not isinstance(ids, dict):
            return None
        for id_type in keys:
            if ids.get(id_type) not in (None, ''):
                found = table.get(_key(id_type, ids[id_type]))
                if found is not None:
                    return found
        return None

    def find_movie(self, item):
        found = self._find(self.movies, item.get('ids'), MOVIE_ID_KEYS)
        if found is None and 'ids' not in item and item.get('title'):
            found = self._by_title(self.catalog.get('movies', []), item)
        return found

    def find_show(self, item):
        found = self._find(self.shows, item.get('ids'), SHOW_ID_KEYS)
        if found is None and 'ids' not in item and item.get('title'):
            found = self._by_title(self.catalog.get('shows', []), item)
        return found

    def find_season(self, item):
        return self._find(self.seasons, item.get('ids'), SEASON_ID_KEYS)

    def find_episode(self, item):
        return self._find(self.episodes, item.get('ids'), EPISODE_ID_KEYS)

    @staticmethod
    def _by_title(items, item):
        for candidate in items:
            if candidate['title'].lower() == str(item['title']).lower() and candidate.get('year') == item.get('year'):
                return candidate
        return None

    def season_of(self, show, number):
        for season in show.get('seasons', []):
            if season['number'] == number:
                return season
        return None

    def aired_episodes(self, show):
        return sum(len(season.get('episodes', [])) for season in show.get('seasons', []) if season['number'] > 0)


def movie_summary(movie):
    return {'title': movie['title'], 'year': movie.get('year'), 'ids': dict(movie['ids'])}


def show_summary(show, index):
    return {'title': show['title'], 'year': show.get('year'), 'aired_episodes': index.aired_episodes(show),
            'ids': dict(show['ids'])}


def episode_summary(season_number, episode):
    return {'season': season_number, 'number': episode['number'], 'title': episode.get('title'),
            'ids': dict(episode['ids'])}
