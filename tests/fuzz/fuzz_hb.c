/* libFuzzer: heartbeat datagrams on UDP 3740. */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include "hb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	struct in6_addr src, dst;
	inet_pton(AF_INET6, "::ffff:10.0.0.77", &src);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", &dst);
	size_t n = size > 4096 ? 4096 : size;
	fuzz_ctx.now++; /* every input is newer: no replay refusals */
	hb_input(&fuzz_ctx, fuzz_packet(data, n), n, &src, &dst);
	return 0;
}
