"""The ratings and resume-point stages of a sync: read trakt's lists, plan (ratings_plan, resume_plan), write.

They run after the watched and collection stages, each as a stage of its own, so they never reshape those rounds:
the engine hands over the Kodi snapshot, trakt's watched lists and the baseline it already has, and its own
``post`` (batches, not-found memory, counters), ``check_cancel`` and ``save_baseline``.

trakt's lists are cached per account with the ``/sync/last_activities`` stamps they were read at, like the watched
lists (trakt_cache.py): a sync in which nothing changed reads none of them, and the lists this sync wrote to are
read again at its end. trakt drops a point when the item is scrobbled to its end without moving ``paused_at``: a
cached point older than trakt's newest play of the item counts as none (resume_plan.py), so it needs no re-read.
"""
from datetime import datetime, timezone

from traktsync import logger, ratings_plan, resume_plan, stream_items, streams
from traktsync.cache_files import CacheFiles
from traktsync.kodi_batch import write_in_batches
from traktsync.model import EPISODE, MOVIE, SHOW, format_utc
from traktsync.trakt import errors as trakt_errors

STREAM_CACHE = 'stream-cache.json'
STREAM_CACHE_STAMPS = 'stream-cache-stamps.json'   # its stamps and Kodi's state alone (StreamListCache)
CACHE_SCHEMA = 1
# list name -> the last_activities stamps that move when it changes
STREAM_LISTS = {
    'ratings_movies': (('movies', 'rated_at'),),
    'ratings_episodes': (('episodes', 'rated_at'),),
    'playback_movies': (('movies', 'paused_at'),),
    'playback_episodes': (('episodes', 'paused_at'),),
}
RATINGS_LISTS = ('ratings_movies', 'ratings_episodes')
RESUME_LISTS = ('playback_movies', 'playback_episodes')


def list_stamps(activities, name):
    return [((activities or {}).get(section) or {}).get(field) for section, field in STREAM_LISTS[name]]


def wanted_lists(settings):
    return (RATINGS_LISTS if settings.sync_ratings else ()) + (RESUME_LISTS if settings.sync_resume else ())


class StreamListCache(object):
    """trakt's ratings and resume-point lists in ``STREAM_CACHE``; their stamps and Kodi's rated and in-progress
    items (``kodi_state``) in the small ``STREAM_CACHE_STAMPS``, so that a timer sync in which nothing changed
    decides so without loading the lists (a user's thousands of ratings are megabytes of JSON). As for the watched
    lists (trakt_cache.py), the small file is removed before the lists are written and written after them: when
    it is there, it describes the lists on disk."""

    def __init__(self, store):
        self._files = CacheFiles(store, STREAM_CACHE, STREAM_CACHE_STAMPS)
        self._cache = None   # the lists, loaded when one is needed
        self._head = self._files.load_stamps(lambda head: self._valid(head, list),
                                             lambda: self._head_of(self._whole(), self._whole().get('kodi_state')))

    @staticmethod
    def _valid(data, lists_type):
        return (isinstance(data, dict) and data.get('schema') == CACHE_SCHEMA
                and isinstance(data.get('stamps'), dict) and isinstance(data.get('lists'), lists_type))

    def _whole(self):
        if self._cache is None:
            cache = self._files.load_lists()
            self._cache = cache if self._valid(cache, dict) else {'stamps': {}, 'lists': {}}
        return self._cache

    @staticmethod
    def _head_of(cache, kodi_state):
        return {'schema': cache.get('schema'), 'stamps': dict(cache['stamps']), 'lists': sorted(cache['lists']),
                'kodi_state': kodi_state}

    def is_current(self, activities, name):
        stamps = list_stamps(activities, name)
        return None not in stamps and self._head['stamps'].get(name) == stamps and name in self._head['lists']

    def all_current(self, activities, names):
        return all(self.is_current(activities, name) for name in names)

    def read(self, activities, names, fetch):
        lists = {}
        for name in names:
            if self.is_current(activities, name):
                whole = self._whole()
                if whole['stamps'].get(name) == list_stamps(activities, name) and name in whole['lists']:
                    lists[name] = whole['lists'][name]
                    continue
            lists[name] = fetch(name)
        return lists

    def save(self, activities, lists):
        cache = self._whole()
        for name, items in lists.items():
            cache['stamps'][name] = list_stamps(activities, name)
            cache['lists'][name] = items
        self._write(cache)

    @property
    def kodi_state(self):
        return self._head.get('kodi_state')

    def save_kodi_state(self, state):
        self._head['kodi_state'] = state
        self._files.save_stamps(self._head)

    def forget(self, names):
        cache = self._whole()
        for name in names:
            cache['stamps'].pop(name, None)
        self._write(cache)

    def _write(self, cache):
        cache['schema'] = CACHE_SCHEMA
        cache.pop('kodi_state', None)   # kept in the small file since it came
        head = self._head_of(cache, self._head.get('kodi_state'))
        self._files.write(cache, head)
        self._head = head


