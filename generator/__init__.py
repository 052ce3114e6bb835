"""portfolio: a 學習歷程檔案 as its reviewers will meet it."""

import os

# No pydantic plugin is used here. Without this, pydantic reads the entry points of every
# installed package to look for one, in each process (about 13 ms of a no-op build).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
