"""The Python teaching examples (examples/python) run to the end, so they never rot."""

import runpy
from pathlib import Path

import pytest

from conftest import REPO

EXAMPLES = sorted((REPO / "examples" / "python").glob("*.py"))


def test_the_five_examples_are_there():
    assert [p.stem for p in EXAMPLES] == [
        "assess_baseline", "comparison", "exponentiated_gradient", "reweighing", "threshold_optimizer",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path: Path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip()
