"""The benchmark of the whole sync (``make bench``, see __main__.py) and its parts, one job per module:
datasets (what each side holds), library_cache (the scanned library, once per data set), session (Kodi + emulator
and the scenarios), probes (ping, memory, the log), floor (the floor measured in the same run), report (the table
and bench/results.json); library_io is the older read/write bench of the Kodi side alone."""
