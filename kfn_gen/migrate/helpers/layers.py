"""Layers Keras 3 removed that the migration replaces by Keras 2.2.4's own class, defined in the script:
2.2.4 identity -> (helper name, code).  layers-removed defines them; the imports rule leaves their imports
to it."""
from __future__ import annotations

from kfn_gen.migrate.helpers.legacy_layers import HELPERS as LEGACY_HELPERS
from kfn_gen.migrate.helpers.locally_connected import HELPERS as LOCALLY_CONNECTED

LOCAL_HELPERS = {**LOCALLY_CONNECTED, **LEGACY_HELPERS}
