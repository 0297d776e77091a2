from .menu import navigatie_voor


def navigatie(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"navigatie": navigatie_voor(user, request.path)}
