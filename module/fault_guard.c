// SPDX-License-Identifier: GPL-2.0
/*
 * The fault path's hold on a device's BARs.
 *
 * The fault hook finds a BAR under the intercept lock or RCU, then may
 * sleep (waiting for ring room or for an answer) while it still uses it.
 * Device teardown takes the BARs off the intercept list, then waits here
 * for every fault handler that may have found one before freeing them.
 */
#include <linux/rcupdate.h>
#include <linux/srcu.h>

#include "pciem_internal.h"

DEFINE_STATIC_SRCU(pciem_fault_srcu);

int pciem_fault_enter(void)
{
	return srcu_read_lock(&pciem_fault_srcu);
}

void pciem_fault_exit(int idx)
{
	srcu_read_unlock(&pciem_fault_srcu, idx);
}

/* Context: process; after the BARs left the intercept list. */
void pciem_fault_sync(void)
{
	synchronize_rcu();	/* lockless lookups (pciem_intercept_claims) */
	synchronize_srcu(&pciem_fault_srcu);
}
