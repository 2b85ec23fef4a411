from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "WPS recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from recommendations.curation.history import register

        register()
