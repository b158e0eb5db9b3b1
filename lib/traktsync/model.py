"""The sync model: ids, item keys, and the three states the planner compares.

Pure Python (no Kodi, no HTTP, no file I/O), so it runs anywhere and is tested
without either side.

* ``Ids``: the usable ids of a movie, show or episode.
* ``KodiSnapshot`` (``KodiMovie``, ``KodiEpisode``, ``Unmatched``): the Kodi library as the Kodi-side reader saw it.
* ``TraktSnapshot`` (``TraktMovie``, ``TraktEpisode``, ``TraktShow``): the account, built from trakt's raw lists.
* ``ItemIndex``: resolves an item from either side to one canonical key.
* ``Baseline``: what both sides had at the last successful sync, stored as JSON by the engine.

Keys
----
A movie's key is ``'movie:<type>:<value>'``, an episode's ``'episode:<type>:<value>:<season>:<number>'`` where
``<type>:<value>`` is an id of its show. Matching uses ids only: two items are the same when they share any id of
the same type with the same value (for episodes: their shows do, and season and number are equal). ``ItemIndex``
joins the ids of both sides into groups (union-find), so a Kodi movie that has only tmdb and a trakt movie that has
imdb+tmdb+trakt end up in one group. The group's canonical key uses the first id type of a fixed priority order
that some member of the group has (movies: imdb > tmdb > trakt; shows: tvdb > tmdb > imdb > trakt; several values
of that type: the smallest), so the same inputs always give the same key, whatever their order.

The baseline is stored under canonical keys. Because a group's canonical key can change between runs (a side gains
or loses an id), baseline look-ups try every alias of the group (one key per id the group has), canonical first.
Edge cases:

* an id gained later (Kodi rescraped and now has imdb too): the group's new canonical key misses, the old key is
  one of its aliases and is found; the planner re-records the entry under the new key (``replaces``).
* an id lost on the only side that had it: no alias matches any more and the item is treated as new (first-sync
  rules, which never invent plays, see plan.py).
* a wrong id that joins two different titles into one group (bad scraper data): they are treated as one item;
  that is the price of "ids only, no title guessing" and it is visible in the plan's item titles.
* slugs are not used for matching (they change when a title is renamed); they are still sent to trakt.

Times are timezone-aware UTC ``datetime`` objects. trakt stores minutes only, so times are compared with
``to_minute``.
"""
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import List, Optional

MOVIE = 'movie'
SHOW = 'show'
EPISODE = 'episode'

_IMDB = re.compile(r'^tt\d+$')
_DIGITS = re.compile(r'^\d+$')


def _slots(cls):
    """Give a dataclass ``__slots__`` (Python 3.8's dataclass cannot): libraries hold 100,000 episodes."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    namespace = dict(cls.__dict__)
    namespace['__slots__'] = names
    for name in names:
        namespace.pop(name, None)
    namespace.pop('__dict__', None)
    namespace.pop('__weakref__', None)
    slotted = type(cls)(cls.__name__, cls.__bases__, namespace)
    slotted.__qualname__ = cls.__qualname__
    return slotted


# --- times ---------------------------------------------------------------------------------------------------

def parse_utc(value):
    """A trakt timestamp (``'2014-10-11T17:00:54.000Z'``) as an aware UTC datetime; ``None`` for null/empty."""
    if value is None or value == '':
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    if text.endswith('Z') or text.endswith('z'):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        # fromisoformat before Python 3.11 (Kodi 19 embeds 3.9) accepts only 0, 3 or 6 fraction digits and only
        # "+HH:MM" offsets, not "+HHMM".
        match = re.match(r'^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(?:([+-]\d{2}):?(\d{2}))?$',
                         text)
        if not match:
            raise ValueError('not an ISO-8601 timestamp: {!r}'.format(value)) from None
        fraction = '.' + (match.group(2) + '00000')[:6] if match.group(2) else ''
        offset = '{}:{}'.format(match.group(3), match.group(4)) if match.group(3) else '+00:00'
        parsed = datetime.fromisoformat(match.group(1) + fraction + offset)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_utc(value):
    """An aware datetime as trakt writes it: ``'2014-10-11T17:00:00.000Z'``; ``None`` stays ``None``, and so does
    a time that has no UTC form (year 1 east of Greenwich). The year always has four digits (``strftime`` writes
    year 999 as ``'999'`` on glibc, which trakt refuses)."""
    if value is None:
        return None
    try:
        value = value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return '{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.000Z'.format(value.year, value.month, value.day, value.hour,
                                                                 value.minute, value.second)


def to_minute(value):
    """``value`` without seconds: trakt keeps minutes only, so equal minutes mean the same time."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(second=0, microsecond=0)


