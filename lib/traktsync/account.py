"""Which trakt account the add-on's sync memory belongs to (docs/design.md, "Identity").

The baseline, the trakt list cache, the not-found memory and the clean backups describe one
trakt account. They live in ``accounts/<account>/`` of the profile, so signing in as another account starts from
no memory (first-sync rules), and the old account's files stay where they are: signing in as it again picks them
up. The account is read from ``/users/settings`` when the user authorizes and kept with the token (a refreshed
token keeps it), so a sync in which nothing changed still costs one request; a token without it (an older version
of the add-on) is identified by the first sync that needs it.
"""
import os
import re

from traktsync import logger
from traktsync.store import BASELINE, JsonStore, TokenStore
from traktsync.trakt import errors as trakt_errors

ACCOUNTS_FOLDER = 'accounts'
# Files of the profile root that belonged to the account before accounts had folders: the first account the
# add-on identifies adopts them (they can only be that account's, or the user switched accounts before this
# version, which it cannot know).
ADOPTED_FILES = ('baseline.json', 'trakt-cache.json', 'not-found.json', 'clean-backup.json')
_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')


class AccountUnknown(trakt_errors.TraktError):
    """trakt's /users/settings answer names no account."""
    message = 'trakt did not say which account this is; sign in again'


def user_from_settings(answer):
    """``{'uuid', 'slug', 'username'}`` from a ``/users/settings`` answer."""
    user = answer.get('user') if isinstance(answer, dict) else None
    ids = user.get('ids') if isinstance(user, dict) else None
    if not isinstance(ids, dict) or not (ids.get('uuid') or ids.get('slug')):
        raise AccountUnknown()
    return {'uuid': ids.get('uuid'), 'slug': ids.get('slug'), 'username': user.get('username')}


def identify(client, token_store):
    """Read the signed-in account from trakt and keep it with the token; returns it."""
    user = user_from_settings(client.user_settings())
    token = token_store.load()
    if token:
        token = dict(token)
        token['user'] = user
        token_store.save(token)
    logger.info('signed in to trakt as {}', user.get('username') or user.get('slug'))
    return user


def account_folder_name(user):
    return _UNSAFE.sub('_', str(user.get('uuid') or 'slug-' + str(user.get('slug'))))


class Accounts(object):
    """The profile's per-account folders."""

    def __init__(self, profile_store):
        self.profile = profile_store
        self.tokens = TokenStore(profile_store)

    def current_user(self, client=None):
        """The signed-in account: kept with the token, or asked of trakt through ``client`` (one request, once)."""
        token = self.tokens.load() or {}
        user = token.get('user')
        if isinstance(user, dict) and (user.get('uuid') or user.get('slug')):
            return user
        if client is None:
            return None
        return identify(client, self.tokens)

    def store_for(self, user):
        """The JsonStore of ``user``'s sync memory (created on first use; adopts the files of older versions)."""
        folder = os.path.join(self.profile.folder, ACCOUNTS_FOLDER, account_folder_name(user))
        store = JsonStore(folder)
        if not os.path.isdir(folder):
            os.makedirs(folder)
            self._adopt_old_files(store)
        return store

    def _adopt_old_files(self, store):
        for name in ADOPTED_FILES:
            if self.profile.exists(name) and not store.exists(name):
                os.replace(self.profile.path(name), store.path(name))
                logger.info('{} now belongs to the signed-in trakt account', name)

    def others_with_memory(self, account_folder):
        """The stores of the profile's other accounts that have a baseline (a sync as one of them read Kodi)."""
        folder = os.path.join(self.profile.folder, ACCOUNTS_FOLDER)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        stores = [JsonStore(os.path.join(folder, name)) for name in names if name != account_folder]
        return [store for store in stores if store.exists(BASELINE)]
