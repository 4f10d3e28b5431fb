from django.apps import AppConfig


class SearchBenchConfig(AppConfig):
    name = "searchbench"
    label = "searchbench"
    default_auto_field = "django.db.models.BigAutoField"
