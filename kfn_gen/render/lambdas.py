"""A Lambda layer's function, translated to a TensorFlow function for the generated module.

Translated: a `lambda` or a `def` whose body is assignments (tuple unpacking included) and one return, made of
arithmetic, comparisons, subscripts, constants, names bound to plain constants in the script, and calls of
keras.ops (render/keras3_ops.py), keras.activations and Keras' epsilon(); `.shape` and tuple()/list()/len()/
int()/float() of it (2.2.4's K.int_shape, migrated); the migration's K.shape helper; and keras.random draws
(the module's random_* helpers, render/tf_helpers.py).
Anything else (a Python loop, a call of another function) is an error that names the Lambda and what stopped
it: the generator never writes a module that might compute something else.
"""
from __future__ import annotations

import ast
import re

from kfn_gen.migrate.tables.backend import BACKEND_HELPERS
from kfn_gen.render.keras3_layers import ACTIVATIONS
from kfn_gen.render.keras3_ops import OpError, call
from kfn_gen.render.tf_helpers import RANDOM_HELPERS

OPS_PREFIXES = ("keras.ops.", "ops.", "keras.src.ops.")  # not K.*: its defaults differ (K.concatenate axis=-1)
EPSILON = {"K.epsilon", "keras.backend.epsilon", "keras.config.epsilon", "backend.epsilon"}
ACTIVATION_PREFIXES = ("keras.activations.", "activations.")
RANDOM_PREFIX = "keras.random."
RANDOM_PARAMS = {"normal": ("shape", "mean", "stddev", "dtype", "seed"),
                 "truncated_normal": ("shape", "mean", "stddev", "dtype", "seed"),
                 "uniform": ("shape", "minval", "maxval", "dtype", "seed")}
# helpers the migration defines in the script (maybe suffixed _1, _2 where the name was taken): in TensorFlow
MIGRATION_HELPERS = {BACKEND_HELPERS["shape"][0]: "tf.shape"}  # 2.2.4's K.shape(x) is tf.shape(x)
BUILTINS = {"tuple", "list", "len", "int", "float"}  # of static shapes: `tuple(x.shape)[1]` is 2.2.4's int_shape


class LambdaError(Exception):
    pass


def find_function(info: dict) -> ast.FunctionDef | ast.Lambda:
    """The function node in the source the sandbox recorded (a def, or the lambda among the statement's lines
    whose parameters are the function's)."""
    source = info.get("source")
    if not source:
        raise LambdaError(info.get("error") or "its source is not available")
    try:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == info.get("name"):
                return node
    except SyntaxError:
        tree = None
    candidates = []
    if tree is not None:
        candidates = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    else:  # a lambda inside a statement that continues past these lines: parse from each `lambda` on
        start = source.find("lambda")
        while start >= 0:
            for end in range(len(source), start, -1):
                try:
                    expr = ast.parse("(" + source[start:end] + ")", mode="eval").body
                except SyntaxError:
                    continue
                if isinstance(expr, ast.Lambda):
                    candidates.append(expr)
                    break
            start = source.find("lambda", start + 1)
    wanted = info.get("params")
    fits = [c for c in candidates if wanted is None or [a.arg for a in c.args.args] == wanted]
    if len(fits) != 1:
        raise LambdaError("its lambda could not be told apart on its line" if fits else
                          "its function was not found in its source")
    return fits[0]


BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}


