"""The Kodi video library as the sync model sees it, and watched changes written back.

Reading costs one ``VideoLibrary.GetMovies``, one ``GetTVShows`` and one ``GetEpisodes`` (all episodes, not one
call per show), each paged with ``limits`` so that a huge library is neither one giant answer nor thousands of
calls. The first page of all three goes in one batch with the source list, so a library that fits in a page is
read in two round trips (that batch + the batch of source probes).

Duplicates: two library entries of one title (two files of a movie, an episode in two qualities) are kept as two
``KodiMovie``/``KodiEpisode`` objects with their own ``kodi_id`` and the same ids. The planner groups items by
their ids (``plan.make_plan``): it takes the larger playcount and the later ``lastplayed`` of the copies, and its
``KodiWatchedUpdate.kodi_ids`` lists every copy, so a change from trakt is written to all of them.

Items are left out of the sync, with the reason, when they have no usable id (``unmatched``: movies without ids,
episodes whose show has none or that have no season/episode number) or when their path matches the user's
excluded path prefixes (``excluded``; the exclusion is checked first, so an excluded item is never reported as
unmatched).
"""
from collections import namedtuple

from traktsync import logger
from traktsync.kodi import advancedsettings
from traktsync.kodi import sources as kodi_sources
from traktsync.kodi.dates import implausible_play, kodi_to_utc, utc_to_kodi
from traktsync.kodi.jsonrpc import JsonRpcError
from traktsync.model import EPISODE, MOVIE, Ids, KodiEpisode, KodiMovie, KodiSnapshot, Unmatched

# Items per page of GetMovies/GetTVShows/GetEpisodes, chosen with tools/bench/library_io.py: real Kodi 20.1, 10,000
# movies + 500 shows + 50,000 episodes, 2 cores, TCP transport; a whole read (round trips, seconds, peak Python memory
# of the reading process by tracemalloc; each page is turned into model objects before the next one is asked for):
#   page   1,000:  60 calls  6.8 s  37.5 MiB   (+streamdetails:  60 calls  8.5 s  39.2 MiB)
#   page   2,500:  24 calls  5.8 s  43.8 MiB   (+streamdetails:  24 calls  6.9 s  46.5 MiB)
#   page   5,000:  12 calls  5.1 s  52.8 MiB   (+streamdetails:  12 calls  7.5 s  59.2 MiB)
#   page  10,000:   6 calls  4.7 s  69.7 MiB   (+streamdetails:   6 calls  6.2 s  86.3 MiB)
#   page 100,000:   2 calls  5.3 s 107.0 MiB   (+streamdetails:   2 calls  7.5 s 132.1 MiB)
# Every call costs Kodi about 50 ms on top of its items, so small pages are slow; big pages cost memory (in Kodi
# too: one answer is built as a whole) and gain little. Kodi's own peak is what issue 12 counts: in a whole sync at
# M (make bench, 7,772 items), Kodi's resident memory grew 73 MiB with pages of 1,000 against 102 MiB with 5,000
# (a "Sync now" that changed nothing: 28 against 60 MiB), and the syncs took the same time (49 s, 3.6 s). So
# 1,000: about 30 calls at issue 12's library L.
PAGE_SIZE = 1000
# Kodi's fixed cost of one page grows with the list it pages through (it counts the whole list for every page): a
# page of one episode took 0.03-0.05 s at 24,690 episodes and 0.10-0.17 s at 100,000 (real Kodi 20.1). With a fixed
# page size the number of pages grows with the library too, and the read with its square: at 100,000 episodes, 120
# calls of 1,000 took 33 s and 29 calls of 4,000 took 23 s; in make bench's XL first sync, Kodi's peak memory growth
# stayed where it was (+358 MiB against +352 and +354). So the pages after the first grow to keep a list at about
# this many calls; a list under 25,000 items keeps pages of 1,000.
MOST_PAGES = 25
# Set*Details calls per JSON-RPC batch. Kodi spends ~3.5 ms per item (a database write and a notification), so the
# batch size only changes the round trips: 2,000 writes took 17 s in batches of 50 or 100, 8.2 s of 250, 7.0 s of
# 500 or 1,000 (same bench, same machine; the small batches varied 9-17 s between runs). A whole first sync (make
# bench) was ~15 % faster with 500 than with 250: Kodi refreshes its home screen after each call. The sync asks for
# fewer at a time when Kodi writes slowly (traktsync/kodi_batch.py); this is the most in one call.
WRITE_BATCH = 500

