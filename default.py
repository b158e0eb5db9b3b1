# -*- coding: utf-8 -*-
"""Kodi entry point of the add-on menu and of RunScript(service.traktsync,...)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lib'))

from traktsync import script  # noqa: E402

script.run(sys.argv)
