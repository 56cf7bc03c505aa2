"""The public name of qa.present.reflow (README: "the public API")."""

from qa.present.reflow import *  # noqa: F401,F403
