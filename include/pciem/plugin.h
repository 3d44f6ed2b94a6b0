// SPDX-License-Identifier: MIT
/*
 * pciem/plugin.h: the interface between pciemd and its handler plugins.
 *
 * A plugin is a shared object that pciemd loads for a device described in
 * YAML.  It exports:
 *
 *   - one descriptor, made with PCIEM_PLUGIN(...), naming the API version
 *     it was built for and its optional init, fini and reset hooks;
 *   - the handlers the YAML names, defined with PCIEM_READ_HANDLER(name)
 *     and PCIEM_WRITE_HANDLER(name): a read handler returns the value the
 *     driver reads, a write handler is told what the driver wrote where.
 *
 * pciemd checks all of that in the plugin's file before it loads it
 * (pciemd --check never loads it): the descriptor's version and size,
 * and that each handler the YAML names is a function declared as a
 * handler of that kind.  The header is C11 and C++ alike; the macros give
 * C++ plugins unmangled names.
 *
 * Everything a plugin does to its device goes through the opaque
 * struct pciem_device handed to every hook and handler: registers, BAR
 * memory, interrupts, DMA, timers, its YAML parameters, its private state
 * and the log.  Functions returning int give 0 or a negative errno.
 *
 * Hooks, handlers, timer, fd and deferred callbacks all run on pciemd's
 * one thread, one at a time.  A plugin may start threads of its own (a
 * backing file's I/O, say): from them it may call only the functions
 * marked "any thread" (interrupts, DMA, pciem_call_soon()), and its fini
 * must stop them (an init that fails, before returning).
 *
 * See docs/plugins.md for a complete example.
 */
#ifndef PCIEM_PLUGIN_H
#define PCIEM_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this interface.  It changes whenever a plugin built
 * against one version could misbehave with another; pciemd refuses a
 * plugin whose descriptor names a different version.  Optional hooks
 * added later go at the end of struct pciem_plugin and keep the version:
 * the descriptor's struct_size tells pciemd which ones a plugin knows.
 *
 * Version 2: handlers must be declared with PCIEM_READ_HANDLER and
 * PCIEM_WRITE_HANDLER (pciemd checks their kind), a write handler is told
 * what was written where (struct pciem_write), timers are named by ids
 * that are never reused, fds join the loop and other threads hand work
 * to it, DMA atomics are there, config state changes reach the plugin,
 * and the header serves C++.
 */
#define PCIEM_PLUGIN_API_VERSION 2

/*
 * What the macros below put before the declarations they make: external
 * C linkage, so that a C++ plugin's symbols carry their plain names.
 */
#ifdef __cplusplus
#define PCIEM_PLUGIN_EXTERN_C extern "C"
#define PCIEM_PLUGIN_EXTERN_DECL extern "C"
#else
#define PCIEM_PLUGIN_EXTERN_C
#define PCIEM_PLUGIN_EXTERN_DECL extern
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PCIEM_PLUGIN_EXPORT __attribute__((visibility("default")))
#define PCIEM_PLUGIN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PCIEM_PLUGIN_EXPORT
#define PCIEM_PLUGIN_PRINTF(fmt, args)
#endif

struct pciem_device;	/* the device a plugin serves */
struct pciem_register;	/* one register of the YAML description */

/* ---------------------------------------------------------------------- */
/* The plugin's descriptor and handlers                                    */
/* ---------------------------------------------------------------------- */

/*
 * What config space says about the device's state, as the driver set it.
 * A device does no DMA without bus_master; it signals through MSI-X (or
 * MSI, or INTx) as enabled, and holds MSI-X messages while msix_masked.
 */
struct pciem_config_state {
	bool memory;			/* Command: Memory Space Enable */
	bool bus_master;		/* Command: Bus Master Enable */
	bool intx_disabled;		/* Command: Interrupt Disable */
	bool msi;			/* MSI Enable (false without MSI) */
	bool msix;			/* MSI-X Enable (false without MSI-X) */
	bool msix_masked;		/* MSI-X Function Mask */
	unsigned int power_state;	/* PMCSR: 0 (D0) to 3 (D3hot); 0 without PM */
};

