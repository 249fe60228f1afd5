// SPDX-License-Identifier: GPL-2.0
/*
 * The modern virtio-pci transport (Virtio 1.2, 4.1): vendor capabilities
 * point the driver at the common, notify, ISR and device structures in
 * BAR 0; interrupts are MSI-X when the host can deliver MSIs (an ITS) and
 * the driver enables it, INTA otherwise. No legacy interface: a driver
 * without VERSION_1 is refused at FEATURES_OK.
 *
 * Locks: the bridge's lock, then the device's; the device's lock covers
 * the MSI-X state too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "core/log.h"
#include "virtio/pci.h"

#define PCI_VENDOR_REDHAT_QUMRANET	0x1af4
#define VIRTIO_PCI_DEVICE_BASE		0x1040	/* + device type: modern IDs */
#define VIRTIO_PCI_SUBSYS_ID		0x1100

#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11

/* virtio_pci_cap.cfg_type */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

/* Where each capability sits in config space. */
#define CAP_COMMON	0x40
#define CAP_NOTIFY	0x50
#define CAP_ISR		0x64
#define CAP_DEVICE	0x74
#define CAP_PCI_CFG	0x84
#define CAP_MSIX	0x98

/* virtio_pci_cfg_cap: the window's fields, from CAP_PCI_CFG */
#define PCI_CFG_BAR	(CAP_PCI_CFG + 4)
#define PCI_CFG_OFFSET	(CAP_PCI_CFG + 8)
#define PCI_CFG_LENGTH	(CAP_PCI_CFG + 12)
#define PCI_CFG_DATA	(CAP_PCI_CFG + 16)

/* MSI-X capability: message control, table and PBA (PCI 3.0, 6.8.2) */
#define MSIX_CTRL	(CAP_MSIX + 2)
#define  MSIX_ENABLE	0x8000
#define  MSIX_MASKALL	0x4000
#define MSIX_ENTRY_MASKED 1

/* The common configuration structure (4.1.4.3). */
enum {
	CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
	CC_MSIX_CONFIG = 0x10, CC_NUM_QUEUES = 0x12, CC_STATUS = 0x14,
	CC_CFG_GENERATION = 0x15, CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18,
	CC_Q_MSIX = 0x1a, CC_Q_ENABLE = 0x1c, CC_Q_NOFF = 0x1e,
	CC_Q_DESC = 0x20, CC_Q_DRIVER = 0x28, CC_Q_DEVICE = 0x30,
	CC_SIZE = 0x38,
};

static struct virtio_pci *to_vp(struct pci_function *fn)
{
	return (struct virtio_pci *)fn;
}

bool virtio_pci_msix_enabled(const struct virtio_pci *vp)
{
	return vp->has_msix && (get_le16(vp->fn.cfg + MSIX_CTRL) & MSIX_ENABLE);
}

static bool vector_masked(const struct virtio_pci *vp, unsigned int v)
{
	return (get_le16(vp->fn.cfg + MSIX_CTRL) & MSIX_MASKALL) ||
	       (vp->msix[v].word[MSIX_CTRL_WORD] & MSIX_ENTRY_MASKED);
}

/* Send vector @v, or hold it in the PBA while it is masked. */
static void fire_vector(struct virtio_pci *vp, unsigned int v)
{
	if (v >= vp->nr_vectors)
		return;
	if (vector_masked(vp, v)) {
		vp->msix_pending |= 1u << v;
		return;
	}
	vp->msix_pending &= ~(1u << v);
	if (eventfd_write(vp->vector_fd[v], 1))
		pr_debug("%s: cannot send MSI-X vector %u", vp->dev->name, v);
}

static void fire_unmasked_pending(struct virtio_pci *vp)
{
	/*
	 * With MSI-X off the function sends no messages: an entry unmasked
	 * then leaves its pending bit for when the driver turns MSI-X on.
	 */
	if (!virtio_pci_msix_enabled(vp))
		return;
	for (unsigned int v = 0; v < vp->nr_vectors; v++)
		if ((vp->msix_pending & 1u << v) && !vector_masked(vp, v))
			fire_vector(vp, v);
}

