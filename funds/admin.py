"""The Django admin of funds, for site staff."""

from django.contrib import admin
from django.db import models

from funds.models import (
    Agreement,
    AgreementStatusChange,
    Allocation,
    AllocationChange,
    FollowUp,
    FollowUpChange,
    FollowUpReminder,
    Intervention,
    Membership,
    Organisation,
    PriorityArea,
    Recipient,
    Repayment,
    Requisition,
    SurveyCategory,
)
from funds.money import AmountField


class MoneyInputMixin:
    """Amounts in the admin accept what users type elsewhere: "1 500 000", "45,2 mnkr"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            return AmountField(
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class NoDeleteAdmin(MoneyInputMixin, admin.ModelAdmin):
    """Money is never deleted, only corrected; PROTECT in the database backs this up."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money rows that only the application's workflows may write: they lock rows, check
    versions and write the audit trail, which a plain admin form would skip."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "recipient"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "organisation_number"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "organisation_number"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "recipient"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "recipient"]
    list_select_related = ["user", "organisation", "recipient"]


class PriorityAreaInline(MoneyInputMixin, admin.TabularInline):
    model = PriorityArea
    extra = 0
    fields = ["number", "name", "granted"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(NoDeleteAdmin):
    list_display = ["organisation", "year", "title", "status", "registry_number"]
    list_filter = ["status", "year", "organisation"]
    search_fields = ["title", "registry_number"]
    inlines = [PriorityAreaInline]
    list_select_related = ["organisation"]
    # The lifecycle goes through the workspace, which refuses a decision while over-allocated.
    readonly_fields = ["status", "decided_on", "decided_by"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(NoDeleteAdmin):
    list_display = ["__str__", "agreement", "granted"]
    list_filter = ["agreement__year", "agreement__organisation"]
    search_fields = ["name"]
    list_select_related = ["agreement__organisation"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "organisation",
        "organisation_number",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "organisation_number"]
    autocomplete_fields = ["successor"]
    list_select_related = ["organisation", "successor"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "priority_area", "amount", "updated_at"]
    list_filter = ["priority_area__agreement__year", "recipient__kind"]
    search_fields = ["recipient__name", "priority_area__name"]
    autocomplete_fields = ["recipient", "priority_area"]
    readonly_fields = ["version", "updated_at"]
    list_select_related = ["recipient", "priority_area"]


@admin.register(Requisition)
class RequisitionAdmin(NoDeleteAdmin):
    list_display = ["agreement", "amount", "requested_on", "received_on", "reference"]
    list_select_related = ["agreement__organisation"]


class InterventionInline(MoneyInputMixin, admin.StackedInline):
    model = Intervention
    extra = 0
    filter_horizontal = ["categories"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["allocation", "status", "spent", "submitted_at", "approved_at"]
    list_filter = ["status", "allocation__priority_area__agreement__year"]
    search_fields = ["allocation__recipient__name"]
    readonly_fields = ["version", "updated_at"]
    autocomplete_fields = ["allocation"]
    inlines = [InterventionInline]
    list_select_related = ["allocation__recipient", "allocation__priority_area"]


@admin.register(SurveyCategory)
class SurveyCategoryAdmin(NoDeleteAdmin):
    list_display = ["label", "group", "year", "position"]
    list_filter = ["year", "group"]
    list_editable = ["position"]
    search_fields = ["label"]


@admin.register(Intervention)
class InterventionAdmin(ReadOnlyAdmin):
    list_display = ["name", "follow_up", "responsible_unit", "amount_spent"]
    search_fields = ["name", "description", "responsible_unit"]
    filter_horizontal = ["categories"]
    list_select_related = [
        "follow_up__allocation__recipient",
        "follow_up__allocation__priority_area",
    ]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "priority_area", "recipient", "amount", "paid_on", "reference"]
    list_filter = ["kind", "priority_area__agreement__year"]
    autocomplete_fields = ["priority_area", "recipient"]
    list_select_related = ["priority_area", "recipient"]


@admin.register(AllocationChange)
class AllocationChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "allocation", "old_amount", "new_amount", "changed_by", "reason"]
    list_filter = ["is_amendment", "allocation__priority_area__agreement__year"]
    list_select_related = ["allocation__recipient", "allocation__priority_area", "changed_by"]


@admin.register(AgreementStatusChange)
class AgreementStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "agreement", "from_status", "to_status", "changed_by", "reason"]
    list_filter = ["to_status", "agreement__year"]
    list_select_related = ["agreement__organisation", "changed_by"]


@admin.register(FollowUpChange)
class FollowUpChangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]


@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]
