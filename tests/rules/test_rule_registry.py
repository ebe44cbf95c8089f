"""The rule registry: every rule declared once, ordered by its `after` declarations, and nothing else
depending on the order (a second valid order migrates every fixture to the same code)."""
from __future__ import annotations

import ast
import functools

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rule import Rule
from kfn_gen.migrate.rules import RuleOrderError, all_rules, ordered, rule_classes
from kfn_gen.options import Options
from tests.helpers import seed_cases

CASES = [c for c in seed_cases() if (c / "expected.py").exists()]

# Calls that two or more rules edit at once: the node-level composition the run order used to decide
# (layer-weights wraps a call keras1-args, recurrent-224, layers-removed and int-args edit; K.function
# and K.gradients over an Input(tensor=) that tensor-inputs rewrites; Keras-1 merge imports).
SAME_NODE = {
    "weights_and_keras1": "import numpy as np\nfrom keras.layers import Dense, Input\nx = Input(shape=(4,))\n"
                          "y = Dense(output_dim=3, init='uniform', weights=[np.ones((4, 3)), np.zeros(3)])(x)\n",
    "weights_and_gate": "from keras.layers import LSTM, Input\nws = None\nx = Input(shape=(5, 4))\n"
                        "y = LSTM(3, weights=ws)(x)\n",
    "weights_and_cudnn": "from keras.layers import CuDNNLSTM, Input\nws = None\nx = Input(shape=(5, 4))\n"
                         "y = CuDNNLSTM(3, weights=ws)(x)\n",
    "weights_and_int": "import numpy as np\nfrom keras.layers import Dense, Input\nws = None\nn = np.max([1, 2]) + 1\n"
                       "x = Input(shape=(4,))\ny = Dense(n, weights=ws)(x)\n",
    "weights_and_conv_keras1": "from keras.layers import Convolution2D, Input\nws = None\nx = Input(shape=(8, 8, 1))\n"
                               "y = Convolution2D(4, 3, 3, border_mode='same', weights=ws)(x)\n",
    "tensor_inputs_function_gradients":
        "from keras import backend as K\nfrom keras.layers import Dense, Input\nfrom keras.models import Model\n"
        "import tensorflow as tf\nx = Input(tensor=tf.constant([[1.0, 2.0]]))\nm = Model(x, Dense(2)(x))\n"
        "f = K.function([m.input, K.learning_phase()], [K.mean(m.output)])\n"
        "g = K.gradients(K.sum(m.output), [m.input])\n",
    "keras1_merge_import": "from keras.layers import merge, Input\nfrom keras.layers.core import Dense\n"
                           "a = Input(shape=(3,))\nc = merge([a, a], mode='sum')\n",
    "renamed_and_keras1": "from keras.layers import Deconvolution2D, Input\nx = Input(shape=(8, 8, 1))\n"
                          "y = Deconvolution2D(3, 3, 3, output_shape=(None, 10, 10, 3), subsample=(2, 2))(x)\n",
}


def _fake(name: str, code: str, after: tuple[str, ...] = ()) -> type[Rule]:
    return type(name.title().replace("-", ""), (Rule,), {"name": name, "code": code, "after": after})


def test_every_rule_is_registered_once_with_a_code_and_a_description():
    rules = all_rules()
    assert len(rules) == len(rule_classes()) >= 30
    assert len({r.code for r in rules}) == len({r.name for r in rules}) == len(rules)
    assert all(r.code.startswith("KFN") and r.description for r in rules)


def test_order_honours_after_and_breaks_ties_by_code():
    a, b, c = _fake("a", "KFN003"), _fake("b", "KFN002", after=("a",)), _fake("c", "KFN001")
    assert [r.name for r in ordered([a, b, c])] == ["c", "a", "b"]
    assert [r.name for r in ordered([a, b, c], reverse_ties=True)] == ["a", "b", "c"]


def test_a_cycle_or_an_unknown_rule_in_after_is_refused():
    with pytest.raises(RuleOrderError, match="cycle among: a, b"):
        ordered([_fake("a", "KFN001", after=("b",)), _fake("b", "KFN002", after=("a",)), _fake("c", "KFN003")])
    with pytest.raises(RuleOrderError, match="no such rule"):
        ordered([_fake("a", "KFN001", after=("nope",))])
    with pytest.raises(RuleOrderError, match="used twice"):
        ordered([_fake("a", "KFN001"), _fake("b", "KFN001")])


def _same(source: str, options: Options = Options()):
    forward = migrate_source(source, "s.py", options)
    backward = migrate_source(source, "s.py", options, rules=all_rules(reverse_ties=True))
    assert backward.code == forward.code
    assert sorted(backward.diagnostics, key=repr) == sorted(forward.diagnostics, key=repr)
    return forward


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixtures_migrate_the_same_in_another_valid_order(case):
    _same((case / "input.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SAME_NODE))
@pytest.mark.parametrize("style", ["keras", "tf.keras"])
def test_edits_on_one_node_compose_in_either_order(name, style):
    result = _same(SAME_NODE[name], Options(import_style=style))
    assert result.ok and result.changed, [d.format() for d in result.diagnostics]


def test_a_wrapping_edit_keeps_the_edits_inside_it():
    code = migrate_source(SAME_NODE["weights_and_keras1"], "s.py", rules=all_rules(reverse_ties=True)).code
    assert "Dense(units=3, kernel_initializer='uniform'), [np.ones((4, 3)), np.zeros(3)])(x)" in code


@functools.lru_cache(maxsize=None)
def _full_run(case) -> tuple[str, frozenset]:
    source = (case / "input.py").read_text(encoding="utf-8")
    return source, frozenset(d.rule for d in migrate_source(source, "input.py").diagnostics)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_each_rule_alone_gives_python_where_it_acts(rule):
    """A rule run without the others (on the fixtures where it acts in a full run, and on the same-node
    cases) still gives valid Python, and says only its own edits."""
    sources = [src for src, rules in map(_full_run, CASES) if rule.name in rules] + list(SAME_NODE.values())
    for source in sources:
        result = migrate_source(source, "input.py", rules=[rule])
        if result.code is not None:
            ast.parse(result.code)
        assert {d.rule for d in result.diagnostics if d.severity == "info"} <= {rule.name}, rule.name
