"""An in-memory Kodi video library with the interface the sync engine uses (``traktsync.kodi.library``).

It behaves like Kodi where the sync can tell: row ids auto-increment per table (movieid, episodeid) and are never
reused inside one database, a rescan of a new file adds a row with a new id, "Clean library" drops the rows of
missing files, a fresh database restarts the ids at 1, a refresh can change an item's uniqueids, watching a row sets
playcount+1 and lastplayed=now, un-watching sets playcount 0 and clears lastplayed. ``dateadded`` is either the
file's modification time (Kodi's default, so a re-created row can get the same id AND the same date) or the scan
time (``dateadded_mode``).

Items are named by the soak's item keys: ``'m3'`` (catalog movie 3) and ``'e1.2.4'`` (show 1, season 2, episode 4).

Faults: ``down`` (every read fails like an unreachable Kodi), ``die_after`` (the next ``apply_watched`` applies that
many row updates, then fails like Kodi quitting mid-batch), ``offline`` (a video source is unreachable: the read is
flagged incomplete, as the real reader does).
"""
from datetime import timezone

from traktsync.kodi.jsonrpc import JsonRpcError
from traktsync.kodi.library import WriteFailure
from traktsync.model import MOVIE, Ids, KodiEpisode, KodiMovie, KodiSnapshot

ID_VARIANTS = ('full', 'tmdb')   # a refresh may turn imdb+tmdb into tmdb only and back


def parse_item(item):
    """``('movie', index)`` or ``('episode', (show, season, number))``."""
    if item.startswith('m'):
        return MOVIE, int(item[1:])
    show, season, number = (int(p) for p in item[1:].split('.'))
    return 'episode', (show, season, number)


class Row(object):
    __slots__ = ('kodi_id', 'item', 'file', 'playcount', 'lastplayed', 'dateadded')

    def __init__(self, kodi_id, item, file, dateadded):
        self.kodi_id = kodi_id
        self.item = item
        self.file = file
        self.playcount = 0
        self.lastplayed = None
        self.dateadded = dateadded

    def __repr__(self):
        return 'Row({}, {}, pc={})'.format(self.kodi_id, self.item, self.playcount)


class _Rpc(object):
    def __init__(self):
        self.calls_made = 0


