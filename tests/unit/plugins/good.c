// SPDX-License-Identifier: MIT
/*
 * A well-formed plugin for the loader and dispatch tests: it records what
 * pciemd calls, in state the test reads back through pciem_get_private().
 * Also exported, for the loader's refusals: a function that is not
 * declared as a handler, a data object, and a constructor that leaves a
 * file where $PD_TEST_LOADED says, to show whether the plugin was loaded.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <pciem/plugin.h>

/* Mirrored in the tests that read it. */
struct good_state {
	unsigned int inits, resets, reads, writes;
	unsigned int last_reason;
	uint64_t last_value;
	struct pciem_write last_write;
	const struct pciem_register *last_reg;
};

static int good_init(struct pciem_device *dev)
{
	struct good_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -12;
	s->inits = 1;
	pciem_set_private(dev, s);
	return 0;
}

static void good_fini(struct pciem_device *dev)
{
	free(pciem_get_private(dev));
	pciem_set_private(dev, NULL);
}

static void good_reset(struct pciem_device *dev, unsigned int reason)
{
	struct good_state *s = pciem_get_private(dev);

	s->resets++;
	s->last_reason = reason;
}

PCIEM_READ_HANDLER(good_read)
{
	struct good_state *s = pciem_get_private(dev);

	s->reads++;
	s->last_reg = reg;
	return 0x1000 + s->reads;
}

PCIEM_WRITE_HANDLER(good_write)
{
	struct good_state *s = pciem_get_private(dev);

	s->writes++;
	s->last_reg = reg;
	s->last_value = wr->value;
	s->last_write = *wr;
}

PCIEM_PLUGIN_EXPORT void good_plain(void);
PCIEM_PLUGIN_EXPORT void good_plain(void)
{
}

PCIEM_PLUGIN_EXPORT extern const int good_table[4];
PCIEM_PLUGIN_EXPORT const int good_table[4] = { 1, 2, 3, 4 };

__attribute__((constructor)) static void good_loaded(void)
{
	const char *path = getenv("PD_TEST_LOADED");
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
}

PCIEM_PLUGIN(.name = "good", .init = good_init, .fini = good_fini,
	     .reset = good_reset);
