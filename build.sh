#!/bin/sh
# build.sh - set up, build and run ipctop on a fresh Debian 12 machine (run as root).
#
#   ./build.sh run [ipctop options]   install what is missing, build, start the dashboard
#   ./build.sh test                   install what is missing, build, run every test
#   ./build.sh bench                  install what is missing, build, run the benchmarks
#
# Builds out of tree in build/ (and build-asan/ for the sanitizer run of the tests).
set -eu

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

packages="gcc make autoconf automake pkg-config libncurses-dev libproc2-dev libjson-c-dev
libcunit1-dev tmux util-linux lsof iproute2 procps psmisc clang libclang-rt-14-dev libbpf-dev bpftool jq
groff-base man-db bsdextrautils prometheus prometheus-node-exporter python3-prometheus-client curl python3 strace zstd libzstd-dev"

install_missing() {
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "build.sh: missing Debian packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "build.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
}

# build DIR [configure args]: generate, configure and build into DIR.
build() {
	dir=$1; shift
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ configure -nt "$dir/Makefile" ]; then
		(cd "$dir" && "$top/configure" --quiet "$@")
	fi
	make -C "$dir" -j"$(nproc)" --no-print-directory
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
	install_missing
	build build >/dev/null
	exec build/ipctop "$@"
	;;
test)
	install_missing
	build build
	build build-asan --enable-sanitizers
	exec "$top/tests/run-all.sh" build build-asan
	;;
bench)
	install_missing
	build build
	exec make -C build --no-print-directory bench
	;;
*)
	echo "usage: $0 run [ipctop options] | test | bench" >&2
	exit 2
	;;
esac
