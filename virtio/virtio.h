/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_VIRTIO_H
#define LKVM_VIRTIO_VIRTIO_H

/*
 * A virtio 1.x device as both transports see it (Virtio 1.2, chapters 2
 * and 3): status, feature negotiation, the device-specific configuration
 * and the queues. A transport decodes its registers into the calls below;
 * a device model only fills its queues' chains. Pure: the interrupt and
 * the notification are eventfds, whatever KVM makes of them.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/iov.h"
#include "core/log.h"
#include "virtio/virtqueue.h"

/* Device status (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Reserved feature bits (6) lkvm offers on every device. */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

/* Device types (5) */
#define VIRTIO_ID_NET			1
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_ID_RNG			4
#define VIRTIO_ID_BALLOON		5
#define VIRTIO_ID_VSOCK			19
#define VIRTIO_ID_FS			26

#define VIRTIO_MAX_QUEUES		4
#define VIRTIO_NO_VECTOR		0xffff

/* The interrupt-status bits of both transports (4.1.4.5, 4.2.2). */
#define VIRTIO_ISR_QUEUE		1
#define VIRTIO_ISR_CONFIG		2

struct virtio_dev;

/*
 * What a device model provides. Called with the device's lock held:
 * queue_notify on the I/O thread, the others on a vCPU thread.
 */
struct virtio_device_ops {
	uint32_t device_id;
	unsigned int nr_queues;
	uint32_t config_size;
	/* The driver made buffers available on queue @q (I/O thread). */
	void (*queue_notify)(struct virtio_dev *dev, unsigned int q);
	/* Back to the state after creation; the core resets the rest. */
	void (*reset)(struct virtio_dev *dev);
	/*
	 * The driver set DRIVER_OK (optional): 0, or -errno with the reason
	 * in @why, and the device then needs a reset.
	 */
	int (*driver_ok)(struct virtio_dev *dev, const char **why);
	/* Queues the host kernel serves (vhost): lkvm leaves their kicks alone. */
	uint32_t kernel_queues;
	/*
	 * The queues are no longer live (optional): the device needs a reset,
	 * or the driver took DRIVER_OK back. The kernel's service stops too.
	 */
	void (*stop)(struct virtio_dev *dev);
	/* The driver wrote the configuration (optional; else read-only). */
	void (*config_write)(struct virtio_dev *dev, uint32_t offset,
			     const uint8_t *data, uint32_t len);
	/*
	 * Snapshots, all optional: the model's own state beyond the core's
	 * (at most VIRTIO_PART_MAX bytes), and back; and, for a snapshot's
	 * device whose features or configuration are not this one's, the
	 * difference in the model's words (true if it said).
	 */
	size_t (*state_save)(struct virtio_dev *dev, uint8_t *buf);
	int (*state_load)(struct virtio_dev *dev, const uint8_t *buf, size_t len,
			  char *why, size_t why_len);
	bool (*state_differs)(struct virtio_dev *dev, uint64_t features,
			      const uint8_t *config, char *why, size_t why_len);
};

/* How a transport raises the device's interrupt (I/O or vCPU thread). */
struct virtio_transport_ops {
	/* Queue @q has used buffers, or (q < 0) the configuration changed. */
	void (*interrupt)(struct virtio_dev *dev, int q);
	/* Snapshots, optional: the transport's own state, as for a model. */
	size_t (*state_save)(struct virtio_dev *dev, uint8_t *buf);
	int (*state_load)(struct virtio_dev *dev, const uint8_t *buf, size_t len,
			  char *why, size_t why_len);
};

struct virtio_queue {
	struct virtqueue vq;
	uint16_t size;		/* the driver's choice, at most VQ_MAX_SIZE */
	bool ready;		/* enabled by the driver and mapped */
	uint64_t desc, driver, device;	/* guest addresses of the 3 parts */
	uint16_t msix_vector;	/* virtio-pci only */
	int notify_fd;		/* eventfd: the driver notified this queue */
	unsigned int budget;	/* chains this wake-up may still take */
};

struct virtio_dev {
	const struct virtio_device_ops *ops;
	const struct virtio_transport_ops *transport;
	void *transport_data;
	void *priv;		/* the device model's state */
	char name[24];		/* "virtio-blk0": for messages */
	const struct vq_guest_mem *mem;

	/* Held by the vCPU threads (registers) and the I/O thread (queues). */
	pthread_mutex_t lock;
	uint64_t features;		/* offered */
	uint64_t driver_features;	/* accepted by the driver */
	uint32_t device_features_sel, driver_features_sel;
	uint8_t status;
	uint8_t config_generation;
	uint16_t queue_sel;
	uint8_t *config;		/* ops->config_size bytes, little-endian */
	uint32_t isr;			/* VIRTIO_ISR_* not yet read */
	uint16_t config_msix_vector;
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	bool broken;			/* in needs-reset, until the driver resets */
	struct log_ratelimit warn_limit;	/* a driver may break it again and again */
};