def _trakt_item(change, **fields):
    """The client's item for a rating change. An episode goes by its own ids when Kodi has them (the form trakt's
    OpenAPI description gives for ratings), else under its show's season."""
    if change.kind == MOVIE:
        item = {'type': MOVIE, 'ids': change.ids.to_trakt(MOVIE)}
    elif change.ids.to_trakt(EPISODE):
        item = {'type': EPISODE, 'ids': change.ids.to_trakt(EPISODE)}
    else:
        item = {'type': EPISODE, 'show_ids': change.show_ids.to_trakt(SHOW), 'season': change.season,
                'number': change.number}
    item.update(fields)
    return item


def _scrobble_body(change):
    if change.kind == MOVIE:
        body = {'movie': {'ids': change.ids.to_trakt(MOVIE)}}
    else:
        body = {'show': {'ids': change.show_ids.to_trakt(SHOW)},
                'episode': {'season': change.season, 'number': change.number}}
    body['progress'] = round(change.percent, 2)
    return body


def _last_played(trakt_snapshot):
    """``item -> trakt's newest play of it`` (an aware datetime or None), from the watched lists."""
    played = {}
    for movie in trakt_snapshot.movies:
        for token in movie.ids.tokens(MOVIE):
            played[(MOVIE,) + token] = movie.last_watched_at
    for episode in trakt_snapshot.episodes:
        for token in episode.show.ids.tokens(SHOW):
            played[(EPISODE,) + token + (episode.season, episode.number)] = episode.last_watched_at

    def last_played(item):
        if item.kind == MOVIE:
            keys = [(MOVIE,) + token for token in item.ids.tokens(MOVIE)]
        else:
            keys = [(EPISODE,) + token + (item.season, item.number) for token in item.show_ids.tokens(SHOW)]
        for key in keys:
            if played.get(key) is not None:
                return played[key]
        return None
    return last_played


class StreamPlans(object):
    """The ratings and resume plans of one sync (either may be None: its setting is off)."""

    def __init__(self, ratings=None, resume=None):
        self.ratings = ratings
        self.resume = resume

    def counts(self):
        counts = {}
        for plan in (self.ratings, self.resume):
            if plan is not None:
                counts.update(plan.counts())
        return counts

    def summary(self):
        return [line for plan in (self.ratings, self.resume) if plan is not None for line in plan.summary()]

    def examples(self):
        return [change.reason for plan in (self.ratings, self.resume) if plan is not None
                for change in plan.to_kodi + plan.to_trakt + plan.to_trakt_remove]