/* Why the device was reset (the reset hook's reason). */
#define PCIEM_PLUGIN_RESET_FLR	1	/* the driver initiated a Function Level Reset */
#define PCIEM_PLUGIN_RESET_PM	2	/* D3hot -> D0 without No_Soft_Reset */

struct pciem_plugin {
	uint32_t api_version;	/* PCIEM_PLUGIN_API_VERSION when built */
	uint32_t struct_size;	/* sizeof(struct pciem_plugin) when built */
	const char *name;	/* for messages; optional */
	/*
	 * Called once the device is on the bus and its registers hold their
	 * reset values, before any driver can bind and before any handler:
	 * set here what depends on parameters.  Non-zero (a negative errno)
	 * refuses to start: the device is removed before a driver saw it and
	 * pciemd exits, with status 6 (not restarted) for -EINVAL, a
	 * configuration error, and 1 for anything else.
	 */
	int (*init)(struct pciem_device *dev);
	/* Called before the device is removed; free what init made. */
	void (*fini)(struct pciem_device *dev);
	/*
	 * Called after a reset (PCIEM_PLUGIN_RESET_*), once pciemd has put
	 * every register back to its reset value.
	 */
	void (*reset)(struct pciem_device *dev, unsigned int reason);
	/*
	 * Called when the kernel lost count events because the event ring
	 * was full (the driver wrote faster than pciemd handled them): the
	 * writes are in BAR memory, but their handlers did not run.  Read
	 * what matters back from BAR memory (a doorbell's tail, say), or a
	 * queue waits forever for a doorbell it never heard.
	 *
	 * Added after reset: a plugin whose descriptor ends before it is
	 * served without it.
	 */
	void (*events_lost)(struct pciem_device *dev, uint64_t count);
	/*
	 * Called when the driver (or the PCI core) changed what config space
	 * says about the device's state (struct pciem_config_state): Bus
	 * Master Enable, MSI or MSI-X enabled, the MSI-X Function Mask, the
	 * power state.  old is the state before, now the state after.
	 *
	 * Added after events_lost.
	 */
	void (*config_changed)(struct pciem_device *dev,
			       const struct pciem_config_state *old,
			       const struct pciem_config_state *now);
};

/* The symbol pciemd looks up; PCIEM_PLUGIN() defines it. */
#define PCIEM_PLUGIN_SYMBOL "pciem_plugin_descriptor"

/*
 * Define the plugin's descriptor, with designated initializers for the
 * optional members:  PCIEM_PLUGIN(.name = "counter", .init = counter_init);
 * (C++20 wants them in the order of the struct.)  Members left out are
 * null, which C++'s -Wmissing-field-initializers need not be told.
 */
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#define PCIEM_PLUGIN_INIT_BEGIN_                                               \
	_Pragma("GCC diagnostic push")                                         \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")
#define PCIEM_PLUGIN_INIT_END_ _Pragma("GCC diagnostic pop")
#else
#define PCIEM_PLUGIN_INIT_BEGIN_
#define PCIEM_PLUGIN_INIT_END_
#endif

#define PCIEM_PLUGIN(...)                                                      \
	PCIEM_PLUGIN_EXTERN_DECL PCIEM_PLUGIN_EXPORT const struct pciem_plugin \
		pciem_plugin_descriptor;                                       \
	PCIEM_PLUGIN_INIT_BEGIN_                                               \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT const struct pciem_plugin    \
		pciem_plugin_descriptor = {                                    \
		.api_version = PCIEM_PLUGIN_API_VERSION,                       \
		.struct_size = sizeof(struct pciem_plugin),                    \
		__VA_ARGS__                                                    \
	};                                                                     \
	PCIEM_PLUGIN_INIT_END_                                                 \
	/* Takes the ';' after PCIEM_PLUGIN(...). */                           \
	PCIEM_PLUGIN_EXTERN_DECL PCIEM_PLUGIN_EXPORT const struct pciem_plugin \
		pciem_plugin_descriptor

