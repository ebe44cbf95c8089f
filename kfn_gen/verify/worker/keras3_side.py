"""The Keras 3 side: weights copied in from the legacy run, gradients and optimizer steps in eager mode."""
from __future__ import annotations


import numpy as np

from kfn_gen.verify.worker.sides import PREDICT_ROWS, PROBE_X, Side


class Keras3(Side):
    name = "keras3"
    internal_files = ("keras/src/models/sequential.py", "keras/src/models/functional.py",
                      "keras/src/models/model.py")

    def boot(self):
        # No compatibility shim on this side: the migrated script runs on today's NumPy and Python as a user
        # would run it, so whatever the migration missed (np.float, inspect.getargspec, ...) shows.
        import keras
        from keras.src.models import functional, model, sequential
        from keras.src.utils import file_utils

        self.keras = keras
        self.history_cls = keras.callbacks.History
        for cls in (model.Model, functional.Functional, sequential.Sequential):
            self.hook_init(cls)
        self.patch_training(model.Model)
        self.patch_get_file(file_utils.get_file)
        self.patch_datasets(["keras.src.datasets"])
        self.capture_loaded(keras.saving.load_model)
        self.InputLayer = keras.layers.InputLayer
        self.model_cls = keras.Model

    def is_keras_tensor(self, v):
        return isinstance(v, self.keras.KerasTensor)

    def is_input_tensor(self, v):
        return isinstance(v._keras_history[0], self.InputLayer)

    def clear_session(self):
        cfg = self.keras.config
        self.keras.backend.clear_session()
        cfg.set_floatx("float32")
        cfg.set_epsilon(1e-7)
        cfg.set_image_data_format("channels_last")

    def seed_everything(self, seed):
        self.keras.utils.set_random_seed(seed)  # python, numpy and backend seeds

    def real_predict(self, model, x, batch_size=PREDICT_ROWS):
        return self.orig["predict"](model, x, batch_size=batch_size, verbose=0)

    def is_model(self, layer):
        return isinstance(layer, self.keras.Model)

    def probe(self, fn):
        ops = self.keras.ops
        return np.asarray(ops.convert_to_numpy(fn(ops.convert_to_tensor(PROBE_X)))).tolist()

    def note_training(self, model):
        """Keras 3 takes the weights a model trains when it first trains after compile() (the TensorFlow
        trainer's train_step reads `self.trainable_weights` when traced): a later `trainable = ...`
        does not change them; one set before that call does."""
        if id(model) not in self.trained_at:
            self.trained_at[id(model)] = list(model.trainable_weights)

    def loss_result(self, model, x, y, return_dict=False):
        """Keras 3 knows its loss and metric names only once the compiled loss and metrics are built (at
        the first real training or evaluation step); the stand-in builds them symbolically from the batch
        given, as that step would (no weight changes), then returns zeros in the order of metrics_names."""
        if x is not None and getattr(model, "compiled", False):
            try:
                model._symbolic_build(data_batch=(x, y, None))
            except Exception:  # the real call would raise or build later; keep the names known so far
                pass
        names = []
        for metric in model.metrics:
            subs = getattr(metric, "metrics", None)
            names += [m.name for m in subs] if type(metric).__name__ == "CompileMetrics" and subs else [metric.name]
        if return_dict:
            return {name: 0.0 for name in names}
        return 0.0 if len(names) <= 1 else [0.0] * len(names)

    def trained_weights(self, model):
        """What the model's training updates: as of its first training call, else as of now."""
        return self.trained_at.get(id(model), model.trainable_weights)

    def own_gradients(self, model, xs, ys, training=False):
        """Keras 3's gradient of its compiled loss at the current weights; inference-mode forward
        unless `training` (the legacy side's training_mode); BatchNormalization's moving statistics,
        updated by a training-mode call, are put back."""
        import tensorflow as tf

        x = xs if len(xs) > 1 else xs[0]
        y = None if ys is None else (ys if len(ys) > 1 else ys[0])
        kept = [(v, v.numpy()) for v in model.non_trainable_weights] if training else []
        with tf.GradientTape() as tape:
            y_pred = model(x, training=training)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        for v, value in kept:
            v.assign(value)
        variables = self.trained_weights(model)
        grads = tape.gradient(loss, variables)
        return {id(v): (None if g is None else np.asarray(tf.convert_to_tensor(g)))  # IndexedSlices -> dense
                for v, g in zip(variables, grads)}

    def apply_gradients(self, model, pairs):
        ops = self.keras.ops
        model.optimizer.apply_gradients([(ops.convert_to_tensor(g), v) for g, v in pairs])

    def trainable_mask(self, layer):
        tw = {id(w) for w in layer.trainable_weights}
        return [id(w) in tw for w in layer.weights]

    def reset_states(self, model):
        for l in model.layers:
            if getattr(l, "stateful", False) and hasattr(l, "reset_states"):
                l.reset_states()
