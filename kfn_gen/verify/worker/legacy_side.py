"""The Keras 2.2.4 side: genuine 2.2.4 booted on tf.compat.v1 (shim224), its sessions, learning phase,
gradients and optimizer steps."""
from __future__ import annotations

import contextlib
import re
import sys

import numpy as np

from kfn_gen.verify.worker.scriptenv import copy_function, min_image_size
from kfn_gen.verify.worker.inputs import _placeholders, static_shape, ctc_roles
from kfn_gen.verify.worker.sides import PREDICT_ROWS, PROBE_X, Side
from kfn_gen.verify.worker.standins import (split_py36)


class Legacy(Side):
    name = "legacy"

    def boot(self):
        from kfn_gen.verify.worker.shim224 import boot

        self.keras = boot(self.spec["legacy_dir"])
        keras = self.keras
        from keras import backend as K
        from keras.engine import network, sequential, training
        from keras.utils import data_utils

        self.K = K
        self.history_cls = keras.callbacks.History
        self.hook_init(network.Network)
        self.hook_init(sequential.Sequential)
        self.patch_training(training.Model, extra=())
        self.patch_get_file(data_utils.get_file)
        self.patch_re_split()
        self.patch_datasets(["keras.datasets"])
        self.patch_ctc()
        self.patch_clear_session()
        self.model_cls = training.Model
        self.InputLayer = keras.engine.input_layer.InputLayer

    def patch_re_split(self):
        """The script's own re.split calls compute what Python <= 3.6 computed (standins.split_py36):
        2.2.4-era scripts were written for it (bAbI's tokenize splits on '(\\W+)?').  Calls from
        anywhere else keep this Python's re.split."""

        real, side = re.split, self

        def split(pattern, string, maxsplit=0, flags=0):
            if sys._getframe(1).f_code.co_filename == side.spec.get("script"):
                return split_py36(pattern, string, maxsplit, flags)
            return real(pattern, string, maxsplit, flags)

        re.split = split

    def patch_ctc(self):
        """Record the tensors of every K.ctc_batch_cost call (the graph's own, run unchanged):
        input_specs marks the model inputs that are its labels / input_length / label_length so
        draw_inputs can draw values CTC accepts (see ctc_roles)."""
        from keras.backend import tensorflow_backend as tfb

        func = tfb.ctc_batch_cost
        real = copy_function(func)
        side = self

        def ctc_batch_cost(y_true, y_pred, input_length, label_length):
            out = real(y_true, y_pred, input_length, label_length)
            side.ctc_calls.append((y_true, y_pred, input_length, label_length))
            return out

        self.patch_function_code(func, ctc_batch_cost)

    def patch_clear_session(self):
        """K.clear_session() mid-script (mnist_dataset_api: a train model, clear_session, a test model):
        2.2.4 resets the default graph and forgets its session and learning-phase placeholder
        (backend/tensorflow_backend.py), but the models built before live on in the old graph.  The
        script sees 2.2.4's behaviour; the old graph's session is kept so that model_scope can still
        run those models, and its placeholder stays in _GRAPH_LEARNING_PHASES (a lookup only made
        with that graph as default, i.e. by model_scope)."""
        from keras.backend import tensorflow_backend as tfb

        func = tfb.clear_session
        real = copy_function(func)
        side = self

        def clear_session():
            graph = tfb.tf.get_default_graph()
            phase = tfb._GRAPH_LEARNING_PHASES.get(graph)
            # its session, or None when none was made yet (model_scope then makes one)
            side.old_graphs[graph] = tfb._SESSION if tfb._SESSION is not None and tfb._SESSION.graph is graph \
                else None
            real()
            if phase is not None and graph in side.old_graphs:
                tfb._GRAPH_LEARNING_PHASES[graph] = phase

        self.old_graphs = {}
        self.patch_function_code(func, clear_session)

    def in_old_graph(self, model):
        """Whether the model was built before a K.clear_session() (see patch_clear_session)."""
        outputs = getattr(model, "outputs", None) or []
        return bool(outputs) and getattr(outputs[0], "graph", None) in self.old_graphs

    def model_scope(self, model):
        """The graph and session a model built before a K.clear_session() runs in (else a no-op)."""
        from keras.backend import tensorflow_backend as tfb

        stack = contextlib.ExitStack()
        outputs = getattr(model, "outputs", None) or []
        graph = getattr(outputs[0], "graph", None) if outputs else None
        if graph in self.old_graphs and graph is not tfb.tf.get_default_graph():
            sess = self.old_graphs[graph]
            if sess is None:
                sess = self.old_graphs[graph] = tfb.tf.Session(graph=graph)
            stack.enter_context(graph.as_default())
            stack.enter_context(sess.as_default())
        return stack

    def is_keras_tensor(self, v):
        return hasattr(v, "_keras_history") and hasattr(v, "op")

    def is_input_tensor(self, v):
        return isinstance(v._keras_history[0], self.InputLayer)

    def clear_session(self):
        K = self.K
        K.clear_session()
        for sess in self.old_graphs.values():  # between scripts: the previous script's graphs are not kept
            if sess is not None:
                sess.close()
        self.old_graphs.clear()
        K.set_floatx("float32")
        K.set_epsilon(1e-7)
        K.set_image_data_format("channels_last")

    def seed_everything(self, seed):
        import random

        random.seed(seed)
        np.random.seed(seed)
        sys.modules["tensorflow"].set_random_seed(seed)  # graph-level seed: 2.2.4 initializers

    def real_predict(self, model, x, batch_size=PREDICT_ROWS):
        return self.orig["predict"](model, x, batch_size=batch_size, verbose=0)

    def is_model(self, layer):
        return isinstance(layer, self.keras.engine.network.Network)

    def probe(self, fn):
        K = self.K
        return K.get_session().run(fn(K.constant(PROBE_X))).tolist()

    def feed_tensors(self, model):
        """The tensors the verifier feeds for a model: its inputs, except that an input built on a
        computed tensor (Input(tensor=K.concatenate([constant, constant, placeholder])), which is
        neural_style_transfer's VGG19) is replaced by the placeholders that tensor is computed from.
        As the script uses it, that model is a function of those placeholders only; the Keras 3
        migration bakes the constants into a model whose inputs are the placeholders' keras.Input.
        An input with no placeholder behind it (Input(tensor=iterator.get_next())) is fed itself.
        legacy_capture also records the values the model's own input tensors then had (`tin`): a
        migration whose model starts at that tensor (keras224_tensor_input wraps a Keras tensor as
        2.2.4's InputLayer did) is fed those instead (keras3_capture, _takes)."""
        feeds = []
        for t in model.inputs:
            layer = t._keras_history[0]
            found = [] if getattr(layer, "is_placeholder", True) else _placeholders(t)
            for f in found or [t]:
                if all(f is not g for g in feeds):
                    feeds.append(f)
        return feeds

    def input_specs(self, model, batch):
        if not model.inputs:
            raise ValueError("the model was never built (no input shape given and never called on a tensor)")
        specs = []
        feeds = self.feed_tensors(model)
        for t in feeds:
            dtype = t.dtype.name if hasattr(t.dtype, "name") else str(t.dtype)
            history = getattr(t, "_keras_history", None)
            if history is None:  # a K.placeholder behind a tensor-fed input (feed_tensors)
                shape = static_shape(self.K.int_shape(t), t)
                spec = {"shape": shape, "dtype": dtype, "name": t.op.name, "int_high": None,
                        "min_size": min_image_size(model), "placeholder": True}
            else:
                shape = static_shape(self.K.int_shape(t), t)
                spec = {"shape": shape, "dtype": dtype, "name": history[0].name,
                        "int_high": self._embedding_dim(history[0]), "min_size": min_image_size(model),
                        "mask_value": self._mask_value(history[0])}
            specs.append(spec)
        ctc_roles(self.K, feeds, specs, self.ctc_calls)
        return specs

    def _embedding_dim(self, input_layer):
        embedding = self._fed_layer(input_layer, self.keras.layers.Embedding)
        return int(embedding.input_dim) if embedding is not None else None

    def _mask_value(self, input_layer):
        """What a mask this input starts reads as padding: a Masking layer's mask_value, an
        Embedding(mask_zero=True)'s id 0; None when the input starts no mask."""
        masking = self._fed_layer(input_layer, self.keras.layers.Masking)
        if masking is not None:
            return float(masking.mask_value)
        embedding = self._fed_layer(input_layer, self.keras.layers.Embedding)
        return 0.0 if embedding is not None and embedding.mask_zero else None

    def _fed_layer(self, input_layer, cls, depth=0):
        """A layer of class `cls` that this input feeds directly (through nested models' inputs), or None."""
        for node in getattr(input_layer, "_outbound_nodes", []):
            out = node.outbound_layer
            if isinstance(out, cls):
                return out
            if self.is_model(out) and depth < 5:
                for inner in out._input_layers:
                    found = self._fed_layer(inner, cls, depth + 1)
                    if found is not None:
                        return found
        return None

    def loss_result(self, model, x, y, return_dict=False):
        """2.2.4 returns one number per name of metrics_names (known from compile()), unpacked when one."""
        names = getattr(model, "metrics_names", None) or ["loss"]
        return 0.0 if len(names) == 1 else [0.0] * len(names)

    def loss_names(self, model):
        # loss=None outputs (a model trained by add_loss alone) take no targets
        return [getattr(fn, "__name__", str(fn)) for fn in getattr(model, "loss_functions", []) if fn is not None]

    def train_steps(self, model, xs, ys, n_steps=2, training=False):
        """Gradients of the compiled loss in learning phase 0 (Dropout off), or 1 with `training`
        (see training_mode), then n_steps optimizer updates fed with exactly those gradients.
        Returns (params, [grads per step])."""
        K = self.K
        x, y, sw = model._standardize_user_data(xs, ys)
        dyn = model._uses_dynamic_learning_phase()
        ins = x + y + sw + ([1.0 if training else 0.0] if dyn else [])
        feeds = model._feed_inputs + model._feed_targets + model._feed_sample_weights + (
            [K.learning_phase()] if dyn else [])
        params = list(model._collected_trainable_weights)
        tf = sys.modules["tensorflow"]  # tf.compat.v1 here
        # Embedding gradients are IndexedSlices: densify so they can be fed back as arrays.
        gfun = K.function(feeds, [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                                  for g in K.gradients(model.total_loss, params)])
        phs = [K.placeholder(shape=K.int_shape(p), dtype=K.dtype(p)) for p in params]
        real_gradients = K.gradients
        K.gradients = lambda loss, variables: list(phs)  # get_updates -> get_gradients (clipnorm/clipvalue kept)
        try:
            updates = model.optimizer.get_updates(loss=model.total_loss, params=params)
        finally:
            K.gradients = real_gradients
        step = K.function(phs, [K.constant(0.0)], updates=updates)
        grads = []
        for _ in range(n_steps):
            g = gfun(ins)
            grads.append(g)
            step(g)
        return params, grads

    def trainable_mask(self, layer):
        tw = {id(w) for w in layer.trainable_weights}
        return [id(w) in tw for w in layer.weights]

    def reset_states(self, model):
        if any(getattr(l, "stateful", False) for l in model.layers):
            model.reset_states()
