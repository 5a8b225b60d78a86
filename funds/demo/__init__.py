"""The demo for Stockholms stad (2023 closed and reported, 2024 a draft) as data files in data/,
loaded idempotently by `loader.demo_load` (`manage.py load_demo`). Each file says in its
comments what comes from seed 004 and DOMAIN.md and what is invented."""
