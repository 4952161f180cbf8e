from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("login/", views.CompanyLoginView.as_view(), name="login"),
    path("callback/", views.CompanyCallbackView.as_view(), name="callback"),
]