def later(a, b):
    """The later of two optional datetimes."""
    if a is None:
        return b
    if b is None:
        return a
    return a if a >= b else b


ONE_MINUTE = timedelta(minutes=1)


# --- ids -----------------------------------------------------------------------------------------------------

# Which id types identify an item of a kind, best first. Used for canonical keys (matching) ...
_MATCH_ORDER = {MOVIE: ('imdb', 'tmdb', 'trakt'), SHOW: ('tvdb', 'tmdb', 'imdb', 'trakt')}
# ... and for POST bodies (docs/trakt-api-v2.md §4: what trakt accepts per type, in trakt's own preference order).
_SEND_ORDER = {MOVIE: ('imdb', 'tmdb', 'trakt', 'slug'), SHOW: ('imdb', 'tvdb', 'tmdb', 'trakt', 'slug'),
               EPISODE: ('tvdb', 'trakt')}


def _as_int(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value).strip()
    if _DIGITS.match(text) and int(text) > 0:
        return int(text)
    return None


def _as_imdb(value):
    if value is None:
        return None
    text = str(value).strip()
    return text if _IMDB.match(text) else None


@_slots
@dataclass(frozen=True)
class Ids:
    """The usable ids of a movie, show or episode; every field may be ``None``.

    imdb is a ``'tt1234567'`` string (anything else is dropped), tmdb/tvdb/trakt are positive ints, slug a string.
    """
    imdb: Optional[str] = None
    tmdb: Optional[int] = None
    tvdb: Optional[int] = None
    trakt: Optional[int] = None
    slug: Optional[str] = None

    @classmethod
    def from_kodi_uniqueid(cls, uniqueid, imdbnumber=None):
        """Ids from Kodi's ``uniqueid`` map (values are strings) and ``imdbnumber``.

        imdb only when it looks like ``tt\\d+``; tmdb and tvdb only when they are digits; other keys
        (``'unknown'``, ``'default'``, scraper names) are ignored. ``imdbnumber`` is used only as a ``tt…``
        fallback: bare digits there may be a tvdb or tmdb id and are never guessed at.
        """
        uniqueid = uniqueid or {}
        imdb = _as_imdb(uniqueid.get('imdb')) or _as_imdb(imdbnumber)
        return cls(imdb=imdb, tmdb=_as_int(uniqueid.get('tmdb')), tvdb=_as_int(uniqueid.get('tvdb')))

    @classmethod
    def from_trakt(cls, ids):
        """Ids from a trakt ``ids`` object; unusable values (null, malformed) are dropped."""
        ids = ids or {}
        slug = ids.get('slug')
        return cls(imdb=_as_imdb(ids.get('imdb')), tmdb=_as_int(ids.get('tmdb')), tvdb=_as_int(ids.get('tvdb')),
                   trakt=_as_int(ids.get('trakt')), slug=str(slug) if slug else None)

    def to_trakt(self, kind=MOVIE):
        """The ids trakt accepts for ``kind`` (movie, show, episode) as a POST ``ids`` object, best first."""
        body = {}
        for name in _SEND_ORDER[kind]:
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        return body

    def tokens(self, kind):
        """``(type, value)`` pairs that identify the item when matching (``kind`` movie or show), best first."""
        tokens = []
        for name in _MATCH_ORDER[kind]:   # a plain loop: called for every item of both sides, several times
            value = getattr(self, name)
            if value is not None:
                tokens.append((name, value))
        return tokens

    def __bool__(self):
        return not (self.imdb is None and self.tmdb is None and self.tvdb is None and self.trakt is None)