static void vpci_interrupt(struct virtio_dev *dev, int q)
{
	struct virtio_pci *vp = dev->transport_data;

	if (virtio_pci_msix_enabled(vp)) {
		fire_vector(vp, q < 0 ? dev->config_msix_vector :
					dev->queues[q].msix_vector);
		return;
	}
	if (!(get_le16(vp->fn.cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
		pci_set_intx(&vp->fn, true);
}

/* The common structure as the driver would read it now. */
static void common_snapshot(struct virtio_pci *vp, uint8_t *cc)
{
	struct virtio_dev *dev = vp->dev;
	struct virtio_queue *vq = virtio_selected_queue(dev);

	memset(cc, 0, CC_SIZE);
	put_le32(cc + CC_DFSELECT, dev->device_features_sel);
	put_le32(cc + CC_DF, virtio_read_device_features(dev));
	put_le32(cc + CC_GFSELECT, dev->driver_features_sel);
	put_le32(cc + CC_GF, virtio_read_driver_features(dev));
	put_le16(cc + CC_MSIX_CONFIG, dev->config_msix_vector);
	put_le16(cc + CC_NUM_QUEUES, dev->ops->nr_queues);
	cc[CC_STATUS] = dev->status;
	cc[CC_CFG_GENERATION] = dev->config_generation;
	put_le16(cc + CC_Q_SELECT, dev->queue_sel);
	if (!vq)
		return;		/* a queue that does not exist: size 0 */
	put_le16(cc + CC_Q_SIZE, vq->size);
	put_le16(cc + CC_Q_MSIX, vq->msix_vector);
	put_le16(cc + CC_Q_ENABLE, vq->ready);
	put_le16(cc + CC_Q_NOFF, dev->queue_sel);
	put_le32(cc + CC_Q_DESC, vq->desc);
	put_le32(cc + CC_Q_DESC + 4, vq->desc >> 32);
	put_le32(cc + CC_Q_DRIVER, vq->driver);
	put_le32(cc + CC_Q_DRIVER + 4, vq->driver >> 32);
	put_le32(cc + CC_Q_DEVICE, vq->device);
	put_le32(cc + CC_Q_DEVICE + 4, vq->device >> 32);
}

static uint16_t valid_vector(struct virtio_pci *vp, uint64_t v)
{
	/* 4.1.5.1.2: a vector the device cannot use reads back NO_VECTOR. */
	return vp->has_msix && v < vp->nr_vectors ? v : VIRTIO_NO_VECTOR;
}

/* Write half or all of a 64-bit queue address, while the queue is off. */
static void set_addr(uint64_t *addr, uint32_t off, uint32_t len, uint64_t v)
{
	if (len == 8)
		*addr = v;
	else
		virtio_set_addr_half(addr, off % 8, v);
}

static void common_write(struct virtio_pci *vp, uint32_t off, uint32_t len,
			 uint64_t v)
{
	struct virtio_dev *dev = vp->dev;
	struct virtio_queue *vq = virtio_selected_queue(dev);

	switch (off) {
	case CC_DFSELECT:
		dev->device_features_sel = v;
		return;
	case CC_GFSELECT:
		dev->driver_features_sel = v;
		return;
	case CC_GF:
		virtio_write_driver_features(dev, v);
		return;
	case CC_MSIX_CONFIG:
		dev->config_msix_vector = valid_vector(vp, v);
		return;
	case CC_STATUS:
		virtio_write_status(dev, v);
		if (!v) {
			vp->msix_pending = 0;
			pci_set_intx(&vp->fn, false);
		}
		return;
	case CC_Q_SELECT:
		dev->queue_sel = v;
		return;
	}
	if (!vq)
		return;
	if (off == CC_Q_MSIX) {
		vq->msix_vector = valid_vector(vp, v);
		return;
	}
	if (vq->ready)		/* 4.1.4.3.2: fixed while enabled */
		return;
	if (off == CC_Q_SIZE)
		vq->size = v;
	else if (off == CC_Q_ENABLE && v == 1)
		virtio_enable_queue(dev, dev->queue_sel);
	else if (off >= CC_Q_DESC && off < CC_Q_DRIVER)
		set_addr(&vq->desc, off, len, v);
	else if (off >= CC_Q_DRIVER && off < CC_Q_DEVICE)
		set_addr(&vq->driver, off, len, v);
	else if (off >= CC_Q_DEVICE && off < CC_SIZE)
		set_addr(&vq->device, off, len, v);
}

/* The width of the field at @off, so a write of another width is ignored. */
static uint32_t common_field_width(uint32_t off)
{
	if (off < CC_MSIX_CONFIG)
		return 4;
	if (off < CC_STATUS || (off >= CC_Q_SELECT && off < CC_Q_DESC))
		return 2;
	if (off < CC_Q_SELECT)
		return 1;
	return 8;
}

static void common_access(struct virtio_pci *vp, uint32_t off, uint8_t *data,
			  uint32_t len, bool is_write)
{
	uint8_t cc[CC_SIZE];
	uint32_t width = common_field_width(off);
	uint64_t v = 0;

	if (!is_write) {
		common_snapshot(vp, cc);
		memcpy(data, cc + off, len);
		return;
	}
	/* 64-bit fields also take two 32-bit halves (4.1.3.1). */
	if (off % width && !(width == 8 && len == 4 && off % 4 == 0))
		return;
	if (len != width && !(width == 8 && len == 4))
		return;
	memcpy(&v, data, len);
	common_write(vp, off, len, v);
}

static void msix_access(struct virtio_pci *vp, uint32_t off, uint8_t *data,
			uint32_t len, bool is_write)
{
	unsigned int v = off / 16, word = off % 16 / 4;
	uint32_t val;
	bool was_masked;

	if (off >= VPCI_MSIX_PBA_OFF - VPCI_MSIX_TABLE_OFF) {
		off -= VPCI_MSIX_PBA_OFF - VPCI_MSIX_TABLE_OFF;
		if (!is_write && off < 8 && len <= 8 - off) {
			uint8_t pba[8];

			put_le64(pba, vp->msix_pending);
			memcpy(data, pba + off, len);
		}
		return;
	}
	if (v >= vp->nr_vectors || len != 4 || off % 4) {
		/* 8-byte accesses to the address pair are allowed too. */
		if (v < vp->nr_vectors && len == 8 && word == 0) {
			msix_access(vp, off, data, 4, is_write);
			msix_access(vp, off + 4, data + 4, 4, is_write);
		}
		return;
	}
	if (!is_write) {
		put_le32(data, vp->msix[v].word[word]);
		return;
	}
	val = get_le32(data);
	was_masked = vector_masked(vp, v);
	vp->msix[v].word[word] = word == MSIX_CTRL_WORD ? (val & MSIX_ENTRY_MASKED) : val;
	if (word != MSIX_CTRL_WORD)
		vp->ops->msix_route(vp, v);
	else if (was_masked && !vector_masked(vp, v))
		fire_unmasked_pending(vp);
}

static void bar_access(struct pci_function *fn, int bar, uint64_t off,
		       uint8_t *data, uint32_t len, bool is_write)
{
	struct virtio_pci *vp = to_vp(fn);
	struct virtio_dev *dev = vp->dev;

	if (!is_write)
		memset(data, 0, len);
	if (bar != 0 || off >= VPCI_BAR_SIZE || len > 8 ||
	    len > VPCI_BAR_SIZE - off)
		return;
	pthread_mutex_lock(&dev->lock);
	if (off < VPCI_COMMON_OFF + CC_SIZE) {
		if (len <= CC_SIZE - off)
			common_access(vp, off, data, len, is_write);
	} else if (off == VPCI_ISR_OFF && !is_write) {
		/* Reading the ISR clears it and deasserts INTx (4.1.4.5). */
		data[0] = virtio_isr_read_clear(dev);
		pci_set_intx(fn, false);
	} else if (off >= VPCI_DEVICE_OFF && off < VPCI_NOTIFY_OFF) {
		if (is_write)
			virtio_config_write(dev, off - VPCI_DEVICE_OFF, data, len);
		else
			virtio_config_read(dev, off - VPCI_DEVICE_OFF, data, len);
	} else if (off >= VPCI_NOTIFY_OFF && off < VPCI_MSIX_TABLE_OFF) {
		/* Reached only without an ioeventfd: KVM would have taken it. */
		uint64_t q = (off - VPCI_NOTIFY_OFF) / VPCI_NOTIFY_MULT;

		if (is_write && q < dev->ops->nr_queues)
			eventfd_write(dev->queues[q].notify_fd, 1);
	} else if (off >= VPCI_MSIX_TABLE_OFF && vp->has_msix) {
		msix_access(vp, off - VPCI_MSIX_TABLE_OFF, data, len, is_write);
	}
	pthread_mutex_unlock(&dev->lock);
}

/* VIRTIO_PCI_CAP_PCI_CFG: a window onto BAR 0 through config space. */
static bool pci_cfg_window(struct virtio_pci *vp, uint32_t *off, uint32_t *len)
{
	const uint8_t *cfg = vp->fn.cfg;

	*off = get_le32(cfg + PCI_CFG_OFFSET);
	*len = get_le32(cfg + PCI_CFG_LENGTH);
	return cfg[PCI_CFG_BAR] == 0 && (*len == 1 || *len == 2 || *len == 4) &&
	       !(*off % *len);
}

static bool touches(uint32_t off, uint32_t len, uint32_t field, uint32_t size)
{
	return off < field + size && field < off + len;
}

static void config_written(struct pci_function *fn, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = to_vp(fn);
	uint32_t win_off, win_len;

	if (touches(off, len, PCI_CFG_DATA, 4) && pci_cfg_window(vp, &win_off, &win_len))
		bar_access(fn, 0, win_off, fn->cfg + PCI_CFG_DATA, win_len, true);
	if (touches(off, len, PCI_COMMAND, 2) &&
	    (get_le16(fn->cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
		pci_set_intx(fn, false);
	if (vp->has_msix && touches(off, len, MSIX_CTRL, 2)) {
		pthread_mutex_lock(&vp->dev->lock);
		if (virtio_pci_msix_enabled(vp)) {
			pci_set_intx(fn, false);
			fire_unmasked_pending(vp);
		}
		pthread_mutex_unlock(&vp->dev->lock);
	}
}

static void config_read(struct pci_function *fn, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = to_vp(fn);
	uint32_t win_off, win_len;

	if (touches(off, len, PCI_CFG_DATA, 4) && pci_cfg_window(vp, &win_off, &win_len))
		bar_access(fn, 0, win_off, fn->cfg + PCI_CFG_DATA, win_len, false);
}

static void bar_moved(struct pci_function *fn, int bar, uint64_t old, uint64_t addr)
{
	struct virtio_pci *vp = to_vp(fn);

	if (bar == 0)
		vp->ops->notify_moved(vp, old, addr);
}

static const struct pci_function_ops virtio_pci_function_ops = {
	.bar_access = bar_access,
	.config_written = config_written,
	.config_read = config_read,
	.bar_moved = bar_moved,
};

/*
 * Snapshots: the config space, then u32 pending vectors (the PBA), u8
 * INTA asserted, u8 vectors, u16 0, and the MSI-X table.
 */
#define STATE_HEADER	(PCI_CFG_SIZE + 8)
_Static_assert(STATE_HEADER + 16 * VIRTIO_PCI_MAX_VECTORS <= VIRTIO_PART_MAX,
	       "virtio-pci's state fits its part");

static size_t vpci_state_save(struct virtio_dev *dev, uint8_t *buf)
{
	struct virtio_pci *vp = dev->transport_data;
	uint8_t *p = buf + STATE_HEADER;

	memcpy(buf, vp->fn.cfg, PCI_CFG_SIZE);
	put_le32(buf + PCI_CFG_SIZE, vp->msix_pending);
	buf[PCI_CFG_SIZE + 4] = vp->fn.intx;
	buf[PCI_CFG_SIZE + 5] = vp->nr_vectors;
	put_le16(buf + PCI_CFG_SIZE + 6, 0);
	for (unsigned int v = 0; v < vp->nr_vectors; v++, p += 16)
		for (unsigned int w = 0; w < 4; w++)
			put_le32(p + 4 * w, vp->msix[v].word[w]);
	return p - buf;
}

/* Every vector the core's state names must be one this function has. */
static bool vectors_valid(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;

	for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
		if (valid_vector(vp, dev->queues[q].msix_vector) != dev->queues[q].msix_vector)
			return false;
	return valid_vector(vp, dev->config_msix_vector) == dev->config_msix_vector;
}

/* INTA is up only with an interrupt to read in the ISR, INTx on and MSI-X off. */
static bool intx_may_assert(const struct virtio_pci *vp, const uint8_t *cfg)
{
	return vp->dev->isr && !(get_le16(cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) &&
	       !(vp->has_msix && (get_le16(cfg + MSIX_CTRL) & MSIX_ENABLE));
}

static int vpci_state_load(struct virtio_dev *dev, const uint8_t *buf, size_t len,
			   char *why, size_t why_len)
{
	struct virtio_pci *vp = dev->transport_data;
	const uint8_t *p = buf + STATE_HEADER;
	uint32_t pending;

	if (len < STATE_HEADER || buf[PCI_CFG_SIZE + 5] != vp->nr_vectors ||
	    len != STATE_HEADER + 16 * vp->nr_vectors) {
		snprintf(why, why_len, "%s: the snapshot's MSI-X vectors are not this function's",
			 dev->name);
		return -EINVAL;
	}
	pending = get_le32(buf + PCI_CFG_SIZE);
	if (buf[PCI_CFG_SIZE + 4] > 1 || get_le16(buf + PCI_CFG_SIZE + 6) ||
	    pending >> vp->nr_vectors || !vectors_valid(vp) ||
	    (buf[PCI_CFG_SIZE + 4] && !intx_may_assert(vp, buf))) {
		snprintf(why, why_len, "%s: the PCI state is malformed", dev->name);
		return -EINVAL;
	}
	for (unsigned int v = 0; v < vp->nr_vectors; v++, p += 16) {
		for (unsigned int w = 0; w < 4; w++)
			vp->msix[v].word[w] = get_le32(p + 4 * w);
		if (vp->msix[v].word[MSIX_CTRL_WORD] & ~MSIX_ENTRY_MASKED) {
			snprintf(why, why_len, "%s: MSI-X vector %u is malformed", dev->name, v);
			return -EINVAL;
		}
	}
	if (pci_function_load_config(&vp->fn, buf)) {
		snprintf(why, why_len, "%s: the snapshot's PCI function is another one", dev->name);
		return -EINVAL;
	}
	vp->msix_pending = pending;
	/* Routes for the messages the driver wrote, as its writes made them. */
	for (unsigned int v = 0; v < vp->nr_vectors; v++)
		if (vp->msix[v].word[MSIX_ADDR_LO] || vp->msix[v].word[MSIX_ADDR_HI] ||
		    vp->msix[v].word[MSIX_DATA])
			vp->ops->msix_route(vp, v);
	pci_set_intx(&vp->fn, buf[PCI_CFG_SIZE + 4]);
	return 0;
}

static const struct virtio_transport_ops pci_transport = {
	.interrupt = vpci_interrupt,
	.state_save = vpci_state_save,
	.state_load = vpci_state_load,
};

static void add_vendor_cap(uint8_t *cfg, uint8_t at, uint8_t next, uint8_t len,
			   uint8_t type, uint32_t offset, uint32_t length)
{
	cfg[at] = PCI_CAP_ID_VNDR;
	cfg[at + 1] = next;
	cfg[at + 2] = len;
	cfg[at + 3] = type;
	cfg[at + 4] = 0;	/* bar */
	put_le32(cfg + at + 8, offset);
	put_le32(cfg + at + 12, length);
}

static uint32_t class_of(uint32_t device_id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:
		return 0x020000;	/* network, Ethernet */
	case VIRTIO_ID_BLOCK:
		return 0x018000;	/* mass storage, other */
	case VIRTIO_ID_CONSOLE:
		return 0x078000;	/* communication, other */
	default:
		return 0x00ff00;	/* unclassified */
	}
}

void virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev,
		     const struct virtio_pci_ops *ops, void *opaque,
		     const int *vector_fds)
{
	struct pci_function *fn = &vp->fn;
	uint8_t *cfg = fn->cfg;
	uint32_t id = dev->ops->device_id;

	memset(vp, 0, sizeof(*vp));
	pci_function_init(fn, &virtio_pci_function_ops, PCI_VENDOR_REDHAT_QUMRANET,
			  VIRTIO_PCI_DEVICE_BASE + id, class_of(id), 1,
			  PCI_VENDOR_REDHAT_QUMRANET, VIRTIO_PCI_SUBSYS_ID);
	pci_function_add_bar(fn, 0, VPCI_BAR_SIZE);
	vp->dev = dev;
	vp->ops = ops;
	vp->opaque = opaque;
	dev->transport = &pci_transport;
	dev->transport_data = vp;

	put_le16(cfg + PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_CAPABILITY_LIST] = CAP_COMMON;
	add_vendor_cap(cfg, CAP_COMMON, CAP_NOTIFY, 16, VIRTIO_PCI_CAP_COMMON_CFG,
		       VPCI_COMMON_OFF, CC_SIZE);
	add_vendor_cap(cfg, CAP_NOTIFY, CAP_ISR, 20, VIRTIO_PCI_CAP_NOTIFY_CFG,
		       VPCI_NOTIFY_OFF, VPCI_NOTIFY_MULT * dev->ops->nr_queues);
	put_le32(cfg + CAP_NOTIFY + 16, VPCI_NOTIFY_MULT);
	/* A device without configuration has no such capability (4.1.4.6). */
	add_vendor_cap(cfg, CAP_ISR, dev->ops->config_size ? CAP_DEVICE : CAP_PCI_CFG,
		       16, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR_OFF, 1);
	if (dev->ops->config_size)
		add_vendor_cap(cfg, CAP_DEVICE, CAP_PCI_CFG, 16,
			       VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE_OFF,
			       dev->ops->config_size);
	add_vendor_cap(cfg, CAP_PCI_CFG, vector_fds ? CAP_MSIX : 0, 20,
		       VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	memset(fn->wmask + PCI_CFG_BAR, 0xff, 1);
	memset(fn->wmask + PCI_CFG_OFFSET, 0xff, 12);

	if (!vector_fds)
		return;
	vp->has_msix = true;
	vp->nr_vectors = dev->ops->nr_queues + 1;
	for (unsigned int v = 0; v < vp->nr_vectors; v++) {
		vp->vector_fd[v] = vector_fds[v];
		vp->msix[v].word[MSIX_CTRL_WORD] = MSIX_ENTRY_MASKED;
	}
	cfg[CAP_MSIX] = PCI_CAP_ID_MSIX;
	put_le16(cfg + MSIX_CTRL, vp->nr_vectors - 1);
	put_le32(cfg + CAP_MSIX + 4, VPCI_MSIX_TABLE_OFF);	/* BIR 0 */
	put_le32(cfg + CAP_MSIX + 8, VPCI_MSIX_PBA_OFF);
	put_le16(fn->wmask + MSIX_CTRL, MSIX_ENABLE | MSIX_MASKALL);
}
