"""Keras 1 names absent from Keras 2.2.4 itself, and what the front end says when a script uses one."""

KERAS1_ONLY_NAMES = {
    "Merge": "the Keras 1 `Merge` layer was removed in Keras 2: use the merge layers Concatenate, Add, Multiply, "
             "Average, Maximum or Dot (Merge(mode='concat') -> Concatenate(axis=concat_axis), 'sum' -> Add, "
             "'mul' -> Multiply, 'ave' -> Average, 'max' -> Maximum, 'dot' -> Dot(axes=dot_axes)); a Sequential "
             "of branches becomes a functional Model",
    "merge": "Keras 1 `merge(inputs, mode=...)` was removed in Keras 2: kfn-gen rewrites calls with a literal mode "
             "to concatenate/add/multiply/average/maximum/dot",
}