class MemoryLibrary(object):
    """The library of one Kodi database, shared by every Kodi box that uses it (the soak's second box)."""

    def __init__(self, catalog, clock, dateadded_mode='mtime'):
        self.catalog = catalog
        self.clock = clock
        self.dateadded_mode = dateadded_mode
        self.rpc = _Rpc()
        self.rows = {MOVIE: {}, 'episode': {}}
        self.next_id = {MOVIE: 1, 'episode': 1}
        self.variant = {}            # movie item or show number -> 'full' | 'tmdb'
        self.mtimes = {}             # file path -> its modification time
        self.file_serial = 0
        self.offline = False
        self.down = False
        self.die_after = None
        self.reads_ok = 0            # successful reads, for the reference model (did the sync see Kodi?)

    # -- the engine's interface -------------------------------------------------------------------------------
    @property
    def calls_made(self):
        return self.rpc.calls_made

    def read_snapshot(self, with_metadata=False):
        self.rpc.calls_made += 2
        if self.down:
            raise JsonRpcError('VideoLibrary.GetMovies', 'Kodi is not running (connection refused)')
        snapshot = KodiSnapshot()
        for row in sorted(self.rows[MOVIE].values(), key=lambda r: r.kodi_id):
            movie = self.catalog['movies'][parse_item(row.item)[1]]
            snapshot.movies.append(KodiMovie(
                kodi_id=row.kodi_id, ids=Ids.from_kodi_uniqueid(self._movie_uniqueid(row.item, movie)),
                title=movie['title'], year=movie['year'], playcount=row.playcount, lastplayed=row.lastplayed,
                dateadded=row.dateadded, file=row.file))
        for row in sorted(self.rows['episode'].values(), key=lambda r: r.kodi_id):
            show_index, season, number = parse_item(row.item)[1]
            show = self.catalog['shows'][show_index]
            episode = show['seasons'][season - 1]['episodes'][number - 1]
            snapshot.episodes.append(KodiEpisode(
                kodi_id=row.kodi_id, show_ids=Ids.from_kodi_uniqueid(self._show_uniqueid(show_index, show)),
                show_title=show['title'], season=season, number=number,
                ids=Ids.from_kodi_uniqueid({'tvdb': str(episode['ids']['tvdb'])}), title=episode['title'],
                playcount=row.playcount, lastplayed=row.lastplayed, dateadded=row.dateadded, file=row.file))
        if self.offline:
            snapshot.complete = False
            snapshot.incomplete_reason = 'the video source "NAS" did not answer'
        self.reads_ok += 1
        return snapshot

    def apply_watched(self, changes):
        """Write playcount/lastplayed of each change to its rows; a row that is gone is a WriteFailure. With
        ``die_after`` set, Kodi quits after that many row writes: JsonRpcError, the earlier writes stay."""
        failures = []
        self.rpc.calls_made += 1
        for change in changes:
            table = self.rows[MOVIE if change.kind == MOVIE else 'episode']
            for kodi_id in change.kodi_ids:
                if self.die_after is not None:
                    if self.die_after <= 0:
                        self.die_after = None
                        raise JsonRpcError('VideoLibrary.SetMovieDetails', 'connection to Kodi lost (Kodi quit)')
                    self.die_after -= 1
                row = table.get(kodi_id)
                if row is None:
                    failures.append(WriteFailure(change, kodi_id, 'Invalid params.'))
                    continue
                playcount = max(0, int(change.playcount or 0))
                row.playcount = playcount
                if playcount:
                    # Kodi stamps "now" when no lastplayed is given
                    row.lastplayed = _second(change.lastplayed) if change.lastplayed else self.clock.now()
                else:
                    row.lastplayed = None
        return failures

    # -- ids as Kodi's scrapers give them ---------------------------------------------------------------------
    def _movie_uniqueid(self, item, movie):
        ids = movie['ids']
        if self.variant.get(item, 'full') == 'tmdb':
            return {'tmdb': str(ids['tmdb'])}
        return {'imdb': ids['imdb'], 'tmdb': str(ids['tmdb'])}

    def _show_uniqueid(self, show_index, show):
        ids = show['ids']
        if self.variant.get(show_index, 'full') == 'tmdb':
            return {'tmdb': str(ids['tmdb'])}
        return {'tvdb': str(ids['tvdb']), 'imdb': ids['imdb'], 'tmdb': str(ids['tmdb'])}

    # -- what users and Kodi do -------------------------------------------------------------------------------
    @staticmethod
    def kind_of(item):
        return MOVIE if item.startswith('m') else 'episode'

    def rows_of(self, item):
        return sorted((r for r in self.rows[self.kind_of(item)].values() if r.item == item),
                      key=lambda r: r.kodi_id)

    def all_rows(self):
        return list(self.rows[MOVIE].values()) + list(self.rows['episode'].values())

    def items(self):
        return sorted(set(r.item for r in self.all_rows()))

    def new_file(self, item):
        """A new media file for ``item`` (its mtime is now)."""
        self.file_serial += 1
        path = '/media/{}/{}-{}.mkv'.format('movies' if item.startswith('m') else 'tv', item, self.file_serial)
        self.mtimes[path] = _second(self.clock.now())
        return path

    def scan_file(self, item, path):
        """A library scan finds ``path``: a new row with the next id."""
        kind = self.kind_of(item)
        kodi_id = self.next_id[kind]
        self.next_id[kind] += 1
        dateadded = self.mtimes[path] if self.dateadded_mode == 'mtime' else _second(self.clock.now())
        row = Row(kodi_id, item, path, dateadded)
        self.rows[kind][kodi_id] = row
        return row

    def add_copy(self, item):
        return self.scan_file(item, self.new_file(item))

    def remove_row(self, row):
        """The file is gone and "Clean library" ran: the row is deleted."""
        del self.rows[self.kind_of(row.item)][row.kodi_id]
        self.mtimes.pop(row.file, None)

    def move_row(self, row):
        """The file moved (rename, new folder): clean drops the old row, the scan adds a new one (new id, playcount
        0). A move keeps the file's mtime."""
        mtime = self.mtimes.get(row.file)
        self.remove_row(row)
        self.file_serial += 1
        path = '/media/{}/{}-{}.mkv'.format('movies' if row.item.startswith('m') else 'tv', row.item,
                                            self.file_serial)
        self.mtimes[path] = mtime or _second(self.clock.now())
        return self.scan_file(row.item, path)

    def fresh_database(self):
        """A new Kodi database over the same files: every row again, ids from 1, nothing watched; rows are scanned
        in file order, so with 'mtime' dates a re-created row can get its old id AND its old date."""
        files = sorted(((r.item, r.file) for r in self.all_rows()), key=lambda p: (self.kind_of(p[0]), p[1]))
        files.sort(key=lambda p: _file_serial(p[1]))
        self.rows = {MOVIE: {}, 'episode': {}}
        self.next_id = {MOVIE: 1, 'episode': 1}
        for item, path in files:
            self.scan_file(item, path)

    def watch(self, row):
        row.playcount += 1
        row.lastplayed = _second(self.clock.now())

    def unwatch(self, row):
        row.playcount = 0
        row.lastplayed = None

    def set_variant(self, item, variant):
        """A refresh (scraper change) gives the item other uniqueids; for an episode the whole show changes."""
        key = item if item.startswith('m') else parse_item(item)[1][0]
        self.variant[key] = variant

    def watched(self, item):
        return any(r.playcount > 0 for r in self.rows_of(item))


def _second(value):
    return value.astimezone(timezone.utc).replace(microsecond=0) if value is not None else None


def _file_serial(path):
    return int(path.rsplit('-', 1)[1].split('.')[0])


__all__ = ['MemoryLibrary', 'Row', 'ID_VARIANTS', 'parse_item']