MOVIE_PROPERTIES = ['title', 'year', 'uniqueid', 'imdbnumber', 'playcount', 'lastplayed', 'dateadded', 'file']
SHOW_PROPERTIES = ['title', 'year', 'uniqueid', 'imdbnumber']
EPISODE_PROPERTIES = ['tvshowid', 'season', 'episode', 'title', 'uniqueid', 'playcount', 'lastplayed', 'dateadded',
                      'file']
# Read only when the ratings or resume streams are on (Settings.sync_ratings, sync_resume).
RATING_PROPERTIES = ['userrating']
RESUME_PROPERTIES = ['resume', 'runtime']
# A library that changes while it is read (a scan running) shifts the pages; read it again this many times.
READ_ATTEMPTS = 3

WriteFailure = namedtuple('WriteFailure', 'change kodi_id message')
WriteFailure.__doc__ = """One library entry that Kodi did not update: the change, the entry's id and Kodi's answer."""


class LibraryChanged(Exception):
    """The library's size changed between two pages of one read."""


# --- streamdetails -> trakt collection metadata --------------------------------------------------------------

# Kodi's audio codec names (ffmpeg's, plus Kodi's own for DTS-HD and Atmos) -> trakt's `audio` values.
_AUDIO = {
    'ac3': 'dolby_digital', 'eac3': 'dolby_digital_plus', 'eac3_ddp_atmos': 'dolby_digital_plus_atmos',
    'truehd': 'dolby_truehd', 'truehd_atmos': 'dolby_atmos', 'dts': 'dts', 'dca': 'dts', 'dtshd_ma': 'dts_ma',
    'dtshd_hra': 'dts_hr', 'dtshd_ma_x': 'dts_x', 'dtshd_ma_x_imax': 'dts_x', 'aac': 'aac', 'mp3': 'mp3',
    'mp2': 'mp2', 'flac': 'flac', 'vorbis': 'ogg', 'opus': 'ogg_opus', 'wmav1': 'wma', 'wmav2': 'wma',
    'wmapro': 'wma',
}
# Kodi reports a channel count only; the usual layout of each count (6 is 5.1, not 6.0).
_CHANNELS = {1: '1.0', 2: '2.0', 3: '2.1', 4: '4.0', 5: '5.0', 6: '5.1', 7: '6.1', 8: '7.1', 10: '9.1', 11: '10.1'}
_HDR = {'hdr10': 'hdr10', 'dolbyvision': 'dolby_vision', 'hlg': 'hlg', 'hdr10plus': 'hdr10_plus'}


def _resolution(width, height):
    # Width decides first: scope films (1920x800) are 1080p though their height is not.
    if width >= 3200 or height >= 1800:
        return 'uhd_4k'
    if width >= 1800 or height >= 1000:
        return 'hd_1080p'
    if width >= 1200 or height >= 700:
        return 'hd_720p'
    if height >= 540:
        return 'sd_576p'
    if width > 0 or height > 0:
        return 'sd_480p'
    return None


def metadata_from_streamdetails(details):
    """trakt collection metadata (resolution, hdr, audio, audio_channels, 3d) from Kodi's ``streamdetails``;
    ``None`` when Kodi knows nothing about the file. Values Kodi cannot tell are left out, never guessed
    (``media_type``: Kodi cannot tell a disc rip from a download, and a user's choice on trakt is kept)."""
    details = details or {}
    video = (details.get('video') or [None])[0]
    audio = (details.get('audio') or [None])[0]
    if not video and not audio:
        return None
    metadata = {}
    if video:
        resolution = _resolution(int(video.get('width') or 0), int(video.get('height') or 0))
        if resolution:
            metadata['resolution'] = resolution
        hdr = _HDR.get(str(video.get('hdrtype') or '').lower())
        if hdr:
            metadata['hdr'] = hdr
        metadata['3d'] = str(video.get('stereomode') or '').lower() not in ('', 'mono', '2d')
    if audio:
        codec = str(audio.get('codec') or '').lower()
        name = _AUDIO.get(codec) or ('lpcm' if codec.startswith('pcm') else None)
        if name:
            metadata['audio'] = name
        channels = _CHANNELS.get(audio.get('channels'))
        if channels:
            metadata['audio_channels'] = channels
    return metadata or None


