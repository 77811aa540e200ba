"""The adaptive estimator: honest error estimates, and refusals where f has no derivative."""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derivatives
from derivatives import adaptive, epsilon
from derivatives.adaptive import DerivativeEstimate, derivative_estimate
from derivatives.epsilon import derivative, numerical_gradient

mpmath.mp.dps = 40


def exact_sin_slope(omega: float, t: float) -> float:
    """d/dt sin(omega t) at the float t, from the exact product omega * t (40 digits)."""
    return float(mpmath.mpf(omega) * mpmath.cos(mpmath.mpf(omega) * mpmath.mpf(t)))


def exact_exp_sin_slope(omega: float, t: float) -> float:
    """d/dt exp(sin(omega t)) at the float t, to 40 digits."""
    w, s = mpmath.mpf(omega), mpmath.mpf(omega) * mpmath.mpf(t)
    return float(w * mpmath.cos(s) * mpmath.exp(mpmath.sin(s)))


magnitudes = st.floats(min_value=-3, max_value=4)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    log_omega=magnitudes,
    log_t=magnitudes,
    negative=st.booleans(),
    composed=st.booleans(),
)
def test_the_reported_error_bounds_the_actual_error_or_the_call_refuses(
    log_omega: float, log_t: float, negative: bool, composed: bool
) -> None:
    omega, t = 10.0**log_omega, (-1 if negative else 1) * 10.0**log_t

    def f(u: float) -> float:
        inner = math.sin(omega * u)
        return math.exp(inner) if composed else inner

    exact = (exact_exp_sin_slope if composed else exact_sin_slope)(omega, t)
    result = derivative_estimate(f, t)
    if result.converged:
        assert abs(result.value - exact) <= result.error
        assert derivative(f, t) == result.value
    else:
        with pytest.raises(ValueError, match="did not converge"):
            derivative(f, t)


def test_an_aliased_sine_gets_its_slope_or_a_refusal() -> None:
    # sin(50 t) at t = 1000: steps on the scale of t alias the period 2 pi / 50
    result = derivative_estimate(lambda t: math.sin(50 * t), 1000.0)
    exact = exact_sin_slope(50.0, 1000.0)
    assert not result.converged or abs(result.value - exact) <= result.error


def test_float32_values_are_not_trusted_to_float64_digits() -> None:
    # a float32 carries 7 digits: the contract of 1e-8 cannot be met, so it is refused
    def f(t: float) -> np.float32:
        return np.float32(np.sin(t))

    result = derivative_estimate(f, 1.0)
    assert not result.converged
    assert abs(result.value - math.cos(1.0)) <= result.error
    with pytest.raises(ValueError, match="did not converge"):
        derivative(f, 1.0)


def test_a_rounded_argument_inside_f_is_counted() -> None:
    # 1 / x is rounded: values of sin(1 / x) near -1e-7 carry noise of about 1e-9
    x = -1e-7
    result = derivative_estimate(lambda t: math.sin(1 / t), x)
    exact = float(-mpmath.cos(1 / mpmath.mpf(x)) / mpmath.mpf(x) ** 2)
    assert abs(result.value - exact) <= result.error


@pytest.mark.parametrize(
    ("omega", "t"), [(1 + 2e-7, 1e4), (1 - 2e-7, 1e4), (0.499999995, 16920.0)]
)
def test_a_rounding_that_drifts_slowly_along_t_is_counted(
    omega: float, t: float
) -> None:
    # omega * ulp(t) is within 2e-7 of ulp(omega * t): the rounding errors of omega * u are
    # alike for floats u up to millions of units in the last place apart, yet differ at the
    # points of the stencil; measured only nearby, the error was reported 2 to 8 times too small
    result = derivative_estimate(lambda u: math.sin(omega * u), t)
    assert result.converged
    assert abs(result.value - exact_sin_slope(omega, t)) <= result.error


