"""`get_file(fname, origin, untar=True)`: the path 2.2.4 returned, rebuilt from the one Keras 3 returns.

Keras 2.2.4 (utils/data_utils.py:get_file) downloaded `<cache>/<fname>.tar.gz`, extracted it into
`<cache>` itself and returned `<cache>/<fname>`.  Keras 3.15 (src/utils/file_utils.py:get_file)
extracts into a folder of its own (`<cache>/<stem>_extracted`, or `<cache>/<fname>` when fname has
no dot) and returns that folder.  So `<returned>/<fname>` stands where 2.2.4's path stood relative
to the extracted files: `os.path.dirname()` of it is the folder holding the archive's contents
(image_ocr: `get_file('wordlists.tgz', ..., untar=True)`), and for an archive with a top folder
named fname (`get_file('aclImdb', ..., untar=True)`) it is that folder, as in 2.2.4.

`extract=True` returned the archive's own path in 2.2.4 (contents beside it): scripts use it both
as a file and through dirname(), so it is reported, not rewritten.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls

GET_FILE = "keras.utils.data_utils.get_file"
HELPER = "keras224_untar_path"
PRELUDE = '''def {name}(extracted, fname):
    """Keras 2.2.4's get_file(fname, untar=True) path: <folder holding the extracted files>/<fname>."""
    import os

    return os.path.join(extracted, fname)
'''


def _true(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


class GetFile(Rule):
    code = "KFN023"
    name = "get-file"
    description = "get_file(..., untar=True) -> the path 2.2.4 returned (Keras 3 returns the extraction folder)"

    def run(self, ctx: Context) -> None:
        found = list(calls(ctx))
        wrapped = {id(c.args[0].value) for c, _ in found  # already migrated: keras224_untar_path(get_file(...), f)
                   if isinstance(c.func, cst.Name) and c.func.value.startswith(HELPER) and c.args}
        for call, ident in found:
            if ident != GET_FILE or id(call) in wrapped:
                continue
            untar, extract = A.kwarg(call, "untar"), A.kwarg(call, "extract")
            if _true(extract):
                ctx.warn(call, "get_file(extract=True): 2.2.4 returned the archive's path with its contents "
                               "extracted beside it; Keras 3 returns the folder it extracted into: check how "
                               "the result is used")
            if untar is None:
                continue
            if not _true(untar):
                ctx.warn(untar, "get_file(untar=...) not a literal True: 2.2.4 and Keras 3 return different "
                                "paths when it is true (see the untar=True rewrite)")
                continue
            pos = A.positional(call)
            fname = A.kwarg(call, "fname") or (pos[0] if pos else None)
            if fname is None or not isinstance(fname.value, (cst.SimpleString, cst.Name)):
                ctx.warn(call, "get_file(untar=True): Keras 3 returns the extraction folder, 2.2.4 returned "
                               "<cache>/<fname>; fname is not a plain name or string, so the path is left as is")
                continue
            name = ctx.define(HELPER, PRELUDE, call, imports_keras=False)  # the helper imports os itself
            fname_code = cst.Module([]).code_for_node(fname.value)
            ctx.edit(call, lambda updated, n=name, f=fname_code: cst.parse_expression(
                f"{n}({cst.Module([]).code_for_node(updated)}, {f})"),
                f"get_file(untar=True) -> {name}(get_file(...), {fname_code}): Keras 3 returns the folder it "
                "extracted into, 2.2.4 returned <cache>/<fname> with the files extracted beside it")

