// SPDX-License-Identifier: GPL-2.0
/*
 * Data-abort syndromes into the access they describe, and the register
 * values on either side of it. Pure functions of their arguments, so the
 * host unit tests run them as Keel does.
 */
#include <keel/errno.h>
#include "esr.h"

int esr_dabt_decode(u64 esr, struct esr_dabt *access)
{
	if (!(esr & ESR_DABT_ISV) || (esr & ESR_DABT_S1PTW))
		return -EINVAL;
	access->size = 1U << FIELD_GET(ESR_DABT_SAS, esr);
	access->reg = FIELD_GET(ESR_DABT_SRT, esr);
	access->write = esr & ESR_DABT_WNR;
	access->sign_extend = esr & ESR_DABT_SSE;
	access->reg64 = esr & ESR_DABT_SF;
	return 0;
}

u64 esr_dabt_store_value(unsigned int size, u64 rt)
{
	return bytes_cut(rt, size);
}

u64 esr_dabt_load_value(unsigned int size, bool sign_extend, bool reg64,
			u64 data)
{
	data = bytes_extend(data, size, sign_extend);
	return reg64 ? data : data & 0xffffffffULL;
}
