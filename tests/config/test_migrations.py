"""The migration history: in step with the models, one linear chain per app without merge
migrations, importing nothing of the project but field classes, and building each model's
constraints once (docs/operations.md, "Migrations")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PROJECT_APPS = ("plans", "funds", "reporting", "calls", "signin")
# What a migration may import: Django, the standard library's Decimal (defaults) and the
# project's field classes. Anything else (funds.allocations, a service module) would tie
# the history to code that moves.
ALLOWED_IMPORTS = ("__future__", "decimal", "django", "config.fields")


def project_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: m for key, m in loader.disk_migrations.items() if key[0] in PROJECT_APPS}


def project_models():
    return [model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()]


@pytest.mark.django_db
def test_the_migrations_describe_the_models():
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit:
        pytest.fail("A model change has no migration: run makemigrations.")


def test_each_app_has_one_numbered_chain_starting_with_its_initial_migration():
    by_app: dict[str, list[str]] = {}
    for app_label, name in project_migrations():
        by_app.setdefault(app_label, []).append(name)
    assert sorted(by_app) == ["calls", "funds", "plans", "reporting"]
    for app_label, names in by_app.items():
        names.sort()
        assert names[0] == "0001_initial", app_label
        # Two 0006_… from parallel branches, or a gap, fail here: renumber after a merge.
        assert [int(name[:4]) for name in names] == list(range(1, len(names) + 1)), names
        for previous, name in zip(names, names[1:], strict=False):
            migration = project_migrations()[app_label, name]
            assert (app_label, previous) in migration.dependencies, (app_label, name)


def test_no_migration_is_a_merge_migration():
    merges = [
        f"{app_label}.{name}"
        for (app_label, name), migration in project_migrations().items()
        if not migration.operations
        or sum(dependency[0] == app_label for dependency in migration.dependencies) > 1
    ]
    assert merges == [], "Renumber the branch's migration instead of merging (operations.md)."


def test_migrations_import_only_django_and_field_classes():
    foreign = []
    for (app_label, name), migration in project_migrations().items():
        path = Path(apps.get_app_config(app_label).path) / "migrations" / f"{name}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            foreign += [
                f"{app_label}.{name}: {module}"
                for module in modules
                if not any(
                    module == allowed or module.startswith(f"{allowed}.")
                    for allowed in ALLOWED_IMPORTS
                )
            ]
    assert foreign == []


def test_models_rendered_from_the_migrations_have_each_constraint_once():
    """A BoundedTextField adds its length constraint to the project's model; a model
    rendered from the migrations' state must get it from the state alone, or a migration
    creating the table would create the constraint twice."""
    historical = MigrationLoader(None, ignore_no_migrations=True).project_state().apps
    for model in project_models():
        rendered = historical.get_model(model._meta.label)
        assert sorted(c.name for c in rendered._meta.constraints) == sorted(
            c.name for c in model._meta.constraints
        ), model._meta.label


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_migrated_database_has_exactly_the_models_length_constraints():
    """Also on SQLite, where altering a table rebuilds it through a temporary "New…" model
    whose constraints must not come out under a second name."""
    with connection.cursor() as cursor:
        for model in project_models():
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            in_database = sorted(
                name for name, info in found.items() if info["check"] and name.endswith("_length")
            )
            declared = sorted(c.name for c in model._meta.constraints if c.name.endswith("_length"))
            assert in_database == declared, model._meta.label
