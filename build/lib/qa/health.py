"""The public name of qa.ops.health (README: "the public API")."""

from qa.ops.health import *  # noqa: F401,F403
