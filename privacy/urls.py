"""The member's own data: the page, the export, erasure."""

from django.urls import path

from privacy import views

urlpatterns = [
    path("membership/my-data/", views.my_data, name="member_data"),
    path("membership/my-data/export/", views.my_data_export, name="member_data_export"),
    path("membership/my-data/delete/", views.delete_account, name="member_delete_account"),
    path("membership/deleted/", views.account_deleted, name="account_deleted"),
]
