from django.urls import path

from . import views

app_name = "importeren"

urlpatterns = [
    path("", views.index, name="index"),
    path("sjabloon/<slug:soort>.xlsx", views.sjabloon_downloaden, name="sjabloon"),
    path("<int:pk>/", views.bestand, name="bestand"),
    path("<int:pk>/kolommen/", views.kolommen, name="kolommen"),
    path("<int:pk>/importeren/", views.importeren, name="importeren"),
    path("<int:pk>/voortgang/", views.voortgang, name="voortgang"),
]