# --- the Kodi side -------------------------------------------------------------------------------------------

@_slots
@dataclass
class KodiMovie:
    """A movie of the Kodi library. Times are aware UTC datetimes; ``metadata`` uses trakt's collection fields
    (media_type, resolution, hdr, audio, audio_channels, 3d) or is ``None`` when unknown."""
    kodi_id: int
    ids: Ids
    title: str
    year: Optional[int]
    playcount: int
    lastplayed: Optional[datetime]
    dateadded: Optional[datetime]
    file: str
    metadata: Optional[dict] = None
    userrating: int = 0               # the user's rating, 1-10; 0: none
    resume: Optional[tuple] = None    # Kodi's resume point (position, total) in seconds; None: none
    runtime: int = 0                  # seconds, for a resume point from trakt when Kodi has no total yet


@_slots
@dataclass
class KodiEpisode:
    """An episode of the Kodi library. ``show_ids`` are its show's ids (share one ``Ids`` object per show to save
    memory), ``ids`` the episode's own (Kodi's episode uniqueid: used when posting by episode id)."""
    kodi_id: int
    show_ids: Ids
    show_title: str
    season: int
    number: int
    ids: Ids
    title: str
    playcount: int
    lastplayed: Optional[datetime]
    dateadded: Optional[datetime]
    file: str
    metadata: Optional[dict] = None
    userrating: int = 0               # the user's rating, 1-10; 0: none
    resume: Optional[tuple] = None    # Kodi's resume point (position, total) in seconds; None: none
    runtime: int = 0                  # seconds, for a resume point from trakt when Kodi has no total yet


@_slots
@dataclass
class Unmatched:
    """A local item that is not synced, and why (no usable ids, excluded by a path rule, ...).

    ``kind`` is movie or episode; for an episode ``title`` is its show's title. ``year`` helps keep a same-titled
    trakt item out of the clean-up (it may be this very item)."""
    kind: str
    title: str
    file: str
    reason: str
    year: Optional[int] = None


@dataclass
class KodiSnapshot:
    """The Kodi library as read. ``complete`` is False when the read looks partial (a source root unreachable,
    an empty library): the planner then proposes no clean-up and forgets no baseline entries.
    ``unmatched`` and ``excluded`` are items the reader left out (no ids / path rules)."""
    movies: List[KodiMovie] = field(default_factory=list)
    episodes: List[KodiEpisode] = field(default_factory=list)
    unmatched: List[Unmatched] = field(default_factory=list)
    complete: bool = True
    incomplete_reason: Optional[str] = None
    excluded: List[Unmatched] = field(default_factory=list)
    odd_dates: List[Unmatched] = field(default_factory=list)   # synced, but a date Kodi holds was dropped


# --- the trakt side ------------------------------------------------------------------------------------------

@_slots
@dataclass
class TraktShow:
    """A show of the account; shared by its episodes. ``reset_at``: when the user started re-watching it."""
    ids: Ids
    title: str
    year: Optional[int] = None
    reset_at: Optional[datetime] = None


@_slots
@dataclass
class TraktMovie:
    """A movie from trakt's watched and/or collection lists (``collected`` tells whether it is in the
    collection; ``plays`` is 0 when it is not on the watched list)."""
    ids: Ids
    title: str
    year: Optional[int] = None
    plays: int = 0
    last_watched_at: Optional[datetime] = None
    collected: bool = False
    collected_at: Optional[datetime] = None
    metadata: Optional[dict] = None


