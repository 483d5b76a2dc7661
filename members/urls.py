"""Membership: status, application, the member's own data, profiles, and the admins' pages."""

from django.urls import path

from members import staff_views, views

urlpatterns = [
    path("membership/", views.membership_status, name="membership_status"),
    path("membership/apply/", views.apply, name="membership_apply"),
    path("members/<int:pk>/", views.profile, name="member_profile"),
    path("staff/applications/", staff_views.application_list, name="staff_application_list"),
    path(
        "staff/applications/<int:pk>/documents/<int:document_pk>/",
        staff_views.application_document,
        name="staff_application_document",
    ),
    path("staff/members/", staff_views.member_list, name="staff_member_list"),
    path("staff/members/<int:pk>/", staff_views.member_detail, name="staff_member_detail"),
    path("staff/members/<int:pk>/status/", staff_views.member_status, name="staff_member_status"),
    path("staff/members/<int:pk>/roles/", staff_views.member_roles, name="staff_member_roles"),
]
