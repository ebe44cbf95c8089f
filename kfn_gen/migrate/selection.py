"""Which rules run: `select` / `ignore` / `extend_select` by code (`KFN005`), code prefix (`KFN0`) or name
(`optimizers`), as ruff selects rules."""
from __future__ import annotations


def matches(token: str, code: str, name: str) -> bool:
    token = token.strip()
    return token.lower() == name.lower() or (token.upper().startswith("KFN") and code.upper().startswith(token.upper()))


def selected(code: str, name: str, select=None, ignore=(), extend_select=()) -> bool:
    """select None means every rule; ignore wins over select unless the code is named more specifically in
    select (ruff's rule: the more specific selector wins)."""
    chosen = [t for t in (*(select if select is not None else ("KFN",)), *extend_select) if matches(t, code, name)]
    dropped = [t for t in ignore if matches(t, code, name)]
    if not chosen:
        return False
    if not dropped:
        return True
    return max(map(_specificity, chosen)) > max(map(_specificity, dropped))


def _specificity(token: str) -> int:
    return 99 if not token.upper().startswith("KFN") else len(token)


def unknown(tokens, rules) -> list[str]:
    """Selectors that match no rule (a typo should be an error, not a silent no-op)."""
    return [t for t in tokens if not any(matches(t, r.code, r.name) for r in rules)]
