"""Items whose ids share nothing with the other side, matched through trakt's id look-up (docs/design.md,
"Identity: ids that do not overlap").

Items match by ids only (model.py). A Kodi film known by its tmdb id alone and trakt's entry of the same film with
imdb + trakt ids (tmdb null) share nothing, so the planner would see two items: the play sent again, the film
collected again, trakt's entry a clean candidate. Before planning, this module:

1. picks the candidates: Kodi movies (shows) whose ids share none with any trakt movie (show) of the account's
   lists, for which the lists hold a movie (show) of the same title (and year, when both know it) that shares no id
   with any Kodi item either. The title only chooses whom to ask; the match itself is trakt's answer;
2. asks trakt once per candidate, by its best id (``GET /search/{id_type}/{id}?type=movie|show``), at most
   ``MAX_LOOKUPS`` per sync, and remembers the answer per account (``id-resolution.json``, next to the trakt list
   cache), so a later sync does not ask again (an answer that named nothing is asked again after
   ``FORGET_NOTHING_AFTER``);
3. gives a Kodi item the trakt id trakt named, so the planner joins it with trakt's entry.

Whatever is still unresolved afterwards is kept safe: the trakt entries of the same title are never clean
candidates, and a Kodi item trakt could not be asked about (network, the per-sync bound) sends no plays and is not
collected in this sync (pending: trakt may know it as the entry it already has).
"""
import dataclasses
import time

from traktsync import logger
from traktsync.model import EPISODE, MOVIE, SHOW, KodiSnapshot
from traktsync.plan import Pending, make_plan
from traktsync.trakt import errors as trakt_errors

RESOLUTION_FILE = 'id-resolution.json'
SCHEMA = 1
MAX_LOOKUPS = 50                       # per sync (trakt allows 500 GETs in 5 minutes); the rest wait a sync
FORGET_NOTHING_AFTER = 7 * 24 * 3600   # an answer that named nothing is asked again after a week
# The id a Kodi item is looked up by, best first (Kodi items have no trakt id).
LOOKUP_ORDER = {MOVIE: ('imdb', 'tmdb'), SHOW: ('tvdb', 'tmdb', 'imdb')}
# What stops the look-ups of this sync without ending it: the items stay unresolved until the next sync.
LOOKUP_FAILURES = (trakt_errors.Unreachable, trakt_errors.RequestTimeout, trakt_errors.ServerError,
                   trakt_errors.MalformedResponse, trakt_errors.RateLimited, trakt_errors.RequestRejected,
                   trakt_errors.Blocked)
WAITING_REASON = ('its ids share none with trakt\'s entry of the same title and trakt could not be asked which '
                  'item it is; waiting for the next sync')


def _norm_title(title):
    return ' '.join(str(title or '').casefold().split())


def _same_year(a, b):
    return a is None or b is None or a == b


def _best_id(ids, kind):
    for name in LOOKUP_ORDER[kind]:
        value = getattr(ids, name)
        if value is not None:
            return name, value
    return None


class ResolutionMemory(object):
    """trakt's answers to id look-ups, per account: ``'movie:tmdb:603' -> {'trakt': 1000 or None, 'at': epoch}``."""

    def __init__(self, store, clock=time.time):
        self.store = store
        self.clock = clock
        data = store.load(RESOLUTION_FILE)
        answers = data.get('answers') if isinstance(data, dict) and data.get('schema') == SCHEMA else None
        self._answers = answers if isinstance(answers, dict) else {}
        self._changed = False

    def answer(self, token):
        """``(known, trakt_id)``: whether trakt's answer is remembered, and the trakt id it named (None: none)."""
        entry = self._answers.get(token)
        if not isinstance(entry, dict):
            return False, None
        trakt_id = entry.get('trakt')
        if trakt_id is None and self.clock() - (entry.get('at') or 0) > FORGET_NOTHING_AFTER:
            return False, None
        return True, trakt_id if isinstance(trakt_id, int) else None

    def remember(self, token, trakt_id):
        self._answers[token] = {'trakt': trakt_id, 'at': int(self.clock())}
        self._changed = True

    def save(self):
        if self._changed:
            self.store.save(RESOLUTION_FILE, {'schema': SCHEMA, 'answers': self._answers})
            self._changed = False


