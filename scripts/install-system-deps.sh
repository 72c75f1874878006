#!/usr/bin/env bash
# Installs the Debian packages the test suite uses as independent references:
#   dcmtk (dump2dcm builds DICOM fixtures), dicom3tools (dciodvfy validates them),
#   python3-numpy (worked examples computed apart from the bridge), mbpoll and
#   python3-pymodbus (third-party Modbus peers), socat (pty bridges for HIL recipes),
#   chromium (the headless browser the web-console tests drive with playwright-core).
# Idempotent and quick when everything is present; needs root (CI runs as root) or sudo.
set -euo pipefail
need=()
command -v dump2dcm >/dev/null || need+=(dcmtk)
command -v dciodvfy >/dev/null || need+=(dicom3tools)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
command -v mbpoll >/dev/null || need+=(mbpoll)
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || need+=(python3-pymodbus)
command -v socat >/dev/null || need+=(socat)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
