"""Images: upload, redact and discard drafts; serve and decide."""

from django.urls import path

from uploads import views

urlpatterns = [
    path("uploads/", views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", views.upload_image, name="upload_image"),
    path("uploads/<int:pk>/redact/", views.upload_redact, name="upload_redact"),
    path("uploads/<int:pk>/discard/", views.upload_discard, name="upload_discard"),
    path("uploads/<int:pk>/approve/", views.upload_approve, name="upload_approve"),
    path("uploads/<int:pk>/reject/", views.upload_reject, name="upload_reject"),
]
