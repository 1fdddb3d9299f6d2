"""Turkish drone-export rhetoric: tables, coding, figures and narrative.

The notebooks in ``notebooks/`` call this package; all logic lives here.
"""

__version__ = "0.2.2"
