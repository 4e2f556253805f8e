"""`strato serve` with --tls-cert/--tls-key answers HTTPS and the clients
authenticate over it. Usage: tls_test.py <path to strato>."""

import os
import ssl
import subprocess
import sys
import tempfile
import urllib.request

from strato_cloud import StratoCloud


def main():
    work = tempfile.mkdtemp(prefix="strato-tls-")
    cert = os.path.join(work, "cert.pem")
    key = os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    cloud = StratoCloud(sys.argv[1], ["--tls-cert", cert, "--tls-key", key])
    try:
        assert cloud.url.startswith("https://"), cloud.url
        context = ssl.create_default_context(cafile=cert)
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=context))
        with opener.open(cloud.url + "/healthcheck", timeout=30) as response:
            assert response.read() == b"OK"
        print("ok: healthcheck over TLS")
        token = cloud.openstack("--os-cacert", cert, "token", "issue",
                                "-f", "json")
        assert token["id"], token
        print("ok: openstack token issue over TLS")
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
