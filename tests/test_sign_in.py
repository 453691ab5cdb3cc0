"""Signing in to the desk is throttled per account and address: guessing passwords is paused
after a few tries, costs the server nothing while paused, locks nobody else out, and an
administrator can lift the pause."""

from axes.models import AccessAttempt
from django.test import Client

PASSWORD = "desk-password-123"  # make_person's


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_pause_signing_in_for_that_account_from_that_address(make_person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_person("ada", "Administrators")
    guesser = Client(headers={"accept-language": "en"})

    tries = [sign_in(guesser, "ada", f"guess-{n}").status_code for n in range(4)]
    right_but_paused = sign_in(guesser, "ada", PASSWORD)

    assert tries == [200, 200, 429, 429]
    assert right_but_paused.status_code == 429
    assert "Signing in is paused" in right_but_paused.content.decode()
    # The account itself works from elsewhere, and other accounts from here.
    make_person("bo", "Writers")
    assert sign_in(Client(), "ada", PASSWORD, address="10.0.0.2").status_code == 302
    assert sign_in(Client(), "bo", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account(make_person, login, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_person("eve", "Editors")
    for n in range(2):
        sign_in(Client(), "eve", f"guess-{n}")
    attempt = AccessAttempt.objects.get(username="eve")
    administrator = login(make_person("ada", "Administrators"))

    listed = administrator.get("/admin/axes/accessattempt/")
    unlocked = administrator.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
    )

    assert listed.status_code == 200 and "eve" in listed.content.decode()
    assert unlocked.status_code == 302
    assert sign_in(Client(), "eve", PASSWORD).status_code == 302


def test_behind_a_proxy_each_reader_has_their_own_address(make_person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    make_person("ada", "Administrators")

    def through_proxy(forwarded: str, password: str):
        return Client(headers={"accept-language": "en"}).post(
            "/admin/login/?next=/admin/",
            {"username": "ada", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.0.0.9",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # A guesser writes addresses of their own in front; the proxy adds the real one last.
    guesses = [through_proxy(f"198.51.100.{n}, 203.0.113.7", "wrong").status_code for n in range(3)]

    assert guesses[-1] == 429
    assert through_proxy("192.0.2.44", PASSWORD).status_code == 302  # another reader
