"""Front end: parse a legacy script and say what every name means in Keras 2.2.4.

`Source.parse()` never raises on user input: a syntax error becomes a Diagnostic.  Names are
resolved with libcst's scope and qualified-name analysis, plus the Keras 2.2.4 API table for
star imports and for spelling mistakes (`Activition` -> "did you mean 'Activation'?").
"""
from __future__ import annotations

import ast
import builtins
import functools
import sys
from dataclasses import dataclass, field

import libcst as cst
from libcst import metadata as md

from kfn_gen.frontend import python2
from kfn_gen.frontend.tree import dotted, parents, walk
from kfn_gen.keras224 import api as api224
from kfn_gen.diagnostics import Diagnostic

_MODULE_DUNDERS = {"__file__", "__name__", "__doc__", "__builtins__", "__spec__", "__loader__", "__package__",
                   "__path__", "__annotations__", "__dict__", "__debug__", "__qualname__", "__module__", "__class__"}
@dataclass
class Source:
    path: str
    text: str
    wrapper: md.MetadataWrapper
    positions: dict = field(default_factory=dict)
    qualnames: dict = field(default_factory=dict)
    scopes: dict = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        p = self.positions.get(node)
        if p is None:
            return (1, 1)
        return (p.start.line, p.start.column + 1)

    def diag(self, node, severity: str, message: str, rule: str = "") -> Diagnostic:
        line, col = self.pos(node) if node is not None else (1, 1)
        p = self.positions.get(node) if node is not None else None
        end = (p.end.line, p.end.column + 1) if p is not None else (None, None)
        return Diagnostic(self.path, line, col, severity, message, rule, *end)

    def keras_path(self, node: cst.CSTNode) -> str | None:
        """Dotted Keras path an expression names (`D` -> 'keras.layers.Dense'), or None."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        for q in self.qualnames.get(node, ()):  # imports, aliases, attribute chains
            if q.source == md.QualifiedNameSource.IMPORT and api224.is_keras_path(q.name):
                return q.name
        if isinstance(node, cst.Name) and self.star_modules and not self._is_bound(node):
            for mod in self.star_modules:
                if node.value in api224.names_in(mod):
                    return f"{mod}.{node.value}"
        if isinstance(node, cst.Attribute):
            base = self.keras_path(node.value)
            if base is not None:
                return f"{base}.{node.attr.value}"
        return None

    def identity(self, node: cst.CSTNode) -> str | None:
        """Identity of the Keras 2.2.4 object an expression names ('keras.layers.core.Dense')."""
        path = self.keras_path(node)
        if path is None:
            return None
        return api224.resolve(path).identity

    def _is_bound(self, name: cst.Name) -> bool:
        scope = self.scopes.get(name)
        if scope is None:
            return False
        return bool(scope.assignments[name.value])

    def references(self, name: cst.Name) -> list[cst.CSTNode] | None:
        """Every read of the variable `name` binds (a Name node, in its own scope or a nested one that
        does not rebind it: a function parameter of the same name is another variable), over all of the
        name's bindings in that scope; None when the scope is unknown or a `global`/`nonlocal`
        declaration elsewhere may rebind it."""
        scope = self.scopes.get(name)
        if scope is None:
            return None
        found = []
        for assignment in scope.assignments[name.value]:
            if not isinstance(assignment, md.Assignment):
                return None
            for access in assignment.references:
                found.append(access.node)
        return None if name.value in self.declared_nonlocal else found

    @functools.cached_property
    def declared_nonlocal(self) -> set[str]:
        """Names some `global`/`nonlocal` statement declares (one walk per source)."""
        return {n.name.value for node in walk(self.module) if isinstance(node, (cst.Global, cst.Nonlocal))
                for n in node.names}

    def uses_keras(self) -> bool:
        return uses_keras(self.module)


def uses_keras(module: cst.Module) -> bool:
    """Does the script import Keras (the standalone 2.2 package, or its companion packages) anywhere?"""
    def keras_path(dotted: str) -> bool:
        return dotted.split(".")[0] in api224.KERAS_PACKAGES

    for node in walk(module):
        if isinstance(node, cst.Import) and any(keras_path(dotted(a.name) or "") for a in node.names):
            return True
        if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative \
                and keras_path(dotted(node.module) or ""):
            return True
    return False


def parse(text: str, path: str, only_keras: bool = False) -> tuple[Source | None, list[Diagnostic]]:
    """Parse and analyse; with only_keras, a valid file that does not import Keras gives (None, [])."""
    # CPython's parser is the authority on what is valid Python (libcst's accepts some invalid
    # input, e.g. two statements flattened onto one line); libcst then gives the lossless tree.
    try:
        ast.parse(text, filename=path)
    except SyntaxError as exc:
        return None, [_syntax_diag(text, path, exc.lineno or 1, exc.offset or 1, exc.msg)]
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return None, [Diagnostic(path, 1, 1, "error", f"cannot parse: {exc}", "parse")]
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return None, [_syntax_diag(text, path, exc.editor_line, exc.editor_column, exc.message)]
    except RecursionError:
        return None, [Diagnostic(path, 1, 1, "error", "source is too deeply nested to parse", "parse")]
    if only_keras and not uses_keras(module):
        return None, []
    wrapper = md.MetadataWrapper(module, unsafe_skip_copy=True)
    res = wrapper.resolve_many([md.PositionProvider, md.QualifiedNameProvider, md.ScopeProvider])
    qualnames = {k: _force(v) for k, v in res[md.QualifiedNameProvider].items()}
    src = Source(path, text, wrapper, res[md.PositionProvider], qualnames, res[md.ScopeProvider])
    src.star_modules = _star_imports(module)
    return src, []


def _syntax_diag(text: str, path: str, line: int, col: int, message: str) -> Diagnostic:
    lines = text.splitlines()
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    if python2.construct(bad):
        message = "Python 2 syntax is not supported (convert it with 2to3 first): " + message
    else:
        message = "syntax error: " + message
    return Diagnostic(path, line, col, "error", message, "parse")


def _force(value):
    """libcst may hand back lazily computed metadata; compute it once here."""
    return value() if callable(value) and not isinstance(value, (set, frozenset)) else value


def _star_imports(module: cst.Module) -> list[str]:
    found = []
    for node in walk(module):
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar) and node.module is not None:
            name = dotted(node.module)
            if name and api224.is_keras_path(name) and name in api224.modules():
                found.append(name)
    return found


def check_names(src: Source) -> list[Diagnostic]:
    """Errors for names that do not exist: undefined variables and Keras attributes 2.2.4 never had."""
    diags: list[Diagnostic] = []
    bound_names = set()
    for scope in set(src.scopes.values()):
        if scope is not None:
            bound_names.update(a.name for a in scope.assignments)
    star_names = set()
    for mod in src.star_modules:
        star_names.update(api224.names_in(mod))
    seen = set()
    dynamic = None
    for scope in set(src.scopes.values()):
        if scope is None:
            continue
        for access in scope.accesses:
            node = access.node
            if not isinstance(node, cst.Name) or access.referents or node in seen:
                continue
            seen.add(node)
            name = node.value
            if name in star_names or hasattr(builtins, name) or name in _MODULE_DUNDERS:
                continue
            if isinstance(scope, md.ClassScope) or _assigned_in_chain(scope, name):
                continue
            if dynamic is None:  # computed once per file, at the first undefined name
                dynamic = _may_define_dynamically(src)
            diags.append(_undefined(src, node, bound_names, star_names, dynamic))
    for node in walk(src.module):
        if isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(node.names, cst.ImportStar):
            mod = dotted(node.module)
            if not mod or not api224.is_keras_path(mod) or node.relative:
                continue
            for alias in node.names:
                r = api224.resolve(f"{mod}.{dotted(alias.name)}")
                if not r.ok and not r.missing.startswith("_"):  # private names: not in the 2.2.4 table
                    diags.append(_missing_diag(src, alias.name, r, node))
        elif isinstance(node, cst.Attribute):
            path = src.keras_path(node)
            if path is None or src.keras_path(node.value) is None:
                continue
            r = api224.resolve(path)
            if not r.ok and r.missing == node.attr.value and not r.missing.startswith("_"):
                diags.append(_missing_diag(src, node.attr, r, node))
    diags.sort(key=lambda d: (d.line, d.col))
    return diags


# names whose absence is a Keras 2.2.4 script's own business, not a reason to refuse the file: the script
# may define them where a static reading cannot see (its own star imports, exec, notebook kernels)
_DYNAMIC_DEFINERS = ("exec", "execfile", "get_ipython", "globals", "locals", "vars", "__builtins__")
# nodes under which a statement may not run (or runs later, or not at all)
_CONDITIONAL = (cst.If, cst.Try, cst.For, cst.While, cst.FunctionDef, cst.Lambda, cst.ListComp, cst.SetComp,
                cst.DictComp, cst.GeneratorExp, cst.IfExp, cst.BooleanOperation, cst.ExceptHandler)


def _undefined(src: Source, node: cst.Name, bound_names: set, star_names: set, dynamic: bool) -> Diagnostic:
    """An undefined name: an error only where 2.2.4 itself would certainly have raised NameError (a statement
    that always runs at module level, a name defined nowhere in the file, nothing that could define it
    dynamically); otherwise a warning, and the file is migrated (issue 17: refuse only what is certainly
    wrong).  Typos of Keras names (`Activition`) and of the script's own names (`mdoel`) at module level stay
    errors with their suggestion."""
    name = node.value
    layer_names = _keras_layer_names(src)
    if name in bound_names:  # bound in another scope (a function's global, a later cell, a loop elsewhere)
        return src.diag(node, "warning", f"name '{name}' is not bound where it is used here (it is bound in another "
                        "scope of this file): check that it is defined when this line runs", "undefined-name")
    if name in sys.stdlib_module_names:
        return src.diag(node, "warning", f"module '{name}' is used but never imported in this file: add `import "
                        f"{name}` (2.2.4 would raise NameError here too)", "undefined-name")
    if name in layer_names:  # `Input(...)` with no import of it
        msg = f"name '{name}' is not defined; it is keras.layers.{name}: import it (from keras.layers import {name})"
    else:
        hint = api224.suggest(name, bound_names | star_names | layer_names)
        msg = f"name '{name}' is not defined" + (f"; did you mean '{hint}'?" if hint else "")
    certain = _always_runs(src, node) and not dynamic
    if certain:
        return src.diag(node, "error", msg, "undefined-name")
    return src.diag(node, "warning", msg + " (kept: this line may never run, or the name may be defined "
                    "dynamically)", "undefined-name")


def _always_runs(src: Source, node: cst.CSTNode) -> bool:
    up = parents(src.module)
    while node is not None and not isinstance(node, cst.Module):
        node = up.get(node)
        if isinstance(node, _CONDITIONAL):
            return False
    return True


def _may_define_dynamically(src: Source) -> bool:
    """A star import from a module that is not Keras (the script's own helpers), or exec/globals()/a
    notebook kernel: names may come from there."""
    for n in walk(src.module):
        if isinstance(n, cst.ImportFrom) and isinstance(n.names, cst.ImportStar) and \
                (n.module is None or n.relative or not api224.is_keras_path(dotted(n.module) or "")):
            return True
        if isinstance(n, cst.Name) and n.value in _DYNAMIC_DEFINERS:
            return True
    return False


def _missing_diag(src: Source, node, r: api224.Resolved, use: cst.CSTNode) -> Diagnostic:
    """A name 2.2.4 lacked: an error (2.2.4 itself raised there), unless the script guards the use against
    the name's absence (version-compatibility code: `if hasattr(optimizers, 'optimizer_from_config')`,
    `try: from keras.layers import CuDNNLSTM / except ImportError`): then 2.2.4 took the other branch, and
    the use is reported as a warning."""
    from kfn_gen.keras224.keras1 import KERAS1_ONLY_NAMES  # Keras 1 names 2.2.4 no longer had

    severity = "warning" if _guarded(src, use, r.missing) else "error"
    kept = " (kept: the script guards this use against the name's absence)" if severity == "warning" else ""
    if r.missing in KERAS1_ONLY_NAMES:
        return src.diag(node, severity, f"'{r.missing}' is not in Keras 2.2.4: {KERAS1_ONLY_NAMES[r.missing]}"
                        + kept, "unknown-keras-name")
    hint = f"; did you mean '{r.suggestion}'?" if r.suggestion else ""
    where = f"module '{r.missing_in}'" if r.missing_in else "Keras"
    return src.diag(node, severity, f"{where} has no attribute '{r.missing}' in Keras 2.2.4{hint}{kept}",
                    "unknown-keras-name")


# exceptions a `try` catches when it guards a name that may be missing
_GUARD_EXCEPTIONS = {"AttributeError", "ImportError", "ModuleNotFoundError", "NameError", "Exception",
                     "BaseException"}


def _guarded(src: Source, node: cst.CSTNode, name: str) -> bool:
    """Inside an `if` whose test asks hasattr(..., 'name'), the body of an `if K.backend() == 'theano'` (or the
    right side of `K.backend() == 'cntk' and ...`), or a `try` body whose handler catches a missing name
    (AttributeError, ImportError, a bare except)."""
    up = parents(src.module)
    child, node = node, up.get(node)
    while node is not None and not isinstance(node, cst.Module):
        if isinstance(node, (cst.If, cst.IfExp)) and _asks_hasattr(node.test, name):
            return True
        if isinstance(node, cst.If) and child is node.body and _other_backend(src, node.test):
            return True  # `if K.backend() == 'theano':` never ran on TensorFlow
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And) \
                and child is node.right and _other_backend(src, node.left):
            return True  # `K.backend() == 'cntk' and K.dev.type() == 0`: the right side never ran either
        if isinstance(node, cst.Try) and child is node.body and any(
                h.type is None or _GUARD_EXCEPTIONS & {dotted(t) or "" for t in _types(h.type)}
                for h in node.handlers):
            return True
        child, node = node, up.get(node)
    return False


def _asks_hasattr(test: cst.BaseExpression, name: str) -> bool:
    for n in walk(test):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in ("hasattr", "getattr") \
                and len(n.args) >= 2 and isinstance(n.args[1].value, cst.SimpleString) \
                and n.args[1].value.evaluated_value == name:
            return True
    return False


def _other_backend(src: Source, test: cst.BaseExpression) -> bool:
    """`K.backend() == 'theano'` (or 'cntk'): a branch 2.2.4 on TensorFlow never took."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)):
        return False
    left, right = test.left, test.comparisons[0].comparator
    for call, value in ((left, right), (right, left)):
        if isinstance(call, cst.Call) and isinstance(value, cst.SimpleString) \
                and (src.keras_path(call.func) or "").endswith("backend.backend") \
                and value.evaluated_value != "tensorflow":
            return True
    return False


def _types(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    return [e.value for e in expr.elements] if isinstance(expr, cst.Tuple) else [expr]


def _assigned_in_chain(scope, name: str) -> bool:
    """Assigned anywhere in this scope or an enclosing one (libcst leaves an access that comes
    before the assignment in program order, e.g. inside a loop, without referents)."""
    while scope is not None:
        if scope.assignments[name]:
            return True
        parent = getattr(scope, "parent", None)
        if parent is scope:
            break
        scope = parent
    return False


def _keras_layer_names(src: Source) -> set[str]:
    return set(api224.names_in("keras.layers")) if src.uses_keras() else set()