/*
 * One driver write, as its register's write handler sees it.  Writes are
 * posted: when the handler runs, later writes of the driver may already
 * be in BAR memory, so content is the register as it is then.
 */
struct pciem_write {
	uint64_t value;		/* what the driver wrote: width bytes, the low ones */
	uint64_t content;	/* the register's whole content in BAR memory */
	unsigned int offset;	/* where the write began, in bytes into the register */
	unsigned int width;	/* of the write: 1, 2, 4 or 8 bytes */
};

/*
 * Handlers.  The YAML's `read: NAME` / `write: NAME` name exported
 * functions of these types.
 *
 * A read handler answers each driver read of its register: its return
 * value (truncated to the register's width) is what the driver reads.
 * A narrower read gets the matching bytes of it.
 *
 * A write handler runs after each driver write of its register, once the
 * register's semantics (write mask, write-1-to-clear bits) are applied to
 * BAR memory; wr says what was written where (a byte write to the
 * register's second byte has offset 1, width 1).
 */
typedef uint64_t pciem_read_handler(struct pciem_device *dev,
				    const struct pciem_register *reg);
typedef void pciem_write_handler(struct pciem_device *dev,
				 const struct pciem_register *reg,
				 const struct pciem_write *wr);

/*
 * Declare and define an exported handler: PCIEM_READ_HANDLER(my_read) { ... }.
 * Besides the function, each defines a marker, an exported byte named
 * PCIEM_HANDLER_READ_PREFIX or PCIEM_HANDLER_WRITE_PREFIX followed by the
 * handler's name, by which pciemd knows a handler's kind from the file.
 */
#define PCIEM_HANDLER_READ_PREFIX "pciem_handler_read_"
#define PCIEM_HANDLER_WRITE_PREFIX "pciem_handler_write_"

#define PCIEM_HANDLER_MARKER_(kind, fn)                                        \
	PCIEM_PLUGIN_EXTERN_DECL PCIEM_PLUGIN_EXPORT const unsigned char       \
		pciem_handler_##kind##_##fn;                                   \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT const unsigned char          \
		pciem_handler_##kind##_##fn = 1

#define PCIEM_READ_HANDLER(fn)                                                 \
	PCIEM_HANDLER_MARKER_(read, fn);                                       \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT pciem_read_handler fn;       \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT uint64_t fn(                 \
		struct pciem_device *dev, const struct pciem_register *reg)
#define PCIEM_WRITE_HANDLER(fn)                                                \
	PCIEM_HANDLER_MARKER_(write, fn);                                      \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT pciem_write_handler fn;      \
	PCIEM_PLUGIN_EXTERN_C PCIEM_PLUGIN_EXPORT void fn(                     \
		struct pciem_device *dev, const struct pciem_register *reg,    \
		const struct pciem_write *wr)

/* ---------------------------------------------------------------------- */
/* The device                                                              */
/* ---------------------------------------------------------------------- */

/* The description's name (YAML `name`, or the file's base name). */
const char *pciem_device_name(const struct pciem_device *dev);

/* The PCI address the device got, as in sysfs ("10000:00:00.0"). */
const char *pciem_device_address(const struct pciem_device *dev);

/* The plugin's own per-device state; NULL until set. */
void pciem_set_private(struct pciem_device *dev, void *priv);
void *pciem_get_private(const struct pciem_device *dev);

/*
 * The config state now (as of the last config write pciemd handled):
 * 0, or -ENODEV before the device is on the bus.
 */
int pciem_config_state(const struct pciem_device *dev,
		       struct pciem_config_state *state);

/* ---------------------------------------------------------------------- */
/* Registers                                                               */
/* ---------------------------------------------------------------------- */

/*
 * The register of that YAML name, or NULL.  The functions below take that
 * NULL without crashing: pciem_reg_name() gives "(no register)", the
 * other getters 0.  pciem_reg_get/set/update() also refuse a register of
 * another device: they do nothing, read 0, and the first such call is
 * logged.
 */
