"""Starts `strato serve` on a free loopback port with a temporary data
directory, and runs the real `openstack` CLI against it."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


class StratoCloud:
    def __init__(self, binary, extra_args=()):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="strato-e2e-")
        self.data_dir = os.path.join(self.dir, "data")
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", self.data_dir,
             "--listen", "127.0.0.1:0", "--log-level", "warn",
             *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.url = self._wait_for_url()
        self.clouds_yaml = os.path.join(self.data_dir, "clouds.yaml")

    def _wait_for_url(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            self.log.seek(0)
            match = re.search(r"listening on (https?://127\.0\.0\.1:\d+)",
                              self.log.read())
            if match:
                return match.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.log.seek(0)
        raise RuntimeError("strato serve did not start:\n" + self.log.read())

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env["OS_CLIENT_CONFIG_FILE"] = self.clouds_yaml
        # Loopback must never go through a proxy.
        env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
        return env

    def openstack(self, *args, auth=None, expect_fail=False):
        """Runs `openstack` as admin (clouds.yaml) or with `auth`, a dict of
        --os-* options; returns parsed JSON for `-f json` commands."""
        cmd = ["openstack"]
        if auth is None:
            cmd += ["--os-cloud", "strato"]
        else:
            cmd += ["--os-auth-url", self.url + "/identity",
                    "--os-identity-api-version", "3",
                    "--os-user-domain-name", "Default",
                    "--os-project-domain-name", "Default"]
            for key, value in auth.items():
                cmd += ["--os-" + key, value]
        cmd += list(args)
        result = subprocess.run(cmd, env=self.env(), capture_output=True,
                                text=True, timeout=120)
        if expect_fail:
            assert result.returncode != 0, \
                f"{' '.join(args)} should fail but printed {result.stdout}"
            return result.stderr
        assert result.returncode == 0, \
            f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
        if "-f" in args and "json" in args:
            # `--wait` prints its progress to stdout before the document.
            out = result.stdout
            starts = [i for i in (out.find("{"), out.find("[")) if i >= 0]
            return json.loads(out[min(starts):]) if starts else None
        return result.stdout

    def http_status(self, path, token):
        """The status of a GET on `path` with `token`, straight over HTTP."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(self.url + path,
                                         headers={"X-Auth-Token": token})
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                stacks = subprocess.run(
                    ["gdb", "-p", str(self.proc.pid), "-batch", "-ex",
                     "thread apply all bt 15"], capture_output=True, text=True)
                print(stacks.stdout[-20000:])
                self.proc.kill()
                raise
            assert code == 0, f"strato serve exited with {code}"
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
