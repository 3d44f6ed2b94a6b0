/* SPDX-License-Identifier: MIT */
/*
 * DMA commands of the scriptable device process (pciem_dev): DMA,
 * DMA_ATOMIC and P2P driven by one-line commands; see dma_cmd.c.
 */
#ifndef PCIEM_TEST_DMA_CMD_H
#define PCIEM_TEST_DMA_CMD_H

#include <stdbool.h>

/* Serve @line if it is a DMA command, printing one reply line. */
bool dma_cmd_serve(int fd, const char *line);

#endif
