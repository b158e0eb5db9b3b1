"""Everything that talks to Kodi. Only this package imports Kodi's modules, and
only in the submodules that need them, so that the JSON-RPC TCP transport and
the library code also run outside Kodi (tests, benchmark, demo)."""
