"""The trakt app's client id and secret.

They are not in the repository: the build drops ``app_credentials.json``
(``{"client_id": "...", "client_secret": "..."}``, git-ignored) next to this
module, and a user may override both in the add-on settings (for example with
an app of their own). The override wins when it names a client id.
"""
import collections
import os

from traktsync.jsonutil import loads
from traktsync.trakt.errors import CredentialsFileInvalid

APP_CREDENTIALS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'app_credentials.json')

AppCredentials = collections.namedtuple('AppCredentials', 'client_id client_secret')


def load_app_credentials(override_client_id='', override_client_secret='', path=APP_CREDENTIALS_PATH):
    """The credentials to use, or None when neither the settings nor the bundled file provide a client id."""
    override_client_id = (override_client_id or '').strip()
    if override_client_id:
        # An id and a secret belong to one app: never pair an override id with the bundled secret.
        return AppCredentials(override_client_id, (override_client_secret or '').strip())
    if not os.path.exists(path):
        return None
    try:
        with open(path, 'rb') as handle:
            data = loads(handle.read().decode('utf-8'))
    except (OSError, ValueError) as exc:
        raise CredentialsFileInvalid('{}: {}'.format(CredentialsFileInvalid.message, type(exc).__name__)) from None
    if not isinstance(data, dict):
        raise CredentialsFileInvalid()
    client_id = str(data.get('client_id') or '').strip()
    if not client_id:
        return None
    return AppCredentials(client_id, str(data.get('client_secret') or '').strip())