class StreamStages(object):
    """``post(stage, actions, items_of, send, baseline, result, counter)``: the engine's confirmed batches;
    ``kodi_written(change)`` is told each change Kodi confirmed (other_accounts.py)."""

    def __init__(self, trakt, library, store, settings, progress, check_cancel, save_baseline, post,
                 clock=None, kodi_written=None):
        self.trakt = trakt
        self.library = library
        self.store = store
        self.settings = settings
        self._progress = progress
        self._check_cancel = check_cancel
        self._save_baseline = save_baseline
        self._post = post
        self._now = clock or (lambda: datetime.now(timezone.utc))
        self._kodi_written = kodi_written or (lambda change: None)
        self._lists = None   # (cache, activities, lists) of the last plan, for apply

    def unchanged(self, activities):
        """Whether neither trakt's lists the streams need nor Kodi's ratings and resume points changed since the
        last sync (a sync may then skip reading the library). Kodi announces no rating or resume change, so its
        rated and in-progress items are asked for (one round trip)."""
        names = wanted_lists(self.settings)
        cache = StreamListCache(self.store)
        if not names:
            return True
        if not cache.all_current(activities, names):
            return False
        return cache.kodi_state is not None and self._kodi_state() == cache.kodi_state

    def _kodi_state(self):
        read = getattr(self.library, 'stream_state', None)    # a library without (the soak's) has no such state
        return read(self.settings.sync_ratings, self.settings.sync_resume) if read else []

    def read_lists(self, activities, quiet=False):
        """trakt's ratings and resume-point lists the settings sync: cached where current, else read (``quiet``:
        without a word to the progress dialog, for a thread other than the sync's)."""
        cache = StreamListCache(self.store)
        fetch = self._read if quiet else self._fetch
        self._lists = (cache, activities, cache.read(activities, wanted_lists(self.settings), fetch))
        return self._lists

    def plan(self, activities, snapshot, trakt_snapshot, baseline):
        if not wanted_lists(self.settings):
            return StreamPlans()
        if self._lists is None or self._lists[1] is not activities:
            self.read_lists(activities)
        lists = self._lists[2]
        ratings = resume = None
        if self.settings.sync_ratings:
            items = stream_items.pair(snapshot, lists['ratings_movies'] + lists['ratings_episodes'])
            ratings = ratings_plan.make_plan(items, baseline, self._now())
        if self.settings.sync_resume:
            items = stream_items.pair(snapshot, lists['playback_movies'] + lists['playback_episodes'])
            resume = resume_plan.make_plan(items, baseline, _last_played(trakt_snapshot))
        return StreamPlans(ratings, resume)

    def _fetch(self, name):
        self._progress('trakt', 0, 0)
        return self._read(name)

    def _read(self, name):
        kind = 'movies' if name.endswith('movies') else 'episodes'
        return self.trakt.ratings(kind) if name.startswith('ratings') else self.trakt.playback(kind)

    def apply(self, plans, baseline, result):
        """Write both plans (settled entries first), keeping the cache of the lists as trakt has them."""
        cache, activities, lists = self._lists
        cache.save(activities, lists)
        for plan in (plans.ratings, plans.resume):
            if plan is not None:
                for settled in plan.settled:
                    baseline.record(settled)
        self._save_baseline(baseline)
        if plans.ratings is not None:
            self._apply_ratings(plans.ratings, baseline, result, cache)
        if plans.resume is not None:
            self._apply_resume(plans.resume, baseline, result, cache)
        self._refresh(cache, [name for name in lists if not cache.is_current(activities, name)])
        if plans.ratings is not None or plans.resume is not None:
            cache.save_kodi_state(self._kodi_state())

    def _refresh(self, cache, names):
        """Read the lists this sync wrote to again, so the next sync in which nothing changed reads none."""
        if not names:
            return
        try:
            activities = self.trakt.last_activities()
            cache.save(activities, dict((name, self._fetch(name)) for name in names))
        except trakt_errors.TraktError as exc:
            logger.warning('could not re-read trakt\'s {} after writing ({}); the next sync will', ', '.join(names),
                           exc.message)

    # -- ratings -------------------------------------------------------------------------------------------------
    def _apply_ratings(self, plan, baseline, result, cache):
        self._apply_kodi(streams.RATINGS_TO_KODI, plan.to_kodi, 'apply_ratings', baseline, result)
        if plan.to_trakt or plan.to_trakt_remove:
            cache.forget(RATINGS_LISTS)
        rated_at = format_utc(self._now())
        for stream, changes, fields in ((streams.RATINGS_TO_TRAKT, plan.to_trakt,
                                         lambda change: {'rating': change.rating, 'rated_at': rated_at}),
                                        (streams.RATINGS_REMOVE, plan.to_trakt_remove, lambda change: {})):
            self._post(stream.stage, changes, lambda change, fields=fields: [_trakt_item(change, **fields(change))],
                       getattr(self.trakt, stream.client_call), baseline, result,
                       lambda change, stream=stream: streams.counter(stream, change.kind))

    # -- resume points -------------------------------------------------------------------------------------------
    def _apply_resume(self, plan, baseline, result, cache):
        self._apply_kodi(streams.RESUME_TO_KODI, plan.to_kodi, 'apply_resume', baseline, result)
        if plan.to_trakt or plan.to_trakt_remove:
            cache.forget(RESUME_LISTS)
        self._one_by_one(streams.RESUME_TO_TRAKT, plan.to_trakt, self._send_point, baseline, result)
        self._one_by_one(streams.RESUME_REMOVE, plan.to_trakt_remove,
                         lambda change: self.trakt.remove_playback(change.playback_id) or True, baseline, result)

    def _send_point(self, change):
        """trakt sets a point only through ``/scrobble/pause``; True when it took it."""
        status, answer = self.trakt.scrobble('pause', _scrobble_body(change))
        if status == 201:
            return True
        logger.warning('trakt did not take the resume point of {} ({}: {})', change.title, status,
                       (answer or {}).get('error') if isinstance(answer, dict) else answer)
        return False

    def _one_by_one(self, stream, changes, send, baseline, result):
        for done, change in enumerate(changes):
            self._check_cancel()
            self._progress(stream.stage, done, len(changes))
            try:
                taken = send(change)
            except trakt_errors.OutcomeUnknown:
                taken = False    # the next sync reads trakt's points and sees what arrived
            if taken:
                baseline.record(change)
                result.count(streams.counter(stream, change.kind))
                self._save_baseline(baseline)
            else:
                result.add_not_found(change, 'trakt did not take its resume point')

    # -- Kodi ----------------------------------------------------------------------------------------------------
    def _apply_kodi(self, stream, changes, write, baseline, result):
        """``write``: the library's method (``apply_ratings``, ``apply_resume``), asked for only when there is
        something to write."""
        if not changes:
            return

        def before_batch(done):
            self._check_cancel()
            self._progress(stream.stage, done, len(changes))

        def seconds():
            return self._now().timestamp()

        # By time: the batch in flight is what a cancel or Kodi quitting waits for.
        for batch, failed in write_in_batches(changes, getattr(self.library, write), seconds, before_batch):
            for change in batch:
                if id(change) not in failed:
                    baseline.record(change)
                    self._kodi_written(change)
                    result.count(streams.counter(stream, change.kind))
            self._save_baseline(baseline)
