"""Glance v2 through the unmodified `openstack` CLI: the acceptance test of
the image service. Usage: image_cli_test.py <path to strato>."""

import filecmp
import json
import os
import subprocess
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


def qemu_info(path):
    out = subprocess.run(["qemu-img", "info", "--output=json", path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run(cloud):
    ops = cloud.openstack
    work = cloud.dir
    disk = os.path.join(work, "cirros.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"],
                   check=True)
    # Some data in it, so that up- and download move more than a header.
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 3M",
                    disk], check=True, capture_output=True)

    image = ops("image", "create", "--file", disk, "--disk-format", "qcow2",
                "--container-format", "bare", "--property", "os_distro=cirros",
                "cirros", "-f", "json")
    # The client prints the image as POST created it (queued); the upload
    # has finished when the command returns.
    shown = ops("image", "show", "cirros", "-f", "json")
    check(shown["status"] == "active", "image create --file uploads and "
          "activates")
    check(shown["id"] == image["id"] and shown["disk_format"] == "qcow2",
          "image show by name")
    check(shown["size"] == os.path.getsize(disk), "size is the file's size")
    check(shown["virtual_size"] == 64 * 1024 * 1024,
          "virtual_size read from the qcow2 header")
    # openstackclient 6.0 lists os_hash_* among the properties.
    hashes = {**shown.get("properties", {}), **shown}
    check(len(shown["checksum"]) == 32 and hashes["os_hash_algo"] == "sha512"
          and len(hashes["os_hash_value"]) == 128,
          "md5 checksum and sha512 os_hash_value computed")
    props = shown["properties"]
    check(props.get("os_distro") == "cirros", "property set at create")

    names = [i["Name"] for i in ops("image", "list", "-f", "json")]
    check("cirros" in names, "image list")

    ops("image", "set", "--property", "hw_disk_bus=virtio", "--tag", "e2e",
        "cirros")
    shown = ops("image", "show", "cirros", "-f", "json")
    check(shown["properties"].get("hw_disk_bus") == "virtio",
          "image set --property")
    check("e2e" in shown["tags"], "image set --tag")

    saved = os.path.join(work, "saved.qcow2")
    ops("image", "save", "--file", saved, "cirros")
    check(filecmp.cmp(disk, saved, shallow=False),
          "image save returns the uploaded bytes")
    check(qemu_info(saved)["format"] == "qcow2", "saved file is a qcow2")
    stored = os.path.join(cloud.data_dir, "images", image["id"])
    check(qemu_info(stored)["virtual-size"] == 64 * 1024 * 1024,
          "the stored file is the qcow2 (qemu-img info)")

    raw = os.path.join(work, "raw.img")
    with open(raw, "wb") as f:
        f.write(b"\0" * (1 << 20))
    err = ops("image", "create", "--file", raw, "--disk-format", "qcow2",
              "--container-format", "bare", "liar", expect_fail=True)
    check("400" in err or "qcow2" in err,
          "raw data uploaded as qcow2 is rejected")
    # The client deletes an image whose upload failed; one left behind must
    # still be queued, without data.
    listed = {i["Name"]: i for i in ops("image", "list", "-f", "json")}
    check("liar" not in listed or listed["liar"]["Status"] == "queued",
          "the rejected image holds no data")

    # Projects and a user in each, for sharing and isolation.
    for name in ("demo", "other"):
        ops("project", "create", name)
        ops("user", "create", "--password", "pw-" + name, "--project", name,
            "user-" + name)
        ops("role", "add", "--user", "user-" + name, "--project", name,
            "member")
    demo = {"username": "user-demo", "password": "pw-demo",
            "project-name": "demo"}
    other = {"username": "user-other", "password": "pw-other",
             "project-name": "other"}

    private = ops("image", "create", "--file", disk, "--disk-format", "qcow2",
                  "--container-format", "bare", "--private", "demo-private",
                  "-f", "json", auth=demo)
    check(private["owner"] != image["owner"], "a member creates an image")
    err = ops("image", "show", private["id"], auth=other, expect_fail=True)
    check("No Image found" in err or "404" in err or "not found" in err.lower(),
          "another project cannot see a private image")
    listed = [i["ID"] for i in ops("image", "list", "-f", "json", auth=other)]
    check(private["id"] not in listed, "nor list it")

    shared = ops("image", "create", "--file", disk, "--disk-format", "qcow2",
                 "--container-format", "bare", "--shared", "demo-shared",
                 "-f", "json", auth=demo)
    other_id = ops("project", "show", "other", "-f", "json")["id"]
    ops("image", "add", "project", shared["id"], other_id, auth=demo)
    members = ops("image", "member", "list", shared["id"], "-f", "json",
                  auth=demo)
    check([m["Member ID"] for m in members] == [other_id]
          and members[0]["Status"] == "pending", "image add project")
    seen = ops("image", "show", shared["id"], "-f", "json", auth=other)
    check(seen["id"] == shared["id"], "a member project can see a shared image")
    ops("image", "set", "--accept", shared["id"], auth=other)
    listed = [i["ID"] for i in ops("image", "list", "-f", "json", auth=other)]
    check(shared["id"] in listed, "an accepted shared image is listed")

    ops("image", "set", "--protected", "cirros")
    err = ops("image", "delete", "cirros", expect_fail=True)
    check("protected" in err or "403" in err, "a protected image is not deleted")
    ops("image", "set", "--unprotected", "cirros")
    ops("image", "delete", "cirros")
    names = [i["Name"] for i in ops("image", "list", "-f", "json")]
    check("cirros" not in names, "image delete")


if __name__ == "__main__":
    main()
