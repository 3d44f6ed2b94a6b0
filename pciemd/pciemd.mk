# pciemd: the YAML device daemon (pciemd/), its public plugin header
# (include/pciem/plugin.h) and the plugins of devices/.  Included by the
# top-level Makefile, whose CC, USER_CFLAGS, BUILD and BIN it uses.
#
#   make pciemd                    build/bin/pciemd, build/lib/pciem/handlers/*.so
#                                  and the test plugins (build/test-plugins/*.so)
#   make install [DESTDIR=D] [PREFIX=/usr]
#
# The plugin directory, PREFIX/lib/<multiarch>/pciem/handlers, is compiled
# into pciemd; changing PREFIX rebuilds it.

PREFIX ?= /usr
DESTDIR ?=
PCIEMD_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PCIEMD_LIBDIR := $(PREFIX)/lib$(if $(PCIEMD_MULTIARCH),/$(PCIEMD_MULTIARCH))
PCIEMD_PLUGIN_DIR := $(PCIEMD_LIBDIR)/pciem/handlers
PCIEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system
PCIEMD_DOCDIR ?= $(PREFIX)/share/doc/pciemd
PCIEMD_INCLUDEDIR ?= $(PREFIX)/include
PCIEMD_MANDIR ?= $(PREFIX)/share/man
# Whatever PREFIX, pciemd reads /etc/pciem.d (pciemd/paths.h).
PCIEMD_CONFDIR ?= /etc/pciem.d
# pciem-plugin.pc names the plugin directory, which is per architecture, so
# the file goes in the architecture's pkgconfig directory rather than in
# share/pkgconfig, although a plugin links no library.
PCIEMD_PKGCONFIGDIR ?= $(PCIEMD_LIBDIR)/pkgconfig