class Translator:
    def __init__(self, info: dict, helpers: set[str] | None = None, define=None):
        self.info = info
        self.define = define  # (name, function info) -> the module-level name of that function, translated
        self.constants = info.get("constants", {})
        self.locals: set[str] = set()
        self.helpers = helpers if helpers is not None else set()  # the module helpers the translation calls
        self.self_name: str | None = None  # a custom layer's call(): its `self`
        self.self_info = info.get("self", {})

    def function(self, name: str) -> tuple[list[str], str]:
        """(params, body lines) of `def name(params):` computing the Lambda in TensorFlow.  A custom layer's
        call(self, inputs, ...) becomes (inputs, self_<weight>, ...): its weights are passed in."""
        fn = find_function(self.info)
        if fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs:
            raise LambdaError("*args/**kwargs parameters are not translated")
        params = [a.arg for a in fn.args.args]
        if self.info.get("method"):
            if len(params) < 2:
                raise LambdaError("call() takes no input")
            self.self_name, params, rest = params[0], params[1:2], params[2:]
            defaults = self.info.get("defaults", {})
            missing = [p for p in rest if p not in defaults]
            if missing:
                raise LambdaError(f"call() parameter {missing[0]!r} has no plain default")
            self.constants = {**self.constants, **{p: defaults[p] for p in rest}}
            params += [f"self_{attr}" for attr in self.self_info.get("weights", {})]
        self.locals = set(params)
        defaults = self.info.get("defaults", {}) if not self.info.get("method") else {}
        n_defaults = len(fn.args.defaults)
        for param in params[len(params) - n_defaults:] if n_defaults and not self.info.get("method") else []:
            if param not in defaults:
                raise LambdaError(f"the default of parameter {param!r} is not a plain constant")
        params = [f"{p}={defaults[p]!r}" if p in defaults else p for p in params]
        if isinstance(fn, ast.Lambda):
            return params, [f"return {self.expr(fn.body)}"]
        lines = []
        body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                value = self.expr(stmt.value)
                lines.append(f"{self.target(stmt.targets[0])} = {value}")
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and type(stmt.op) in BINOPS:
                value = f"({self.expr(stmt.target)} {BINOPS[type(stmt.op)]} {self.expr(stmt.value)})"
                lines.append(f"{self.target(stmt.target)} = {value}")
            elif isinstance(stmt, ast.Return) and stmt.value is not None and stmt is body[-1]:
                lines.append(f"return {self.expr(stmt.value)}")
            else:
                raise LambdaError(f"line {self.line(stmt)}: {type(stmt).__name__} statements are not translated")
        return params, lines

    def line(self, node) -> int:
        """The script's line of a node of the function's source (line_map: the migration's lines -> the
        script's, where the function came from a migrated script)."""
        line = node.lineno - 1 + self.info.get("line", 1)
        return self.info.get("line_map", {}).get(str(line), line)

    def target(self, node) -> str:
        if isinstance(node, ast.Name):
            self.locals.add(node.id)
            return node.id
        if isinstance(node, (ast.Tuple, ast.List)):
            return "(" + ", ".join(self.target(e) for e in node.elts) + ",)"
        raise LambdaError("assignments to anything but names are not translated")

    def expr(self, node) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool, str, type(None))):
            return repr(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.locals:
                return node.id
            if node.id in self.constants:
                return repr(self.constants[node.id])
            raise LambdaError(f"name {node.id!r} is not a parameter, a local or a plain constant of the script")
        if isinstance(node, ast.BinOp):
            op = BINOPS.get(type(node.op))
            if op is None:
                raise LambdaError(f"operator {type(node.op).__name__} is not translated")
            return f"({self.expr(node.left)} {op} {self.expr(node.right)})"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return f"({'-' if isinstance(node.op, ast.USub) else '+'}{self.expr(node.operand)})"
        if isinstance(node, (ast.Tuple, ast.List)):
            inner = ", ".join(self.expr(e) for e in node.elts)
            return f"[{inner}]" if isinstance(node, ast.List) else f"({inner}{',' if len(node.elts) == 1 else ''})"
        if isinstance(node, ast.Subscript):
            return f"{self.expr(node.value)}[{self.index(node.slice)}]"
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            if node.attr in self.self_info.get("weights", {}):
                return f"self_{node.attr}"
            if node.attr in self.self_info.get("constants", {}):
                return repr(self.self_info["constants"][node.attr])
            raise LambdaError(f"{self.self_name}.{node.attr} is neither one of the layer's weights nor a plain "
                              "constant")
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return f"{self.expr(node.value)}.shape"
        raise LambdaError(f"{type(node).__name__} expressions are not translated")

    def index(self, node) -> str:
        if isinstance(node, ast.Slice):
            parts = [self.expr(p) if p is not None else "" for p in (node.lower, node.upper)]
            return ":".join(parts) + (f":{self.expr(node.step)}" if node.step is not None else "")
        if isinstance(node, ast.Tuple):
            return ", ".join(self.index(e) for e in node.elts)
        return self.expr(node)

    def call(self, node: ast.Call) -> str:
        name = _dotted(node.func)
        if name in EPSILON:
            return repr(self.info.get("epsilon", 1e-7))
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        for prefix in ACTIVATION_PREFIXES:
            if name and name.startswith(prefix) and len(args) == 1 and not kwargs:
                template = ACTIVATIONS.get(name[len(prefix):], "")
                if template and "hard_sigmoid" not in template and "mish" not in template:
                    return template.format(x=args[0])
        helper = re.sub(r"_\d+$", "", name or "")
        if helper in MIGRATION_HELPERS and len(args) == 1 and not kwargs and name not in self.locals:
            return f"{MIGRATION_HELPERS[helper]}({args[0]})"
        if name in BUILTINS and len(args) == 1 and not kwargs and name not in self.locals:
            return f"{name}({args[0]})"
        if name and name.startswith(RANDOM_PREFIX) and name[len(RANDOM_PREFIX):] in RANDOM_PARAMS:
            draw = name[len(RANDOM_PREFIX):]
            params = RANDOM_PARAMS[draw]
            if len(args) > len(params) or set(kwargs) - set(params):
                raise LambdaError(f"{name}(): arguments not understood")
            seed = kwargs.get("seed", args[4] if len(args) > 4 else "None")
            if seed != "None" and not seed.isdigit():
                raise LambdaError(f"{name}(seed={seed}): only an int seed or none is translated")
            self.helpers.add(RANDOM_HELPERS[draw])
            return f"{RANDOM_HELPERS[draw]}({', '.join(args + [f'{k}={v}' for k, v in kwargs.items()])})"
        for prefix in OPS_PREFIXES:
            if name and name.startswith(prefix):
                try:
                    return call(name[len(prefix):], args, kwargs, self.info.get("epsilon", 1e-7))
                except OpError as exc:
                    raise LambdaError(str(exc)) from None
        functions = self.info.get("functions") or {}
        if name in functions and name not in self.locals and self.define is not None:
            return f"{self.define(name, functions[name])}({', '.join(args + [f'{k}={v}' for k, v in kwargs.items()])})"
        raise LambdaError(f"the call {name or '(...)'}() is not translated")


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def translate(info: dict, name: str, helpers: set[str] | None = None, what: str | None = None,
              define=None) -> str:
    """`def name(...):` in TensorFlow, for the module's helpers; the module helpers it calls join `helpers`.
    `what` the docstring says it is (default: the Lambda's function); `define(name, info)` translates a
    function of the script it calls and returns its module-level name (None: such calls are errors)."""
    params, lines = Translator(info, helpers, define).function(name)
    arguments = info.get("arguments") or {}
    if arguments:
        raise LambdaError("Lambda(arguments=...) is not translated")
    body = "\n".join("    " + line for line in lines)
    what = what or f"The Lambda's function {info.get('name')!r}"
    return f"def {name}({', '.join(params)}):\n    \"\"\"{what}, in TensorFlow.\"\"\"\n{body}"