const struct pciem_register *pciem_reg_find(const struct pciem_device *dev,
					    const char *name);
const char *pciem_reg_name(const struct pciem_register *reg);
unsigned int pciem_reg_bar(const struct pciem_register *reg);
uint64_t pciem_reg_offset(const struct pciem_register *reg);
unsigned int pciem_reg_width(const struct pciem_register *reg);	/* bytes */
/*
 * For an element of a register array (YAML count: N, named NAME[i]): i.
 * 0 for a register that is no array's.
 */
unsigned int pciem_reg_index(const struct pciem_register *reg);

/*
 * The register's content in BAR memory, and setting it.  These are the
 * device's side: set ignores the driver's write mask and write-1-to-clear
 * bits, and get does not call the register's read handler.
 */
uint64_t pciem_reg_get(struct pciem_device *dev,
		       const struct pciem_register *reg);
void pciem_reg_set(struct pciem_device *dev, const struct pciem_register *reg,
		   uint64_t value);
/*
 * Clear the bits in clear, then set those in set, atomically with respect
 * to other users of BAR memory: the kernel applies a driver's naturally
 * aligned write (masks, write-1-to-clear) as one compare-and-swap too, so
 * neither loses the other's bits.  (A misaligned driver write, which PCIe
 * would split too, is applied byte by byte.)  Returns the previous content.
 */
uint64_t pciem_reg_update(struct pciem_device *dev,
			  const struct pciem_register *reg, uint64_t clear,
			  uint64_t set);

/* The same by name: -ENOENT if the description has no such register. */
int pciem_reg_read(struct pciem_device *dev, const char *name,
		   uint64_t *value);
int pciem_reg_write(struct pciem_device *dev, const char *name,
		    uint64_t value);

/*
 * By place: width bytes (1, 2, 4 or 8) at offset of BAR bar, aligned to
 * the width; -EINVAL for a BAR the device lacks, a bad width, a
 * misaligned offset or one past the BAR's end.
 */
int pciem_reg_read_at(struct pciem_device *dev, unsigned int bar,
		      uint64_t offset, unsigned int width, uint64_t *value);
int pciem_reg_write_at(struct pciem_device *dev, unsigned int bar,
		       uint64_t offset, unsigned int width, uint64_t value);

/* ---------------------------------------------------------------------- */
/* BAR memory                                                              */
/* ---------------------------------------------------------------------- */

/*
 * BAR bar's memory, shared with the driver's mappings; its size in
 * *size (if size is not NULL).  NULL for a BAR the device lacks.
 */
void *pciem_bar_memory(struct pciem_device *dev, unsigned int bar,
		       size_t *size);

/* ---------------------------------------------------------------------- */
/* Interrupts                                                              */
/* ---------------------------------------------------------------------- */

/*
 * Raise an interrupt, by the name the YAML's `interrupts:` gives it or by
 * vector.  It uses what the driver enabled (MSI-X, MSI or INTx) and is
 * delivered once per call.  -ENOENT: no interrupt of that name; -ENXIO:
 * the driver has not set that vector up; -EINVAL: no such vector.  Any
 * thread.
 */
int pciem_irq_raise(struct pciem_device *dev, const char *name);
int pciem_irq_raise_vector(struct pciem_device *dev, unsigned int vector);

/* ---------------------------------------------------------------------- */
/* DMA                                                                     */
/* ---------------------------------------------------------------------- */

/*
 * Copy len bytes between buf and the driver's DMA address iova: read
 * takes them from host memory, write puts them there.  -EFAULT when the
 * range is not one the driver mapped for that direction.
 */
int pciem_dma_read(struct pciem_device *dev, uint64_t iova, void *buf,
		   size_t len);
int pciem_dma_write(struct pciem_device *dev, uint64_t iova, const void *buf,
		    size_t len);

