"""Keeps pytest from collecting the localize test programs as part of this project's suite."""

collect_ignore_glob = ["*"]
