"""The analysis app's configuration."""

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Analys"

    def ready(self) -> None:
        # A save that changes what the public analysis reads forgets its kept version.
        from django.db.models.signals import post_delete, post_save

        from analysis.cache import public_version_forget
        from funds import models

        changing = (
            models.Agreement,
            models.Allocation,
            models.AllocationChange,
            models.FollowUp,
            models.FollowUpChange,
            models.Intervention,
            models.Organisation,
            models.Recipient,
            models.SurveyCategorySet,
        )
        for model in changing:
            for signal in (post_save, post_delete):
                signal.connect(
                    public_version_forget, sender=model, dispatch_uid=f"analysis-{model.__name__}"
                )
