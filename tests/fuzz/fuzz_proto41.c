/* libFuzzer: whole IPv4 packets from the raw protocol-41 socket. The first
 * bytes of the corpus are mutated freely; with a 20-byte prefix the engine
 * also sees well-formed outer headers from a configured endpoint. */
#include "fuzz_common.h"

#include "proto41.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	size_t n = size > FWD_MAX_PKT ? FWD_MAX_PKT : size;
	uint8_t *p = fuzz_packet(data, size);
	if (n > 40 && data[0] == 'V') {
		/* Make the outer header valid, so the inner parser is reached. */
		static const uint8_t hdr[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 41, 0, 0,
						 10, 0, 0, 2, 10, 0, 0, 1 };
		memcpy(p, hdr, 20);
		p[2] = (uint8_t)(n >> 8);
		p[3] = (uint8_t)n;
		p[15] = (uint8_t)(2 + data[1] % 5); /* one of the endpoints, or not */
	}
	proto41_input(&fuzz_ctx, p, n);
	return 0;
}
