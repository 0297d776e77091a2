from tests.inloggen.provider import claims, idp, sso  # noqa: F401
