#!/bin/sh
# A careless driver (tests/drivers/pciem_hostile.c) against a live device:
# 1024 threads mapping a BAR at once, far beyond the ioremap() calls a
# kretprobe follows by default (10 on two CPUs) and the 64 the module once
# followed, each read reaching the device; synchronous
# reads from every context where nothing may sleep (interrupts off, locks,
# RCU, hard and soft interrupts, a wait loop's task state kept); trapped
# writes with interrupts off from both CPUs at once, and while the device
# process is stopped.
# timeout: 360
# Full preemption: the storm's threads are preempted inside ioremap() (the
# driver asks for it there), so all of them are inside at once.
# append: preempt=full
# shellcheck disable=SC1091,SC2016
. /pciem/lib.sh
. /pciem/pciem.sh

hostile() { # COMMAND...: run it, print the result
	echo "$*" >/sys/module/pciem_hostile/parameters/run &&
		cat /sys/module/pciem_hostile/parameters/result
}
field() { # RESULT NAME: the value of NAME=... in RESULT
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

load_pciem read_timeout_ms=1000
load_driver pciem_hostile
# The process wakes for events only when the kernel signals its eventfd.
export PCIEM_DEV_EVENTFD_ONLY=1
a=$(dev_start h --bar 0:16K)
unset PCIEM_DEV_EVENTFD_ONLY
# A reader that spins with interrupts off cannot let a process queued on
# its own CPU run; its answer then comes too late, as documented.  Here the
# process has CPU 1 and the driver CPU 0.
for t in /proc/"$(dev_pid h)"/task/*; do taskset -p 2 "${t##*/}" >/dev/null; done
taskset -p 1 $$ >/dev/null

# region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C; flags 4: synchronous reads
is "a synchronous-read register" "$(dev_cmd h 'region 0 0x100 4 4 0 4 0xffffffff 0')" ok
is "the process answers it" "$(dev_cmd h 'answer 0 0x100')" ok
out=$(hostile atomic_read "$a" 0 0x100)
diag "atomic reads: $out"
got=
for c in irqoff spinlock preempt bh rcu waitloop; do got="$got$(field "$out" "$c") "; done
is "irqs off, spinlock, preemption off, bh off, RCU, wait loop: each answered in turn" \
	"$got" "0x1 0x2 0x3 0x4 0x5 0x6 "
is "a hard-irq timer and a softirq timer are answered too" \
	"$(printf '%s\n' "$(field "$out" hardirq)" "$(field "$out" softirq)" | sort | tr '\n' ' ')" "0x7 0x8 "
is "the wait loop's task state survived its read" "$(field "$out" state)" kept
check "no sleeping in atomic context was reported" sh -c '! dmesg | grep -qE "sleeping function called|Invalid wait context|scheduling while atomic"'

# Stopped process, interrupts off: each read times out (read_timeout_ms).
dev_pause h
out=$(hostile atomic_read "$a" 0 0x100)
is "with the process stopped, atomic reads return all-ones" \
	"$(field "$out" irqoff) $(field "$out" hardirq) $(field "$out" state)" "0xffffffff 0xffffffff kept"
kill -CONT "$(dev_pid h)"
is "trapped writes on page 1" "$(dev_cmd h 'region 0 0x1000 0x1000 4 0 1 0xffffffff 0')" ok
# Both CPUs at once, each write with interrupts off: every trap has the
# other CPU signal the process (an IPI), so both race for that one IPI.
# Writers that cannot wait lose events when the ring is full (the process
# shares CPU 1 with a writer): each is then counted as dropped.
dev_cmd h clear >/dev/null
got=$(dev_cmd h events)
dropped0=${got#*dropped=}
out=$(hostile atomic_write_all "$a" 0 0x1000 20000)
is "both CPUs made 20000 writes each, interrupts off for each" "$out" "writes=40000 cpus=2"
dev_cmd h "wait $((40000 + dropped0)) 20000" >/dev/null
got=$(dev_cmd h events)
dev_cmd h "dump /tmp/all.ev" >/dev/null
# dump: SEQ TYPE BAR OFFSET SIZE DATA TIME; type 2 is an MMIO write.
writes=$(awk '$2 == 2 && $4 == "0x1000"' /tmp/all.ev | wc -l)
is "the process has every one, recorded or counted as dropped ($writes recorded; $got)" \
	"$((writes + ${got#*dropped=} - dropped0))" 40000
check "no CPU found its IPI's data in use (csd WARN)" sh -c '! dmesg | grep -q "kernel/smp.c"'
dev_pause h
write_done() { [ -f /tmp/w.rc ]; }
sh -c "echo atomic_write $a 0 0x1000 20000 >/sys/module/pciem_hostile/parameters/run; echo \$? >/tmp/w.rc" &
wait_for "20000 trapped writes with interrupts off finish, the process stopped" 60 write_done
is "they all succeeded" "$(cat /tmp/w.rc)" 0
kill -CONT "$(dev_pid h)"
got=$(dev_cmd h events)
check "the process learns of the lost events ($got)" test "${got#*dropped=}" -gt 0
# Last: the storm leaves the CPUs busy purging its mappings for a while,
# and a spinning reader's answer needs the process to get a CPU.
dev_cmd h "write 0 0x10 4 0x5a5a1234" >/dev/null
out=$(hostile ioremap_storm "$a" 0 0x10 0x5a5a1234 1024 16)
diag "ioremap storm: $out"
is "every one of 1024 x 16 ioremap()s was made, kept until the last" "$(field "$out" calls)" 16384
is "and every read through them reached the device" "$(field "$out" bad)" 0
check "more than 64 threads were inside ioremap() at once" \
	test "$(field "$out" most_at_once)" -gt 64
check "the kernel never said an ioremap was missed" sh -c '! dmesg | grep -q "ioremap calls were not intercepted"'
check "nor that a mapping went untracked (the reserve kept up)" sh -c '! dmesg | grep -q "no tracking entry left"'
dev_stop h KILL
wait_for "device removed" 10 gone "$a"
taskset -p 3 $$ >/dev/null
check "pciem_hostile unloads" rmmod pciem_hostile
done_testing
