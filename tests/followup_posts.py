"""What a reporter's browser posts: one insats on its own page, and the report's own fields
(save or submit). Tests use these instead of spelling out the field names."""

from __future__ import annotations

from django.urls import reverse

from funds.models import Allocation, FollowUp, Intervention


def current_version(allocation: Allocation) -> int:
    follow_up = FollowUp.objects.filter(allocation=allocation).first()
    return follow_up.version if follow_up else 0


def _args(allocation: Allocation) -> list:
    agreement = allocation.priority_area.agreement
    return [agreement.organisation.code, agreement.year, allocation.pk]


def report_url(allocation: Allocation) -> str:
    return reverse("followup_edit", args=_args(allocation))


def insats_url(allocation: Allocation, intervention: Intervention | int | None = None) -> str:
    if intervention is None:
        return reverse("followup_intervention_new", args=_args(allocation))
    pk = intervention if isinstance(intervention, int) else intervention.pk
    return reverse("followup_intervention_edit", args=[*_args(allocation), pk])


def delete_url(allocation: Allocation, intervention: Intervention | int) -> str:
    pk = intervention if isinstance(intervention, int) else intervention.pk
    return reverse("followup_intervention_delete", args=[*_args(allocation), pk])


def insats_data(fields: dict, version: int) -> dict:
    return {"insats-version": version, **{f"insats-{key}": v for key, v in fields.items()}}


def insats_post(client, allocation, fields: dict, *, pk=None, version: int | None = None):
    """Save one insats (a new one without `pk`) as its page posts it."""
    version = current_version(allocation) if version is None else version
    return client.post(insats_url(allocation, pk), insats_data(fields, version))


def report_data(version: int, spent: str, results: str = "Bra år.", submit=False) -> dict:
    data = {"version": version, "spent": spent, "results": results}
    data["submit" if submit else "save"] = "1"
    return data


def report_post(client, allocation, spent: str, *, results="Bra år.", submit=False, version=None):
    """Save the report's own fields, and submit it if asked."""
    version = current_version(allocation) if version is None else version
    return client.post(report_url(allocation), report_data(version, spent, results, submit))


def report_in(client, allocation, spent: str, insatser=(), *, results="Bra år.", submit=True):
    """A whole report as a reporter makes it: each insats saved on its page, then the
    report's fields saved and (by default) submitted. Returns the last answer."""
    for fields in insatser:
        response = insats_post(client, allocation, fields)
        assert response.status_code == 302, response.content.decode()[:3000]
    return report_post(client, allocation, spent, results=results, submit=submit)