# --- reading -------------------------------------------------------------------------------------------------

def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class _SnapshotBuilder(object):
    """Turns Kodi's raw items into the model, page by page (shows before the episodes that need them)."""

    def __init__(self, prefixes, with_metadata):
        self.snapshot = KodiSnapshot()
        self.prefixes = prefixes
        self.with_metadata = with_metadata
        self.shows = {}

    def _lastplayed(self, raw, kind, title, path, year=None):
        """Kodi's ``lastplayed``, or None (with the item listed in ``odd_dates``) when it cannot be a real viewing:
        the play then goes without a time, as for an item without a date."""
        value = kodi_to_utc(raw.get('lastplayed'))
        problem = implausible_play(raw.get('lastplayed'), value)
        if problem is None:
            return value
        self.snapshot.odd_dates.append(Unmatched(kind, title, path, 'its last played date {} is {}; the play is '
                                                 'sent without a time'.format(raw.get('lastplayed'), problem), year))
        logger.warning('{}: last played date {} is {}; sent without a time', title, raw.get('lastplayed'), problem)
        return None

    def _metadata(self, raw):
        return metadata_from_streamdetails(raw.get('streamdetails')) if self.with_metadata else None

    def add_movies(self, movies):
        snapshot = self.snapshot
        for raw in movies:
            title = raw.get('title') or raw.get('label') or ''
            year = _int_or_none(raw.get('year'))
            path = raw.get('file') or ''
            prefix = kodi_sources.exclusion_of(path, self.prefixes)
            if prefix is not None:
                snapshot.excluded.append(Unmatched(MOVIE, title, path, 'excluded by path rule "{}"'.format(prefix),
                                                   year))
                continue
            ids = Ids.from_kodi_uniqueid(raw.get('uniqueid'), raw.get('imdbnumber'))
            if not ids:
                snapshot.unmatched.append(Unmatched(MOVIE, title, path, _no_ids_reason(raw), year))
                continue
            snapshot.movies.append(KodiMovie(
                kodi_id=raw['movieid'], ids=ids, title=title, year=year, playcount=_playcount(raw),
                lastplayed=self._lastplayed(raw, MOVIE, title, path, year), dateadded=kodi_to_utc(raw.get('dateadded')),
                file=path, metadata=self._metadata(raw), **_stream_fields(raw)))

    def add_shows(self, shows):
        for raw in shows:
            # The show's imdbnumber is its default uniqueid (often the tvdb number): only a tt... value counts.
            self.shows[raw.get('tvshowid')] = (Ids.from_kodi_uniqueid(raw.get('uniqueid'), raw.get('imdbnumber')),
                                               raw.get('title') or raw.get('label') or '',
                                               _int_or_none(raw.get('year')))

    def add_episodes(self, episodes):
        snapshot = self.snapshot
        for raw in episodes:
            show = self.shows.get(raw.get('tvshowid'))
            show_ids, show_title, show_year = show if show else (Ids(), '', None)
            path = raw.get('file') or ''
            prefix = kodi_sources.exclusion_of(path, self.prefixes)
            if prefix is not None:
                snapshot.excluded.append(Unmatched(EPISODE, show_title, path,
                                                   'excluded by path rule "{}"'.format(prefix), show_year))
                continue
            season, number = raw.get('season'), raw.get('episode')
            reason = None
            if not show_ids:
                reason = 'its show has no usable ids' if show else 'its show is not in the library'
            elif not isinstance(season, int) or season < 0 or not isinstance(number, int) or number < 1:
                reason = 'no season/episode number (season {!r}, episode {!r})'.format(season, number)
            if reason:
                snapshot.unmatched.append(Unmatched(EPISODE, show_title, path, reason, show_year))
                continue
            snapshot.episodes.append(KodiEpisode(
                kodi_id=raw['episodeid'], show_ids=show_ids, show_title=show_title, season=season, number=number,
                ids=Ids.from_kodi_uniqueid(raw.get('uniqueid')), title=raw.get('title') or raw.get('label') or '',
                playcount=_playcount(raw),
                lastplayed=self._lastplayed(raw, EPISODE, '{} S{:02d}E{:02d}'.format(show_title, season, number),
                                            path, show_year),
                dateadded=kodi_to_utc(raw.get('dateadded')), file=path, metadata=self._metadata(raw),
                **_stream_fields(raw)))


