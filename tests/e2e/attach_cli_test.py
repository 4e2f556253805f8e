"""Volume attachments end to end with the real openstack CLI: `server add
volume` / `server remove volume` against `strato serve`, with the volume
service following (in-use with the attachment, available again), Nova's
os-volume_attachments bodies per microversion, its errors, and a server
delete that detaches its volumes.

Also: a server's port and volume follow it through `server migrate`,
`resize confirm` and `resize revert`; boot from volume (`server create
--volume`, `--boot-from-volume`) and delete_on_termination.

Usage: attach_cli_test.py STRATO_BINARY [extra serve args...]
"""

import sys
import time

from compute_cli_test import check, create_servers, rest, upload_image, \
    wait_for
from strato_cloud import StratoCloud

UNKNOWN = "00000000-0000-4000-8000-00000000dead"


def volume_until(cloud, volume_id, status, timeout=60):
    deadline = time.time() + timeout
    volume = None
    while time.time() < deadline:
        volume = cloud.openstack("volume", "show", volume_id, "-f", "json")
        if volume["status"] == status:
            return volume
        time.sleep(0.5)
    raise AssertionError(f"volume {volume_id} stayed "
                         f"{volume and volume['status']}, expected {status}")


def attached_ids(cloud, server_id):
    server = cloud.openstack("server", "show", server_id, "-f", "json")
    return [v["id"] for v in server.get("volumes_attached") or []]


def add_and_remove(cloud, server, other, volume):
    os_ = cloud.openstack
    os_("server", "add", "volume", server, volume)
    shown = volume_until(cloud, volume, "in-use")
    servers = [a["server_id"] for a in shown["attachments"]]
    check(servers == [server], "volume is in-use, attached to the server")
    check(attached_ids(cloud, server) == [volume],
          "server show lists the volume in volumes_attached")
    err = os_("server", "add", "volume", other, volume, expect_fail=True)
    check("400" in err and "already attached" in err,
          "attaching an in-use volume to a second server is refused")
    os_("server", "remove", "volume", server, volume)
    shown = volume_until(cloud, volume, "available")
    check(shown["attachments"] == [], "volume available again, no attachment")
    check(attached_ids(cloud, server) == [],
          "server show lists no volume after remove")


def attachment_api(cloud, token, server, volume):
    base = f"/servers/{server}/os-volume_attachments"
    status, body = rest(cloud, token, "POST", base,
                        {"volumeAttachment": {"volumeId": volume}})
    check(status == 200 and body["volumeAttachment"] == {
        "id": volume, "serverId": server, "volumeId": volume,
        "device": "/dev/vdb"}, f"POST answers Nova's 2.1 body ({body})")
    volume_until(cloud, volume, "in-use")
    status, body = rest(cloud, token, "GET", base)
    check(status == 200 and body == {"volumeAttachments": [{
        "id": volume, "serverId": server, "volumeId": volume,
        "device": "/dev/vdb"}]}, "GET lists the attachment at 2.1")
    status, body = rest(cloud, token, "GET", f"{base}/{volume}", version="2.89")
    row = body["volumeAttachment"]
    check(status == 200 and "id" not in row and row["tag"] is None
          and row["delete_on_termination"] is False
          and len(row["attachment_id"]) == 36 and len(row["bdm_uuid"]) == 36,
          f"GET at 2.89 shows attachment_id and bdm_uuid ({row})")
    status, body = rest(cloud, token, "GET", f"{base}/{UNKNOWN}")
    check(status == 404 and "is not attached to volume" in json_text(body),
          "GET of a volume not attached is a 404")
    status, body = rest(cloud, token, "POST", base,
                        {"volumeAttachment": {"volumeId": volume}})
    check(status == 400 and "already attached" in json_text(body),
          "attaching the same volume twice is a 400")
    status, body = rest(cloud, token, "POST", base,
                        {"volumeAttachment": {"volumeId": UNKNOWN}})
    check(status == 404 and "could not be found" in json_text(body),
          "attaching an unknown volume is a 404")
    status, body = rest(cloud, token, "POST", base,
                        {"volumeAttachment": {"volumeId": "nope"}})
    check(status == 400, "a volumeId that is no uuid is a 400")
    status, body = rest(cloud, token, "POST", base,
                        {"volumeAttachment": {"volumeId": volume,
                                              "tag": "t"}})
    check(status == 400 and "Additional properties" in json_text(body),
          "tag before 2.49 is a 400")
    status, _ = rest(cloud, token, "POST",
                     f"/servers/{UNKNOWN}/os-volume_attachments",
                     {"volumeAttachment": {"volumeId": volume}})
    check(status == 404, "attaching to an unknown server is a 404")


def json_text(body):
    return str(body)


