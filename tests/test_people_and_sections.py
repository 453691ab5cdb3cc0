"""People and sections set up in a minute: a role and sections on a person's page, editors
only in a section's editor picker, new sections last, the list reordered in one save, and an
editor without sections told why and whom to ask."""

from django.contrib.auth.models import User

from articles.models import Section

from .conftest import page
from .desk import errors


def person_form(user: User, **fields) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-12-01",
        "date_joined_1": "09:00:00",
    }
    data.update(fields)
    return data


def test_an_administrator_gives_a_person_a_role_and_sections(login, make_person, make_section):
    world, city = make_section("world"), make_section("city", name_en="City")
    person = User.objects.create_user("lin", password="desk-password-123")
    administrator = login(make_person("ada", "Administrators"))

    form = page(administrator.get(f"/admin/auth/user/{person.pk}/change/"))
    saved = administrator.post(
        f"/admin/auth/user/{person.pk}/change/",
        person_form(person, role="Editors", sections=[world.pk, city.pk]),
    )

    assert form.select('input[name="role"]') and form.select('input[name="sections"]')
    assert saved.status_code == 302, errors(saved)
    person.refresh_from_db()
    assert list(person.groups.values_list("name", flat=True)) == ["Editors"]
    assert set(person.edited_sections.all()) == {world, city}
    assert person.is_staff  # a role is a desk account


def test_sections_are_for_editors_only(login, make_person, make_section):
    world = make_section("world")
    person = make_person("lin", "Editors", sections=[world])
    administrator = login(make_person("ada", "Administrators"))

    refused = administrator.post(
        f"/admin/auth/user/{person.pk}/change/",
        person_form(person, role="Writers", sections=[world.pk]),
    )
    changed = administrator.post(
        f"/admin/auth/user/{person.pk}/change/",
        person_form(person, role="Writers", **{"initial-sections": [world.pk]}),
    )

    assert any("Only editors edit sections" in e for e in errors(refused))
    assert changed.status_code == 302, errors(changed)
    assert list(person.groups.values_list("name", flat=True)) == ["Writers"]
    assert not person.edited_sections.exists()


def test_a_section_s_editor_picker_lists_only_editors(admin_client, make_person, make_section):
    section = make_section("world")
    make_person("eve", "Editors")
    make_person("wu", "Writers")
    make_person("ada", "Administrators")

    form = page(admin_client.get(f"/admin/articles/section/{section.pk}/change/"))

    choices = [label.get_text(strip=True) for label in form.select("#id_editors label")]
    assert choices == ["eve"]


def test_a_new_section_goes_last(admin_client, make_section):
    make_section("world", position=0)
    make_section("city", position=4)

    form = page(admin_client.get("/admin/articles/section/add/"))

    assert form.select_one("#id_position")["value"] == "5"


def test_sections_are_reordered_in_the_list_in_one_save(admin_client, make_section):
    world, city, culture = (make_section(slug, position=n) for n, slug in
                            enumerate(["world", "city", "culture"]))  # fmt: skip
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3", "_save": "Save"}
    for index, (section, position) in enumerate([(world, 2), (city, 0), (culture, 1)]):
        data[f"form-{index}-id"] = section.pk
        data[f"form-{index}-position"] = position

    saved = admin_client.post("/admin/articles/section/", data)

    assert saved.status_code == 302
    assert list(Section.objects.values_list("slug", "position")) == [
        ("city", 0),
        ("culture", 1),
        ("world", 2),
    ]


def test_an_editor_without_sections_is_told_why_and_whom_to_ask(login, make_person):
    make_person("ada", "Administrators")
    editor = login(make_person("eve", "Editors"))

    listing = page(editor.get("/admin/articles/article/"))

    notice = listing.select_one(".messagelist .warning").get_text()
    assert "editor of no section" in notice and "ada" in notice


def test_the_chinese_desk_is_named_after_the_publication_in_chinese(client, admin_user):
    chinese = {"accept-language": "zh-CN"}
    signing_in = page(client.get("/admin/login/", headers=chinese))
    client.force_login(admin_user)

    for desk in [signing_in] + [
        page(client.get(address, headers=chinese))
        for address in ("/admin/", "/admin/articles/article/add/")
    ]:
        names = desk.title.get_text() + desk.select_one("#site-name").get_text()
        assert "Django" not in names and "新闻室" in names
        assert "编辑台" in names


def test_a_person_s_page_changes_only_the_sections_it_changed(login, make_person, make_section):
    world, city = make_section("world"), make_section("city", name_en="City")
    person = make_person("lin", "Editors", sections=[world])
    administrator = login(make_person("ada", "Administrators"))
    page_shown = person_form(person, role="Editors", **{"initial-sections": [world.pk]})
    city.editors.add(person)  # meanwhile, on City's own page
    city_version = Section.objects.get(pk=city.pk).version

    saved = administrator.post(
        f"/admin/auth/user/{person.pk}/change/", {**page_shown, "sections": [world.pk]}
    )

    assert saved.status_code == 302, errors(saved)
    assert set(person.edited_sections.all()) == {world, city}
    assert Section.objects.get(pk=city.pk).version == city_version  # City was not touched


def test_an_administrator_cannot_make_anyone_a_superuser(login, make_person):
    ada = make_person("ada", "Administrators")
    administrator = login(ada)

    administrator.post(
        f"/admin/auth/user/{ada.pk}/change/",
        person_form(ada, role="Administrators", is_superuser="on"),
    )
    added = administrator.post(
        "/admin/auth/user/add/",
        {"username": "mallory", "usable_password": "true", "password1": "A-long-pass-987",
         "password2": "A-long-pass-987", "role": "Writers", "is_superuser": "on"},
    )  # fmt: skip

    ada.refresh_from_db()
    assert not ada.is_superuser
    assert added.status_code == 302, errors(added)
    assert not User.objects.get(username="mallory").is_superuser


def test_an_administrator_cannot_take_over_a_superuser_s_account(login, make_person):
    root = User.objects.create_superuser("root", password="Root-pass-4321")
    administrator = login(make_person("ada", "Administrators"))

    password = administrator.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "Mine-now-4321", "password2": "Mine-now-4321"},
    )
    change = administrator.post(
        f"/admin/auth/user/{root.pk}/change/", person_form(root, is_active="")
    )

    assert password.status_code == 403 and change.status_code == 403
    root.refresh_from_db()
    assert root.check_password("Root-pass-4321") and root.is_active
