"""Two fontTools modules that WeasyPrint imports when it loads, imported when first used.

WeasyPrint's PDF writer imports `fontTools.subset` (its subsetter where HarfBuzz's is
missing; HarfBuzz's is always used here) and `instantiateVariableFont` from
`fontTools.varLib.instancer` (for a variable font drawn at set axes; the print theme's
fonts are static). With `fontTools.varLib` and the OpenType table classes they bring,
that is about 0.2 s of the 0.6 s WeasyPrint takes to import: in every process that makes
a PDF, on the path of every one-item rebuild.

`deferred()` puts a stand-in for each in `sys.modules` for as long as the import of
WeasyPrint runs, so its `from … import …` binds the stand-ins. A stand-in imports the
real module the first time anything of it is asked for (the instancer's function when
it is called), and from then on is only a way to it. A module already imported is
left as it is.

Hand-written, not `importlib.util.LazyLoader`: the import system reads `__spec__` of a
module it finds in `sys.modules`, which makes a lazy module load at once, and a
function named in a `from … import …` is looked up at once too.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SUBSET = "fontTools.subset"
INSTANCER = "fontTools.varLib.instancer"


class _StandIn(types.ModuleType):
    """Where `name` will be: everything asked of it is the real module's."""

    def __init__(self, name: str):
        super().__init__(name)
        self._real: types.ModuleType | None = None

    def real(self) -> types.ModuleType:
        if self._real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            self._real = importlib.import_module(self.__name__)
        return self._real

    def __getattr__(self, name: str) -> Any:   # only what the stand-in itself lacks
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self.real(), name)


def _instancer(stand_in: _StandIn) -> Callable[..., Any]:
    # fontTools's own name, as WeasyPrint imports it
    def instantiateVariableFont(*args: Any, **kwargs: Any) -> Any:
        return stand_in.real().instantiateVariableFont(*args, **kwargs)

    return instantiateVariableFont


@contextmanager
def deferred() -> Iterator[None]:
    """Within: the two modules are stand-ins, for an import of WeasyPrint to bind."""
    placed: list[str] = []
    for name in (SUBSET, INSTANCER):
        if name in sys.modules:
            continue
        stand_in = _StandIn(name)
        if name == INSTANCER:
            stand_in.instantiateVariableFont = _instancer(stand_in)  # type: ignore[attr-defined]
        sys.modules[name] = stand_in
        placed.append(name)
    try:
        yield
    finally:
        # What took a stand-in keeps it; a later `import` gets the real module.
        for name in placed:
            if isinstance(sys.modules.get(name), _StandIn):
                del sys.modules[name]
