"""A local stand-in for trakt.tv (API v2 as it behaves in 2026: paginated lists, 1 POST/s, OAuth device
flow) for tests and the demo.

``from tools.trakt_emulator import Emulator``; ``python -m tools.trakt_emulator --state FILE --port N`` runs it.

Where trakt's behaviour is not documented, the emulator chooses, and clients must cope:
- ``watched_at``/``collected_at`` are stored and returned at minute precision (seconds and
  milliseconds zeroed, UTC), as trakt does; ``"released"`` files a play at the first of January
  of the item's year (the catalog has no release dates) and ``"unknown"`` at 1970-01-01.
- ``last_activities`` values have second precision and each write moves them at least one
  second past the previous ``all``, so no change is hidden by two writes in the same second.
- ``POST /sync/history`` and ``POST /sync/collection`` answer 201, the removes 200.
- ``GET /sync/history[/{type}[/{id}]]`` takes ``start_at``/``end_at``: a date (``YYYY-MM-DD``) is that whole
  UTC day, a time that minute; both bounds are included.
- The device-code answer advertises ``interval`` as an integer (rounded up) while the
  configured, possibly sub-second, ``device_interval`` is what the 429 check enforces.
- The refreshed-away access token stays valid until it expires; only the refresh token is spent.
- ``limits`` in ``/users/settings`` carries the contract's keys plus ``collection`` (the 2026
  library limit, answered with an empty 420) and ``history``.
- ``GET /search/{id_type}/{id}`` (id_type trakt, imdb, tmdb or tvdb; ``type`` = movie, show, episode or a
  comma list) answers every catalog item with that id, movies first, each with ``score`` 1000, one page of
  at most 10 by default. It also finds an item by a ``search_ids`` id (tools/catalog.py ``hide_id``): one
  trakt knows but lists as null. It needs the api headers and a token like ``/sync/*``.
- Requests to ``/oauth/*`` skip the ``trakt-api-key``/``trakt-api-version`` checks (auth.trakt.tv
  takes the client id in the body); the User-Agent and Content-Type checks apply everywhere.

In-process use (no socket, no real waiting): ``tools.trakt_emulator.inprocess.InProcessEmulator`` takes the
same arguments; its ``url`` (``https://trakt.emulator.invalid``) is the client's api_url and oauth_url and
``session()`` a ``requests.Session`` answered by :meth:`Emulator.handle`, the pipeline the HTTP server runs too.
An injected timeout raises ``requests.exceptions.ReadTimeout`` at once there. ``Emulator(clock=...)`` gives the
emulator's "now" (epoch seconds) for play dates, last_activities, tokens, device codes, the POST pacing and
late commits; ``timeutil.ManualClock`` moves only when told (``advance``). With ``post_interval=0`` nothing is
paced, so a clock that stands still gets no 429.

Accounts: the default one plus any made by ``add_account(username)``. A token belongs to one account
(``issue_token(username=...)``, ``approve(user_code, username=...)``, ``device_user`` for auto-approved
device codes); ``/sync/*`` and ``/users/settings`` act on the token's account, and the seeding helpers
(``add_play``, ``plays``, ``play_count``, ``collect``, ``collection``, ``set_reset_at``,
``last_activities``, ``account_data``, ``set_limits``) take ``username=`` (None: the default account).

Faults, ``emu.inject(kind, count=1, method=None, path_prefix=None, **options)``; each meets the next
``count`` matching requests:
- ``'status:NNN'``: that status (520-530 as Cloudflare HTML; 423 and 426 with trakt's extra headers).
- ``'429'``: ``retry_after=1`` seconds in ``Retry-After`` (0 sends ``Retry-After: 0``, None no header).
- ``'420'``: the empty account-limit answer. ``'html403'``: Cloudflare's block page. ``'malformed'``:
  a 200 with truncated JSON.
- ``'timeout'``: no answer (over HTTP the connection stays silent ``hold`` seconds). ``commit='never'``
  (default): the write is lost; ``'before'`` (or the old ``apply=True``): applied, then no answer;
  ``'after'``: not visible yet, applied once the clock passes ``visible_after`` (default 5) seconds after
  the request. Only POSTs commit anything.
- ``'partial'`` (POST /sync/history or /sync/collection only): all but the last ``drop`` (default 1)
  items are applied and the 201 counts say so.
- ``'strip_pagination'`` (paged GETs only): the answer without any ``X-Pagination-*`` header.
- ``'page_count'`` (paged GETs only): ``X-Pagination-Page-Count`` set to ``value``; pages past the real
  last one answer ``[]``.
The request log (``emu.requests``) names the fault a request met under ``'fault'``; ``pending_commits()``
counts the late writes not visible yet.
"""
from tools.trakt_emulator.emulator import Emulator

__all__ = ['Emulator']
