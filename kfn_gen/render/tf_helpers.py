"""Functions a generated tf-function module may define at module level (only those it uses): weight
checks, Keras 2.2.4's hard_sigmoid, and recurrent layers as tf.while_loop over time.  Source text only."""
from __future__ import annotations

from kfn_gen.keras224.semantics import hard_sigmoid_code

# --------------------------------------------------------------------------------------------
# Helper functions the generated module may define.
# --------------------------------------------------------------------------------------------
HELPERS: dict[str, str] = {
    "check_weights": '''\
def check_weights(weights, shapes):
    """The weights as float32 tensors, after checking their number and shapes against `shapes`."""
    if len(weights) != len(shapes):
        raise ValueError(f"expected {len(shapes)} weight arrays (Keras get_weights() order), got {len(weights)}")
    out = []
    for i, (w, shape) in enumerate(zip(weights, shapes)):
        w = tf.convert_to_tensor(w, tf.float32)
        if len(w.shape) != len(shape) or any(d is not None and d != s for d, s in zip(shape, w.shape)):
            raise ValueError(f"weight {i}: expected shape {shape}, got {tuple(w.shape)}")
        out.append(w)
    return out''',
    "hard_sigmoid_224": '''\
def hard_sigmoid_224(x):
    """Keras 2.2.4's hard_sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    return ''' + hard_sigmoid_code("x", "tf.clip_by_value"),
    "time_major_matmul": '''\
def time_major_matmul(x, kernel):
    """x: (batch, time, features) @ kernel as one 2-D matmul, returned time major: (time, batch, units)."""
    x = tf.transpose(x, [1, 0, 2])
    z = tf.matmul(tf.reshape(x, [-1, x.shape[-1]]), kernel)
    return tf.reshape(z, [tf.shape(x)[0], -1, kernel.shape[-1]])''',
    "over_time": '''\
def over_time(step, z_x, states, return_sequences, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Run `states = step(z_t, states)` over time-major z_x in a tf.while_loop (no unrolling).

    mask: (batch, time) booleans, in the input's order (reversed here with go_backwards, as z_x was).  At a
    masked step the states keep their values and the output is the last unmasked one (zeros before any, or
    zeros always with zero_output_for_mask), as Keras' rnn computes it.
    Returns (the output at every step, batch major, if return_sequences else the last one; states)."""
    steps = tf.shape(z_x)[0]
    inputs = tf.TensorArray(z_x.dtype, size=steps).unstack(z_x)
    outputs = tf.TensorArray(z_x.dtype, size=steps)
    masks = None
    if mask is not None:
        mask = tf.transpose(tf.cast(mask, tf.bool))
        masks = tf.TensorArray(tf.bool, size=steps).unstack(tf.reverse(mask, [0]) if go_backwards else mask)

    def body(t, outputs, states, last):
        new = step(inputs.read(t), states)
        out = new[0]
        if masks is not None:
            keep = tf.reshape(masks.read(t), [-1] + [1] * (len(out.shape) - 1))
            out = tf.where(keep, out, tf.zeros_like(out) if zero_output_for_mask else last)
            new = tuple(tf.where(keep, n, s) for n, s in zip(new, states))
        if return_sequences:
            outputs = outputs.write(t, out)
        return t + 1, outputs, new, out

    _, outputs, states, last = tf.while_loop(lambda t, *_: t < steps, body,
                                             (0, outputs, tuple(states), tf.zeros_like(states[0])),
                                             maximum_iterations=steps)
    if return_sequences:
        stacked = outputs.stack()
        return tf.transpose(stacked, [1, 0] + list(range(2, len(stacked.shape)))), states
    return last, states''',
    "run_lstm": '''\
def run_lstm(x, kernel, recurrent_kernel, bias, activation, recurrent_activation, return_sequences,
         go_backwards=False, initial_state=None, mask=None, zero_output_for_mask=False):
    """LSTM (gates i, f, c, o) over x: (batch, time, features), from initial_state (h, c) or zeros, skipping
    the steps `mask` (batch, time) masks; returns (output, h, c)."""
    z_x = time_major_matmul(x, kernel)
    if bias is not None:
        z_x = z_x + bias
    if go_backwards:
        z_x = tf.reverse(z_x, [0])
    zeros = tf.zeros([tf.shape(x)[0], recurrent_kernel.shape[0]], x.dtype)

    def step(z_t, states):
        h, c = states
        z_i, z_f, z_c, z_o = tf.split(z_t + tf.matmul(h, recurrent_kernel), 4, axis=-1)
        c = recurrent_activation(z_f) * c + recurrent_activation(z_i) * activation(z_c)
        h = recurrent_activation(z_o) * activation(c)
        return h, c

    states = (zeros, zeros) if initial_state is None else tuple(initial_state)
    output, (h, c) = over_time(step, z_x, states, return_sequences, mask, go_backwards, zero_output_for_mask)
    return output, h, c''',
    "run_gru": '''\
def run_gru(x, kernel, recurrent_kernel, bias, activation, recurrent_activation, return_sequences,
        go_backwards=False, reset_after=False, initial_state=None, mask=None, zero_output_for_mask=False):
    """GRU (gates z, r, h) over x: (batch, time, features), skipping masked steps; returns (output, h).

    reset_after=False is Keras 2.2.4's cell: one bias of 3*units, reset gate applied before the
    recurrent matmul.  reset_after=True: bias (2, 3*units) = (input bias, recurrent bias)."""
    units = recurrent_kernel.shape[0]
    z_x = time_major_matmul(x, kernel)
    recurrent_bias = None
    if bias is not None:
        if reset_after:
            bias, recurrent_bias = bias[0], bias[1]
        z_x = z_x + bias
    if go_backwards:
        z_x = tf.reverse(z_x, [0])
    k_zr, k_h = recurrent_kernel[:, :2 * units], recurrent_kernel[:, 2 * units:]

    def step(z_t, states):
        h = states[0]
        x_z, x_r, x_h = tf.split(z_t, 3, axis=-1)
        if reset_after:
            r_all = tf.matmul(h, recurrent_kernel)
            if recurrent_bias is not None:
                r_all = r_all + recurrent_bias
            r_z, r_r, r_h = tf.split(r_all, 3, axis=-1)
            z = recurrent_activation(x_z + r_z)
            r = recurrent_activation(x_r + r_r)
            hh = activation(x_h + r * r_h)
        else:
            r_z, r_r = tf.split(tf.matmul(h, k_zr), 2, axis=-1)
            z = recurrent_activation(x_z + r_z)
            r = recurrent_activation(x_r + r_r)
            hh = activation(x_h + tf.matmul(r * h, k_h))
        return (z * h + (1.0 - z) * hh,)

    h0 = tf.zeros([tf.shape(x)[0], units], x.dtype) if initial_state is None else initial_state[0]
    output, (h,) = over_time(step, z_x, (h0,), return_sequences, mask, go_backwards, zero_output_for_mask)
    return output, h''',
    "run_simple_rnn": '''\
def run_simple_rnn(x, kernel, recurrent_kernel, bias, activation, return_sequences, go_backwards=False,
                   initial_state=None, mask=None, zero_output_for_mask=False):
    """SimpleRNN over x: (batch, time, features), skipping masked steps; returns (output, h)."""
    z_x = time_major_matmul(x, kernel)
    if bias is not None:
        z_x = z_x + bias
    if go_backwards:
        z_x = tf.reverse(z_x, [0])
    zeros = tf.zeros([tf.shape(x)[0], recurrent_kernel.shape[0]], x.dtype)
    h0 = zeros if initial_state is None else initial_state[0]
    output, (h,) = over_time(lambda z_t, states: (activation(z_t + tf.matmul(states[0], recurrent_kernel)),),
                             z_x, (h0,), return_sequences, mask, go_backwards, zero_output_for_mask)
    return output, h''',
}

