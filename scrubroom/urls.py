"""The root URLs: the project's own pages, allauth, the admin, and each app's urls.py.

URL names stay global (no namespaces): templates and tests name them as they always have.
"""

from django.contrib import admin
from django.urls import include, path

from scrubroom import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("policies/privacy/", views.policy, {"page": "privacy"}, name="policy_privacy"),
    path("policies/guidelines/", views.policy, {"page": "guidelines"}, name="policy_guidelines"),
    path("data/where-it-lives/", views.data_residency, name="data_residency"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("forum.urls")),
    path("", include("members.urls")),
    path("", include("privacy.urls")),
    path("", include("moderation.urls")),
]
