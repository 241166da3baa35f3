"""Who may change the directory (django-rules; autodiscovered). Reading it needs no one."""

import rules

from core.rules import is_system_administrator

# Importing a feed replaces what the directory says about services: the council's administrators.
rules.add_perm("directory.import_feed", is_system_administrator)
