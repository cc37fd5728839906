#!/usr/bin/env bash
# Installs the Debian 12 packages muxd needs, only those missing.
#   scripts/deps.sh build   compilers, libraries (make run)
#   scripts/deps.sh test    + everything the tests drive (make test)
#   scripts/deps.sh bench   + nginx, wrk, h2load, vsftpd, taskset (make bench)
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail
level=${1:-build}

build_pkgs=(build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev nlohmann-json3-dev
  libfmt-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libcrypt-dev liburing-dev python3
  libsqlite3-dev libpq-dev zlib1g-dev libbrotli-dev libzstd-dev)
test_pkgs=(curl chromium lftp vsftpd tmux procps postgresql dict dictd dict-wn brotli zstd apache2-utils openssl)
bench_pkgs=(nginx wrk nghttp2-client vsftpd util-linux)

want=("${build_pkgs[@]}")
case "$level" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "muxd needs these Debian packages: ${missing[*]}" >&2
  echo "run as root:  $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts the daemons it installs; tests run their own copies on port 0.
for svc in nginx vsftpd; do
  if [[ " ${missing[*]} " == *" $svc"* ]] && command -v systemctl >/dev/null; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done
