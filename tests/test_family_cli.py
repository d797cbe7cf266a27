"""The family's subcommands: ``acsym drift``, ``acsym soft-deadline``, ``acsym basket``."""

from __future__ import annotations

import json

import numpy as np

from acsym import cli, generate_basket_trajectory


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
