"""The public name of qa.present.progress (README: "the public API")."""

from qa.present.progress import *  # noqa: F401,F403
