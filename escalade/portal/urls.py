from django.urls import path

from escalade.portal import console_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact_us, name="contact"),
    path("tickets/new/", views.new_ticket, name="new_ticket"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/reply/", views.reply, name="reply"),
    path("tickets/<str:number>/status/", views.change_status, name="status"),
    path("tickets/<str:number>/escalate/", views.request_escalation, name="escalate"),
    path("tickets/<str:number>/priority-request/", views.request_priority, name="priority_request"),
    path("tickets/<str:number>/update/", views.update_ticket, name="update"),
    path("tickets/<str:number>/priority-request/<int:request_id>/decide/", views.decide_priority,
         name="decide_priority"),
    path("console/", console_views.queues, name="queues"),
    path("console/manager/", console_views.manager, name="manager"),
    path("console/review-tasks/<int:task_id>/done/", console_views.review_task_done, name="review_done"),
]
