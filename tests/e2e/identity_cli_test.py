"""Keystone through the unmodified `openstack` CLI: the acceptance test of
the identity service. Usage: identity_cli_test.py <path to strato>."""

import sys

from strato_cloud import StratoCloud


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok:", message, flush=True)


def main():
    cloud = StratoCloud(sys.argv[1])
    try:
        run(cloud)
    except BaseException:
        cloud.log.seek(0)
        print("--- strato serve log ---\n" + cloud.log.read(), file=sys.stderr)
        raise
    finally:
        cloud.stop()


def run(cloud):
    os = cloud.openstack
    token = os("token", "issue", "-f", "json")
    check(len(token["id"]) > 100 and token["project_id"], "admin token issue")

    catalog = os("catalog", "list", "-f", "json")
    types = {entry["Type"] for entry in catalog}
    check({"identity", "compute", "image", "network", "volumev3",
           "block-storage", "placement"} <= types, "catalog lists every service")

    project = os("project", "create", "--description", "e2e", "demo",
                 "-f", "json")
    check(project["name"] == "demo" and project["domain_id"] == "default",
          "project create")
    other = os("project", "create", "other", "-f", "json")
    names = {p["Name"] for p in os("project", "list", "-f", "json")}
    check({"admin", "demo", "other"} <= names, "project list")
    shown = os("project", "show", "demo", "-f", "json")
    check(shown["id"] == project["id"] and shown["description"] == "e2e",
          "project show by name")
    err = os("project", "create", "demo", expect_fail=True)
    check("409" in err, "duplicate project name is a 409")

    user = os("user", "create", "--password", "first-pw", "--project", "demo",
              "alice", "-f", "json")
    check(user["name"] == "alice" and user["default_project_id"] == project["id"],
          "user create")
    check("alice" in {u["Name"] for u in os("user", "list", "-f", "json")},
          "user list")
    os("user", "set", "--password", "second-pw", "alice")

    group = os("group", "create", "devs", "-f", "json")
    check(group["name"] == "devs", "group create")
    os("group", "add", "user", "devs", "alice")
    check("alice" in os("group", "contains", "user", "devs", "alice"),
          "group add user")

    os("role", "add", "--user", "alice", "--project", "demo", "member")
    os("role", "add", "--group", "devs", "--project", "demo", "reader")
    assignments = os("role", "assignment", "list", "--project", "demo",
                     "--names", "-f", "json")
    pairs = {(a["Role"], a["User"], a["Group"]) for a in assignments}
    check(("member", "alice@Default", "") in pairs
          and ("reader", "", "devs@Default") in pairs, "role assignment list")

    alice = {"username": "alice", "password": "second-pw",
             "project-name": "demo"}
    err = os("token", "issue", auth={**alice, "password": "first-pw"},
             expect_fail=True)
    check("401" in err, "the old password no longer authenticates")
    alice_token = os("token", "issue", "-f", "json", auth=alice)
    check(alice_token["project_id"] == project["id"], "member token issue")

    visible = {p["Name"] for p in os("project", "list", "-f", "json", auth=alice)}
    check(visible == {"demo"}, "a member sees only her own projects")
    err = os("project", "show", other["id"], auth=alice, expect_fail=True)
    check("403" in err, "a member cannot read another project")
    err = os("user", "create", "--password", "x", "mallory", auth=alice,
             expect_fail=True)
    check("403" in err, "a member cannot create users")

    cred = os("application", "credential", "create", "ci", "-f", "json",
              auth=alice)
    check(cred["secret"] and cred["project_id"] == project["id"],
          "application credential create")
    cred_token = os("--os-auth-type", "v3applicationcredential",
                    "--os-application-credential-id", cred["id"],
                    "--os-application-credential-secret", cred["secret"],
                    "token", "issue", "-f", "json",
                    auth={})
    check(cred_token["project_id"] == project["id"],
          "application credential authenticates")

    check(cloud.http_status("/identity/v3/auth/catalog", alice_token["id"])
          == 200, "a fresh token is accepted")
    os("token", "revoke", alice_token["id"], auth=alice)
    check(cloud.http_status("/identity/v3/auth/catalog", alice_token["id"])
          == 401, "a revoked token is refused")

    os("role", "remove", "--group", "devs", "--project", "demo", "reader")
    remaining = os("role", "assignment", "list", "--project", "demo",
                   "--names", "-f", "json")
    check(all(a["Group"] == "" for a in remaining), "role remove")

    os("user", "delete", "alice")
    check("alice" not in {u["Name"] for u in os("user", "list", "-f", "json")},
          "user delete")
    err = os("token", "issue", auth=alice, expect_fail=True)
    check("401" in err, "a deleted user cannot authenticate")
    os("project", "delete", "other")
    check("other" not in {p["Name"] for p in os("project", "list", "-f", "json")},
          "project delete")


if __name__ == "__main__":
    main()
