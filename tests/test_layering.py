"""The layering rules of STYLE.md, checked on the real import graph (grimp, as import-linter).

import-linter's contracts in ``pyproject.toml`` name packages; these tests walk every
module, so a new module cannot slip past a list that nobody updated. Function-level
imports count: grimp records them like top-level ones.
"""

from __future__ import annotations

import grimp
import pytest

TF = ("tensorflow", "keras", "tf_keras")
# The one place where the GUI side names TensorFlow-side code: the worker that starts the
# analysis process hands it its entry point. Everything else must stay TensorFlow-free.
ENTRY_POINTS = {("medgui.workers.ml_service", "medgui.core.ml.service")}


def _build() -> grimp.ImportGraph:
    return grimp.build_graph("medgui", include_external_packages=True)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return _build()


def _modules(graph: grimp.ImportGraph) -> list[str]:
    return sorted(m for m in graph.modules if m == "medgui" or m.startswith("medgui."))


def _tf_chain(graph: grimp.ImportGraph, module: str) -> list[str] | None:
    for target in TF:
        if target in graph.modules:
            chain = graph.find_shortest_chain(importer=module, imported=target)
            if chain:
                return list(chain)
    return None


def test_the_graph_sees_tensorflow_where_it_is(graph: grimp.ImportGraph) -> None:
    # Guards the other tests against passing on an empty or TensorFlow-less graph.
    assert len(_modules(graph)) > 40
    assert _tf_chain(graph, "medgui.core.ml.image.infer") is not None


def test_core_outside_ml_has_no_chain_to_tensorflow(graph: grimp.ImportGraph) -> None:
    core = [m for m in _modules(graph) if m.startswith("medgui.core.")
            and not (m == "medgui.core.ml" or m.startswith("medgui.core.ml."))]
    assert "medgui.core.models.registry" in core
    offenders = {m: _tf_chain(graph, m) for m in core}
    assert {m: c for m, c in offenders.items() if c} == {}


def test_views_and_workers_reach_tensorflow_only_through_the_service_entry_point(
    graph: grimp.ImportGraph,
) -> None:
    graph = _build()  # a graph of its own: the allowed edge is removed from it
    for importer, imported in ENTRY_POINTS:
        assert graph.direct_import_exists(importer=importer, imported=imported), (
            f"{importer} no longer imports {imported}: update ENTRY_POINTS")
        graph.remove_import(importer=importer, imported=imported)
    gui_side = [m for m in _modules(graph) if m.startswith(("medgui.ui.", "medgui.workers."))]
    assert "medgui.ui.training.wizard_eval" in gui_side
    offenders = {m: _tf_chain(graph, m) for m in gui_side}
    assert {m: c for m, c in offenders.items() if c} == {}


def test_core_never_reaches_qt(graph: grimp.ImportGraph) -> None:
    core = [m for m in _modules(graph) if m.startswith("medgui.core.")]
    qt = [q for q in ("PySide6", "pyqtgraph", "superqt") if q in graph.modules]
    found = {(m, q) for m in core for q in qt if graph.find_shortest_chain(importer=m, imported=q)}
    assert found == set()
