"""Running the user's script statement by statement in one namespace, recording each failing statement."""
from __future__ import annotations

import ast
import os
import sys
import traceback


from kfn_gen.verify.worker.scriptenv import cache_function_helper, prepare_script
from kfn_gen.verify.worker.sides import FUNCTION_HELPER, FatalRun


def run_script(side, path, result):
    with open(path, encoding="utf-8", errors="replace") as fh:
        source = fh.read()
    tree = ast.parse(source, filename=path)
    ns = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    sys.argv = prepare_script(side, path, result)  # argv, optional modules, applications weights
    names = {}
    errors = result["errors"]
    result["statements_total"] = len(tree.body)  # the verdict's coverage: how much of the script ran
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
        try:
            exec(code, ns)
        except SystemExit as exc:
            result["exited_at"] = {"line": stmt.lineno, "code": str(exc.code)}
            break
        except MemoryError as exc:
            raise FatalRun(f"memory limit exceeded (MemoryError) at {os.path.basename(path)}:{stmt.lineno}") from exc
        except Exception as exc:  # noqa: BLE001 - user code may raise anything
            tb = traceback.extract_tb(exc.__traceback__)
            user_line = next((f.lineno for f in reversed(tb) if f.filename == path), stmt.lineno)
            errors.append({"line": user_line, "stmt_line": stmt.lineno, "type": type(exc).__name__,
                           "message": str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""})
        result["statements_run"] += 1
        if side.name == "keras3":  # the migrated K.function: cached as the legacy side caches 2.2.4's
            for var in [v for v in ns if FUNCTION_HELPER.fullmatch(v)]:
                ns[var] = cache_function_helper(ns[var])
        captured = {id(m) for m in side.captured}
        for var, val in list(ns.items()):
            if id(val) in captured and not var.startswith("_"):
                names[id(val)] = var
    return names, ns


def synthesize_models(side, ns, names, wanted=None):
    """For scripts that build a layer graph but no Model (guide snippets): one model per Keras
    tensor variable left in the namespace, from every Input variable to that tensor.  `wanted`
    (Keras 3 side) is the legacy side's [(tensor var, [input vars])]."""
    made = []
    if wanted is None:
        tensors = [(k, v) for k, v in ns.items() if not k.startswith("_") and side.is_keras_tensor(v)]
        inputs = [k for k, v in tensors if side.is_input_tensor(v)]
        wanted = [(k, inputs) for k, v in tensors if not side.is_input_tensor(v)]
        if not wanted:  # only Input(...) lines: compare the inputs themselves (shape, dtype)
            wanted = [(k, [k]) for k in inputs]
    for out, ins in wanted:
        try:
            xs = [ns[k] for k in ins]
            model = side.model_cls(inputs=xs if len(xs) != 1 else xs[0], outputs=ns[out])
        except Exception:
            continue
        names[id(model)] = out
        made.append((model, {"output": out, "inputs": list(ins)}))
    return made