/*
 * Scatter-gather: n ranges of the driver's memory, in order, to or from
 * one buffer as long as their lengths together.  One kernel call for up
 * to 256 ranges, each such batch checked whole before a byte moves; -EFAULT
 * as above, -EINVAL when the lengths add up past 4 GiB - 1.
 */
struct pciem_dma_range {
	uint64_t iova;
	uint32_t length;
};

int pciem_dma_readv(struct pciem_device *dev,
		    const struct pciem_dma_range *ranges, unsigned int n,
		    void *buf);
int pciem_dma_writev(struct pciem_device *dev,
		     const struct pciem_dma_range *ranges, unsigned int n,
		     const void *buf);

/*
 * An atomic operation on the naturally aligned 4 or 8 bytes (width) at
 * the driver's DMA address iova, atomic with respect to the CPU's own
 * atomics there, as PCIe AtomicOps are.  *old (if not NULL) gets the
 * value before.  CAS stores operand if the old value equals compare.
 * -EFAULT as above (the range must be mapped both ways), -EINVAL for a
 * bad op, width or alignment.
 */
#define PCIEM_DMA_ATOMIC_ADD	1	/* old + operand */
#define PCIEM_DMA_ATOMIC_SUB	2	/* old - operand */
#define PCIEM_DMA_ATOMIC_SWAP	3	/* operand */
#define PCIEM_DMA_ATOMIC_CAS	4	/* operand if old == compare */
#define PCIEM_DMA_ATOMIC_AND	5	/* old & operand */
#define PCIEM_DMA_ATOMIC_OR	6	/* old | operand */
#define PCIEM_DMA_ATOMIC_XOR	7	/* old ^ operand */
int pciem_dma_atomic(struct pciem_device *dev, uint64_t iova, unsigned int op,
		     unsigned int width, uint64_t operand, uint64_t compare,
		     uint64_t *old);

/* Interrupts and DMA may be called from any thread of the plugin's. */

/* ---------------------------------------------------------------------- */
/* Timers                                                                  */
/* ---------------------------------------------------------------------- */

/*
 * A timer, as pciem_timer_add() names it.  Never 0, and never used again
 * for another timer of the device: cancelling a timer that has fired or
 * was cancelled already is harmless.
 */
typedef uint64_t pciem_timer_id;

typedef void pciem_timer_fn(struct pciem_device *dev, pciem_timer_id timer,
			    void *arg);

/*
 * Call fn(dev, timer, arg) after delay_us microseconds, then every
 * period_us if that is not 0, to the microsecond as far as the loop is
 * free (a periodic timer keeps its rate: each call is due period_us after
 * the previous one was due).  0 on failure (logged).  The timer lives
 * until cancelled, or after its one call if it does not repeat, or until
 * the device is removed.
 */
pciem_timer_id pciem_timer_add(struct pciem_device *dev, uint64_t delay_us,
			       uint64_t period_us, pciem_timer_fn *fn, void *arg);
/*
 * Stop a timer; allowed in its own callback.  -ENOENT for a timer that is
 * not live (it fired and did not repeat, or was cancelled) or never was.
 */
int pciem_timer_cancel(struct pciem_device *dev, pciem_timer_id timer);

/* ---------------------------------------------------------------------- */
/* File descriptors and other threads                                      */
/* ---------------------------------------------------------------------- */

/* What a watched fd is ready for (and, in a callback, what happened). */
#define PCIEM_FD_READABLE	0x1u
#define PCIEM_FD_WRITABLE	0x2u
#define PCIEM_FD_HANGUP		0x4u	/* callbacks only: the peer closed */
#define PCIEM_FD_ERROR		0x8u	/* callbacks only */

/* A watch, as pciem_fd_add() names it: never 0, never reused. */
typedef uint64_t pciem_watch_id;

typedef void pciem_fd_fn(struct pciem_device *dev, int fd, unsigned int ready,
			 void *arg);