HELPERS["hard_sigmoid_keras3"] = '''\
def hard_sigmoid_keras3(x):
    """Keras 3's hard_sigmoid: relu6(x + 3) / 6 (not Keras 2.2.4's)."""
    return tf.nn.relu6(x + 3.0) / 6.0'''
HELPERS["mish"] = '''\
def mish(x):
    return x * tf.tanh(tf.nn.softplus(x))'''
HELPERS["run_conv_lstm2d"] = '''\
def run_conv_lstm2d(x, kernel, recurrent_kernel, bias, activation, recurrent_activation, return_sequences,
                    strides, padding, dilations, go_backwards=False):
    """ConvLSTM2D (gates i, f, c, o) over x: (batch, time, rows, cols, channels); returns (output, h, c).

    The input convolution of every frame at once (strides, padding, dilations; bias added there), then per
    step the recurrent convolution of h ('SAME', stride 1), as Keras' ConvLSTMCell computes them."""
    frames = tf.reshape(x, [-1] + x.shape[2:].as_list())
    z = tf.nn.convolution(frames, kernel, strides=strides, padding=padding, dilations=dilations)
    if bias is not None:
        z = z + bias
    z = tf.reshape(z, [tf.shape(x)[0], tf.shape(x)[1]] + z.shape[1:].as_list())
    z_x = tf.transpose(z, [1, 0, 2, 3, 4])
    if go_backwards:
        z_x = tf.reverse(z_x, [0])
    zeros = tf.zeros_like(z_x[0][..., :recurrent_kernel.shape[-1] // 4])

    def step(z_t, states):
        h, c = states
        z_i, z_f, z_c, z_o = tf.split(z_t + tf.nn.convolution(h, recurrent_kernel, padding="SAME"), 4, axis=-1)
        c = recurrent_activation(z_f) * c + recurrent_activation(z_i) * activation(z_c)
        h = recurrent_activation(z_o) * activation(c)
        return h, c

    output, (h, c) = over_time(step, z_x, (zeros, zeros), return_sequences)
    return output, h, c'''



def _random(name: str, draw: str, stateless: str, params: str) -> str:
    names = ", ".join(p.split("=")[0] for p in params.split(", "))
    return f'''def {name}(shape, {params}, dtype=None, seed=None):
    """keras.random.{draw}: a new draw on every call, or with an int seed the one Keras 3 draws for it."""
    dtype = dtype or tf.float32
    if seed is None:
        return tf.random.{draw}(shape, {names}, dtype)
    return tf.random.{stateless}(shape, [seed, 0], {names}, dtype)'''


# keras.random.* in a Lambda, same signatures: for an int seed, Keras 3's TensorFlow backend draws with the
# stateless op and seed [seed, 0].  `kfn-gen generate`'s module check puts the verifier's deterministic
# stand-in in their place (verify/worker/random_standin.py), as the Keras 3 model it compares with had.
RANDOM_HELPERS = {"normal": "random_normal", "truncated_normal": "random_truncated_normal",
                  "uniform": "random_uniform"}
HELPERS["random_normal"] = _random("random_normal", "normal", "stateless_normal", "mean=0.0, stddev=1.0")
HELPERS["random_truncated_normal"] = _random("random_truncated_normal", "truncated_normal",
                                             "stateless_truncated_normal", "mean=0.0, stddev=1.0")
HELPERS["random_uniform"] = _random("random_uniform", "uniform", "stateless_uniform", "minval=0.0, maxval=1.0")
