"""The build: checked content → output, through a sequence of renderers.

    from generator.build import build
    result = build(Path("content"), Path("output"))

See `renderers.py` to add a renderer and `context.py` for what one receives.
"""

from generator.build.context import BuildContext, Failure
from generator.build.parallel import TaskFailed
from generator.build.renderers import RENDERERS, Renderer
from generator.build.run import BuildResult, build, build_checked

__all__ = ["RENDERERS", "BuildContext", "BuildResult", "Failure", "Renderer", "TaskFailed",
           "build", "build_checked"]
