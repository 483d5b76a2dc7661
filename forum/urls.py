"""The discussion's pages: specialties, cases, replies, their images, search, notifications."""

from django.urls import path

from forum import case_views, image_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:slug>/", case_views.specialty_cases, name="specialty_cases"),
    path("cases/new/", case_views.case_new, name="case_new"),
    path("cases/mine/", case_views.my_cases, name="my_cases"),
    path("cases/following/", case_views.following, name="following"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", case_views.case_edit, name="case_edit"),
    path("cases/<int:pk>/delete/", case_views.case_delete, name="case_delete"),
    path("cases/<int:pk>/outcome/", case_views.case_outcome, name="case_outcome"),
    path("cases/<int:pk>/follow/", case_views.case_follow, name="case_follow"),
    path("cases/<int:pk>/revisions/", case_views.case_revisions, name="case_revisions"),
    path("cases/<int:pk>/replies/", case_views.reply_create, name="reply_create"),
    path("replies/<int:pk>/edit/", case_views.reply_edit, name="reply_edit"),
    path("replies/<int:pk>/delete/", case_views.reply_delete, name="reply_delete"),
    path("replies/<int:pk>/helpful/", case_views.reply_helpful, name="reply_helpful"),
    path("replies/<int:pk>/revisions/", case_views.reply_revisions, name="reply_revisions"),
    path("uploads/", image_views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", image_views.upload_image, name="upload_image"),
    path("uploads/<int:pk>/redact/", image_views.upload_redact, name="upload_redact"),
    path("uploads/<int:pk>/discard/", image_views.upload_discard, name="upload_discard"),
    path("search/", case_views.search, name="search"),
    path("screen/", case_views.screen_hints, name="screen_hints"),
    path("notifications/", case_views.notifications, name="notifications"),
    path("notifications/read/", case_views.notifications_read, name="notifications_read"),
    path("cases/<int:pk>/events/", case_views.case_events, name="case_events"),
    path("replies/<int:pk>/fragment/", case_views.reply_fragment, name="reply_fragment"),
]