def refused_while_shelved(cloud, token, server, volume):
    cloud.openstack("server", "shelve", server)
    wait_for(cloud, server, {"SHELVED_OFFLOADED"})
    status, body = rest(cloud, token, "POST",
                        f"/servers/{server}/os-volume_attachments",
                        {"volumeAttachment": {"volumeId": volume}})
    check(status == 409 and "Cannot 'attach_volume' instance" in json_text(body)
          and "vm_state shelved_offloaded" in json_text(body),
          f"attaching to a shelved server before 2.20 is a 409 ({body})")


def port_of(cloud, server_id):
    ports = cloud.openstack("port", "list", "--server", server_id, "-f",
                            "json")
    check(len(ports) == 1, "the server has one port")
    return cloud.openstack("port", "show", ports[0]["ID"], "-f", "json")


def follows_host(cloud, server_id, volume, what):
    """The server's port and volume are where the server is."""
    server = cloud.openstack("server", "show", server_id, "-f", "json")
    host = server["OS-EXT-SRV-ATTR:host"]
    port = port_of(cloud, server_id)
    check(port["binding_host_id"] == host and port["status"] == "ACTIVE",
          f"{what}: the port is bound to {host} and ACTIVE ({port['status']})")
    shown = volume_until(cloud, volume, "in-use")
    rows = shown["attachments"]
    check(len(rows) == 1 and rows[0]["server_id"] == server_id
          and rows[0]["host_name"] == host,
          f"{what}: the volume is still attached, on {host} ({rows})")
    check(attached_ids(cloud, server_id) == [volume],
          f"{what}: server show still lists the volume")
    return host


def claimed_on(cloud, server_id, host):
    """Placement holds the server's resources on `host` only."""
    providers = {p["uuid"]: p["name"] for p in cloud.openstack(
        "resource", "provider", "list", "-f", "json")}
    rows = cloud.openstack("resource", "provider", "allocation", "show",
                           server_id, "-f", "json")
    names = [providers.get(r["resource_provider"]) for r in rows]
    check(names == [host], f"the server's allocation is on {host} ({names})")


def moves_carry_ports_and_volumes(cloud, image):
    """`server migrate` + `resize confirm`, then `resize` + `revert`: the
    port's binding and the volume's attachment follow the server."""
    os_ = cloud.openstack
    os_("network", "create", "mv-net")
    os_("subnet", "create", "--network", "mv-net", "--subnet-range",
        "10.9.0.0/24", "mv-sub")
    server = os_("server", "create", "--flavor", "m1.tiny", "--image", image,
                 "--network", "mv-net", "--wait", "mv-vm", "-f", "json")
    os_("volume", "create", "--size", "1", "mv-vol")
    volume = volume_until(cloud, "mv-vol", "available")["id"]
    os_("server", "add", "volume", server["id"], volume)
    before = follows_host(cloud, server["id"], volume, "before the move")
    os_("server", "migrate", "--wait", server["id"])
    wait_for(cloud, server["id"], {"VERIFY_RESIZE"})
    os_("server", "resize", "confirm", server["id"])
    wait_for(cloud, server["id"], {"ACTIVE"})
    after = follows_host(cloud, server["id"], volume, "after migrate+confirm")
    check(after != before, f"server migrate moved it ({before} -> {after})")
    claimed_on(cloud, server["id"], after)
    os_("server", "resize", "--flavor", "m1.small", "--wait", server["id"])
    wait_for(cloud, server["id"], {"VERIFY_RESIZE"})
    moved = follows_host(cloud, server["id"], volume, "after resize")
    check(moved != after, "the resize moved it")
    os_("server", "resize", "revert", server["id"])
    wait_for(cloud, server["id"], {"ACTIVE"})
    back = follows_host(cloud, server["id"], volume, "after resize revert")
    check(back == after, "resize revert brought it back")
    claimed_on(cloud, server["id"], back)
    os_("server", "delete", "--wait", server["id"])
    volume_until(cloud, volume, "available")
    os_("volume", "delete", volume)
    return "mv-net"