class Resolution(object):
    """What the look-ups gave: the Kodi snapshot with trakt ids added, and what is still unresolved."""

    def __init__(self, kodi):
        self.kodi = kodi
        self.unresolved_trakt = {MOVIE: set(), SHOW: set()}   # trakt Ids never cleaned in this sync
        self.waiting_kodi = {MOVIE: set(), SHOW: set()}       # Kodi Ids trakt could not be asked about
        self.lookups = 0

    def restrict(self, plan):
        """Keep the plan away from what is unresolved (see the module docstring)."""
        def trakt_side(action):
            return action.ids if action.kind == MOVIE else action.show_ids
        unresolved = self.unresolved_trakt
        kept = [c for c in plan.clean_candidates if trakt_side(c) not in unresolved[SHOW if c.kind == EPISODE
                                                                                       else MOVIE]]
        if len(kept) < len(plan.clean_candidates):
            logger.info('{} trakt collection items are not clean candidates: a Kodi item of the same title has ids '
                        'trakt did not resolve yet', len(plan.clean_candidates) - len(kept))
        plan.clean_candidates = kept
        waiting = self.waiting_kodi

        def waits(action):
            return trakt_side(action) in waiting[SHOW if action.kind == EPISODE else MOVIE]
        held = [a for a in plan.to_trakt_history_add if waits(a)]
        if held:
            plan.to_trakt_history_add = [a for a in plan.to_trakt_history_add if not waits(a)]
            plan.pending.extend(Pending(a.kind, a.key, a.title, a.reason + '; ' + WAITING_REASON) for a in held)
        plan.collection_add = [a for a in plan.collection_add if not waits(a)]


def _candidates(kodi_ids, trakt_items, kind):
    """``(kodi Ids to look up, {trakt Ids: title key})``: the items of each side whose ids share nothing with the
    other side, where the other side has such an item of the same title (and year)."""
    def tokens(ids):
        return set(ids.tokens(kind))
    kodi_tokens = set()
    for ids in kodi_ids:
        kodi_tokens |= tokens(ids)
    trakt_tokens = set()
    for ids, _title, _year in trakt_items:
        trakt_tokens |= tokens(ids)
    lonely_trakt = {}
    for ids, title, year in trakt_items:
        if not tokens(ids) & kodi_tokens:
            lonely_trakt.setdefault(_norm_title(title), []).append((ids, year))
    if not lonely_trakt:
        return {}, {}
    chosen = {}
    paired = {}
    for ids, (title, year) in kodi_ids.items():
        if not ids or tokens(ids) & trakt_tokens:
            continue
        same = [(t, y) for t, y in lonely_trakt.get(_norm_title(title), []) if _same_year(year, y)]
        if same:
            chosen[ids] = same
            for trakt_ids, _y in same:
                paired[trakt_ids] = True
    return chosen, paired