PCIEMD_BUILD := $(BUILD)/pciemd
PCIEMD_SRCS := $(wildcard pciemd/*.c)
PCIEMD_OBJS := $(PCIEMD_SRCS:pciemd/%.c=$(PCIEMD_BUILD)/%.o)
PCIEMD_PKGS := yaml-0.1 libsystemd
# Deferred, so pkg-config runs only when pciemd is built.
PCIEMD_INCLUDES = -I$(CURDIR)/include -I$(CURDIR)/pciemd \
	$(shell pkg-config --cflags $(PCIEMD_PKGS))
PCIEMD_LIBS = $(shell pkg-config --libs $(PCIEMD_PKGS)) -ldl -pthread
# Only the pciem_* API (marked visible in the sources) is exported to plugins.
PCIEMD_CFLAGS = $(USER_CFLAGS) $(PCIEMD_INCLUDES) -fvisibility=hidden -pthread \
	-DPCIEMD_PLUGIN_DIR='"$(PCIEMD_PLUGIN_DIR)"'
PCIEMD_LDFLAGS := -rdynamic

PCIEMD_PLUGIN_CFLAGS := $(USER_CFLAGS) -I$(CURDIR)/include -fPIC -shared \
	-fvisibility=hidden
# A plugin is devices/NAME.c, or devices/NAME/*.c for a bigger one.
PCIEMD_DIR_PLUGINS := $(patsubst devices/%/,%,$(wildcard devices/*/))
PCIEMD_PLUGINS := $(patsubst devices/%.c,$(BUILD)/lib/pciem/handlers/%.so,\
	$(wildcard devices/*.c)) \
	$(PCIEMD_DIR_PLUGINS:%=$(BUILD)/lib/pciem/handlers/%.so)
# Plugins the unit tests and VM scenarios load: refused ones, a crashing one,
# and one in C++ (built as C++20, whose designated initializers it uses).
PCIEMD_TEST_PLUGINS := $(patsubst tests/unit/plugins/%.c,$(BUILD)/test-plugins/%.so,\
	$(wildcard tests/unit/plugins/*.c)) \
	$(patsubst tests/unit/plugins/%.cc,$(BUILD)/test-plugins/%.so,\
	$(wildcard tests/unit/plugins/*.cc))
PCIEMD_CXX_PLUGIN_FLAGS := -std=c++20 -Wall -Wextra -Werror -pedantic \
	-I$(CURDIR)/include -fPIC -shared -fvisibility=hidden

.PHONY: pciemd install pciemd-plugin-dir
pciemd: $(BIN)/pciemd $(PCIEMD_PLUGINS) $(PCIEMD_TEST_PLUGINS)

# Rewritten only when the directory changes, so objects rebuild only then.
$(PCIEMD_BUILD)/plugin-dir: pciemd-plugin-dir
	@mkdir -p $(@D)
	@echo '$(PCIEMD_PLUGIN_DIR)' | cmp -s - $@ 2>/dev/null || \
		echo '$(PCIEMD_PLUGIN_DIR)' > $@

$(PCIEMD_BUILD)/%.o: pciemd/%.c $(PCIEMD_BUILD)/plugin-dir
	@mkdir -p $(@D)
	$(CC) $(PCIEMD_CFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/pciemd: $(PCIEMD_OBJS)
	@mkdir -p $(@D)
	$(CC) $(PCIEMD_LDFLAGS) -o $@ $^ $(PCIEMD_LIBS)

$(BUILD)/lib/pciem/handlers/%.so: devices/%.c include/pciem/plugin.h
	@mkdir -p $(@D)
	$(CC) $(PCIEMD_PLUGIN_CFLAGS) -o $@ $<

define PCIEMD_DIR_PLUGIN_RULE
$(BUILD)/lib/pciem/handlers/$(1).so: $(wildcard devices/$(1)/*.c) \
		$(wildcard devices/$(1)/*.h) include/pciem/plugin.h
	@mkdir -p $$(@D)
	$$(CC) $$(PCIEMD_PLUGIN_CFLAGS) -o $$@ $(wildcard devices/$(1)/*.c)
endef
$(foreach p,$(PCIEMD_DIR_PLUGINS),$(eval $(call PCIEMD_DIR_PLUGIN_RULE,$(p))))

$(BUILD)/test-plugins/%.so: tests/unit/plugins/%.c include/pciem/plugin.h
	@mkdir -p $(@D)
	$(CC) $(PCIEMD_PLUGIN_CFLAGS) -o $@ $<

$(BUILD)/test-plugins/%.so: tests/unit/plugins/%.cc include/pciem/plugin.h
	@mkdir -p $(@D)
	$(CXX) $(PCIEMD_CXX_PLUGIN_FLAGS) -o $@ $<

-include $(PCIEMD_OBJS:.o=.d)

install: pciemd
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PCIEMD_INCLUDEDIR)/pciem \
		$(DESTDIR)$(PCIEMD_PLUGIN_DIR) $(DESTDIR)$(PCIEMD_UNITDIR) \
		$(DESTDIR)$(PCIEMD_PKGCONFIGDIR) $(DESTDIR)$(PCIEMD_DOCDIR)/examples \
		$(DESTDIR)$(PCIEMD_CONFDIR)
	install -m 0644 systemd/pciem.d.README $(DESTDIR)$(PCIEMD_CONFDIR)/README
	install -m 0755 $(BIN)/pciemd $(DESTDIR)$(PREFIX)/bin/pciemd
	install -m 0644 include/pciem/plugin.h $(DESTDIR)$(PCIEMD_INCLUDEDIR)/pciem/plugin.h
	install -m 0644 uapi/pciem.h uapi/pciem_userspace.h $(DESTDIR)$(PCIEMD_INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)%,%,$(PCIEMD_LIBDIR))|' \
		-e 's|@VERSION@|$(PCIEM_VERSION)|' include/pciem-plugin.pc.in \
		> $(DESTDIR)$(PCIEMD_PKGCONFIGDIR)/pciem-plugin.pc
	chmod 0644 $(DESTDIR)$(PCIEMD_PKGCONFIGDIR)/pciem-plugin.pc
	$(if $(PCIEMD_PLUGINS),install -m 0644 $(PCIEMD_PLUGINS) $(DESTDIR)$(PCIEMD_PLUGIN_DIR)/)
	sed 's|/usr/bin/pciemd|$(PREFIX)/bin/pciemd|g' systemd/pciemd@.service \
		> $(DESTDIR)$(PCIEMD_UNITDIR)/pciemd@.service
	chmod 0644 $(DESTDIR)$(PCIEMD_UNITDIR)/pciemd@.service
	find devices -type f \( -name '*.yaml' -o -name '*.[ch]' -o -name '*.md' \) | sort | \
		while read -r f; do \
			install -D -m 0644 "$$f" "$(DESTDIR)$(PCIEMD_DOCDIR)/examples/$${f#devices/}" || exit 1; \
		done
	install -m 0644 docs/pciemd.md docs/plugins.md docs/nvme.md $(wildcard docs/device-yaml.md) \
		$(DESTDIR)$(PCIEMD_DOCDIR)/
	$(foreach m,$(wildcard docs/man/*.[1-8]),install -D -m 0644 $(m) \
		$(DESTDIR)$(PCIEMD_MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m));)
