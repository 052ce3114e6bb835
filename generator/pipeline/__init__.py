"""The pipeline the commands run: a build (check, plan every step, make what is out of
date, report), a department export, the live preview server."""
