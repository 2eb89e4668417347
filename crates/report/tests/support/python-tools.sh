#!/usr/bin/env bash
# Installs the real consumers the tests check starling's files with:
# Locust (whose own CSV headers the CSV export must match), junitparser (a
# JUnit XML reader), kubernetes-validate (the Kubernetes API schemas
# `starling kube`'s manifests must pass) and Selenium (which drives Debian's
# headless Chromium through the HTML report), into a venv. Run by .ci/run before the
# tests and, on first need, by the tests themselves; a second run returns
# at once.
#
# usage: python-tools.sh VENV_DIR
set -euo pipefail
venv=${1:?usage: python-tools.sh VENV_DIR}

# Pinned, so a Locust release that changes its columns shows up as a
# deliberate bump here rather than as a red build one morning.
pins=(locust==2.47.0 junitparser==5.0.3 kubernetes-validate==1.34.1 selenium==4.51.0)
marker="$venv/.starling-installed"

mkdir -p "$(dirname "$venv")"
# Several test runs may share a target directory: one installs, the
# others wait for it.
if command -v flock >/dev/null; then
    exec 9>"$venv.lock"
    flock 9
fi
if [[ -f $marker && $(cat "$marker") == "${pins[*]}" ]]; then
    exit 0
fi
if [[ -e $venv && ! -f $venv/pyvenv.cfg ]]; then
    echo "python-tools.sh: $venv exists and is not a venv; not touching it" >&2
    exit 1
fi
python3 -m venv --clear "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
printf '%s' "${pins[*]}" >"$marker"
