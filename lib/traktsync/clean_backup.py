"""The backup of every clean: what was removed from the trakt collection, for "Restore last clean".

Kept per trakt account, so a restore never puts one account's items into another.
"""
import time

CLEAN_BACKUP = 'clean-backup.json'


def _now():
    return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime())


class CleanBackup(object):

    def __init__(self, store):
        self.store = store

    def _load(self):
        backup = self.store.load(CLEAN_BACKUP)
        if not isinstance(backup, dict) or not isinstance(backup.get('cleans'), list):
            backup = {'cleans': []}
        return backup

    def last(self):
        """The newest clean that was not restored yet (``{'at', 'items'}``), or None."""
        open_cleans = [c for c in self._load()['cleans'] if not c.get('restored_at')]
        return open_cleans[-1] if open_cleans else None

    def add(self, items):
        """Write a new clean's items before anything is removed; raises when it cannot be written."""
        backup = self._load()
        backup['cleans'].append({'at': _now(), 'items': items})
        self.store.save(CLEAN_BACKUP, backup)

    def mark_restored(self, clean):
        backup = self._load()
        # the newest open entry equal to ``clean``: two cleans within one second share their time stamp
        for entry in reversed(backup['cleans']):
            if entry == clean and not entry.get('restored_at'):
                entry['restored_at'] = _now()
                break
        self.store.save(CLEAN_BACKUP, backup)
