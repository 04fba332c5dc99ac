#!/bin/sh
# tests/fuzz/fd_iter_seeds.sh - writes the seed corpus of fuzz_fd_iter (tests/fuzz/corpus/fd_iter/):
# passes of the BPF descriptor iterator as probes/fd_iter_rec.h lays them out (88-byte records,
# little-endian: this is what an x86_64 or arm64 kernel writes). The seeds are committed; run
# this again only when the record layout changes:  sh tests/fuzz/fd_iter_seeds.sh [DIR]
#
#   pass-typical       one process's stdio, a socket, both ends of a pipe holding 1234 bytes,
#                      a FIFO, an eventfd, a signalfd, an epoll, a queue; a second process
#   pass-unsorted      records out of (pid, fd) order
#   pipe-unknown-fill  a 1 MiB pipe whose fill the kernel did not sum (queued -1)
#   truncated          one whole record and 40 bytes of the next
#   bad-magic          a record of another layout after a good one
#   bad-names          anonymous inodes with an unterminated and an empty name, tgid 0
# and passes of the maps iterator (280-byte struct fd_iter_map_rec records, version 2: device,
# flags, inode and dentry name):
#   maps-typical       a System V segment attached twice by one process, by a second one
#                      read-only, a /dev/shm object, a semaphore under glibc's temporary name
#                      (deleted) and its final one, an unlinked object still mapped
#   maps-unsorted      records out of pid order, each process's in its (address) order
#   maps-bad-paths     an unterminated name (all 256 bytes), one with a '/', an empty one,
#                      bad flags, a segment not named SYSV, tgid 0 and tgid 2^31 (refused by
#                      fd_iter_map_entry, parsed fine)
#   maps-truncated     one whole mapping record and 100 bytes of the next
#   maps-bad-magic     a descriptor record's magic on a mapping record after a good one
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/corpus/fd_iter}
mkdir -p "$out"

