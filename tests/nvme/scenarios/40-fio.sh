#!/bin/sh
# fio random writes verified with crc32c, 4 jobs at queue depth 16, over
# the I/O queues the driver made; then the same data read back verified.
# timeout: 600
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh

nvme_yaml
load_pciem
load_kmod nvme
nvme_start
fio --name=verify --filename=/dev/nvme0n1 --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --iodepth=16 --numjobs=4 --size=8M \
	--offset_increment=16M --verify=crc32c --verify_fatal=1 \
	--do_verify=1 --group_reporting >/tmp/fio.log 2>&1
rc=$?
diag "$(grep -E 'IOPS|err=' /tmp/fio.log)"
is "fio randwrite + crc32c verify exits 0" "$rc" 0
check "fio reports no errors" grep -q 'err= 0' /tmp/fio.log
check "pciemd is still running" kill -0 "$NVME_PID"
nvme_stop TERM
done_testing