@_slots
@dataclass
class TraktEpisode:
    """An episode from trakt's watched and/or collection lists, addressed by show + season + number."""
    show: TraktShow
    season: int
    number: int
    plays: int = 0
    last_watched_at: Optional[datetime] = None
    collected: bool = False
    collected_at: Optional[datetime] = None
    metadata: Optional[dict] = None

    def watched_before_reset(self):
        """True when every play of this episode predates its show's ``reset_at`` (the user is re-watching the
        show and has not re-watched this episode yet). Compared at minute precision."""
        reset_at = self.show.reset_at
        if reset_at is None or not self.plays or self.last_watched_at is None:
            return False
        return to_minute(self.last_watched_at) < to_minute(reset_at)


class TraktDataError(ValueError):
    """trakt's lists are not shaped as expected; nothing is synced from them."""


def _require(entry, name, where):
    if not isinstance(entry, dict) or not isinstance(entry.get(name), dict):
        raise TraktDataError('{}: expected an object with "{}", got {!r}'.format(where, name, entry)[:300])
    ids = Ids.from_trakt(entry[name].get('ids'))
    if not ids:
        raise TraktDataError('{}: "{}" has no usable ids: {!r}'.format(where, name, entry[name])[:300])
    return entry[name], ids


def _plays(value, where):
    plays = 0 if value is None else value
    if isinstance(plays, bool) or not isinstance(plays, int) or plays < 0:
        raise TraktDataError('{}: plays must be a non-negative integer, got {!r}'.format(where, value))
    return plays


