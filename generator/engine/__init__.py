"""What every step of a build runs in: the build context, the steps' protocol, output
paths and URLs, the record of what the output holds, workers and progress.

The build itself (the sequence of steps) is `generator.pipeline.building`; the steps
are in `generator.render`, `generator.export` and `generator.counselor`.
"""
