"""Hypothesis strategies that write random legacy Keras 2.2 functional scripts.

A script builds one or more models from Inputs through Dense, LSTM/GRU (optionally returning
sequences), TimeDistributed(Dense), concatenate/add merges, shared layers (one instance called
on two tensors of the same shape) and nested models (a sub-Model called like a layer, possibly
twice).  Shapes are tracked so every generated script is valid under Keras 2.2.4.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

HEADER = ("from keras.layers import Input, Dense, LSTM, GRU, TimeDistributed, concatenate, add\n"
          "from keras.models import Model\n")


@dataclass
class _Script:
    lines: list[str] = field(default_factory=list)
    shapes: dict[str, tuple] = field(default_factory=dict)  # tensor var -> shape without batch
    consumed: set[str] = field(default_factory=set)
    layers: dict[str, tuple] = field(default_factory=dict)  # layer var -> input shape it accepts
    n: int = 0

    def name(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


@st.composite
def model_block(draw, prefix: str = "m") -> tuple[str, str]:
    """Lines that build one model; returns (code, model variable)."""
    s = _Script()
    T = draw(st.integers(2, 5))
    inputs = []
    for _ in range(draw(st.integers(1, 2))):
        v = s.name(f"{prefix}_in")
        shape = draw(st.sampled_from([(T, draw(st.integers(1, 4))), (draw(st.integers(1, 6)),)]))
        s.lines.append(f"{v} = Input(shape={shape!r})")
        s.shapes[v] = shape
        inputs.append(v)
    for _ in range(draw(st.integers(1, 6))):
        tensors = sorted(s.shapes)
        op = draw(st.sampled_from(["dense", "rnn", "td", "merge", "shared", "nested"]))
        t = draw(st.sampled_from(tensors))
        shape = s.shapes[t]
        out = s.name(f"{prefix}_t")
        units = draw(st.integers(1, 5))
        if op == "dense" or (op in ("rnn", "td") and len(shape) != 2):
            act = draw(st.sampled_from(["None", "'relu'", "'tanh'", "'sigmoid'", "'softmax'"]))
            layer = s.name(f"{prefix}_dense")
            s.lines.append(f"{layer} = Dense({units}, activation={act})")
            s.lines.append(f"{out} = {layer}({t})")
            s.layers[layer] = shape
            s.shapes[out] = (*shape[:-1], units)
        elif op == "rnn":
            cls = draw(st.sampled_from(["LSTM", "GRU"]))
            seq = draw(st.booleans())
            layer = s.name(f"{prefix}_rnn")
            s.lines.append(f"{layer} = {cls}({units}{', return_sequences=True' if seq else ''})")
            s.lines.append(f"{out} = {layer}({t})")
            s.layers[layer] = shape
            s.shapes[out] = (shape[0], units) if seq else (units,)
        elif op == "td":
            s.lines.append(f"{out} = TimeDistributed(Dense({units}))({t})")
            s.shapes[out] = (shape[0], units)
        elif op == "merge":
            same = [u for u in tensors if u != t and s.shapes[u] == shape]
            concat = [u for u in tensors if u != t and s.shapes[u][:-1] == shape[:-1]]
            if same and draw(st.booleans()):
                u = draw(st.sampled_from(same))
                s.lines.append(f"{out} = add([{t}, {u}])")
                s.shapes[out] = shape
            elif concat:
                u = draw(st.sampled_from(concat))
                s.lines.append(f"{out} = concatenate([{t}, {u}], axis=-1)")
                s.shapes[out] = (*shape[:-1], shape[-1] + s.shapes[u][-1])
            else:
                continue
            s.consumed.add(u)
        elif op == "shared":
            usable = [lay for lay, accepts in s.layers.items() if accepts == shape]
            if not usable:
                continue
            layer = draw(st.sampled_from(usable))
            # the layer's output shape depends only on its input shape: reuse what its first call gave
            first = next(line for line in s.lines if line.endswith(f"= {layer}({line.split('(')[-1]}") or
                         f"= {layer}(" in line)
            s.lines.append(f"{out} = {layer}({t})")
            s.shapes[out] = s.shapes[first.split(" = ")[0]]
        else:  # nested model, called once or twice
            sub_in, sub = s.name(f"{prefix}_sub_in"), s.name(f"{prefix}_sub")
            s.lines.append(f"{sub_in} = Input(shape={shape!r})")
            s.lines.append(f"{sub} = Model({sub_in}, Dense({units}, activation='tanh')({sub_in}))")
            s.lines.append(f"{out} = {sub}({t})")
            s.layers[sub] = shape
            s.shapes[out] = (*shape[:-1], units)
        s.consumed.add(t)
    outputs = [v for v in sorted(s.shapes) if v not in s.consumed and v not in inputs]
    if not outputs:  # nothing was built: one Dense on the first input
        v = s.name(f"{prefix}_t")
        s.lines.append(f"{v} = Dense(2)({inputs[0]})")
        outputs, s.consumed = [v], s.consumed | {inputs[0]}
    used_inputs = [i for i in inputs if i in s.consumed]
    model = f"{prefix}_model"
    s.lines.append(f"{model} = Model(inputs=[{', '.join(used_inputs)}], outputs=[{', '.join(outputs)}])")
    lines = [line for line in s.lines if not any(line.startswith(f"{i} = Input") for i in inputs if i not in used_inputs)]
    return "\n".join(lines) + "\n", model


@st.composite
def legacy_scripts(draw, models: int = 1) -> str:
    blocks = [draw(model_block(prefix=f"m{i}"))[0] for i in range(models)]
    return HEADER + "".join(blocks)
