from django.contrib import admin
from django.urls import include, path

from forum import case_views, views
from members import staff_views
from members import views as member_views
from moderation import queue_views
from moderation import views as moderation_views
from uploads import views as upload_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("policies/privacy/", views.policy, {"page": "privacy"}, name="policy_privacy"),
    path("policies/guidelines/", views.policy, {"page": "guidelines"}, name="policy_guidelines"),
    path("data/where-it-lives/", views.data_residency, name="data_residency"),
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
    path("uploads/", upload_views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", upload_views.upload_image, name="upload_image"),
    path("uploads/<int:pk>/redact/", upload_views.upload_redact, name="upload_redact"),
    path("uploads/<int:pk>/discard/", upload_views.upload_discard, name="upload_discard"),
    path("uploads/<int:pk>/approve/", upload_views.upload_approve, name="upload_approve"),
    path("uploads/<int:pk>/reject/", upload_views.upload_reject, name="upload_reject"),
    path("search/", case_views.search, name="search"),
    path("notifications/", case_views.notifications, name="notifications"),
    path("notifications/read/", case_views.notifications_read, name="notifications_read"),
    path("accounts/", include("allauth.urls")),
    path("membership/", member_views.membership_status, name="membership_status"),
    path("membership/apply/", member_views.apply, name="membership_apply"),
    path("membership/my-data/", member_views.my_data, name="member_data"),
    path("membership/my-data/export/", member_views.my_data_export, name="member_data_export"),
    path("membership/my-data/delete/", member_views.delete_account, name="member_delete_account"),
    path("membership/deleted/", member_views.account_deleted, name="account_deleted"),
    path("members/<int:pk>/", member_views.profile, name="member_profile"),
    path("staff/applications/", staff_views.application_list, name="staff_application_list"),
    path(
        "staff/applications/<int:pk>/",
        staff_views.application_detail,
        name="staff_application_detail",
    ),
    path(
        "staff/applications/<int:pk>/documents/<int:document_pk>/",
        staff_views.application_document,
        name="staff_application_document",
    ),
    path("staff/members/", staff_views.member_list, name="staff_member_list"),
    path("staff/members/<int:pk>/", staff_views.member_detail, name="staff_member_detail"),
    path("staff/members/<int:pk>/status/", staff_views.member_status, name="staff_member_status"),
    path("staff/members/<int:pk>/roles/", staff_views.member_roles, name="staff_member_roles"),
    path("staff/audit/", moderation_views.audit_log, name="staff_audit_log"),
    path("moderation/", queue_views.queue, name="moderation_queue"),
    path("moderation/items/<int:pk>/", queue_views.item_detail, name="moderation_item"),
    path("moderation/items/<int:pk>/claim/", queue_views.item_claim, name="moderation_claim"),
    path("moderation/items/<int:pk>/release/", queue_views.item_release, name="moderation_release"),
    path("moderation/items/<int:pk>/note/", queue_views.item_note, name="moderation_note"),
    path("moderation/items/<int:pk>/decide/", queue_views.item_decide, name="moderation_decide"),
    path("cases/<int:pk>/flag/", case_views.case_flag, name="case_flag"),
    path("replies/<int:pk>/flag/", case_views.reply_flag, name="reply_flag"),
    path("admin/", admin.site.urls),
]
