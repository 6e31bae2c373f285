"""Settings of `make bench-load` only (benchmarks/load.py): the project's settings, plus the bare
baseline view beside the application (benchmarks/load_urls.py). Production never loads this
module, so the baseline URL does not exist there."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
