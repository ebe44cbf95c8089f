"""Small helpers to read and edit call arguments without disturbing the rest of the call."""
from __future__ import annotations

import libcst as cst


def kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return None


def positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    """The value of parameter `name`, passed at position `index` or by keyword; None when not passed."""
    pos = positional(call)
    if len(pos) > index:
        return pos[index].value
    arg = kwarg(call, name)
    return arg.value if arg is not None else None


def is_name(node, *names: str) -> bool:
    """Whether `node` is one of the bare names (True, False, None, ...)."""
    return isinstance(node, cst.Name) and node.value in names


def add_kwarg(call: cst.Call, name: str, code: str) -> cst.Call:
    new = cst.Arg(value=cst.parse_expression(code), keyword=cst.Name(name),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    args = list(call.args)
    if args:
        last = args[-1]
        if isinstance(last.comma, cst.Comma):  # trailing comma: the new argument takes the same layout
            new = new.with_changes(comma=last.comma)
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(new)
    return call.with_changes(args=args)


def remove_kwargs(call: cst.Call, names: set[str]) -> cst.Call:
    args = list(call.args)
    i = 0
    while i < len(args):
        a = args[i]
        if a.keyword is not None and a.keyword.value in names:
            if i == len(args) - 1 and i > 0:
                args[i - 1] = args[i - 1].with_changes(comma=a.comma)
            del args[i]
        else:
            i += 1
    return call.with_changes(args=args)


def rename_kwarg(call: cst.Call, old: str, new: str) -> cst.Call:
    return call.with_changes(args=[a.with_changes(keyword=cst.Name(new)) if a.keyword is not None and a.keyword.value == old
                                   else a for a in call.args])


def set_kwarg_value(call: cst.Call, name: str, code: str) -> cst.Call:
    value = cst.parse_expression(code)
    return call.with_changes(args=[a.with_changes(value=value) if a.keyword is not None and a.keyword.value == name
                                   else a for a in call.args])


def keywordize(call: cst.Call, names: list[str], start: int = 0) -> cst.Call:
    """Give the positional arguments from index `start` on their keyword (per the 2.2.4 signature `names`:
    positional i becomes names[i])."""
    args, i = [], 0
    for a in call.args:
        if a.keyword is None and not a.star:
            if start <= i < len(names):
                a = a.with_changes(keyword=cst.Name(names[i]), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
            i += 1
        args.append(a)
    return call.with_changes(args=args)


def code(module: cst.Module, node: cst.CSTNode) -> str:
    return module.code_for_node(node)