def resolve(kodi, trakt_snapshot, trakt, store, clock=time.time):
    """Ask trakt about the Kodi items whose ids share nothing with the account's lists (see the module
    docstring); a ``Resolution`` whose ``kodi`` is the snapshot to plan with."""
    resolution = Resolution(kodi)
    memory = ResolutionMemory(store, clock)
    kodi_movies = {}
    for movie in kodi.movies:
        kodi_movies.setdefault(movie.ids, (movie.title, movie.year))
    kodi_shows = {}
    for episode in kodi.episodes:
        kodi_shows.setdefault(episode.show_ids, (episode.show_title, None))
    trakt_movies = [(m.ids, m.title, m.year) for m in trakt_snapshot.movies]
    shows = {}
    for episode in trakt_snapshot.episodes:
        shows.setdefault(episode.show.ids, (episode.show.ids, episode.show.title, episode.show.year))
    named = {MOVIE: {}, SHOW: {}}     # Kodi Ids -> trakt id trakt named
    stopped = None
    for kind, kodi_side, trakt_side in ((MOVIE, kodi_movies, trakt_movies), (SHOW, kodi_shows, list(shows.values()))):
        chosen, paired = _candidates(kodi_side, trakt_side, kind)
        matched = set()
        for ids in sorted(chosen, key=lambda i: str(_best_id(i, kind))):
            best = _best_id(ids, kind)
            if best is None:
                continue
            token = '{}:{}:{}'.format(kind, best[0], best[1])
            known, trakt_id = memory.answer(token)
            if not known:
                if stopped is None and resolution.lookups >= MAX_LOOKUPS:
                    stopped = 'more than {} items to look up in one sync'.format(MAX_LOOKUPS)
                if stopped is not None:
                    resolution.waiting_kodi[kind].add(ids)
                    continue
                try:
                    resolution.lookups += 1
                    answer = trakt.search_id(best[0], best[1], kind)
                except LOOKUP_FAILURES as exc:
                    stopped = exc.message
                    resolution.waiting_kodi[kind].add(ids)
                    continue
                trakt_id = _named_trakt_id(answer, kind, [t for t, _y in chosen[ids]])
                memory.remember(token, trakt_id)
            if trakt_id is not None:
                named[kind][ids] = trakt_id
                matched.update(t for t, _y in chosen[ids] if t.trakt == trakt_id)
        resolution.unresolved_trakt[kind] = set(paired) - matched
    memory.save()
    if stopped is not None:
        logger.warning('trakt was not asked about every item whose ids share none with trakt\'s ({}); they wait '
                       'for the next sync', stopped)
    if resolution.lookups:
        logger.info('asked trakt about {} items whose ids share none with the account\'s', resolution.lookups)
    if named[MOVIE] or named[SHOW]:
        resolution.kodi = _with_trakt_ids(kodi, named)
    return resolution


def _named_trakt_id(answer, kind, hoped):
    """The trakt id trakt's look-up answer names for an item of ``kind``: the one of ``hoped`` (the same-titled
    trakt entries) when trakt names it, else trakt's first, else None."""
    named = []
    for entry in answer:
        if entry.get('type') != kind or not isinstance(entry.get(kind), dict):
            continue
        trakt_id = (entry[kind].get('ids') or {}).get('trakt')
        if isinstance(trakt_id, int) and not isinstance(trakt_id, bool) and trakt_id > 0:
            named.append(trakt_id)
    for ids in hoped:
        if ids.trakt in named:
            return ids.trakt
    return named[0] if named else None


def _with_trakt_ids(kodi, named):
    """The snapshot with each resolved Kodi item's ids joined by the trakt id trakt named."""
    movies = [dataclasses.replace(m, ids=dataclasses.replace(m.ids, trakt=named[MOVIE][m.ids]))
              if m.ids in named[MOVIE] else m for m in kodi.movies]
    show_ids = {ids: dataclasses.replace(ids, trakt=trakt_id) for ids, trakt_id in named[SHOW].items()}
    episodes = [dataclasses.replace(e, show_ids=show_ids[e.show_ids]) if e.show_ids in show_ids else e
                for e in kodi.episodes]
    return KodiSnapshot(movies=movies, episodes=episodes, unmatched=kodi.unmatched, complete=kodi.complete,
                        incomplete_reason=kodi.incomplete_reason, excluded=kodi.excluded, odd_dates=kodi.odd_dates)


def plan_with_id_resolution(kodi, trakt_snapshot, baseline, options, hold_history, trakt, store, clock=time.time):
    """``plan.make_plan`` after resolving the items whose ids share nothing with the other side."""
    resolution = resolve(kodi, trakt_snapshot, trakt, store, clock)
    plan = make_plan(resolution.kodi, trakt_snapshot, baseline, options, hold_history=hold_history)
    resolution.restrict(plan)
    return plan
