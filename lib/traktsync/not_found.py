"""Items trakt answered ``not_found`` for, not sent again for a week.

Sending them every sync costs requests (and a sync in which nothing changed would no longer cost one), while trakt
does learn of new titles in time. Kept per trakt account.
"""
import time

NOT_FOUND = 'not-found.json'
NOT_FOUND_RETRY_SECONDS = 7 * 24 * 3600


class NotFoundMemory(object):

    def __init__(self, store, clock=time.time):
        self.store = store
        self._clock = clock
        memory = store.load(NOT_FOUND)
        now = clock()
        # Older answers are left out, so those items are sent again (and dropped when the file is next written).
        self._memory = {name: seen for name, seen in (memory.items() if isinstance(memory, dict) else ())
                        if isinstance(seen, dict) and isinstance(seen.get('at'), (int, float))
                        and 0 <= now - seen['at'] < NOT_FOUND_RETRY_SECONDS}

    @staticmethod
    def _name(stage, key):
        return stage + ' ' + key

    def knows(self, stage, key):
        return self._name(stage, key) in self._memory

    def remember(self, stage, key, title):
        self._memory[self._name(stage, key)] = {'at': self._clock(), 'title': title}

    def save(self):
        self.store.save(NOT_FOUND, self._memory)
