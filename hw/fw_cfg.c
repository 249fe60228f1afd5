// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "hw/fw_cfg.h"

#define REG_DATA		0
#define REG_SELECTOR		8
#define REG_DMA			16

#define FEATURE_TRADITIONAL	1
#define FEATURE_DMA		2

/* FWCfgDmaAccess: be32 control, be32 length, be64 address. */
#define DMA_ERROR		(1u << 0)
#define DMA_READ		(1u << 1)
#define DMA_SKIP		(1u << 2)
#define DMA_SELECT		(1u << 3)
#define DMA_WRITE		(1u << 4)
#define DMA_DESC_SIZE		16

/* "QEMU CFG", what a read of the DMA register gives. */
static const uint8_t dma_magic[8] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };

void fw_cfg_init(struct fw_cfg *cfg, fw_cfg_ram_fn ram, fw_cfg_written_fn written,
		 void *opaque)
{
	memset(cfg, 0, sizeof(*cfg));
	pthread_mutex_init(&cfg->lock, NULL);
	cfg->ram = ram;
	cfg->written = written;
	cfg->opaque = opaque;
	memcpy(cfg->signature, "QEMU", 4);
	put_le32(cfg->id, FEATURE_TRADITIONAL | FEATURE_DMA);
	fw_cfg_set(cfg, FW_CFG_SIGNATURE, cfg->signature, 4);
	fw_cfg_set(cfg, FW_CFG_ID, cfg->id, 4);
	fw_cfg_set(cfg, FW_CFG_FILE_DIR, cfg->dir, 4);
}

void fw_cfg_set(struct fw_cfg *cfg, uint16_t key, uint8_t *data, uint32_t size)
{
	if (key < FW_CFG_FILE_FIRST)
		cfg->items[key] = (struct fw_cfg_item){ .data = data, .size = size };
}

void fw_cfg_set_u32(struct fw_cfg *cfg, uint16_t key, uint8_t store[4], uint32_t v)
{
	put_le32(store, v);
	fw_cfg_set(cfg, key, store, 4);
}

/* Directory entry: be32 size, be16 key, u16 reserved, name[56]. */
int fw_cfg_add_file(struct fw_cfg *cfg, const char *name, uint8_t *data,
		    uint32_t size, bool writable)
{
	unsigned int n = cfg->nr_files;
	uint16_t key = FW_CFG_FILE_FIRST + n;
	struct fw_cfg_item *it = &cfg->items[key];
	uint8_t *e = cfg->dir + 4 + 64 * n;

	if (n == FW_CFG_MAX_FILES)
		return -ENOSPC;
	if (strlen(name) >= FW_CFG_NAME_LEN)
		return -EINVAL;
	*it = (struct fw_cfg_item){ .data = data, .size = size, .writable = writable };
	strcpy(it->name, name);
	put_be32(e, size);
	e[4] = key >> 8;
	e[5] = key;
	strcpy((char *)e + 8, name);
	cfg->nr_files++;
	put_be32(cfg->dir, cfg->nr_files);
	cfg->items[FW_CFG_FILE_DIR].size = 4 + 64 * cfg->nr_files;
	return key;
}

static struct fw_cfg_item *selected(struct fw_cfg *cfg)
{
	return cfg->selected < FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES ?
	       &cfg->items[cfg->selected] : NULL;
}

static void select_key(struct fw_cfg *cfg, uint16_t key)
{
	cfg->selected = key;
	cfg->offset = 0;
}

/* Move the offset on by @len; it stops at UINT32_MAX, past any item. */
static void advance(struct fw_cfg *cfg, uint32_t len)
{
	cfg->offset = len > UINT32_MAX - cfg->offset ? UINT32_MAX : cfg->offset + len;
}

/* @len bytes of the item from the current offset, zeros past its end. */
static void read_item(struct fw_cfg *cfg, uint8_t *out, uint32_t len)
{
	struct fw_cfg_item *it = selected(cfg);
	uint32_t avail = it && cfg->offset < it->size ? it->size - cfg->offset : 0;
	uint32_t n = len < avail ? len : avail;

	if (n)
		memcpy(out, it->data + cfg->offset, n);
	memset(out + n, 0, len - n);
	advance(cfg, len);
}

static uint32_t dma_transfer(struct fw_cfg *cfg, uint32_t control, uint32_t len,
			     uint64_t addr)
{
	struct fw_cfg_item *it;
	uint8_t *buf = NULL;

	if (control & DMA_SELECT)
		select_key(cfg, control >> 16);
	it = selected(cfg);
	if (len && (control & (DMA_READ | DMA_WRITE))) {
		buf = cfg->ram(cfg->opaque, addr, len);
		if (!buf)
			return DMA_ERROR;
	}
	if (control & DMA_READ) {
		if (len)
			read_item(cfg, buf, len);
	} else if (control & DMA_WRITE) {
		if (!it || !it->writable || cfg->offset > it->size ||
		    len > it->size - cfg->offset)
			return DMA_ERROR;
		if (len) {
			memcpy(it->data + cfg->offset, buf, len);
			cfg->offset += len;
			if (cfg->written)
				cfg->written(cfg->opaque, it->name);
		}
	} else if (control & DMA_SKIP) {
		advance(cfg, len);
	}
	return 0;
}

