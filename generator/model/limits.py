"""The ranges the domain allows, in one place: a value outside them is a mistake in the
input, never something to publish (and never a crash in date arithmetic or formatting).

Used as field constraints by the models (:mod:`generator.model.matter`, ``theme``,
``region``, ``policy``) and by the command line (``guides slip --date/--within``); the README
lists them with the reader's limits.
"""

from __future__ import annotations

import datetime as dt

# working days: a time limit, a step, a theme's promise (about fourteen years)
MAX_DAYS = 3650
# copies of one material, visits to a hall
MAX_COPIES = 99
MAX_VISITS = 99
# one fee, in yuan (a finite number: .inf and .nan are refused)
MAX_FEE = 100_000_000
# steps of one procedure, members of one theme
MAX_STEPS = 200
# items of one list of a matter (materials, conditions, legal bases, situations, options,
# fees): a real guide has a few dozen; the slips and pages stay fast within this
MAX_ITEMS = 300
# dates of a standard (effective, change notes) and of a slip
FIRST_DATE = dt.date(1949, 10, 1)
LAST_DATE = dt.date(2099, 12, 31)