# byte V: one byte; le32 V / le64 V: little-endian (V may be negative for le64)
byte() { printf "\\$(printf '%03o' $(($1 & 255)))"; }
le32() { byte "$1"; byte $(($1 >> 8)); byte $(($1 >> 16)); byte $(($1 >> 24)); }
le64() { le32 $(($1 & 0xffffffff)); le32 $((($1 >> 32) & 0xffffffff)); }
name32() {	# NAME: 32 bytes, NUL-padded (a NAME of 32 characters has no terminator)
	printf '%s' "$1"
	n=${#1}
	while [ "$n" -lt 32 ]; do byte 0; n=$((n + 1)); done
}

MAGIC=0x69706366
PIPEFS=0x50495045 SOCKFS=0x534F434B ANON=0x09041934 MQUEUE=0x19800202 EXT4=0xEF53
IFSOCK=0140000 IFIFO=0010000 IFREG=0100000 IFCHR=0020000

# rec TGID FD F_MODE I_MODE S_DEV S_MAGIC INO QUEUED SLOTS NAME [MAGIC]
rec() {
	le32 "${11:-$MAGIC}"; le32 "$1"; le32 "$2"; le32 "$3"; le32 "$4"; le32 "$5"
	le64 "$6"; le64 "$7"; le64 "$8"; le32 "$9"; le32 0; name32 "${10}"
}
dev() { echo $((($1 << 20) | $2)); }

{
	rec 4242 0 3 $((IFCHR | 0620)) "$(dev 0 25)" 0x1cd1 3 -1 0 ""
	rec 4242 1 3 $((IFCHR | 0620)) "$(dev 0 25)" 0x1cd1 3 -1 0 ""
	rec 4242 2 3 $((IFCHR | 0620)) "$(dev 0 25)" 0x1cd1 3 -1 0 ""
	rec 4242 3 3 $((IFSOCK | 0777)) "$(dev 0 8)" $SOCKFS 9048672 -1 0 ""
	rec 4242 4 1 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 ""
	rec 4242 5 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 ""
	rec 4242 6 1 $((IFIFO | 0644)) "$(dev 8 1)" $EXT4 11331330 11 16 ""
	rec 4242 7 3 0 "$(dev 0 15)" $ANON 1038 -1 0 "[eventfd]"
	rec 4242 8 3 $((IFREG | 0600)) "$(dev 0 15)" $ANON 1038 -1 0 "[signalfd]"
	rec 4242 9 3 0 "$(dev 0 15)" $ANON 1038 -1 0 "[eventpoll]"
	rec 4242 10 3 $((IFREG | 0600)) "$(dev 0 19)" $MQUEUE 9048687 -1 0 ""
	rec 4243 0 1 $((IFREG | 0644)) "$(dev 259 3)" $EXT4 131 -1 0 ""
	rec 4243 3 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048690 0 16 ""
} >"$out/pass-typical"

{
	rec 900 2 3 $((IFSOCK | 0777)) "$(dev 0 8)" $SOCKFS 77 -1 0 ""
	rec 17 1 1 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 78 4096 16 ""
	rec 900 0 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 78 4096 16 ""
	rec 17 0 3 0 "$(dev 0 15)" $ANON 1038 -1 0 "[signalfd]"
} >"$out/pass-unsorted"

{
	rec 5000 3 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 555 -1 256 ""
	rec 5001 4 1 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 555 -1 256 ""
} >"$out/pipe-unknown-fill"

{
	rec 4242 4 1 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 ""
	rec 4242 5 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 "" | head -c 40
} >"$out/truncated"

{
	rec 4242 4 1 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 ""
	rec 4242 5 2 $((IFIFO | 0600)) "$(dev 0 14)" $PIPEFS 9048684 1234 16 "" 0x69706365
} >"$out/bad-magic"

{
	rec 4242 7 3 0 "$(dev 0 15)" $ANON 1038 -1 0 "[eventfd-but-thirty-two-bytes!!]"
	rec 4242 8 3 0 "$(dev 0 15)" $ANON 1038 -1 0 ""
	rec 0 0 3 $((IFSOCK | 0777)) "$(dev 0 8)" $SOCKFS 1 -1 0 ""
	rec 2147483648 0 3 $((IFSOCK | 0777)) "$(dev 0 8)" $SOCKFS 1 -1 0 ""
} >"$out/bad-names"

# ---- the maps iterator ----------------------------------------------------------------------
MAP_MAGIC=0x6970634d
NAME_MAX_=256
name256() {	# NAME: 256 bytes, NUL-padded (a NAME of 256 bytes has no terminator)
	printf '%s' "$1"
	[ ${#1} -lt $NAME_MAX_ ] && head -c $((NAME_MAX_ - ${#1})) /dev/zero
	:
}
SYSV=1 TOP=2 DEL=4	# probes/fd_iter_rec.h's FD_ITER_MAP_*
# mrec TGID S_DEV FLAGS INO NAME [MAGIC]
mrec() {
	le32 "${6:-$MAGIC_MAP}"; le32 "$1"; le32 "$2"; le32 "$3"; le64 "$4"; name256 "$5"
}
MAGIC_MAP=$MAP_MAGIC
SHMDEV=$(dev 0 1) TMPFS=$(dev 0 26)

{
	mrec 4242 "$SHMDEV" $((SYSV | DEL)) 1709015062 "SYSV0000162e"
	mrec 4242 "$SHMDEV" $((SYSV | DEL)) 1709015062 "SYSV0000162e"
	mrec 4242 "$TMPFS" $TOP 1454 "ipctop-demo-shm"
	mrec 4242 "$TMPFS" $((TOP | DEL)) 1455 "sem.Ab3dEf"
	mrec 4243 "$SHMDEV" $((SYSV | DEL)) 1709015062 "SYSV0000162e"
	mrec 4243 "$TMPFS" $TOP 1455 "sem.ipctop-demo-sem"
	mrec 4243 "$TMPFS" $((TOP | DEL)) 1460 "ipctop-gone"
	mrec 4244 "$SHMDEV" $((SYSV | DEL)) 65538 "SYSV00000000"
} >"$out/maps-typical"

{
	mrec 900 "$TMPFS" $TOP 30 "c"
	mrec 17 "$SHMDEV" $((SYSV | DEL)) 32769 "SYSV00000000"
	mrec 900 "$TMPFS" $TOP 10 "a"
	mrec 17 "$TMPFS" $TOP 20 "sem.s"
	mrec 65536 "$TMPFS" $TOP 5 "z"
	mrec 900 "$TMPFS" $TOP 20 "sem.s"
} >"$out/maps-unsorted"

{
	mrec 4242 "$TMPFS" $TOP 1 "$(printf '%256s' '' | tr ' ' x)"
	mrec 4242 "$TMPFS" $TOP 2 "dev/shm/relative"
	mrec 4242 "$TMPFS" $TOP 3 ""
	mrec 4242 "$TMPFS" $((TOP | SYSV)) 6 "SYSV00000000"
	mrec 4242 "$SHMDEV" $SYSV 7 "memfd:x"
	mrec 0 "$SHMDEV" $((SYSV | DEL)) 4 "SYSV00000000"
	mrec 2147483648 "$TMPFS" $TOP 5 "x"
} >"$out/maps-bad-paths"

{
	mrec 4242 "$TMPFS" $TOP 1454 "ipctop-demo-shm"
	mrec 4243 "$TMPFS" $TOP 1454 "ipctop-demo-shm" | head -c 100
} >"$out/maps-truncated"

{
	mrec 4242 "$TMPFS" $TOP 1454 "ipctop-demo-shm"
	mrec 4243 "$TMPFS" $TOP 1454 "ipctop-demo-shm" "$MAGIC"
} >"$out/maps-bad-magic"

for f in "$out"/*; do
	printf '%s: %s bytes\n' "${f##*/}" "$(wc -c <"$f")"
done