/* Run the descriptor at @gpa; its control word becomes 0 or ERROR. */
static void dma_run(struct fw_cfg *cfg, uint64_t gpa)
{
	uint8_t *desc = cfg->ram(cfg->opaque, gpa, DMA_DESC_SIZE);
	uint64_t addr;

	if (!desc)
		return;		/* nowhere to report to */
	addr = (uint64_t)get_be32(desc + 8) << 32 | get_be32(desc + 12);
	put_be32(desc, dma_transfer(cfg, get_be32(desc), get_be32(desc + 4), addr));
}

static void handle_access(struct fw_cfg *cfg, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	if (offset == REG_DATA) {
		if (!is_write)
			read_item(cfg, data, len);
		return;		/* writes ignored, as QEMU does since 2.4 */
	}
	if (offset == REG_SELECTOR && len == 2) {
		if (is_write)
			select_key(cfg, data[0] << 8 | data[1]);
		else
			memset(data, 0, len);
		return;
	}
	if (offset >= REG_DMA && offset + len <= REG_DMA + 8) {
		if (!is_write) {
			memcpy(data, dma_magic + (offset - REG_DMA), len);
		} else if (offset == REG_DMA && len == 8) {
			dma_run(cfg, (uint64_t)get_be32(data) << 32 | get_be32(data + 4));
		} else if (offset == REG_DMA && len == 4) {
			cfg->dma_high = get_be32(data);
		} else if (offset == REG_DMA + 4 && len == 4) {
			dma_run(cfg, (uint64_t)cfg->dma_high << 32 | get_be32(data));
		}
		return;
	}
	if (!is_write)
		memset(data, 0, len);
}

void fw_cfg_mmio(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write)
{
	struct fw_cfg *cfg = opaque;

	if (len > 8)
		return;
	pthread_mutex_lock(&cfg->lock);
	handle_access(cfg, offset, data, len, is_write);
	pthread_mutex_unlock(&cfg->lock);
}

/*
 * Snapshots: u16 selected, u16 files, u32 offset, u32 DMA address's high
 * half, then per item its u32 size, then the bytes of the writable files.
 * The items themselves are lkvm's (boot files, ACPI tables), made again
 * by the restore; their sizes say whether they are the same.
 */
#define STATE_HEADER	12
#define NR_ITEMS	(FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

size_t fw_cfg_state_size(const struct fw_cfg *cfg)
{
	size_t n = STATE_HEADER + 4 * NR_ITEMS;

	for (unsigned int i = 0; i < NR_ITEMS; i++)
		if (cfg->items[i].writable)
			n += cfg->items[i].size;
	return n;
}

size_t fw_cfg_state_save(struct fw_cfg *cfg, uint8_t *buf)
{
	uint8_t *p = buf + STATE_HEADER + 4 * NR_ITEMS;

	pthread_mutex_lock(&cfg->lock);
	put_le16(buf, cfg->selected);
	put_le16(buf + 2, cfg->nr_files);
	put_le32(buf + 4, cfg->offset);
	put_le32(buf + 8, cfg->dma_high);
	for (unsigned int i = 0; i < NR_ITEMS; i++) {
		const struct fw_cfg_item *it = &cfg->items[i];

		put_le32(buf + STATE_HEADER + 4 * i, it->size);
		if (it->writable) {
			memcpy(p, it->data, it->size);
			p += it->size;
		}
	}
	pthread_mutex_unlock(&cfg->lock);
	return p - buf;
}

int fw_cfg_state_load(struct fw_cfg *cfg, const uint8_t *buf, size_t len, char *why,
		      size_t why_len)
{
	const uint8_t *p = buf + STATE_HEADER + 4 * NR_ITEMS;

	if (len != fw_cfg_state_size(cfg) || get_le16(buf + 2) != cfg->nr_files) {
		snprintf(why, why_len, "fw_cfg: the snapshot's has other files than this VM's");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < NR_ITEMS; i++) {
		uint32_t size = get_le32(buf + STATE_HEADER + 4 * i);

		if (size != cfg->items[i].size) {
			snprintf(why, why_len,
				 "fw_cfg: item %#x has %u bytes, the snapshot's %u (a kernel, initrd or table that changed)",
				 i, cfg->items[i].size, size);
			return -EINVAL;
		}
	}
	pthread_mutex_lock(&cfg->lock);
	cfg->selected = get_le16(buf);
	cfg->offset = get_le32(buf + 4);
	cfg->dma_high = get_le32(buf + 8);
	for (unsigned int i = 0; i < NR_ITEMS; i++) {
		struct fw_cfg_item *it = &cfg->items[i];

		if (it->writable) {
			memcpy(it->data, p, it->size);
			p += it->size;
		}
	}
	pthread_mutex_unlock(&cfg->lock);
	return 0;
}

void fw_cfg_destroy(struct fw_cfg *cfg)
{
	pthread_mutex_destroy(&cfg->lock);
}