@pytest.mark.parametrize(
    ("omega", "t"),
    [
        (0.1651752051441315, 87169.7177928032),
        (2.059767031241118, 5.940416344271821),
    ],
)
def test_extrapolations_that_agree_by_chance_do_not_hide_the_error(
    omega: float, t: float
) -> None:
    # two neighbours in Ridders' tableau agreed to 1e-10 on a value 1.6e-9 off (the first,
    # beyond the contract) and 3e-12 on one 1.1e-11 off; the next step down disagrees
    def f(u: float) -> float:
        return math.exp(math.sin(omega * u))

    exact = exact_exp_sin_slope(omega, t)
    result = derivative_estimate(f, t)
    assert abs(result.value - exact) <= result.error
    assert abs(derivative(f, t) - exact) <= 1e-8 * abs(exact)


def kinked(left: float, right: float) -> Callable[[float], float]:
    """A function with slope `left` below 0 and `right` above, and f(0) = 0."""
    return lambda t: left * t if t < 0 else right * t


@pytest.mark.parametrize(
    ("f", "x", "message"),
    [
        (abs, 0.0, r"slopes of f differ \(about -1 from the left and 1 from"),
        (lambda t: max(t, 0.0), 0.0, r"slopes of f differ \(about 0 from the left"),
        (kinked(2.0, 2.5), 0.0, r"about 2 from the left and 2\.5 from the right"),
        (lambda t: abs(t - 3.0) + t**2, 3.0, r"about 5 from the left and 7 from"),
        (lambda t: abs(t) ** (2 / 3), 0.0, r"one-sided slopes of f differ"),
        (lambda t: t * math.sin(1 / t) if t else 0.0, 0.0, r"slopes of f differ"),
        (
            lambda t: math.sin(t) / t if t else 5.0,
            0.0,
            r"f\(0\.0\) = 5\.0 is off the limit of its values on either side \(about 1\)",
        ),
        (
            lambda t: 7.0 if t == 2.5 else t,
            2.5,
            r"f\(2\.5\) = 7\.0 is off the limit",
        ),
    ],
)
def test_no_derivative_at_a_kink_or_a_hole(
    f: Callable[[float], float], x: float, message: str
) -> None:
    with pytest.raises(
        ValueError, match=rf"^f has no derivative at x={x!r}: .*{message}"
    ):
        derivative(f, x)


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda t: math.floor(1000 * t), 0.5),
        (lambda t: math.floor(t), -3.0),
        (lambda t: 1.0 if t >= 1e-3 else 0.0, 1e-3),
    ],
)
def test_a_jump_at_x_is_refused(f: Callable[[float], float], x: float) -> None:
    with pytest.raises(
        ValueError, match=rf"^f has a pole or a jump at or near x={x!r}"
    ):
        derivative(f, x)


def test_a_kink_next_to_x_does_not_spoil_a_smooth_point() -> None:
    # |t - 1| is smooth at 0.999 (slope -1), though its kink lies inside the fast stencil
    assert derivative(lambda t: abs(t - 1.0), 0.999) == pytest.approx(
        -1.0, abs=1e-8
    )


def test_numerical_gradient_refuses_a_kink_in_one_coordinate() -> None:
    with pytest.raises(ValueError, match="f has no derivative at x=0.0"):
        numerical_gradient(lambda a, b: abs(a) + b, [0.0, 1.0])
    assert numerical_gradient(
        lambda a, b: abs(a) + b, [-2.0, 1.0]
    ) == pytest.approx([-1.0, 1.0], abs=1e-12)


def test_a_floating_point_error_of_f_is_an_undefined_point() -> None:
    def f(t: float) -> float:
        return float(np.log(np.float64(t)))

    with (
        np.errstate(all="raise"),
        pytest.raises(
            ValueError, match=r"^f is undefined at x=0\.0: f could not be evaluated"
        ),
    ):
        derivative(f, 0.0)


def test_the_estimator_lives_in_its_module_and_stays_importable_where_it_was() -> (
    None
):
    assert (
        epsilon.derivative_estimate
        is derivative_estimate
        is derivatives.derivative_estimate
    )
    assert epsilon.DerivativeEstimate is DerivativeEstimate
    assert adaptive.__all__ == ["DerivativeEstimate", "derivative_estimate"]
