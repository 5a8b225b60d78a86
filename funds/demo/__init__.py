"""The demo for Stockholms stad: data files (data/*.toml) and their loader.

2023 is closed and reported, 2024 a draft. `loader.demo_load` (`manage.py load_demo`) loads
the files idempotently; each file says in its comments what comes from seed 004 and
DOMAIN.md and what is invented.
"""
