from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "WPS recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from recommendations.append_only import ensure_triggers
        from recommendations.curation.history import register
        from recommendations.people import language  # noqa: F401  (connects the login receiver)

        register()
        post_migrate.connect(ensure_triggers, sender=self, dispatch_uid="status_update_append_only")
