from django.urls import path

from roundtable.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
]
