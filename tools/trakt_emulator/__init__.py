"""A local stand-in for trakt.tv (API v2, 2026 behaviour, see ../shared/docs/trakt-api-v2.md) for tests and the demo.

``from tools.trakt_emulator import Emulator``; ``python -m tools.trakt_emulator --state FILE --port N`` runs it.

Where trakt's behaviour is not documented, the emulator chooses, and clients must cope:
- ``watched_at``/``collected_at`` are stored and returned at minute precision (seconds and
  milliseconds zeroed, UTC), as trakt does; ``"released"`` files a play at the first of January
  of the item's year (the catalog has no release dates) and ``"unknown"`` at 1970-01-01.
- ``last_activities`` values have second precision and each write moves them at least one
  second past the previous ``all``, so no change is hidden by two writes in the same second.
- ``POST /sync/history`` and ``POST /sync/collection`` answer 201, the removes 200.
- The device-code answer advertises ``interval`` as an integer (rounded up) while the
  configured, possibly sub-second, ``device_interval`` is what the 429 check enforces.
- The refreshed-away access token stays valid until it expires; only the refresh token is spent.
- ``limits`` in ``/users/settings`` carries the contract's keys plus ``collection`` (the 2026
  library limit, answered with an empty 420) and ``history``.
- Requests to ``/oauth/*`` skip the ``trakt-api-key``/``trakt-api-version`` checks (auth.trakt.tv
  takes the client id in the body); the User-Agent and Content-Type checks apply everywhere.
"""
from tools.trakt_emulator.emulator import Emulator

__all__ = ['Emulator']
