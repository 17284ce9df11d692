"""The small formula language of the parameter tables: numbers, names, + - * / ** and brackets.

Parsed once per distinct text and evaluated either compiled (fast) or node by node, so that an
error names the table cell and the first element at fault.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import CodeType

from graphs.tables import Row

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


@dataclass(frozen=True)
class Evaluated:
    """The value of a formula and the parameters it used."""

    value: float
    names: tuple[str, ...]


def _parse(expression: str, row: Row, column: str) -> Formula:
    try:
        return parsed(expression)
    except SyntaxError:
        raise row.error(column, f"cannot read the formula {expression!r}") from None


@dataclass(frozen=True)
class Formula:
    """A formula parsed and compiled once per distinct text (building the network reads each many times).

    `code` is None where the formula holds anything but numbers, names, + - * / ** and
    brackets; `names` are its parameters in evaluation order, `dependencies` every name
    it mentions, sorted.
    """

    tree: ast.Expression
    code: CodeType | None
    names: tuple[str, ...]
    dependencies: tuple[str, ...]

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The value of a formula checked at load time (every name known)."""
        assert self.code is not None
        return eval(self.code, {"__builtins__": {}}, values)  # safe: only numbers, names and arithmetic compiled


@functools.lru_cache(maxsize=4096)
def parsed(expression: str) -> Formula:
    """The formula of `expression`, parsed and compiled once per distinct text."""
    tree = ast.parse(expression, mode="eval")
    names: list[str] = []
    floats = _as_floats(tree.body, names)
    code = None if floats is None else compile(ast.Expression(floats), "<formula>", "eval")
    every = set(names) if code is not None else {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return Formula(tree, code, tuple(dict.fromkeys(names)), tuple(sorted(every)))


def _as_floats(node: ast.AST, names: list[str]) -> ast.expr | None:
    """A copy of an arithmetic tree with every number a float (as the checked walk of `evaluate`
    computes), collecting names in evaluation order; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        try:
            return ast.copy_location(ast.Constant(float(node.value)), node)
        except OverflowError:
            return None
    if isinstance(node, ast.Name):
        names.append(node.id)
        return node
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _as_floats(node.left, names), _as_floats(node.right, names)
        return None if left is None or right is None else ast.copy_location(ast.BinOp(left, node.op, right), node)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = _as_floats(node.operand, names)
        return None if operand is None else ast.copy_location(ast.UnaryOp(node.op, operand), node)
    return None


def formula_names(expression: str, row: Row, column: str) -> set[str]:
    """Every parameter name the formula in this cell mentions."""
    return set(_parse(expression, row, column).dependencies)


def evaluate_formula(expression: str, values: Mapping[str, float], row: Row, column: str) -> Evaluated:
    """The formula's value over `values`; errors name the row's cell."""
    formula = _parse(expression, row, column)
    if formula.code is not None and all(name in values for name in formula.names):
        return Evaluated(_finite(lambda: formula.evaluate(values), expression, row, column), formula.names)
    return _walked(formula.tree, expression, values, row, column)


def _finite(compute: Callable[[], float], expression: str, row: Row, column: str) -> float:
    """`compute()`, with division by zero, overflow and a non-finite result as errors at the row's cell."""
    try:
        value = compute()
    except ZeroDivisionError:
        raise row.error(column, f"{expression!r} divides by zero") from None
    except OverflowError:
        raise row.error(column, f"{expression!r} overflows") from None
    if not math.isfinite(value):
        raise row.error(column, f"{expression!r} is not finite")
    return value


def _walked(tree: ast.Expression, expression: str, values: Mapping[str, float], row: Row, column: str) -> Evaluated:
    """Evaluate node by node, so that an error names the first element at fault (unknown name, call, ...)."""
    used: list[str] = []

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
            node.value, bool
        ):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise row.error(column, f"unknown parameter {node.id!r} in {expression!r}")
            if node.id not in used:
                used.append(node.id)
            return values[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](walk(node.operand))
        raise row.error(column, f"{expression!r}: only numbers, names, + - * / ** and brackets are allowed")

    value = _finite(lambda: walk(tree), expression, row, column)
    return Evaluated(value, tuple(used))
