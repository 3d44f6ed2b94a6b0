// SPDX-License-Identifier: MIT
/* What every backend shares: the names of the ioctls, for messages. */
#include "backend.h"
#include "pciem.h"

const char *pd_ioctl_name(unsigned long request)
{
	switch (request) {
	case PCIEM_IOCTL_CREATE_DEVICE: return "CREATE_DEVICE";
	case PCIEM_IOCTL_ADD_BAR: return "ADD_BAR";
	case PCIEM_IOCTL_ADD_CAPABILITY: return "ADD_CAPABILITY";
	case PCIEM_IOCTL_SET_CONFIG: return "SET_CONFIG";
	case PCIEM_IOCTL_REGISTER: return "REGISTER";
	case PCIEM_IOCTL_INJECT_IRQ: return "INJECT_IRQ";
	case PCIEM_IOCTL_DMA: return "DMA";
	case PCIEM_IOCTL_DMA_ATOMIC: return "DMA_ATOMIC";
	case PCIEM_IOCTL_P2P: return "P2P";
	case PCIEM_IOCTL_GET_BAR_INFO: return "GET_BAR_INFO";
	case PCIEM_IOCTL_SET_WATCHPOINT: return "SET_WATCHPOINT";
	case PCIEM_IOCTL_SET_EVENTFD: return "SET_EVENTFD";
	case PCIEM_IOCTL_GET_DEVICE_INFO: return "GET_DEVICE_INFO";
	case PCIEM_IOCTL_ADD_REGION: return "ADD_REGION";
	case PCIEM_IOCTL_CLEAR_REGIONS: return "CLEAR_REGIONS";
	case PCIEM_IOCTL_RESPOND: return "RESPOND";
	case PCIEM_IOCTL_ATTACH: return "ATTACH";
	}
	return "unknown ioctl";
}
