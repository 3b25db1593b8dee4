"""The live preview's cost: a 256 px forward pass of the default generator within its FLOP budget."""

import pytest

from benchmarks.flops import BUDGET_GFLOP, forward_flops, main
from colorizer.config import preset
from colorizer.generator import Generator


def test_default_generator_stays_within_the_budget_and_a_wider_one_does_not(capsys):
    total, per_module = forward_flops(Generator(preset("default")), 256)
    assert 7.0e9 < total <= BUDGET_GFLOP * 1e9
    assert sum(per_module.values()) == total and per_module["role_head"] > 0
    with pytest.raises(SystemExit) as e:  # 24 base channels instead of 16
        main(["--overrides", '{"base_channels": 24}'])
    assert e.value.code == 1 and "over the budget" in capsys.readouterr().err
