"""User-facing switches of a migration."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULTS = ("keras224", "keras3")
IMPORT_STYLES = ("keras", "tf.keras")


@dataclass(frozen=True)
class Options:
    # "keras224": emit explicit arguments so the migrated model computes what Keras 2.2.4 computed.
    # "keras3": take Keras 3's defaults; every numeric change that makes is reported as a warning.
    defaults: str = "keras224"
    # "keras": `import keras` (Keras 3).  "tf.keras": `from tensorflow import keras` (same Keras 3 in TF 2.21).
    import_style: str = "keras"
    # Which rules run, by code, code prefix or name (as ruff's --select/--ignore/--extend-select):
    # None selects every rule.
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    # Base names of the Keras 2 .h5 models converted to .keras beside them (migrate --convert-checkpoints):
    # load_model of such a name loads the .keras file instead.
    checkpoints: tuple[str, ...] = ()

    def __post_init__(self):
        if self.defaults not in DEFAULTS:
            raise ValueError(f"defaults must be one of {DEFAULTS}")
        if self.import_style not in IMPORT_STYLES:
            raise ValueError(f"import_style must be one of {IMPORT_STYLES}")
