/* libFuzzer: packets the kernel hands us through the tun. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	size_t n = size > FWD_MAX_PKT ? FWD_MAX_PKT : size;
	fwd_from_tun(&fuzz_ctx, fuzz_packet(data, size), n);
	return 0;
}
