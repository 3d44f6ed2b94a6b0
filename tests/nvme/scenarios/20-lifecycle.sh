#!/bin/sh
# pciemd stops under I/O (SIGSTOP): the driver times out, aborts, resets;
# SIGCONT: the I/O finishes and the data checks out.  kill -9 under a
# mounted file system: I/O errors, no crash, no hang; pciemd started again
# serves what was flushed before.
# timeout: 600
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh

nvme_yaml
load_pciem
load_kmod nvme crc32c_generic ext4
nvme_start
check "mkfs.ext4" mkfs.ext4 -q -F /dev/nvme0n1
mkdir -p /mnt/a
check "mount" mount -t ext4 /dev/nvme0n1 /mnt/a
dd if=/dev/urandom of=/tmp/src bs=64k count=64 2>/dev/null
cp /tmp/src /mnt/a/flushed
sync
flushed=$(sha256sum </tmp/src)

# A short block-layer timeout (the driver's own parameters stay stock).
echo 3000 >/sys/block/nvme0n1/queue/io_timeout
dmesg -c >/dev/null
kill -STOP "$NVME_PID"
dd if=/tmp/src of=/mnt/a/stopped bs=64k oflag=direct 2>/tmp/dd.err &
ddpid=$!
# And many commands in flight on one queue: after the reset the driver
# requeues them together, before it sets up the shadow doorbells again.
fio --name=deep --filename=/mnt/a/deep --size=4M --bs=4k \
	--rw=randwrite --iodepth=16 --ioengine=libaio --direct=1 \
	--verify=crc32c --verify_fatal=1 >/tmp/deep.log 2>&1 &
fiopid=$!
wait_for "the driver times out the I/O and aborts it" 60 \
	sh -c 'dmesg | grep -q "timeout, aborting"'
wait_for "then resets the controller" 60 \
	sh -c 'dmesg | grep -q "timeout, reset controller"'
kill -CONT "$NVME_PID"
wait_for "the I/O finishes once pciemd goes on" 120 \
	sh -c "! kill -0 $ddpid 2>/dev/null"
wait "$ddpid"
is "dd succeeded" "$?" 0
wait_for "and fio's deep queue once pciemd goes on" 120 \
	sh -c "! kill -0 $fiopid 2>/dev/null"
wait "$fiopid"
is "fio's writes verify" "$?" 0
echo 3 >/proc/sys/vm/drop_caches
is "what was written during the stop reads back" "$(sha256sum </mnt/a/stopped)" "$flushed"
check "the controller is live again" grep -q live /sys/class/nvme/nvme0/state

# kill -9 under a mounted file system and a writer.
(while dd if=/tmp/src of=/mnt/a/unflushed bs=64k oflag=direct 2>/dev/null; do :; done) &
writer=$!
sleep 1
kill -KILL "$NVME_PID"
wait "$NVME_PID" 2>/dev/null
wait_for "the writer gets an I/O error and stops" 60 \
	sh -c "! kill -0 $writer 2>/dev/null"
check "a new file cannot be made durable" sh -c '! (echo x >/mnt/a/new && sync -f /mnt/a/new)' 
check "the file system unmounts" umount /mnt/a
wait_for "the controller is gone" 60 sh -c '! test -e /sys/class/nvme/nvme0'
nvme_start
check "mount after a new pciemd" mount -t ext4 /dev/nvme0n1 /mnt/a
is "what was flushed before kill -9 is there" "$(sha256sum </mnt/a/flushed)" "$flushed"
umount /mnt/a
nvme_stop TERM
done_testing
