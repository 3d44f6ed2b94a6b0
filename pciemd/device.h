/* SPDX-License-Identifier: MIT */
/*
 * The device pciemd runs: the description, its registers with their
 * handlers, the kernel backend, BAR mappings, the event ring, timers and
 * the plugin.  struct pciem_device is the opaque handle of
 * pciem/plugin.h; this header is pciemd's inside view of it.
 */
#ifndef PCIEMD_DEVICE_H
#define PCIEMD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "backend.h"
#include "desc.h"
#include "log.h"
#include "pciem.h"
#include "pciem/plugin.h"

struct pd_plugin;
struct pd_timer;
struct pd_watch;
struct pd_calls;

struct pciem_register {
	const struct desc_register *desc;
	pciem_read_handler *read;	/* resolved from the plugin, or NULL */
	pciem_write_handler *write;
	uint32_t region_flags;		/* PCIEM_REGION_* the builder asks for */
	bool needs_region;		/* semantics the kernel must apply */
};

struct pd_bar {
	void *mem;			/* NULL until mapped */
	size_t size;
};

/* Where the config state is (config_state.c); offsets 0 when absent. */
struct pd_config_track {
	bool known;			/* located; the state is current */
	unsigned int pm, msi, msix;	/* capability offsets */
	uint16_t pmc;			/* PM capabilities: D1, D2 supported */
	uint8_t shadow[256];		/* config space as read, state bits as written since */
	struct pciem_config_state state;
};

struct pd_stats {
	uint64_t events;		/* every event consumed */
	uint64_t writes;		/* MMIO_WRITE given to a handler */
	uint64_t reads;			/* MMIO_READ answered */
	uint64_t resets;
	uint64_t lost;			/* events the kernel dropped */
	uint64_t timeouts;		/* reads answered too late */
	uint64_t unmatched_reads;	/* synchronous reads of no register */
};

struct pciem_device {
	const struct desc_device *desc;
	const struct pd_log *log;
	struct pd_backend *backend;	/* NULL until opened */

	struct pciem_register *regs;	/* desc->registers, same order */
	size_t n_regs;
	struct pd_bar bars[PCIEM_MAX_BARS];

	struct pciem_shared_ring *ring;
	uint32_t head;			/* next slot to consume */
	int eventfd;
	bool registered;
	char address[24];		/* "10000:00:00.0" once registered */

	struct pd_plugin *plugin;	/* NULL: no plugin */
	bool plugin_started;		/* init succeeded; fini is due */
	bool told_bad_reg;		/* a call with no register was logged */
	void *priv;

	sd_event *loop;			/* for timers; NULL: none */
	struct pd_timer *timers;	/* list of live timers */
	pciem_timer_id last_timer_id;	/* ids are never used twice */
	struct pd_watch *watches;	/* list of live fd watches */
	pciem_watch_id last_watch_id;
	struct pd_calls *calls;		/* pciem_call_soon(); NULL: no loop */
	struct pd_config_track config;

	struct pd_stats stats;
	bool failed;			/* something fatal: stop the loop */
};

/* A device for desc (which must outlive it); NULL if out of memory. */
struct pciem_device *pd_device_new(const struct desc_device *desc,
				   const struct pd_log *log);

/*
 * Take the device down: the plugin's fini, timers, mappings, then the
 * backend (the kernel removes the device).  Safe at any stage.
 */
void pd_device_teardown(struct pciem_device *dev);
void pd_device_free(struct pciem_device *dev);

/* The register covering [offset, offset + size) of bar, or NULL. */
struct pciem_register *pd_device_find_reg(struct pciem_device *dev,
					  unsigned int bar, uint64_t offset,
					  unsigned int size);

/* Memory of the register (NULL before its BAR is mapped). */
volatile void *pd_reg_mem(struct pciem_device *dev,
			  const struct pciem_register *reg);

/* Width accesses on BAR memory, as single loads and stores. */
uint64_t pd_mem_load(const volatile void *p, unsigned int width);
void pd_mem_store(volatile void *p, unsigned int width, uint64_t value);

/* Every register back to its reset value. */
void pd_device_apply_resets(struct pciem_device *dev);

/* Timers: every one cancelled (teardown). */
void pd_timers_free(struct pciem_device *dev);
/* The event source of a live timer, or NULL: for tests. */
sd_event_source *pd_timer_source(struct pciem_device *dev, pciem_timer_id id);

/*
 * The config state: located once the device is on the bus (-errno, with a
 * warning, when config space cannot be read: the state is then unknown),
 * then followed through each CONFIG_WRITE or RESET event.
 */
int pd_config_locate(struct pciem_device *dev);
/*
 * Apply a CONFIG_WRITE or RESET event to the state; true if it changed,
 * with the state before in *old.  pd_config_notify() then logs the new
 * state and calls the plugin's config_changed hook.
 */
bool pd_config_update(struct pciem_device *dev, const struct pciem_event *ev,
		      struct pciem_config_state *old);
void pd_config_notify(struct pciem_device *dev, const struct pciem_config_state *old);

/* fd watches: every one removed (teardown). */
void pd_watches_free(struct pciem_device *dev);

/*
 * pciem_call_soon()'s queue, on dev->loop: started before the plugin's
 * init (which may start threads that use it), stopped after its fini,
 * dropping calls still waiting.  Start returns 0 or a negative errno.
 */
int pd_calls_start(struct pciem_device *dev);
void pd_calls_stop(struct pciem_device *dev);

/* The description's file, for messages. */
static inline const char *pd_file(const struct pciem_device *dev)
{
	return dev->desc->file ? dev->desc->file : "(description)";
}

#endif /* PCIEMD_DEVICE_H */
