"""manage.py commands of the calls app: load_demo_calls."""