/*
 * Call fn(dev, fd, ready, arg) on pciemd's thread whenever fd is ready
 * for what events asks (PCIEM_FD_READABLE and/or PCIEM_FD_WRITABLE), until
 * removed or the device is: a socket, a pipe, an eventfd, a tap device.
 * Not a regular file (epoll refuses those: do their I/O on a thread of
 * the plugin's and hand results back with pciem_call_soon()).  The fd
 * stays the plugin's to close, after removing its watch.  0 on failure
 * (logged: an fd watched twice, a regular file).
 */
pciem_watch_id pciem_fd_add(struct pciem_device *dev, int fd,
			    unsigned int events, pciem_fd_fn *fn, void *arg);
/* Stop watching; allowed in its own callback.  -ENOENT if not live. */
int pciem_fd_remove(struct pciem_device *dev, pciem_watch_id watch);

typedef void pciem_call_fn(struct pciem_device *dev, void *arg);

/*
 * Any thread: run fn(dev, arg) on pciemd's thread soon, after the calls
 * asked for before it (a worker handing back a finished command).  0, or
 * -ENOMEM, or -ENODEV when pciemd runs no loop for the device.
 */
int pciem_call_soon(struct pciem_device *dev, pciem_call_fn *fn, void *arg);
/*
 * pciemd's thread: run now every call still waiting, in order; returns how
 * many ran.  For fini, once the plugin's threads are stopped: what they
 * handed over last is run (and can free what it carries) instead of
 * being dropped when the device is removed.
 */
unsigned int pciem_call_drain(struct pciem_device *dev);

/* ---------------------------------------------------------------------- */
/* Parameters (the YAML's `params:`)                                       */
/* ---------------------------------------------------------------------- */

/* The value as written, or NULL if the key is absent. */
const char *pciem_param(const struct pciem_device *dev, const char *key);

/*
 * Typed: def when the key is absent; -EINVAL (and a log line naming the
 * value's YAML position) when the value does not parse.  Values follow
 * the description's own grammar: integers are decimal, 0x hexadecimal or
 * 0b binary, with '_' between digits and an optional unit K, M, G, KiB,
 * MiB or GiB (powers of 1024), and no leading zero (010 is refused, not
 * octal); a signed one may start with '-'; booleans are true or false.
 */
int pciem_param_u64(struct pciem_device *dev, const char *key, uint64_t def,
		    uint64_t *value);
int pciem_param_i64(struct pciem_device *dev, const char *key, int64_t def,
		    int64_t *value);
int pciem_param_bool(struct pciem_device *dev, const char *key, bool def,
		     bool *value);

/*
 * The index-th parameter's key, in the description's order, or NULL past
 * the last: for refusing keys the plugin does not know (a typo).
 */
const char *pciem_param_key(const struct pciem_device *dev,
			    unsigned int index);

/*
 * Reports a parameter the plugin cannot use, at its value's YAML position
 * ("FILE:LINE:COL: error: parameter KEY: MESSAGE"), or at the file if the
 * key is absent.  Returns -EINVAL, for init to return.
 */
int pciem_param_error(struct pciem_device *dev, const char *key,
		      const char *fmt, ...) PCIEM_PLUGIN_PRINTF(3, 4);

/* ---------------------------------------------------------------------- */
/* Logging                                                                 */
/* ---------------------------------------------------------------------- */

/* Priorities, as syslog's. */
#define PCIEM_LOG_ERR		3
#define PCIEM_LOG_WARNING	4
#define PCIEM_LOG_NOTICE	5
#define PCIEM_LOG_INFO		6
#define PCIEM_LOG_DEBUG		7

/* One line to the journal (or stderr), marked with the device's name. */
void pciem_log(struct pciem_device *dev, int priority, const char *fmt, ...)
	PCIEM_PLUGIN_PRINTF(3, 4);
void pciem_logv(struct pciem_device *dev, int priority, const char *fmt,
		va_list ap) PCIEM_PLUGIN_PRINTF(3, 0);

#ifdef __cplusplus
}
#endif

#endif /* PCIEM_PLUGIN_H */
