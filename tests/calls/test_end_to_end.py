"""A call from start to decision, over HTTP: published, applied to by three associations (one
new, one already a recipient, one too late), assessed by two reviewers (one jävig for one
application), proposed (too much, then right) and decided into allocations and letters."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from calls.models import Application, Call, ConflictDeclaration, Review
from funds.balance import agreement_balance
from funds.models import (
    Allocation,
    AllocationChange,
    Membership,
    Recipient,
    SurveyCategory,
)
from tests import factories as f
from tests.calls.pdfs import pdf
from tests.reporting.pdfs import flat, pdf_text

pytestmark = pytest.mark.django_db


def register(email: str, name: str) -> Client:
    """Create an applicant account and open the one-time link from the e-mail."""
    client = Client()
    response = client.post(
        "/utlysningar/konto/",
        {
            "name": name,
            "email": email,
            "phone": "08-123 456",
            "password": "Sommarregn-2024",
            "password_again": "Sommarregn-2024",
        },
    )
    assert response.status_code == 200, response.content.decode()
    link = re.search(r"https?://\S+/bekrafta/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    assert client.post(f"/{path}").status_code == 302
    # One-time: the same link does nothing the second time.
    assert Client().post(f"/{path}").status_code == 400
    return client


def fill(call: Call, org_name: str, number: str, amount: str, target: SurveyCategory) -> dict:
    return {
        "organisation_name": org_name,
        "organisation_number": number,
        "organisation_kind": "ideell_forening",
        "contact_name": "Kim Kontakt",
        "contact_email": "kim@example.se",
        "contact_phone": "070-111 22 33",
        "project_title": f"Stödgrupper hos {org_name}",
        "description": "Stödgrupper för unga vuxna.",
        "expected_results": "Fler unga får stöd tidigt.",
        "answer_0": "Vi samarbetar med skolorna.",
        "target_groups": [target.pk],
        "amount_requested": amount,
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "20",
        "budget-0-item": "Gruppledare",
        "budget-0-amount": amount,
        "budget-1-item": "",
        "budget-1-amount": "",
    }


def apply(client: Client, call: Call, data: dict, *, submit: bool) -> Application:
    response = client.post(f"/utlysningar/{call.pk}/ansok/")
    assert response.status_code == 302
    application_url = response.url
    # A first visit saves a half-filled draft; a later one completes it.
    response = client.post(application_url, {**data, "description": "", "action": "save"})
    assert response.status_code == 302
    upload = client.post(
        f"{application_url}bilagor/",
        {"file": _file("verksamhetsplan.pdf", pdf())},
    )
    assert upload.status_code == 302
    application = Application.objects.get(call=call, organisation_name=data["organisation_name"])
    assert application.status == "draft" and application.attachments.count() == 1
    if submit:
        response = client.post(application_url, {**data, "action": "submit"})
        assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    return application


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_call_from_publication_to_decision(settings):
    settings.SITE_URL = "http://testserver"
    org = f.organisation(
        name="Testby kommun", administration="Socialförvaltningen", address="Box 1, 100 00 Testby"
    )
    agreement = f.agreement(org, 2024)
    area = f.area(agreement, "1000000.00", name="Suicidprevention")
    f.allocation(area, f.recipient(org, name="Norra stadsdelen"), "400000.00")
    existing_number = f.luhn_number("802400000")
    existing = f.recipient(
        org,
        name="Föreningen Stöd (befintlig)",
        kind=Recipient.Kind.ASSOCIATION,
        organisation_number=existing_number,
    )
    target = SurveyCategory.objects.filter(year=2024, group="target_group").first()
    target = target or SurveyCategory.objects.create(
        year=2024, group="target_group", label="Vård- och omsorgstagare 18–29 år"
    )
    coordinator = Client()
    coordinator.force_login(f.user(org, "coordinator", first_name="Cora"))
    alva = f.user(org, "reader", first_name="Alva", last_name="Granskare")
    bo = f.user(org, "reader", first_name="Bo", last_name="Bedömare")

    # 1. The coordinator writes the call; more than the area's free money is refused.
    now = timezone.localtime()
    form = {
        "priority_area": area.pk,
        "title": "Stöd till föreningar 2024",
        "purpose": "Förebygga psykisk ohälsa hos unga.",
        "eligibility": "Verksamhet i Testby.",
        "eligible_kinds": ["ideell_forening", "stiftelse"],
        "amount": "700 000",
        "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        "questions_text": "Hur samarbetar ni med andra?",
        "registry_number": "SOF 2024/77",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "10",
        "criteria-0-name": "Relevans",
        "criteria-0-description": "Hur väl svarar insatsen mot syftet?",
        "criteria-0-weight": "2",
        "criteria-1-name": "Genomförbarhet",
        "criteria-1-description": "",
        "criteria-1-weight": "1",
    }
    base = f"/{org.code}/2024/utlysningar/"
    response = coordinator.post(f"{base}ny/", form)
    assert response.status_code == 200
    assert "större än det som finns kvar att fördela" in response.content.decode()
    response = coordinator.post(f"{base}ny/", {**form, "amount": "500 000"})
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get()
    assert call.criteria.count() == 2
    assert Client().get("/utlysningar/").content.decode().count(call.title) == 0  # a draft
    coordinator.post(f"{base}{call.pk}/status/", {"status": "open"})
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    public = Client().get("/utlysningar/")
    assert public.status_code == 200 and call.title in public.content.decode()
    # The reservation shows on the coordinator's pages.
    listing = coordinator.get(base).content.decode()
    assert "500\u00a0000\u00a0kr" in listing and "100\u00a0000\u00a0kr" in listing

    # 2. Three associations apply; the third is too late.
    new_number = f.luhn_number("802500000")
    first = register("ny@example.se", "Nora Ny")
    a_new = apply(
        first, call, fill(call, "Nya föreningen", new_number, "250 000,50", target), submit=True
    )
    second = register("stod@example.se", "Sam Stöd")
    a_existing = apply(
        second,
        call,
        fill(call, "Föreningen Stöd", existing_number.replace("-", ""), "300 000", target),
        submit=True,
    )
    third = register("sen@example.se", "Sixten Sen")
    late_data = fill(call, "Sena föreningen", f.luhn_number("802600000"), "50 000", target)
    a_late = apply(third, call, late_data, submit=False)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    refused = third.post(f"/ansokningar/{a_late.pk}/", {**late_data, "action": "submit"})
    assert refused.status_code == 400
    assert "Ansökningstiden har gått ut" in refused.content.decode()
    a_late.refresh_from_db()
    assert a_late.status == "draft"
    # Nor can anything else change after the deadline: attachments included.
    third.post(f"/ansokningar/{a_late.pk}/bilagor/", {"file": _file("sen.pdf", pdf())})
    assert a_late.attachments.count() == 1

    assert a_new.status == a_existing.status == "submitted"
    assert a_new.amount_requested == Decimal("250000.50")
    assert a_new.recipient is None
    assert a_existing.recipient == existing
    receipts = [m for m in mail.outbox if m.subject.startswith("Kvitto")]
    assert len(receipts) == 2
    assert a_new.receipt_number in receipts[0].subject
    assert "Kvitto" in first.get(f"/ansokningar/{a_new.pk}/").content.decode()

    # 3. Two reviewers; Alva is jävig for the existing association and is blocked from it.
    coordinator.post(f"{base}{call.pk}/status/", {"status": "closed"})
    coordinator.post(f"{base}{call.pk}/bedomare/", {"reviewers": [alva.pk, bo.pk]})
    alva_client, bo_client = Client(), Client()
    alva_client.force_login(alva)
    bo_client.force_login(bo)
    review = f"{base}{call.pk}/bedomning/"

    def score(client, application, relevance: str, feasibility: str, note: str, declare=True):
        url = f"{review}{application.pk}/"
        if declare:
            assert client.post(url, {"has_conflict": "nej"}).status_code == 302
        page = client.get(url).content.decode()
        assert application.description in page
        criteria = list(call.criteria.all())
        return client.post(
            url,
            {
                f"score_{criteria[0].pk}": relevance,
                f"justification_{criteria[0].pk}": note,
                f"score_{criteria[1].pk}": feasibility,
                f"justification_{criteria[1].pk}": "Rimlig plan.",
            },
        )

    assert score(alva_client, a_new, "5", "4", "Alvas motivering").status_code == 302
    url = f"{review}{a_existing.pk}/"
    alva_client.post(url, {"has_conflict": "ja", "explanation": "Jag sitter i styrelsen."})
    assert alva_client.get(url).status_code == 403
    attachment = a_existing.attachments.get()
    assert (
        alva_client.get(f"/ansokningar/{a_existing.pk}/bilagor/{attachment.pk}/").status_code == 404
    )
    # Bo does not see Alva's scores before he has submitted his own.
    bo_client.post(f"{review}{a_new.pk}/", {"has_conflict": "nej"})
    assert "Alvas motivering" not in bo_client.get(f"{review}{a_new.pk}/").content.decode()
    assert score(bo_client, a_new, "3", "3", "Bos motivering", declare=False).status_code == 302
    assert "Alvas motivering" in bo_client.get(f"{review}{a_new.pk}/").content.decode()
    assert score(bo_client, a_existing, "4", "2", "Bra idé").status_code == 302
    assert ConflictDeclaration.objects.filter(has_conflict=True).count() == 1
    assert Review.objects.filter(submitted_at__isnull=False).count() == 3

    # 4. Proposals: more than the money available is refused, to the öre.
    ranking = f"{base}{call.pk}/rangordning/"
    page = coordinator.get(ranking).content.decode()
    assert page.index("Nya föreningen") < page.index("Föreningen Stöd")  # 3,83 before 3,33
    response = coordinator.post(
        ranking, {f"amount_{a_new.pk}": "250 000,50", f"amount_{a_existing.pk}": "249 999,51"}
    )
    assert response.status_code == 400
    assert "bara 500\u00a0000\u00a0kr att fördela" in response.content.decode()
    a_new.refresh_from_db()
    assert a_new.proposed_amount is None
    response = coordinator.post(
        ranking, {f"amount_{a_new.pk}": "250 000,50", f"amount_{a_existing.pk}": "249 999,50"}
    )
    assert response.status_code == 302

    # 5. The decision: allocations, audit rows, grantees and letters.
    before = agreement_balance(agreement).total.allocated
    outbox_before = len(mail.outbox)
    response = coordinator.post(
        f"{base}{call.pk}/beslut/",
        {
            "registry_number": "SOF 2024/77",
            "decided_by": "Socialdirektören på delegation",
            "decided_on": "2024-03-01",
            "announced_on": "2024-03-04",
            f"outcome_{a_new.pk}": "granted",
            f"amount_{a_new.pk}": "250 000,50",
            f"reason_{a_new.pk}": "Väl förankrad plan för unga vuxna.",
            f"outcome_{a_existing.pk}": "granted",
            f"amount_{a_existing.pk}": "249 999,50",
            f"reason_{a_existing.pk}": "Delvis beviljad: lokalkostnaden ryms inte.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    after = agreement_balance(agreement).total.allocated
    assert after - before == Decimal("500000.00")
    a_new.refresh_from_db()
    a_existing.refresh_from_db()
    assert a_existing.recipient == existing
    assert a_new.recipient.organisation_number == new_number
    assert a_new.recipient.kind == Recipient.Kind.ASSOCIATION
    for application, amount in ((a_new, "250000.50"), (a_existing, "249999.50")):
        allocation = Allocation.objects.get(priority_area=area, recipient=application.recipient)
        assert allocation.amount == Decimal(amount)
        change = AllocationChange.objects.get(allocation=allocation)
        assert change.source == f"calls.application:{application.pk}"
        # A grant gives the applicant this allocation to report on, never the recipient.
        membership = Membership.objects.get(user=application.applicant)
        assert membership.role == "grantee" and membership.recipient is None
        assert list(membership.granted_allocations.all()) == [allocation]
    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED

    letters = mail.outbox[outbox_before:]
    assert len(letters) == 2
    texts = {}
    for message in letters:
        name, data, mimetype = message.attachments[0]
        assert mimetype == "application/pdf"
        texts[name] = flat(pdf_text(data))
    text = texts[f"beslut-{a_new.receipt_number}.pdf"]
    assert "250 000,50 kr" in text and "Väl förankrad plan för unga vuxna." in text
    assert "Testby kommun" in text and "Box 1, 100 00 Testby" in text
    partial = texts[f"beslut-{a_existing.receipt_number}.pdf"]
    assert "249 999,50 kr" in partial
    assert "lokalkostnaden ryms inte" in partial
    assert "laglighetsprövning enligt 13 kap. kommunallagen" in partial
    # The applicant downloads the same letter from the page.
    letter = first.get(f"/ansokningar/{a_new.pk}/beslut.pdf")
    assert letter.status_code == 200 and letter.content == bytes(a_new.letter.pdf)