def _int(value, where, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TraktDataError('{}: {} must be an integer, got {!r}'.format(where, what, value))
    return value


@dataclass
class TraktSnapshot:
    """The account's watched and collected movies and episodes, one object per item."""
    movies: List[TraktMovie] = field(default_factory=list)
    episodes: List[TraktEpisode] = field(default_factory=list)

    @classmethod
    def from_lists(cls, watched_movies=(), watched_shows=(), collection_movies=(), collection_shows=()):
        """Build from the raw JSON lists of ``/sync/watched/movies``, ``/sync/watched/shows?extended=progress``,
        ``/sync/collection/movies`` and ``/sync/collection/shows[?extended=metadata]`` (all pages joined).

        Raises ``TraktDataError`` on a malformed entry, and on a watched show with plays but no ``seasons``
        (asked without ``extended=progress``): reading that as "nothing watched" would unwatch things in Kodi.
        """
        movies = {}
        shows = {}
        episodes = {}

        def movie_for(entry, where):
            data, ids = _require(entry, 'movie', where)
            token = ids.tokens(MOVIE)[0]
            movie = movies.get(token)
            if movie is None:
                movie = movies[token] = TraktMovie(ids, str(data.get('title') or ''), data.get('year'))
            return movie

        def show_for(entry, where):
            data, ids = _require(entry, 'show', where)
            token = ids.tokens(SHOW)[0]
            show = shows.get(token)
            if show is None:
                show = shows[token] = TraktShow(ids, str(data.get('title') or ''), data.get('year'))
            return token, show

        def episodes_of(entry, where):
            token, show = show_for(entry, where)
            seasons = entry.get('seasons')
            if seasons is None:
                seasons = []
            if not isinstance(seasons, list):
                raise TraktDataError('{}: "seasons" must be a list'.format(where))
            for season in seasons:
                season_number = _int(season.get('number') if isinstance(season, dict) else None, where, 'season')
                for episode in season.get('episodes') or []:
                    number = _int(episode.get('number') if isinstance(episode, dict) else None, where, 'episode')
                    key = (token, season_number, number)
                    item = episodes.get(key)
                    if item is None:
                        item = episodes[key] = TraktEpisode(show, season_number, number)
                    yield show, item, episode

        for i, entry in enumerate(watched_movies or ()):
            where = 'watched movie #{}'.format(i)
            movie = movie_for(entry, where)
            movie.plays = max(movie.plays, _plays(entry.get('plays'), where))
            movie.last_watched_at = later(movie.last_watched_at, parse_utc(entry.get('last_watched_at')))
        for i, entry in enumerate(watched_shows or ()):
            where = 'watched show #{}'.format(i)
            if isinstance(entry, dict) and entry.get('seasons') is None and _plays(entry.get('plays'), where):
                raise TraktDataError('{}: has plays but no "seasons"; ask with extended=progress'.format(where))
            for show, item, episode in episodes_of(entry, where):
                show.reset_at = parse_utc(entry.get('reset_at'))
                item.plays = max(item.plays, _plays(episode.get('plays'), where))
                item.last_watched_at = later(item.last_watched_at, parse_utc(episode.get('last_watched_at')))
        for i, entry in enumerate(collection_movies or ()):
            where = 'collected movie #{}'.format(i)
            movie = movie_for(entry, where)
            movie.collected = True
            movie.collected_at = parse_utc(entry.get('collected_at'))
            movie.metadata = entry.get('metadata') or movie.metadata
        for i, entry in enumerate(collection_shows or ()):
            where = 'collected show #{}'.format(i)
            for _show, item, episode in episodes_of(entry, where):
                item.collected = True
                item.collected_at = parse_utc(episode.get('collected_at'))
                item.metadata = episode.get('metadata') or item.metadata
        return cls(list(movies.values()), list(episodes.values()))


# --- keys ----------------------------------------------------------------------------------------------------

class ItemIndex:
    """Resolves movies and shows from both sides to canonical keys (see the module docstring for the rule).

    Add every item's ids first (``add_movie``/``add_show``), then ask for keys. Adding after a key was asked is
    allowed; keys are recomputed lazily.
    """

    def __init__(self):
        self._parent = {}
        self._best = None
        self._members = None

    def _find(self, token):
        parent = self._parent
        root = token
        while parent[root] != root:
            root = parent[root]
        while parent[token] != root:
            parent[token], token = root, parent[token]
        return root

    def _add(self, kind, ids):
        tokens = [(kind,) + t for t in ids.tokens(kind)]
        if not tokens:
            return
        self._best = None
        for token in tokens:
            self._parent.setdefault(token, token)
        first = self._find(tokens[0])
        for token in tokens[1:]:
            root = self._find(token)
            if root != first:
                self._parent[root] = first

    def add_movie(self, ids):
        self._add(MOVIE, ids)

    def add_show(self, ids):
        self._add(SHOW, ids)

    def knows(self, kind, name, value):
        """Whether an item of either side has the id ``name`` = ``value`` (a string, as keys hold it)."""
        typed = value if name == 'imdb' else _as_int(value)
        return typed is not None and (kind, name, typed) in self._parent

    def _prepare(self):
        if self._best is not None:
            return
        members = {}
        for token in self._parent:
            members.setdefault(self._find(token), []).append(token)
        best = {}
        for root, tokens in members.items():
            order = _MATCH_ORDER[root[0]]
            tokens.sort(key=lambda t: (order.index(t[1]), str(t[2])))
            best[root] = tokens
        self._members = best
        self._best = {root: tokens[0] for root, tokens in best.items()}

    def _group(self, kind, ids):
        self._prepare()
        for name, value in ids.tokens(kind):
            token = (kind, name, value)
            if token in self._parent:
                return self._find(token)
        return None

    def group_of_movie(self, ids):
        """An opaque, hashable handle of the movie's group (``None`` when it has no ids or was never added)."""
        return self._group(MOVIE, ids)

    def group_of_show(self, ids):
        return self._group(SHOW, ids)

    def has_aliases(self, group):
        """Whether the group is known by more than one key (more than one id)."""
        self._prepare()
        return len(self._members[group]) > 1

    def movie_key(self, group):
        _kind, name, value = self._best[group]
        return 'movie:{}:{}'.format(name, value)

    def movie_aliases(self, group):
        """Every key the movie may have been stored under, canonical first."""
        return ['movie:{}:{}'.format(name, value) for _kind, name, value in self._members[group]]

    def episode_key(self, show_group, season, number):
        _kind, name, value = self._best[show_group]
        return 'episode:{}:{}:{}:{}'.format(name, value, season, number)

    def episode_aliases(self, show_group, season, number):
        return ['episode:{}:{}:{}:{}'.format(name, value, season, number)
                for _kind, name, value in self._members[show_group]]


# --- baseline ------------------------------------------------------------------------------------------------

class BaselineError(ValueError):
    """A stored baseline that cannot be read; the caller keeps the file and starts from no baseline."""


def row_token(kodi_id, dateadded):
    """The identity of one Kodi library row: its id and the date it was added (a row id alone is reused when a
    library is rebuilt). ``dateadded`` is an aware datetime or ``None``."""
    return '{}@{}'.format(kodi_id, format_utc(dateadded) or '')


class Baseline:
    """What both sides had at the last successful sync, for one trakt account (docs/design.md, "The baseline").

    ``watched[key] = [kodi_plays, trakt_plays, lastplayed, rows(, trakt_newest)]``: the item's plays on each
    side (Kodi's is the item's, over all its copies), Kodi's lastplayed (a trakt timestamp string or ``None``),
    ``rows``: the Kodi library rows the entry was made from, ``{row_token: playcount}`` (``None`` in an entry
    migrated from schema 1, which did not record rows), and while trakt has plays of the item the minute of its
    newest one (absent in entries written before it was kept). An unwatched item has an entry too (its rows): once
    the add-on has seen a row, later viewings of it are changes, never a first sync. ``collected`` holds the keys
    that were in the trakt collection. ``account`` is the trakt account (uuid or slug) the baseline belongs to;
    ``kodi_writes_folded`` names the records of other accounts' Kodi writes folded into it (other_accounts.py).
    ``ratings[key] = [kodi_rating, trakt_rating]`` (0: none) and ``resume[key] = [kodi_position, trakt_progress]``
    (Kodi's resume point in seconds, trakt's in percent; 0: none) are what each side held at the last sync
    (ratings_plan.py, resume_plan.py). Schema 1 and 2 baselines are migrated: their items have no ratings or resume
    entry yet, so those start with first-sync rules.

    The engine records every confirmed action with ``record(action)`` right after trakt or Kodi confirmed it, and
    ``record_settled(plan)`` after planning.
    """
    SCHEMA = 3

    def __init__(self, watched=None, collected=None, account=None, ratings=None, resume=None,
                 kodi_writes_folded=()):
        self.watched = dict(watched or {})
        self.collected = set(collected or ())
        self.account = account
        self.ratings = dict(ratings or {})
        self.resume = dict(resume or {})
        # the batches of other accounts' Kodi writes folded into this baseline (other_accounts.py)
        self.kodi_writes_folded = list(kodi_writes_folded)

    # reading
    def find_watched(self, keys):
        """``(key, kodi_plays, trakt_plays, rows)`` of the first of ``keys`` that has an entry, else ``None``."""
        for key in keys:
            entry = self.watched.get(key)
            if entry is not None:
                return key, entry[0], entry[1], entry[3]
        return None

    def was_collected(self, keys):
        return any(key in self.collected for key in keys)

    @staticmethod
    def _find(section, keys):
        """``(key, entry)`` of the first of ``keys`` that has an entry in ``section``, else ``(None, None)``."""
        for key in keys:
            entry = section.get(key)
            if entry is not None:
                return key, entry
        return None, None

    def find_rating(self, keys):
        """``(key, [kodi_rating, trakt_rating])`` of the first of ``keys`` with a ratings entry, or (None, None)."""
        return self._find(self.ratings, keys)

    def find_resume(self, keys):
        """``(key, [kodi_position, trakt_progress])`` of the first of ``keys`` with a resume entry, or
        (None, None)."""
        return self._find(self.resume, keys)

    # recording
    def trakt_newest(self, key):
        """The minute of trakt's newest play of ``key`` at the last sync (an aware datetime), or ``None``: no plays,
        or an entry from before it was kept."""
        entry = self.watched.get(key)
        return parse_utc(entry[4]) if entry is not None and len(entry) > 4 else None

    def record_watched(self, key, kodi_plays, trakt_plays, lastplayed=None, replaces=None, rows=None,
                       trakt_newest=None):
        """Both sides now hold these plays for ``key`` and Kodi's rows these playcounts (``rows``:
        ``{row_token: playcount}``); ``replaces`` is an older key of the same item to drop; ``trakt_newest``:
        trakt's newest play of it (kept, to the minute, while trakt has plays)."""
        if replaces and replaces != key:
            self.watched.pop(replaces, None)
        if not kodi_plays and not trakt_plays and not rows:
            self.watched.pop(key, None)
        else:
            entry = [int(kodi_plays), int(trakt_plays), format_utc(lastplayed),
                     dict(rows) if rows is not None else None]
            if trakt_plays and trakt_newest is not None:
                entry.append(format_utc(to_minute(trakt_newest)))
            self.watched[key] = entry

    def record_history_added(self, key, kodi_plays, trakt_plays, lastplayed=None, replaces=None, rows=None,
                             trakt_newest=None):
        """trakt confirmed new plays; trakt now has ``trakt_plays`` and Kodi ``kodi_plays``."""
        self.record_watched(key, kodi_plays, trakt_plays, lastplayed, replaces, rows, trakt_newest)

    def record_history_removed(self, key, kodi_plays=0, replaces=None, rows=None):
        self.record_watched(key, kodi_plays, 0, None, replaces, rows)

    def record_kodi_updated(self, key, kodi_plays, trakt_plays, lastplayed=None, replaces=None, rows=None,
                            trakt_newest=None):
        self.record_watched(key, kodi_plays, trakt_plays, lastplayed, replaces, rows, trakt_newest)

    def record_collected(self, key):
        self.collected.add(key)

    def record_uncollected(self, key):
        self.collected.discard(key)

    def forget(self, key):
        self.watched.pop(key, None)

    def record_rating(self, key, kodi_rating, trakt_rating, replaces=None):
        """Both sides now hold these ratings (0: none); an item rated on neither side needs no entry."""
        if replaces and replaces != key:
            self.ratings.pop(replaces, None)
        if kodi_rating or trakt_rating:
            self.ratings[key] = [int(kodi_rating), int(trakt_rating)]
        else:
            self.ratings.pop(key, None)

    def record_resume(self, key, kodi_position, trakt_progress, replaces=None):
        """Both sides now hold these resume points (Kodi's in seconds, trakt's in percent; 0: none)."""
        if replaces and replaces != key:
            self.resume.pop(replaces, None)
        if kodi_position or trakt_progress:
            self.resume[key] = [round(float(kodi_position), 1), round(float(trakt_progress), 2)]
        else:
            self.resume.pop(key, None)

    def record(self, action):
        """Record one confirmed plan action (any of plan.py's action types)."""
        recorder = getattr(action, 'record_into', None)
        if recorder is None:
            raise TypeError('not a plan action: {!r}'.format(action))
        recorder(self)

    def record_settled(self, plan):
        """Right after planning, before applying actions: store the plays of items that need no write, drop
        entries of items gone from the (completely read) Kodi library, and take trakt's collection as read.
        Confirmed actions are recorded afterwards with ``record``."""
        for settled in plan.settled:
            settled.record_into(self)
        for key in plan.forget:
            self.forget(key)
        self.collected = set(plan.collected_on_trakt)

    # storage
    def to_json(self, ordered=True):
        """A JSON-serializable dict (``schema`` versioned); nothing in it changes when the baseline does later.
        ``ordered=False`` leaves the keys in no order and copies each section whole (at XL 6 ms against ~120 ms
        sorted: the saves during a sync take it under the records' lock); baseline_text.py relies on entries being
        replaced, never changed in place."""
        section = (lambda entries: dict(sorted(entries.items()))) if ordered else dict.copy
        keys = sorted if ordered else list
        data = {'schema': self.SCHEMA, 'account': self.account, 'watched': section(self.watched),
                'collected': keys(self.collected), 'ratings': section(self.ratings), 'resume': section(self.resume)}
        if self.kodi_writes_folded:
            data['kodi_writes_folded'] = list(self.kodi_writes_folded)
        return data

    @classmethod
    def from_json(cls, data):
        """Read a stored baseline. Older schemas are migrated, never discarded: a schema-1 one (no rows, no
        account) keeps its plays, matched to whatever rows the item has now, as schema 1 did; schema 1 and 2 have
        no ratings and resume points yet (those streams start with first-sync rules)."""
        if not isinstance(data, dict):
            raise BaselineError('baseline is not an object')
        schema = data.get('schema')
        if schema not in (1, 2, cls.SCHEMA):
            raise BaselineError('unsupported baseline schema {!r} (expected {})'.format(schema, cls.SCHEMA))
        watched = data.get('watched', {})
        collected = data.get('collected', [])
        if not isinstance(watched, dict) or not isinstance(collected, list):
            raise BaselineError('baseline "watched" must be an object and "collected" a list')
        sizes = (3,) if schema == 1 else (4, 5)   # the fifth, trakt's newest play, is there when it was known
        clean = {}
        for key, entry in watched.items():
            if (not isinstance(entry, list) or len(entry) not in sizes or not all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in entry[:2])):
                raise BaselineError('baseline entry {!r} is malformed: {!r}'.format(key, entry))
            rows = entry[3] if len(entry) > 3 else None
            if rows is not None:
                if not isinstance(rows, dict) or not all(
                        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in rows.values()):
                    raise BaselineError('baseline entry {!r} has malformed rows: {!r}'.format(key, rows))
                rows = {str(token): count for token, count in rows.items()}
            clean[str(key)] = [entry[0], entry[1], entry[2] if isinstance(entry[2], str) else None, rows]
            if len(entry) > 4 and isinstance(entry[4], str) and parse_utc(entry[4]) is not None:
                clean[str(key)].append(entry[4])
        account = data.get('account')
        folded = data.get('kodi_writes_folded')
        folded = [str(batch) for batch in folded] if isinstance(folded, list) else ()
        return cls(clean, (str(k) for k in collected), account if isinstance(account, str) else None,
                   _stream_entries(data, 'ratings', int), _stream_entries(data, 'resume', (int, float)), folded)


def _stream_entries(data, name, types):
    """The ``ratings`` or ``resume`` section of a stored baseline: ``{key: [kodi, trakt]}`` of non-negative
    numbers (absent before schema 3)."""
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise BaselineError('baseline "{}" must be an object'.format(name))
    entries = {}
    for key, entry in section.items():
        if (not isinstance(entry, list) or len(entry) != 2 or not all(
                isinstance(v, types) and not isinstance(v, bool) and v >= 0 for v in entry)):
            raise BaselineError('baseline {} entry {!r} is malformed: {!r}'.format(name, key, entry))
        entries[str(key)] = list(entry)
    return entries


__all__ = ['MOVIE', 'SHOW', 'EPISODE', 'Ids', 'KodiMovie', 'KodiEpisode', 'Unmatched', 'KodiSnapshot',
           'TraktShow', 'TraktMovie', 'TraktEpisode', 'TraktSnapshot', 'TraktDataError', 'ItemIndex', 'Baseline',
           'BaselineError', 'row_token', 'parse_utc', 'format_utc', 'to_minute', 'later', 'ONE_MINUTE']
