"""verify_pair on a script that needs a command line, an image file and ImageNet weights.

The legacy script (deep_dream.py's pattern) parses a positional image path with argparse, loads
the image with keras.preprocessing.image and builds keras.applications VGG16(weights='imagenet').
Without stand-ins it cannot run offline (argparse exits with code 2; the weights would be
downloaded).  With them, both sides get the same synthetic argv and placeholder PNG, the weights
are not downloaded, and the migrated model matches after the legacy weights are copied in.
Control: an explicit empty command line (argv=[]) gives the argparse exit back.
"""
from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("PIL")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.options import Options  # noqa: E402
from kfn_gen.verify import verify_pair  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

OLD = textwrap.dedent("""
    import argparse
    import numpy as np
    from keras.preprocessing.image import load_img, img_to_array
    from keras.applications import vgg16

    parser = argparse.ArgumentParser()
    parser.add_argument('base_image_path', type=str)
    parser.add_argument('result_prefix', type=str)
    args = parser.parse_args()

    img = img_to_array(load_img(args.base_image_path, target_size=(48, 48)))
    model = vgg16.VGG16(weights='imagenet', include_top=False, input_shape=(48, 48, 3))
    features = model.predict(vgg16.preprocess_input(np.expand_dims(img, 0)))
    np.save(args.result_prefix + '.npy', features)
""")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    d = tmp_path_factory.mktemp("apps")
    old, new = d / "old.py", d / "new.py"
    old.write_text(OLD)
    result = migrate_source(OLD, str(old), Options())
    assert result.code and "from keras.applications import vgg16" in result.code
    new.write_text(result.code)
    return str(old), str(new)


def test_argparse_image_and_imagenet_application_verify(legacy_dir, pair):
    report = verify_pair(*pair, legacy_dir=legacy_dir, timeout_s=240)
    assert report.status == "match", report.format_table()
    assert not report.script_errors, report.format_table()
    (model,) = report.models
    assert len(model.legacy_layers) == len(model.migrated_layers) == 18  # 13 conv + 5 pool
    assert model.legacy_params == model.migrated_params == 14_714_688
    assert model.max_abs_diff is not None and model.max_abs_diff <= 1e-5
    assert any(s.startswith("argparse: synthetic command line base_image_path.png kfn_result_prefix")
               for s in report.standins), report.standins
    assert any("VGG16(weights='imagenet')" in s for s in report.standins), report.standins


def test_control_empty_command_line_exits_at_argparse(legacy_dir, pair):
    report = verify_pair(*pair, legacy_dir=legacy_dir, timeout_s=240, argv=[])
    assert report.status == "error"
    line = OLD.splitlines().index("args = parser.parse_args()") + 1
    assert f"exited at line {line} with code 2" in report.reason, report.reason
