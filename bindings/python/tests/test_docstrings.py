"""The docstrings Python shows at run time are the stub's, word for word.

The text is written once per item: the Rust doc comment (``///``) on its ``#[pyfunction]``,
``#[pyclass]``, field or ``#[pymethods]`` method, which pyo3 makes its ``__doc__``, or for
the exceptions the docstring ``src/errors.rs`` gives them. ``_hpcsched.pyi`` repeats it for
type checkers and for editors that read stubs rather than the module. These tests parse the
installed stub with ``ast`` and compare every public docstring in it with the runtime
object's, so one copy cannot change without the other.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import pydoc
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

import hpcsched
from hpcsched import _hpcsched

STUB = Path(_hpcsched.__file__).with_name("_hpcsched.pyi")


@dataclass(frozen=True)
class StubItem:
    """A module, class, function or method of the stub, and its docstring there."""

    name: str  # "<module>", "simulate", "Cluster", "Cluster.check"
    doc: str | None  # cleaned as inspect.cleandoc does
    line: int


def _public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"), filename=str(STUB))


def _stub_items(tree: ast.Module) -> list[StubItem]:
    items = [StubItem("<module>", ast.get_docstring(tree), 1)]
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or not _public(node.name):
            continue
        items.append(StubItem(node.name, ast.get_docstring(node), node.lineno))
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef) and _public(member.name):
                    items.append(
                        StubItem(
                            f"{node.name}.{member.name}",
                            ast.get_docstring(member),
                            member.lineno,
                        )
                    )
    return items


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _attribute_docstrings(tree: ast.Module) -> list[str]:
    """Public names whose stub docstring follows an assignment (``x: int`` then a string).

    Editors show those, but Python has nowhere to keep them at run time.
    """
    found = []
    scopes: list[tuple[str, list[ast.stmt]]] = [("", tree.body)]
    scopes += [(f"{n.name}.", n.body) for n in tree.body if isinstance(n, ast.ClassDef)]
    for prefix, body in scopes:
        for before, node in zip(body, body[1:]):
            if isinstance(before, ast.AnnAssign):
                target = before.target
            elif isinstance(before, ast.Assign) and len(before.targets) == 1:
                target = before.targets[0]
            else:
                continue
            if isinstance(target, ast.Name) and _public(target.id) and _is_docstring(node):
                found.append(prefix + target.id)
    return found


STUB_ITEMS = _stub_items(_stub_tree())


def _runtime(name: str) -> object:
    obj: object = _hpcsched
    if name == "<module>":
        return obj
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _runtime_doc(obj: object) -> str | None:
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


def _cpython_slot(name: str, obj: object) -> bool:
    """A slot method (``__eq__``, ``__len__``...) or ``__new__``: Python shows its own
    generic docstring for these, whatever the Rust code says."""
    if isinstance(obj, (types.WrapperDescriptorType, types.MethodWrapperType)):
        return True
    return name.endswith(".__new__") and getattr(obj, "__doc__", None) == object.__new__.__doc__


def _diff(stub: str | None, runtime: str | None) -> str:
    return "\n".join(
        difflib.unified_diff(
            (stub or "").splitlines(),
            (runtime or "").splitlines(),
            "stub (_hpcsched.pyi)",
            "runtime (__doc__)",
            lineterm="",
        )
    )


def test_the_stub_is_read() -> None:
    # Guards the walk itself: a stub it cannot see would make every other test vacuous.
    names = {item.name for item in STUB_ITEMS}
    assert {"<module>", "simulate", "Scheduler", "Scheduler.submit", "Gres.name"} <= names
    assert sum(item.doc is not None for item in STUB_ITEMS) > 200


@pytest.mark.parametrize("item", STUB_ITEMS, ids=lambda item: item.name)
def test_runtime_docstring_is_the_stubs(item: StubItem) -> None:
    obj = _runtime(item.name)
    runtime = _runtime_doc(obj)
    slot = _cpython_slot(item.name, obj)
    if item.doc is None and slot:
        return  # Python's generic "Return self==value." and the like.
    hint = (
        "Python shows its own docstring for a slot method or __new__: describe it in the "
        "class docstring instead."
        if slot
        else "Make the Rust doc comment (or the docstring in src/errors.rs) and the stub "
        "say the same."
    )
    if runtime != item.doc:
        pytest.fail(
            f"_hpcsched.pyi line {item.line}: {item.name}'s docstring differs at run time. "
            f"{hint}\n{_diff(item.doc, runtime)}",
            pytrace=False,
        )


def test_no_attribute_docstrings_in_the_stub() -> None:
    # `line: int | None` followed by a docstring would be seen in an editor and never by
    # help(); the class docstring says what such an attribute holds.
    assert _attribute_docstrings(_stub_tree()) == []


def test_help_shows_the_full_docstring_and_the_signature() -> None:
    text = pydoc.render_doc(hpcsched.simulate, renderer=pydoc.plaintext)
    assert "simulate(cluster, workload, *, policy='slurm', overrun='kill'" in text
    stub_doc = next(item.doc for item in STUB_ITEMS if item.name == "simulate")
    assert stub_doc is not None and stub_doc.count("\n") > 20
    for line in stub_doc.splitlines():
        assert line.strip() in text


def test_help_on_a_class_shows_its_properties() -> None:
    text = pydoc.render_doc(hpcsched.Stats, renderer=pydoc.plaintext)
    assert "Nearest-rank 95th percentile of the waits" in text
    assert "Waits are over the jobs that started" in text