/*
 * Set up @dev for @ops, offering @features (device-specific bits; the core
 * adds VERSION_1, EVENT_IDX and INDIRECT_DESC) with @config as its
 * configuration. Creates the queues' notify eventfds. Returns 0 or -errno.
 */
int virtio_dev_init(struct virtio_dev *dev, const struct virtio_device_ops *ops,
		    void *priv, const char *name, const struct vq_guest_mem *mem,
		    uint64_t features, uint8_t *config);
void virtio_dev_destroy(struct virtio_dev *dev);

/* Transport side, with the lock held. */
uint32_t virtio_read_device_features(struct virtio_dev *dev);
void virtio_write_driver_features(struct virtio_dev *dev, uint32_t value);
uint32_t virtio_read_driver_features(struct virtio_dev *dev);
void virtio_write_status(struct virtio_dev *dev, uint8_t status);
/* Queue @q is enabled (1) with the addresses and size written so far. */
void virtio_enable_queue(struct virtio_dev *dev, unsigned int q);
struct virtio_queue *virtio_selected_queue(struct virtio_dev *dev);
/* Device configuration: reads beyond it are 0, writes ignored. */
void virtio_config_read(struct virtio_dev *dev, uint32_t offset, uint8_t *data,
			uint32_t len);
void virtio_config_write(struct virtio_dev *dev, uint32_t offset,
			 const uint8_t *data, uint32_t len);
/*
 * The device changed its configuration (a host-side setting): a new
 * generation, and the configuration interrupt once the driver runs.
 */
void virtio_config_changed(struct virtio_dev *dev);
/* Read and clear the interrupt status (the INTx and MMIO ISR read). */
uint32_t virtio_isr_read_clear(struct virtio_dev *dev);

/* Device side, with the lock held. */
bool virtio_has_feature(const struct virtio_dev *dev, unsigned int bit);
/*
 * Have the I/O thread look at every live queue, as if the driver had
 * notified each: at DRIVER_OK, and once a snapshot's state is loaded.
 */
void virtio_kick_live_queues(struct virtio_dev *dev);
/* Is queue @q live: DRIVER_OK, ready, and the device not broken? */
bool virtio_queue_live(const struct virtio_dev *dev, unsigned int q);
/*
 * A guest that makes each buffer available again as soon as it is used
 * would keep the I/O thread in one device for ever. So each wake-up of a
 * queue (a notification, tap input, console input) may take at most a
 * queue's worth of chains: call this first, at every such entry.
 */
void virtio_queue_new_round(struct virtio_dev *dev, unsigned int q);
/* The I/O thread's entry for a notification: a new round, then the device. */
void virtio_queue_notify(struct virtio_dev *dev, unsigned int q);
/*
 * vq_pop(); a ring the spec forbids puts the device in needs-reset
 * (-EINVAL). Once the round's budget is spent it returns 0, as for an
 * empty queue, and notifies the queue again: the I/O loop serves its other
 * work and then comes back for the rest.
 */
int virtio_queue_pop(struct virtio_dev *dev, unsigned int q,
		     struct vq_chain *chain);
/* After vq_push()es: interrupt the driver if it asked for one. */
void virtio_queue_done(struct virtio_dev *dev, unsigned int q);
/*
 * The guest broke the spec: set DEVICE_NEEDS_RESET, tell the driver through
 * a configuration interrupt, log @why once, and ignore the queues until the
 * driver resets the device. Other devices are not affected.
 */
void virtio_needs_reset(struct virtio_dev *dev, const char *why);

/*
 * Snapshots (virtio/state.c), while nothing else touches the device: the
 * vCPUs paused, on the I/O thread, or before the VM runs. The state into
 * @buf (its length; at most VIRTIO_STATE_MAX), and back from a snapshot's
 * copy, checked whole: 0, or -EINVAL with the reason in @why. Once loaded,
 * virtio_kick_live_queues(), for what the driver made available while the
 * snapshot was taken.
 */
#define VIRTIO_CONFIG_MAX	64
#define VIRTIO_PART_MAX		640
#define VIRTIO_STATE_MAX	(48 + VIRTIO_CONFIG_MAX + 36 * VIRTIO_MAX_QUEUES + \
				 2 * (4 + VIRTIO_PART_MAX))
size_t virtio_state_save(struct virtio_dev *dev, uint8_t *buf);
int virtio_state_load(struct virtio_dev *dev, const uint8_t *buf, size_t len, char *why,
		      size_t why_len);

/* A driver's 32-bit write to one half of a 64-bit queue address. */
void virtio_set_addr_half(uint64_t *addr, bool high, uint32_t v);

#endif
