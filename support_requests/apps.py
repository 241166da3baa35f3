from django.apps import AppConfig


class SupportRequestsConfig(AppConfig):
    # Not "requests": that would shadow the HTTP library of the same name.
    name = "support_requests"
    verbose_name = "Requests for support and triage"
