from django.urls import path

from escalade.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new/", views.new_ticket, name="new_ticket"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/reply/", views.reply, name="reply"),
    path("tickets/<str:number>/status/", views.change_status, name="status"),
]
