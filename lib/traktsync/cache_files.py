"""A cache kept in two files: the lists themselves, and a small file of their stamps that says what the lists on
disk are (trakt_cache.py, stream_stages.py).

A sync in which nothing changed decides so from the small file alone. The small file is removed before the lists
are written and written after them: when it is there, it describes the lists on disk; when a write failed half-way
it is not, and the stamps are taken from the lists again."""
from traktsync import logger
from traktsync.store import StoreWriteError


class CacheFiles(object):
    def __init__(self, store, lists_name, stamps_name):
        self.store = store
        self.lists_name = lists_name
        self.stamps_name = stamps_name

    def load_lists(self):
        return self.store.load(self.lists_name)

    def load_stamps(self, valid, from_lists):
        """The small file when ``valid(data)``, else ``from_lists()``: the stamps as the lists on disk hold them,
        saved as the small file (when valid) for the next sync."""
        stamps = self.store.load(self.stamps_name)
        if valid(stamps):
            return stamps
        stamps = from_lists()
        if valid(stamps):
            try:   # a cache from before the small file, or a write that failed: the next sync decides quickly
                self.save_stamps(stamps)
            except StoreWriteError as exc:
                logger.debug('could not save {} ({})', self.stamps_name, exc)
        return stamps

    def save_stamps(self, stamps):
        self.store.save(self.stamps_name, stamps)

    def write(self, lists, stamps):
        try:
            self.store.delete(self.stamps_name)   # until the lists are on disk, their stamps are read from them
        except OSError as exc:
            raise StoreWriteError(self.stamps_name, exc.strerror or str(exc), exc.errno) from exc
        self.store.save(self.lists_name, lists)
        self.save_stamps(stamps)
