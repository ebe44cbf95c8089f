"""Names of helpers the rules define in migrated scripts that the verifier recognises by name
(kfn_gen/verify/worker/sides.py).  ctx.define may add a suffix (`_1`) when the script already uses one."""
from __future__ import annotations

FUNCTION = "keras224_function"    # migrate/rules/backend_function.py: K.function
GRADIENTS = "keras224_gradients"  # migrate/rules/gradients.py: K.gradients
TENSOR_INPUT = "keras224_tensor_input"  # migrate/rules/tensor_inputs.py: Input(tensor=constant), fed by the two above
# helpers that build a keras.Model internally: not one of the script's models
MODEL_BUILDERS = (FUNCTION, GRADIENTS)
