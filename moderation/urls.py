"""Moderation: the review queue, the moderators and their service, the audit log."""

from django.urls import path

from moderation import application_views, post_views, queue_views, service_views, views

urlpatterns = [
    path("staff/audit/", views.audit_log, name="staff_audit_log"),
    path("staff/audit/export.csv", service_views.audit_log_csv, name="staff_audit_log_csv"),
    path("moderators/", service_views.moderators, name="moderators"),
    path("moderators/<int:pk>/service/", service_views.moderator_service, name="moderator_service"),
    path(
        "moderators/<int:pk>/statement/",
        service_views.moderator_statement,
        name="moderator_statement",
    ),
    path("policies/moderation/", service_views.moderation_policy, name="policy_moderation"),
    path(
        "staff/applications/<int:pk>/",
        application_views.application_detail,
        name="staff_application_detail",
    ),
    path("moderation/", queue_views.queue, name="moderation_queue"),
    path("moderation/items/<int:pk>/", queue_views.item_detail, name="moderation_item"),
    path("moderation/items/<int:pk>/claim/", queue_views.item_claim, name="moderation_claim"),
    path("moderation/items/<int:pk>/release/", queue_views.item_release, name="moderation_release"),
    path("moderation/items/<int:pk>/note/", queue_views.item_note, name="moderation_note"),
    path("moderation/items/<int:pk>/decide/", queue_views.item_decide, name="moderation_decide"),
    path("cases/<int:pk>/flag/", post_views.case_flag, name="case_flag"),
    path("cases/<int:pk>/outcome/flag/", post_views.outcome_flag, name="outcome_flag"),
    path("cases/<int:pk>/unhide/", post_views.case_unhide, name="case_unhide"),
    path("cases/<int:pk>/outcome/unhide/", post_views.outcome_unhide, name="outcome_unhide"),
    path("replies/<int:pk>/unhide/", post_views.reply_unhide, name="reply_unhide"),
    path("replies/<int:pk>/flag/", post_views.reply_flag, name="reply_flag"),
    path("uploads/<int:pk>/approve/", post_views.upload_approve, name="upload_approve"),
    path("uploads/<int:pk>/reject/", post_views.upload_reject, name="upload_reject"),
]
