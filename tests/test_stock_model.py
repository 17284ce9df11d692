"""Population balance, lifetimes and the logistic fit of the fleet model, checked
against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from tracer.stock.lifetimes import Lifetime
from tracer.stock.logistic import fit_logistic, logistic
from tracer.stock.stock_model import run_stock_driven, steady_state_cohorts


def test_constant_stock_fixed_lifetime_gives_constant_inflow_equal_to_outflow():
    lifetime_years, stock = 10, 1_000.0
    survival = Lifetime("fixed", mean=lifetime_years).survival_by_age(30)
    start = steady_state_cohorts(stock, survival)
    res = run_stock_driven(np.full(40, stock), survival, initial_cohorts=start)
    np.testing.assert_allclose(res.inflow, stock / lifetime_years)
    np.testing.assert_allclose(res.outflow, stock / lifetime_years)
    np.testing.assert_allclose(res.early_retirement, 0.0)


def test_fixed_lifetime_cohort_leaves_exactly_after_its_lifetime():
    # One pulse of 100 vehicles in year 0, then a stock that only the pulse can supply.
    survival = Lifetime("fixed", mean=5).survival_by_age(20)
    stock = np.array([100.0] * 5 + [0.0] * 5)
    res = run_stock_driven(stock, survival)
    np.testing.assert_allclose(res.inflow, [100, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(res.outflow, [0, 0, 0, 0, 0, 100, 0, 0, 0, 0])
    np.testing.assert_allclose(res.early_retirement, 0.0)


def test_weibull_shape_one_is_exponential():
    eta = 7.0
    lt = Lifetime("weibull", shape=1.0, scale=eta)
    ages = np.linspace(0.1, 40, 50)
    np.testing.assert_allclose(lt.survival(ages), np.exp(-ages / eta))
    # Memoryless: every year each cohort keeps the same share q = exp(-1/eta).
    s = lt.survival_by_age(40)
    np.testing.assert_allclose(s[1:] / s[:-1], np.exp(-1 / eta))


def test_constant_stock_with_exponential_lifetime_matches_closed_form_inflow():
    eta, stock, max_age = 6.0, 500.0, 60
    survival = Lifetime("weibull", shape=1.0, scale=eta).survival_by_age(max_age)
    q = np.exp(-1 / eta)
    # Steady state: stock = I * exp(-0.5/eta) * sum_{a=0..A} q^a.
    inflow = stock * (1 - q) / (np.exp(-0.5 / eta) * (1 - q ** (max_age + 1)))
    res = run_stock_driven(np.full(30, stock), survival,
                           initial_cohorts=steady_state_cohorts(stock, survival))
    np.testing.assert_allclose(res.inflow, inflow)
    np.testing.assert_allclose(res.outflow, inflow)


def test_weibull_from_mean_has_that_mean():
    lt = Lifetime.weibull_from_mean(12.8, 3.0)
    mean, _ = integrate.quad(lambda t: float(lt.survival(t)), 0, 200)
    assert mean == pytest.approx(12.8, rel=1e-6)
    assert float(lt.expected()) == pytest.approx(12.8)


@pytest.mark.parametrize("kind", ["normal", "lognormal"])
def test_alternative_lifetimes_have_the_stated_mean(kind):
    lt = Lifetime(kind, mean=10.0, std=2.0)
    mean, _ = integrate.quad(lambda t: float(lt.survival(t)), 0, 200)
    # The normal is renormalised on positive ages; with mean 5 sd away that is negligible.
    assert mean == pytest.approx(10.0, rel=1e-4)
    assert float(lt.survival(0.0)) == 1.0


def test_bad_lifetime_parameters_are_rejected():
    with pytest.raises(ValueError, match="positive scale"):
        Lifetime("weibull", shape=2.0, scale=-1.0)
    with pytest.raises(ValueError, match="unknown lifetime kind"):
        Lifetime("gamma", mean=3.0)  # type: ignore[arg-type]


def test_falling_stock_retires_early_instead_of_negative_inflow():
    survival = Lifetime.weibull_from_mean(15.0, 3.0).survival_by_age(60)
    stock = np.array([100.0, 100.0, 40.0, 40.0])
    res = run_stock_driven(stock, survival, keep_cohorts=True)
    assert res.inflow[2] == 0.0
    assert res.early_retirement[2] > 0.0
    assert np.all(res.cohorts >= 0)
    np.testing.assert_allclose(res.cohorts.sum(axis=1), stock)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=2, max_size=40),
       st.floats(1.0, 8.0), st.floats(2.0, 30.0))
def test_balance_holds_every_year_and_no_cohort_goes_negative(stock, shape, mean):
    stock = np.array(stock)
    survival = Lifetime.weibull_from_mean(mean, shape).survival_by_age(60)
    res = run_stock_driven(stock, survival, keep_cohorts=True)
    previous = np.concatenate([[0.0], stock[:-1]])
    np.testing.assert_allclose(stock - previous, res.inflow - res.outflow, atol=1e-6 * (1 + stock.max()))
    assert np.all(res.cohorts >= -1e-9)
    assert np.all(res.inflow >= 0) and np.all(res.outflow >= -1e-9)
    np.testing.assert_allclose(res.cohorts.sum(axis=1), stock, atol=1e-6 * (1 + stock.max()))


def test_vectorised_draws_equal_separate_runs():
    stock = np.linspace(10, 200, 30)
    means = np.array([6.0, 12.0, 20.0])
    survival = Lifetime.weibull_from_mean(means, 2.5).survival_by_age(60)
    together = run_stock_driven(np.repeat(stock[:, None], 3, axis=1), survival)
    for j, m in enumerate(means):
        alone = run_stock_driven(stock, Lifetime.weibull_from_mean(m, 2.5).survival_by_age(60))
        np.testing.assert_allclose(together.outflow[:, j], alone.outflow)


def test_agrees_with_flodym_stock_driven_model_on_a_growing_stock():
    flodym = pytest.importorskip("flodym")
    years = list(range(1990, 2031))
    stock = 1e6 / (1 + np.exp(-0.15 * (np.array(years) - 2015.0)))
    dims = flodym.DimensionSet(dim_list=[flodym.Dimension(name="time", letter="t", items=years)])
    lifetime = flodym.WeibullLifetime(dims=dims, weibull_shape=3.0, weibull_scale=11.0)
    dsm = flodym.StockDrivenDSM(dims=dims, lifetime_model=lifetime)
    dsm.stock.values[...] = stock
    dsm.compute()
    ours = run_stock_driven(stock, Lifetime("weibull", shape=3.0, scale=11.0).survival_by_age(80))
    np.testing.assert_allclose(ours.inflow, dsm.inflow.values, rtol=1e-9)
    np.testing.assert_allclose(ours.outflow, dsm.outflow.values, rtol=1e-9, atol=1e-6)


def test_logistic_fit_recovers_known_parameters():
    rng = np.random.default_rng(42)
    years = np.arange(1980, 2031)
    truth = (5e7, 0.12, 2012.0)
    noisy = logistic(years, *truth) * (1 + 0.01 * rng.standard_normal(years.size))
    fit = fit_logistic(years, noisy)
    assert fit.a == pytest.approx(truth[0], rel=0.02)
    assert fit.k == pytest.approx(truth[1], rel=0.02)
    assert fit.t_c == pytest.approx(truth[2], abs=0.3)
    assert fit.a_se > 0


def test_logistic_fit_with_stated_saturation_recovers_rate_and_midpoint():
    years = np.arange(1980, 2021)
    stock = logistic(years, 4e7, 0.11, 2013.0)
    fit = fit_logistic(years, stock, saturation=4e7)
    assert (fit.a, fit.a_se) == (4e7, 0.0)
    assert fit.k == pytest.approx(0.11, rel=1e-6)
    assert fit.t_c == pytest.approx(2013.0, abs=1e-4)
    with pytest.raises(ValueError, match="must exceed"):
        fit_logistic(years, stock, saturation=1.0)


def test_logistic_fit_needs_enough_positive_points():
    with pytest.raises(ValueError, match="at least 4"):
        fit_logistic(np.array([2000, 2001, 2002]), np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="positive"):
        fit_logistic(np.arange(5), np.array([0.0, 1, 2, 3, 4]))


def test_weibull_coefficient_of_variation():
    from tracer.stock.lifetimes import weibull_cv

    assert float(weibull_cv(1.0)) == pytest.approx(1.0)  # exponential: sd = mean
    lt = Lifetime.weibull_from_mean(10.0, 3.0)
    second, _ = integrate.quad(lambda t: 2 * t * float(lt.survival(t)), 0, 200)
    assert float(weibull_cv(3.0)) == pytest.approx(np.sqrt(second - 100.0) / 10.0, rel=1e-6)
