#!/bin/sh
# A driver that misprograms the controller (through nvme-cli's
# passthrough) gets the status the specification gives, and the
# controller goes on serving.  Status values as nvme-cli shows them:
# Do Not Retry (0x4000) | status code type << 8 | status code.
# timeout: 300
# shellcheck disable=SC1091
. /pciem/lib.sh
. /pciem/nvme.sh

nvme_yaml
load_pciem
load_kmod nvme
nvme_start
n=/dev/nvme0
is "an unknown admin opcode: Invalid Command Opcode" \
	"$(nvme_status nvme admin-passthru $n --opcode=0xf0)" 0x4001
is "Create I/O SQ with queue ID 0: Invalid Queue Identifier" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x01 --cdw10=0x00030000 --cdw11=0x00010001)" 0x4101
is "Create I/O CQ beyond the queues: Invalid Queue Identifier" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x05 --cdw10=0x00030064 --cdw11=0x3)" 0x4101
is "Create I/O CQ of 1 entry: Invalid Queue Size" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x05 --cdw10=0x00000010 --cdw11=0x3)" 0x4102
is "Create I/O SQ on a CQ that does not exist: Completion Queue Invalid" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x01 --cdw10=0x00030010 --cdw11=0x00100001)" 0x4100
is "Delete the admin SQ: Invalid Queue Identifier" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x00 --cdw10=0)" 0x4101
is "Delete a CQ an SQ still uses: Invalid Queue Deletion" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x04 --cdw10=1)" 0x410c
is "Identify with an unknown CNS: Invalid Field in Command" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x06 --cdw10=0x55 --data-len=4096 -r)" 0x4002
is "Identify namespace 9: Invalid Namespace or Format" \
	"$(nvme_status nvme admin-passthru $n --opcode=0x06 --namespace-id=9 --cdw10=3 --data-len=4096 -r)" 0x400b
is "Get Log Page of an unknown log: Invalid Log Page" \
	"$(nvme_status nvme get-log $n --log-id=0xc1 --log-len=512)" 0x4109
is "Get Features of an unknown feature: Invalid Field in Command" \
	"$(nvme_status nvme get-feature $n --feature-id=0x77)" 0x4002
is "Set Features saveable: Feature Identifier Not Saveable" \
	"$(nvme_status nvme set-feature $n --feature-id=0x0b --value=0 --save)" 0x410d
is "Format with an LBA format that does not exist: Invalid Format" \
	"$(nvme_status nvme format /dev/nvme0n1 --lbaf=3 --force)" 0x410a
is "an unknown I/O opcode: Invalid Command Opcode" \
	"$(nvme_status nvme io-passthru /dev/nvme0n1 --opcode=0x7f --namespace-id=1)" 0x4001
nsze=$((192 * 1024 * 2))
is "a read past the namespace: LBA Out of Range" \
	"$(nvme_status nvme read /dev/nvme0n1 --start-block=$nsze --block-count=0 --data-size=512)" 0x4080
is "a read that ends past it: LBA Out of Range" \
	"$(nvme_status nvme read /dev/nvme0n1 --start-block=$((nsze - 1)) --block-count=1 --data-size=1024)" 0x4080
is "a write that ends past it: LBA Out of Range" \
	"$(nvme_status nvme write-zeroes /dev/nvme0n1 --start-block=$((nsze - 4)) --block-count=7)" 0x4080
dd if=/dev/urandom of=/tmp/blk bs=4k count=1 2>/dev/null
check "a write still works" nvme write /dev/nvme0n1 --start-block=8 --block-count=7 --data-size=4096 --data=/tmp/blk
is "a compare of the same data succeeds" \
	"$(nvme_status nvme compare /dev/nvme0n1 --start-block=8 --block-count=7 --data-size=4096 --data=/tmp/blk)" none
dd if=/dev/zero of=/tmp/zero bs=4k count=1 2>/dev/null
is "a compare of other data: Compare Failure" \
	"$(nvme_status nvme compare /dev/nvme0n1 --start-block=8 --block-count=7 --data-size=4096 --data=/tmp/zero)" 0x4285
check "the error log has the errors" sh -c 'nvme error-log /dev/nvme0 | grep -q "error_count[[:space:]]*:[[:space:]]*[1-9]"'
nvme read /dev/nvme0n1 --start-block=8 --block-count=7 --data-size=4096 --data=/tmp/back >/dev/null 2>&1
is "and the data reads back" "$(sha256sum </tmp/back)" "$(sha256sum </tmp/blk)"
check "pciemd is still running" kill -0 "$NVME_PID"
nvme_stop TERM
done_testing
