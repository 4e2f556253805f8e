"""Keystone's request-body validation over the REST API: bodies that are
malformed, of the wrong type, missing what is required or carrying fields a
strict schema forbids are 400 in Keystone's error format, and nothing is
created by a refused request. Usage: identity_api_test.py <path to strato>."""

import json
import sys
import urllib.error
import urllib.request

from strato_cloud import StratoCloud


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok:", message, flush=True)


class Api:
    def __init__(self, cloud, token):
        self.base = cloud.url + "/identity/v3"
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}))

    def call(self, method, path, body=None, raw=None,
             content_type="application/json", token=True):
        """(status, parsed JSON body or None) of one request."""
        data = raw if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": content_type} if content_type else {}
        if token:
            headers["X-Auth-Token"] = self.token
        request = urllib.request.Request(self.base + path, data=data,
                                         method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        return status, (json.loads(text) if text.strip() else None)

    def refused(self, method, path, message, expected_status=400, **kwargs):
        """Checks a refusal's status and Keystone's error body."""
        status, body = self.call(method, path, **kwargs)
        assert status == expected_status, f"{method} {path}: {status} {body}"
        error = body["error"]
        assert error["code"] == expected_status, body
        assert error["title"] == {400: "Bad Request",
                                  401: "Unauthorized"}[expected_status], body
        assert error["message"] == message or (
            message.endswith("...")
            and error["message"].startswith(message[:-3])), \
            f"{method} {path}: {error['message']!r} != {message!r}"
        return error["message"]


def main():
    cloud = StratoCloud(sys.argv[1])
    try:
        token = cloud.openstack("token", "issue", "-f", "json")["id"]
        run(Api(cloud, token))
    except BaseException:
        cloud.log.seek(0)
        print("--- strato serve log ---\n" + cloud.log.read(), file=sys.stderr)
        raise
    finally:
        cloud.stop()


def names(api, collection):
    status, body = api.call("GET", "/" + collection)
    assert status == 200, body
    return {entry["name"] for entry in body[collection]}


def run(api):
    invalid_json = ("Expecting to find valid JSON in request body. The server "
                    "could not comply with the request since it is either "
                    "malformed or otherwise incorrect. The client is assumed "
                    "to be in error.")
    api.refused("POST", "/projects", invalid_json, raw=b'{"project": {"name"')
    check(True, "malformed JSON is a 400 in Keystone's format")
    api.refused("POST", "/projects", invalid_json, raw=b'["project"]')
    check(True, "a body that is not an object is a 400")
    api.refused("POST", "/projects",
                "Expecting to find application/json in Content-Type header...",
                raw=b'{"project": {"name": "as-text"}}',
                content_type="text/plain")
    check(True, "a non-JSON content type is a 400")

    api.refused("POST", "/projects",
                "Invalid input for field 'name': 5 is not of type 'string'",
                body={"project": {"name": 5}})
    api.refused("POST", "/projects",
                "Invalid input for field 'enabled': 'yes' is not of type "
                "'boolean'",
                body={"project": {"name": "refused-enabled", "enabled": "yes"}})
    check(True, "wrong types are 400 with Keystone's message")
    api.refused("POST", "/projects", "'name' is a required property",
                body={"project": {"description": "no name"}})
    api.refused("POST", "/projects", "'name' is a required property",
                body={"projects": {"name": "misspelt-key"}})
    check(True, "a missing required field is a 400")
    api.refused("POST", "/projects",
                "Invalid input for field 'name': '" + "n" * 65
                + "' is too long",
                body={"project": {"name": "n" * 65}})
    api.refused("POST", "/projects",
                "Invalid input for field 'tags/0': 'a/b' does not match "
                "'^[^,/]*$'",
                body={"project": {"name": "refused-tags", "tags": ["a/b"]}})
    api.refused("POST", "/projects",
                "Invalid input for field 'options': Additional properties are "
                "not allowed ('colour' was unexpected)",
                body={"project": {"name": "refused-options",
                                  "options": {"colour": True}}})
    check(True, "an unknown field where the schema is strict is a 400")
    status, created = api.call("POST", "/projects",
                               body={"project": {"name": "with-extra",
                                                 "colour": "red"}})
    check(status == 201 and created["project"]["name"] == "with-extra",
          "extra fields are allowed where Keystone allows them")
    projects = names(api, "projects")
    check(not projects & {"refused-enabled", "refused-tags", "refused-options",
                          "misspelt-key", "as-text", "n" * 65},
          "no refused project was created")

    project_id = created["project"]["id"]
    api.refused("PATCH", "/projects/" + project_id,
                "{} does not have enough properties", body={"project": {}})
    api.refused("PATCH", "/domains/default",
                "Invalid input for field 'description': 5 is not of type "
                "'string', 'null'", body={"domain": {"description": 5}})
    api.refused("POST", "/domains", "'name' is a required property",
                body={"domain": {"enabled": True}})
    check(True, "project and domain updates are validated")

    api.refused("POST", "/users",
                "Invalid input for field 'password': 5 is not of type "
                "'string', 'null'",
                body={"user": {"name": "refused-bob", "password": 5}})
    api.refused("POST", "/groups",
                "Invalid input for field 'domain_id': '' is too short",
                body={"group": {"name": "refused-group", "domain_id": ""}})
    api.refused("POST", "/roles",
                "Invalid input for field 'description': 5 is not of type "
                "'string'",
                body={"role": {"name": "refused-role", "description": 5}})
    check("refused-bob" not in names(api, "users")
          and "refused-group" not in names(api, "groups")
          and "refused-role" not in names(api, "roles"),
          "refused users, groups and roles were not created")

    api.refused("POST", "/auth/tokens",
                "Expecting to find auth in request body...", body={},
                token=False)
    api.refused("POST", "/auth/tokens",
                "Invalid input for field 'identity/methods': 'password' is "
                "not of type 'array'",
                body={"auth": {"identity": {"methods": "password"}}},
                token=False)
    api.refused("POST", "/auth/tokens",
                "Invalid input for field identity/password/user: id or name "
                "must be present.",
                body={"auth": {"identity": {
                    "methods": ["password"],
                    "password": {"user": {"password": "x"}}}}},
                token=False)
    api.refused("POST", "/auth/tokens",
                "Attempted to authenticate with an unsupported method.",
                expected_status=401,
                body={"auth": {"identity": {"methods": ["totp"],
                                            "totp": {}}}},
                token=False)
    check(True, "token requests are validated before authenticating")

    status, users = api.call("GET", "/users?name=admin")
    admin_id = users["users"][0]["id"]
    api.refused("POST", f"/users/{admin_id}/application_credentials",
                "Invalid input for field 'roles/0': Additional properties are "
                "not allowed ('colour' was unexpected)",
                body={"application_credential": {
                    "name": "refused-cred",
                    "roles": [{"name": "admin", "colour": "red"}]}})
    status, creds = api.call("GET", f"/users/{admin_id}/application_credentials")
    check(status == 200 and all(c["name"] != "refused-cred"
                                for c in creds["application_credentials"]),
          "a refused application credential was not created")


if __name__ == "__main__":
    main()
