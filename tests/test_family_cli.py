"""The family's subcommands: ``acsym drift``, ``acsym soft-deadline``, ``acsym basket``."""

from __future__ import annotations

import json

import numpy as np

from acsym import cli, generate_basket_trajectory, simulate_execution


def test_drift_zero_prints_the_trajectory_schedule(capsys):
    assert cli.main(["drift", "--json"]) == 0
    drift = json.loads(capsys.readouterr().out)
    assert cli.main(["trajectory", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert drift["holdings"] == base["holdings"]
    assert cli.main(["drift", "--drift", "0.002"]) == 0
    assert "almgren_chriss_drift" in capsys.readouterr().out


def test_soft_deadline_reports_what_is_left(capsys):
    assert cli.main(["soft-deadline", "--terminal-penalty", "0.001", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"][0]["unsold"] == data["holdings"][-1] > 0
    assert cli.main(["soft-deadline"]) == 2  # the penalty is required
    assert "--terminal-penalty" in capsys.readouterr().err


def test_basket_reads_the_two_files(tmp_path, capsys):
    covariance = tmp_path / "covariance.csv"
    covariance.write_text("a,b\n6.25,-4\n-4,4\n")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_size,temporary_impact,permanent_impact\n1e6,2.5e-6,2.5e-7\n5e5,1e-6,1e-7\n")
    assert cli.main(["basket", str(covariance), str(orders), "--periods", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = generate_basket_trajectory(
        [1e6, 5e5], 5, [[6.25, -4], [-4, 4]], [2.5e-6, 1e-6], [2.5e-7, 1e-7]
    )
    assert np.array_equal(np.array(data["holdings"]), expected.holdings)
    covariance.write_text("1,2\n2,1\n")  # not positive semi-definite
    capsys.readouterr()
    assert cli.main(["basket", str(covariance), str(orders)]) == 2
    assert "positive semi-definite" in capsys.readouterr().err
    assert cli.main(["basket", str(tmp_path / "missing.csv"), str(orders)]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_basket_simulate_runs_the_correlated_monte_carlo(tmp_path, capsys):
    covariance = tmp_path / "covariance.csv"
    covariance.write_text("6.25,-4\n-4,4\n")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_size,temporary_impact,epsilon\n1e6,2.5e-6,0.02\n-5e5,1e-6,0.01\n")
    argv = ["basket", str(covariance), str(orders), "--periods", "8", "--simulate", "3000", "--seed", "5"]
    assert cli.main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (row,) = data["rows"]
    # the Python API with the same inputs and seed: the same numbers
    basket = generate_basket_trajectory(
        [1e6, -5e5], 8, [[6.25, -4], [-4, 4]], [2.5e-6, 1e-6], None, 1e-6, 1.0, [0.02, 0.01]
    )
    result = simulate_execution(basket, basket.params, 3000, seed=5)
    assert row["expected_cost"] == basket.expected_cost and row["simulated_mean"] == result.mean
    assert row["simulated_std"] == result.std and abs(row["mean_gap"]) < 5
    assert data["seed"] == 5 and data["simulation"]["n_paths"] == 3000
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "simulated" in text and "--seed 5 reproduces" in text
    # without --seed a fresh one is drawn and printed
    assert cli.main([*argv[:-2], "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out)["seed"], int)


def test_soft_deadline_discrete_flag_gives_the_discrete_schedule(capsys):
    from acsym import calibrate_ac_params, generate_soft_deadline_trajectory

    assert cli.main(["soft-deadline", "--terminal-penalty", "0.001", "--discrete", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"]["discrete"] is True
    params = calibrate_ac_params(price=0.5, daily_volume=5e4, daily_volatility=0.05, daily_spread=0.02)
    expected = generate_soft_deadline_trajectory(5000, 10, params, 1e-3, 1e-5, discrete=True)
    assert np.array_equal(np.array(data["holdings"]), expected.holdings)
    assert cli.main(["soft-deadline", "--terminal-penalty", "0.001", "--json"]) == 0
    continuous = json.loads(capsys.readouterr().out)
    assert continuous["holdings"] != data["holdings"]
