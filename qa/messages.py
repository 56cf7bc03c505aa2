"""The public name of qa.present.messages: the interface's words in English and Chinese (the page and `--lang`)."""

from qa.present.messages import *  # noqa: F401,F403
