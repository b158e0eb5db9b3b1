# -*- coding: utf-8 -*-
"""Kodi entry point of the background service."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lib'))

from traktsync import service  # noqa: E402

service.run()