class KodiLibrary(object):
    """The library behind a ``JsonRpc`` (either transport) and the user's ``Settings``."""

    def __init__(self, rpc, settings=None, page_size=None, write_batch=None, advancedsettings=None, most_pages=None):
        self.rpc = rpc
        self.settings = settings
        self.page_size = page_size or PAGE_SIZE
        self.most_pages = most_pages or MOST_PAGES
        self.write_batch = write_batch or WRITE_BATCH
        self._advancedsettings = advancedsettings   # its path; None: Kodi's own (none outside Kodi)
        self._shared = None

    @property
    def shared_database(self):
        """Whether other Kodi boxes share this library (a MySQL/MariaDB video database); read once."""
        if self._shared is None:
            path = self._advancedsettings or advancedsettings.in_kodi_path()
            self._shared = bool(path) and advancedsettings.read_video_database_is_shared(path)
        return self._shared

    # -- reading ----------------------------------------------------------------------------------------------
    def _queries(self, with_metadata):
        extra = ['streamdetails'] if with_metadata else []
        if getattr(self.settings, 'sync_ratings', False):
            extra += RATING_PROPERTIES
        if getattr(self.settings, 'sync_resume', False):
            extra += RESUME_PROPERTIES
        return [('VideoLibrary.GetMovies', {'properties': MOVIE_PROPERTIES + extra}, 'movies'),
                ('VideoLibrary.GetTVShows', {'properties': SHOW_PROPERTIES}, 'tvshows'),
                ('VideoLibrary.GetEpisodes', {'properties': EPISODE_PROPERTIES + extra}, 'episodes')]

    def _page(self, params, start, size=None):
        return dict(params, limits={'start': start, 'end': start + (size or self.page_size)})

    def _later_page_size(self, total):
        """Items per page after the first, once the list's ``total`` is known (``MOST_PAGES``)."""
        return max(self.page_size, -(-total // self.most_pages))

    def _read(self, with_metadata):
        """``(snapshot, sources listed)``: pages one after another (each page a round trip, so no answer is larger
        than a page), each turned into model objects at once so the raw answers never pile up in memory."""
        queries = self._queries(with_metadata)
        first = self.rpc.batch([('Files.GetSources', {'media': 'video'})] +
                               [(method, self._page(params, 0)) for method, params, _key in queries])
        for answer in first:
            if isinstance(answer, JsonRpcError):
                raise answer
        builder = _SnapshotBuilder(self._excluded_prefixes(), with_metadata)
        sinks = (builder.add_movies, builder.add_shows, builder.add_episodes)
        for (method, params, key), answer, sink in zip(queries, first[1:], sinks):
            self._pages(method, params, key, answer, sink)
        return builder.snapshot, first[0]

    def _pages(self, method, params, key, answer, sink):
        got = (answer or {}).get(key) or []
        total = ((answer or {}).get('limits') or {}).get('total', len(got))
        read = len(got)
        sink(got)
        size = self._later_page_size(total)
        while read < total:
            page = self.rpc.call(method, self._page(params, read, size)) or {}
            got = page.get(key) or []
            if (page.get('limits') or {}).get('total', total) != total or not got:
                raise LibraryChanged('{} changed while it was read'.format(key))
            read += len(got)
            sink(got)

    @property
    def calls_made(self):
        """JSON-RPC round trips so far (the engine's and the benchmark's counter)."""
        return self.rpc.calls_made

    def read_snapshot(self, with_metadata=False, probe_sources=True):
        """The whole library as a ``KodiSnapshot``; ``complete`` is False (with the reason) when a video source
        root is unreachable, the library is empty or it kept changing during the read.

        ``probe_sources`` False: the source roots are not listed (that wakes sleeping NAS disks), so an
        unreachable root goes unnoticed; only a sync that may clean needs to know.

        Raises ``JsonRpcError`` when Kodi cannot be asked at all (the sync then does nothing)."""
        changing = None
        for _attempt in range(READ_ATTEMPTS):
            try:
                snapshot, listed = self._read(with_metadata)
                break
            except LibraryChanged as exc:
                changing = str(exc)
                logger.debug('library read again: {}', changing)
        else:
            return KodiSnapshot(complete=False, incomplete_reason='the library kept changing while it was read '
                                                                  '({}); is a scan running?'.format(changing))
        items = [snapshot.movies, snapshot.episodes, snapshot.unmatched, snapshot.excluded]
        files = [item.file for group in items for item in group]
        probes = self._probe(listed) if probe_sources else []
        complete, reason, _sources = kodi_sources.assess(probes, files, len(files))
        snapshot.complete = complete
        snapshot.incomplete_reason = reason
        logger.debug('Kodi library: {} movies, {} episodes, {} unmatched, {} excluded, {} calls; complete: {}',
                     len(snapshot.movies), len(snapshot.episodes), len(snapshot.unmatched), len(snapshot.excluded),
                     self.rpc.calls_made, reason or 'yes')
        return snapshot

    def _excluded_prefixes(self):
        return tuple(getattr(self.settings, 'excluded_path_prefixes', ()) or ())

    def stream_state(self, ratings=True, resume=True):
        """The rated and the in-progress items with their ratings and resume positions, in one round trip:
        Kodi announces no change of either (Set*Details of a rating or a resume point sends no notification), so
        a sync that would skip the library compares this with the state after the last sync."""
        queries = []
        for method, key, id_name in (('VideoLibrary.GetMovies', 'movies', 'movieid'),
                                     ('VideoLibrary.GetEpisodes', 'episodes', 'episodeid')):
            if ratings:
                queries.append((method, key, id_name, 'userrating',
                                {'field': 'userrating', 'operator': 'greaterthan', 'value': '0'}))
            if resume:
                queries.append((method, key, id_name, 'resume', {'field': 'inprogress', 'operator': 'true',
                                                                 'value': ''}))
        if not queries:
            return []
        answers = self.rpc.batch([(method, {'filter': flt, 'properties': [field]})
                                  for method, _key, _id, field, flt in queries])
        state = []
        for (_method, key, id_name, field, _flt), answer in zip(queries, answers):
            if isinstance(answer, JsonRpcError):
                raise answer
            for item in (answer or {}).get(key) or []:
                value = item.get(field)
                if isinstance(value, dict):
                    value = round(value.get('position') or 0)
                state.append([key, field, item.get(id_name), value])
        return sorted(state, key=lambda entry: [str(part) for part in entry])

    # -- health -----------------------------------------------------------------------------------------------
    def _probe(self, listed):
        roots = [(s.get('label') or '', s.get('file') or '') for s in (listed or {}).get('sources') or []]
        return kodi_sources.probe(self.rpc, roots)

    def health(self):
        """``(complete, reason, sources)`` without reading the library items: the sources and whether each root
        answers; the library counts as empty when it has neither movies nor episodes."""
        listed, movies, episodes = self.rpc.batch([
            ('Files.GetSources', {'media': 'video'}),
            ('VideoLibrary.GetMovies', {'properties': ['file'], 'limits': {'start': 0, 'end': 1}}),
            ('VideoLibrary.GetEpisodes', {'properties': ['file'], 'limits': {'start': 0, 'end': 1}})])
        for answer in (listed, movies, episodes):
            if isinstance(answer, JsonRpcError):
                raise answer
        total = sum(((answer or {}).get('limits') or {}).get('total', 0) for answer in (movies, episodes))
        files = [i.get('file') or '' for i in (movies or {}).get('movies', []) + (episodes or {}).get('episodes', [])]
        # Only a sample of files is known here, so "empty root with items in it" is judged on that sample.
        return kodi_sources.assess(self._probe(listed), files, total)

    # -- writing ----------------------------------------------------------------------------------------------
    def apply_ratings(self, changes):
        """Set the user rating (``rating``, 0: none) of every row of each change (ratings_plan.RatingChange)."""
        return self._write(changes, lambda change, kodi_id: [(kodi_id, {'userrating': int(change.rating)})],
                           'ratings')

    def apply_resume(self, changes):
        """Set (or, at 0, remove) the resume point of every row of each change (resume_plan.ResumeChange)."""
        return self._write(changes, lambda change, kodi_id: [
            (row_id, {'resume': {'position': float(position), 'total': float(total)}})
            for row_id, position, total in change.positions if row_id == kodi_id], 'resume points')

    def _write(self, changes, params_of, what):
        """One Set*Details per row of each change (``kodi_ids``, or the rows in ``positions``); the rows Kodi
        refused, as WriteFailures."""
        calls = []
        for change in changes:
            method, id_name = (('VideoLibrary.SetMovieDetails', 'movieid') if change.kind == MOVIE
                               else ('VideoLibrary.SetEpisodeDetails', 'episodeid'))
            kodi_ids = getattr(change, 'kodi_ids', None) or tuple(row[0] for row in change.positions)
            for kodi_id in kodi_ids:
                for row_id, params in params_of(change, kodi_id):
                    calls.append((change, row_id, method, dict(params, **{id_name: row_id})))
        failures = self._send(calls)
        if failures:
            logger.warning('Kodi refused {} of {} {} updates', len(failures), len(calls), what)
        return failures

    def _send(self, calls):
        failures = []
        for start in range(0, len(calls), self.write_batch):
            chunk = calls[start:start + self.write_batch]
            try:
                answers = self.rpc.batch([(method, params) for _change, _id, method, params in chunk])
            except JsonRpcError as exc:
                answers = [exc] * len(chunk)
            for (change, kodi_id, _method, _params), answer in zip(chunk, answers):
                if isinstance(answer, JsonRpcError):
                    failures.append(WriteFailure(change, kodi_id, answer.message))
                elif answer != 'OK':
                    failures.append(WriteFailure(change, kodi_id, 'unexpected answer {!r}'.format(answer)))
        return failures

    def apply_watched(self, changes):
        """Write ``playcount`` and ``lastplayed`` of each change (``plan.KodiWatchedUpdate``: ``kind``,
        ``kodi_ids``, ``playcount``, ``lastplayed``) to every library entry it names, in batches of
        ``write_batch`` calls. Returns a ``WriteFailure`` per entry that Kodi refused; the rest is applied."""
        calls = []
        for change in changes:
            method, id_name = (('VideoLibrary.SetMovieDetails', 'movieid') if change.kind == MOVIE
                               else ('VideoLibrary.SetEpisodeDetails', 'episodeid'))
            playcount = max(0, int(change.playcount or 0))
            # Without an explicit lastplayed Kodi stamps "now"; an unwatched item gets none at all.
            lastplayed = utc_to_kodi(change.lastplayed) if playcount else ''
            for kodi_id in change.kodi_ids:
                calls.append((change, kodi_id, method, {id_name: kodi_id, 'playcount': playcount,
                                                        'lastplayed': lastplayed}))
        failures = self._send(calls)
        if failures:
            logger.warning('Kodi refused {} of {} watched updates', len(failures), len(calls))
        return failures


def _stream_fields(raw):
    """The user rating, resume point and runtime of a raw item, for the ratings and resume streams."""
    rating = raw.get('userrating')
    resume = raw.get('resume') if isinstance(raw.get('resume'), dict) else {}
    position, total = resume.get('position'), resume.get('total')
    runtime = raw.get('runtime')
    return {'userrating': rating if isinstance(rating, int) and not isinstance(rating, bool) and 0 < rating <= 10
            else 0,
            'resume': (float(position), float(total or 0)) if isinstance(position, (int, float)) and position > 0
            else None,
            'runtime': runtime if isinstance(runtime, int) and not isinstance(runtime, bool) and runtime > 0 else 0}


def _playcount(raw):
    value = raw.get('playcount')
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _no_ids_reason(raw):
    seen = dict(raw.get('uniqueid') or {})
    if raw.get('imdbnumber'):
        seen.setdefault('imdbnumber', raw.get('imdbnumber'))
    if not seen:
        return 'no ids in the Kodi library'
    return 'no usable ids (Kodi has {})'.format(', '.join('{}={}'.format(k, v) for k, v in sorted(seen.items())))
