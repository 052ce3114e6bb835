"""Rules that run over the loaded model and yield findings, one module per part of the
rules; `content_check` runs them all (ALL, in order) and gathers what they find."""
