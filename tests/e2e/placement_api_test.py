"""The Placement API end to end: resource providers, inventories, traits,
aggregates, allocations, usages and allocation candidates over HTTP with
the admin token (urllib), and the osc-placement commands of the real
`openstack` CLI when the plugin is installed.
Usage: placement_api_test.py <path to strato>."""

import json
import sys
import urllib.error
import urllib.request
import uuid

from strato_cloud import StratoCloud


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok:", message, flush=True)


class Placement:
    def __init__(self, cloud, token):
        self.base = cloud.url + "/placement"
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}))

    def call(self, method, path, body=None, version="1.39", token=None):
        """(status, parsed JSON body or None, headers) of one request."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"X-Auth-Token": token or self.token,
                   "OpenStack-API-Version": "placement " + version}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data,
                                         method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text, hdrs = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, text, hdrs = error.code, error.read(), error.headers
        return status, (json.loads(text) if text.strip() else None), hdrs

    def ok(self, method, path, body=None, expect=200, **kwargs):
        status, doc, _ = self.call(method, path, body, **kwargs)
        assert status == expect, f"{method} {path}: {status} {doc}"
        return doc

    def error(self, method, path, body=None, expect=400, **kwargs):
        status, doc, _ = self.call(method, path, body, **kwargs)
        assert status == expect, f"{method} {path}: {status} {doc}"
        err = doc["errors"][0]
        assert err["status"] == expect and err["title"] and err["detail"], doc
        assert "code" in err and "request_id" in err, doc
        return err


def providers_and_inventories(api):
    rp = str(uuid.uuid4())
    created = api.ok("POST", "/resource_providers", {"name": "cn1", "uuid": rp})
    check(created["uuid"] == rp and created["generation"] == 0
          and created["root_provider_uuid"] == rp
          and created["parent_provider_uuid"] is None,
          "POST /resource_providers creates a root provider (1.20+: 200 with body)")
    status, _, headers = api.call("POST", "/resource_providers",
                                  {"name": "cn-old"}, version="1.0")
    check(status == 201 and "/placement/resource_providers/" in headers["Location"],
          "before 1.20 a create answers 201 with a Location")
    err = api.error("POST", "/resource_providers", {"name": "cn1"}, expect=409)
    check("cn1" in err["detail"], "a duplicate name is a 409")
    api.error("POST", "/resource_providers", {"name": "x", "bogus": 1})
    check(True, "an unknown field is a 400 in placement's error format")
    listed = api.ok("GET", "/resource_providers")["resource_providers"]
    check({p["name"] for p in listed} == {"cn1", "cn-old", "e2e-host"},
          "GET lists every provider")
    check(api.ok("GET", "/resource_providers?name=cn1")["resource_providers"][0]["uuid"] == rp,
          "GET filters by name")
    api.error("GET", "/resource_providers/" + str(uuid.uuid4()), expect=404)
    check(True, "an unknown provider is a 404")

    inv = {"resource_provider_generation": 0,
           "inventories": {"VCPU": {"total": 8, "allocation_ratio": 2.0},
                           "MEMORY_MB": {"total": 4096, "reserved": 512},
                           "DISK_GB": {"total": 100}}}
    doc = api.ok("PUT", f"/resource_providers/{rp}/inventories", inv)
    check(doc["resource_provider_generation"] == 1
          and doc["inventories"]["VCPU"]["allocation_ratio"] == 2.0
          and doc["inventories"]["MEMORY_MB"]["max_unit"] == 2147483647,
          "PUT inventories sets them and bumps the generation")
    err = api.error("PUT", f"/resource_providers/{rp}/inventories", inv, expect=409)
    check(err["code"] == "placement.concurrent_update",
          "a stale generation is a 409 placement.concurrent_update")
    one = api.ok("GET", f"/resource_providers/{rp}/inventories/VCPU")
    check(one["total"] == 8, "GET one inventory")
    api.ok("PUT", f"/resource_providers/{rp}/inventories/DISK_GB",
           {"resource_provider_generation": 1, "total": 200})
    check(api.ok("GET", f"/resource_providers/{rp}")["generation"] == 2,
          "PUT one inventory bumps the generation")
    api.error("PUT", f"/resource_providers/{rp}/inventories/DISK_GB",
              {"resource_provider_generation": 2, "total": -1})
    check(True, "a negative total is a 400")
    return rp


def traits_and_aggregates(api, rp):
    api.ok("PUT", "/traits/CUSTOM_FAST_DISK", expect=201)
    api.ok("PUT", "/traits/CUSTOM_FAST_DISK", expect=204)
    api.ok("GET", "/traits/CUSTOM_FAST_DISK", expect=204)
    api.error("PUT", "/traits/NOT_CUSTOM")
    traits = api.ok("GET", "/traits?name=startswith:CUSTOM_")["traits"]
    check(traits == ["CUSTOM_FAST_DISK"], "custom traits are created and listed")
    gen = api.ok("GET", f"/resource_providers/{rp}")["generation"]
    doc = api.ok("PUT", f"/resource_providers/{rp}/traits",
                 {"traits": ["CUSTOM_FAST_DISK", "HW_CPU_X86_AVX2"],
                  "resource_provider_generation": gen})
    check(sorted(doc["traits"]) == ["CUSTOM_FAST_DISK", "HW_CPU_X86_AVX2"],
          "a provider's traits are set")
    agg = str(uuid.uuid4())
    doc = api.ok("PUT", f"/resource_providers/{rp}/aggregates",
                 {"aggregates": [agg],
                  "resource_provider_generation": doc["resource_provider_generation"]})
    check(doc["aggregates"] == [agg], "a provider's aggregates are set")
    api.ok("POST", "/resource_classes", {"name": "CUSTOM_GPU"}, expect=201)
    names = [c["name"] for c in api.ok("GET", "/resource_classes")["resource_classes"]]
    check("CUSTOM_GPU" in names and "VCPU" in names, "resource classes are listed")


def allocations(api, rp):
    consumer = str(uuid.uuid4())
    project, user = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"allocations": {rp: {"resources": {"VCPU": 4, "MEMORY_MB": 1024}}},
            "project_id": project, "user_id": user, "consumer_generation": None}
    api.ok("PUT", f"/allocations/{consumer}", body, expect=204)
    doc = api.ok("GET", f"/allocations/{consumer}")
    check(doc["allocations"][rp]["resources"] == {"VCPU": 4, "MEMORY_MB": 1024}
          and doc["project_id"] == project and doc["consumer_generation"] == 1,
          "PUT /allocations claims and GET shows them")
    err = api.error("PUT", f"/allocations/{consumer}", body, expect=409)
    check("generation" in err["detail"], "a stale consumer generation is a 409")
    over = {"allocations": {rp: {"resources": {"VCPU": 100}}},
            "project_id": project, "user_id": user, "consumer_generation": None}
    api.error("PUT", f"/allocations/{uuid.uuid4()}", over, expect=409)
    check(True, "a claim over capacity is a 409 and claims nothing")
    usages = api.ok("GET", f"/resource_providers/{rp}/usages")["usages"]
    check(usages["VCPU"] == 4 and usages["MEMORY_MB"] == 1024, "provider usages")
    check(api.ok("GET", f"/usages?project_id={project}")["usages"]["VCPU"] == 4,
          "project usages")
    second = str(uuid.uuid4())
    api.ok("POST", "/allocations",
           {second: {"allocations": {rp: {"resources": {"VCPU": 2}}},
                     "project_id": project, "user_id": user,
                     "consumer_generation": None}}, expect=204)
    check(api.ok("GET", f"/resource_providers/{rp}/usages")["usages"]["VCPU"] == 6,
          "POST /allocations claims for several consumers")
    cands = api.ok("GET", "/allocation_candidates?resources=VCPU:2,MEMORY_MB:512"
                          "&required=CUSTOM_FAST_DISK")
    check(len(cands["allocation_requests"]) == 1
          and cands["provider_summaries"][rp]["resources"]["VCPU"]["used"] == 6
          and cands["provider_summaries"][rp]["resources"]["VCPU"]["capacity"] == 16,
          "allocation candidates honour required traits and show usage")
    none = api.ok("GET", "/allocation_candidates?resources=VCPU:100")
    check(none["allocation_requests"] == [], "no candidate when nothing fits")
    api.error("GET", "/allocation_candidates?resources=VCPU")
    check(True, "a malformed resources query is a 400")
    api.ok("DELETE", f"/allocations/{consumer}", expect=204)
    api.ok("DELETE", f"/allocations/{second}", expect=204)
    api.error("DELETE", f"/allocations/{consumer}", expect=404)
    check(api.ok("GET", f"/resource_providers/{rp}/usages")["usages"]["VCPU"] == 0,
          "DELETE frees the allocations")


def policy_and_versions(api, cloud):
    status, doc, _ = api.call("GET", "/resource_providers", version="1.40")
    check(status == 406 and doc["errors"][0]["status"] == 406,
          "a version above 1.39 is a 406")
    status, _, headers = api.call("GET", "/resource_providers", version="1.10")
    check(status == 200 and headers["OpenStack-API-Version"] == "placement 1.10",
          "the negotiated version is echoed")
    api.error("GET", "/resource_providers/x/allocations", expect=501)
    check(True, "an operation that is not built answers 501 in placement's format")


def osc_placement(cloud):
    import importlib.util
    if importlib.util.find_spec("osc_placement") is None:
        print("skip: python3-osc-placement is not installed", flush=True)
        return
    rp = cloud.openstack("resource", "provider", "create", "cli-node", "-f", "json")
    check(rp["name"] == "cli-node", "openstack resource provider create")
    shown = cloud.openstack("resource", "provider", "show", rp["uuid"], "-f", "json")
    check(shown["uuid"] == rp["uuid"], "openstack resource provider show")
    listed = cloud.openstack("resource", "provider", "list", "-f", "json")
    check("cli-node" in {p["name"] for p in listed}, "openstack resource provider list")
    cloud.openstack("resource", "provider", "inventory", "set", rp["uuid"],
                    "--resource", "VCPU=16", "--resource", "MEMORY_MB=32768",
                    "-f", "json")
    inv = cloud.openstack("resource", "provider", "inventory", "list", rp["uuid"],
                          "-f", "json")
    check({i["resource_class"]: i["total"] for i in inv} == {"VCPU": 16, "MEMORY_MB": 32768},
          "openstack resource provider inventory set/list")
    cands = cloud.openstack("--os-placement-api-version", "1.10", "allocation",
                            "candidate", "list", "--resource", "VCPU=1", "-f", "json")
    check(any(rp["uuid"] in str(c) for c in cands), "openstack allocation candidate list")


def main():
    # The node registers its own compute host as a provider too.
    cloud = StratoCloud(sys.argv[1], ["--compute-host", "e2e-host"])
    try:
        token = cloud.openstack("token", "issue", "-f", "json")["id"]
        api = Placement(cloud, token)
        rp = providers_and_inventories(api)
        traits_and_aggregates(api, rp)
        allocations(api, rp)
        policy_and_versions(api, cloud)
        osc_placement(cloud)
    except BaseException:
        cloud.log.seek(0)
        print("--- strato serve log ---\n" + cloud.log.read(), file=sys.stderr)
        raise
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
