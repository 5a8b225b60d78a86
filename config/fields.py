"""Model fields shared by the apps."""

from __future__ import annotations

from functools import cached_property

from django.apps import apps as global_apps
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


class BoundedTextField(models.TextField):
    """Free text with a length limit that holds everywhere: in the form (a ModelForm gets
    max_length and the textarea's maxlength), in the model (`full_clean`) and in the
    database (a check constraint the field adds to its model), so no path can store an
    unbounded text — an audit trail once took 2,4 million characters through a form that
    forgot its limit."""

    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]

    def contribute_to_class(self, cls, name, *args, **kwargs) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Only the project's own models get it. A model Django renders from a migration's
        # state, or builds to rebuild a SQLite table, already lists the constraints the
        # database holds: adding one would create it twice (under a "new…" name on SQLite).
        if cls._meta.abstract or cls._meta.apps is not global_apps:
            return
        constraint = models.CheckConstraint(
            condition=LessThanOrEqual(Length(name), self.max_length),
            name=f"{cls._meta.app_label}_{cls._meta.model_name}_{name}_length"[:63],
        )
        # A copy: Meta's own list may be shared with other models (abstract bases). The
        # migration state reads constraints only from models whose Meta declared some.
        cls._meta.constraints = [*cls._meta.constraints, constraint]
        cls._meta.original_attrs["constraints"] = cls._meta.constraints
