"""The live preview's cost: a 256 px forward pass of the default generator within its FLOP budget."""

from benchmarks.flops import BUDGET_GFLOP, forward_flops, main
from colorizer.config import preset
from colorizer.generator import Generator


def test_default_generator_stays_within_the_budget_and_the_counter_sees_growth():
    total, per_module = forward_flops(Generator(preset("default")), 256)
    assert 7.0e9 < total <= BUDGET_GFLOP * 1e9
    assert sum(per_module.values()) == total and per_module["role_head"] > 0
    wider, _ = forward_flops(Generator(preset("default", base_channels=24)), 256)
    assert wider > 1.4 * total  # a wider network costs more and would fail the command below
    try:
        main(["--overrides", '{"base_channels": 24}'])
    except SystemExit as e:
        assert e.code == 1
    else:
        raise AssertionError("the budget check did not fail")
