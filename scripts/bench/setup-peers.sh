#!/usr/bin/env bash
# Installs the Python peers that `pnpm bench` compares against, from Debian's packages:
# python3-numpy, python3-scipy, python3-sklearn, python3-torch (extra package names as arguments,
# e.g. python3-nltk). Idempotent: skips what is installed, says what it did, then checks that
# /usr/bin/python3 imports each module and prints its version.
# Run: bash scripts/bench/setup-peers.sh        (needs root or sudo for apt-get)
set -uo pipefail

packages=(python3-numpy python3-scipy python3-sklearn python3-torch "$@")
declare -A module=([python3-numpy]=numpy [python3-scipy]=scipy [python3-sklearn]=sklearn [python3-torch]=torch [python3-nltk]=nltk)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${packages[@]}"; do
  if installed "$p"; then
    echo "present:    $p ($(dpkg-query -W -f='${Version}' "$p"))"
  else
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "missing:    ${missing[*]} — no apt-get here (not Debian/Ubuntu); install NumPy, SciPy, scikit-learn and PyTorch for the Python that GEN_PYTHON names." >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "missing:    ${missing[*]} — run as root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "installing: ${missing[*]} (apt-get)"
  "${sudo[@]}" apt-get update -qq || echo "warning: apt-get update failed; trying the install anyway" >&2
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "failed:     apt-get install ${missing[*]}" >&2
    exit 1
  fi
  for p in "${missing[@]}"; do installed "$p" && echo "installed:  $p ($(dpkg-query -W -f='${Version}' "$p"))"; done
fi

# The benches run the peers with Debian's /usr/bin/python3 (GEN_PYTHON overrides), not a pyenv python3.
python=${GEN_PYTHON:-/usr/bin/python3}
status=0
for p in "${packages[@]}"; do
  m=${module[$p]:-${p#python3-}}
  if version=$("$python" -c "import $m; print(getattr($m, '__version__', '?'))" 2>/dev/null); then
    echo "importable: $m $version ($python)"
  else
    echo "broken:     $python cannot import $m" >&2
    status=1
  fi
done
exit $status