def boot_from_volume(cloud, token, image):
    """`server create --volume` and `--boot-from-volume`; the root volume
    is kept or deleted on server delete as delete_on_termination says."""
    os_ = cloud.openstack
    os_("volume", "create", "--image", image, "--size", "1", "bfv-root")
    root = volume_until(cloud, "bfv-root", "available")
    check(root["bootable"] in ("true", True), "a volume from an image boots")
    vm = os_("server", "create", "--flavor", "m1.tiny", "--volume",
             "bfv-root", "--wait", "bfv-1", "-f", "json")
    check(vm["status"] == "ACTIVE", "server create --volume boots")
    shown = os_("server", "show", vm["id"], "-f", "json")
    check(shown["image"] in ("", "N/A (booted from volume)"),
          f"a volume-backed server has no image ({shown['image']})")
    check(attached_ids(cloud, vm["id"]) == [root["id"]],
          "the root volume is in volumes_attached")
    status, body = rest(cloud, token, "GET", f"/servers/{vm['id']}",
                        version="2.3")
    rows = body["server"]["os-extended-volumes:volumes_attached"]
    check(rows == [{"id": root["id"], "delete_on_termination": False}],
          f"2.3 shows delete_on_termination ({rows})")
    status, body = rest(cloud, token, "DELETE",
                        f"/servers/{vm['id']}/os-volume_attachments/"
                        f"{root['id']}")
    check(status == 400 and "root device" in str(body),
          "the root volume cannot be detached")
    vm2 = os_("server", "create", "--flavor", "m1.tiny", "--image", image,
              "--boot-from-volume", "1", "--wait", "bfv-2", "-f", "json")
    made = attached_ids(cloud, vm2["id"])
    check(len(made) == 1 and made[0] != root["id"],
          "--boot-from-volume creates the root volume from the image")
    check(volume_until(cloud, made[0], "in-use")["bootable"] in ("true", True),
          "the created root volume is bootable and in-use")
    for server in (vm, vm2):
        os_("server", "delete", "--wait", server["id"])
    volume_until(cloud, root["id"], "available")
    volume_until(cloud, made[0], "available")
    check(True, "delete_on_termination false: the volumes are kept")
    body = {"server": {"name": "bfv-3", "flavorRef": "1", "imageRef": "",
                       "networks": "none",
                       "block_device_mapping_v2": [{
                           "uuid": image, "source_type": "image",
                           "destination_type": "volume", "boot_index": 0,
                           "volume_size": 1,
                           "delete_on_termination": True}]}}
    status, answer = rest(cloud, token, "POST", "/servers", body, "2.37")
    check(status == 202, f"bdm_v2 with delete_on_termination ({answer})")
    vm3 = wait_for(cloud, answer["server"]["id"], {"ACTIVE"})
    made3 = attached_ids(cloud, vm3["id"])[0]
    os_("server", "delete", "--wait", vm3["id"])
    deadline = time.time() + 60
    while time.time() < deadline and made3 in {
            v["ID"] for v in os_("volume", "list", "-f", "json")}:
        time.sleep(0.5)
    check(made3 not in {v["ID"] for v in os_("volume", "list", "-f", "json")},
          "delete_on_termination true: the volume goes with the server")
    refused(cloud, token, image, root["id"])
    for volume in (root["id"], made[0]):
        os_("volume", "delete", volume)


def refused(cloud, token, image, volume):
    """Nova's 400s for block device mappings; nothing is created."""
    def post(bdm, image_ref=""):
        body = {"server": {"name": "bad", "flavorRef": "1",
                           "imageRef": image_ref, "networks": "none",
                           "block_device_mapping_v2": bdm}}
        return rest(cloud, token, "POST", "/servers", body, "2.37")
    status, body = post([{"source_type": "image", "uuid": image,
                          "destination_type": "volume", "boot_index": 0}])
    check(status == 400 and "non-zero size" in str(body),
          "an image volume without a size is a 400")
    status, body = post([{"source_type": "volume", "uuid": volume,
                          "destination_type": "volume", "boot_index": 1}])
    check(status == 400 and "Boot sequence" in str(body),
          "a boot sequence without 0 is a 400")
    status, body = post([{"source_type": "volume", "uuid": UNKNOWN,
                          "destination_type": "volume", "boot_index": 0}])
    check(status == 400 and f"failed to get volume {UNKNOWN}" in str(body),
          "an unknown volume is a 400")
    status, body = post([{"source_type": "blank", "uuid": volume,
                          "destination_type": "volume", "boot_index": 0}])
    check(status == 400 and "Invalid device UUID" in str(body),
          "a blank source with a uuid is a 400")
    names = {s["Name"] for s in cloud.openstack("server", "list", "-f",
                                                "json")}
    check("bad" not in names, "refused creates record no server")


def main():
    cloud = StratoCloud(sys.argv[1], sys.argv[2:])
    try:
        token = cloud.openstack("token", "issue", "-f", "json")["id"]
        image = upload_image(cloud)
        first = create_servers(cloud, token, image, "m1.tiny", "att-a")[0]
        second = create_servers(cloud, token, image, "m1.tiny", "att-b")[0]
        cloud.openstack("volume", "create", "--size", "1", "att-vol")
        volume = volume_until(cloud, "att-vol", "available")["id"]
        add_and_remove(cloud, first["id"], second["id"], volume)
        attachment_api(cloud, token, first["id"], volume)
        cloud.openstack("server", "delete", "--wait", first["id"])
        shown = volume_until(cloud, volume, "available")
        check(shown["attachments"] == [],
              "deleting a server detaches its volume")
        refused_while_shelved(cloud, token, second["id"], volume)
        cloud.openstack("server", "delete", "--wait", second["id"])
        cloud.openstack("volume", "delete", volume)
        if image is not None:
            moves_carry_ports_and_volumes(cloud, image)
            boot_from_volume(cloud, token, image)
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
