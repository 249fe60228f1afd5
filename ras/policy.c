// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "ras/policy.h"

/*
 * Defaults. A consumed error is synchronous: only an abort on the vCPU
 * that took it stops it running on with bad data. Others are
 * asynchronous: SDEI when the guest has it (it carries no state of its
 * own and Linux's GHES takes it), else a virtual SError, whose syndrome
 * a RAS-aware guest survives for CE and UEO and dies of otherwise, which
 * is what a fatal error asks for.
 */
enum ras_notify ras_notify_for(enum ras_origin origin, enum cper_severity sev,
			       enum ras_notify requested, bool sdei_on)
{
	if (origin == RAS_FROM_HOST_AR || origin == RAS_FROM_KVM_SEA)
		return RAS_NOTIFY_SEA;
	if (requested != RAS_NOTIFY_DEFAULT)
		return requested;
	if (origin == RAS_FROM_INJECT && sev == CPER_SEV_RECOVERABLE)
		return RAS_NOTIFY_SEA;
	return sdei_on ? RAS_NOTIFY_SDEI : RAS_NOTIFY_SERROR;
}

unsigned int ras_source_for(enum ras_notify notify, enum cper_severity sev,
			    unsigned int vcpu)
{
	switch (notify) {
	case RAS_NOTIFY_SDEI:
		return sev == CPER_SEV_FATAL ? RAS_SRC_SDEI_CRITICAL :
					       RAS_SRC_SDEI_NORMAL;
	case RAS_NOTIFY_SERROR:
		return RAS_SRC_SERROR;
	default:
		return RAS_SRC_SEA_FIRST + vcpu;
	}
}

uint32_t ras_serror_iss(enum cper_severity sev, bool consumed)
{
	uint32_t aet;

	switch (sev) {
	case CPER_SEV_CORRECTED:
	case CPER_SEV_INFO:
		aet = ESR_SERROR_AET_CE;
		break;
	case CPER_SEV_RECOVERABLE:
		aet = consumed ? ESR_SERROR_AET_UER : ESR_SERROR_AET_UEO;
		break;
	default:
		aet = ESR_SERROR_AET_UEU;
		break;
	}
	return aet << ESR_SERROR_AET_SHIFT | ESR_SERROR_DFSC_ASYNC;
}

uint32_t ras_sea_esr(bool from_el0)
{
	return (from_el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR) << ESR_EC_SHIFT |
	       ESR_IL | ESR_DABT_FNV | ESR_DFSC_EXT_ABORT;
}

const char *ras_notify_name(enum ras_notify notify)
{
	static const char *const names[] = {
		[RAS_NOTIFY_DEFAULT] = "default", [RAS_NOTIFY_SEA] = "sea",
		[RAS_NOTIFY_SERROR] = "serror", [RAS_NOTIFY_SDEI] = "sdei",
	};
	return names[notify];
}

const char *ras_source_name(unsigned int src, char *buf, size_t len)
{
	if (src == RAS_SRC_SDEI_NORMAL || src == RAS_SRC_SDEI_CRITICAL)
		snprintf(buf, len, "sdei event %u", src == RAS_SRC_SDEI_NORMAL ?
			 RAS_SDEI_EVENT_NORMAL : RAS_SDEI_EVENT_CRITICAL);
	else if (src == RAS_SRC_SERROR)
		snprintf(buf, len, "serror");
	else
		snprintf(buf, len, "sea vcpu %u", src - RAS_SRC_SEA_FIRST);
	return buf;
}
