from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed

from .models import User


class VersieFormMixin:
    """Carries the version the form was opened with, for `bewaar_met_versie`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["versie"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=getattr(instance, "versie", None),
        )

    @property
    def verwachte_versie(self):
        versie = self.cleaned_data.get("versie")
        if versie is None:
            return getattr(self.instance, "versie", 1)
        return versie


class DatumInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class HerinneringsvoorkeurForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["herinneringsfrequentie"]
        widgets = {"herinneringsfrequentie": forms.RadioSelect}


class WachtwoordWijzigenForm(PasswordChangeForm):
    """Password change that counts wrong old passwords as failed log-ins (django-axes):
    a stolen session cannot guess the password faster than the log-in page allows."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            # AxesMiddleware answers with the lockout page.
            self.request.axes_locked_out = True
            raise forms.ValidationError("Te veel mislukte pogingen.", code="geblokkeerd")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
