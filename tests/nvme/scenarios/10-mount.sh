#!/bin/sh
# Debian's nvme driver drives devices/nvme.yaml: nvme-cli shows what the
# description says, ext4 is made, written and read back across a restart
# of pciemd, a discard reads back as zeroes, SMART counts what was
# written, and Format NVM empties the namespaces.
# timeout: 600
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh

export NVME_NS2=1
nvme_yaml
load_pciem
load_kmod nvme crc32c_generic ext4
nvme_start
wait_for "namespace 2 appears" 30 nvme_disk 2
ns1=$(nvme_disk 1)
ns2=$(nvme_disk 2)

nvme list >/tmp/list 2>&1
diag "$(cat /tmp/list)"
check "nvme list shows the serial and model" \
	grep -q 'PCIEM-NVME-0001 *PCIem NVMe Controller' /tmp/list
nvme id-ctrl /dev/nvme0 >/tmp/id-ctrl
field() { sed -n "s/^$1 *: *//p" "$2" | sed 's/ *$//'; }
is "id-ctrl sn" "$(field sn /tmp/id-ctrl)" PCIEM-NVME-0001
is "id-ctrl mn" "$(field mn /tmp/id-ctrl)" "PCIem NVMe Controller"
is "id-ctrl fr" "$(field fr /tmp/id-ctrl)" 1.0
is "id-ctrl nn" "$(field nn /tmp/id-ctrl)" 2
is "id-ctrl vid" "$(field vid /tmp/id-ctrl)" 0x1234
is "id-ctrl ver" "$(field ver /tmp/id-ctrl)" 0x10400
nvme id-ns "$ns1" >/tmp/id-ns1
nvme id-ns "$ns2" >/tmp/id-ns2
is "ns 1: 192 MiB of 512-byte blocks" "$(field nsze /tmp/id-ns1)" 0x60000
check "ns 1: LBA format 0 is 512 bytes" grep -q 'lbaf  0 : ms:0   lbads:9 .*in use' /tmp/id-ns1
is "ns 2: 32 MiB of 4096-byte blocks" "$(field nsze /tmp/id-ns2)" 0x2000
check "ns 2: LBA format 0 is 4096 bytes" grep -q 'lbaf  0 : ms:0   lbads:12 .*in use' /tmp/id-ns2
is "the kernel sees 512-byte sectors on ns 1" "$(cat /sys/block/"${ns1#/dev/}"/queue/logical_block_size)" 512
is "and 4096-byte ones on ns 2" "$(cat /sys/block/"${ns2#/dev/}"/queue/logical_block_size)" 4096
is "the driver made one I/O queue per CPU" "$(find /sys/block/"${ns1#/dev/}"/mq -mindepth 1 -maxdepth 1 | wc -l)" 2

check "mkfs.ext4 on ns 1" mkfs.ext4 -q -F "$ns1"
mkdir -p /mnt/a
check "mount" mount -t ext4 "$ns1" /mnt/a
dd if=/dev/urandom of=/mnt/a/data bs=64k count=160 2>/dev/null
cp /pciem/lib.sh /mnt/a/lib.sh
sum1=$(cat /mnt/a/data /mnt/a/lib.sh | sha256sum)
sync
check "umount" umount /mnt/a
nvme_stop TERM
check "pciemd exited on SIGTERM" sh -c "! kill -0 $NVME_PID 2>/dev/null"
nvme_start
wait_for "namespace 2 appears again" 30 nvme_disk 2
ns1=$(nvme_disk 1)
ns2=$(nvme_disk 2)
check "mount after pciemd restarted" mount -t ext4 "$ns1" /mnt/a
is "the files read back the same" "$(cat /mnt/a/data /mnt/a/lib.sh | sha256sum)" "$sum1"
check "e2fsck finds the file system clean" sh -c "umount /mnt/a && e2fsck -fn $ns1 >/tmp/fsck 2>&1"

written() { nvme smart-log /dev/nvme0 | sed -n 's/^Data Units Written[[:space:]]*:[[:space:]]*\([0-9,]*\).*/\1/p' | tr -d ,; }
w0=$(written)
dd if=/dev/urandom of="$ns2" bs=1M count=8 oflag=direct 2>/dev/null
w1=$(written)
diag "data units written: $w0 -> $w1"
is "SMART data units written moved by 8 MiB (16 units of 1000 sectors, +1 rounding)" \
	"$((w1 - w0 >= 16 && w1 - w0 <= 17))" 1

check "blkdiscard of ns 2" blkdiscard "$ns2"
is "a discarded namespace reads zeroes" \
	"$(dd if="$ns2" bs=1M count=8 iflag=direct 2>/dev/null | tr -d '\0' | wc -c)" 0

dd if=/dev/urandom of="$ns1" bs=1M count=4 oflag=direct 2>/dev/null
check "nvme format of ns 1" nvme format "$ns1" --force
is "a formatted namespace reads zeroes" \
	"$(dd if="$ns1" bs=1M count=4 iflag=direct 2>/dev/null | tr -d '\0' | wc -c)" 0
check "flush" nvme flush "$ns1"
nvme_stop TERM
done_testing
