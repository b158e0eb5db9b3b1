"""trakt API v2 client: OAuth device flow, paginated reads, paced batch writes, typed errors."""
from traktsync.trakt.auth import DeviceCode  # noqa: F401
from traktsync.trakt.batching import BatchResult, InvalidItem  # noqa: F401
from traktsync.trakt.client import DEFAULT_API_URL, DEFAULT_OAUTH_URL, TraktClient  # noqa: F401
from traktsync.trakt.credentials import AppCredentials, load_app_credentials  # noqa: F401
